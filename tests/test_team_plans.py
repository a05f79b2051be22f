"""Two teams the samples do not cover fill the template as they do every day, and plant the
mistakes a careful reviewer looks for: a French mutual health insurer in a LibreOffice set
to French, a UK hotel group in English with Excel's habits (written here with openpyxl, as
Excel stores what is typed). Each planted mistake gives its finding, in .xlsx and .ods
alike, and none of the false alarms that these ways of typing used to raise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from omnisheet import check
from omnisheet.outputs.messages import message
from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.plan.layout import drawn_grid
from omnisheet.plan.model import column_letter
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

D = load_definition()


def _column(tab_key: str, column_key: str) -> str:
    return column_letter([c.key for c in D.tab(tab_key).columns].index(column_key) + 1)


def _row(tab_key: str, row: int, **values: object) -> dict[str, object]:
    return {f"{_column(tab_key, key)}{row}": value for key, value in values.items()
            if value is not None}


def _list_column(list_key: str) -> str:
    return column_letter([k for k, v in D.lists.items() if not v.computed].index(list_key) + 1)


def _touchpoint(lang: str, stage: str, channel: str) -> tuple[str, str]:
    """The description and status cells of a touchpoint on the blank template's map."""
    row, col = drawn_grid(blank_plan(lang), D.tab("journey"), D).position(stage, channel)
    return f"{column_letter(col + 1)}{row + 1}", f"{column_letter(col + 2)}{row + 1}"


def _placement(lang: str, stage: str, target: str) -> str:
    row, col = drawn_grid(blank_plan(lang), D.tab("scenario_map"), D).position(stage, target)
    return f"{column_letter(col + 1)}{row + 1}"


def _sheets(lang: str) -> dict[str, str]:
    return {tab.key: tab.labels[lang] for tab in D.tabs}


