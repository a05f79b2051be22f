"""Contact pressure and consent, on plans small enough to count by hand.

The plan of `_plan()`, for one customer of target 1:
- SC-A "Bienvenue", welcome × target 1 (behaviour): email J+0, email J+2, SMS J+4;
- SC-B "Panier", activation × All contacts (behaviour): email J+1, email J+3, SMS J+5;
- SC-C "Anniversaire", loyalty × target 1 (event): email J-7, email J+0.
Welcome and activation are neighbours: A and B run together, triggered on day 0. Emails on
days 0, 1, 2, 3: four within 7 days, over the cap of 3 from the fourth (B's J+3); SMS on
days 4 and 5: two within 7 days, over the cap of 1 from B's J+5. Loyalty is four stages
away: C is a timeline of its own (two emails). All contacts alone get B: two emails, one
SMS, under the caps.
"""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pytest
from plans import clean_plan

from omnisheet import check
from omnisheet.analysis.pressure import pressure
from omnisheet.outputs.json.report import report_json
from omnisheet.outputs.messages import message as said_of
from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.plan.model import DataNeed, Message, Placement, Scenario
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

D = load_definition()
PRESSURE = {"pressure-over-cap", "sequence-too-dense", "message-outside-hours",
            "pressure-channel-without-cap"}


def _plan(**changes):
    messages = (
        Message(scenario="SC-A", delay="J+0", channel="email", content="Bienvenue"),
        Message(scenario="SC-A", delay="J+2", channel="email", content="Nos conseils"),
        Message(scenario="SC-A", delay="J+4", channel="sms", content="Code -10 %"),
        Message(scenario="SC-B", delay="J+1", channel="email", content="Votre panier"),
        Message(scenario="SC-B", delay="J+3", channel="email", content="Toujours là"),
        Message(scenario="SC-B", delay="J+5", channel="sms", content="Dernier rappel"),
        Message(scenario="SC-C", delay="J-7", channel="email", content="Votre cadeau"),
        Message(scenario="SC-C", delay="J+0", channel="email", content="Joyeux anniversaire"),
    )
    consent = tuple(DataNeed(scenario=s, variable="Consentements email et SMS", source="crm",
                             availability="available") for s in ("SC-A", "SC-B", "SC-C"))
    plan = blank_plan("fr").with_changes(
        scenarios=(
            Scenario(id="SC-A", name="Bienvenue", relationship_stage="welcome",
                     target="target_1", trigger_type="behaviour", trigger="Inscription"),
            Scenario(id="SC-B", name="Panier", relationship_stage="activation",
                     target="all_contacts", trigger_type="behaviour", trigger="Panier"),
            Scenario(id="SC-C", name="Anniversaire", relationship_stage="loyalty",
                     target="target_1", trigger_type="event", trigger="Anniversaire"),
        ),
        placements=(
            Placement(relationship_stage="welcome", target="target_1", scenarios=("SC-A",)),
            Placement(relationship_stage="activation", target="all_contacts",
                      scenarios=("SC-B",)),
            Placement(relationship_stage="loyalty", target="target_1", scenarios=("SC-C",)),
        ),
        messages=messages, data_needs=consent)
    return plan.with_changes(**changes)


def _caps(plan, **caps):
    """The plan with these caps per channel key: (most, days), or None for no cap."""
    rows = [list(row) for row in plan.setting_tables["contact_caps"]]
    for row in rows:
        if row[0] in caps:
            row[1:] = caps[row[0]] if caps[row[0]] is not None else (None, None)
    return plan.with_changes(setting_tables={"contact_caps": tuple(map(tuple, rows))})


def _found(plan, codes=PRESSURE):
    report = check(plan)
    return sorted((f.code, f.cell) for f in report.findings if f.code in codes)


def test_hand_computed_timelines_and_counts():
    p = pressure(_plan(), D)
    timelines = {(t.target, t.stages): t.scenarios for ts in p.timelines.values() for t in ts}
    assert timelines == {
        ("target_1", ("welcome", "activation")): ("sc-a", "sc-b"),
        ("target_1", ("loyalty",)): ("sc-c",),
        ("all_contacts", ("activation",)): ("sc-b",),
    }
    email, sms = p.peaks[("target_1", "email")], p.peaks[("target_1", "sms")]
    assert (email.count, email.cap.most, email.cap.days, email.start) == (4, 3, 7, 0)
    assert [(s.scenario, s.delay) for s in email.sent] == [
        ("SC-A", "J+0"), ("SC-B", "J+1"), ("SC-A", "J+2"), ("SC-B", "J+3")]
    assert (email.first_over.scenario, email.first_over.delay) == ("SC-B", "J+3")
    assert (sms.count, sms.start / 24, sms.first_over.delay) == (2, 4, "J+5")
    assert (p.peaks[("all_contacts", "email")].count, p.peaks[("all_contacts", "sms")].count) \
        == (2, 1)
    assert not p.peaks[("all_contacts", "email")].over
    # The grid: target 1's emails all fall in the first week, over the cap.
    weeks = p.weeks("target_1", "email")
    assert {w: (x.count, x.level) for w, x in weeks.items()} == {0: (4, "over")}
    assert p.worst().target == "target_1"


