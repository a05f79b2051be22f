"""`omnisheet diff`: what changed between two versions of a plan, on the model, not the cells."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from plans import clean_plan

from omnisheet import check
from omnisheet.analysis.diff import canonical, diff_plans
from omnisheet.outputs.json.diff import diff_json
from omnisheet.outputs.text.diff import render_diff_text
from omnisheet.outputs.workbook import write
from omnisheet.plan.model import DataNeed, Message, Placement, Plan, Touchpoint, UseCase

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "omnisheet" / "outputs" / "json" / "diff.schema.json").read_text(encoding="utf-8"))


def diff(old: Plan, new: Plan, lang: str = "en"):
    result = diff_plans(old, new, check(old, lang=lang), check(new, lang=lang), lang=lang)
    jsonschema.validate(diff_json(result), SCHEMA)
    return result


def use_case(plan: Plan, ident: str) -> UseCase:
    return next(u for u in plan.use_cases if u.id == ident)


def replace_use_case(plan: Plan, ident: str, **changes) -> Plan:
    return plan.with_changes(use_cases=tuple(replace(u, **changes) if u.id == ident else u
                                             for u in plan.use_cases))


def test_identical_plans_have_no_changes():
    result = diff(clean_plan(), clean_plan())
    data = diff_json(result)
    assert data["changed"] is False
    assert data["use_cases"] == {"added": [], "removed": [], "changed": []}
    assert render_diff_text(result).splitlines()[1].strip() == "No changes."


def test_a_french_and_an_english_plan_compare_by_keys():
    result = diff(clean_plan("fr"), clean_plan("en"))
    assert not result.changed
    assert (result.old_language, result.new_language) == ("fr", "en")


def test_moving_rows_changes_nothing_and_findings_keep_their_identity():
    """Findings are on objects, not cells: reversing every table moves the cells at fault,
    and still no finding is fixed or new."""
    base = clean_plan()
    old = replace_use_case(base, "UC-002", difficulty=9).with_changes(
        data_needs=(*base.data_needs,
                    DataNeed(scenario="SC-002", variable="Code promo", source=None,
                             availability="to_collect")))
    by_scenario = sorted(old.messages, key=lambda m: m.scenario, reverse=True)  # stable
    new = old.with_changes(use_cases=old.use_cases[::-1], scenarios=old.scenarios[::-1],
                           messages=tuple(by_scenario), data_needs=old.data_needs[::-1])
    old_cells = {(f.code, f.sheet, f.cell) for f in check(old).findings}
    new_cells = {(f.code, f.sheet, f.cell) for f in check(new).findings}
    assert old_cells != new_cells  # the cells at fault did move
    result = diff(old, new)
    assert (result.fixed, result.new) == ((), ())
    assert not result.use_cases and not result.scenarios and not result.data_needs


def test_values_compare_as_a_spreadsheet_would_resave_them():
    base = clean_plan()
    old = base.with_changes(
        use_cases=tuple(replace(u, business_impact=float(u.business_impact),
                                owner=dt.datetime(2024, 3, 1)) for u in base.use_cases),
        messages=tuple(replace(m, delay=m.delay.replace("J", "D")) for m in base.messages))
    new = base.with_changes(
        use_cases=tuple(replace(u, id=f" {u.id.lower()} ", owner=dt.date(2024, 3, 1),
                                title=f"{u.title} \r\n")
                        for u in base.use_cases),
        scenarios=tuple(replace(s, id=s.id.lower()) for s in base.scenarios))
    assert float(old.use_cases[0].business_impact) == 4.0 and old.messages[0].delay == "D+0"
    assert not diff(old, new).changed
    assert canonical(0.1 + 0.2) == canonical(0.3) and canonical(3.0) == canonical(3)
    assert canonical("a\r\nb ") == "a\nb" and canonical("") is None


def test_a_re_scored_use_case_shows_its_rank_and_score_before_and_after():
    old = clean_plan()
    new = replace_use_case(old, "UC-003", business_impact=5, cx_impact=5, difficulty=1)
    result = diff(old, new)
    changed = {c["id"]: c for c in diff_json(result)["use_cases"]["changed"]}
    assert changed["UC-003"]["rank"] == {"old": 3, "new": 1}
    old_score = next(p.score for p in check(old).priorities if p.id == "UC-003")
    assert changed["UC-003"]["score"]["old"] == old_score
    assert changed["UC-003"]["score"]["new"] > old_score
    assert [c["field"] for c in changed["UC-003"]["changes"]] == ["business_impact", "cx_impact"]
    # Pushed down one place each, without a change of their own.
    assert changed["UC-001"]["rank"] == {"old": 1, "new": 2} and changed["UC-001"]["changes"] == []
    text = render_diff_text(result)
    assert "UC-003   rank 3 → 1" in text and "re-scored" in text


def test_use_cases_added_removed_and_edited_without_a_re_score():
    old = clean_plan()
    new = replace_use_case(old, "UC-001", status="live").with_changes(
        use_cases=(*replace_use_case(old, "UC-001", status="live").use_cases[:2],
                   UseCase(id="UC-009", title="Nouveau", stage="buy", business_impact=1,
                           cx_impact=1, difficulty=5)))
    data = diff_json(diff(old, new))
    assert [u["id"] for u in data["use_cases"]["added"]] == ["UC-009"]
    assert [u["id"] for u in data["use_cases"]["removed"]] == ["UC-003"]
    status = next(c for c in data["use_cases"]["changed"] if c["id"] == "UC-001")
    assert status["rescored"] is False
    assert status["changes"] == [{"field": "status", "old": "planned", "new": "live"}]


def test_touchpoint_status_changes_additions_and_removals():
    old = clean_plan()
    tps = [replace(t, status="friction") if t.stage == "discover" else t
           for t in old.touchpoints if t.stage != "receive"]
    tps.append(Touchpoint(stage="use", channel="phone", description="SAV", status="normal"))
    new = old.with_changes(touchpoints=tuple(tps))
    result = diff(old, new)
    data = diff_json(result)["touchpoints"]
    assert data["changed"] == [{"stage": "discover", "channel": "social",
                                "status": {"old": "normal", "new": "friction"},
                                "changes": [{"field": "status", "old": "normal",
                                             "new": "friction"}]}]
    assert [(t["stage"], t["channel"]) for t in data["added"]] == [("use", "phone")]
    assert [(t["stage"], t["channel"]) for t in data["removed"]] == [("receive", "sms")]
    text = render_diff_text(result)
    assert "I discover × Social media: Normal → Friction" in text
    assert "Use cases" not in text  # no section for what did not change
    # The new friction is addressed by no use case: a new warning, on its touchpoint.
    (friction,) = [f for f in result.new if f.finding.code == "friction-without-use-case"]
    assert friction.object == ("journey", "discover", "social", "description")


def test_a_re_specified_scenario_lists_fields_and_its_message_sequence():
    old = clean_plan()
    sc2 = [m for m in old.messages if m.scenario == "SC-002"]
    new = old.with_changes(
        scenarios=tuple(replace(s, trigger="Panier non validé depuis 2 h") if s.id == "SC-002"
                        else s for s in old.scenarios),
        messages=(*[m for m in old.messages if m.scenario != "SC-002"],
                  sc2[0],
                  Message(scenario="SC-002", delay="J+3", channel="email", content="Rappel"),
                  replace(sc2[1], delay="J+7")))
    result = diff(old, new)
    (change,) = diff_json(result)["scenarios"]["changed"]
    assert change["id"] == "SC-002"
    assert [c["field"] for c in change["changes"]] == ["trigger"]
    messages = change["messages"]
    assert [(m["delay"], m["channel"]) for m in messages["added"]] == [("J+3", "email")]
    assert messages["removed"] == []
    assert [(c["old"]["delay"], c["new"]["delay"]) for c in messages["changed"]] == [("J+5", "J+7")]
    assert "messages: + J+3 Email, ~ J+5 SMS → J+7 SMS" in render_diff_text(result)
    # A message moved to another channel, at the same delay, is changed too.
    moved = old.with_changes(messages=tuple(replace(m, channel="phone") if m.delay == "J+5" else m
                                            for m in old.messages))
    (change,) = diff_json(diff(old, moved))["scenarios"]["changed"]
    assert change["messages"]["changed"][0]["changes"] == [
        {"field": "channel", "old": "sms", "new": "phone"}]


def test_a_scenario_added_and_one_removed():
    old = clean_plan()
    new = old.with_changes(scenarios=(old.scenarios[0], replace(old.scenarios[1], id="SC-003")))
    data = diff_json(diff(old, new))["scenarios"]
    assert [(s["id"], s["messages"]) for s in data["added"]] == [("SC-003", 0)]
    assert [(s["id"], s["messages"]) for s in data["removed"]] == [("SC-002", 2)]


def test_data_need_now_available_fixes_its_finding():
    new = clean_plan()
    old = new.with_changes(data_needs=tuple(replace(d, availability="to_integrate")
                                            if d.variable == "Contenu du panier" else d
                                            for d in new.data_needs))
    result = diff(old, new)
    data = diff_json(result)
    (change,) = data["data_needs"]["changed"]
    assert change["now_available"] is True
    assert change["availability"] == {"old": "to_integrate", "new": "available"}
    assert data["summary"]["data_needs"]["now_available"] == 1
    assert [f["code"] for f in data["findings"]["fixed"]] == ["data-not-available"]
    assert data["findings"]["new"] == []
    assert data["readiness"]["old"] < data["readiness"]["new"]
    text = render_diff_text(result)
    assert "SC-002 · Contenu du panier: Availability: To integrate → Available" in text


def test_fail_on_new_counts_only_new_findings_at_or_above_the_level():
    old = clean_plan()
    new = replace_use_case(old, "UC-003", business_impact=5, cx_impact=5, difficulty=1)
    result = diff(old, new)
    assert [f.finding.code for f in result.new] == ["top-use-case-without-scenario"]
    assert result.new_at_or_above("warning") and not result.new_at_or_above("error")
    assert not result.new_at_or_above("never")
    # The same warning in both versions is not new.
    assert not diff(new, new).new_at_or_above("warning")


def test_a_measure_whose_value_changed():
    old = clean_plan()
    if not getattr(old, "measures", ()):
        pytest.skip("this version of the model has no measures")
    new = old.with_changes(measures=(replace(old.measures[0], value=4.4),))
    result = diff(old, new)
    (change,) = diff_json(result)["measures"]["changed"]
    assert change["changes"] == [{"field": "value", "old": 3.6, "new": 4.4}]
    assert "Value: 3.6 → 4.4" in render_diff_text(result)


def _caps(plan: Plan, **rows: tuple) -> Plan:
    """The plan with these rows of the caps per channel, the others as the template has them."""
    from omnisheet.plan.setting_tables import defaults
    from omnisheet.template.definition import load_definition

    table = dict((row[0], row) for row in defaults(plan.lists, load_definition())["contact_caps"])
    table.update({value: (value, *numbers) for value, numbers in rows.items()})
    return plan.with_changes(setting_tables={"contact_caps": tuple(table.values())})


def test_caps_per_channel_changed_in_settings_are_changes():
    old = clean_plan()
    assert not diff(old, _caps(old)).changed  # the template's caps, written out: the same
    new = _caps(old, email=(4, 7), sms=(1, 14), **{"Service client (tél./chat)": (2, 30)})
    result = diff(old, new)
    assert diff_json(result)["settings"] == [
        {"field": "contact_caps/email/cap", "old": 3, "new": 4},
        {"field": "contact_caps/sms/window_days", "old": 7, "new": 14},
        {"field": "contact_caps/Service client (tél./chat)/cap", "old": None, "new": 2},
        {"field": "contact_caps/Service client (tél./chat)/window_days", "old": None,
         "new": 30}]
    english = render_diff_text(result)
    assert "Contact pressure: caps per channel — Email, At most (messages): 3 → 4" in english
    assert "Contact pressure: caps per channel — SMS, Within (days): 7 → 14" in english
    french = render_diff_text(diff(old, new, "fr"))
    assert ("Pression commerciale : plafonds par canal — Email, Messages au plus : 3 → 4"
            in french)
    assert ("plafonds par canal — Service client (tél./chat), Sur (jours) : — → 30"
            in french)


def test_a_cap_still_exceeded_after_a_message_moved_is_neither_fixed_nor_new():
    """The finding is said on the first message over the cap; moving that message within
    the same week leaves the same target over the same channel's cap: no change."""
    from test_checks import CASES

    old = CASES["pressure-over-cap"][0](clean_plan())
    messages = list(old.messages)
    messages[-1] = replace(messages[-1], delay="J+4")  # was J+6: still four emails in 7 days
    new = old.with_changes(messages=tuple(messages))
    assert {f.code for f in check(new).findings} >= {"pressure-over-cap"}
    data = diff_json(diff(old, new))["findings"]
    assert [f for f in data["fixed"] + data["new"] if f["code"] == "pressure-over-cap"] == []


