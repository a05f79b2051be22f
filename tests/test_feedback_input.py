"""omnisheet feedback given what it cannot use: one line naming the file and what to do,
in the plan's language, and exit status 2; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from plans import clean_plan

from omnisheet.outputs.workbook import write

GOOD = "Horodatage;Étape;Canal;Indicateur;Note\n05/01/2026 10:00;J'achète;Site web;CSAT;4\n"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write(clean_plan(), tmp_path / "plan.xlsx")


def feedback(*args: object) -> subprocess.CompletedProcess:
    """As a user runs it: a process of its own, its output and exit status."""
    return subprocess.run([sys.executable, "-m", "omnisheet.cli", "feedback",
                           *map(str, args)], capture_output=True, text=True, timeout=120)


CASES = {
    # name: (file content, words the one line says)
    "picture.csv": (b"\x89PNG\r\n\x1a\n" + bytes(200), "n'est pas un tableau de réponses"),
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "n'est pas un tableau de réponses"),
    "page.csv": (b"<!DOCTYPE html><html><body><table></table></body></html>",
                 "n'est pas un tableau de réponses"),
    "export.json": (b'[{"note": 4}]', "n'est pas un tableau de réponses"),
    "binary.dat": (bytes(range(256)) * 40, "n'est pas un tableau de réponses"),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "format de tableur ancien"),
    "broken.xlsx": (b"PK\x03\x04" + bytes(100), "n'est pas un tableau de réponses"),
    "broken.parquet": (b"PAR1" + bytes(100), "n'est pas un tableau de réponses"),
    # bytes that are neither UTF-8 nor Windows-1252 (0x81, 0x8d, 0x8f, 0x90, 0x9d are unused)
    "mojibake.csv": (b"Date;Note\n05/01/2026;4\x81\x8d\x90\n", "encodage"),
    "headless.csv": (b"a;b;c\n1;2;3\n", "aucune colonne ne porte la note"),
    "nodate.csv": (b"Canal;Note\nSite web;4\n", "aucune colonne ne porte la date"),
    "twoscores.csv": ("Date;Êtes-vous satisfait ?;Nous recommanderiez-vous ?\n05/01/2026;4;9\n"
                      .encode(), "plusieurs colonnes"),
    "empty.csv": (b"", "n'est pas un tableau de réponses"),
    "nowhere.csv": (b"Date;Note;Indicateur\n05/01/2026;4;CSAT\n",
                    "ni leur étape et leur canal, ni leur enquête"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unusable_responses_give_one_line_and_exit_2(tmp_path, plan, name):
    content, said = CASES[name]
    bad = tmp_path / name
    bad.write_bytes(content)
    result = feedback(bad, "--plan", plan)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and said in lines[0], lines[0]
    assert "Traceback" not in result.stderr and "Error" not in lines[0]
    assert result.stdout == ""


def test_the_line_is_in_the_plan_s_language(tmp_path):
    english = write(clean_plan("en"), tmp_path / "plan-en.xlsx")
    bad = tmp_path / "headless.csv"
    bad.write_bytes(b"a;b;c\n1;2;3\n")
    result = feedback(bad, "--plan", english)
    assert result.returncode == 2
    assert "no column holds the score" in result.stderr
    assert '"score"' in result.stderr and "--column score=" in result.stderr


def test_missing_files_folders_and_wrong_options(tmp_path, plan):
    assert "ni fichier ni dossier" in feedback(tmp_path / "absent.csv", "--plan", plan).stderr
    empty = tmp_path / "exports"
    empty.mkdir()
    (empty / "readme.md").write_text("nothing")
    assert "aucun fichier de réponses" in feedback(empty, "--plan", plan).stderr
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    wrong = feedback(good, "--plan", plan, "--column", "note")
    assert wrong.returncode == 2 and "ROLE" in wrong.stderr or "RÔLE" in wrong.stderr
    absent = feedback(good, "--plan", plan, "--column", "score=Rating")
    assert absent.returncode == 2 and "Rating" in absent.stderr
    assert "Horodatage, Étape, Canal, Indicateur, Note" in absent.stderr
    not_a_plan = feedback(good, "--plan", good)
    assert not_a_plan.returncode == 2 and len(not_a_plan.stderr.strip().splitlines()) == 1


def test_a_csv_in_utf8_with_windows_1252_further_on_is_read(tmp_path, plan):
    """Excel writes Windows-1252; a file whose first 64 KB happen to be plain ASCII still
    has its accents read right further on."""
    lines = ["Horodatage;Étape;Canal;Indicateur;Note;Commentaire"]
    lines += ["05/01/2026 10:00;J'achète;Site web;CSAT;4;ok"] * 3000
    lines += ["06/01/2026 10:00;J'achète;Site web;CSAT;1;Trop d’attente, œuvre à 20 €"]
    path = tmp_path / "late.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    result = feedback(path, "--plan", plan, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Trop d’attente, œuvre à 20 €" in result.stdout
    assert '"answers": 3001' in result.stdout


def test_windows_1252_past_what_the_sniffer_samples_is_read_too(tmp_path, plan):
    """Past DuckDB's sample too: the scan meets the byte, and the file is read again as
    Windows-1252 rather than refused."""
    lines = ["Horodatage;Étape;Canal;Indicateur;Note;Commentaire"]
    lines += ["05/01/2026 10:00;J'achète;Site web;CSAT;4;ok"] * 30000
    lines += ["06/01/2026 10:00;J'achète;Site web;CSAT;1;Trop d’attente"]
    path = tmp_path / "later.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    result = feedback(path, "--plan", plan, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Trop d’attente" in result.stdout and '"answers": 30001' in result.stdout
    assert '"encoding": "cp1252"' in result.stdout


def test_a_line_the_csv_reader_cannot_split_is_counted_not_dropped(tmp_path, plan):
    path = tmp_path / "ragged.csv"
    path.write_text("Horodatage;Étape;Canal;Indicateur;Note\n"
                    "05/01/2026 10:00;J'achète;Site web;CSAT;4\n"
                    "06/01/2026 10:00;J'achète;Site web;CSAT;5;extra;columns\n"
                    "07/01/2026 10:00;J'achète;Site web;CSAT;3\n", encoding="utf-8")
    result = feedback(path, "--plan", plan, "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["rows"] == {"read": 3, "used": 2, "rejected": 1}
    assert data["rejected"][0]["reason"] == "malformed_line"
    assert data["rejected"][0]["examples"][0]["value"] == "3"  # its line in the file


@pytest.mark.parametrize("separator, encoding", [(",", "utf-8-sig"), (";", "cp1252"),
                                                 ("\t", "utf-16")])
def test_comments_holding_line_breaks_are_read_whole(tmp_path, plan, separator, encoding):
    """Real comments hold line breaks inside their quotes: each is one answer with its
    whole text, in every encoding and separator a survey tool writes (DuckDB 2 refused
    such a file when its parallel reader was asked to pad short lines)."""
    header = separator.join(["Horodatage", "Étape", "Canal", "Indicateur", "Note",
                             "Commentaire"])
    rows = [separator.join(["05/01/2026 10:00", "J'achète", "Site web", "CSAT", str(score),
                            f'"Ligne un\r\nligne deux, « {score} »\n\nfin"'])
            for score in (1, 2, 4, 5, 5)]
    path = tmp_path / "multiline.csv"
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    result = feedback(path, "--plan", plan, "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["rows"]["read"] == 5 and data["rows"]["used"] == 5, data["rows"]
    (period,) = data["measures"][0]["periods"]
    assert period["answers"] == 5
    assert period["value"] == pytest.approx(sum((1, 2, 4, 5, 5)) / 5)
    assert period["verbatim"]["text"].startswith("Ligne un\r\nligne deux, « ")


def test_an_unexpected_error_is_one_line():
    """A bug's text can run to pages (DuckDB prints its options): one line, the details
    under OMNISHEET_DEBUG=1."""
    from omnisheet.template.errors import one_line

    error = RuntimeError("CSV Error on Line: 2\n The parallel scanner …\n  file = x.csv\n")
    assert one_line(error) == "RuntimeError: CSV Error on Line: 2"
    assert len(one_line(ValueError("x" * 1000))) < 200
