"""vet() refuses every broken or hostile file with one actionable sentence, cheaply."""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import random
import re
import signal
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile_files
import openpyxl
import pytest
from hostile_files import ALL, GENUINE, READABLE, SHEET, SPREADSHEETML
from hypothesis import given, settings
from hypothesis import strategies as st

from omnisheet.plan.model import column_letter
from omnisheet.read import grid, safety
from omnisheet.read.safety import Limits, check_xml_safe, vet
from omnisheet.template.errors import UnreadableWorkbook, say

ROOT = Path(__file__).resolve().parents[1]

# Words each refusal must contain (all of them, case-insensitive).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "missing": ("no file",),
    "directory": ("folder",),
    "numbers_package": ("Numbers", "Export"),
    "fifo": ("not a regular file",),
    "unreadable": ("permission",),
    "empty": ("empty",),
    "too_large": ("too large", "200 MB"),
    "random_bytes": ("not a spreadsheet",),
    "random_bytes_xls": (".xls", "save it as .xlsx"),
    "excel_lock_file": ("lock file",),
    "pdf": ("PDF",),
    "csv_renamed": ("CSV", "save it as .xlsx"),
    "unicode_text_renamed": ("text",),
    "html_renamed": ("HTML",),
    "excel_2003_xml": ("2003",),
    "encrypted_xlsx": ("password",),
    "legacy_xls": ("legacy", ".xls", "save it as .xlsx"),
    "legacy_doc": ("Word",),
    "truncated_xlsx": ("damaged",),
    "corrupted_xlsx": ("damaged",),
    "xlsx_without_content_types": ("damaged", "[Content_Types].xml"),
    "zip_without_workbook": ("no spreadsheet",),
    "zip_of_workbook": ("unzip",),
    "docx_renamed": ("Word document",),
    "xlsb": (".xlsb", "save it as .xlsx"),
    "numbers_file": ("Numbers",),
    "odt_renamed": ("OpenDocument text",),
    "corrupt_ods": ("damaged", "content.xml"),
    "truncated_ods": ("damaged",),
    "ods_without_mimetype": ("damaged", "mimetype"),
    "encrypted_ods": ("password",),
    "duplicate_entries": ("two entries",),
    "zip_password": ("password",),
    "bzip2_entries": ("bzip2",),
    "too_many_entries": ("entries", "10,000"),
    "zip_bomb": ("zip bomb", "too large", "1.5 GB"),
    "ratio_bomb": ("zip bomb",),
    "lying_sizes": ("zip bomb", "declares"),
    "wrong_crc": ("damaged",),
    "overlap_bomb": ("zip bomb", "overlap"),
    "billion_laughs": ("entity", "sheet1.xml"),
    "external_entity": ("entity",),
    "entity_after_comment": ("entity",),
    "entity_utf16": ("entity",),
    "entity_in_renamed_part": ("entity", "sheet1.dat"),
    "exotic_encoding": ("encoding",),
    "ods_entity": ("entity", "content.xml"),
    "far_away_value": ("cells", "10,000,000", "XFD1048576", "sheet1.xml"),
    "far_values_without_references": ("cells", "10,000,000", "1048576"),
    "ods_repeated_values": ("cells", "10,000,000", "content.xml"),
}
ACTIONS = ("send", "save", "ask", "check", "open", "pass", "attach", "unzip", "remove", "export")


def assert_actionable(exc: UnreadableWorkbook, path: object) -> None:
    """One line, naming the file, one sentence that says what to do."""
    message = str(exc)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message and "\r" not in message
    assert exc.reason.endswith(".")
    assert not re.search(r"\.\s+[A-Za-z]", exc.reason), "more than one sentence"
    assert any(verb in exc.reason for verb in ACTIONS)


def test_every_case_has_keywords() -> None:
    assert set(KEYWORDS) == set(ALL)


