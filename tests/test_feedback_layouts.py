"""omnisheet feedback on exports laid out as the main survey tools write them, read
without a flag: Qualtrics (three header rows, Status and Finished, choice text, its
account's time zone), SurveyMonkey (a second header row, US dates, a CSAT and an NPS in
one export; CSV and .xlsx), Google Forms' own CSV download ("3:08:24 PM UTC-5"),
Typeform and Trustpilot ("(UTC)" columns), Microsoft Forms in French and English
(inclusive writing « Très satisfait(e) »), a reviews export with the owner's reply
date, and French Excel's CSV with its "sep=;" first line. Every file is written here
from one list of answers, each at a known instant, with multi-line comments; every
figure is computed again here (the month each answer falls in, in Paris, by zoneinfo;
the means, shares, NPS and intervals with test_feedback's helpers), never with
omnisheet's own code."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from plans import clean_plan
from test_feedback import SCHEMA, expected_nps, expected_share
from test_statistics import T_TABLE, wilson_by_bisection

from omnisheet.outputs.workbook import write
from omnisheet.plan.model import Survey

PARIS, UTC = ZoneInfo("Europe/Paris"), dt.UTC


@dataclass(frozen=True)
class Answer:
    at: dt.datetime  # the instant, in UTC
    channel: str  # the plan's key
    csat: int
    nps: int
    comment: str = ""


def _answers() -> list[Answer]:
    """Two months of answers on two channels, every score of each scale, comments with
    line breaks, commas and semicolons, and answers near midnight on a month's last day
    (in UTC, January; in Paris, February)."""
    comments = ["Livraison rapide,\nmais colis abîmé", "Rien à dire", "",
                "Trop cher ; j'ai hésité\r\nlongtemps", "", "Conseil « top »\n\nmerci"]
    found = []
    for i in range(24):
        month = 1 + i % 2
        day = 3 + (i * 5) % 24
        found.append(Answer(dt.datetime(2026, month, day, 8 + i % 10, (i * 7) % 60, tzinfo=UTC),
                            ("website", "store")[i % 3 == 0], 1 + (i * 3) % 5, (i * 7) % 11,
                            comments[i % len(comments)]))
    found += [Answer(dt.datetime(2026, 1, 31, 23, 30, tzinfo=UTC), "website", 1, 0,
                     "Minuit passé\nà Paris"),
              Answer(dt.datetime(2026, 1, 31, 22, 59, tzinfo=UTC), "store", 5, 10, "Encore janvier")]
    return found


ANSWERS = _answers()
MONTHS = ["2026-01-01", "2026-02-01"]
CHANNELS = {"fr": {"website": "Site web", "store": "Magasin"},
            "en": {"website": "Website", "store": "Store"}}


# Student's t, 97.5 % quantile, from a printed table (the degrees of freedom used here)
T_PRINTED = {**T_TABLE, 7: 2.3646, 8: 2.3060, 11: 2.2010, 12: 2.1788, 13: 2.1604,
             14: 2.1448, 15: 2.1314}


def expected_mean(values: list[int], bounds: tuple[int, int]) -> tuple:
    import math
    import statistics as stdlib

    if not values:
        return None, 0, None, None
    mean = stdlib.mean(values)
    if len(set(values)) == 1:
        other = wilson_by_bisection(0, len(values))[1]
        return mean, len(values), mean - other * (mean - bounds[0]), mean + other * (bounds[1] - mean)
    half = T_PRINTED[len(values) - 1] * stdlib.stdev(values) / math.sqrt(len(values))
    return mean, len(values), max(bounds[0], mean - half), min(bounds[1], mean + half)


def paris_month(answer: Answer) -> int:
    return answer.at.astimezone(PARIS).month


def expected(indicators: tuple[str, ...]) -> dict[tuple[str, str], list[tuple]]:
    """{(channel, indicator): [(value, answers, low, high) per month]}, computed here."""
    found = {}
    for channel in ("website", "store"):
        for indicator in indicators:
            per_month = []
            for month in (1, 2):
                mine = [a for a in ANSWERS if a.channel == channel and paris_month(a) == month]
                if indicator == "nps":
                    per_month.append(expected_nps([a.nps for a in mine]))
                elif indicator == "csat_pct":
                    per_month.append(expected_share([a.csat for a in mine]))
                else:
                    per_month.append(expected_mean([a.csat for a in mine], (1, 5)))
            found[(channel, indicator)] = per_month
    return found


# --- how each tool writes a moment and a score ----------------------------------------------

QUALTRICS_CSAT = {1: "Extremely dissatisfied", 2: "Somewhat dissatisfied",
                  3: "Neither satisfied nor dissatisfied", 4: "Somewhat satisfied",
                  5: "Extremely satisfied"}
MONKEY_CSAT = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neutral", 4: "Satisfied",
               5: "Very satisfied"}
INCLUSIVE_CSAT = {1: "Très insatisfait(e)", 2: "Insatisfait(e)", 3: "Neutre", 4: "Satisfait(e)",
                  5: "Très satisfait(e)"}


def local(answer: Answer, zone: str) -> dt.datetime:
    return answer.at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def google_forms_time(answer: Answer, zone: str) -> str:
    """As Google Forms' "Download responses (.csv)" writes it: 2026/01/31 6:30:00 PM UTC-5."""
    moment = answer.at.astimezone(ZoneInfo(zone))
    hours = int(moment.utcoffset().total_seconds() // 3600)  # type: ignore[union-attr]
    clock = moment.strftime("%I:%M:%S %p").lstrip("0")
    return f"{moment:%Y/%m/%d} {clock} UTC{hours:+d}"


def write_rows(path: Path, rows: list[list[object]], *, encoding: str = "utf-8",
               delimiter: str = ",", first_line: str = "") -> Path:
    with open(path, "w", encoding=encoding, newline="") as out:
        out.write(first_line)
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                               "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Sheet1")
    when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, when)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value not in (None, ""):
                sheet.write_string(r, c, str(value))
    workbook.close()
    return path


