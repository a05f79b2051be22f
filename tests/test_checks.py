"""Every check: a plan that triggers exactly that code at the right cell; a clean plan none."""

from __future__ import annotations

from dataclasses import replace

import pytest
from plans import clean_plan

from omnisheet import check
from omnisheet.analysis.checks import REGISTRY
from omnisheet.outputs.messages import message
from omnisheet.plan.model import (
    DataNeed,
    Measure,
    Message,
    Placement,
    Scenario,
    Touchpoint,
    Trend,
    UseCase,
)


def _findings(plan, lang=None):
    report = check(plan, lang=lang)
    return sorted((f.code, f.sheet, f.cell) for f in report.findings)


def test_the_clean_plan_triggers_nothing(roundtrip):
    assert _findings(clean_plan()) == []
    assert _findings(roundtrip(clean_plan())) == []


def _set(plan, table, index, **changes):
    records = list(getattr(plan, table))
    records[index] = replace(records[index], **changes)
    return plan.with_changes(**{table: tuple(records)})


def _add(plan, table, record):
    return plan.with_changes(**{table: (*getattr(plan, table), record)})


UC, SC, MSG, DATA = "Cas d'usage", "Scénarios", "Messages", "Données"
JOURNEY, MAP, SETTINGS = "Parcours client", "Carte des scénarios", "Paramètres"
MEASURES = "Mesures"
TRENDS = "Tendances des mesures"

