"""vet() refuses every broken or hostile file with one actionable sentence, cheaply."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile_files
import openpyxl
import pytest
from hostile_files import ALL, GENUINE, SHEET
from hypothesis import given, settings
from hypothesis import strategies as st

from omnisheet import safety
from omnisheet.errors import UnreadableWorkbook
from omnisheet.safety import Limits, check_xml_safe, vet

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
from omnisheet.errors import UnreadableWorkbook
from omnisheet.safety import vet
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
