"""Evidence on the journey: stakes weigh frictions by reach and shortfall, and lift the use
cases that address them; the arithmetic matches the sheet (Calc checks it in
test_libreoffice.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from plans import clean_plan

from omnisheet.analysis.measures import Evidence, assess
from omnisheet.analysis.scoring import priorities
from omnisheet.plan.model import Measure, Touchpoint, UseCase


def _two_frictions(share_a: float, share_b: float):
    """Two frictions rated equally badly, met by different shares of customers, and two
    use cases with the same marks, one on each."""
    plan = clean_plan()
    touchpoints = (*plan.touchpoints,
                   Touchpoint(stage="get_help", channel="phone", description="Attente",
                              status="friction"),
                   Touchpoint(stage="get_help", channel="store", description="Retours",
                              status="friction"))
    measures = (*plan.measures,
                Measure(stage="get_help", channel="phone", indicator="csat_5", value=2.8,
                        target=4.2, share=share_a),
                Measure(stage="get_help", channel="store", indicator="csat_5", value=2.8,
                        target=4.2, share=share_b))
    marks = {"business_impact": 3, "cx_impact": 3, "difficulty": 3}
    use_cases = (*plan.use_cases,
                 UseCase(id="UC-010", title="Rappel", stage="get_help", channel="phone", **marks),
                 UseCase(id="UC-011", title="Retour sans ticket", stage="get_help",
                         channel="store", **marks))
    return plan.with_changes(touchpoints=touchpoints, measures=measures, use_cases=use_cases)


def test_a_friction_many_customers_meet_ranks_its_use_case_above_one_few_meet():
    plan = _two_frictions(share_a=8, share_b=60)
    ranks = {p.id: p.rank for p in priorities(plan)}
    assert ranks["UC-011"] < ranks["UC-010"]
    # Swap the reach: the order follows.
    plan = _two_frictions(share_a=60, share_b=8)
    ranks = {p.id: p.rank for p in priorities(plan)}
    assert ranks["UC-010"] < ranks["UC-011"]
    ranked = [tp for tp, _ in Evidence(plan).ranked_touchpoints()]
    assert ranked.index(("get_help", "phone")) < ranked.index(("get_help", "store"))


def test_without_measures_the_score_is_value_times_ease():
    plan = clean_plan().with_changes(measures=())
    for p in priorities(plan):
        assert p.score == pytest.approx(p.value * p.ease)
        assert p.stake in (0.0, None)


def test_stake_is_gap_times_share_and_a_measure_at_target_weighs_nothing():
    a = assess(Measure(stage="buy", channel="website", indicator="csat_5", value=3.0,
                       target=4.2, share=50))
    assert (a.rating, a.gap, a.stake) == (50.0, 30.0, 0.15)
    met = assess(replace(a.measure, value=4.5))
    assert met.gap == 0.0 and met.stake == 0.0


@pytest.mark.parametrize(("value", "share"), [(82, 35), (0.82, 0.35)])
def test_percent_values_and_shares_read_the_same_typed_either_way(value, share):
    a = assess(Measure(stage="buy", channel="website", indicator="csat_pct", value=value,
                       target=90, share=share))
    assert a.rating == 82.0 and a.gap == 8.0 and a.stake == pytest.approx(0.028)


def test_each_indicator_is_brought_to_100_on_its_own_scale():
    rating = {ind: assess(Measure(indicator=ind, value=v)).rating
              for ind, v in {"csat_5": 5, "ces_7": 4, "nps": -100, "csat_pct": 50}.items()}
    assert rating == {"csat_5": 100.0, "ces_7": 50.0, "nps": 0.0, "csat_pct": 50.0}
    assert assess(Measure(indicator="Our own KPI", value=3)).rating is None


def test_a_use_case_with_no_channel_takes_the_highest_stake_of_its_stage():
    plan = _two_frictions(share_a=8, share_b=60)
    whole_stage = UseCase(id="UC-012", title="Aide", stage="get_help", business_impact=3,
                          cx_impact=3, difficulty=3)
    evidence = Evidence(plan)
    store = evidence.stake_of(plan.use_cases[-1])
    assert evidence.stake_of(whole_stage) == store > evidence.stake_of(plan.use_cases[-2])
    assert evidence.stake_of(UseCase(id="UC-013", title="Sans étape")) is None


def test_the_dashboard_heat_map_colours_each_touchpoint_against_its_target(tmp_path):
    import openpyxl

    from omnisheet import check
    from omnisheet.outputs.workbook import write
    from omnisheet.template.definition import load_definition

    plan = _two_frictions(share_a=8, share_b=60)
    plan = plan.with_changes(measures=(*plan.measures, Measure(
        stage="buy", channel="website", indicator="csat_pct", value=0.9, target=85, share=50),
        Measure(stage="buy", channel="email", indicator="csat_5", value=3.9, target=4.2)))
    out = write(plan, tmp_path / "checked.xlsx", report=check(plan))
    sheet = openpyxl.load_workbook(out)["Tableau de bord"]
    colours = load_definition().colours
    cells = {c.value: c.fill.fgColor.rgb[-6:] for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and "cible" in c.value}
    assert cells["CSAT (1 à 5) 2,8 (cible 4,2)"] == colours["heat_far"].lstrip("#")
    assert cells["CSAT (%) 90\u202f% (cible 85\u202f%)"] == colours["heat_met"].lstrip("#")
    assert cells["CSAT (1 à 5) 3,6 (cible 4,2)"] == colours["heat_far"].lstrip("#")
    assert cells["CSAT (1 à 5) 3,9 (cible 4,2)"] == colours["heat_near"].lstrip("#")
    stages = [c.value for row in sheet.iter_rows() for c in row if c.value == "Je demande de l'aide"]
    assert len(stages) >= 2  # a column of the heat-map and a row of the per-stage table