# code → (change to the clean plan, expected (code, sheet, cell) triples)
CASES = {
    "value-not-in-list": (
        lambda p: _set(p, "use_cases", 0, category="Fidélité VIP"),
        [("value-not-in-list", UC, "B2")]),
    "value-spelled-differently": (
        lambda p: _set(p, "use_cases", 0, typed={"category": "Connaissance client - data"}),
        [("value-spelled-differently", UC, "B2")]),
    "status-spelled-differently": (
        lambda p: p.with_changes(touchpoints=tuple(
            replace(t, typed={"status": "opportunite"}) if t.status == "opportunity" else t
            for t in p.touchpoints)),
        [("status-spelled-differently", JOURNEY, "I3")]),
    "duplicate-id": (
        lambda p: _set(p, "use_cases", 2, id="uc-001 "),
        [("duplicate-id", UC, "A4")]),
    "missing-required": (
        lambda p: _set(p, "messages", 1, channel=None),
        [("missing-required", MSG, "C3")]),
    "bad-number": (
        lambda p: _set(p, "use_cases", 2, business_impact=7),
        [("bad-number", UC, "H4")]),
    "use-case-unscored": (
        lambda p: _set(p, "use_cases", 2, difficulty=None),
        [("use-case-unscored", UC, "J4")]),
    "friction-without-use-case": (
        lambda p: _add(p, "touchpoints", Touchpoint(stage="get_help", channel="phone",
                                                    description="Attente", status="friction")),
        [("friction-without-use-case", JOURNEY, "N8"),
         ("friction-without-evidence", JOURNEY, "N8")]),
    "friction-without-evidence": (
        lambda p: p.with_changes(measures=()),
        [("friction-without-evidence", JOURNEY, "D3")]),
    "measure-unknown-touchpoint": (
        lambda p: _add(p, "measures", Measure(stage="discover", channel="email",
                                              indicator="csat_5", value=4.0)),
        [("measure-unknown-touchpoint", MEASURES, "A3")]),
    "measure-out-of-range": (
        lambda p: _set(p, "measures", 0, value=9),
        [("measure-out-of-range", MEASURES, "D2")]),
    "measure-contradicts-status": (
        lambda p: _add(p, "measures", Measure(stage="buy", channel="email", indicator="nps",
                                              value=-20, target=30, share=15)),
        [("measure-contradicts-status", MEASURES, "D3")]),
    "opportunity-without-use-case": (
        lambda p: _add(p, "touchpoints", Touchpoint(stage="discover", channel="store",
                                                    description="Vitrine",
                                                    status="opportunity")),
        [("opportunity-without-use-case", JOURNEY, "B9")]),
    "use-case-unknown-touchpoint": (
        lambda p: _set(p, "use_cases", 2, stage="use", channel="mobile_app"),
        [("use-case-unknown-touchpoint", UC, "G4")]),
    "top-use-case-without-scenario": (
        lambda p: _set(p, "scenarios", 1, use_case="UC-001"),
        [("top-use-case-without-scenario", UC, "A3")]),
    "scenario-unknown-use-case": (
        lambda p: _set(p, "scenarios", 0, use_case="UC-099"),
        [("scenario-unknown-use-case", SC, "F2"),
         ("top-use-case-without-scenario", UC, "A2")]),
    "scenario-not-in-specs": (
        lambda p: _add(p, "placements", Placement(relationship_stage="upsell", target="target_2",
                                                  scenarios=("SC-009",))),
        [("scenario-not-in-specs", MAP, "E4")]),
    "scenario-not-in-map": (
        lambda p: p.with_changes(placements=p.placements[:1]),
        [("scenario-not-in-map", SC, "A3")]),
    "scenario-without-trigger": (
        lambda p: _set(p, "scenarios", 1, trigger=None),
        [("scenario-without-trigger", SC, "H3")]),
    "scenario-without-messages": (
        lambda p: p.with_changes(messages=p.messages[:2]),
        [("scenario-without-messages", SC, "A3")]),
    "message-unknown-scenario": (
        lambda p: _set(p, "messages", 3, scenario="SC-404"),
        [("message-unknown-scenario", MSG, "A5")]),
    "bad-delay": (
        lambda p: _set(p, "messages", 1, delay="bientôt"),
        [("bad-delay", MSG, "B3")]),
    "delays-not-increasing": (
        lambda p: _set(p, "messages", 3, delay="H+2"),
        [("delays-not-increasing", MSG, "B5")]),
    "message-channel-not-in-journey": (
        lambda p: _set(p, "messages", 1, channel="mail"),
        [("message-channel-not-in-journey", MSG, "C3")]),
    "unknown-stage-or-target": (
        lambda p: _add(p, "placements", Placement(relationship_stage="Hiver", target="target_1",
                                                  scenarios=("SC-002",))),
        # after the template's ten slots, each of which shows a listed stage or room for one
        [("unknown-stage-or-target", MAP, "L3")]),
    "scenario-without-data": (
        lambda p: p.with_changes(data_needs=p.data_needs[:1]),
        [("scenario-without-data", SC, "A3"),  # so no consent either
         ("consent-not-planned", MSG, "C4"), ("consent-not-planned", MSG, "C5")]),
    "variable-without-source": (
        lambda p: _set(p, "data_needs", 0, source=None),
        [("variable-without-source", DATA, "D2")]),
    "data-unknown-scenario": (
        lambda p: _add(p, "data_needs", DataNeed(scenario="SC-777", variable="Âge",
                                                 source="crm", availability="available")),
        [("data-unknown-scenario", DATA, "A5")]),
    "data-not-available": (
        lambda p: _set(p, "data_needs", 1, availability="to_collect"),
        [("data-not-available", DATA, "E3")]),
    "settings-invalid": (
        lambda p: p.with_changes(settings={**p.settings, "threshold_ease": 9}),
        [("settings-invalid", SETTINGS, "B5")]),
    # target 1 gets SC-002's cart emails (J+1, J+6) and, a stage before, All contacts' welcome
    # series (J+0, J+3): four emails within 7 days, over the cap of 3 from the fourth
    "pressure-over-cap": (
        lambda p: _add(p, "messages", Message(scenario="SC-002", delay="J+6", channel="email",
                                              content="Toujours là ?")),
        [("pressure-over-cap", MSG, "C6")]),
    "sequence-too-dense": (
        lambda p: _set(p, "messages", 1, delay="H+2"),
        [("sequence-too-dense", MSG, "B3")]),
    # triggered at 18:00, H+4 goes out at 22:00, after the night starts (21:00)
    "message-outside-hours": (
        lambda p: _set(_set(p, "scenarios", 1, trigger_hour=18), "messages", 2, delay="H+4"),
        [("message-outside-hours", MSG, "B4")]),
    # a channel of the team's own, with no row in the caps table: its row is added under
    # the template's eight (Settings row 22)
    "pressure-channel-without-cap": (
        lambda p: _add(p.with_changes(lists={**p.lists, "channel": (*p.channels, "WhatsApp")}),
                       "messages", Message(scenario="SC-002", delay="J+6", channel="WhatsApp",
                                           content="Votre panier")),
        [("pressure-channel-without-cap", SETTINGS, "B28"),
         ("message-channel-not-in-journey", MSG, "C6")]),
    "consent-not-planned": (
        lambda p: p.with_changes(data_needs=p.data_needs[:2]),
        [("consent-not-planned", MSG, "C4"), ("consent-not-planned", MSG, "C5")]),
    "consent-not-available": (
        lambda p: _set(p, "data_needs", 2, availability="to_collect"),
        [("consent-not-available", DATA, "E4"), ("data-not-available", DATA, "E4")]),
    # measures computed from survey responses (omnisheet feedback): the Measure trends tab
    "touchpoint-without-status": (
        lambda p: _add(p, "touchpoints", Touchpoint(stage="compare", channel="website",
                                                    description="Comparateur de prix")),
        [("touchpoint-without-status", JOURNEY, "G3")]),
    "live-use-case-data-missing": (
        lambda p: _add(p.with_changes(use_cases=(replace(p.use_cases[0], status="live"),
                                                 *p.use_cases[1:])),
                       "data_needs", DataNeed(scenario="SC-001", variable="Historique d'achats",
                                              source="crm", availability="to_integrate")),
        [("data-not-available", DATA, "E5"), ("live-use-case-data-missing", DATA, "E5")]),
    "measure-too-few-answers": (
        lambda p: _add(p, "trends", Trend(stage="find_out", channel="website",
                                          indicator="csat_5", period="mars 2026", value=4.0,
                                          answers=3, low=2.57, high=5.43)),
        [("measure-too-few-answers", TRENDS, "F2")]),
    "measure-worsened": (
        lambda p: p.with_changes(trends=(
            Trend(stage="find_out", channel="website", indicator="csat_5",
                  period="février 2026", value=4.2, answers=400, low=4.1, high=4.3),
            Trend(stage="find_out", channel="website", indicator="csat_5",
                  period="mars 2026", value=4.0, answers=400, low=3.9, high=4.1))),
        [("measure-worsened", TRENDS, "E3")]),
    "touchpoint-unmeasured": (
        lambda p: _add(p, "trends", Trend(stage="buy", channel="website", indicator="nps",
                                          period="mars 2026", value=30, answers=900,
                                          low=25, high=35)),
        [("touchpoint-unmeasured", JOURNEY, "D3")]),
}
# found while reading a file: tests/test_reader.py and tests/test_person_fills.py
READ_CASES = {"tab-missing", "column-missing", "status-inferred-from-colour", "macros-not-kept",
              "touchpoint-without-stage", "touchpoint-without-channel", "formula-overwritten",
              # over a formula's cell, so from a file: tests/test_team_plans.py
              "typed-over-formula-disagrees"}