def planted(lang: str, *, hour: object, half_past: object, share: object,
            words: dict[str, str]) -> dict[str, dict[str, object]]:
    """The team's plan, by tab and cell: what they typed, in their language's words.

    UC-01 is live and its scenario SC-01 (an SMS four hours after an 18:00 trigger, so at
    22:00) needs a variable still to integrate; UC-02's quadrant is typed over its formula
    as "Quick win" while its marks give a Fill-in; UC-03 is a Quick win with no scenario
    (rank 2); UC-12 a Major project ranked last of twelve, with none either; SC-02 starts
    at half past six; SC-03 names two scenarios (a duplicated ID) whose messages
    interleave; a data need names "SC-6" for SC-06; a touchpoint is described with no
    status, another's status is typed with a trailing space; an NPS of 412."""
    s, w = _sheets(lang), words
    desc_friction, status_friction = _touchpoint(lang, "buy", "website")
    desc_blank, _ = _touchpoint(lang, "find_out", "email")
    desc_normal, status_normal = _touchpoint(lang, "find_out", "website")
    desc_sms, status_sms = _touchpoint(lang, "buy", "sms")
    journey = {desc_friction: w["friction_text"], status_friction: w["friction_typed"],
               desc_blank: w["no_status_text"],
               desc_normal: w["normal_text"], status_normal: w["normal"],
               desc_sms: w["sms_text"], status_sms: w["normal"]}
    use_cases: dict[str, object] = {}
    marks = {"UC-01": (5, 5, 2, w["live"]), "UC-02": (2, 2, 1, None),
             "UC-03": (5, 4, 1, None), "UC-12": (3, 3, 5, None)}
    for n in range(4, 12):
        marks[f"UC-{n:02d}"] = (2, 2, 2, None)
    for row, (ident, (business, cx, difficulty, status)) in enumerate(sorted(marks.items()),
                                                                       start=2):
        use_cases |= _row("use_cases", row, id=ident, category=w["category"],
                          title=f"{w['idea']} {ident}", stage=w["stage_buy"],
                          channel=w["website"], business_impact=business, cx_impact=cx,
                          difficulty=difficulty, status=status)
    use_cases[f"{_column('use_cases', 'quadrant')}3"] = "Quick win"  # over UC-02's formula
    scenarios = {}
    rows = [("SC-01", w["sc1"], "UC-01", hour), ("SC-06", w["sc6"], "UC-02", half_past),
            ("SC-03", w["sc3a"], "UC-04", None), ("SC-03", w["sc3b"], "UC-05", None)]
    for row, (ident, name, use_case, trigger_hour) in enumerate(rows, start=2):
        scenarios |= _row("scenarios", row, id=ident, name=name, programme=w["programme"],
                          relationship_stage=w["activation"], target=w["all_contacts"],
                          use_case=use_case, trigger_type=w["behaviour"], trigger=w["trigger"],
                          exit_condition=w["exit"], purpose=w["service"],
                          trigger_hour=trigger_hour)
    messages = {}
    sent = [("SC-01", "H+4", w["sms"]), ("SC-06", "H+1", w["email"]),
            ("SC-03", "J+1", w["email"]), ("SC-03", "J+5", w["email"]),
            ("SC-03", "J+2", w["email"])]
    for row, (scenario, delay, channel) in enumerate(sent, start=2):
        messages |= _row("messages", row, scenario=scenario, delay=delay, channel=channel,
                         content=f"{w['content']} {row}")
    data = {**_row("data_needs", 2, scenario="SC-01", variable=w["variable"],
                   source=w["source"], availability=w["to_integrate"]),
            **_row("data_needs", 3, scenario="SC-6", variable=w["variable2"],
                   source=w["source"], availability=w["available"]),
            **_row("data_needs", 4, scenario="SC-03", variable=w["variable2"],
                   source=w["source"], availability=w["available"])}
    measures = {**_row("measures", 2, stage=w["stage_buy"], channel=w["website"],
                       indicator=w["nps"], value=412, target=30, share=share),
                **_row("measures", 3, stage=w["stage_find_out"], channel=w["website"],
                       indicator=w["csat"], value=w["csat_value"], target=4, share=share)}
    placements = {_placement(lang, "activation", "all_contacts"): "SC-01, SC-06, SC-03"}
    return {s["journey"]: journey, s["use_cases"]: use_cases, s["scenarios"]: scenarios,
            s["messages"]: messages, s["data_needs"]: data, s["measures"]: measures,
            s["scenario_map"]: placements}


FRENCH = {
    "friction_text": "Formulaire de devis trop long", "friction_typed": "friction ",
    "no_status_text": "Newsletter santé mensuelle", "normal_text": "Simulateur de garanties",
    "normal": "Normal", "sms_text": "SMS de rappel de devis", "live": "En production", "category": "Omnicanal", "idea": "Idée",
    "stage_buy": "J'achète", "stage_find_out": "Je me renseigne", "website": "Site web",
    "sc1": "Relance devis", "sc6": "Bienvenue adhérent", "sc3a": "Rappel cotisation",
    "sc3b": "Enquête satisfaction", "programme": "Conversion", "activation": "Activation",
    "all_contacts": "Tous les contacts", "behaviour": "Comportement",
    "trigger": "Devis abandonné", "exit": "Devis signé", "service": "Service (transactionnel)",
    "sms": "SMS", "email": "Email", "content": "Message", "variable": "Historique des remboursements",
    "variable2": "Adresse email", "source": "CRM", "to_integrate": "À intégrer",
    "available": "Disponible", "nps": "NPS (−100 à +100)", "csat": "CSAT (1 à 5)",
    "csat_value": "4,5",
}
ENGLISH = {
    "friction_text": "Booking form too long", "friction_typed": "Friction ",
    "no_status_text": "Monthly offers newsletter", "normal_text": "Room finder",
    "normal": "normal", "sms_text": "Booking reminder texts", "live": "Live", "category": "Omnichannel", "idea": "Idea",
    "stage_buy": "I buy", "stage_find_out": "I find out more", "website": "Website",
    "sc1": "Booking reminder", "sc6": "Welcome guest", "sc3a": "Pre-arrival",
    "sc3b": "Post-stay survey", "programme": "Conversion", "activation": "Activation",
    "all_contacts": "All contacts", "behaviour": "Behaviour", "trigger": "Booking abandoned",
    "exit": "Booking made", "service": "Service (transactional)", "sms": "SMS",
    "email": "Email", "content": "Message", "variable": "Stay history",
    "variable2": "Email address", "source": "CRM", "to_integrate": "To integrate",
    "available": "Available", "nps": "NPS (-100 to +100)", "csat": "CSAT (1 to 5)",
    "csat_value": 4.5,
}

