"""The checked workbook: the team's plan intact, plus findings, highlights and a dashboard."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import openpyxl
import pytest
from plans import clean_plan
from python_calamine import CalamineWorkbook
from support.browser import poppler_fixture  # noqa: F401  (the fixture registers by import)
from test_checks import CASES

from omnisheet import check
from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.read.reader import load


def _messy_plan_file(tmp_path: Path) -> Path:
    """A plan with findings, a column and a tab of the team's own, notes and odd spellings."""
    plan = CASES["bad-number"][0](clean_plan())
    plan = CASES["scenario-not-in-map"][0](plan)
    path = write(plan, tmp_path / "source.xlsx")
    workbook = openpyxl.load_workbook(path)
    uc = workbook["Cas d'usage"]
    uc["R1"], uc["R2"] = "Sponsor", "=cmd|' /C calc'!A0"
    uc["R2"].data_type = "s"  # typed as text, as a spreadsheet stores "'=..."
    uc["C40"] = "Note : revoir UC-003 avec la DSI"
    workbook["Parcours client"]["E3"] = "friction"
    workbook.create_sheet("Atelier")["C3"] = "Compte rendu du 12 mars"
    out = tmp_path / "plan.xlsx"
    workbook.save(out)
    return out


def _typed_cells(path: Path, formulas_too: bool = False) -> dict[tuple[str, int, int], str]:
    """Every non-empty cell a person typed (formulas excluded, unless `formulas_too`: then
    every value shown), as text."""
    formulas = openpyxl.load_workbook(path)
    values = CalamineWorkbook.from_path(str(path))
    cells = {}
    for name in values.sheet_names:
        for r, row in enumerate(values.get_sheet_by_name(name).to_python()):
            for c, value in enumerate(row):
                if value in ("", None):
                    continue
                raw = formulas[name].cell(row=r + 1, column=c + 1).value
                if (not formulas_too and isinstance(raw, str) and raw.startswith("=")
                        and raw != value):
                    continue
                cells[(name, r + 1, c + 1)] = str(int(value) if isinstance(value, float)
                                                  and value.is_integer() else value)
    return cells


@pytest.fixture
def checked(tmp_path: Path, cli):
    source = _messy_plan_file(tmp_path)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "plan-checked.xlsx"
    result = cli("check", source, "-o", out)
    assert result.exit_code == 1
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest  # input untouched
    return source, out


def test_every_typed_value_is_in_the_output_at_its_place(checked):
    source, out = checked
    before, after = _typed_cells(source), _typed_cells(out)
    missing = {k: v for k, v in before.items() if after.get(k) != v}
    assert missing == {}
    formula_text = openpyxl.load_workbook(out)["Cas d'usage"]["R2"]
    assert formula_text.data_type == "s"  # the team's text starting with "=" stays text


def test_findings_tab_links_to_cells_and_cells_carry_comments(checked):
    _, out = checked
    workbook = openpyxl.load_workbook(out)
    # The team's tabs first, as they had them; omnisheet's after them.
    assert workbook.sheetnames[-3:] == ["Constats", "Tableau de bord", "Pression commerciale"]
    findings = workbook["Constats"]
    rows = list(findings.iter_rows(min_row=2, values_only=True))
    codes = {r[1] for r in rows}
    assert {"bad-number", "scenario-not-in-map"} <= codes
    link = next(c for c in findings["D"][1:] if c.value == "H4")
    assert link.hyperlink.location == "'Cas d''usage'!H4"
    comment = workbook["Cas d'usage"]["H4"].comment
    assert comment is not None and "attendu un nombre de 1 à 5" in comment.text


@pytest.mark.slow  # 70,000 findings written: about 35 s
def test_findings_past_excels_link_limit_still_name_their_cell(tmp_path):
    """Excel keeps 65,530 links per sheet; a plan with more findings keeps every reference,
    as text past the limit, and nothing is printed (xlsxwriter warned once per link)."""
    import dataclasses
    import re
    import warnings

    plan = CASES["bad-number"][0](clean_plan())
    report = check(plan)
    one = report.findings[0]
    many = tuple(dataclasses.replace(one, row=2 + i % 40) for i in range(65_533))
    report = dataclasses.replace(report, findings=many)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # xlsxwriter warns when it drops a link
        out = write(plan, tmp_path / "out.xlsx", report=report)
    values = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Constats").to_python()
    assert [row[3] for row in values[1:]] == [f.cell for f in many]
    with zipfile.ZipFile(out) as zf:
        names = {n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)}
        links = sum(zf.read(n).count(b"<hyperlink ") for n in names)
    assert links == 65_530