# found against behavioural events (omnisheet journeys): tests/test_journeys.py
OBSERVED_CASES = {"touchpoint-without-traffic", "traffic-without-touchpoint",
                  "switch-without-opportunity", "slower-than-promised", "drop-off-at-normal"}


def test_every_check_has_a_fixture():
    assert set(REGISTRY) == set(CASES) | READ_CASES | OBSERVED_CASES


@pytest.mark.parametrize("code", sorted(CASES))
def test_check_triggers_at_its_cell(code, roundtrip):
    change, expected = CASES[code]
    plan = change(clean_plan())
    assert _findings(plan) == sorted(expected)
    # The same plan written to a workbook and read back gives the same cells.
    assert _findings(roundtrip(plan)) == sorted(expected)


def test_every_check_documents_what_and_how_in_every_language():
    from omnisheet.template.definition import load_definition

    definition = load_definition()
    for registered in REGISTRY.values():
        for lang in definition.languages:
            doc = definition.check_text(registered.code, lang, "doc")
            assert doc and len(doc.split("\n\n")) >= 2, (registered.code, lang)
            assert definition.check_text(registered.code, lang), (registered.code, lang)
    assert set(definition.check_texts["fr"]) == set(REGISTRY)  # no text for a check gone


def test_messages_follow_the_requested_language():
    plan = CASES["bad-number"][0](clean_plan())
    fr = check(plan)
    en = check(plan, lang="en")
    assert "attendu un nombre de 1 à 5" in message(fr, fr.findings[0])
    assert "expected a number from 1 to 5" in message(en, en.findings[0])
    assert "Business impact" in message(en, en.findings[0])