# --- the layouts ------------------------------------------------------------------------------

QUALTRICS_EXTRA = 2  # a preview and an unfinished response, each set aside for both questions


def qualtrics(path: Path) -> Path:
    """Three header rows; dates in the account's zone (Denver), said in the ImportId row."""
    ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
           "Finished", "RecordedDate", "ResponseId", "Channel", "Q1", "Q2", "Q3"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
             "Duration (in seconds)", "Finished", "Recorded Date", "Response ID", "Channel",
             "How satisfied were you with your purchase?",
             "How likely are you to recommend us to a friend?",
             "Why? Tell us more"]
    imports = ['{"ImportId":"startDate","timeZone":"America/Denver"}',
               '{"ImportId":"endDate","timeZone":"America/Denver"}', '{"ImportId":"status"}',
               '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}', '{"ImportId":"duration"}',
               '{"ImportId":"finished"}', '{"ImportId":"recordedDate","timeZone":"America/Denver"}',
               '{"ImportId":"_recordId"}', '{"ImportId":"Channel"}', '{"ImportId":"QID1"}',
               '{"ImportId":"QID2"}', '{"ImportId":"QID3_TEXT"}']
    rows: list[list[object]] = [ids, texts, imports]
    for i, a in enumerate(ANSWERS):
        end = f"{local(a, 'America/Denver'):%Y-%m-%d %H:%M:%S}"
        rows.append([end, end, "IP Address", "192.0.2.1", "100", "95", "True", end, f"R_{i}",
                     CHANNELS["en"][a.channel], QUALTRICS_CSAT[a.csat], str(a.nps), a.comment])
    rows.append(["2026-01-10 10:00:00"] * 2 + ["Survey Preview", "", "100", "20", "True",
                                               "2026-01-10 10:00:00", "R_p", "Website",
                                               QUALTRICS_CSAT[1], "0", "test"])
    rows.append(["2026-01-11 10:00:00"] * 2 + ["IP Address", "192.0.2.9", "40", "20", "False",
                                               "2026-01-11 10:00:00", "R_u", "Website",
                                               QUALTRICS_CSAT[1], "0", ""])
    return write_rows(path, rows)


