"""omnisheet feedback on responses whose answers are known: every value and interval of
every touchpoint, indicator and period is computed again here, from the raw scores, with
the standard library and the helpers of test_statistics (Wilson by bisection, Student's
t from a printed table), never with omnisheet's own code. The same answers written as
every format a survey tool exports give the same measures."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import statistics as stdlib
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from plans import clean_plan
from test_statistics import T_TABLE, Z, wilson_by_bisection

from omnisheet.outputs.workbook import write
from omnisheet.plan.model import Survey

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "omnisheet" / "feedback" / "feedback.schema.json").read_text("utf-8"))


@dataclass(frozen=True)
class Answer:
    when: str  # as the survey tool writes it, day first
    stage: str
    channel: str
    indicator: str
    score: str
    comment: str = ""


def at(day: int, month: int, hour: int = 10, minute: int = 0) -> str:
    return f"{day:02d}/{month:02d}/2026 {hour:02d}:{minute:02d}"


BUY, FIND_OUT, RECEIVE = "J'achète", "Je me renseigne", "Je reçois / je récupère"
# Known answers. buy × website (CSAT): ties, a comment at the lowest score, nothing in
# February, a single answer in March. find_out × website (CES, 1-7): all alike in
# February. buy × email (NPS): every kind of answer, then promoters only.
ANSWERS = [
    Answer(at(5, 1), BUY, "Site web", "CSAT", "5", "Parfait"),
    Answer(at(6, 1), BUY, "Site web", "CSAT", "4"),
    Answer(at(7, 1), BUY, "Site web", "CSAT", "Satisfait"),          # words of the scale: 4
    Answer(at(8, 1), BUY, "Site web", "CSAT", "3", "Moyen"),
    Answer(at(9, 1, 9), BUY, "Site web", "CSAT", "1", "Trop cher"),
    Answer(at(20, 1, 9), BUY, "Site web", "CSAT", "1", "=HYPERLINK(\"http://x\",\"clic\")"),
    Answer(at(20, 1, 9), BUY, "Site web", "CSAT", "1", "Attente"),   # same moment: A before =? no
    Answer(at(3, 3), BUY, "Site web", "CSAT", "5 - Très satisfait"),  # one answer in March
    Answer(at(10, 1), FIND_OUT, "Site web", "CES", "7"),
    Answer(at(11, 1), FIND_OUT, "Site web", "CES", "6"),
    Answer(at(12, 1), FIND_OUT, "Site web", "CES", "6"),
    Answer(at(13, 1), FIND_OUT, "Site web", "CES", "5", "Correct"),
    Answer(at(2, 2), FIND_OUT, "Site web", "CES", "4"),
    Answer(at(3, 2), FIND_OUT, "Site web", "CES", "4,0"),             # a decimal comma
    Answer(at(4, 2), FIND_OUT, "Site web", "CES", "4", "Bof"),
    Answer(at(5, 3), FIND_OUT, "Site web", "CES", "2", "Introuvable"),
    Answer(at(6, 3), FIND_OUT, "Site web", "CES", "3"),
    Answer(at(14, 1), BUY, "Email", "NPS", "10"),
    Answer(at(15, 1), BUY, "Email", "NPS", "9"),
    Answer(at(16, 1), BUY, "Email", "NPS", "8"),
    Answer(at(17, 1), BUY, "Email", "NPS", "7"),
    Answer(at(18, 1), BUY, "Email", "NPS", "6", "Bof"),
    Answer(at(19, 1), BUY, "Email", "NPS", "0", "Jamais"),
    Answer(at(7, 3), BUY, "Email", "NPS", "9"),
    Answer(at(8, 3), BUY, "Email", "NPS", "10"),
    Answer(at(9, 3), BUY, "Email", "NPS", "10"),
]
# Rows each set aside for one known reason.
SET_ASIDE = {
    "out_of_scale": [Answer(at(21, 1), BUY, "Site web", "CSAT", "6"),
                     Answer(at(22, 1), BUY, "Email", "NPS", "11"),
                     Answer(at(22, 1), BUY, "Site web", "CSAT", "4.5")],
    "empty_score": [Answer(at(23, 1), BUY, "Site web", "CSAT", "")],
    "unknown_stage": [Answer(at(24, 1), "Je flâne", "Site web", "CSAT", "4")],
    "unknown_channel": [Answer(at(24, 1), BUY, "Pigeon voyageur", "CSAT", "4")],
    "unknown_indicator": [Answer(at(24, 1), BUY, "Site web", "Taux de clic", "4")],
    "unparseable_date": [Answer("hier", BUY, "Site web", "CSAT", "4"),
                         Answer("31/02/2026 10:00", BUY, "Site web", "CSAT", "4")],
    "empty_date": [Answer("", BUY, "Site web", "CSAT", "4")],
    "unknown_wording": [Answer(at(25, 1), BUY, "Site web", "CSAT", "Bof"),
                        Answer(at(25, 1), BUY, "Site web", "CSAT", "Bof")],
}
HEADERS = ["Horodatage", "Étape", "Canal", "Indicateur", "Note", "Commentaire"]
MONTHS = ["2026-01-01", "2026-02-01", "2026-03-01"]


def rows() -> list[list[str]]:
    everything = ANSWERS + [a for found in SET_ASIDE.values() for a in found]
    return [[a.when, a.stage, a.channel, a.indicator, a.score, a.comment] for a in everything]


# --- the measures expected, computed here -----------------------------------------------


def scores(stage: str, channel: str, month: int) -> list[int]:
    words = {"Satisfait": 4, "5 - Très satisfait": 5}
    found = []
    for a in ANSWERS:
        if a.stage == stage and a.channel == channel and int(a.when[3:5]) == month:
            found.append(words.get(a.score) or int(float(a.score.replace(",", "."))))
    return found


def expected_mean(values: list[int], bounds: tuple[int, int]) -> tuple:
    if not values:
        return None, 0, None, None
    mean = stdlib.mean(values)
    if len(set(values)) == 1:  # all alike: Wilson's bound on the share of other answers
        other = wilson_by_bisection(0, len(values))[1]
        return mean, len(values), mean - other * (mean - bounds[0]), mean + other * (bounds[1] - mean)
    half = T_TABLE[len(values) - 1] * stdlib.stdev(values) / math.sqrt(len(values))
    # no mean lies beyond the scale: the interval stops at its ends
    return mean, len(values), max(bounds[0], mean - half), min(bounds[1], mean + half)


def expected_share(values: list[int]) -> tuple:
    if not values:
        return None, 0, None, None
    low, high = wilson_by_bisection(sum(v >= 4 for v in values), len(values))
    return 100 * sum(v >= 4 for v in values) / len(values), len(values), 100 * low, 100 * high


def expected_nps(values: list[int]) -> tuple:
    if not values:
        return None, 0, None, None
    per_answer = [1 if v >= 9 else -1 if v <= 6 else 0 for v in values]
    value = stdlib.mean(per_answer)
    if len(set(per_answer)) == 1:
        other = wilson_by_bisection(0, len(values))[1]
        return 100 * value, len(values), 100 * (value - other * (value + 1)), 100 * (
            value + other * (1 - value))
    half = Z * math.sqrt(stdlib.pvariance(per_answer) / len(values))
    return (100 * value, len(values), 100 * max(-1, value - half),  # an NPS stays within ±100
            100 * min(1, value + half))


EXPECTED = {
    ("buy", "website", "csat_5"): [expected_mean(scores(BUY, "Site web", m), (1, 5)) for m in (1, 2, 3)],
    ("buy", "website", "csat_pct"): [expected_share(scores(BUY, "Site web", m)) for m in (1, 2, 3)],
    ("find_out", "website", "ces_7"): [expected_mean(scores(FIND_OUT, "Site web", m), (1, 7))
                                       for m in (1, 2, 3)],
    ("buy", "email", "nps"): [expected_nps(scores(BUY, "Email", m)) for m in (1, 2, 3)],
}


def assert_measures(data: dict) -> None:
    """Every value and interval of the JSON equals the one computed here."""
    assert [p["start"] for p in data["periods"]] == MONTHS
    got = {(m["stage"], m["channel"], m["indicator"]): m for m in data["measures"]}
    assert set(got) == set(EXPECTED)
    for key, periods in EXPECTED.items():
        measured = got[key]["periods"]
        assert [p["start"] for p in measured] == MONTHS
        for point, (value, answers, low, high) in zip(measured, periods, strict=True):
            assert point["answers"] == answers, (key, point["start"])
            for field, wanted in (("value", value), ("low", low), ("high", high)):
                if wanted is None:
                    assert point[field] is None, (key, point["start"], field)
                else:
                    assert point[field] == pytest.approx(wanted, abs=2e-3), (key, point["start"],
                                                                             field)
    rejected = {r["reason"]: r["count"] for r in data["rejected"]}
    assert rejected == {reason: len(found) for reason, found in SET_ASIDE.items()}
    assert data["rows"] == {"read": len(ANSWERS) + sum(map(len, SET_ASIDE.values())),
                            "used": len(ANSWERS), "rejected": sum(map(len, SET_ASIDE.values()))}


# --- the formats a survey tool exports ----------------------------------------------------


def write_csv(path: Path, encoding: str, delimiter: str, decimal_comma: bool = False) -> Path:
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows():
            if decimal_comma and row[4].isdigit():
                row = [*row[:4], row[4] + ",0", row[5]]
            writer.writerow(row)
    return path


def write_xlsx(path: Path) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                               "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Export")
    sheet.write_row(0, 0, HEADERS)
    date = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for r, row in enumerate(rows(), start=1):
        try:
            sheet.write_datetime(r, 0, dt.datetime.strptime(row[0], "%d/%m/%Y %H:%M"), date)
        except ValueError:
            if row[0]:
                sheet.write_string(r, 0, row[0])
        for c, value in enumerate(row[1:], start=1):
            if c == 4 and value.isdigit():
                sheet.write_number(r, c, int(value))
            elif value:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def write_parquet(path: Path) -> Path:
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE t (Horodatage VARCHAR, \"Étape\" VARCHAR, Canal VARCHAR, "
                "Indicateur VARCHAR, Note VARCHAR, Commentaire VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)",
                    [[v if v != "" else None for v in row] for row in rows()])
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()
    return path


FORMATS = {
    "utf8-comma.csv": lambda p: write_csv(p, "utf-8", ","),
    "bom-semicolon.csv": lambda p: write_csv(p, "utf-8-sig", ";"),
    "excel-fr.csv": lambda p: write_csv(p, "cp1252", ";", decimal_comma=True),
    "tabs.tsv": lambda p: write_csv(p, "utf-8", "\t"),
    "unicode.txt": lambda p: write_csv(p, "utf-16", "\t"),
    "export.parquet": write_parquet,
    "export.xlsx": write_xlsx,
}


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write(clean_plan(), tmp_path / "plan.xlsx")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_value_and_interval_matches_a_computation_from_the_raw_answers(cli, tmp_path,
                                                                             plan, name):
    responses = FORMATS[name](tmp_path / name)
    result = cli("feedback", responses, "--plan", plan, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert_measures(data)


def test_a_folder_is_every_responses_file_in_it(cli, tmp_path, plan):
    folder = tmp_path / "exports"
    folder.mkdir()
    answers = write_csv(folder / "all.csv", "utf-8", ",")
    (folder / "~$all.xlsx").write_bytes(b"lock")  # Excel's lock file: not a responses file
    (folder / "notes.md").write_text("not responses")
    data = json.loads(cli("feedback", folder, "--plan", plan, "--format", "json").output)
    assert [Path(f["path"]).name for f in data["files"]] == [answers.name]
    assert_measures(data)


def test_the_verbatim_is_the_most_recent_among_the_lowest_scores(cli, tmp_path, plan):
    responses = write_csv(tmp_path / "r.csv", "utf-8", ",")
    data = json.loads(cli("feedback", responses, "--plan", plan, "--format", "json").output)
    by_key = {(m["stage"], m["channel"], m["indicator"]): m for m in data["measures"]}
    january = by_key[("buy", "website", "csat_5")]["periods"][0]["verbatim"]
    # three comments with a 1; two share the latest moment: the first in text order wins
    assert january["score"] == 1
    assert january["text"] == min("=HYPERLINK(\"http://x\",\"clic\")", "Attente")
    assert january["at"].startswith("2026-01-20 09:00")
    march = by_key[("find_out", "website", "ces_7")]["periods"][2]["verbatim"]
    assert march == {"text": "Introuvable", "score": 2, "at": "2026-03-05 10:00:00"}
    assert by_key[("buy", "email", "nps")]["periods"][1]["verbatim"] is None  # empty period


def test_rejected_rows_name_their_values(cli, tmp_path, plan):
    responses = write_csv(tmp_path / "r.csv", "utf-8", ",")
    data = json.loads(cli("feedback", responses, "--plan", plan, "--format", "json").output)
    examples = {r["reason"]: {e["value"]: e["count"] for e in r["examples"]}
                for r in data["rejected"]}
    assert examples["unknown_stage"] == {"Je flâne": 1}
    assert examples["unknown_channel"] == {"Pigeon voyageur": 1}
    assert examples["unknown_wording"] == {"Bof": 2}
    assert examples["out_of_scale"] == {"6": 1, "11": 1, "4.5": 1}
    assert examples["unparseable_date"] == {"hier": 1, "31/02/2026 10:00": 1}
    assert examples["empty_score"] == {None: 1}


def test_surveys_tab_places_answers_that_name_only_their_survey(cli, tmp_path):
    plan = clean_plan().with_changes(surveys=(
        Survey(survey="Satisfaction achat", stage="buy", channel="website", indicator="csat_5"),
        Survey(survey="nps-email", stage="buy", channel="email", indicator="nps")))
    plan_file = write(plan, tmp_path / "plan.xlsx")
    with open(tmp_path / "achat.csv", "w", encoding="utf-8") as out:
        out.write("Date de réponse,Enquête,Note\n")
        out.write("2026-01-05,Satisfaction achat,5\n2026-01-06,Satisfaction achat,4\n")
        out.write("2026-01-07,Enquête inconnue,4\n")
    with open(tmp_path / "nps-email.csv", "w", encoding="utf-8") as out:  # named by its file
        out.write("Submitted at,How likely are you to recommend us?\n2026-01-08T10:00:00Z,9\n")
    data = json.loads(cli("feedback", tmp_path / "achat.csv", tmp_path / "nps-email.csv",
                          "--plan", plan_file, "--format", "json").output)
    got = {(m["stage"], m["channel"], m["indicator"]): m["periods"][0]["answers"]
           for m in data["measures"]}
    assert got == {("buy", "website", "csat_5"): 2, ("buy", "website", "csat_pct"): 2,
                   ("buy", "email", "nps"): 1}
    assert [(r["reason"], r["count"], r["examples"]) for r in data["rejected"]] == [
        ("unknown_survey", 1, [{"value": "Enquête inconnue", "file": str(tmp_path / "achat.csv"),
                                "count": 1}])]


def test_month_first_dates_are_read_as_their_values_say(cli, tmp_path, plan):
    path = tmp_path / "us.csv"
    path.write_text("Timestamp,Stage,Channel,Metric,Score\n"
                    "1/13/2026 2:05:11 PM,I buy,Website,CSAT,5\n"
                    "2/1/2026 9:00:00 AM,I buy,Website,CSAT,4\n", encoding="utf-8")
    data = json.loads(cli("feedback", path, "--plan", plan, "--format", "json").output)
    assert [p["start"] for p in data["periods"]] == ["2026-01-01", "2026-02-01"]
    assert data["files"][0]["day_first_assumed"] is False


def test_dates_that_never_say_which_comes_first_are_read_day_first_and_said(cli, tmp_path,
                                                                           plan):
    path = tmp_path / "ambiguous.csv"
    path.write_text("Date;Étape;Canal;Indicateur;Note\n03/02/2026;J'achète;Site web;CSAT;4\n",
                    encoding="utf-8")
    result = cli("feedback", path, "--plan", plan)
    assert result.exit_code == 0
    assert "dates lues jour d'abord" in result.output
    data = json.loads(cli("feedback", path, "--plan", plan, "--format", "json").output)
    assert data["periods"][0]["start"] == "2026-02-01"
    assert data["files"][0]["day_first_assumed"] is True


@pytest.mark.parametrize("period,starts", [("quarter", ["2026-01-01"]), ("year", ["2026-01-01"])])
def test_longer_periods_pool_the_answers(cli, tmp_path, plan, period, starts):
    responses = write_csv(tmp_path / "r.csv", "utf-8", ",")
    data = json.loads(cli("feedback", responses, "--plan", plan, "--format", "json",
                          "--period", period).output)
    assert [p["start"] for p in data["periods"]] == starts
    nps = next(m for m in data["measures"] if m["indicator"] == "nps")
    values = scores(BUY, "Email", 1) + scores(BUY, "Email", 3)
    assert nps["periods"][0]["value"] == pytest.approx(expected_nps(values)[0])
    assert nps["periods"][0]["low"] == pytest.approx(expected_nps(values)[2], abs=1e-6)


def test_column_option_names_what_headers_do_not(cli, tmp_path, plan):
    path = tmp_path / "odd.csv"
    path.write_text("Quand,Où,Par,Quoi,Combien\n2026-01-05,J'achète,Site web,CSAT,5\n",
                    encoding="utf-8")
    result = cli("feedback", path, "--plan", plan, "--format", "json", "--column", "date=Quand",
                 "--column", "stage=Où", "--column", "channel=Par", "--column",
                 "indicator=Quoi", "--column", "score=Combien")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["measures"][0]["periods"][0]["value"] == 5


def test_text_is_one_screen_in_the_plan_s_language(cli, tmp_path, plan):
    responses = write_csv(tmp_path / "r.csv", "utf-8", ",")
    used, aside = len(ANSWERS), sum(map(len, SET_ASIDE.values()))
    french = cli("feedback", responses, "--plan", plan).output
    assert (f"Réponses : 1 fichier, {used + aside} lignes : {used} retenues, {aside} écartées"
            in french)
    assert "note hors de son échelle : 3" in french
    assert "2,50 (" in french  # March's CES, a decimal comma
    english = cli("feedback", responses, "--plan", plan, "--lang", "en").output
    assert f"Responses: 1 file, {used + aside} rows: {used} used, {aside} set aside" in english
    assert "2.50 (" in english
    assert len(french.splitlines()) <= 30


def test_comments_that_look_like_formulas_stay_text_everywhere(cli, tmp_path, plan):
    from openpyxl import load_workbook

    formula = "=HYPERLINK(\"http://x\",\"clic\")"
    responses = tmp_path / "r.csv"
    with open(responses, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerow([at(3, 1), BUY, "Site web", "CSAT", "1", formula])
        writer.writerow([at(4, 1), BUY, "Site web", "CSAT", "5", "+33 6 12 34 56 78 rappelez-moi"])
    measured = tmp_path / "measured.xlsx"
    result = cli("feedback", responses, "--plan", plan, "-o", measured)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(measured)["Mesures"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
    data = json.loads(cli("feedback", responses, "--plan", plan, "--format", "json").output)
    assert data["measures"][0]["periods"][0]["verbatim"]["text"] == formula
    from omnisheet.read.reader import load

    assert any(m.verbatim == formula for m in load(measured).measures)


def test_the_analyst_api_gives_objects_and_a_frame(tmp_path, plan):
    from omnisheet import read_feedback

    feedback = read_feedback([write_csv(tmp_path / "r.csv", "utf-8", ",")], plan)
    assert feedback.plan is not None and feedback.used == len(ANSWERS)
    frame = feedback.to_frame()
    assert list(frame.columns) == ["stage", "channel", "indicator", "period", "value", "answers",
                                   "low", "high"]
    assert len(frame) == 3 * len(EXPECTED)
    nps = frame[(frame.indicator == "nps") & (frame.period == dt.date(2026, 1, 1))].iloc[0]
    assert nps.value == pytest.approx(expected_nps(scores(BUY, "Email", 1))[0])


@pytest.mark.libreoffice
def test_an_ods_export_gives_the_same_measures(cli, tmp_path, plan, soffice):
    from support.libreoffice import convert

    ods = convert(write_xlsx(tmp_path / "export.xlsx"), "ods", tmp_path / "ods")
    data = json.loads(cli("feedback", ods, "--plan", plan, "--format", "json").output)
    assert data["files"][0]["format"] == "ods"
    assert_measures(data)
