"""Workbooks that Excel or LibreOffice open but python-calamine refuses as they are: read by
their content and through a mended copy, or refused with one sentence in a user's words.

Each case first proves that calamine alone fails on the file, so the test shows what the
mend or the content-based opening adds.
"""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from corpus import LEAKS
from hostile_files import PAINTED, genuine_xlsx, painted_plan
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from omnisheet import check, load
from omnisheet.read.grid import read_values
from omnisheet.read.repair import mended_copy
from omnisheet.read.safety import vet
from omnisheet.template.errors import UnreadableWorkbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
MACRO_SHEET = "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"


def _rewrite(source: Path, target: Path, parts: dict[str, bytes | None]) -> Path:
    """A copy of the zip with some parts replaced, added, or (None) left out."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in parts:
                new.writestr(info, old.read(info))
        for name, data in parts.items():
            if data is not None:
                new.writestr(name, data)
    return target


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def _calamine_fails(path: Path) -> None:
    with pytest.raises(BaseException):  # noqa: B017,PT011 - calamine raises its own errors
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            workbook.get_sheet_by_name(name).to_python()


GENUINE_VALUES = {
    "Journey": [["Stage", "Channel", "Budget"], ["Awareness", "Email", 1200]],
    "Scores": [["ok"]],
}


def _with_workbook_edit(tmp_path: Path, edit, extra: dict[str, bytes | None] | None = None,
                        name: str = "plan.xlsm") -> Path:
    source = genuine_xlsx(tmp_path, "genuine.xlsx")
    workbook = edit(_part(source, "xl/workbook.xml"))
    parts: dict[str, bytes | None] = {"xl/workbook.xml": workbook.encode()}
    parts.update(extra or {})
    return _rewrite(source, tmp_path / name, parts)


def test_an_excel_4_macro_sheet_is_skipped_and_the_worksheets_read(tmp_path: Path) -> None:
    source = genuine_xlsx(tmp_path, "genuine.xlsx")
    relationships = _part(source, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        f'<Relationship Id="rId99" Type="{MACRO_SHEET}" Target="macrosheets/sheet1.xml"/>'
        "</Relationships>")
    path = _with_workbook_edit(
        tmp_path,
        lambda xml: xml.replace("<sheets>", '<sheets><sheet name="Macro1" sheetId="9" r:id="rId99"/>'),
        {"xl/_rels/workbook.xml.rels": relationships.encode(),
         "xl/macrosheets/sheet1.xml": b'<?xml version="1.0"?><xm:macrosheet '
                                      b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>'})
    _calamine_fails(path)
    assert read_values(path) == GENUINE_VALUES


def test_a_sheet_whose_relationship_is_missing_is_skipped(tmp_path: Path) -> None:
    path = _with_workbook_edit(
        tmp_path, lambda xml: xml.replace("<sheets>", '<sheets><sheet name="Lost" sheetId="9" r:id=""/>'))
    _calamine_fails(path)
    assert read_values(path) == GENUINE_VALUES


def test_a_sheet_state_excel_does_not_know_is_ignored(tmp_path: Path) -> None:
    path = _with_workbook_edit(tmp_path, lambda xml: xml.replace('name="Journey"', 'name="Journey" state="show"'),
                               name="plan.xlsx")
    _calamine_fails(path)
    assert read_values(path) == GENUINE_VALUES


def test_a_dimension_that_is_not_an_a1_range_is_ignored(tmp_path: Path) -> None:
    source = genuine_xlsx(tmp_path, "genuine.xlsx")
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="1:2"/>',
                   _part(source, "xl/worksheets/sheet1.xml"))
    path = _rewrite(source, tmp_path / "plan.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()})
    _calamine_fails(path)
    assert read_values(path) == GENUINE_VALUES


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])  # with a byte-order mark, without
def test_parts_in_utf16_are_read(encoding: str, tmp_path: Path) -> None:
    source = genuine_xlsx(tmp_path, "genuine.xlsx")
    parts: dict[str, bytes | None] = {}
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"):
        text = re.sub(r'encoding="UTF-8"', 'encoding="UTF-16"', _part(source, name))
        parts[name] = text.encode(encoding)
    path = _rewrite(source, tmp_path / "plan.xlsx", parts)
    _calamine_fails(path)
    assert read_values(path) == GENUINE_VALUES


def _findings(path: Path) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.code, f.sheet, f.cell) for f in check(load(path)).findings)


def _pretty_printed_ods(source: Path, target: Path) -> Path:
    """The ODS with its content.xml indented as XML tools write it, paragraphs untouched."""
    with zipfile.ZipFile(source) as archive:
        content = archive.read("content.xml")
    namespaces = dict(node for _, node in ET.iterparse(io.BytesIO(content), events=["start-ns"]))
    for prefix, uri in namespaces.items():
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(content)
    text_p = {f"{{{namespaces['text']}}}p", f"{{{namespaces['text']}}}h"}

    def indent(element: ET.Element, level: int) -> None:
        if element.tag in text_p or not len(element):
            return
        inner = "\n" + "  " * (level + 1)
        if not (element.text or "").strip():
            element.text = inner
        for child in element:
            indent(child, level + 1)
            if not (child.tail or "").strip():
                child.tail = inner
        child.tail = "\n" + "  " * level

    indent(root, 0)
    pretty = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return _rewrite(source, target, {"content.xml": pretty})


def test_a_pretty_printed_ods_checks_like_the_original(tmp_path: Path) -> None:
    path = _pretty_printed_ods(SAMPLES / "retail-fr.ods", tmp_path / "plan.ods")
    _calamine_fails(path)
    assert _findings(path) == _findings(SAMPLES / "retail-fr.ods")
    assert load(path).use_cases == load(SAMPLES / "retail-fr.ods").use_cases


@pytest.mark.parametrize(("sample", "name"), [("retail-fr.ods", "plan.xlsx"),
                                              ("bank-en.xlsx", "plan.ods"),
                                              ("bank-en.xlsx", "plan.xls")])
def test_a_plan_under_the_wrong_extension_is_read_by_its_content(
        sample: str, name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copyfile(SAMPLES / sample, path)
    assert _findings(path) == _findings(SAMPLES / sample)


def test_a_painted_plan_under_the_wrong_extension_keeps_its_colours(tmp_path: Path) -> None:
    path = painted_plan(tmp_path).rename(tmp_path / "painted.ods")
    inferred = [f for f in check(load(path)).findings if f.code == "status-inferred-from-colour"]
    assert sorted(f.cell for f in inferred) == sorted(PAINTED)


def test_the_mended_copy_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = _pretty_printed_ods(SAMPLES / "retail-fr.ods", tmp_path / "plan.ods")
    before = path.read_bytes()
    assert mended_copy(path, "ods") is not None
    assert path.read_bytes() == before


def test_a_workbook_that_needs_no_mend_gets_no_copy(tmp_path: Path) -> None:
    assert mended_copy(genuine_xlsx(tmp_path), "xlsx") is None


def _refusal(path: Path) -> str:
    with pytest.raises(UnreadableWorkbook) as caught:
        read_values(path)
    reason = caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")
    assert not LEAKS.search(reason), reason
    return reason


def test_missing_sheet_locations_are_named(tmp_path: Path) -> None:
    path = _rewrite(genuine_xlsx(tmp_path, "genuine.xlsx"), tmp_path / "plan.xlsx",
                    {"xl/_rels/workbook.xml.rels": None})
    reason = _refusal(path)
    assert "damaged" in reason and "xl/_rels/workbook.xml.rels" in reason
    assert "save it again" in reason


def test_a_listed_sheet_whose_part_is_missing_is_named(tmp_path: Path) -> None:
    path = _rewrite(genuine_xlsx(tmp_path, "genuine.xlsx"), tmp_path / "plan.xlsx",
                    {"xl/worksheets/sheet1.xml": None})
    reason = _refusal(path)
    assert "'Journey'" in reason and "xl/worksheets/sheet1.xml" in reason and "damaged" in reason


def test_a_sheet_calamine_cannot_read_is_named_in_a_users_words(tmp_path: Path) -> None:
    source = genuine_xlsx(tmp_path, "genuine.xlsx")
    sheet = _part(source, "xl/worksheets/sheet1.xml").replace("<v>0</v>", "<v>999</v>", 1)
    path = _rewrite(source, tmp_path / "plan.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()})
    reason = _refusal(path)  # a shared string that does not exist
    assert reason.startswith("its sheet 'Journey' could not be read")
    assert "save it again as .xlsx" in reason


@pytest.fixture(scope="module")
def macro_workbook_parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The parts of a workbook that needs a mend (a macro sheet, a UTF-16 relationships part)."""
    folder = tmp_path_factory.mktemp("macro")
    source = genuine_xlsx(folder, "genuine.xlsx")
    relationships = _part(source, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        f'<Relationship Id="rId99" Type="{MACRO_SHEET}" Target="macrosheets/sheet1.xml"/>'
        "</Relationships>")
    workbook = _part(source, "xl/workbook.xml").replace(
        "<sheets>", '<sheets><sheet name="Macro1" sheetId="9" r:id="rId99"/>')
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/_rels/workbook.xml.rels"] = relationships.encode("utf-16")
    parts["xl/workbook.xml"] = workbook.encode()
    parts["xl/macrosheets/sheet1.xml"] = b"<xm:macrosheet/>"
    return parts


