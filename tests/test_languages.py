"""A language is one file: a third language added as lang/xx.yaml (here every English text
marked ⟦…⟧) is what every output speaks — template, text report, JSON messages, checked
workbook, HTML report, diff, the list of checks — with no English word left over."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import hostile_files
import openpyxl
import pytest
import yaml
from plans import clean_plan
from python_calamine import CalamineWorkbook
from templates import copy_templates, language_file

from omnisheet.outputs.workbook import write
from omnisheet.template.definition import load_definition

MARK = re.compile(r"⟦[^⟦⟧]*⟧")
CODE = re.compile(r"\b[a-z]+(?:-[a-z]+)+\b")  # a check's code: the same in every language
PLACEHOLDER = re.compile(r"\{[^{}]*\}|[\[\]]")


def _marked(value: object) -> object:
    """Every text of a language file marked: ⟦text⟧ (placeholders stay inside, as they are)."""
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if isinstance(value, str) and value.strip():
        return f"⟦xx {value}⟧"  # "xx" survives the normalising the reader does of names
    return value


@pytest.fixture(scope="module")
def third(tmp_path_factory) -> tuple[Path, set[str]]:
    """A copy of the template with lang/xx.yaml made from English; and the English texts,
    in pieces between placeholders, that must not show in any xx output."""
    folder = tmp_path_factory.mktemp("xx")
    structure = copy_templates(folder)
    english = yaml.safe_load(language_file(structure, "en").read_text(encoding="utf-8"))
    xx = _marked({k: v for k, v in english.items() if k not in ("language", "numbers", "dates")})
    xx = {"language": "xx", "numbers": english["numbers"], "dates": english["dates"], **xx}
    language_file(structure, "xx").write_text(yaml.safe_dump(xx, allow_unicode=True),
                                              encoding="utf-8")
    pieces: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        elif isinstance(value, str):
            for piece in PLACEHOLDER.split(value):
                piece = piece.strip(" .,:;()«»\"'—-")
                if len(piece) >= 5 and re.search(r"[A-Za-z]{3}", piece):
                    pieces.add(piece)

    collect({k: v for k, v in english.items() if k not in ("language", "name", "numbers",
                                                            "dates")})
    return structure, pieces


def _run(structure: Path, *args: object, **environ: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMNISHEET_TEMPLATE": str(structure), **environ}
    return subprocess.run([sys.executable, "-m", "omnisheet.cli", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def _english_left(text: str, pieces: set[str], data: set[str]) -> list[str]:
    """English pieces found in an output once every ⟦marked⟧ text is taken out, leaving
    aside what is the plan's own data (a title that happens to read as English)."""
    bare, before = CODE.sub(" ", text), None
    while bare != before:  # marked texts inside marked texts: from the innermost out
        before, bare = bare, MARK.sub(" ", bare)
    return sorted(p for p in pieces if not any(p in value for value in data) and
                  re.search(rf"(?<!\w){re.escape(p)}(?!\w)", bare))


def _workbook_text(path: Path) -> str:
    """Every value, comment, sheet name and input message of a workbook."""
    texts = []
    book = CalamineWorkbook.from_path(str(path))
    texts += book.sheet_names
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python():
            texts += [str(v) for v in row if isinstance(v, str)]
    for sheet in openpyxl.load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            texts += [c.comment.text for c in row if c.comment is not None]
        for validation in sheet.data_validations.dataValidation:
            texts += [validation.promptTitle or "", validation.prompt or "",
                      validation.errorTitle or "", validation.error or ""]
    # Excel keeps 255 characters of a prompt: a marked text cut there is still marked
    return "\n".join(t + "⟧" * (t.count("⟦") - t.count("⟧")) for t in texts)


@pytest.mark.slow  # every output written in a third language
def test_a_third_language_is_one_file_and_every_output_speaks_it(third, tmp_path):
    structure, pieces = third
    xx = load_definition(structure)
    plan = clean_plan("en").with_changes(language="xx")
    data = {str(v) for _, r in plan.records() for v in r.values().values() if v is not None}
    data |= {str(t.description) for t in plan.touchpoints}
    path = write(plan, tmp_path / "plan.xlsx", definition=xx)

    outputs: dict[str, str] = {}
    template = tmp_path / "template.xlsx"
    assert _run(structure, "new", template, "--lang", "xx").returncode == 0
    outputs["template"] = _workbook_text(template)
    assert "⟦xx Journey map⟧" in outputs["template"]

    checked = tmp_path / "checked.xlsx"
    text = _run(structure, "check", path, "--lang", "xx", "-o", checked)
    assert text.returncode == 0, text.stderr
    outputs["text report"] = text.stdout
    outputs["checked workbook"] = _workbook_text(checked)

    findings = plan.with_changes(use_cases=(
        *plan.use_cases[:2], plan.use_cases[2].__class__(id="UC-003", title="X",
                                                         business_impact=9)))
    broken = write(findings, tmp_path / "broken.xlsx", definition=xx)
    report = _run(structure, "check", broken, "--lang", "xx", "--format", "json")
    messages = json.loads(report.stdout)
    assert {f["code"] for f in messages["findings"]} >= {"bad-number", "use-case-unscored"}
    outputs["JSON messages"] = "\n".join(f["message"] + "\n" + f["subject"]["text"]
                                         for f in messages["findings"])
    assert all(f["message"].startswith("⟦") for f in messages["findings"])

    html = tmp_path / "plan.html"
    assert _run(structure, "report", broken, "-o", html, "--lang", "xx").returncode == 0
    page = re.sub(r"<style.*?</style>", " ", html.read_text(encoding="utf-8"), flags=re.S)
    outputs["HTML report"] = re.sub(r"<[^>]+>|&[a-z]+;", " ", page)

    diff = _run(structure, "diff", path, broken, "--lang", "xx")
    outputs["diff"] = diff.stdout
    assert "⟦" in diff.stdout

    listed = _run(structure, "checks", "--lang", "xx")
    assert listed.returncode == 0
    outputs["checks"] = listed.stdout

    # a file that cannot be used: its one line, by --lang or by the locale, exit 2
    text_file, encrypted = tmp_path / "text.xlsx", hostile_files.encrypted_xlsx(tmp_path)
    text_file.write_text("a;b\n1;2\n", encoding="utf-8")
    for name, result, named, marks in (
            ("refusal", _run(structure, "check", text_file, "--lang", "xx"), text_file, 2),
            ("refusal by locale", _run(structure, "check", encrypted, LC_ALL="",
                                       LC_MESSAGES="", LANG="xx_XX.UTF-8"), encrypted, 2),
            ("command line", _run(structure, "check", path, "-o", path, "--lang", "xx"), path,
             1)):
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"omnisheet: ⟦xx {named}"), result.stderr
        assert result.stderr.count("⟦xx ") == marks, result.stderr  # the line, its reason
        outputs[name] = result.stderr.replace(str(named), " ")

    left = {name: _english_left(text, pieces, data) for name, text in outputs.items()}
    assert {name: words for name, words in left.items() if words} == {}
