"""omnisheet feedback never gives a wrong figure and never stops on one bad value, each
case through the real command line (a process of its own): dates no survey can have, a
CSV whose first header starts with "{", a memory limit, a score column off its
indicator's scale, folders holding an unusable file, the Surveys tab naming an export's
columns (one row per question) and mapping its values, a figure from too few answers
that does not replace the team's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from plans import clean_plan

from omnisheet.outputs.workbook import write
from omnisheet.plan.model import Survey
from omnisheet.read.reader import load

HEAD = "Horodatage;Étape;Canal;Indicateur;Note;Commentaire\n"


def feedback(*args: object, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "omnisheet.cli", "feedback", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def as_json(result: subprocess.CompletedProcess) -> dict:
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write(clean_plan(), tmp_path / "plan.xlsx")


def with_surveys(tmp_path: Path, *surveys: Survey, name: str = "plan-enquetes.xlsx") -> Path:
    return write(clean_plan().with_changes(surveys=surveys), tmp_path / name)


def rows(*lines: str) -> str:
    return HEAD + "".join(line + "\n" for line in lines)


# --- dates no survey can have ---------------------------------------------------------------


@pytest.mark.parametrize("placeholders", [
    ["31/12/9999 00:00", "31/12/9999 23:59"],          # CRM exports' "no date"
    ["9999-12-31 00:00:00", "10000-01-05 10:00:00"],    # a year-10000 typo
    ["0044-03-15 (BC) 10:00:00", "9999-12-31"],         # a date before Christ
])
def test_dates_out_of_range_are_set_aside_and_counted(tmp_path, plan, placeholders):
    first = "05/01/2026 10:00" if "/" in placeholders[0] else "2026-01-05 10:00:00"
    path = tmp_path / "dates.csv"
    path.write_text(rows(f"{first};J'achète;Site web;CSAT;4;",
                         *(f"{p};J'achète;Site web;CSAT;5;" for p in placeholders)), "utf-8")
    result = feedback(path, "--plan", plan, "--format", "json")
    assert "unexpected error" not in result.stderr and result.returncode in (0, 1), result.stderr
    data = as_json(result)
    assert {r["reason"]: r["count"] for r in data["rejected"]} == {"date_out_of_range": 2}
    assert data["rows"]["used"] == 1 and [p["start"] for p in data["periods"]] == ["2026-01-01"]
    text = feedback(path, "--plan", plan).stdout
    assert "date hors de toute période plausible" in text and ": 2" in text


def test_a_csv_whose_first_header_starts_with_a_brace_is_read(tmp_path, plan):
    path = tmp_path / "brace.csv"
    path.write_text("{Horodatage};Étape;Canal;Indicateur;Note\n"
                    "05/01/2026 10:00;J'achète;Site web;CSAT;4\n"
                    "06/01/2026 10:00;J'achète;Site web;CSAT;2\n", "utf-8")
    data = as_json(feedback(path, "--plan", plan, "--format", "json"))
    assert data["files"][0]["columns"]["date"] == "{Horodatage}"
    assert data["rows"]["used"] == 2 and data["measures"][0]["periods"][0]["value"] == 3


# --- memory -----------------------------------------------------------------------------------


def test_a_large_file_finishes_under_a_memory_limit_and_running_out_is_said(tmp_path, plan):
    """400,000 answers (40 MB, a comment over two lines each) under a 64 MB limit: DuckDB
    spills and finishes; under 8 MB it cannot, and the line says memory, not "is not a
    responses table"."""
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for i in range(400_000):
            out.write(f"{1 + i % 28:02d}/{1 + i % 12:02d}/2026 10:00;J'achète;Site web;CSAT;"
                      f"{1 + i % 5};\"commentaire {i:07d} {'x' * 40}\nsur deux lignes\"\n")
    done = feedback(path, "--plan", plan, "--format", "json",
                    env={"OMNISHEET_MEMORY_LIMIT": "64MB"})
    assert done.returncode == 0, done.stderr
    data = as_json(done)
    assert data["rows"] == {"read": 400_000, "used": 400_000, "rejected": 0}
    assert sum(p["answers"] for p in data["measures"][0]["periods"]) == 400_000
    short = feedback(path, "--plan", plan, env={"OMNISHEET_MEMORY_LIMIT": "8MB"})
    assert short.returncode == 2
    assert short.stderr.count("\n") == 1 and "mémoire" in short.stderr, short.stderr
    assert "OMNISHEET_MEMORY_LIMIT" in short.stderr and "tableau de réponses" not in short.stderr