@pytest.mark.parametrize("case", list(ALL))
def test_hostile_file_is_refused(case: str, tmp_path: Path) -> None:
    if case == "unreadable" and os.geteuid() == 0:
        pytest.skip("root can read any file; see test_permission_denied_is_explained")
    if case == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = ALL[case](tmp_path)
    with pytest.raises(UnreadableWorkbook) as caught:
        vet(path)
    assert_actionable(caught.value, path)
    for word in KEYWORDS[case]:
        assert word.lower() in caught.value.reason.lower(), caught.value.reason


def test_permission_denied_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile_files.genuine_xlsx(tmp_path)

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safety, "open", deny, raising=False)
    with pytest.raises(UnreadableWorkbook, match="permission denied") as caught:
        vet(path)
    assert_actionable(caught.value, path)


@pytest.mark.parametrize("kind", list(GENUINE))
def test_genuine_workbook_passes(kind: str, tmp_path: Path) -> None:
    assert vet(GENUINE[kind](tmp_path)) == kind


def test_kind_comes_from_content_not_extension(tmp_path: Path) -> None:
    path = hostile_files.genuine_xlsx(tmp_path, "plan.xls")
    assert vet(str(path)) == "xlsx"


def test_openpyxl_workbook_passes(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Stage", "Budget"])
    wb.save(tmp_path / "plan.xlsx")
    assert vet(tmp_path / "plan.xlsx") == "xlsx"


def test_zip64_end_record_is_understood(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = hostile_files.genuine_xlsx(tmp_path, "small.xlsx")
    path = tmp_path / "plan.xlsx"
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)  # forces a ZIP64 end record
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
    assert b"PK\x06\x06" in path.read_bytes()[-200:]
    assert vet(path) == "xlsx"
    with pytest.raises(UnreadableWorkbook, match="entries"):
        vet(path, Limits(max_entries=3))


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        (Limits(max_file_bytes=1000), "too large"),
        (Limits(max_entries=3), "entries"),
        (Limits(max_entry_uncompressed_bytes=500), "limit per part"),
        (Limits(max_total_uncompressed_bytes=2000), "limit for a workbook"),
        (Limits(xml_prolog_bytes=20), "before its first element"),
        (Limits(max_cells=5), "span more than 5 cells"),
        (Limits(max_xml_tags=50), "more than 50 tags"),
    ],
)
def test_limits_are_configurable(limits: Limits, words: str, tmp_path: Path) -> None:
    path = hostile_files.genuine_xlsx(tmp_path)
    with pytest.raises(UnreadableWorkbook, match=words) as caught:
        vet(path, limits)
    assert_actionable(caught.value, path)


def test_limits_are_frozen_and_validated() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Limits().max_entries = 1  # type: ignore[misc]
    with pytest.raises(ValueError):
        Limits(min_compression_ratio=0)
    with pytest.raises(ValueError):
        Limits(max_entries=0)
    with pytest.raises(ValueError):
        Limits(max_cells=0)


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet/>',
        b"\xef\xbb\xbf<?xml version='1.0'?><!-- made by hand --><?pi x?><r/>",
        b"<r><![CDATA[<!DOCTYPE r [<!ENTITY e 'x'>]>]]></r>",  # inside the root: harmless
        b"",
        b"not xml at all",  # left for the parser to reject
    ],
)
def test_check_xml_safe_accepts_ordinary_xml(xml: bytes) -> None:
    check_xml_safe(xml)


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
        b"<?xml version='1.0'?>\n<!-- hi --><?pi?>\n<!doctype r><r/>",
        "<!DOCTYPE r><r/>".encode("utf-16-le"),  # no BOM, still UTF-16
        "<!DOCTYPE r><r/>".encode("utf-32"),
        '<?xml version="1.0"?><!DOCTYPE r><r/>'.encode("cp037"),  # EBCDIC
        b"<!--" + b"x" * 70_000 + b"--><!DOCTYPE r><r/>",
        b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r+AD4-<r/>',
    ],
)
def test_check_xml_safe_refuses_entity_declarations(xml: bytes) -> None:
    with pytest.raises(UnreadableWorkbook) as caught:
        check_xml_safe(xml, "plan.xlsx", "xl/worksheets/sheet1.xml")
    assert_actionable(caught.value, "plan.xlsx")
    assert "sheet1.xml" in caught.value.reason