def test_duplicate_findings_compare_as_a_multiset():
    """Two use cases with one ID: fixing one of the duplicates fixes one finding, not both."""
    base = clean_plan()
    extra = (UseCase(id="UC-001", title="Doublon A", stage="buy", business_impact=1, cx_impact=1,
                     difficulty=5),
             UseCase(id="UC-001", title="Doublon B", stage="buy", business_impact=1, cx_impact=1,
                     difficulty=5))
    old = base.with_changes(use_cases=(*base.use_cases, *extra))
    new = base.with_changes(use_cases=(*base.use_cases, extra[0]))
    result = diff(old, new)
    assert [f.finding.code for f in result.fixed] == ["duplicate-id"]
    assert result.new == ()


# --- end to end, through the command line ------------------------------------------------


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    """The plan last month in French, and this month, edited and saved in English."""
    base = clean_plan()
    base = base.with_changes(data_needs=(  # an info finding in both versions
        *base.data_needs, DataNeed(scenario="SC-001", variable="Date de naissance", source="crm",
                                   availability="to_collect")))
    old = base.with_changes(
        placements=base.placements[:1],  # SC-002 not on the map: a warning
        data_needs=tuple(replace(d, availability="to_integrate")
                         if d.variable == "Contenu du panier" else d for d in base.data_needs))
    new = replace_use_case(base, "UC-003", business_impact=5, cx_impact=5, difficulty=1)
    new = new.with_changes(
        use_cases=new.use_cases[::-1],  # rows moved
        data_needs=new.data_needs[::-1],
        touchpoints=tuple(replace(t, status="opportunity") if t.channel == "email" else t
                          for t in new.touchpoints),
        placements=(*base.placements[:1],
                    Placement(relationship_stage="activation", target="target_1",
                              scenarios=("SC-002",))))
    return (write(old, tmp_path / "plan-mars.xlsx"),
            write(new, tmp_path / "plan-april.xlsx", lang="en"))


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[Path, Path]:
    return _versions(tmp_path_factory.mktemp("diff"))