# --- a score column that is not the indicator's ----------------------------------------------


def test_an_nps_column_on_a_survey_called_csat_is_refused_not_averaged(tmp_path):
    plan = with_surveys(tmp_path, Survey(survey="barometre", stage="buy", channel="website",
                                         indicator="csat_5"))
    path = tmp_path / "barometre.csv"
    path.write_text("Date;Note\n" + "".join(f"0{1 + i % 9}/01/2026;{i % 11}\n" for i in range(60)),
                    "utf-8")
    result = feedback(path, "--plan", plan)
    assert result.returncode == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert line.count("\n") == 0 and "« Note » va de 0 à 10" in line and "CSAT (1 à 5)" in line


# --- folders of mixed exports --------------------------------------------------------------------


def test_one_unusable_file_of_a_folder_is_said_and_the_others_computed(tmp_path, plan):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "bon.csv").write_text(rows("05/01/2026 10:00;J'achète;Site web;CSAT;4;",
                                         "06/01/2026 10:00;J'achète;Site web;CSAT;5;"), "utf-8")
    (folder / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "sans-note.csv").write_text("Date;Canal;Q1\n05/01/2026;Site web;4\n", "utf-8")
    result = feedback(folder, "--plan", plan)
    assert result.returncode == 1, result.stderr
    assert "Fichier non lu : " in result.stdout and "image.csv" in result.stdout
    assert "sans-note.csv" in result.stdout and "ses colonnes sont Date | Canal | Q1" in result.stdout
    assert "4,50" in result.stdout  # the good file's CSAT
    data = as_json(feedback(folder, "--plan", plan, "--format", "json"))
    assert sorted((Path(u["path"]).name, u["reason"]) for u in data["unusable"]) == [
        ("image.csv", "not_a_table"), ("sans-note.csv", "no_score")]
    assert data["rows"]["used"] == 2


def test_exit_status_says_how_much_was_kept(tmp_path, plan):
    """0 all read; 1 most of a file set aside; 2 nothing kept (the figures still shown)."""
    good = tmp_path / "bon.csv"
    good.write_text(rows("05/01/2026 10:00;J'achète;Site web;CSAT;4;"), "utf-8")
    assert feedback(good, "--plan", plan).returncode == 0
    mostly = tmp_path / "mostly.csv"
    mostly.write_text(rows("05/01/2026 10:00;J'achète;Site web;CSAT;4;",
                           *["05/01/2026 10:00;J'achète;Pigeon;CSAT;4;"] * 3), "utf-8")
    assert feedback(mostly, "--plan", plan).returncode == 1
    none = tmp_path / "none.csv"
    none.write_text(rows(*["05/01/2026 10:00;J'achète;Pigeon;CSAT;4;"] * 3), "utf-8")
    result = feedback(none, "--plan", plan, "-o", tmp_path / "out.xlsx")
    assert result.returncode == 2 and "Aucune réponse n'a pu être retenue" in result.stdout
    assert not (tmp_path / "out.xlsx").exists()


# --- the Surveys tab ------------------------------------------------------------------------


