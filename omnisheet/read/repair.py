"""Mend, in memory, workbooks that Excel or LibreOffice open but python-calamine refuses.

:func:`omnisheet.grid.read_values` asks for a mended copy only after calamine failed on the
file as it is. Each mend is one a spreadsheet program makes silently when it opens such a
file, and none changes a value:

* a sheet that is not an ordinary worksheet, chart sheet or dialog sheet (an Excel 4 macro
  sheet in ``xl/macrosheets/``), or whose relationship is missing, is left out of the sheet
  list: calamine refuses the whole workbook for it, and a plan's tabs are worksheets;
* a sheet ``state`` other than visible, hidden or veryHidden (``state="show"``) is dropped;
* a ``<dimension>`` that is not an A1-style range (``ref="1:4"``) is dropped: it only
  declares a size, and cells are placed by their own references;
* XML parts in UTF-16 (Excel Mobile writes them) become UTF-8;
* in an OpenDocument ``content.xml``, whitespace between table, paragraph and office tags
  (pretty-printed XML; ODF says it means nothing there) is dropped.

The file on disk is never changed. The copy holds the XML parts only (images and macros are
not needed to read values), recompressed fast. It is made from a file that
:func:`omnisheet.safety.vet` passed (sizes, checksums, tags and cells counted), and no mend
makes a part larger.

:func:`damage` names, in a user's words, what is wrong with a workbook that stays
unreadable, where that can be told from its parts (a sheet whose part is missing...).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..template.errors import refusal
from ..template.facts import Phrase
from .safety import sniff_codec

__all__ = ["damage", "mended_copy"]

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELATIONSHIPS = "xl/_rels/workbook.xml.rels"
ODS_CONTENT = "content.xml"

_SHEET_FOLDERS = ("worksheets", "chartsheets", "dialogsheets")  # what calamine dispatches
_STATES = ("visible", "hidden", "veryHidden")
_PIECE = 1 << 16
_MAX_LIST_BYTES = 16 << 20  # workbook.xml or its relationships: read whole, so bounded
_HEAD = 1 << 14  # where a part's encoding, a sheet's <dimension>, a content.xml's indent show

_SHEET_TAG = re.compile(r"<(?:[\w.-]+:)?sheet\s[^<>]*>(?:\s*</(?:[\w.-]+:)?sheet\s*>)?")
_RELATIONSHIP_TAG = re.compile(r"<(?:[\w.-]+:)?Relationship\s[^<>]*>")
_ATTRIBUTE = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_STATE = re.compile(r"""\sstate\s*=\s*(?:"[^"]*"|'[^']*')""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["']([^"'<>]*)["']\s*/>""")
_A1_RANGE = re.compile(rb"[A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?")
_ENCODING = re.compile(r"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
# Whitespace before these tags lies between cells, rows or paragraphs, never inside text.
_ODS_GAP = re.compile(rb">\s+(?=</?table:|<text:[ph][\s/>]|</?office:)")


@dataclass
class _Sheet:
    """One ``<sheet>`` of workbook.xml and where its relationship leads."""

    name: str
    tag: str
    state: str | None
    relationship_type: str | None
    part: str | None  # as calamine resolves it, None when the relationship is missing

    @property
    def dispatchable(self) -> bool:
        """calamine knows a sheet by the folder its part is in, ``xl/worksheets/...``."""
        folders = self.part.split("/") if self.part else []
        return len(folders) > 2 and folders[1] in _SHEET_FOLDERS

    @property
    def is_worksheet(self) -> bool:
        return (self.relationship_type or "").rsplit("/", 1)[-1] == "worksheet"


@dataclass
class _Workbook:
    """What calamine reads of an Excel workbook before its sheets: names and parts."""

    names: set[str]
    text: str | None  # workbook.xml, decoded; None when it is missing
    has_relationships: bool
    sheets: list[_Sheet] = field(default_factory=list)


def mended_copy(path: Path, kind: str) -> io.BytesIO | None:
    """A mended copy of the workbook to give calamine, or None when no mend applies."""
    try:
        with zipfile.ZipFile(path) as archive:
            mends = _ods_mends(archive) if kind == "ods" else _xlsx_mends(archive)
            if not mends:
                return None
            return _copy(archive, mends)
    except Exception:  # a mend that fails is no mend: the user gets the unreadable line
        return None


def damage(path: Path, kind: str) -> Phrase | None:
    """Why this workbook cannot be read, when its parts tell (a reason), else None."""
    if kind == "ods":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = _read_workbook(archive)
    except Exception:  # nothing to tell: the caller says the workbook could not be read
        return None
    if workbook.text is not None and not workbook.has_relationships:
        return refusal("no_relationships", part=WORKBOOK_RELATIONSHIPS)
    for sheet in workbook.sheets:
        if sheet.is_worksheet and sheet.part is not None and sheet.part not in workbook.names:
            return refusal("sheet_part_missing", sheet=sheet.name, part=sheet.part)
    return None


# --- Excel workbooks ---------------------------------------------------------------------

_Mend = Callable[[Iterable[bytes]], Iterator[bytes]]


def _xlsx_mends(archive: zipfile.ZipFile) -> dict[str, _Mend]:
    """The parts to rewrite, each with its rewrite."""
    mends: dict[str, _Mend] = {}
    for info in archive.infolist():
        name = info.filename
        if not name.endswith((".xml", ".rels")):
            continue
        head = _head(archive, info)
        if sniff_codec(head)[0] != "utf-8":
            mends[name] = _to_utf8
        elif name.startswith("xl/worksheets/"):
            found = _DIMENSION.search(head)
            if found and not _A1_RANGE.fullmatch(found.group(1).strip()):
                mends[name] = _without_dimension
    workbook = _read_workbook(archive)
    if workbook.text is not None:
        mended = _mend_sheet_list(workbook)
        if mended != workbook.text:
            mends[WORKBOOK] = lambda _pieces, text=mended: iter([_utf8_xml(text)])
    return mends


def _read_workbook(archive: zipfile.ZipFile) -> _Workbook:
    """The sheet list and where each sheet's part is; raises ValueError for a workbook or
    relationships part too large to be real (these are a few KB)."""
    names = set(archive.namelist())
    for part in (WORKBOOK, WORKBOOK_RELATIONSHIPS):
        if part in names and archive.getinfo(part).file_size > _MAX_LIST_BYTES:
            raise ValueError(f"{part} is too large to mend")
    relationships: dict[str, tuple[str, str]] = {}
    has_relationships = WORKBOOK_RELATIONSHIPS in names
    if has_relationships:
        for tag in _RELATIONSHIP_TAG.findall(_text(archive.read(WORKBOOK_RELATIONSHIPS))):
            attributes = _attributes(tag)
            if "Id" in attributes:
                relationships[attributes["Id"]] = (
                    attributes.get("Type", ""), attributes.get("Target", ""))
    if WORKBOOK not in names:
        return _Workbook(names, None, has_relationships)
    text = _text(archive.read(WORKBOOK))
    workbook = _Workbook(names, text, has_relationships)
    for tag in _SHEET_TAG.findall(text):
        attributes = _attributes(tag)
        key = attributes.get("r:id", attributes.get("relationships:id"))
        relationship = relationships.get(key) if key else None
        workbook.sheets.append(_Sheet(
            name=attributes.get("name", ""),
            tag=tag,
            state=attributes.get("state"),
            relationship_type=relationship[0] if relationship else None,
            part=_part(relationship[1]) if relationship else None,
        ))
    return workbook


def _part(target: str) -> str:
    """A sheet's part name from its relationship's target, as calamine resolves it."""
    if target.startswith("/xl/"):
        return target[1:]
    return target if target.startswith("xl/") else f"xl/{target}"


def _mend_sheet_list(workbook: _Workbook) -> str:
    """workbook.xml without the sheets calamine cannot dispatch and that are no worksheet,
    and without sheet states it does not know."""
    text = workbook.text or ""
    for sheet in workbook.sheets:
        if not sheet.dispatchable and not sheet.is_worksheet:
            text = text.replace(sheet.tag, "", 1)
        elif sheet.state is not None and sheet.state not in _STATES:
            text = text.replace(sheet.tag, _STATE.sub("", sheet.tag, count=1), 1)
    return text


def _without_dimension(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The sheet without its ``<dimension>``, which sits in its first bytes."""
    pieces = iter(pieces)
    yield _DIMENSION.sub(b"", next(pieces, b""), count=1)
    yield from pieces


# --- OpenDocument ------------------------------------------------------------------------


def _ods_mends(archive: zipfile.ZipFile) -> dict[str, _Mend]:
    if ODS_CONTENT not in archive.namelist():
        return {}
    if not _ODS_GAP.search(_head(archive, archive.getinfo(ODS_CONTENT))):
        return {}
    return {ODS_CONTENT: _without_gaps}


def _without_gaps(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """content.xml without whitespace between structural tags, piece by piece: from the last
    ``>`` of a piece on, the text is kept for the next one, so a gap is never cut in two; the
    tags before that ``>`` are whole, so the look at what follows a gap sees its tag's name."""
    carry = b""
    for piece in pieces:
        data = carry + piece
        cut = data.rfind(b">")
        if cut < 0:
            carry = data
            continue
        yield _ODS_GAP.sub(b">", data[: cut + 1])[:-1]
        carry = data[cut:]
    yield _ODS_GAP.sub(b">", carry)


# --- text and copying --------------------------------------------------------------------


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part's first bytes: enough to tell what to mend, little to inflate in each part."""
    with archive.open(info) as part:
        return part.read(_HEAD)


def _text(data: bytes) -> str:
    """An XML part as text; bytes that are not UTF-8 survive a round trip unchanged."""
    codec, bom = sniff_codec(data)
    errors = "surrogateescape" if codec == "utf-8" else "replace"
    return data[bom:].decode(codec, errors)


def _utf8_xml(text: str) -> bytes:
    return _ENCODING.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8", "surrogateescape")


def _to_utf8(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """A UTF-16 part as UTF-8, piece by piece; its declaration (in its first piece) says so."""
    pieces = iter(pieces)
    first = next(pieces, b"")
    codec, bom = sniff_codec(first)
    decoder = codecs.getincrementaldecoder(codec)("replace")
    yield _utf8_xml(decoder.decode(first[bom:]))
    for piece in pieces:
        yield decoder.decode(piece).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _attributes(tag: str) -> dict[str, str]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTRIBUTE.finditer(tag)}


def _needed(name: str) -> bool:
    """What calamine reads: XML parts and an OpenDocument's mimetype."""
    return name == "mimetype" or name.endswith((".xml", ".rels"))


def _copy(archive: zipfile.ZipFile, mends: dict[str, _Mend]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in archive.infolist():
            if info.is_dir() or not _needed(info.filename):
                continue
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = (zipfile.ZIP_STORED if info.filename == "mimetype"
                                   else zipfile.ZIP_DEFLATED)
            mend = mends.get(info.filename, lambda pieces: iter(pieces))
            with archive.open(info) as part, copy.open(entry, "w") as out:
                for piece in mend(iter(lambda part=part: part.read(_PIECE), b"")):
                    out.write(piece)
    buffer.seek(0)
    return buffer
