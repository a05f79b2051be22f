"""Several plans through the command line: mixed folders, exit statuses, the JSON contract,
checked workbooks into a folder, the progress bar, the portfolio workbook."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from plans import clean_plan
from portfolio_plans import group
from referencing import Registry, Resource
from test_checks import CASES

from omnisheet.outputs.workbook import write
from omnisheet.outputs.workbook.marks import read_mark
from omnisheet.template.definition import load_definition

D = load_definition()
SCHEMAS = Path(__file__).parent.parent / "omnisheet" / "outputs" / "json"
REPORT_SCHEMA = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))
PORTFOLIO_SCHEMA = json.loads((SCHEMAS / "portfolio.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    PORTFOLIO_SCHEMA, registry=Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in (REPORT_SCHEMA, PORTFOLIO_SCHEMA)]))
OMNISHEET = [sys.executable, "-m", "omnisheet.cli"]


def _not_a_plan(path: Path) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Budget 2026")
    sheet.write_row(0, 0, ["Poste", "Montant"])
    sheet.write_row(1, 0, ["Salon", 12000])
    workbook.close()
    return path


@pytest.fixture
def graded(tmp_path: Path) -> dict[str, Path]:
    """A clean plan, one with a warning, one with an error, each in its own folder."""
    made = {}
    for name, plan in (("clean", clean_plan()),
                       ("warning", CASES["scenario-not-in-map"][0](clean_plan())),
                       ("error", CASES["bad-number"][0](clean_plan()))):
        (tmp_path / name).mkdir()
        made[name] = write(plan, tmp_path / name / f"{name}.xlsx")
    return made


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder as a group's shared drive holds it: three plans (one in a sub-folder), a
    damaged file, Excel's and LibreOffice's lock files, a workbook that is no plan, and
    notes."""
    folder = tmp_path / "plans"
    (folder / "suisse").mkdir(parents=True)
    plans = group()
    write(plans["plan-a"], folder / "plan-a.xlsx")
    write(plans["plan-b"], folder / "plan-b.xlsx")
    write(plans["plan-c"], folder / "suisse" / "plan-c.xlsx")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 cut short")
    (folder / "~$plan-a.xlsx").write_bytes(b"\x0bJean Dupont" + b"\x00" * 40)
    (folder / ".~lock.plan-b.xlsx#").write_text("Jean,host,/home/jean,29.11.2026 10:00,\n")
    _not_a_plan(folder / "budget.xlsx")
    (folder / "notes.txt").write_text("à relire")
    return folder


def test_a_mixed_folder_gives_one_line_per_file_and_goes_on(cli, mixed):
    result = cli("check", mixed, "--lang", "en")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    per_file = [line for line in lines[:lines.index("")]]
    names = [line.split()[0] for line in per_file]
    assert names == [str(mixed / n) for n in ("broken.xlsx", "budget.xlsx", "plan-a.xlsx",
                                               "plan-b.xlsx", "suisse/plan-c.xlsx")]
    broken, budget = per_file[0], per_file[1]
    assert "could not be read" in broken and "damaged" in broken
    assert "holds no omnichannel plan" in budget
    for line in per_file[2:]:
        assert "readiness" in line and re.search(r"\b\d+ errors?\b", line) and re.search(
            r"\b\d+ warnings?\b", line)  # "1 error", "3 warnings": the words agree
    assert "~$" not in result.output and ".~lock" not in result.output
    assert "Portfolio: 3 plans checked, 2 could not be read" in result.output
    assert "checked as last saved: plan-a, plan-b" in result.output
    assert "Traceback" not in result.output


def test_exit_status_2_when_a_file_cannot_be_read_else_fail_on(cli, graded, tmp_path):
    folder = tmp_path
    clean, warning, error = graded["clean"], graded["warning"], graded["error"]
    assert cli("check", clean, warning).exit_code == 0
    assert cli("check", clean, warning, "--fail-on", "warning").exit_code == 1
    assert cli("check", clean, error).exit_code == 1
    assert cli("check", clean, error, "--fail-on", "never").exit_code == 0
    assert cli("check", folder, "--fail-on", "never").exit_code == 0
    (tmp_path / "clean" / "damaged.xlsx").write_bytes(b"PK\x03\x04")
    assert cli("check", folder, "--fail-on", "never").exit_code == 2
    missing = cli("check", clean, tmp_path / "nowhere.xlsx")
    assert missing.exit_code == 2 and "nowhere.xlsx" in missing.output