#: (code, tab key, cell) of every planted mistake; no other warning or error may appear.
EXPECTED = {
    ("message-outside-hours", "messages", f"{_column('messages', 'delay')}2"),
    ("live-use-case-data-missing", "data_needs", f"{_column('data_needs', 'availability')}2"),
    ("typed-over-formula-disagrees", "use_cases", f"{_column('use_cases', 'quadrant')}3"),
    ("formula-overwritten", "use_cases", f"{_column('use_cases', 'quadrant')}3"),
    ("top-use-case-without-scenario", "use_cases", "A4"),
    ("duplicate-id", "scenarios", "A5"),
    ("data-unknown-scenario", "data_needs", "A3"),
    ("touchpoint-without-status", "journey", None),
    ("status-spelled-differently", "journey", None),
    ("measure-out-of-range", "measures", f"{_column('measures', 'value')}2"),
}


def _found(report, lang: str) -> set[tuple[str, str, str | None]]:
    tabs = {label: key for key, label in _sheets(lang).items()}
    journey = {"touchpoint-without-status", "status-spelled-differently"}
    return {(f.code, tabs.get(f.sheet, f.sheet), None if f.code in journey else f.cell)
            for f in report.findings if f.severity != "info" or f.code in journey}


def _assert_planted(path: Path, lang: str, sheets_names: dict[str, str]) -> None:
    plan = load(path)
    report = check(plan)
    found = _found(report, lang)
    # everything planted is found; what else is said is about the plan's thinness
    # (a touchpoint with no use case...), never a false alarm of the ways of typing
    assert found >= EXPECTED, sorted(EXPECTED - found)
    false_alarms = {"bad-number", "delays-not-increasing", "sequence-too-dense",
                    "value-not-in-list", "scenario-unknown-use-case"}
    assert not {code for code, _, _ in found} & false_alarms, sorted(found - EXPECTED)
    said = {f.code: message(report, f) for f in report.findings}
    assert plan.scenarios[0].trigger_hour == 18 and plan.scenarios[1].trigger_hour == 18.5
    hours = [f for f in report.findings if f.code == "message-outside-hours"]
    assert len(hours) == 1 and "22" in said["message-outside-hours"]
    live = said["live-use-case-data-missing"]
    assert "UC-01" in live and "SC-01" in live and "CRM" in live
    assert ("Historique des remboursements" if lang == "fr" else "Stay history") in live
    assert "SC-06" in said["data-unknown-scenario"]
    typed = said["typed-over-formula-disagrees"]
    assert "Quick win" in typed and ("Appoint" if lang == "fr" else "Fill-in") in typed
    top = [f for f in report.findings if f.code == "top-use-case-without-scenario"]
    assert [f.params["id"] for f in top] == ["UC-03"]  # not UC-12, ranked 12th of 12
    assert "412" in said["measure-out-of-range"]
    statuses = {t.description: t.status for t in plan.touchpoints}
    assert statuses[FRENCH["friction_text"] if lang == "fr" else ENGLISH["friction_text"]] \
        == "friction"
    share = plan.measures[0].share
    assert share in (0.45, 45)