def surveymonkey_rows() -> list[list[object]]:
    head = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1", "Channel",
            "How satisfied are you with your purchase?",
            "How likely is it that you would recommend us to a friend or colleague?",
            "Any other comments?"]
    second = [""] * 9 + ["Response", "Response", "Response", "Open-Ended Response"]
    rows: list[list[object]] = [head, second]
    for i, a in enumerate(ANSWERS):
        moment = f"{local(a, 'Europe/Paris'):%m/%d/%Y %I:%M:%S %p}"
        rows.append([str(11000 + i), "4242", moment, moment, "198.51.100.7", "", "", "", "",
                     CHANNELS["en"][a.channel], MONKEY_CSAT[a.csat], str(a.nps), a.comment])
    return rows


def surveymonkey_csv(path: Path) -> Path:
    return write_rows(path, surveymonkey_rows())


def surveymonkey_xlsx(path: Path) -> Path:
    return write_xlsx(path, surveymonkey_rows())


def google_forms(path: Path) -> Path:
    """The form's own CSV download, the form in New York's zone."""
    rows: list[list[object]] = [["Timestamp", "How satisfied are you with your order?",
                                 "Channel", "Why?"]]
    rows += [[google_forms_time(a, "America/New_York"), str(a.csat), CHANNELS["en"][a.channel],
              a.comment] for a in ANSWERS]
    return write_rows(path, rows)


def typeform(path: Path) -> Path:
    rows: list[list[object]] = [["#", "How satisfied are you with your order?", "Channel",
                                 "Anything else you'd like to tell us?", "Start Date (UTC)",
                                 "Submit Date (UTC)", "Network ID"]]
    rows += [[f"t{i}", str(a.csat), CHANNELS["en"][a.channel], a.comment,
              f"{local(a, 'UTC') - dt.timedelta(minutes=3):%Y-%m-%d %H:%M:%S}",
              f"{local(a, 'UTC'):%Y-%m-%d %H:%M:%S}", "ab12"] for i, a in enumerate(ANSWERS)]
    return write_rows(path, rows)


def microsoft_forms_fr(path: Path) -> Path:
    """Microsoft Forms' .xlsx in French: dates are the form owner's local time."""
    rows: list[list[object]] = [["ID", "Heure de début", "Heure de fin",
                                 "Adresse de messagerie", "Nom",
                                 "Êtes-vous satisfait(e) de votre achat ?", "Canal",
                                 "Avez-vous des commentaires ?"]]
    rows += [[i + 1, local(a, "Europe/Paris") - dt.timedelta(minutes=2),
              local(a, "Europe/Paris"), "anonymous", "", INCLUSIVE_CSAT[a.csat],
              CHANNELS["fr"][a.channel], a.comment] for i, a in enumerate(ANSWERS)]
    return write_xlsx(path, rows)


def microsoft_forms_en(path: Path) -> Path:
    rows: list[list[object]] = [["ID", "Start time", "Completion time", "Email", "Name",
                                 "How satisfied are you with your purchase?", "Channel",
                                 "Comments"]]
    rows += [[i + 1, local(a, "Europe/Paris") - dt.timedelta(minutes=2),
              local(a, "Europe/Paris"), "anonymous", "", MONKEY_CSAT[a.csat],
              CHANNELS["en"][a.channel], a.comment] for i, a in enumerate(ANSWERS)]
    return write_xlsx(path, rows)