def test_a_survey_s_rows_name_its_questions_columns(tmp_path):
    """One export, two questions (Q1 a CSAT, Q2 an NPS) named on two rows of the Surveys
    tab, its date column too: both measures, from the right columns."""
    plan = with_surveys(
        tmp_path,
        Survey(survey="export-42", stage="buy", indicator="csat_5", score_column="Q1",
               date_column="Envoyé"),
        Survey(survey="export-42", stage="buy", indicator="nps", score_column="Q2",
               date_column="Envoyé"))
    path = tmp_path / "export-42.csv"
    path.write_text("ID;Exporté;Envoyé;Canal;Q1;Q2\n"
                    "1;01/03/2026;05/01/2026;Site web;4;10\n"
                    "2;01/03/2026;06/01/2026;Site web;2;3\n"
                    "3;01/03/2026;07/01/2026;Site web;5;9\n", "utf-8")
    data = as_json(feedback(path, "--plan", plan, "--format", "json"))
    got = {m["indicator"]: (m["periods"][0]["start"], m["periods"][0]["value"])
           for m in data["measures"]}
    assert got["csat_5"] == ("2026-01-01", pytest.approx(11 / 3))
    assert got["nps"] == ("2026-01-01", pytest.approx(100 * (2 - 1) / 3))
    assert {f["columns"]["score"] for f in data["files"]} == {"Q1", "Q2"}


def test_a_value_written_otherwise_gets_a_did_you_mean_then_an_alias(tmp_path):
    survey = Survey(survey="appels", stage="get_help", indicator="csat_5")
    path = tmp_path / "appels.csv"
    path.write_text("Date;Canal;Note\n05/01/2026;Téléphone;4\n06/01/2026;Téléphone;5\n"
                    "07/01/2026;;3\n", "utf-8")
    before = feedback(path, "--plan", with_surveys(tmp_path, survey))
    assert "« Téléphone » × 2 (vouliez-vous dire « Téléphone / service client » ?" in before.stdout
    assert "sans canal : 1" in before.stdout  # apart from "canal absent du plan"
    data = as_json(feedback(path, "--plan", with_surveys(tmp_path, survey), "--format", "json"))
    (example,) = next(r for r in data["rejected"] if r["reason"] == "unknown_channel")["examples"]
    assert example["did_you_mean"] == "phone"
    aliased = Survey(survey="appels", stage="get_help", indicator="csat_5",
                     aliases="Téléphone = Téléphone / service client")
    data = as_json(feedback(path, "--plan", with_surveys(tmp_path, aliased, name="p2.xlsx"),
                            "--format", "json"))
    assert [(m["channel"], m["periods"][0]["answers"]) for m in data["measures"]][0] == ("phone", 2)


def test_a_survey_listed_without_its_channel_says_which_field_is_missing(tmp_path):
    plan = with_surveys(tmp_path, Survey(survey="livraison", stage="receive", indicator="ces_7"))
    path = tmp_path / "livraison.csv"
    path.write_text("Date;Note\n05/01/2026;4\n", "utf-8")
    result = feedback(path, "--plan", plan)
    assert result.returncode == 2
    assert "l'enquête « livraison » est dans l'onglet Enquêtes, mais sans son canal" in result.stderr


# --- -o and the team's figures ---------------------------------------------------------------


def test_a_figure_from_too_few_answers_does_not_replace_the_team_s(tmp_path, plan):
    """The plan says CSAT 3.6 from 500 answers for find_out × website; two answers this
    month give 5: the 3.6 stays, and the text says why."""
    path = tmp_path / "deux.csv"
    path.write_text(rows("05/01/2026 10:00;Je me renseigne;Site web;CSAT;5;",
                         "06/01/2026 10:00;Je me renseigne;Site web;CSAT;5;"), "utf-8")
    out = tmp_path / "mesures.xlsx"
    result = feedback(path, "--plan", plan, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "gardées telles que l'équipe les a saisies (1)" in result.stdout
    assert "trop peu de réponses (2)" in result.stdout
    (kept,) = [m for m in load(out).measures
               if (m.stage, m.channel, m.indicator) == ("find_out", "website", "csat_5")]
    assert (kept.value, kept.answers) == (3.6, 500)
