"""Whatever a team types, wherever it types it, comes back in the checked workbook at the
same cell with the same value: in the maps' room with no stage, over a formula, over a
header, on the Lists tab, beside a table, far away."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from omnisheet import check
from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.read.reader import load

TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="omnisheet-typed-"))
TEMPLATE = write(blank_plan("fr"), TEMPLATE_DIR / "template.xlsx")
SHEETS = openpyxl.load_workbook(TEMPLATE, read_only=True).sheetnames
FORMULAS = ("=1+1", "=NOW()", "=A1*2")  # formulas the tests type (other "=" text is text)

# What a person types: words (accents, spaces around them, text that looks like a number
# or a formula), whole numbers and decimals.
words = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zl", "Zp")),
                min_size=1, max_size=30).filter(lambda s: s.strip() and "_x" not in s)
values = words | st.integers(-10**6, 10**6) | st.floats(-1e6, 1e6, allow_nan=False).filter(
    lambda f: not f.is_integer())
cells = st.dictionaries(st.tuples(st.sampled_from(SHEETS), st.integers(1, 45),
                                  st.integers(1, 28)), values, min_size=1, max_size=12)
# What else a cell holds in Excel: a time, a date, a formula.
typed_values = values | st.times().map(lambda t: t.replace(microsecond=0)) | st.dates(
    dt.date(1950, 1, 1), dt.date(2100, 12, 31)) | st.sampled_from(["=1+1", "=NOW()", "=A1*2"])
typed_cells = st.dictionaries(st.tuples(st.sampled_from(SHEETS), st.integers(1, 45),
                                        st.integers(1, 28)), typed_values, min_size=1,
                              max_size=12)


def _type(cells: dict, path: Path) -> Path:
    """The template with the cells typed in, saved as a spreadsheet program would."""
    workbook = openpyxl.load_workbook(TEMPLATE)
    for (sheet, row, col), value in cells.items():
        for merged in list(workbook[sheet].merged_cells.ranges):
            if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
                workbook[sheet].unmerge_cells(str(merged))  # as a person must, to type there
        cell = workbook[sheet].cell(row=row, column=col)
        cell.value = value
        if isinstance(value, dt.time):
            cell.number_format = "hh:mm"
        elif isinstance(value, dt.date):
            cell.number_format = "dd/mm/yyyy"
        elif isinstance(value, str) and not value.startswith(FORMULAS):
            cell.data_type = "s"  # typed text, even when it starts with "=": never a formula
    workbook.save(path)
    return path


def _same(typed: object, kept: object) -> bool:
    """The same value; a number may come back as text or text as a number (a header, an
    ID), as long as it reads the same."""
    if kept == typed:
        return True
    try:
        return math.isclose(float(str(typed).strip()), float(str(kept).strip()), rel_tol=1e-12)
    except ValueError:
        return False


def _value(path: Path, sheet: str, row: int, col: int) -> object:
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)
    return grid[row - 1][col - 1] if row <= len(grid) and col <= len(grid[row - 1]) else None


def _lost(cells: dict, source: Path, out: Path) -> dict:
    """Typed cells whose value in the team's file is not in the checked workbook. (The
    value in the file: LibreOffice saves a decimal to 15 significant digits, or fewer.) An
    .xlsx comes back as the team's own file: each cell with its type and number format too
    (a time stays a time, a date a date, a formula a formula)."""
    plan = load(source)
    write(plan, out, report=check(plan), team_file=True)
    lost = {}
    if source.suffix == ".xlsx":
        before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(out)
    for (sheet, row, col), typed in cells.items():
        saved = _value(source, sheet, row, col) if source.suffix == ".ods" else typed
        plain = not isinstance(typed, dt.date | dt.time) and typed not in FORMULAS
        kept = _value(out, sheet, row, col) if plain else None
        if plain and not _same(saved, kept):
            lost[(sheet, row, col)] = (saved, kept)
        elif source.suffix == ".xlsx":
            was, now = before[sheet].cell(row, col), after[sheet].cell(row, col)
            if (was.value, was.data_type, was.number_format) != (
                    now.value, now.data_type, now.number_format):
                lost[(sheet, row, col)] = (was.value, now.value)
    return lost


@pytest.mark.slow  # 40 random workbooks checked: about 45 s on a loaded machine
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(typed_cells)
def test_any_cell_typed_anywhere_survives_check_o(tmp_path, cells):
    source = _type(cells, tmp_path / "typed.xlsx")
    assert _lost(cells, source, tmp_path / "checked.xlsx") == {}


@pytest.mark.libreoffice
@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cells)
def test_any_cell_typed_anywhere_in_an_ods_survives_check_o(soffice, tmp_path, cells):
    from support.libreoffice import convert

    source = convert(_type(cells, tmp_path / "typed.xlsx"), "ods", tmp_path / "ods")
    assert _lost(cells, source, tmp_path / "checked.xlsx") == {}