def test_nothing_to_check_is_one_line_and_exit_2(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    result = cli("check", tmp_path)
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and str(tmp_path) in result.output


def test_json_holds_each_plans_report_as_checked_alone_and_the_portfolio(cli, mixed):
    result = cli("check", mixed, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    VALIDATOR.validate(data)
    plans = [mixed / "plan-a.xlsx", mixed / "plan-b.xlsx", mixed / "suisse" / "plan-c.xlsx"]
    assert data["reports"] == [json.loads(cli("check", p, "--format", "json").stdout)
                               for p in plans]
    portfolio = data["portfolio"]
    assert [p["name"] for p in portfolio["plans"]] == ["plan-a", "plan-b", "plan-c"]
    assert [u["name"] for u in portfolio["unread"]] == ["broken", "budget"]
    assert {(Path(s["file"]).name, s["reason"]) for s in portfolio["skipped"]} == {
        ("~$plan-a.xlsx", "lock_file"), (".~lock.plan-b.xlsx#", "lock_file")}
    touchpoints = {(t["stage"]["key"], t["channel"]["key"]): t
                   for t in portfolio["journey"]["touchpoints"]}
    assert touchpoints[("receive", "sms")]["friction"] == ["plan-b", "plan-c"]
    commande = next(t for t in portfolio["journey"]["touchpoints"]
                    if t["stage"]["name"] == "Je commande")
    assert commande["stage"]["key"] is None and commande["opportunity"] == ["plan-c"]
    assert [u["title"] for u in portfolio["use_cases"]] == [
        "Enrichir les fiches produit", "Relancer les paniers abandonnés"]
    assert portfolio["data_sources"][0]["source"] == {"key": "crm", "name": "CRM"}
    renamed = next(d for d in portfolio["differences"] if d["value"]["name"] == "Je commande")
    assert renamed["in_place_of"] == {"key": "buy", "name": "J'achète"}
    # standard output is the JSON alone; the files not read are said on standard error
    assert "broken.xlsx" in result.stderr and "budget.xlsx" in result.stderr


def test_the_schema_refuses_what_it_should(cli, graded):
    data = json.loads(cli("check", graded["clean"], graded["warning"], "--format",
                          "json").stdout)
    VALIDATOR.validate(data)
    data["reports"][0]["valid"] = "yes"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(data)


def test_checked_workbooks_go_into_the_folder_and_are_left_out_next_time(cli, mixed, tmp_path):
    out = mixed / "checked"
    result = cli("check", mixed, "-o", out, "--lang", "en")
    assert result.exit_code == 2
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert written == ["plan-a.xlsx", "plan-b.xlsx", "plan-c.xlsx"]  # named as the plans are
    assert read_mark(out / "plan-c.xlsx") == ("checked", "plan-c.xlsx")
    assert f"Checked workbooks: {out}" in result.output
    again = cli("check", mixed, "--lang", "en")
    assert "3 plans checked, 2 could not be read, 3 of omnisheet's own outputs left out" \
        in again.output
    assert str(out) not in again.output.split("\n\n")[0]
    # a checked workbook sent back without its plan is that team's plan
    alone = cli("check", out / "plan-c.xlsx", out / "plan-a.xlsx", "--lang", "en")
    assert "2 plans checked" in alone.output


def test_an_output_folder_that_would_replace_a_plan_is_refused(cli, graded, tmp_path):
    clean_folder = graded["clean"].parent
    result = cli("check", clean_folder, graded["warning"], "-o", clean_folder)
    assert result.exit_code == 2
    assert "would replace the plan" in result.output or "remplacerait le plan" in result.output
    assert sorted(p.name for p in clean_folder.iterdir()) == ["clean.xlsx"]
    file_out = cli("check", clean_folder, graded["warning"], "-o", graded["error"])
    assert file_out.exit_code == 2 and str(graded["error"]) in file_out.output
    workbook = cli("check", clean_folder, graded["warning"], "-o", tmp_path / "checked.xlsx")
    assert workbook.exit_code == 2 and not (tmp_path / "checked.xlsx").exists()


def test_in_place_is_for_one_plan(cli, graded):
    result = cli("check", graded["clean"], graded["warning"], "-o", "x", "--in-place")
    assert result.exit_code == 2 and "--in-place" in result.output


def test_one_file_is_checked_as_before(cli, graded):
    result = cli("check", graded["error"], "--lang", "en")
    assert result.exit_code == 1
    assert result.output.startswith(f"Plan: {graded['error']}")
    assert "Portfolio" not in result.output
    data = json.loads(cli("check", graded["error"], "--format", "json").stdout)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert "portfolio" not in data
    folder = cli("check", graded["error"], "-o", graded["error"].parent)
    assert folder.exit_code == 2 and "is a directory" in folder.output  # as click said it


def _run_on_a_terminal(args: list, cwd: Path) -> tuple[int, str, str]:
    """Run omnisheet with standard error on a pseudo-terminal, standard output piped."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([*OMNISHEET, *map(str, args)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    said = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        said += chunk
    out = proc.stdout.read()
    proc.wait(timeout=120)
    os.close(leader)
    return proc.returncode, out.decode(), said.decode("utf-8", "replace")


@pytest.mark.slow  # seven plans checked in workers, on a terminal
def test_a_progress_bar_on_a_terminal_past_a_handful_of_plans(tmp_path):
    for i in range(7):
        write(clean_plan(), tmp_path / f"plan-{i}.xlsx")
    status, out, err = _run_on_a_terminal(["check", tmp_path, "--jobs", "2"], tmp_path)
    assert status == 0
    assert "7/7" in err and "plan-6" in err
    assert sum(line.startswith(str(tmp_path / "plan-")) for line in out.splitlines()) == 7
    assert "7/7" not in out
    # piped, or for a handful of plans, none
    piped = subprocess.run([*OMNISHEET, "check", str(tmp_path)], capture_output=True,
                           text=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == ""
    _, _, few = _run_on_a_terminal(["check", tmp_path / "plan-0.xlsx",
                                    tmp_path / "plan-1.xlsx"], tmp_path)
    assert "2/2" not in few


def test_the_portfolio_workbook(cli, mixed, tmp_path):
    import openpyxl

    out = tmp_path / "portefeuille.xlsx"
    result = cli("portfolio", mixed, "-o", out)
    assert result.exit_code == 2  # written, and the two files not read are said
    assert out.exists() and "broken.xlsx" in result.output
    assert read_mark(out) == ("portfolio", None)
    w = D.words_for("portfolio", "fr")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [w["tab_summary"], w["tab_frictions"], w["tab_use_cases"],
                               w["tab_data_sources"], w["tab_measures"],
                               w["tab_differences"]]
    summary = book[w["tab_summary"]]
    names = [summary.cell(row, 1).value for row in range(5, 8)]
    assert sorted(names) == ["plan-a", "plan-b", "plan-c"]
    readiness = [summary.cell(row, 2).value for row in range(5, 8)]
    assert readiness == sorted(readiness, reverse=True)
    grid = book[w["tab_frictions"]]
    rows = {grid.cell(r, 1).value: r for r in range(5, 5 + 9)}
    heads = {grid.cell(4, c).value: c for c in range(2, 12)}
    assert grid.cell(rows["SMS"], heads["Je reçois / je récupère"]).value == 2
    assert grid.cell(rows["Site web"], heads["Je me renseigne"]).value == 2
    assert grid.cell(rows["Site web"], heads["Je commande"]).value == 0
    assert len(grid.conditional_formatting) == 2  # friction and opportunity colour scales
    uses = book[w["tab_use_cases"]]
    assert uses.cell(2, 1).value == "Enrichir les fiches produit"
    assert [uses.cell(1, c).value for c in (7, 8, 9)] == ["plan-a", "plan-b", "plan-c"]
    assert (uses.cell(2, 7).value, uses.cell(2, 8).value, uses.cell(2, 9).value) == (
        16.96, None, 16)
    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # readiness per plan, recurring frictions, blocking sources
    # checked again with the plans, the portfolio workbook is left out, not refused
    (mixed / "portefeuille.xlsx").write_bytes(out.read_bytes())
    again = cli("check", mixed)
    assert "portefeuille" not in again.output.split("\n\n")[0]


def test_the_portfolio_workbook_is_an_xlsx(cli, graded, tmp_path):
    result = cli("portfolio", graded["clean"], "-o", tmp_path / "p.ods")
    assert result.exit_code == 2 and ".xlsx" in result.output


@pytest.mark.libreoffice
def test_libreoffice_opens_the_portfolio_workbook(cli, soffice, tmp_path):
    """Calc reads what Excel people get: each tab, the figures, the charts kept."""
    from support.libreoffice import convert

    from omnisheet.read.grid import read_values

    plans = tmp_path / "plans"
    plans.mkdir()
    for name, plan in group().items():
        write(plan, plans / f"{name}.xlsx")
    out = tmp_path / "portfolio.xlsx"
    assert cli("portfolio", plans, "-o", out, "--lang", "en").exit_code == 0
    ods = convert(out, "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as archive:
        objects = [n for n in archive.namelist() if n.startswith("Object ") and
                   n.endswith("content.xml")]
    assert len(objects) == 3  # the three charts, as Calc objects
    sheets = read_values(ods)
    w = D.words_for("portfolio", "en")
    assert list(sheets)[:2] == [w["tab_summary"], w["tab_frictions"]]
    summary = sheets[w["tab_summary"]]
    assert summary[3][:2] == [w["plan"], w["figure_readiness"]]
    assert sorted(row[0] for row in summary[4:7]) == ["plan-a", "plan-b", "plan-c"]


def test_top_sets_how_many_lines_of_each_shared_list(cli, monkeypatch):
    """--top is how many priorities one plan's report lists, and with several plans how
    many lines of each list they share (5 by default, twice as many list differences)."""
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    titles = {"Frictions shared by several plans": 1, "Opportunities shared by several plans": 1,
              "Use cases several plans want (build once, use many times)": 1,
              "Data sources that block the most value": 1, "Lists that differ between plans": 2}

    def shown(*options: str) -> dict[str, tuple[int, bool]]:
        output = cli("check", "samples/portfolio", "--lang", "en", *options).output
        found = {}
        for block in output.split("\n\n"):
            head, *lines = block.strip("\n").splitlines()
            if head in titles:
                found[head] = (sum(not line.startswith("  …") for line in lines),
                               any(line.startswith("  …") for line in lines))
        return found

    assert shown("--top", "1") == {title: (n, True) for title, n in titles.items()}
    by_default = shown()
    assert by_default["Use cases several plans want (build once, use many times)"] == (5, True)
    every = shown("--top", "50")
    assert set(every) == set(titles) and not any(more for _, more in every.values())
    assert every["Frictions shared by several plans"][0] > by_default[
        "Frictions shared by several plans"][0]