def test_a_use_case_with_no_channel_addresses_every_channel_of_its_stage():
    plan = clean_plan()
    plan = _add(plan, "touchpoints", Touchpoint(stage="buy", channel="store",
                                                description="Caisse", status="friction"))
    plan = _add(plan, "measures", Measure(stage="buy", channel="store", indicator="csat_5",
                                          value=3.1, target=4, share=30))
    assert _findings(plan) == []  # UC-002 has stage buy and no channel


def test_scenario_message_and_data_ids_ignore_case_and_spaces():
    plan = clean_plan()
    plan = _set(plan, "messages", 0, scenario=" sc-001")
    plan = _set(plan, "scenarios", 0, use_case="uc-001")
    assert _findings(plan) == []


def test_checks_on_a_plan_with_unknown_list_values_do_not_double_report():
    plan = _set(clean_plan(), "messages", 1, channel="Pigeon voyageur")
    assert _findings(plan) == [("value-not-in-list", MSG, "C3")]


def test_english_plan_cells_are_named_in_english():
    plan = _set(clean_plan("en"), "use_cases", 2, business_impact="high")
    assert _findings(plan) == [("bad-number", "Use cases", "H4")]


def test_a_new_scenario_and_message_row_need_all_their_parts():
    plan = _add(clean_plan(), "scenarios", Scenario(id="SC-003", name="Anniversaire"))
    plan = _add(plan, "messages", Message(scenario="SC-003", delay="J+0"))
    found = _findings(plan)
    assert ("scenario-without-trigger", SC, "G4") in found
    assert ("missing-required", MSG, "C6") in found and ("missing-required", MSG, "D6") in found
    assert ("scenario-not-in-map", SC, "A4") in found
    assert ("scenario-without-data", SC, "A4") in found


def test_use_case_records_are_plain_data():
    report = check(clean_plan())
    assert report.valid and report.flatten(["code"]) == []
    assert isinstance(report.plan.use_cases[0], UseCase)


def test_an_interval_just_over_the_limit_shows_the_decimal_that_makes_the_difference():
    """20.1 points wide against a limit of 20: never "large de 20 points ; les Paramètres
    admettent 20 points"."""
    plan = _add(clean_plan(), "trends", Trend(stage="find_out", channel="website",
                                              indicator="csat_5", period="mars 2026",
                                              value=4.0, answers=40, low=3.6, high=4.404))
    report = check(plan)
    said = [message(report, f) for f in report.findings if f.code == "measure-too-few-answers"]
    assert len(said) == 1
    assert "large de 20,1 points" in said[0] and "admettent 20 points" in said[0], said


def test_two_scenarios_sharing_an_id_give_the_duplicate_and_no_warnings_mixing_them():
    """SC-002 named twice, each with its own messages (J+1, J+5, then J+2) and trigger
    hour: duplicate-id, and no delays-not-increasing, sequence-too-dense or night message
    made of the other one's rows."""
    base = clean_plan()
    other = replace(base.scenarios[1], name="Enquête", trigger_hour=20)
    plan = base.with_changes(
        scenarios=(*base.scenarios, other),
        messages=(*base.messages,
                  Message(scenario="SC-002", delay="J+2", channel="email", content="Avis"),
                  Message(scenario="SC-002", delay="H+3", channel="email", content="Merci")))
    codes = {code for code, _, _ in _findings(plan)}
    assert "duplicate-id" in codes
    assert not codes & {"delays-not-increasing", "sequence-too-dense", "message-outside-hours"}
