"""The command line as a user meets it: exit codes, JSON contract, one-line errors, speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from plans import clean_plan
from test_checks import CASES

from omnisheet.outputs.workbook import write

SCHEMA = json.loads((Path(__file__).parent.parent / "omnisheet" / "outputs" / "json" /
                     "report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def plans(tmp_path: Path) -> dict[str, Path]:
    clean = write(clean_plan(), tmp_path / "clean.xlsx")
    warning = write(CASES["scenario-not-in-map"][0](clean_plan()), tmp_path / "warning.xlsx")
    error = write(CASES["bad-number"][0](clean_plan()), tmp_path / "error.xlsx")
    return {"clean": clean, "warning": warning, "error": error}


@pytest.mark.parametrize(("fail_on", "expected"), [
    ("error", {"clean": 0, "warning": 0, "error": 1}),
    ("warning", {"clean": 0, "warning": 1, "error": 1}),
    ("never", {"clean": 0, "warning": 0, "error": 0}),
])
def test_exit_status_follows_fail_on(cli, plans, fail_on, expected):
    got = {name: cli("check", path, "--fail-on", fail_on).exit_code for name, path in plans.items()}
    assert got == expected


def test_json_report_follows_its_schema(cli, plans):
    for path in plans.values():
        result = cli("check", path, "--format", "json", "--fail-on", "never")
        data = json.loads(result.output)
        jsonschema.validate(data, SCHEMA)
    data = json.loads(cli("check", plans["error"], "--format", "json").output)
    assert data["valid"] is False
    assert data["findings"][0]["code"] == "bad-number"
    assert data["findings"][0]["cell"] == "H4" and data["findings"][0]["sheet"] == "Cas d'usage"
    assert [p["id"] for p in data["priorities"]] == ["UC-001", "UC-002"]


def test_text_report_names_the_cell_and_is_plain_when_piped(cli, plans):
    result = cli("check", plans["error"], "--lang", "en")
    assert "Cas d'usage!H4" in result.output
    assert "expected a number from 1 to 5" in result.output
    assert "\x1b[" not in result.output


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"a;b;c\n1;2;3\n"])
def test_unreadable_file_gives_one_line_and_exit_2(cli, tmp_path, content):
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(content)
    for command in (("check", bad), ("export", bad)):
        result = cli(*command)
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and str(bad) in lines[0] and "Traceback" not in result.output


def test_missing_file_gives_one_line_and_exit_2(cli, tmp_path):
    result = cli("check", tmp_path / "nope.xlsx")
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


def test_checks_lists_every_check(cli):
    from omnisheet.analysis.checks import REGISTRY

    output = cli("checks").output
    for code in REGISTRY:
        assert code in output


@pytest.mark.parametrize("args, light", [
    (["--help"], ("pandas", "openpyxl", "xlsxwriter", "python_calamine", "yaml", "ibis",
                  "pyspark", "duckdb")),
    (["feedback", "--help"], ("pandas", "ibis", "pyspark", "duckdb", "psycopg")),
    (["--version"], ("pandas", "openpyxl", "xlsxwriter", "python_calamine", "yaml")),
    # Listing the checks needs their docs, in the language files: not the data model.
    (["checks"], ("pandas", "openpyxl", "xlsxwriter", "python_calamine", "omnisheet.plan.model")),
])
def test_quick_commands_do_not_import_what_they_do_not_use(args, light):
    code = ("import sys; from omnisheet.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            f"heavy = [m for m in {light!r} if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_checked_workbook_of_an_xlsx_plan_does_not_import_openpyxl(tmp_path):
    """The checked workbook is the team's package patched: openpyxl (0.2 s to import) is
    only for maps that outgrew their slots, which the sample's have not."""
    sample = Path(__file__).resolve().parent.parent / "samples" / "retail-fr.xlsx"
    out = tmp_path / "checked.xlsx"
    code = ("import sys; from omnisheet.cli import main\n"
            f"try:\n    main(['check', {str(sample)!r}, '-o', {str(out)!r}])\n"
            "except SystemExit:\n    pass\n"
            "print('OPENPYXL=' + str('openpyxl' in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert out.is_file()
    assert done.stdout.strip().splitlines()[-1] == "OPENPYXL=False"


def test_export_and_import_round_trip(cli, plans, tmp_path):
    out_json = tmp_path / "plan.json"
    assert cli("export", plans["clean"], "-o", out_json).exit_code == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["format"] == "omnisheet-plan" and data["use_cases"][0]["id"] == "UC-001"
    back = tmp_path / "back.xlsx"
    assert cli("import", out_json, "-o", back, "--lang", "en").exit_code == 0
    from omnisheet.read.reader import load

    assert load(back) == load(plans["clean"]).with_changes(language="en")


def test_caps_the_team_set_survive_export_and_import(cli, tmp_path):
    """A cap changed on the Settings tab, and a channel of the team's own with its cap,
    go through export and import as typed (the JSON carried no setting_tables)."""
    from omnisheet.plan.setting_tables import defaults
    from omnisheet.read.reader import load
    from omnisheet.template.definition import load_definition

    plan = clean_plan()
    plan = plan.with_changes(lists={**plan.lists, "channel": (*plan.channels, "WhatsApp")})
    caps = [list(row) for row in defaults(plan.lists, load_definition())["contact_caps"]]
    for row in caps:
        if row[0] == "email":
            row[1:] = [4, 10]
        if row[0] == "WhatsApp":
            row[1:] = [2, 14]
    source = write(plan.with_changes(setting_tables={"contact_caps": tuple(map(tuple, caps))}),
                   tmp_path / "plan.xlsx")
    exported = tmp_path / "plan.json"
    assert cli("export", source, "-o", exported).exit_code == 0
    rows = json.loads(exported.read_text(encoding="utf-8"))["setting_tables"]["contact_caps"]
    assert {"channel": "email", "cap": 4, "window_days": 10} in rows
    assert {"channel": "WhatsApp", "cap": 2, "window_days": 14} in rows
    back = tmp_path / "back.xlsx"
    assert cli("import", exported, "-o", back).exit_code == 0
    assert load(back).setting_tables == load(source).setting_tables


def test_csv_export_neutralises_formulas(cli, tmp_path):
    from dataclasses import replace

    plan = clean_plan()
    plan = plan.with_changes(use_cases=(replace(plan.use_cases[0], title="=1+1"),
                                        *plan.use_cases[1:]))
    path = write(plan, tmp_path / "p.xlsx")
    folder = tmp_path / "csv"
    assert cli("export", path, "--format", "csv", "-o", folder).exit_code == 0
    text = (folder / "use_cases.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1" in text


def test_check_output_refuses_to_overwrite_the_input(cli, plans):
    before = plans["clean"].read_bytes()
    result = cli("check", plans["clean"], "-o", plans["clean"])
    assert result.exit_code == 2 and "--in-place" in result.output
    assert plans["clean"].read_bytes() == before


def test_the_text_report_lists_a_screenful_per_tab_errors_first(cli, tmp_path, monkeypatch):
    """On a large plan the terminal gets at most --findings-per-tab findings per tab, errors
    before warnings, and a line counting the rest; 0 lists them all."""
    import dataclasses

    from plans import clean_plan
    from test_checks import CASES

    from omnisheet.analysis.report import build_report as run
    from omnisheet.outputs.workbook import write
    from omnisheet.plan.model import ERROR, INFO

    plan = CASES["bad-number"][0](clean_plan())
    report = run(plan)
    one = report.findings[0]
    many = (*(dataclasses.replace(one, severity=INFO, row=2 + i) for i in range(60)),
            dataclasses.replace(one, severity=ERROR, row=99))
    monkeypatch.setattr("omnisheet.analysis.report.build_report",
                        lambda *a, **k: dataclasses.replace(report, findings=many))
    path = write(plan, tmp_path / "plan.xlsx")

    listed = cli("check", path, "--findings-per-tab", "10").output
    rows = [line for line in listed.splitlines() if "[bad-number]" in line]
    assert len(rows) == 10 and "Cas d'usage!H99" in rows[-1]  # the error, in its place
    assert "… et 51 de plus sur cet onglet (51 informations)" in listed
    everything = cli("check", path, "--findings-per-tab", "0").output
    assert sum("[bad-number]" in line for line in everything.splitlines()) == 61
    assert "de plus sur cet onglet" not in everything


def test_csv_export_has_a_file_per_tab_of_the_definition_measures_included(cli, tmp_path):
    """Every tab the team fills becomes a CSV: the journey, each table tab of the template
    (the Touchpoint measures too: the bank sample's twelve), the scenario map."""
    import csv

    from omnisheet.read.reader import load
    from omnisheet.template.definition import load_definition

    sample = Path(__file__).parent.parent / "samples" / "bank-en.xlsx"
    folder = tmp_path / "csv"
    assert cli("export", sample, "--format", "csv", "-o", folder).exit_code == 0
    tabs = [t.key for t in load_definition().tabs if t.kind == "table" or t.is_map]
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(tabs)
    with open(folder / "measures.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(load(sample).measures) == 12
    assert list(rows[0])[:4] == ["stage", "channel", "indicator", "value"]