def test_cli_diff_of_a_french_and_an_english_version(cli, versions):
    old, new = versions
    result = cli("diff", old, new)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Omnichannel readiness: " in out  # English: the new workbook's language
    assert "UC-003   rank 3 → 1" in out
    assert "I buy × Email: Normal → Opportunity" in out
    assert "SC-002 · Contenu du panier: Availability: To integrate → Available" in out
    fixed = [line for line in out.splitlines() if line.strip().startswith("fixed")]
    assert any("[scenario-not-in-map]" in line and "Scénarios!A3" in line for line in fixed)
    assert any("[data-not-available]" in line for line in fixed)
    new_lines = [line for line in out.splitlines() if line.strip().startswith("new ")]
    assert len(new_lines) == 1 and "[top-use-case-without-scenario]" in new_lines[0]
    assert "Scenarios" not in out and "Touchpoints (1)" in out


def test_cli_diff_in_french_and_as_json(cli, versions):
    old, new = versions
    text = cli("diff", old, new, "--lang", "fr").output
    assert "Maturité omnicanale" in text
    assert "J'achète × Email : Normal → Opportunité" in text
    assert "rang 3 → 1" in text
    data = json.loads(cli("diff", old, new, "--format", "json").output)
    jsonschema.validate(data, SCHEMA)
    assert (data["old"]["language"], data["new"]["language"]) == ("fr", "en")
    assert data["summary"]["findings"] == {
        "fixed": 2, "new": 1, "revealed": 0, "new_by_severity": {"error": 0, "warning": 1, "info": 0}}
    assert data["summary"]["use_cases"]["added"] == data["summary"]["use_cases"]["removed"] == 0
    assert data["summary"]["touchpoints"]["status_changed"] == 1
    backwards = json.loads(cli("diff", new, old, "--format", "json").output)
    assert [f["code"] for f in backwards["findings"]["fixed"]] == ["top-use-case-without-scenario"]
    assert backwards["findings"]["fixed"][0]["sheet"] == "Use cases"  # where it was, in English


