"""Groupe Lumen's portfolio: the plans of three countries, made from the French sample
(samples/retail-fr.yaml, Maison Lumen) by a seeded script, so that they differ the way
real plans of one group do.

    python samples/portfolio/build.py                    # samples/portfolio/lumen-*.xlsx
    python samples/portfolio/build.py --variations 100 DIR   # 100 plans with small
                                                         # variations, for make bench

* France (lumen-france.xlsx): the sample as it stands, the plan head office started from.
* Belgique (lumen-belgique.xlsx): took up about half of France's use cases, fixed a few
  of its frictions already, renamed the « J'achète » stage « Je commande » (its
  touchpoints there are compared with no other plan's: the difference is said), added
  WhatsApp as a channel, and wants a two-hour click & collect.
* Suisse (lumen-suisse.xlsx): far behind: a handful of use cases, three scenarios, most
  of its data still to collect, more frictions than the others and few of them addressed;
  it too wants the two-hour click & collect (typed « click & collect en deux heures »).

All three share one friction: the customer service adviser who sees neither the store
purchases nor the previous contacts. The committed workbooks are this script's output;
tests/test_portfolio_samples.py fails when they are stale.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path

from omnisheet.outputs.workbook import write
from omnisheet.plan.model import DataNeed, Plan, Scenario, Touchpoint, UseCase
from omnisheet.plan.setting_tables import complete
from omnisheet.read.plan_file import read_plan_file
from omnisheet.template.definition import load_definition

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
SEED = 2026
SERVICE = "Service client (téléphone/chat)"
#: The friction every country has.
SHARED_FRICTION = ("get_help", SERVICE)
COMMANDE = "Je commande"


def france(base: Plan) -> Plan:
    return base


def belgique(base: Plan, rng: random.Random) -> Plan:
    ids = sorted(u.id for u in base.use_cases)
    kept = set(rng.sample(ids, 13)) | {"UC-002", "UC-006"}  # the adviser's history, carts
    use_cases = []
    for u in base.use_cases:
        if u.id not in kept:
            continue
        if rng.random() < 0.4:  # marks of their own
            u = replace(u, cx_impact=max(1, min(5, int(u.cx_impact or 3) + rng.choice((-1, 1)))))
        use_cases.append(_renamed(u))
    use_cases.append(UseCase(
        id="UC-030", category="omnichannel", title="Click & collect en deux heures",
        objective="Retirer en magasin deux heures après la commande en ligne",
        stage="Je suis livré / je retire", channel="store", business_impact=4, cx_impact=5,
        difficulty=3, owner="Resp. omnicanal Belgique", status="planned"))
    use_cases.append(UseCase(
        id="UC-031", category="service", title="Répondre sur WhatsApp avec la commande sous les yeux",
        stage="get_help", channel="WhatsApp", business_impact=3, cx_impact=4, difficulty=2,
        owner="Resp. relation client", status="idea"))
    touchpoints = [_renamed(replace(t, status="normal"))  # a few frictions fixed already
                   if t.status == "friction" and (t.stage, t.channel) != SHARED_FRICTION
                   and rng.random() < 0.4 else _renamed(t) for t in base.touchpoints]
    touchpoints += [
        Touchpoint(stage="get_help", channel="WhatsApp", status="opportunity",
                   description="Questions SAV sur WhatsApp, traitées sans voir la commande"),
        Touchpoint(stage="Je suis livré / je retire", channel="WhatsApp", status="normal",
                   description="Message du transporteur le jour de la livraison"),
    ]
    plan = _keep_use_cases(base, use_cases)
    lists = dict(plan.lists)
    lists["stage"] = tuple(COMMANDE if s == "buy" else s for s in lists["stage"])
    lists["channel"] = (*lists["channel"], "WhatsApp")
    return plan.with_changes(
        lists=lists, touchpoints=tuple(touchpoints),
        # WhatsApp gets its row in the caps per channel, empty: not counted until capped
        setting_tables=complete(plan.setting_tables, lists, load_definition()),
        measures=tuple(_renamed(m) for m in plan.measures if rng.random() < 0.7),
        surveys=tuple(_renamed(s) for s in plan.surveys),
        data_needs=tuple(replace(d, availability="available")
                         if d.availability == "to_integrate" and rng.random() < 0.3 else d
                         for d in plan.data_needs))


def suisse(base: Plan, rng: random.Random) -> Plan:
    kept = {"UC-002", "UC-005", "UC-006", "UC-021"}
    use_cases = [u for u in base.use_cases if u.id in kept]
    use_cases.append(UseCase(
        id="UC-007", category="omnichannel", title="click & collect en deux heures",
        stage="Je suis livré / je retire", channel="store", business_impact=4, cx_impact=4,
        difficulty=4, owner="Direction Suisse", status="idea"))
    use_cases.append(UseCase(id="UC-008", category="knowledge",
                             title="Connaître les clients des magasins de Genève",
                             stage="buy", channel="store", business_impact=4))
    plan = _keep_use_cases(base, use_cases, scenarios={"SC-001", "SC-002", "SC-009"})
    touchpoints = []
    for t in plan.touchpoints:
        if (t.stage, t.channel) == SHARED_FRICTION:
            touchpoints.append(t)
        elif t.status == "normal" and rng.random() < 0.35:
            touchpoints.append(replace(t, status="friction"))
        elif t.status == "opportunity" and rng.random() < 0.5:
            touchpoints.append(replace(t, status="normal"))
        else:
            touchpoints.append(t)
    return plan.with_changes(
        touchpoints=tuple(touchpoints), measures=plan.measures[:2],
        data_needs=tuple(replace(d, availability="to_collect")
                         if d.availability == "available" and rng.random() < 0.6 else d
                         for d in plan.data_needs))


def _renamed(record):
    """The Belgian stage name where France has « J'achète » (buy)."""
    return replace(record, stage=COMMANDE) if record.stage == "buy" else record