def test_findings_point_at_the_first_message_over_the_cap():
    report = check(_plan())
    over = [f for f in report.findings if f.code == "pressure-over-cap"]
    assert [(f.sheet, f.cell) for f in over] == [("Messages", "C6"), ("Messages", "C7")]
    message = said_of(report, over[0])
    assert "« Cible 1 »" in message and "4 messages sur « Email » en 7 jours" in message
    assert "plafond de 3" in message and "SC-A (J+0, J+2) · SC-B (J+1, J+3)" in message
    assert "Le premier en trop : SC-B J+3" in message
    english = check(_plan(), lang="en")
    said = said_of(english, next(f for f in english.findings if f.code == "pressure-over-cap"))
    assert '"Target 1" may receive 4 messages on "Email" within 7 days' in said


def test_windows_are_rolling_periods_from_each_message():
    # Emails at 0, 1, 2, 3 days: within 2 days, at most two; within 4 days, four.
    plan = _caps(_plan(), email=(2, 2), sms=(1, 1))
    p = pressure(plan, D)
    assert p.peaks[("target_1", "email")].count == 2
    assert not p.peaks[("target_1", "email")].over
    assert p.peaks[("target_1", "sms")].count == 1  # days 4 and 5: one per day
    assert _found(plan) == []
    plan = _caps(_plan(), email=(3, 4))
    assert pressure(plan, D).peaks[("target_1", "email")].count == 4


def test_caps_changed_in_settings_change_the_findings():
    assert _found(_plan()) == [("pressure-over-cap", "C6"), ("pressure-over-cap", "C7")]
    assert _found(_caps(_plan(), email=(4, 7))) == [("pressure-over-cap", "C7")]
    assert _found(_caps(_plan(), email=(4, 7), sms=(2, 7))) == []
    # A cap of nothing: the channel is not counted (and the template leaves SMS capped).
    emptied = _caps(_plan(), email=None)
    assert _found(emptied) == [("pressure-channel-without-cap", "B22"),
                               ("pressure-over-cap", "C7")]


def test_the_minimum_gap_and_the_stage_overlap_come_from_settings():
    plan = _plan()
    assert _found(plan, {"sequence-too-dense"}) == []  # J+0 → J+2: 48 h ≥ 24 h
    wider = plan.with_changes(settings={**plan.settings, "min_gap_hours": 72})
    assert _found(wider, {"sequence-too-dense"}) == [("sequence-too-dense", "B3"),
                                                     ("sequence-too-dense", "B6")]
    apart = plan.with_changes(settings={**plan.settings, "stage_overlap": 0})
    assert _found(apart) == []  # welcome and activation no longer overlap
    bad = plan.with_changes(settings={**plan.settings, "stage_overlap": "deux"})
    assert ("settings-invalid", "B9") in _found(bad, {"settings-invalid"})
    assert len(_found(bad, {"pressure-over-cap"})) == 2  # the default (1) is used


def test_service_scenarios_and_dates_that_cannot_coincide_are_apart():
    plan = _plan()
    service = plan.with_changes(scenarios=tuple(
        replace(s, purpose="service") if s.id == "SC-B" else s for s in plan.scenarios))
    assert _found(service) == []
    # Two date triggers: together only when they are the same date.
    dated = plan.with_changes(scenarios=tuple(
        replace(s, trigger_type="date", trigger="Soldes d'été" if s.id == "SC-A" else
                "Rentrée") if s.id in ("SC-A", "SC-B") else s for s in plan.scenarios))
    assert _found(dated) == []
    same = dated.with_changes(scenarios=tuple(
        replace(s, trigger="Rentrée") if s.id == "SC-A" else s for s in dated.scenarios))
    assert len(_found(same)) == 2


def test_no_scenario_map_or_no_delay_gives_no_pressure_and_no_error():
    for plan in (_plan(placements=()),
                 _plan(messages=tuple(replace(m, delay="bientôt") for m in _plan().messages)),
                 blank_plan("en")):
        assert pressure(plan, D).peaks == {}
        assert _found(plan) == []