def trustpilot(path: Path) -> Path:
    """Trustpilot's export: stars, UTC moments, a reply date beside the review's. Its
    channel (the website) comes from the Surveys tab; its channel column holds nothing."""
    rows: list[list[object]] = [["Review Created (UTC)", "Review Consumer User ID",
                                 "Review Title", "Review Content", "Review Stars",
                                 "Source Of Review", "Review Language",
                                 "Company Reply Date (UTC)", "Webshop Name"]]
    rows += [[f"{local(a, 'UTC'):%Y-%m-%d %H:%M:%S}", f"u{i}", "Avis", a.comment, str(a.csat),
              "AFSv2", "fr", "2026-03-15 09:00:00", "Maison Lumen"]
             for i, a in enumerate(ANSWERS) if a.channel == "website"]
    return write_rows(path, rows)


def reviews_fr(path: Path) -> Path:
    """A reviews export in French: the review's date, and the owner's reply's (later,
    or none): the review's is the answer's."""
    rows: list[list[object]] = [["Date de l'avis", "Note", "Avis", "Date de la réponse",
                                 "Réponse"]]
    for i, a in enumerate(ANSWERS):
        if a.channel != "website":
            continue
        reply = "" if i % 3 else f"{local(a, 'Europe/Paris') + dt.timedelta(days=60):%d/%m/%Y %H:%M}"
        rows.append([f"{local(a, 'Europe/Paris'):%d/%m/%Y %H:%M}", str(a.csat), a.comment, reply,
                     "Merci !\nL'équipe" if reply else ""])
    return write_rows(path, rows)


def excel_fr(path: Path) -> Path:
    """French Excel's CSV: a "sep=;" first line, Windows-1252, decimal commas."""
    rows: list[list[object]] = [["Horodatage", "Canal", "Note", "Commentaire"]]
    rows += [[f"{local(a, 'Europe/Paris'):%d/%m/%Y %H:%M}", CHANNELS["fr"][a.channel],
              f"{a.csat},0", a.comment.replace("«", '"').replace("»", '"')] for a in ANSWERS]
    return write_rows(path, rows, encoding="cp1252", delimiter=";", first_line="sep=;\r\n")


@dataclass(frozen=True)
class Layout:
    write: Callable[[Path], Path]
    indicators: tuple[str, ...]
    survey: dict  # the Surveys tab's row for it (its stage; a channel, an indicator if needed)
    channels: tuple[str, ...] = ("website", "store")
    set_aside: dict | None = None
    layout: str | None = None


CSAT = ("csat_5", "csat_pct")
LAYOUTS = {
    "qualtrics.csv": Layout(qualtrics, (*CSAT, "nps"), {"stage": "buy"},
                            set_aside={"preview_or_spam": 2, "unfinished": 2}, layout="qualtrics"),
    "surveymonkey.csv": Layout(surveymonkey_csv, (*CSAT, "nps"), {"stage": "buy"},
                               layout="surveymonkey"),
    "surveymonkey.xlsx": Layout(surveymonkey_xlsx, (*CSAT, "nps"), {"stage": "buy"},
                                layout="surveymonkey"),
    "google-forms.csv": Layout(google_forms, CSAT, {"stage": "buy"}),
    "typeform.csv": Layout(typeform, CSAT, {"stage": "buy"}),
    "microsoft-forms-fr.xlsx": Layout(microsoft_forms_fr, CSAT, {"stage": "buy"}),
    "microsoft-forms-en.xlsx": Layout(microsoft_forms_en, CSAT, {"stage": "buy"}),
    "trustpilot.csv": Layout(trustpilot, CSAT, {"stage": "buy", "channel": "website",
                                                "indicator": "csat_5"}, channels=("website",)),
    "avis-google.csv": Layout(reviews_fr, CSAT, {"stage": "buy", "channel": "website",
                                                 "indicator": "csat_5"}, channels=("website",)),
    "excel-fr.csv": Layout(excel_fr, CSAT, {"stage": "buy", "indicator": "csat_5"}),
}