def _keep_use_cases(plan: Plan, use_cases: list[UseCase],
                    scenarios: set[str] | None = None) -> Plan:
    """The plan with these use cases, and the scenarios (messages, data, map cells) that
    implement one of them (or only the `scenarios` named)."""
    ids = {u.id for u in use_cases}
    kept: list[Scenario] = [s for s in plan.scenarios if s.use_case in ids
                            and (scenarios is None or s.id in scenarios)]
    names = {s.id for s in kept}
    placements = tuple(replace(p, scenarios=tuple(i for i in p.scenarios if i in names))
                       for p in plan.placements)
    data: list[DataNeed] = [d for d in plan.data_needs if d.scenario in names]
    return plan.with_changes(
        use_cases=tuple(use_cases), scenarios=tuple(kept),
        messages=tuple(m for m in plan.messages if m.scenario in names),
        data_needs=tuple(data),
        placements=tuple(p for p in placements if p.scenarios))


def group(base: Plan | None = None) -> dict[str, Plan]:
    base = base or read_plan_file(SAMPLES / "retail-fr.yaml")
    rng = random.Random(SEED)
    return {"lumen-france": france(base), "lumen-belgique": belgique(base, rng),
            "lumen-suisse": suisse(base, rng)}


# --- many plans with small variations (make bench) ---------------------------------------


def variation(base: Plan, rng: random.Random) -> Plan:
    """The plan with small changes a team makes: a few statuses, marks and data needs
    changed, a use case or two dropped, now and then a stage renamed."""
    touchpoints = tuple(
        replace(t, status=rng.choice(("normal", "friction", "opportunity")))
        if rng.random() < 0.1 else t for t in base.touchpoints)
    dropped = set(rng.sample([u.id for u in base.use_cases], 2))
    use_cases = tuple(
        replace(u, business_impact=rng.randint(1, 5)) if rng.random() < 0.2 else u
        for u in base.use_cases if u.id not in dropped)
    data_needs = tuple(
        replace(d, availability=rng.choice(("available", "to_integrate", "to_collect")))
        if rng.random() < 0.15 else d for d in base.data_needs)
    plan = base.with_changes(touchpoints=touchpoints, use_cases=use_cases,
                             data_needs=data_needs)
    if rng.random() < 0.1:
        stage = rng.choice([s for s in plan.stages if isinstance(s, str)])
        new = f"{stage} (local)"
        lists = {**plan.lists, "stage": tuple(new if s == stage else s for s in plan.stages)}
        plan = plan.with_changes(
            lists=lists,
            touchpoints=tuple(replace(t, stage=new) if t.stage == stage else t
                              for t in plan.touchpoints),
            use_cases=tuple(replace(u, stage=new) if u.stage == stage else u
                            for u in plan.use_cases),
            measures=tuple(replace(m, stage=new) if m.stage == stage else m
                           for m in plan.measures))
    return plan


def variations(count: int, folder: Path, seed: int = SEED) -> list[Path]:
    """`count` plans of the French sample's size (every fourth from the English one)."""
    rng = random.Random(seed)
    bases = [read_plan_file(SAMPLES / "retail-fr.yaml"), read_plan_file(SAMPLES / "bank-en.yaml")]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        base = bases[1] if i % 4 == 3 else bases[0]
        written.append(write(variation(base, rng), folder / f"plan-{i + 1:03d}.xlsx"))
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=HERE)
    parser.add_argument("--variations", type=int, default=0,
                        help="write this many varied plans instead of the group's")
    args = parser.parse_args(argv)
    if args.variations:
        written = variations(args.variations, args.folder)
        print(f"wrote {len(written)} plans into {args.folder}")
        return 0
    for name, plan in group().items():
        print(f"wrote {write(plan, args.folder / f'{name}.xlsx')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
