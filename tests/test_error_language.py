"""A file omnisheet cannot use gets one line in the user's language: --lang, else the
plan's once it was read, else the locale (LC_ALL, LC_MESSAGES, LANG), else English;
always exit status 2, and `str(error)` stays English for the Python API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import hostile_files
import openpyxl
import pytest
from plans import clean_plan

from omnisheet.outputs.workbook import write
from omnisheet.read.safety import vet
from omnisheet.template.errors import UnreadableWorkbook, error_language

FRENCH = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR.UTF-8"}
ENGLISH = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def _not_a_plan(directory: Path) -> Path:
    path = directory / "budget.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Poste", "Montant"])
    book.active.append(["Loyer", 1200])
    book.save(path)
    return path


def _csv(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    return path


# (what the file is, a piece of its line in English, the same in French)
REFUSED = [
    (hostile_files.encrypted_xlsx, "this file is password-protected (encrypted)",
     "ce fichier est protégé par un mot de passe (chiffré) ; retirez le mot de passe"),
    (hostile_files.legacy_xls, "this is a legacy Excel 97-2003 workbook (.xls)",
     "c'est un ancien classeur Excel 97-2003 (.xls), qu'omnisheet ne lit pas ;"),
    (hostile_files.truncated_xlsx, "this file is damaged or incomplete",
     "ce fichier est endommagé ou incomplet"),
    (_csv, "this is a CSV or plain-text file, not a workbook",
     "c'est un fichier CSV ou texte brut, pas un classeur"),
    (_not_a_plan, "this workbook holds no omnichannel plan",
     "ce classeur ne contient aucun plan omnicanal : aucun de ses onglets"),
]


def _run(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "omnisheet.cli", *map(str, args)],
                          capture_output=True, text=True, env={**os.environ, **env},
                          timeout=120)


def _one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("make", "english", "french"), REFUSED,
                         ids=[m.__name__.strip("_") for m, _, _ in REFUSED])
def test_a_refused_file_is_told_in_the_locale_language(tmp_path, make, english, french):
    path = make(tmp_path)
    assert _one_line(_run("check", path, env=FRENCH)).startswith(
        f"omnisheet: {path} : {french}")
    assert _one_line(_run("check", path, env=ENGLISH)).startswith(
        f"omnisheet: {path}: {english}")


def test_lang_wins_over_the_locale(tmp_path):
    path = hostile_files.encrypted_xlsx(tmp_path)
    assert "ce fichier est protégé" in _one_line(_run("check", path, "--lang", "fr",
                                                      env=ENGLISH))
    assert "this file is password-protected" in _one_line(_run("check", path, "--lang", "en",
                                                               env=FRENCH))


def test_once_a_plan_is_read_its_language_speaks(tmp_path):
    """diff reads OLD (a French plan), then NEW is refused: the line is French."""
    old = write(clean_plan("fr"), tmp_path / "ancien.xlsx")
    new = hostile_files.legacy_xls(tmp_path)
    line = _one_line(_run("diff", old, new, env=ENGLISH))
    assert line.startswith(f"omnisheet: {new} : c'est un ancien classeur Excel 97-2003")


def test_sizes_and_counts_are_written_as_the_language_writes_them(tmp_path):
    """A refusal's figures: '1,5 Go' and '10 000' in French, '1.5 GB' and '10,000' in
    English (a narrow no-break space groups French thousands)."""
    from omnisheet.read.safety import GiB, _size
    from omnisheet.template.errors import refusal, say

    message = refusal("too_large_inside", detail=refusal(
        "parts_too_big", size=_size(3 * GiB // 2), limit=_size(GiB)))
    assert "(its parts would expand to 1.5 GB in all, over the 1 GB limit" in say(message)
    assert "(ses parties se décompresseraient en 1,5 Go au total" in say(message, "fr")
    many = refusal("too_many_entries", entries=12345, limit=10000)
    assert "holds 12,345 entries, over the limit of 10,000;" in say(many, "en")
    assert "contient 12\u202f345 entrées, au-delà de la limite de 10\u202f000 ;" in say(many, "fr")


def test_the_command_line_own_lines_speak_it_too(tmp_path):
    plan = write(clean_plan("fr"), tmp_path / "plan.xlsx")
    line = _one_line(_run("check", plan, "-o", plan, env=FRENCH))
    assert line == (f"omnisheet: {plan} : c'est le plan lu ; choisissez une autre sortie, "
                    "ou ajoutez --in-place (une copie de sauvegarde est gardée).")
    line = _one_line(_run("check", plan, "-o", plan, env=ENGLISH))
    assert line == (f"omnisheet: {plan}: is the input plan; choose another output, or add "
                    "--in-place (a backup is kept).")


def test_str_of_an_error_stays_english_for_the_python_api(tmp_path, monkeypatch):
    for name, value in FRENCH.items():
        monkeypatch.setenv(name, value)
    path = hostile_files.encrypted_xlsx(tmp_path)
    with pytest.raises(UnreadableWorkbook) as caught:
        vet(path)
    assert str(caught.value).startswith(f"{path}: this file is password-protected")
    assert caught.value.render("fr").startswith(f"{path} : ce fichier est protégé")


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LC_ALL": "", "LC_MESSAGES": "fr_CA", "LANG": "en_GB.UTF-8"}, "fr"),
    ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),  # the first one set decides
    ({"LANG": "de_DE.UTF-8"}, "en"),  # a language the template lacks
    ({"LANG": "fr_BE.ISO-8859-1@euro"}, "fr"),
    ({}, "en"),
])
def test_the_locale_names_the_language(environ, expected):
    assert error_language(None, None, environ) == expected
    assert error_language("en", None, environ) == "en"
    assert error_language(None, "fr", {"LANG": "en_US.UTF-8"}) == "fr"


def test_an_output_that_cannot_be_written_is_said_in_the_users_language(tmp_path):
    taken = tmp_path / "plan.xlsx"
    taken.write_bytes(b"")
    sample = Path(__file__).resolve().parent.parent / "samples" / "retail-fr.xlsx"
    cases = [
        (("new", taken), "plan.xlsx: already exists; add --force to replace it.",
         "plan.xlsx : existe déjà ; ajoutez --force pour le remplacer."),
        (("check", sample, "-o", tmp_path / "absent" / "out.xlsx"),
         f"the folder {tmp_path / 'absent'} does not exist.",
         f"le dossier {tmp_path / 'absent'} n'existe pas."),
        (("check", sample, "-o", tmp_path / "out.ods"),
         "omnisheet writes .xlsx workbooks (macros are never copied)",
         "omnisheet écrit des classeurs .xlsx (les macros ne sont jamais copiées)"),
    ]
    for args, english, french in cases:
        for extra, env, expected in (((), FRENCH, french), (("--lang", "en"), FRENCH, english)):
            done = _run(*args, *extra, env=env)
            assert done.returncode == 2, done.stderr
            assert len(done.stderr.strip().splitlines()) == 1
            assert expected in done.stderr, done.stderr
    assert taken.read_bytes() == b""  # the file in the way is left as it was
    # no --lang, an English locale: the French plan, once read, says its language
    done = _run("check", sample, "-o", tmp_path / "out.ods", env=ENGLISH)
    assert "omnisheet écrit des classeurs .xlsx" in done.stderr


def test_the_portfolio_commands_lines_follow_the_same_rule(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for env, said in ((FRENCH, "aucun plan trouvé ici"), (ENGLISH, "no plan found there")):
        done = _run("check", empty, env=env)
        assert done.returncode == 2 and said in done.stderr, done.stderr
    page = _run("portfolio", empty, "-o", tmp_path / "group.html", env=FRENCH)
    assert page.returncode == 2 and "le classeur du portefeuille est un fichier .xlsx" in (
        page.stderr), page.stderr
    alone = _run("check", empty, empty, "--in-place", "--lang", "en", env=FRENCH)
    assert "--in-place is for one plan" in alone.stderr


def test_feedback_lines_follow_the_same_rule(tmp_path):
    responses = tmp_path / "responses.csv"
    responses.write_text("a;b\n1;2\n", encoding="utf-8")
    sample = Path(__file__).resolve().parent.parent / "samples" / "retail-fr.xlsx"
    french, english = "aucune colonne ne porte la note", "no column holds the score"
    for plan, env, said in ((tmp_path / "nowhere.xlsx", FRENCH, french),
                            (tmp_path / "nowhere.xlsx", ENGLISH, english),
                            (sample, ENGLISH, french)):  # the plan, read, says French
        done = _run("feedback", responses, "--plan", plan, env=env)
        assert done.returncode == 2 and said in done.stderr, done.stderr


def test_a_plan_file_that_is_not_a_plan_says_where_in_the_users_language(tmp_path):
    """omnisheet import: what is wrong in the JSON, and where, said in one line."""
    import json

    cases = [
        ({"format": "omnisheet-plan", "version": 1, "use_cases": [{"id": "UC-1", "budjet": 3}]},
         "use_cases[0]: unknown field(s) budjet", "use_cases[0] : champ(s) inconnu(s) budjet"),
        ({"format": "omnisheet-plan", "lists": {"stages": ["A"]}},
         "lists.stages: no such list (known:", "lists.stages : aucune liste de ce nom (connues :"),
        ({"format": "another-format"}, "not an omnisheet-plan version 1 document",
         "ce n'est pas un document omnisheet-plan en version 1"),
        (["a", "list"], "a plan is an object with lists, journey, use_cases",
         "un plan est un objet avec lists, journey, use_cases"),
    ]
    for n, (data, english, french) in enumerate(cases):
        source = tmp_path / f"plan-{n}.json"
        source.write_text(json.dumps(data), encoding="utf-8")
        for env, said in ((ENGLISH, english), (FRENCH, french)):
            done = _run("import", source, "-o", tmp_path / f"plan-{n}.xlsx", env=env)
            assert done.returncode == 2, done.stderr
            assert len(done.stderr.strip().splitlines()) == 1 and said in done.stderr, (
                done.stderr)
        assert not (tmp_path / f"plan-{n}.xlsx").exists()