def _html_and_dashboard_agree_on_the_nps(path: Path, tmp_path: Path, cli, lang: str) -> None:
    """The NPS of 412 is an error everywhere and never painted as a target met."""
    page = tmp_path / f"{path.stem}.html"
    assert cli("report", path, "-o", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    line = html[html.index("</strong> 412"):]
    assert line[line.index('class="heat h-'):].startswith('class="heat h-off_scale"')
    checked = tmp_path / f"{path.stem}-checked.xlsx"
    assert cli("check", path, "-o", checked, "--fail-on", "never").exit_code == 0
    book = openpyxl.load_workbook(checked)
    met = D.colours["heat_met"].lstrip("#").upper()
    dashboard = book[D.report_tabs["dashboard"][lang]]
    painted = [c.fill.fgColor.rgb for row in dashboard.iter_rows() for c in row
               if isinstance(c.value, str) and "412" in c.value]
    assert painted and not any(str(rgb).upper().endswith(met) for rgb in painted)
    # the status typed "friction " is read as Friction: the HTML paints it orange, and the
    # checked workbook (the team's own file, its formats untouched) says so on that cell
    _, status = _touchpoint(lang, "buy", "website")
    journey = book[_sheets(lang)["journey"]]
    assert "status-spelled-differently" in journey[status].comment.text
    # the trigger hours are back as typed: a time stays a time, "18 h 30" its text
    scenarios = book[_sheets(lang)["scenarios"]]
    hour = _column("scenarios", "trigger_hour")
    assert scenarios[f"{hour}2"].value == dt.time(18, 0)
    assert scenarios[f"{hour}3"].value in ("18 h 30", "18h30")
    assert 's-friction' in html[html.index(FRENCH["friction_text"] if lang == "fr"
                                           else ENGLISH["friction_text"]) - 400:][:800]


@pytest.mark.libreoffice
def test_a_french_mutual_types_its_plan_in_libreoffice_and_each_planted_mistake_is_found(
        soffice, uno_python, tmp_path, cli):
    from support.libreoffice import fill

    template = write(blank_plan("fr"), tmp_path / "modele.xlsx")
    cells = planted("fr", hour="18:00", half_past="18 h 30", share="45 %", words=FRENCH)
    edits = [{"sheet": sheet, "cell": cell, "type": str(value)}
             for sheet, typed in cells.items() for cell, value in typed.items()]
    xlsx, ods = tmp_path / "mutuelle.xlsx", tmp_path / "mutuelle.ods"
    fill(template, edits, [xlsx, ods], locale="fr-FR")
    for path in (xlsx, ods):
        _assert_planted(path, "fr", _sheets("fr"))
    _html_and_dashboard_agree_on_the_nps(xlsx, tmp_path, cli, "fr")


def test_a_uk_hotel_group_types_its_plan_with_excel_habits_and_each_mistake_is_found(
        tmp_path, cli):
    path = write(blank_plan("en"), tmp_path / "hotels.xlsx")
    book = openpyxl.load_workbook(path)
    cells = planted("en", hour=dt.time(18, 0), half_past="18h30", share="45%", words=ENGLISH)
    for sheet, typed in cells.items():
        for cell, value in typed.items():
            book[sheet][cell] = value
    # the first target renamed on the Lists tab: hotel guests are customers
    book["Lists"][f"{_list_column('target')}3"] = "Hotel guests"
    book.save(path)
    _assert_planted(path, "en", _sheets("en"))
    _html_and_dashboard_agree_on_the_nps(path, tmp_path, cli, "en")


@pytest.mark.libreoffice
def test_the_english_plan_resaved_as_ods_reads_alike(soffice, tmp_path):
    from support.libreoffice import convert

    path = write(blank_plan("en"), tmp_path / "hotels.xlsx")
    book = openpyxl.load_workbook(path)
    for sheet, typed in planted("en", hour=dt.time(18, 0), half_past="18h30", share="45%",
                                words=ENGLISH).items():
        for cell, value in typed.items():
            book[sheet][cell] = value
    book.save(path)
    ods = convert(path, "ods", tmp_path / "ods")
    _assert_planted(ods, "en", _sheets("en"))


def test_export_then_import_puts_what_stands_beside_a_table_or_a_map_back_beside_it(
        tmp_path, cli):
    """A notes column inserted in the use cases, "Quick win" typed over a quadrant's
    formula, the journey map moved down under a title: through export and import, the note
    stays in its column, "Quick win" in the Quadrant column, the title above the map."""
    import json

    from plans import clean_plan

    path = write(clean_plan("en"), tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    cases = book["Use cases"]
    cases.insert_cols(3)  # a column of their own after the title's
    cases["C1"], cases["C2"] = "Notes", "Ask the stores first"
    quadrant = column_letter([c.key for c in D.tab("use_cases").columns].index("quadrant") + 2)
    cases[f"{quadrant}2"] = "Quick win"
    journey = book["Journey map"]
    journey.insert_rows(1, 2)
    journey["A1"] = "Journey 2026 — workshop of 12 March"
    book.save(path)

    exported = tmp_path / "plan.json"
    assert cli("export", path, "-o", exported).exit_code == 0
    assert json.loads(exported.read_text())["layout"]["maps"]["journey"]["top"] == 2
    back = tmp_path / "back.xlsx"
    assert cli("import", exported, "-o", back).exit_code == 0
    again = openpyxl.load_workbook(back)
    assert (again["Use cases"]["C1"].value, again["Use cases"]["C2"].value) == (
        "Notes", "Ask the stores first")
    assert again["Use cases"][f"{quadrant}2"].value == "Quick win"
    assert again["Journey map"]["A1"].value == "Journey 2026 — workshop of 12 March"
    corner = D.tab("journey").texts["corner"]["en"]
    assert again["Journey map"]["A3"].value == corner
    result = cli("diff", path, back)
    assert result.exit_code == 0 and "No changes" in result.output, result.output


@pytest.mark.parametrize("target", ["Hotel guests", "Loyalty members", "Clients fidèles",
                                    "Adhérents", "Abonnés", "Jeunes actifs (clients)"])
def test_a_target_named_for_customers_takes_the_customers_consent_rule(target):
    """Guests, members, clients, adhérents, abonnés are customers (soft opt-in), not
    prospects (prior opt-in); a type in brackets on the Lists tab decides."""
    from dataclasses import replace

    from plans import clean_plan

    from omnisheet.plan.model import Message, Placement

    base = clean_plan("en")
    scenario = replace(base.scenarios[1], id="SC-009", target=target, purpose="marketing")
    plan = base.with_changes(
        lists={**base.lists, "target": ("all_contacts", target)},
        scenarios=(*base.scenarios, scenario),
        placements=(*base.placements,
                    Placement(relationship_stage="loyalty", target=target,
                              scenarios=("SC-009",))),
        messages=(*base.messages, Message(scenario="SC-009", delay="J+1", channel="sms",
                                          content="Members' offer")))
    report = check(plan)
    rules = [f.params["rule"] for f in report.findings if f.code == "consent-not-planned"
             and f.params.get("scenario") == "SC-009"]
    customers = D.list("consent").label("sms_customer", "en")
    assert rules and all(str(getattr(r, "value", r)) in (customers, "sms_customer")
                         for r in rules), rules


def test_the_night_typed_as_times_on_the_settings_tab_is_read_as_hours(tmp_path):
    """Night from 21:00 to 08:00 typed as times (as Excel stores them) is 21 and 8: a
    message at 22:00 is said to go out at night, no setting is refused."""
    path = write(blank_plan("en"), tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    settings = book["Settings"]
    for row in settings.iter_rows(min_row=2):
        if row[0].value in ("Night starts (hour)", "Night ends (hour)"):
            row[1].value = dt.time(21, 0) if row[0].value.startswith("Night starts") \
                else dt.time(8, 0)
    book.save(path)
    plan = load(path)
    assert (plan.settings["night_start"], plan.settings["night_end"]) == (21, 8)
    assert not [f for f in check(plan).findings if f.code == "settings-invalid"]