_EDITABLE = ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"]


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_a_damaged_part_gives_values_or_one_sentence_never_a_crash(
        data: st.DataObject, macro_workbook_parts: dict[str, bytes],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Edits inside the XML the mends read and rewrite (the zip itself stays valid): the
    workbook reads, or it is refused with one sentence free of parser words."""
    parts = dict(macro_workbook_parts)
    name = data.draw(st.sampled_from(_EDITABLE))
    text = bytearray(parts[name])
    for where, value in data.draw(st.lists(st.tuples(
            st.integers(0, len(text) - 1), st.sampled_from(list(b'<>"/=: \x00rRidsheetx'))),
            min_size=1, max_size=6)):
        text[where] = value
    parts[name] = bytes(text)
    path = tmp_path_factory.getbasetemp() / "damaged.xlsm"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    try:
        vet(path)
    except UnreadableWorkbook:
        return  # refused before any parser: test_safety's business
    try:
        read_values(path)
    except UnreadableWorkbook as exc:
        assert "\n" not in exc.reason and not LEAKS.search(exc.reason), exc.reason


def test_gaps_are_taken_out_wherever_the_content_is_cut_in_pieces() -> None:
    from omnisheet.read.repair import _without_gaps

    content = (
        b'<table:table-row>\n  <table:table-cell office:value-type="string">\n'
        b"    <text:p>Friction</text:p>\n  </table:table-cell>\n"
        b"  <table:table-cell>\n    <text:p> a  spaced  word </text:p>\n  </table:table-cell>\n"
        b"</table:table-row>"
    )
    whole = b"".join(_without_gaps([content]))
    assert b"<text:p>Friction</text:p></table:table-cell>" in whole
    assert b"<text:p> a  spaced  word </text:p>" in whole
    for first in range(len(content)):
        for second in range(first, len(content), 7):
            pieces = [content[:first], content[first:second], content[second:]]
            assert b"".join(_without_gaps(pieces)) == whole, (first, second)