def test_header_only_mode_trusts_declared_sizes(tmp_path: Path) -> None:
    """verify_entries=False looks at headers only, so a lying size goes unnoticed."""
    path = hostile_files.lying_sizes(tmp_path)
    assert vet(path, Limits(verify_entries=False)) == "xlsx"


_UNDER_512_MB = """
import resource, sys, zipfile
limit = 512 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from omnisheet.template.errors import UnreadableWorkbook
from omnisheet.read.safety import vet
try:
    vet(sys.argv[1])
    print("accepted")
except UnreadableWorkbook as exc:
    print(exc)
try:
    zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])
    print("inflated")
except MemoryError:
    print("inflating: MemoryError")
"""


@pytest.mark.parametrize("case", ["zip_bomb", "lying_sizes"])
def test_zip_bomb_is_refused_within_512_mb(case: str, tmp_path: Path) -> None:
    """vet needs little memory where zipfile's read() of the same sheet runs out of it."""
    pytest.importorskip("resource")
    bomb = ALL[case](tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", _UNDER_512_MB, str(bomb), SHEET],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    verdict, inflating = result.stdout.splitlines()
    assert verdict.startswith(f"{bomb}: ") and "zip bomb" in verdict
    assert inflating == "inflating: MemoryError"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    return {kind: factory(folder).read_bytes() for kind, factory in GENUINE.items()}


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_damaged_workbooks_never_crash_vet(
    data: st.DataObject, seeds: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Flipped bytes or truncation give a kind or UnreadableWorkbook, never another error."""
    kind = data.draw(st.sampled_from(sorted(seeds)))
    blob = bytearray(seeds[kind])
    near_end = st.integers(max(0, len(blob) - 300), len(blob) - 1)  # central directory
    anywhere = st.integers(0, len(blob) - 1)
    for where, value in data.draw(
        st.lists(st.tuples(st.one_of(near_end, anywhere), st.integers(0, 255)), max_size=8)
    ):
        blob[where] = value
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(blob))))
    if cut is not None:
        del blob[cut:]
    path = tmp_path_factory.getbasetemp() / f"fuzzed.{kind}"
    path.write_bytes(bytes(blob))
    try:
        assert vet(path) in GENUINE
    except UnreadableWorkbook as exc:
        assert_actionable(exc, path)


# --- huge sheets: what calamine would allocate, counted before it runs ---------------------


@pytest.mark.slow  # sheets of a million formatted cells
@pytest.mark.parametrize("case", list(READABLE))
def test_huge_looking_but_small_plan_passes(case: str, tmp_path: Path) -> None:
    """A declared A1:XFD1048576, a million formatted rows or cells: nothing calamine keeps."""
    path = READABLE[case](tmp_path)
    assert vet(path) == ("ods" if path.suffix == ".ods" else "xlsx")
    assert vet(path, Limits(max_cells=100_000)) in ("ods", "xlsx")  # not a million


@pytest.mark.slow  # sheets of a million formatted cells
def test_formatted_sheets_are_counted_without_parsing_them_tag_by_tag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cells with references are counted by a few searches: a million formatted rows or
    cells cost a fraction of a second, not a Python call per tag."""

    def parse_grids(*args: object) -> None:
        raise AssertionError("parsed tag by tag")

    monkeypatch.setattr(safety, "_parse_grids", parse_grids)
    for case in ("huge_dimension", "formatted_rows", "formatted_cells"):
        folder = tmp_path / case
        folder.mkdir()
        assert vet(READABLE[case](folder)) == "xlsx"


@pytest.mark.parametrize(
    "sheet_data",
    [
        '<row r="4"><c r="A4" s="1"/><c r="B4" s="2"/><c r="D4" s="9" t="s"><v>0</v></c></row>',
        '<row r="3"/><row><c/><c s="2"/><c s="3"></c><c s="9"><v>1</v></c></row>',  # no r
        '<row r="4"><c r="B4" s="2"/><c s="3"/><c s="9"/></row>',  # after a reference
    ],
)
def test_a_painted_cell_style_is_found_without_loading_the_sheet(sheet_data: str) -> None:
    """The openpyxl path reads only the painted cells' style numbers from the sheet XML."""
    wanted = {(4, 4)}
    xml = _sheet_xml(sheet_data)
    referenced = grid._referenced_style_numbers(io.BytesIO(xml), wanted)
    followed = grid._style_numbers(io.BytesIO(xml), wanted)
    assert followed == {(4, 4): 9}
    assert referenced in ({(4, 4): 9}, {})  # {}: no reference, so the tags are followed


_CALAMINE_GRID = """
import resource, sys
limit = 2 * 1024 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from python_calamine import CalamineWorkbook
sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2])
print("read", sheet.height, sheet.width)
"""


def test_far_away_value_is_refused_where_calamine_would_die(tmp_path: Path) -> None:
    """One value in XFD1048576 makes calamine ask for 512 GB at once and abort (SIGABRT, no
    exception to catch), so the grid must be sized before calamine runs."""
    pytest.importorskip("resource")
    path = ALL["far_away_value"](tmp_path)
    with pytest.raises(UnreadableWorkbook, match="XFD1048576"):
        vet(path)
    result = subprocess.run([sys.executable, "-c", _CALAMINE_GRID, str(path), "Journey"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert not result.stdout.startswith("read"), result.stdout
    assert result.returncode in (-signal.SIGABRT, 1), result.stderr[-300:]


@functools.cache
def _xlsx_parts(folder: str) -> dict[str, bytes]:
    with zipfile.ZipFile(hostile_files.genuine_xlsx(Path(folder))) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _sheet_xml(sheet_data: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SPREADSHEETML}">'
            f"<sheetData>{sheet_data}</sheetData></worksheet>").encode()


def _xlsx_with_sheet(folder: Path, sheet_data: str, name: str = "grid.xlsx") -> Path:
    xml = _sheet_xml(sheet_data)
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in _xlsx_parts(str(folder)).items():
            zf.writestr(part, xml if part == SHEET else data)
    return path


def _calamine_grid(path: Path, sheet: str) -> int | None:
    """The cells omnisheet lists for a sheet (from A1, as calamine gives them), None on error."""
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
            skip_empty_area=False)
    except Exception:
        return None
    return len(rows) * max((len(row) for row in rows), default=0)


def _counted(xml: bytes) -> tuple[int | None, int]:
    """(quick count, tag-by-tag count) of one part's cells."""
    info = zipfile.ZipInfo(SHEET)
    limits = Limits(max_cells=10**15)
    quick = safety._quick_cells(iter([xml]), limits, safety._Tally())
    tally = safety._Tally()
    safety._parse_grids(iter([xml]), info, limits, tally, True)
    return quick, tally.cells


@pytest.mark.parametrize(
    ("sheet_data", "cells"),
    [
        ('<row r="5"><c r="C5"><v>1</v></c></row>', 15),  # from A1, as omnisheet lists it
        ('<row r="9" s="1" customFormat="1"/><row r="2"><c r="B2" s="1"/></row>', 0),
        ('<row r="3"><c r="B3" s="1"></c><c r="XFD3" s="2"/></row>', 0),
        ('<row><c><v>1</v></c><c/><c><v>2</v></c></row><row><c><v>3</v></c></row>', 6),
        ('<row r="2"><c r="D2"><v>1</v></c><c><v>1</v></c></row>', 10),  # E2 follows D2
        ('<row><row r="5"></row></row><c><v>1</v></c>', 7),  # rows advance at their end
        ('<x:row r="4"><x:c r="B4"><x:v>1</x:v></x:c></x:row>', 8),  # prefixes change nothing
        ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', 16384 * 1048576),
    ],
)
def test_cells_are_counted_as_calamine_sizes_its_grid(
    sheet_data: str, cells: int, tmp_path: Path
) -> None:
    quick, parsed = _counted(_sheet_xml(sheet_data))
    assert parsed == cells
    assert quick is None or quick >= cells
    if cells <= 100:
        assert _calamine_grid(_xlsx_with_sheet(tmp_path, sheet_data), "Journey") == cells


_CELL_CONTENT = st.sampled_from(["<v>1</v>", "<v></v>", "", None, '<is><t>x</t></is>',
                                 "<f>1+1</f><v>2</v>"])


@st.composite
def _sheet_data(draw: st.DrawFn) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row_ref = draw(st.one_of(st.none(), st.integers(1, 40)))
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            column = draw(st.one_of(st.none(), st.integers(1, 30)))
            reference = "" if column is None else (
                f' r="{column_letter(column)}{row_ref or draw(st.integers(1, 40))}"')
            style = draw(st.sampled_from(["", ' s="1"', ' t="n"']))
            content = draw(_CELL_CONTENT)
            cells.append(f"<c{reference}{style}/>" if content is None
                         else f"<c{reference}{style}>{content}</c>")
        attrs = "" if row_ref is None else f' r="{row_ref}"'
        rows.append(f"<row{attrs}>{''.join(cells)}</row>" if cells or draw(st.booleans())
                    else f"<row{attrs}/>")
    return "".join(rows)


@pytest.mark.slow  # 150 random sheets
@settings(max_examples=150, deadline=None)
@given(sheet_data=_sheet_data())
def test_cells_counted_are_never_fewer_than_calamine_allocates(
    sheet_data: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("grid")
    expected = _calamine_grid(_xlsx_with_sheet(folder, sheet_data), "Journey")
    if expected is None:
        return  # calamine refuses the sheet, so it allocates nothing
    quick, parsed = _counted(_sheet_xml(sheet_data))
    assert parsed >= expected
    assert quick is None or quick >= expected


@st.composite
def _ods_rows(draw: st.DrawFn) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            repeat = draw(st.integers(1, 4))
            repeated = "" if repeat == 1 else f' table:number-columns-repeated="{repeat}"'
            value = draw(st.sampled_from(
                ["", ' office:value-type="float" office:value="1"',
                 ' table:style-name="ce1"', ' office:value-type="string"']))
            cells.append(f"<table:table-cell{repeated}{value}/>")
        repeat = draw(st.integers(1, 4))
        repeated = "" if repeat == 1 else f' table:number-rows-repeated="{repeat}"'
        rows.append(f"<table:table-row{repeated}>{''.join(cells)}</table:table-row>")
    return "".join(rows)


@settings(max_examples=100, deadline=None)
@given(rows=_ods_rows())
def test_ods_cells_counted_are_never_fewer_than_calamine_allocates(
    rows: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("ods")
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b'<office:body><office:spreadsheet><table:table table:name="Journey">'
        + rows.encode() + b"</table:table></office:spreadsheet></office:body>"
        b"</office:document-content>"
    )
    expected = _calamine_grid(hostile_files.genuine_ods(folder, content=content), "Journey")
    if expected is None:
        return
    tally = safety._Tally()
    safety._parse_grids(iter([content]), zipfile.ZipInfo("content.xml"),
                        Limits(max_cells=10**15), tally, True)
    assert tally.cells >= expected


def test_a_malformed_sheet_is_refused_but_malformed_vml_is_not(tmp_path: Path) -> None:
    """calamine reads XML more leniently than expat, so a sheet that must be followed tag
    by tag (here a cell without a reference) cannot be sized if expat cannot parse it;
    legacy VML drawings are often not well-formed and hold no cells."""
    broken = (f'<worksheet xmlns="{SPREADSHEETML}"><sheetData><row r="1"><c><v>1</v></c>'
              "</rows></sheetData></worksheet>")
    path = hostile_files._patched_xlsx(tmp_path, "plan.xlsx", {SHEET: broken.encode()})
    with pytest.raises(UnreadableWorkbook, match="not well-formed") as caught:
        vet(path)
    assert_actionable(caught.value, path)
    vml = b'<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><br></v:shape></xml>'
    path = hostile_files._patched_xlsx(tmp_path, "vml.xlsx", {"xl/drawings/vml1.vml": vml})
    assert vet(path) == "xlsx"


@pytest.mark.slow  # a tag of tens of megabytes
def test_a_giant_tag_is_refused_before_a_parser_buffers_it(tmp_path: Path) -> None:
    """expat (and calamine, and openpyxl) hold a whole start tag in memory before using it."""
    attribute = random.Random(6).randbytes(12 * 1024 * 1024).hex().encode()  # 24 MB
    sheet = (f'<worksheet xmlns="{SPREADSHEETML}"><sheetData><row r="1"><c r="A1" x="'
             .encode() + attribute + b'"><v>1</v></c></row></sheetData></worksheet>')
    path = hostile_files._patched_xlsx(tmp_path, "plan.xlsx", {SHEET: sheet})
    with pytest.raises(UnreadableWorkbook, match="single tag") as caught:
        vet(path)
    assert_actionable(caught.value, path)


# --- old formats, each named as what it is ---------------------------------------------

_BIFF5_BOF = struct.pack("<HHHH", 0x0809, 8, 0x0500, 0x0005) + b"\0" * 4
_BIFF8_BOF = struct.pack("<HHHHHHLL", 0x0809, 16, 0x0600, 0x0005, 0x1F5B, 1997, 0, 6)


def _ole_with_small_stream(name: str, data: bytes) -> bytes:
    """An OLE file whose one stream, under 4 KB, lives in the mini stream, at its 10th
    64-byte block: in the second sector of the root entry's chain (sectors 3, then 4)."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    entry = struct.Struct("<64sHBBLLL16sLQQLQ")

    def record(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (entry_name + "\0").encode("utf-16-le")
        return entry.pack(raw, len(raw), kind, 1, free, free, child, b"", 0, 0, 0, start, size)

    fat = [0xFFFFFFFD, end, end, 4, end] + [free] * 123
    mini_fat = [free] * 9 + [end] + [free] * 118
    directory = [record("Root Entry", 5, 1, 3, 1024), record(name, 2, free, 9, len(data))]
    directory += [entry.pack(b"", 0, 0, 0, free, free, free, b"", 0, 0, 0, 0, 0)] * 2
    header = struct.pack("<8s16s5H6s9L109L", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"",
                         0x3E, 3, 0xFFFE, 9, 6, b"", 0, 1, 1, 0, 4096, 2, 1, end, 0,
                         0, *[free] * 108)
    mini_stream = (b"\0" * 576 + data).ljust(1024, b"\0")
    return (header + struct.pack("<128L", *fat) + b"".join(directory)
            + struct.pack("<128L", *mini_fat) + mini_stream)


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


OLD_FORMATS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "excel_5_95": (hostile_files._cfb({"Book": _BIFF5_BOF}), ("Excel 5.0/95", ".xls")),
    "excel_5_95_small": (_ole_with_small_stream("Book", _BIFF5_BOF), ("Excel 5.0/95",)),
    "excel_97_in_a_book_stream": (_ole_with_small_stream("BOOK", _BIFF8_BOF),
                                  ("Excel 97-2003",)),
    "excel_4_worksheet": (b"\x09\x04\x06\x00\x00\x00\x10\x00" + b"\0" * 64,
                          ("Excel 4.0 worksheet", ".xls")),
    "excel_4_workbook": (b"\x09\x04\x06\x00\x00\x00\x00\x01" + b"\0" * 64,
                         ("Excel 4.0 workbook",)),
    "excel_2": (b"\x09\x00\x04\x00\x02\x00\x10\x00" + b"\0" * 64, ("Excel 2.x",)),
    "lotus_wk1": (b"\x00\x00\x02\x00\x06\x04" + b"\0" * 64, ("Lotus 1-2-3", "LibreOffice")),
    "lotus_123": (b"\x00\x00\x1a\x00\x03\x10\x04\x00" + b"\0" * 64, ("Lotus 1-2-3",)),
    "lotus_fm3": (b"\x00\x00\x1a\x00\x07\x80\x01\x00" + b"\0" * 64,
                  ("format file", "only the layout")),
    "quattro_wq1": (b"\x00\x00\x02\x00\x20\x51" + b"\0" * 64, ("Quattro Pro",)),
    "quattro_qpw": (hostile_files._cfb({"NativeContent_MAIN": b"\x01\x00\x0e\x00QPW9"}),
                    ("Quattro Pro", ".qpw")),
    "gnumeric": (_gzip(b'<?xml version="1.0"?>\n<gnm:Workbook xmlns:gnm='
                       b'"http://www.gnumeric.org/v10.dtd"></gnm:Workbook>'), ("Gnumeric",)),
    "gzip": (_gzip(b"a,b\n1,2\n"), ("gzip", "unpack")),
    "sylk": (b"ID;PWXL;N;E\r\nC;Y1;X1;K1\r\nE\r\n", ("SYLK", ".slk")),
    "dif": (b'TABLE\r\n0,1\r\n"EXCEL"\r\nVECTORS\r\n0,1\r\n""\r\n', ("DIF", ".dif")),
}


@pytest.mark.parametrize("case", list(OLD_FORMATS))
def test_an_old_format_is_named_and_the_user_told_to_save_it_as_xlsx(
        case: str, tmp_path: Path) -> None:
    content, words = OLD_FORMATS[case]
    path = tmp_path / "plan.xlsx"  # as users send them: under any name
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbook) as caught:
        vet(path)
    assert_actionable(caught.value, path)
    reason = caught.value.reason
    for word in words:
        assert word in reason, reason
    if case not in ("gzip", "lotus_fm3"):
        assert "save it as .xlsx" in reason
    if case not in ("gzip", "lotus_fm3", "gnumeric", "excel_97_in_a_book_stream"):
        assert "an old spreadsheet format omnisheet does not read" in reason


# --- zip bombs: absolute sizes first, a ratio no real file reaches -----------------------


def _repetitive_sheet(rows: int) -> bytes:
    """A sheet like sheetjs/large_strings.xlsx: 17 columns, each row's texts four letters
    longer than the last; deflate packs 400 rows (5.5 MB) about 137:1, past POI's 100:1."""
    cells = []
    for row in range(1, rows + 1):
        text = "a" * 4 * row
        cells.append(f'<row r="{row}">' + "".join(
            f'<c r="{column_letter(column)}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
            for column in range(1, 18)) + "</row>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SPREADSHEETML}">'
            f'<sheetData>{"".join(cells)}</sheetData></worksheet>').encode()


def test_a_real_sheet_that_compresses_over_100_times_is_read(tmp_path: Path) -> None:
    sheet = _repetitive_sheet(400)
    path = hostile_files._patched_xlsx(tmp_path, "plan.xlsx", {SHEET: sheet})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    assert info.file_size > Limits().ratio_check_min_bytes
    assert info.file_size / info.compress_size > 100  # Apache POI would refuse it
    assert vet(path) == "xlsx"
    assert grid.read_values(path)["Journey"][399][16] == "a" * 1600


def test_a_ratio_bomb_is_refused_with_its_figures(tmp_path: Path) -> None:
    path = ALL["ratio_bomb"](tmp_path)
    with pytest.raises(UnreadableWorkbook) as caught:
        vet(path)
    assert_actionable(caught.value, path)
    assert re.search(r"would expand from [\d.]+ KB to 64 MB, [\d,]+ times", caught.value.reason)
    assert "500 times" in caught.value.reason


def test_a_workbook_over_the_total_size_says_how_big_it_would_be(tmp_path: Path) -> None:
    path = hostile_files.genuine_xlsx(tmp_path)
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
    with pytest.raises(UnreadableWorkbook) as caught:
        vet(path, Limits(max_total_uncompressed_bytes=1000))
    assert f"expand to {say(safety._size(total))} in all, over the 1000 bytes limit" in (
        caught.value.reason)