@pytest.mark.parametrize(("level", "code"), [("never", 0), ("error", 0), ("warning", 1)])
def test_cli_fail_on_new(cli, versions, level, code):
    old, new = versions
    assert cli("diff", old, new, "--fail-on-new", level).exit_code == code


def test_the_sample_against_itself_has_no_changes(cli):
    sample = ROOT / "samples" / "retail-fr.xlsx"
    result = cli("diff", sample, sample)
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1].strip() == "Aucun changement."
    data = json.loads(cli("diff", sample, sample, "--format", "json", "--lang", "en").output)
    jsonschema.validate(data, SCHEMA)
    assert data["changed"] is False and data["findings"] == {"fixed": [], "new": [], "revealed": []}
    assert data["old"]["readiness"] == data["new"]["readiness"] is not None


def test_unreadable_file_gives_one_line_and_exit_2(cli, tmp_path):
    sample = ROOT / "samples" / "retail-fr.xlsx"
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(b"not a workbook")
    for args in ((sample, bad), (bad, sample), (sample, tmp_path / "nope.xlsx")):
        result = cli("diff", *args)
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.output


def test_reports_in_two_languages_compare_their_facts():
    """The old plan checked in French, the new in English: a finding about the same target
    and channel is the same finding (findings hold keys, not labels), and what the diff says
    is in its own language."""
    from test_checks import CASES

    old = CASES["pressure-over-cap"][0](clean_plan())
    messages = list(old.messages)
    messages[-1] = replace(messages[-1], delay="J+4")  # still over the same cap
    new = old.with_changes(messages=tuple(messages), use_cases=old.use_cases[1:])
    result = diff_plans(old, new, check(old, lang="fr"), check(new, lang="en"), lang="en")
    data = diff_json(result)
    jsonschema.validate(data, SCHEMA)
    assert [f for f in data["findings"]["fixed"] + data["findings"]["new"]
            if f["code"] == "pressure-over-cap"] == []
    english = diff_json(diff_plans(old, new, check(old, lang="fr"), check(new, lang="fr"),
                                   lang="en"))
    assert english["findings"] == data["findings"]
    said = {f["code"]: f["message"] for f in data["findings"]["new"]}
    assert said["friction-without-use-case"] == (
        'Friction at "I find out more" × "Website": no use case addresses it.')
    french = diff_json(diff_plans(old, new, check(old), check(new), lang="fr"))
    assert [f["code"] for f in french["findings"]["new"]] == list(said)
    assert "« Site web »" in next(f["message"] for f in french["findings"]["new"]
                                  if f["code"] == "friction-without-use-case")