def test_night_is_checked_only_for_a_known_trigger_hour():
    plan = _plan()
    late = plan.with_changes(messages=(*plan.messages, Message(
        scenario="SC-C", delay="H+3", channel="sms", content="Rappel")))
    assert _found(late, {"message-outside-hours"}) == []  # no trigger hour: nothing said
    timed = late.with_changes(scenarios=tuple(
        replace(s, trigger_hour=19.5) if s.id == "SC-C" else s for s in late.scenarios))
    found = check(timed)
    (night,) = [f for f in found.findings if f.code == "message-outside-hours"]
    assert night.cell == "B10"
    assert "déclenché à 19 h 30, ce message (H+3) part à 22 h 30" in said_of(found, night)
    english = check(timed, lang="en")
    said = said_of(english, next(f for f in english.findings if f.code == "message-outside-hours"))
    assert "goes out at 22:30, at night (21:00 to 8:00)" in said
    morning = timed.with_changes(settings={**timed.settings, "night_start": 23})
    assert _found(morning, {"message-outside-hours"}) == []


def test_a_channel_the_team_added_is_tolerated_and_said_once():
    plan = _plan()
    plan = plan.with_changes(lists={**plan.lists, "channel": (*plan.channels, "WhatsApp")},
                             messages=(*plan.messages, *(
                                 Message(scenario="SC-A", delay=f"J+{d}", channel="WhatsApp",
                                         content="Bonjour") for d in (6, 8, 9))))
    said = [c for code, c in _found(plan) if code == "pressure-channel-without-cap"]
    assert said == ["B28"]  # once, on its row of the caps table
    rows = [list(r) for r in plan.setting_tables["contact_caps"]]
    capped = plan.with_changes(setting_tables={"contact_caps": (*map(tuple, rows),
                                                                ("WhatsApp", 1, 7))})
    assert ("pressure-over-cap", "C11") in _found(capped)  # J+6, J+8: two within 7 days


def test_caps_typed_in_the_workbook_are_read(tmp_path):
    path = write(_plan(), tmp_path / "plan.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Paramètres"]
    rows = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
    assert sheet.cell(rows["Canal"], 2).value == "Messages au plus"
    sheet.cell(rows["Email"], 2).value = 5            # the team raises the email cap
    sheet.cell(rows["SMS"], 2).value = "un"          # and types a word for SMS
    sheet.cell(rows["Courrier"] + 1, 1).value = "WhatsApp"  # a row of their own
    sheet.cell(rows["Courrier"] + 1, 2).value = 2
    workbook.save(path)
    plan = load(path)
    caps = pressure(plan, D).caps
    assert caps["email"].most == 5 and caps["sms"].most == 1  # the default stands in
    assert caps["whatsapp"].most == 2 and caps["whatsapp"].days == 7
    report = check(plan)
    invalid = [(f.cell, said_of(report, f)) for f in report.findings
               if f.code == "settings-invalid"]
    assert invalid == [(f"B{rows['SMS']}", "Paramètre « SMS · Messages au plus » inutilisable "
                        "(un) : un plafond est un nombre entier de messages, 0 ou plus ; "
                        "la valeur par défaut 1 est utilisée.")]
    assert [f.cell for f in report.findings if f.code == "pressure-over-cap"] == ["C7"]
    # The checked workbook keeps what was typed, where it was typed.
    out = write(plan, tmp_path / "checked.xlsx", report=report)
    kept = openpyxl.load_workbook(out)["Paramètres"]
    assert [kept.cell(rows["SMS"], 2).value, kept.cell(rows["Courrier"] + 1, 1).value,
            kept.cell(rows["Courrier"] + 1, 2).value] == ["un", "WhatsApp", 2]


def test_a_plan_made_before_the_caps_gets_the_defaults(tmp_path):
    path = write(_plan(), tmp_path / "plan.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Paramètres"]
    for row in range(10, sheet.max_row + 1):
        for col in range(1, 4):
            sheet.cell(row, col).value = None
    workbook.save(path)
    plan = load(path)
    assert plan.setting_tables == blank_plan("fr").setting_tables
    assert {k: (c.most, c.days) for k, c in pressure(plan, D).caps.items()} == {
        "mobile app": (4, 7), "email": (3, 7), "sms": (1, 7), "phone": (1, 30), "mail": (1, 30)}


# --- consent ---------------------------------------------------------------------------