def plan_for(tmp_path: Path, name: str, layout: Layout) -> Path:
    survey = Survey(survey=Path(name).stem, **layout.survey)
    return write(clean_plan().with_changes(surveys=(survey,)), tmp_path / "plan.xlsx")


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_tool_s_layout_gives_the_figures_computed_from_the_answers(cli, tmp_path, name):
    layout = LAYOUTS[name]
    responses = layout.write(tmp_path / name)
    plan = plan_for(tmp_path, name, layout)
    result = cli("feedback", responses, "--plan", plan, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [p["start"] for p in data["periods"]] == MONTHS
    assert {f["layout"] for f in data["files"]} == {layout.layout}
    if layout.layout == "qualtrics":  # its IDs, with the questions its second row says
        assert [(f["columns"]["score"], f["question"], f["kind"]) for f in data["files"]] == [
            ("Q1", "How satisfied were you with your purchase?", "csat"),
            ("Q2", "How likely are you to recommend us to a friend?", "nps")]
    got = {(m["channel"], m["indicator"]): m["periods"] for m in data["measures"]}
    wanted = {k: v for k, v in expected(layout.indicators).items() if k[0] in layout.channels}
    assert set(got) == set(wanted)
    for key, periods in wanted.items():
        for point, (value, answers, low, high) in zip(got[key], periods, strict=True):
            assert point["answers"] == answers, (key, point["start"])
            for field, want in (("value", value), ("low", low), ("high", high)):
                assert point[field] == pytest.approx(want, abs=2e-3), (key, point["start"], field)
    rejected = {r["reason"]: r["count"] for r in data["rejected"]}
    assert rejected == (layout.set_aside or {})
    # the comments are whole, line breaks included
    said = {p["verbatim"]["text"] for periods in got.values() for p in periods if p["verbatim"]}
    assert said <= {a.comment for a in ANSWERS} | {
        a.comment.replace("«", '"').replace("»", '"') for a in ANSWERS}
    assert any("\n" in text for text in said)


def test_the_text_says_which_column_was_taken_for_each_role(cli, tmp_path):
    layout = LAYOUTS["avis-google.csv"]
    responses = layout.write(tmp_path / "avis-google.csv")
    result = cli("feedback", responses, "--plan", plan_for(tmp_path, "avis-google.csv", layout))
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "avis-google.csv :" in x)
    # the review's date, not the owner's reply's
    assert "date « Date de l'avis »" in line and "note « Note »" in line, line
    assert "commentaire « Avis »" in line


def test_a_moment_falls_in_the_month_of_the_plan_s_time_zone(cli, tmp_path):
    """23:30 UTC on 31 January is 00:30 on 1 February in Paris; in New York, still
    January: the plan's Time zone setting says which."""
    path = tmp_path / "typeform.csv"
    write_rows(path, [["Submit Date (UTC)", "How satisfied are you?", "Channel"],
                      ["2026-01-31 23:30:00", "5", "Website"], ["2026-01-15 12:00:00", "4", "Website"]])
    survey = Survey(survey="typeform", stage="buy")
    months = {}
    for zone in (None, "America/New_York"):
        plan = clean_plan().with_changes(surveys=(survey,))
        if zone:
            plan = plan.with_changes(settings={**plan.settings, "time_zone": zone})
        plan_file = write(plan, tmp_path / f"plan-{zone is None}.xlsx")
        data = json.loads(cli("feedback", path, "--plan", plan_file, "--format", "json").output)
        months[zone] = [(p["start"], p["answers"]) for p in data["measures"][0]["periods"]]
    assert months[None] == [("2026-01-01", 1), ("2026-02-01", 1)]
    assert months["America/New_York"] == [("2026-01-01", 2)]
    plan = clean_plan().with_changes(surveys=(survey,))
    plan = plan.with_changes(settings={**plan.settings, "time_zone": "Europe/Paname"})
    result = cli("feedback", path, "--plan", write(plan, tmp_path / "bad-zone.xlsx"))
    assert result.exit_code == 2 and "Europe/Paname" in result.output
