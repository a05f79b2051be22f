"""omnisheet's mark on the workbooks it outputs: two custom document properties.

`omnisheet-output` says what the workbook is (`checked`, `portfolio`) and
`omnisheet-source` the file name of the plan a checked workbook was made from. Excel and
LibreOffice keep custom properties when a team saves the file again, so a folder of plans
checked again can tell omnisheet's outputs from the teams' plans (portfolio/files.py).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

OUTPUT_PROPERTY = "omnisheet-output"
SOURCE_PROPERTY = "omnisheet-source"
CHECKED, PORTFOLIO = "checked", "portfolio"
_CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_LIMIT = 64 * 1024  # a custom.xml with a few properties is well under 1 KB
_ODS_PROPERTY = re.compile(
    rb'<meta:user-defined\b[^>]*\bmeta:name="([^"]{1,200})"[^>]*>([^<]{0,2000})</meta:user-defined>')
_PROPERTY = re.compile(
    rb'<property\b[^>]*\bname="([^"]{1,200})"[^>]*>\s*<vt:lpwstr>([^<]{0,2000})</vt:lpwstr>')


def mark(workbook: Any, kind: str, source: str | None = None) -> None:
    """Mark an xlsxwriter workbook as omnisheet's output of `kind`, made from `source`."""
    workbook.set_custom_property(OUTPUT_PROPERTY, kind)
    if source:
        workbook.set_custom_property(SOURCE_PROPERTY, Path(source).name)


def read_mark(path: Path) -> tuple[str | None, str | None]:
    """(what omnisheet output this is, the plan it was made from) from the workbook's
    custom properties; (None, None) for anything else, unreadable files included (their
    check says what is wrong with them). Reads at most 64 KB of one part."""
    if path.suffix.lower() == ".ods":
        return _read_ods_mark(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None, None
    from ...read.safety import DEFAULT_LIMITS

    try:
        if path.stat().st_size > DEFAULT_LIMITS.max_file_bytes:
            return None, None  # refused by its check, not read here
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(_CUSTOM_PART)
            if info.file_size > _CUSTOM_LIMIT:
                return None, None
            with archive.open(info) as part:
                xml = part.read(_CUSTOM_LIMIT)
    except Exception:  # noqa: BLE001 - a damaged file is the check's to name, not this peek's
        return None, None
    props = {name.decode("utf-8", "replace"): value.decode("utf-8", "replace")
             for name, value in _PROPERTY.findall(xml)}
    return props.get(OUTPUT_PROPERTY), props.get(SOURCE_PROPERTY)


def _read_ods_mark(path: Path) -> tuple[str | None, str | None]:
    """read_mark of an .ods: its meta.xml's user-defined properties (at most 64 KB read)."""
    import html

    from ...read.safety import DEFAULT_LIMITS

    try:
        if path.stat().st_size > DEFAULT_LIMITS.max_file_bytes:
            return None, None
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("meta.xml")
            if info.file_size > _CUSTOM_LIMIT:
                return None, None
            xml = archive.read(info)
    except Exception:  # noqa: BLE001 - a damaged file is the check's to name, not this peek's
        return None, None
    props = {html.unescape(name.decode("utf-8", "replace")):
             html.unescape(value.decode("utf-8", "replace"))
             for name, value in _ODS_PROPERTY.findall(xml)}
    return props.get(OUTPUT_PROPERTY), props.get(SOURCE_PROPERTY)
