"""Three small plans of one group, built in code, whose recurrences are counted by hand in
tests/test_portfolio.py.

A (French, the clean plan):
  touchpoints   find_out × website friction · buy × website opportunity · receive × sms normal
                discover × social normal · buy × email normal
  use cases     UC-001 knowledge « Enrichir les fiches produit » find_out × website (4, 4, 2)
                UC-002 activation « Relancer les paniers abandonnés » buy × any (5, 3, 4)
                UC-003 reporting « Tableau de bord mensuel » buy × email
  data          all available
B (English):
  touchpoints   find_out × website friction · buy × website FRICTION · receive × sms FRICTION
                get_help × WhatsApp (its own channel, added last) opportunity
  use cases     UC-002 « RELANCER LES PANIERS ABANDONNES » activation buy × any: A's, in
                capitals without accents; UC-001 at find_out × EMAIL (not A's: another
                touchpoint); UC-003 « Tableau de bord mensuel » in category SERVICE (not A's)
  data          SC-002's cart content to integrate from the CRM
C (French):
  stage         « buy » renamed « Je commande » (the list's fourth value)
  touchpoints   find_out × website NORMAL · Je commande × website opportunity ·
                receive × sms friction
  use cases     UC-001 as A's; UC-002 at « Je commande » (not A's: another stage)
  data          SC-001's consent to integrate from the CRM; the carrier's status to collect
                from « Transporteur » (a source of its own)
  measures      none
"""

from __future__ import annotations

from dataclasses import replace

from plans import clean_plan

from omnisheet.plan.model import DataNeed, Plan, Touchpoint


def _use_cases(plan: Plan, **changes: dict) -> tuple:
    return tuple(replace(u, **changes.get(u.id.replace("-", "_"), {})) for u in plan.use_cases)


def plan_a() -> Plan:
    return clean_plan("fr")


def plan_b() -> Plan:
    base = clean_plan("en")
    lists = {**base.lists, "channel": (*base.lists["channel"], "WhatsApp")}
    touchpoints = tuple(replace(t, status="friction") if (t.stage, t.channel) in
                        {("buy", "website"), ("receive", "sms")} else t
                        for t in base.touchpoints)
    touchpoints += (Touchpoint(stage="get_help", channel="WhatsApp", status="opportunity",
                               description="Questions SAV sur WhatsApp"),)
    use_cases = _use_cases(base, UC_001={"channel": "email"},
                           UC_002={"title": "RELANCER LES PANIERS ABANDONNES"},
                           UC_003={"category": "service"})
    data_needs = (*base.data_needs,
                  DataNeed(scenario="SC-002", variable="Panier côté CRM", source="crm",
                           availability="to_integrate"))
    return base.with_changes(lists=lists, touchpoints=touchpoints, use_cases=use_cases,
                             data_needs=data_needs)


def plan_c() -> Plan:
    base = clean_plan("fr")
    stages = tuple("Je commande" if s == "buy" else s for s in base.lists["stage"])
    touchpoints = tuple(
        replace(t, stage="Je commande") if t.stage == "buy" else
        replace(t, status="normal") if (t.stage, t.channel) == ("find_out", "website") else
        replace(t, status="friction") if (t.stage, t.channel) == ("receive", "sms") else t
        for t in base.touchpoints)
    use_cases = tuple(replace(u, stage="Je commande") if u.id == "UC-002" else u
                      for u in base.use_cases if u.id != "UC-003")
    data_needs = (*base.data_needs,
                  DataNeed(scenario="SC-001", variable="Consentement en magasin", source="crm",
                           availability="to_integrate"),
                  DataNeed(scenario="SC-001", variable="Statut du transporteur",
                           source="Transporteur", availability="to_collect"))
    return base.with_changes(lists={**base.lists, "stage": stages}, touchpoints=touchpoints,
                             use_cases=use_cases, data_needs=data_needs, measures=())


def group() -> dict[str, Plan]:
    return {"plan-a": plan_a(), "plan-b": plan_b(), "plan-c": plan_c()}