@pytest.mark.slow  # a plan with thousands of cells at fault
def test_past_a_thousand_cells_at_fault_errors_get_the_comments_and_all_stay_listed(tmp_path):
    """LibreOffice is slow to open tens of thousands of comments: past MAX_COMMENTS cells,
    errors are commented first, then warnings in row order; every cell stays highlighted
    and listed, and the Findings tab says so."""
    import dataclasses

    from omnisheet.outputs.workbook.checked import MAX_COMMENTS
    from omnisheet.plan.model import ERROR, WARNING

    plan = CASES["bad-number"][0](clean_plan())
    one = check(plan).findings[0]
    warned = [dataclasses.replace(one, severity=WARNING, row=2 + i, column=8)
              for i in range(MAX_COMMENTS)]
    errors = [dataclasses.replace(one, severity=ERROR, row=2 + i, column=9) for i in range(300)]
    report = dataclasses.replace(check(plan), findings=(*warned, *errors))
    out = write(plan, tmp_path / "out.xlsx", report=report)

    workbook = openpyxl.load_workbook(out)
    uc = workbook["Cas d'usage"]
    commented = {cell.coordinate for row in uc.iter_rows(min_row=2) for cell in row
                 if cell.comment and cell.comment.author == "omnisheet"}
    assert len(commented) == MAX_COMMENTS
    assert {f"I{2 + i}" for i in range(300)} <= commented  # every error
    assert {f"H{2 + i}" for i in range(MAX_COMMENTS - 300)} <= commented  # first warnings
    assert "H1001" not in commented
    highlighted = {cells.coord for rng in uc.conditional_formatting
                   if any(rule.formula == ["TRUE"] for rule in rng.rules)
                   for cells in rng.sqref.ranges}
    assert highlighted == {f.cell for f in report.findings}
    findings = workbook["Constats"]
    assert findings.max_row == 1 + len(report.findings)
    assert findings["I1"].value.startswith("Commentaires sur 1\u202f000 des 1\u202f300 cellules")


def test_checking_the_output_again_is_stable(checked, tmp_path, cli):
    source, out = checked
    first, second = check(load(source)), check(load(out))
    assert [(f.code, f.sheet, f.cell) for f in second.findings] == \
        [(f.code, f.sheet, f.cell) for f in first.findings]
    assert second.priorities == first.priorities
    again = tmp_path / "again.xlsx"
    cli("check", out, "-o", again)
    assert openpyxl.load_workbook(again).sheetnames == openpyxl.load_workbook(out).sheetnames


def test_sort_orders_use_cases_by_rank(tmp_path):
    plan = clean_plan()
    plan = plan.with_changes(use_cases=tuple(reversed(plan.use_cases)))
    out = write(plan, tmp_path / "sorted.xlsx", report=check(plan), sort=True)
    ids = [r[0] for r in CalamineWorkbook.from_path(str(out))
           .get_sheet_by_name("Cas d'usage").to_python()[1:4]]
    assert ids == ["UC-001", "UC-002", "UC-003"]


def test_in_place_keeps_a_backup(tmp_path, cli):
    path = write(clean_plan(), tmp_path / "plan.xlsx")
    original = path.read_bytes()
    assert cli("check", path, "-o", path, "--in-place").exit_code == 0
    assert (tmp_path / "plan.xlsx.bak").read_bytes() == original
    assert "Constats" in openpyxl.load_workbook(path).sheetnames


@pytest.mark.libreoffice
def test_calc_keeps_charts_links_validations_and_comments(checked, soffice, tmp_path):
    from support.libreoffice import convert

    _, out = checked
    saved = convert(out, "xlsx", tmp_path / "calc")
    with zipfile.ZipFile(saved) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 4
    workbook = openpyxl.load_workbook(saved)
    findings = workbook["Constats"]
    assert any(c.hyperlink is not None for c in findings["D"][1:])
    assert workbook["Cas d'usage"]["H4"].comment is not None
    kinds = {v.formula1 for v in workbook["Cas d'usage"].data_validations.dataValidation}
    assert "list_category" in kinds


SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.xlsx"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_samples_keep_every_typed_value_when_checked(sample, tmp_path):
    out = write(load(sample), tmp_path / "checked.xlsx", report=check(load(sample)))
    before, after = _typed_cells(sample), _typed_cells(out, formulas_too=True)
    assert {k: v for k, v in before.items() if after.get(k) != v} == {}


from hypothesis import HealthCheck, given, settings  # noqa: E402
from test_properties import plans  # noqa: E402


@pytest.mark.slow  # 15 random plans written and checked: about 40 s
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(plans())
def test_random_plans_keep_every_typed_value_when_checked(tmp_path, plan):
    source = write(plan, tmp_path / "random.xlsx")
    out = write(load(source), tmp_path / "random-checked.xlsx", report=check(load(source)))
    before, after = _typed_cells(source), _typed_cells(out, formulas_too=True)
    assert {k: v for k, v in before.items() if after.get(k) != v} == {}


# --- what the team prints and reads first -----------------------------------------------
FRENCH_SAMPLE = Path(__file__).parent.parent / "samples" / "retail-fr.xlsx"


@pytest.fixture(scope="module")
def checked_sample(tmp_path_factory):
    plan = load(FRENCH_SAMPLE)
    return write(plan, tmp_path_factory.mktemp("sample") / "checked.xlsx", report=check(plan))


def _print_rows(workbook, sheet: str) -> int:
    """The last row of a sheet's print area."""
    area = workbook[sheet].print_area
    area = area[0] if isinstance(area, list) else area
    return openpyxl.utils.cell.range_boundaries(area.split("!")[-1].replace("$", ""))[3]


