"""The LibreOffice harness itself, against a real headless Calc.

Why: the features omnisheet relies on (defined names, list validations fed by a name,
formula conditional formats, formulas Calc must evaluate) are exactly the ones that get lost
or mistranslated between Excel and Calc; these tests prove the harness can see that.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

# tests/conftest.py puts tests/ on sys.path and registers the soffice/uno_python fixtures.
from support.libreoffice import LibreOfficeError, convert, fill, roundtrip

pytestmark = pytest.mark.libreoffice

CHANNELS = ["Email", "SMS", "Phone"]


def make_plan(path: Path) -> Path:
    """A tiny plan workbook using the features under test (name, validation, CF, formulas)."""
    wb = xlsxwriter.Workbook(str(path))
    plan = wb.add_worksheet("Plan")
    lists = wb.add_worksheet("Lists")
    for row, channel in enumerate(CHANNELS):
        lists.write_string(row, 0, channel)
    wb.define_name("Channels", "=Lists!$A$1:$A$3")
    plan.write_row("A1", ["Step", "Channel", "Budget", "Double", "Check"])
    plan.write_string("A2", "Welcome")
    plan.data_validation("B2:B10", {"validate": "list", "source": "=Channels"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    plan.conditional_format("A2:C10", {"type": "formula", "criteria": "=$C2>100", "format": red})
    # value "" -> no cached result, so Calc must compute them (see libreoffice.py facts).
    plan.write_formula("D2", '=IF(C2="","",C2*2)', None, "")
    plan.write_formula("E2", '=IF(B2="","",IF(COUNTIF(Channels,B2)=0,"bad","ok"))', None, "")
    wb.close()
    return path


def assert_features_survive(path: Path) -> None:
    """Defined name, list validation on that name and formula CF are all still there."""
    wb = openpyxl.load_workbook(path)
    name = wb.defined_names["Channels"]
    assert name.attr_text.replace("'", "") == "Lists!$A$1:$A$3"

    ws = wb["Plan"]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == "Channels"
    assert "B2" in lists[0].sqref and "B10" in lists[0].sqref

    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 1
    sqref, rule = rules[0]
    assert sqref == "A2:C10"
    assert rule.type == "expression"
    assert [f.replace(" ", "") for f in rule.formula] == ["$C2>100"]
    assert rule.dxf is not None  # the red format came along


@pytest.mark.parametrize("via", ["ods", "xlsx"])
def test_features_survive_calc_roundtrip(soffice: str, tmp_path: Path, via: str) -> None:
    src = make_plan(tmp_path / "plan.xlsx")
    back = roundtrip(src, via, tmp_path / "rt")
    assert back.parent == tmp_path / "rt" / "back"
    if via == "ods":
        assert (tmp_path / "rt" / "ods" / "plan.ods").is_file()
    assert_features_survive(back)


def test_convert_keeps_cached_values_unless_recalc(soffice: str, tmp_path: Path) -> None:
    """Pins the documented fact: --convert-to keeps cached results; recalc=True does not."""
    src = tmp_path / "cached.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("S")
    ws.write_row("A1", [2, 3])
    ws.write_formula("C1", "=A1*B1", None, 99)
    ws.write_formula("C2", "=A1*B1", None, "")
    wb.close()

    kept = openpyxl.load_workbook(convert(src, "xlsx", tmp_path / "plain"), data_only=True)["S"]
    assert (kept["C1"].value, kept["C2"].value) == (99, 6)
    fresh = openpyxl.load_workbook(
        convert(src, "xlsx", tmp_path / "recalc", recalc=True), data_only=True
    )["S"]
    assert (fresh["C1"].value, fresh["C2"].value) == (6, 6)


def test_convert_reports_soffice_failure(soffice: str, tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-workbook.xlsx"
    bogus.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(LibreOfficeError, match="did not produce"):
        convert(bogus, "ods", tmp_path / "out")


def test_convert_refuses_to_overwrite_source(soffice: str, tmp_path: Path) -> None:
    src = make_plan(tmp_path / "plan.xlsx")
    with pytest.raises(ValueError, match="overwrite"):
        convert(src, "xlsx", tmp_path)


def test_fill_types_values_and_reads_formula_results(uno_python: str, tmp_path: Path) -> None:
    src = make_plan(tmp_path / "plan.xlsx")
    out_xlsx, out_ods = tmp_path / "out" / "filled.xlsx", tmp_path / "out" / "filled.ods"
    got = fill(
        src,
        [
            {"sheet": "Plan", "cell": "B2", "value": "SMS"},
            {"sheet": "Plan", "cell": "C2", "value": 60},
            {"sheet": "Plan", "cell": "B3", "value": "Fax"},
            {"sheet": "Plan", "cell": "E3", "formula": '=IF(COUNTIF(Channels;B3)=0;"bad";"ok")'},
            {"sheet": "Plan", "cell": "F2", "xlformula": "=SUM(C2,D2)"},
            {"sheet": "Plan", "cell": "C4", "input": "12.5"},
        ],
        outputs=[out_xlsx, out_ods],
        read=["Plan!D2", "Plan!E2", "Plan!E3", "Plan!F2", "Plan!C4", "Plan!B2", "Plan!Z99"],
    )
    assert got == {
        "Plan!D2": 120.0,
        "Plan!E2": "ok",
        "Plan!E3": "bad",
        "Plan!F2": 180.0,
        "Plan!C4": 12.5,
        "Plan!B2": "SMS",
        "Plan!Z99": None,
    }
    assert out_ods.stat().st_size > 0
    saved = openpyxl.load_workbook(out_xlsx, data_only=True)["Plan"]
    assert (saved["B2"].value, saved["C2"].value, saved["D2"].value) == ("SMS", 60, 120)
    assert_features_survive(out_xlsx)


def test_fill_reports_bad_edit(uno_python: str, tmp_path: Path) -> None:
    src = make_plan(tmp_path / "plan.xlsx")
    with pytest.raises(LibreOfficeError, match="no sheet 'Nope'"):
        fill(src, [{"sheet": "Nope", "cell": "A1", "value": 1}])