def test_two_scenarios_that_shared_an_id_are_never_both_removed_and_modified():
    """SC-001 named twice; then the second one renumbered SC-003 (its name kept) and the
    first one re-timed: SC-001 is modified, SC-003 re-numbered, nothing removed."""
    base = clean_plan()
    twin = replace(base.scenarios[1], id="SC-001")
    old = base.with_changes(scenarios=(base.scenarios[0], twin))
    new = base.with_changes(scenarios=(replace(base.scenarios[0], trigger="Création de compte"),
                                       replace(twin, id="SC-003")))
    result = diff(old, new)
    removed = [s.id for s, _ in result.scenarios.removed]
    added = [s.id for s, _ in result.scenarios.added]
    changed = {c.id: c for c in result.scenarios.changed}
    assert removed == [] and added == []
    assert set(changed) == {"SC-001", "SC-003"}
    assert [(c.field, c.old, c.new) for c in changed["SC-003"].changes] == [
        ("id", "SC-001", "SC-003")]


def test_a_finding_an_error_used_to_hide_is_revealed_not_new():
    """A trigger hour the old version could not read (bad-number) kept the night check from
    running; once it reads, the message at 22:00 is revealed, not new, and README's
    --fail-on-new does not count it."""
    base = clean_plan()
    scenario = base.scenarios[0]
    late = Message(scenario="SC-001", delay="H+4", channel="email", content="Rappel")
    old = base.with_changes(scenarios=(replace(scenario, trigger_hour="dix-huit heures"),
                                       *base.scenarios[1:]),
                            messages=(*base.messages, late))
    new = old.with_changes(scenarios=(replace(scenario, trigger_hour=18), *base.scenarios[1:]))
    result = diff(old, new)
    assert [f.finding.code for f in result.fixed] == ["bad-number"]
    assert [f.finding.code for f in result.revealed] == ["message-outside-hours"]
    assert result.new == () and result.new_at_or_above("warning") == []
    text = render_diff_text(result)
    assert "1 revealed · 1 fixed" in text and "revealed warning" in text