def test_findings_come_errors_first_each_in_tab_and_row_order_and_never_spill(checked_sample):
    findings = openpyxl.load_workbook(checked_sample)["Constats"]
    order = {"Erreur": 0, "Avertissement": 1, "Info": 2}
    severities = [order[row[0].value] for row in findings.iter_rows(min_row=2)]
    assert severities == sorted(severities) and len(set(severities)) == 3
    for row in findings.iter_rows(min_row=2):
        longest = max(len(str(row[5].value or "")) / 28, len(str(row[6].value)) / 90)
        if longest > 1.5:  # wrapped on two lines or more: the row is as tall
            assert findings.row_dimensions[row[0].row].height >= 24, row[0].row


def test_printed_pages_cover_the_rows_in_use(checked_sample, tmp_path):
    workbook = openpyxl.load_workbook(checked_sample)
    plan = load(FRENCH_SAMPLE)
    assert _print_rows(workbook, "Cas d'usage") == max(u.row for u in plan.use_cases)
    assert _print_rows(workbook, "Messages") == max(m.row for m in plan.messages)
    blank = openpyxl.load_workbook(write(clean_plan().with_changes(
        use_cases=(), scenarios=(), messages=(), data_needs=(), measures=()),
        tmp_path / "blank.xlsx"))
    assert _print_rows(blank, "Cas d'usage") == 9  # the header and eight empty rows
    assert _print_rows(blank, "Parcours client") == 2 + len(plan.channels)


def test_the_dashboard_names_its_points_and_quadrants_and_prints_its_top_ten(checked_sample):
    import re

    workbook = openpyxl.load_workbook(checked_sample)
    dashboard = workbook["Tableau de bord"]
    top = [dashboard.cell(row=r, column=1).value for r in range(19, 29)]
    ranked = check(load(FRENCH_SAMPLE)).priorities[:10]
    assert [t.split()[1] for t in top] == [p.id for p in ranked]
    assert all(len(t) <= 38 for t in top)
    assert _print_rows(workbook, "Tableau de bord") >= 28
    with zipfile.ZipFile(checked_sample) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/charts/chart")]
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/sheet")]
    matrix = next(c for c in charts if "Matrice impact" in c)
    assert matrix.count('<c:showSerName val="1"/>') >= len({(p.value, p.ease) for p in ranked})
    names = {c.value for c in dashboard["O"] if isinstance(c.value, str)}
    assert {"Quick win", "Projet majeur", "Appoint", "Ingrat"} <= names
    assert any("UC-009" in name for name in names)
    for chart in charts:
        if "Matrice impact" not in chart:  # counts: whole steps
            assert re.search(r'<c:majorUnit val="\d+"/>', chart), chart[:200]
    assert any("<rowBreaks" in sheet for sheet in sheets)  # the measures start a page


def test_dashboard_matrix_labels_of_points_close_together_take_different_sides():
    """Three use cases a tenth of a point apart: their labels go right, left, above, where
    none covers another (Excel and LibreOffice draw a series' label on the side asked)."""
    from omnisheet.outputs.workbook.dashboard import _label_sides

    assert _label_sides([["UC-01", 3.9, 4], ["UC-015", 4.0, 4], ["UC-0", 4.1, 4]]) == [
        "right", "left", "above"]
    assert _label_sides([["UC-01, UC-02", 2, 2], ["UC-03", 4, 4]]) == ["right", "right"]


@pytest.mark.libreoffice
def test_the_printed_findings_give_the_message_its_width(soffice, poppler, tmp_path, cli):
    """90 findings whose value is a long touchpoint description print on three landscape
    pages, each message on one line and the header on every page (four pages before,
    with the value wrapped on five lines in its narrow column)."""
    import openpyxl
    from support.browser import pdf_pages, pdf_text
    from support.libreoffice import convert

    from omnisheet.plan.model import Touchpoint
    from omnisheet.template.definition import load_definition

    d = load_definition()
    spots = [(s, c) for s in d.list("stage").keys for c in d.list("channel").keys[:6]][:45]
    plan = blank_plan("fr").with_changes(touchpoints=tuple(
        Touchpoint(stage=s, channel=c, status="friction",
                   description="Les clients attendent une réponse rapide et personnalisée à "
                               f"leurs questions sur la livraison, n° {n}")
        for n, (s, c) in enumerate(spots)))
    source = write(plan, tmp_path / "plan.xlsx")
    checked = tmp_path / "checked.xlsx"
    cli("check", source, "-o", checked, "--fail-on", "never")
    book = openpyxl.load_workbook(checked)
    for name in book.sheetnames:
        if name != "Constats":
            del book[name]
    assert book["Constats"].max_row == 91
    book.save(tmp_path / "findings.xlsx")
    pdf = convert(tmp_path / "findings.xlsx", "pdf", tmp_path / "pdf")
    assert pdf_pages(pdf) <= 3
    assert all("Constat" in pdf_text(pdf, n) for n in range(1, pdf_pages(pdf) + 1))