def test_consent_follows_the_list_and_the_target_type():
    plan = _plan(data_needs=())
    found = _found(plan, {"consent-not-planned"})
    # Every marketing scenario, on each channel needing consent, at its first message there.
    assert found == [("consent-not-planned", c) for c in ("C2", "C4", "C5", "C7", "C8")]
    # A channel's consent named by the data need covers that channel only.
    sms_only = _plan(data_needs=tuple(
        DataNeed(scenario=s, variable="Consentement SMS", source="crm",
                 availability="available") for s in ("SC-A", "SC-B", "SC-C")))
    assert _found(sms_only, {"consent-not-planned"}) == [
        ("consent-not-planned", c) for c in ("C2", "C5", "C8")]
    # Without the customers' lines, a target of customers needs none; prospects still do.
    prospects_only = plan.with_changes(lists={**plan.lists, "consent": (
        "email_prospect", "sms_prospect", "push_prospect")})
    customers = prospects_only.with_changes(lists={
        **prospects_only.lists, "target": ("all_contacts", "Clients fidèles", "Prospects")},
        placements=tuple(replace(p, target="Clients fidèles") if p.target == "target_1" else p
                         for p in plan.placements),
        scenarios=tuple(replace(s, target="Clients fidèles") if s.target == "target_1" else s
                        for s in plan.scenarios))
    # SC-B, on All contacts, may reach prospects: it still needs consent.
    assert _found(customers, {"consent-not-planned"}) == [
        ("consent-not-planned", "C5"), ("consent-not-planned", "C7")]


def test_a_consent_line_the_team_types_is_read():
    plan = _plan()
    plan = plan.with_changes(lists={**plan.lists, "channel": (*plan.channels, "WhatsApp"),
                                    "consent": ("WhatsApp · prospects et clients",)},
                             messages=(*plan.messages, Message(
                                 scenario="SC-A", delay="J+9", channel="WhatsApp",
                                 content="Bonjour")))
    assert _found(plan, {"consent-not-planned"}) == [("consent-not-planned", "C10")]


def test_consent_not_available_and_the_roadmap_puts_it_first():
    plan = clean_plan()
    plan = plan.with_changes(data_needs=tuple(
        replace(d, availability="to_integrate") if d.scenario == "SC-002" else d
        for d in plan.data_needs))
    report = check(plan)
    assert [(f.code, f.cell) for f in report.findings if f.code.startswith("consent")] == [
        ("consent-not-available", "E4")]
    (entry, *_) = report.roadmap
    assert entry.consent == ("Consentements email et SMS",)
    variables = report_json(report)["data_roadmap"]
    crm = next(e for e in variables if e["source"] == "CRM")
    assert crm["variables"][0] == {"variable": "Consentements email et SMS",
                                   "availability": "À intégrer", "consent": True}
    # The source holding the consent comes first, though the other unblocks as much.
    assert [e["source"] for e in variables] == ["CRM", "E-commerce"]


@pytest.mark.parametrize(("name", "audience"), [
    ("Prospects", "prospect"), ("Nouveaux clients", "customer"), ("Clients fidèles", "customer"),
    ("Tous les contacts", None), ("all_contacts", None), ("Premier customers", "customer"),
    ("Homeowners", None), ("target_1", None)])
def test_a_target_type_is_read_from_its_name(name, audience):
    from omnisheet.analysis.consent import target_audience

    assert target_audience(name, D) == audience


# --- the samples and the view agree (docs/ examples: tests/test_docs.py) --------------

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["retail-fr", "bank-en"])
def test_the_samples_show_one_target_over_a_cap_and_the_rest_under(name):
    from omnisheet.analysis.pressure import grids

    plan = load(ROOT / "samples" / f"{name}.xlsx")
    report = check(plan)
    found = pressure(plan, D)
    over = {(p.target, channel) for (_, channel), p in found.peaks.items() if p.over}
    assert len({target for target, _ in over}) == 1  # one target over, with a clear cause
    said = [f for f in report.findings if f.code == "pressure-over-cap"]
    assert len(said) == len(over) == 1
    (peak,) = found.over
    assert len({s.scenario for s in peak.sent}) <= 3
    # The grid shows the same: the week of the finding over the cap, no other week over.
    red = {(target, grid.channel) for grid in grids(found) for target, weeks, later in grid.rows
           for week in (*weeks, later) if week is not None and week.level == "over"}
    assert red == over


def test_the_checked_sample_has_its_pressure_tab_and_the_html_its_section(tmp_path):
    from python_calamine import CalamineWorkbook

    from omnisheet.outputs.html.report import render_html

    plan = load(ROOT / "samples" / "retail-fr.xlsx")
    report = check(plan)
    out = write(plan, tmp_path / "checked.xlsx", report=report)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(
        "Pression commerciale").to_python()
    cells = [[c for c in row if c != ""] for row in rows]
    email = cells.index(["Email : plafond de 3 en 7 jours"])
    assert cells[email + 1][:3] == ["Cible", "S1", "S2"]
    assert cells[email + 2][:3] == ["Prospects", 4.0, 2.0]  # J+10: SC-001 and SC-016
    assert any("« Prospects », la cible la plus sollicitée" in str(row[0]) for row in cells if row)
    page = render_html(report, "en")
    assert 'id="pressure"' in page and "Email: cap of 3 within 7 days" in page
    assert '<td class="p-over">4 ' in page
    # Read again, the checked workbook is the same plan: the Pressure tab is made anew.
    assert load(out) == plan
