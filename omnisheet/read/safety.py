"""Vet a partner's spreadsheet file before any parser touches it.

Plans arrive by email, so a file may be encrypted, legacy, renamed, truncated or hostile
(zip bomb, XML entity attack). :func:`vet` looks at cheap evidence -- the file's first
bytes, the zip central directory, the start of each zip entry -- and either names the
workbook kind or raises :class:`UnreadableWorkbook` with one sentence
telling the user what is wrong and what to do.

Zip bombs are judged from the declared sizes in the central directory, before anything
is inflated. Only when those pass is each entry inflated once, as a stream of small pieces
that are counted and dropped (``Limits.verify_entries``), which catches entries that lie
about their size and damaged data. Nothing larger than one piece is ever held in memory.
The same pass counts the XML tags and the cells each sheet spans as python-calamine will
allocate them (``Limits.max_cells``): a single value in XFD1048576 would make calamine ask
for 512 GB at once and abort the process, while a declared ``<dimension>`` and formatted
empty cells or rows cost nothing and are not counted.
"""

from __future__ import annotations

import codecs
import errno
import io
import itertools
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from omnisheet.plan.model import column_letter, column_number
from omnisheet.template.errors import UnreadableWorkbook, refusal
from omnisheet.template.formatting import Phrase

__all__ = ["DEFAULT_LIMITS", "Limits", "check_xml_safe", "vet"]

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """Ceilings that stop a hostile file from exhausting memory, disk or time.

    A real plan workbook is a few MB at most; the defaults leave two orders of magnitude
    of headroom while keeping the worst case (openpyxl holds many times the XML size in
    memory) survivable.
    """

    max_file_bytes: int = 200 * MiB
    """Largest file on disk; bigger attachments are data dumps, not plans."""

    max_total_uncompressed_bytes: int = 1 * GiB
    """Sum of declared uncompressed sizes of all entries: about 10+ million cells of XML."""

    max_entry_uncompressed_bytes: int = 512 * MiB
    """Declared uncompressed size of any single entry (one sheet's XML)."""

    min_compression_ratio: float = 0.002
    """Compressed/uncompressed below this (better than 500:1) for a part over
    ``ratio_check_min_bytes`` is a bomb.

    The sizes above are what bound the harm: a part inflates to 512 MB at most and the
    whole to 1 GB, counted as it streams. This rule only refuses early what no spreadsheet
    program writes: deflate tops out near 1,030:1, reached by long runs of one byte. Of the
    parts over 1 MB in the 826 real files of the shared corpus, the most compressible are
    one sheet of repeated strings, 140:1 as .xlsb and 121:1 (54 MB) as .xlsx (Apache POI's
    100:1 rule refuses it); all others stay under 30:1.
    """

    ratio_check_min_bytes: int = 1 * MiB
    """Entries smaller than this skip the ratio rule: tiny parts can compress oddly well and
    cannot hurt anyone (POI uses a 100 KB grace size; 1 MB is looser still)."""

    max_entries: int = 10_000
    """Zip entries; Excel writes ~10 plus a handful per sheet, chart or image."""

    xml_prolog_bytes: int = 64 * KiB
    """How much of each entry is inflated to find where its XML root element starts.

    Spreadsheet programs put the root element within the first ~200 bytes; anything that
    hides it further (long comments before a DOCTYPE) is refused.
    """

    verify_entries: bool = True
    """After the directory passes, inflate every entry once (streaming, nothing kept) to
    prove it expands to exactly its declared size with the right CRC.

    The declared sizes can lie: ``ZipFile.read()`` (openpyxl reads small parts with it)
    inflates a whole entry before trimming it to the declared size, so a part declared as
    8 MB can still allocate gigabytes. This costs CPU in proportion to the declared sizes,
    which the limits above already cap; turn it off to look at headers only (the tags and
    cells are then not counted either).
    """

    max_cells: int = 10_000_000
    """Cells in all sheets together, each sheet counted from A1 to its last row and column
    that hold a value, which is what the reader allocates (python-calamine makes a dense
    grid of that size, ~32 bytes a cell, then omnisheet a Python list of it).

    Counted from the sheets' XML while it is verified (``verify_entries``), before any
    parser runs: a value in XFD1048576 alone asks for 17 billion cells, which makes
    calamine abort the process. Cells that are only formatted and rows that are only
    formatted hold no value, so they do not count, and neither does the ``<dimension>``
    a sheet declares. A 4× enterprise plan is about 2.5 million cells; 10 million take
    about 0.8 GB and 5 s to load."""

    max_xml_tags: int = 20_000_000
    """Tags (``<`` characters) in all XML parts together. Each costs every XML parser CPU
    time: counting a sheet's cells takes ~0.15 s per million tags, up to ~0.9 s where a
    sheet must be parsed tag by tag (no cell references, OpenDocument), and openpyxl
    (painted journey maps) about as much. A million empty formatted rows are a million
    tags; a 4× enterprise plan has about 12 million."""

    def __post_init__(self) -> None:
        for name in (
            "max_file_bytes",
            "max_total_uncompressed_bytes",
            "max_entry_uncompressed_bytes",
            "ratio_check_min_bytes",
            "max_entries",
            "xml_prolog_bytes",
            "max_cells",
            "max_xml_tags",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"Limits.{name} must be positive")
        if not 0 < self.min_compression_ratio < 1:
            raise ValueError("Limits.min_compression_ratio must be between 0 and 1")

    @property
    def max_central_directory_bytes(self) -> int:
        """Cap on the zip directory read into memory: 512 B per allowed entry (real: ~100 B).

        zipfile trusts the directory's byte size, not its entry count, so this also bounds
        how many entry objects a lying end record can make it build.
        """
        return self.max_entries * 512


# --- constants -------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HEAD_BYTES = 8 * KiB
_SCAN_CHUNK = 1 * MiB  # multiple of 128, so an OLE directory entry never straddles chunks
_READ_CHUNK = 4 * KiB
_PIECE = 64 * KiB  # most compressed or inflated bytes held at once per entry

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_LOCAL_HEADER_SIZE = 30

_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODF_KINDS = {  # an OpenDocument family, and the key of its name in words.refusals
    "text": "odt",
    "presentation": "odp",
    "graphics": "odg",
    "chart": "odf_chart",
    "formula": "odf_formula",
}
_OOXML_WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.addin.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "xlsb",
}
_OOXML_OTHER_DOCUMENTS = {  # the part that says what it is, and the key of its name
    "word/document.xml": "docx",
    "ppt/presentation.xml": "pptx",
    "visio/document.xml": "vsdx",
}
_COMPRESSION_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "XZ"}
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_SAFE_ENCODING = re.compile(
    r"utf-?8|utf-?16(-?[lb]e)?|(us-)?ascii|iso[-_]?8859-\d{1,2}|latin-?1|(windows|cp)-?125\d",
    re.IGNORECASE,
)
_ENCODING_DECL = re.compile(r"""encoding\s*=\s*["']([^"']*)["']""")


def _size(n: int) -> Phrase:
    """Human size with binary units, one decimal at most: '1.5 GB', '200 MB' ('1,5 Go')."""
    for unit, scale in (("gb", GiB), ("mb", MiB), ("kb", KiB)):
        if n >= scale:
            return refusal(f"size_{unit}", n=round(n / scale, 1))
    return refusal("size_bytes", n=str(n))  # under 1,024: no thousands to group


DEFAULT_LIMITS = Limits()


class _Refusal(Exception):
    """Internal: carries a reason (a key of `words.refusals` and its fields) up to
    :func:`vet`, which knows the path."""

    def __init__(self, reason: Phrase | str, **fields: object) -> None:
        self.reason = reason if isinstance(reason, Phrase) else refusal(reason, **fields)
        super().__init__(self.reason)


# --- public API ------------------------------------------------------------------------


def read_once(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The whole file, read once, bounded: what every reader of a plan is then handed.

    Refused before a byte is read, as :func:`vet` refuses them: a folder, anything that
    is not a regular file once opened (a FIFO opened without blocking, a device), an
    empty file, a file over ``limits.max_file_bytes``; reading stops past that size even
    if the file grows meanwhile."""
    p = Path(path)
    try:
        _metadata(p)
        try:
            handle = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except PermissionError:
            raise _Refusal(_PERMISSION) from None
        except OSError as exc:
            raise _Refusal(_os_error(exc)) from None
        with os.fdopen(handle, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):  # it was swapped for a FIFO or a device
                raise _Refusal("not_regular")
            if st.st_size == 0:
                raise _Refusal("empty")
            if st.st_size > limits.max_file_bytes:
                raise _Refusal("too_big", size=_size(st.st_size),
                               limit=_size(limits.max_file_bytes))
            data = f.read(limits.max_file_bytes + 1)
    except _Refusal as refused:
        raise UnreadableWorkbook(path, refused.reason) from None
    except OSError as exc:
        raise UnreadableWorkbook(path, _os_error(exc)) from None
    if len(data) > limits.max_file_bytes:
        raise UnreadableWorkbook(path, refusal("too_big", size=_size(len(data)),
                                               limit=_size(limits.max_file_bytes)))
    if not data:
        raise UnreadableWorkbook(path, refusal("empty"))
    return data


def vet(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *,
        data: bytes | None = None) -> str:
    """Return "xlsx", "xlsm" or "ods" for a safe-looking workbook, else raise UnreadableWorkbook.

    In order: file metadata, magic bytes, the zip central directory (bombs are refused here,
    before inflating anything), the workbook's identity, then each entry streamed once: its
    XML prolog is checked for entity declarations and, with ``limits.verify_entries``, its
    true size and CRC against the directory, its tags and the cells its sheets span.
    """
    try:
        if data is not None:  # the bytes read once (read_once): no second look at the disk
            return _vet_open_file(io.BytesIO(data), Path(path), limits, size=len(data))
        return _vet(Path(path), limits)
    except _Refusal as refused:
        raise UnreadableWorkbook(path, refused.reason) from None


def check_xml_safe(
    data: bytes, path: object = "<xml>", part: str = "XML data", limits: Limits = DEFAULT_LIMITS
) -> None:
    """Raise UnreadableWorkbook if ``data`` (the start of an XML part) declares a DTD/entities.

    Spreadsheet programs never write a DOCTYPE, and a DOCTYPE is the only place entities
    can be declared (billion laughs, SYSTEM "file:///etc/passwd"), so seeing one is reason
    enough to refuse. Only the prolog before the root element is examined, within the
    first ``limits.xml_prolog_bytes``; data that is not XML at all is left to the parser.
    """
    verdict = _scan_stream(io.BytesIO(data).read, limits.xml_prolog_bytes)
    problem = _xml_problem(verdict, part, limits.xml_prolog_bytes)
    if problem is not None:
        raise UnreadableWorkbook(path, problem)


def _metadata(p: Path) -> os.stat_result:
    """Refuse, from its metadata alone, what is no workbook file to open."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise _Refusal("no_file") from None
    except PermissionError:
        raise _Refusal(_PERMISSION) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Refusal("symlink_loop") from None
        raise _Refusal(_os_error(exc)) from None

    if stat.S_ISDIR(st.st_mode):
        if p.suffix.lower() == ".numbers":
            raise _Refusal(_NUMBERS)
        raise _Refusal("folder")
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block forever, /dev/zero never ends
        raise _Refusal("not_regular")
    return st


def _vet(p: Path, limits: Limits) -> str:
    _metadata(p)
    try:
        with open(p, "rb") as f:
            return _vet_open_file(f, p, limits)
    except PermissionError:
        raise _Refusal(_PERMISSION) from None
    except OSError as exc:
        raise _Refusal(_os_error(exc)) from None


def _vet_open_file(f: BinaryIO, p: Path, limits: Limits, size: int | None = None) -> str:
    if size is None:
        size = os.fstat(f.fileno()).st_size  # of the opened file, in case it changed
    if size == 0:
        raise _Refusal("empty")
    if size > limits.max_file_bytes:
        raise _Refusal("too_big", size=_size(size), limit=_size(limits.max_file_bytes))
    head = f.read(_HEAD_BYTES)
    if head.startswith(_OLE_MAGIC):
        raise _Refusal(_describe_ole(f))
    if head.startswith(_ZIP_MAGICS):
        return _vet_zip(f, size, p, limits)
    raise _Refusal(_describe_other(head, p))


# --- messages --------------------------------------------------------------------------

_PERMISSION = refusal("permission")
_NUMBERS = refusal("numbers")
_DAMAGED_ZIP = refusal("damaged_zip")


def _os_error(exc: OSError) -> Phrase:
    return refusal("os_error", why=exc.strerror or type(exc).__name__)


def _zip_bomb(detail: Phrase) -> Phrase:
    return refusal("zip_bomb", detail=detail)


def _too_large_inside(detail: Phrase) -> Phrase:
    return refusal("too_large_inside", detail=detail)


def _too_many(entries: int, limits: Limits) -> Phrase:
    return refusal("too_many_entries", entries=entries, limit=limits.max_entries)


# --- OLE compound files (legacy .xls, encrypted OOXML) ----------------------------------


def _describe_ole(f: BinaryIO) -> Phrase:
    """Name what an OLE compound file holds from its directory entries' names.

    Excel stores an encrypted .xlsx/.xlsm as an OLE file with EncryptionInfo and
    EncryptedPackage streams; a legacy .xls has a Workbook (Excel 97-2003) or Book
    (Excel 5.0/95) stream, whose first record says which; Quattro Pro's .qpw has a
    NativeContent_MAIN stream.
    """
    found = _ole_entries(f, _OLE_NAMES)
    if {"EncryptionInfo", "EncryptedPackage"} <= found.keys():
        return refusal("encrypted")
    stream = next((name for name in ("Workbook", "Book") if name in found), None)
    if stream is not None:
        version = _biff_version(f, found[stream]) or (8 if stream == "Workbook" else 5)
        return refusal("xls" if version >= 8 else "xls_95")
    if "NativeContent_MAIN" in found:
        return refusal("qpw")
    if "WordDocument" in found:
        return _not_a_spreadsheet("doc")
    if "PowerPoint Document" in found:
        return _not_a_spreadsheet("ppt")
    return refusal("ole_other")


def _not_a_spreadsheet(what: str, **fields: object) -> Phrase:
    """"This is <what>, not a spreadsheet": `what` a key of `words.refusals` too."""
    return refusal("not_a_spreadsheet", what=refusal(what, **fields))


_OLE_NAMES = (
    "EncryptionInfo",
    "EncryptedPackage",
    "Workbook",
    "Book",
    "NativeContent_MAIN",
    "WordDocument",
    "PowerPoint Document",
)
_BIFF_VERSIONS = {0x0600: 8, 0x0500: 5, 0x0400: 4, 0x0300: 3, 0x0200: 2}


def _ole_entries(f: BinaryIO, names: Iterable[str]) -> dict[str, int]:
    """Stream the file in chunks; return where each of ``names`` has its directory entry.

    A directory entry is a 128-byte record aligned to 128 bytes in the file: a UTF-16LE
    name (64 bytes), its byte length, then the object type. Checking alignment, length and
    type keeps the same text inside a stream's data from matching. No OLE library needed.
    """
    patterns: dict[bytes, str] = {}
    for name in names:
        for variant in (name, name.upper()):
            patterns[(variant + "\0").encode("utf-16-le")] = name
    found: dict[str, int] = {}
    f.seek(0)
    offset = 0
    while chunk := f.read(_SCAN_CHUNK):
        for pattern, name in patterns.items():
            start = chunk.find(pattern)
            while start >= 0 and name not in found:
                if (offset + start) % 128 == 0 and start + 67 <= len(chunk):
                    length, kind = struct.unpack_from("<HB", chunk, start + 64)
                    if length == len(pattern) and kind in (1, 2):  # storage or stream
                        found[name] = offset + start
                start = chunk.find(pattern, start + 2)
        if {"EncryptionInfo", "EncryptedPackage"} <= found.keys():
            break
        offset += len(chunk)
    return found


def _biff_version(f: BinaryIO, entry: int) -> int | None:
    """The BIFF version (8: Excel 97-2003, 5: Excel 5.0/95) in the first record (BOF) of
    the workbook stream whose directory entry is at ``entry``; None when it cannot tell.

    A stream of 4 KB or more starts at its first sector; a smaller one lies in the mini
    stream, 64-byte blocks along the root entry's chain of sectors, followed through the
    allocation table's first 109 sectors, which the header lists (a file up to ~7 MB of
    512-byte sectors: any small stream's). The walk is bounded, whatever the file says.
    """
    try:
        header = _read_at(f, 0, 512)
        shift, mini_shift = struct.unpack_from("<HH", header, 30)
        directory, = struct.unpack_from("<I", header, 48)
        cutoff, = struct.unpack_from("<I", header, 56)
        if not 7 <= shift <= 16 or mini_shift >= shift:
            return None
        per_table = (1 << shift) // 4  # allocation entries per sector
        start, size = struct.unpack("<II", _read_at(f, entry + 116, 8))
        if size >= cutoff:
            number, within = start, 0
        else:
            offset = start << mini_shift
            steps, within = offset >> shift, offset % (1 << shift)
            if steps > _MAX_CHAIN_STEPS:
                return None
            number, = struct.unpack("<I", _read_at(f, ((directory + 1) << shift) + 116, 4))
            for _ in range(steps):
                if number // per_table >= 109:
                    return None
                table, = struct.unpack_from("<I", header, 76 + 4 * (number // per_table))
                where = ((table + 1) << shift) + 4 * (number % per_table)
                number, = struct.unpack("<I", _read_at(f, where, 4))
                if number >= 0xFFFFFFFA:
                    return None
        record, length, version = struct.unpack(
            "<HHH", _read_at(f, ((number + 1) << shift) + within, 6))
    except (OSError, struct.error, OverflowError, ValueError):
        return None
    if record != 0x0809 or length < 4:
        return None
    return _BIFF_VERSIONS.get(version)


_MAX_CHAIN_STEPS = 1 << 14
"""Sectors followed along the mini stream's chain: 8 MB of 512-byte sectors, far more
than small streams take."""


def _read_at(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    return f.read(size)


# --- anything that is neither OLE nor zip ---------------------------------------------


def _describe_other(head: bytes, p: Path) -> Phrase:
    """Explain a file that is not a zip or OLE container: text, HTML, PDF or unknown."""
    if head.startswith(b"%PDF"):
        return refusal("pdf")
    old_format = _old_binary_format(head)
    if old_format:
        return old_format
    text = _as_text(head)
    if text is None:
        return _unknown_binary(p)
    low = text.lstrip("\ufeff \t\r\n").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in low and "<html" not in low:
        return refusal("xml_2003")
    if "opendocument.spreadsheet" in low and "office:document" in low:
        return refusal("fods")
    if low.startswith(("<!doctype html", "mime-version:")) or "<html" in low or "<table" in low:
        return refusal("html")
    if low.startswith("<"):
        return refusal("markup")
    if low.startswith("id;p"):
        return refusal("sylk")
    if re.match(r"table\r?\n0,1\r?\n", low):
        return refusal("dif")
    if low.startswith("{\\rtf"):
        return _not_a_spreadsheet("rtf")
    return refusal("text")


def _old_binary_format(head: bytes) -> Phrase | None:
    """Name an old binary spreadsheet from its first record: Excel 2.x-4.0 (a bare BIFF
    stream), Lotus 1-2-3, Quattro Pro, or Gnumeric (gzip-compressed XML)."""
    record, length, version = struct.unpack_from("<HHH", head.ljust(6, b"\0"))
    excel = {0x0009: "2.x", 0x0209: "3.0", 0x0409: "4.0"}.get(record)
    if excel and 4 <= length <= 16:
        book = record == 0x0409 and head[6:8] == b"\x00\x01"
        return refusal("excel_old_workbook" if book else "excel_old_worksheet", version=excel)
    lotus = record in (0x0000, 0x00FF) and length == 2 and version in (0x0404, 0x0405, 0x0406)
    if lotus or (record == 0 and length == 0x1A and 0x1000 <= version <= 0x10FF):
        return refusal("lotus")
    if record == 0 and length == 0x1A and version & 0x8000:
        return refusal("lotus_format")
    if record == 0 and length == 2 and version in (0x5120, 0x5121, 0x1001, 0x1002, 0x1007):
        return refusal("quattro_pro")
    if head.startswith(b"\x1f\x8b"):
        try:
            start = zlib.decompressobj(31).decompress(head, 4096)
        except zlib.error:
            start = b""
        return refusal("gnumeric" if b"gnumeric" in start.lower() else "gzip")
    return None


def _as_text(head: bytes) -> str | None:
    """Decode ``head`` if it looks like text, else None (binary)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if b"\0" in head:
        return None
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\v\x1a")
    if controls > len(head) // 100:
        return None  # binary noise has ~12% control bytes; latin-1 or UTF-8 text has none
    return codecs.getincrementaldecoder("utf-8")("replace").decode(head, final=False)


def _unknown_binary(p: Path) -> Phrase:
    suffix = p.suffix.lower()
    if p.name.startswith("~$"):
        return refusal("lock_file")
    if suffix == ".numbers":
        return _NUMBERS
    if suffix in (".xls", ".xlsb"):
        return refusal("misnamed_excel", suffix=suffix)
    return refusal("unknown_binary")


# --- zip containers ---------------------------------------------------------------------

# What zipfile and zlib raise on malformed input; all mean "damaged" to the user.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,  # includes UnicodeDecodeError for bad UTF-8 entry names
    OverflowError,
    struct.error,
    NotImplementedError,
    RuntimeError,
    IndexError,
    KeyError,
)


def _vet_zip(f: BinaryIO, size: int, p: Path, limits: Limits) -> str:
    """Check a zip's directory against the limits, identify the workbook, scan its XML."""
    directory = _read_end_record(f, size)
    if directory is None:
        raise _Refusal(_DAMAGED_ZIP)
    entries, cd_size = directory
    if entries > limits.max_entries:
        raise _Refusal(_too_many(entries, limits))
    if cd_size > limits.max_central_directory_bytes:
        raise _Refusal(_zip_bomb(refusal("directory_too_big", size=_size(cd_size),
                                         limit=_size(limits.max_central_directory_bytes))))
    try:
        zf = zipfile.ZipFile(f)
    except _ZIP_ERRORS:
        raise _Refusal(_DAMAGED_ZIP) from None
    with zf:  # only the directory is taken from zipfile; entries are read by _inflate
        infos = zf.infolist()
    _check_directory(infos, size, limits)
    try:
        kind = _identify(f, infos, p)
        tally = _Tally()
        for info in infos:
            _scan_entry(f, info, kind, limits, tally)
    except _ZIP_ERRORS:
        raise _Refusal(_DAMAGED_ZIP) from None
    return kind


def _read_end_record(f: BinaryIO, size: int) -> tuple[int, int] | None:
    """Return (entry count, central directory size) from the end record, or None if absent.

    Read before ``zipfile`` so that a directory with millions of entries is refused before
    Python reads it whole and builds an object per entry.
    """
    tail_len = min(size, _EOCD.size + 0xFFFF)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + _EOCD.size > len(tail):
        return None
    _, _, _, _, entries, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, pos)
    locator_at = size - tail_len + pos - _ZIP64_LOCATOR.size
    if (entries == 0xFFFF or 0xFFFFFFFF in (cd_size, cd_offset)) and locator_at >= 0:
        f.seek(locator_at)
        raw = f.read(_ZIP64_LOCATOR.size)
        if len(raw) == _ZIP64_LOCATOR.size:
            sig, _, record_at, _ = _ZIP64_LOCATOR.unpack(raw)
            if sig == b"PK\x06\x07" and record_at + _ZIP64_EOCD.size <= size:
                f.seek(record_at)
                fields = _ZIP64_EOCD.unpack(f.read(_ZIP64_EOCD.size))
                if fields[0] == b"PK\x06\x06":
                    entries, cd_size = fields[7], fields[8]
    return entries, cd_size


def _check_directory(infos: list[zipfile.ZipInfo], size: int, limits: Limits) -> None:
    """Judge the central directory alone: counts, names, sizes, ratios, overlaps, methods."""
    if len(infos) > limits.max_entries:
        raise _Refusal(_too_many(len(infos), limits))
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise _Refusal("duplicate_entry", part=info.filename)
        seen.add(info.filename)

    for info in infos:
        if info.file_size > limits.max_entry_uncompressed_bytes:
            raise _Refusal(_too_large_inside(refusal(
                "part_too_big", part=info.filename, size=_size(info.file_size),
                limit=_size(limits.max_entry_uncompressed_bytes))))
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed_bytes:
        raise _Refusal(_too_large_inside(refusal(
            "parts_too_big", size=_size(total),
            limit=_size(limits.max_total_uncompressed_bytes))))
    for info in infos:
        if (
            info.file_size > limits.ratio_check_min_bytes
            and info.compress_size < info.file_size * limits.min_compression_ratio
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _Refusal(_zip_bomb(refusal(
                "ratio", part=info.filename, compressed=_size(info.compress_size),
                size=_size(info.file_size), ratio=round(ratio),
                limit=round(1 / limits.min_compression_ratio))))

    ordered = sorted(infos, key=lambda i: i.header_offset)
    for here, after in itertools.pairwise(ordered):
        if here.header_offset + _LOCAL_HEADER_SIZE + here.compress_size > after.header_offset:
            raise _Refusal(_zip_bomb(refusal("overlap", part=here.filename,
                                             other=after.filename)))
    for info in infos:
        if info.header_offset + _LOCAL_HEADER_SIZE + info.compress_size > size:
            raise _Refusal(_DAMAGED_ZIP)
        if info.flag_bits & 0x41 or info.compress_type == 99:  # encrypted, strong, AES
            raise _Refusal("zip_password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            method = _COMPRESSION_NAMES.get(info.compress_type) or refusal(
                "compression_method", n=str(info.compress_type))
            raise _Refusal("compression", part=info.filename, method=method)
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise _Refusal(_DAMAGED_ZIP)


def _inflate(f: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Yield an entry's content in pieces of at most 64 KB, checking it against the directory.

    Reads the raw data itself rather than through zipfile, whose ``read()`` inflates a whole
    entry before trimming it to the declared size. Refuses as soon as the output exceeds
    the declared size; at the end, a wrong size or CRC means the data is damaged.
    """
    f.seek(info.header_offset)
    local = f.read(_LOCAL_HEADER_SIZE)
    if len(local) < _LOCAL_HEADER_SIZE or not local.startswith(b"PK\x03\x04"):
        raise _Refusal(_DAMAGED_ZIP)
    method, name_len, extra_len = struct.unpack_from("<H16xHH", local, 8)
    raw_name = f.read(name_len)
    name = raw_name.decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if method != info.compress_type or name != info.orig_filename:
        # streaming readers trust the local header: a mismatch can smuggle another entry
        raise _Refusal(_DAMAGED_ZIP)
    position = info.header_offset + _LOCAL_HEADER_SIZE + name_len + extra_len
    remaining = info.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if method == zipfile.ZIP_DEFLATED else None
    produced = crc = 0
    while remaining > 0 and not (inflater and inflater.eof):
        f.seek(position)
        data = f.read(min(_PIECE, remaining))
        if not data:
            raise _Refusal(_DAMAGED_ZIP)
        position, remaining = position + len(data), remaining - len(data)
        while data:
            piece = data if inflater is None else inflater.decompress(data, _PIECE)
            data = b"" if inflater is None or inflater.eof else inflater.unconsumed_tail
            produced += len(piece)
            if produced > info.file_size:
                raise _Refusal(_zip_bomb(refusal("beyond_declared", part=info.filename,
                                                 size=_size(info.file_size))))
            crc = zlib.crc32(piece, crc)
            if piece:
                yield piece
    if (inflater and not inflater.eof) or produced != info.file_size or crc != info.CRC:
        raise _Refusal(_DAMAGED_ZIP)


class _EntryReader:
    """File-like view of :func:`_inflate`: ``read(n)`` is short only at the entry's end."""

    def __init__(self, f: BinaryIO, info: zipfile.ZipInfo) -> None:
        self._pieces = _inflate(f, info)
        self._buffer = b""
        self._given: list[bytes] = []  # what read() returned: the prolog, at most 64 KB

    def read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        self._given.append(data)
        return data

    def drain(self) -> None:
        """Inflate the rest, so the size and CRC checks at the end run."""
        for _ in self._pieces:
            pass

    def replay(self) -> Iterator[bytes]:
        """The whole entry from its first byte: what read() gave, then the rest, inflated."""
        head, self._given = b"".join(self._given), []
        if head or self._buffer:
            yield head + self._buffer
        self._buffer = b""
        yield from self._pieces


def _read_small(f: BinaryIO, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Inflate at most ``limit`` bytes of an entry."""
    return _EntryReader(f, info).read(limit)


def _identify(f: BinaryIO, infos: list[zipfile.ZipInfo], p: Path) -> str:
    """Decide xlsx/xlsm/ods from entry names (and two tiny parts), or raise _Refusal."""
    by_lower = {info.filename.lower(): info for info in infos}
    names = set(by_lower)

    if "mimetype" in names:
        mimetype = _read_small(f, by_lower["mimetype"], 256).decode("ascii", "replace").strip()
        if mimetype == _ODS_MIMETYPE:
            return _identify_ods(f, by_lower)
        prefix = "application/vnd.oasis.opendocument."
        if mimetype.startswith(prefix):
            family = mimetype[len(prefix) :].split("-")[0]
            if family == "spreadsheet":  # a template (.ots)
                raise _Refusal("ots")
            if family in _ODF_KINDS:
                raise _Refusal(_not_a_spreadsheet(_ODF_KINDS[family]))
            raise _Refusal(_not_a_spreadsheet("odf_other", mimetype=mimetype))

    if "[content_types].xml" in names:
        raw_types = _read_small(f, by_lower["[content_types].xml"], 1 * MiB)
        types = raw_types.decode("utf-8", "replace").lower()
        declared = {kind for ct, kind in _OOXML_WORKBOOK_TYPES.items() if ct in types}
        if "xlsb" in declared or "xl/workbook.bin" in names:
            raise _Refusal("xlsb")
        if declared or "xl/workbook.xml" in names:
            macro = "xlsm" in declared or any(n.endswith("vbaproject.bin") for n in names)
            return "xlsm" if macro else "xlsx"
        for part, what in _OOXML_OTHER_DOCUMENTS.items():
            if part in names:
                raise _Refusal(_not_a_spreadsheet(what))
        raise _Refusal("office_no_workbook")

    if "xl/workbook.xml" in names:
        raise _Refusal("no_content_types")
    if "content.xml" in names and "meta-inf/manifest.xml" in names:
        raise _Refusal("ods_no_mimetype")
    numbers_parts = any(
        n == "index.zip" or (n.startswith("index/") and n.endswith(".iwa")) for n in names
    )
    if numbers_parts or p.suffix.lower() == ".numbers":
        raise _Refusal(_NUMBERS)
    for info in infos:
        if info.filename.lower().endswith((".xlsx", ".xlsm", ".ods", ".xls")):
            raise _Refusal("zipped_workbook", part=info.filename)
    raise _Refusal("zip_no_spreadsheet")


def _identify_ods(f: BinaryIO, by_lower: dict[str, zipfile.ZipInfo]) -> str:
    """Confirm an ODS: not encrypted, and has a content.xml."""
    manifest = by_lower.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in _read_small(f, manifest, 4 * MiB):
        raise _Refusal("encrypted_ods")
    if "content.xml" not in by_lower:
        raise _Refusal("ods_no_content")
    return "ods"


# --- XML prolog scanning ----------------------------------------------------------------


# --- sizing the sheets' grids -----------------------------------------------------------

_MAX_PENDING_MARKUP = 16 * MiB
"""Most bytes expat may hold for one unfinished tag, comment or CDATA section; real parts
have none above a few hundred KB, and a longer one would be buffered whole by every parser."""
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_U32 = 2**32  # calamine keeps positions in u32; anything this far is refused anyway
_SHEET_MARKERS = ("sheetData", "table-row")  # what calamine looks for in xlsx / ods parts
_ODS_VALUE_ATTRIBUTES = frozenset(
    ("value", "string-value", "date-value", "time-value", "boolean-value", "value-type", "formula")
)


@dataclass
class _Tally:
    """Running totals over one workbook's XML parts."""

    cells: int = 0
    tags: int = 0


def _repeat(value: str) -> int:
    """An ODS number-*-repeated count as calamine reads it (it fails on what is not a count)."""
    try:
        return min(max(int(value), 1), _U32)
    except ValueError:
        return 1


class _GridSizer:
    """Follows one XML part's tags as python-calamine reads them and sizes its grids.

    calamine ignores the ``<dimension>`` a sheet declares and keeps only cells with a value,
    but then allocates a dense grid from the first to the last of them, 32 bytes a cell;
    omnisheet lists each sheet from A1. So a grid is counted here from A1 to the last row
    and column that may hold a value, everywhere calamine would look, and never less:

    * SpreadsheetML, inside ``sheetData``: a ``<row>`` is placed by its ``r`` or after the
      previous row, a ``<c>`` by its ``r`` or after the previous cell; a cell with any child
      element (``<v>``, ``<is>``, ``<f>``) may hold a value. Formatted empty cells
      (``<c r="A1" s="1"/>``) and formatted rows size nothing, as in calamine.
    * OpenDocument, inside ``table:table``: rows and cells advance by their
      ``number-rows-repeated`` / ``number-columns-repeated``; a cell with a value, value
      type or formula attribute holds a value, repeated as often as it says.

    Element and attribute names are compared without their prefix, which can only count
    more than calamine, which wants exact names. Running totals go into ``tally``; the
    moment they pass ``limits.max_cells`` the part is refused. The handlers are closures
    over local state because expat calls them for every tag.
    """

    def __init__(self, part: str, limits: Limits, tally: _Tally) -> None:
        self.part, self.limit, self.tally = part, limits.max_cells, tally
        self.seen_sheet = False  # a sheetData or table-row met: calamine may read this part
        self.start, self.end = self._handlers()

    def _handlers(
        self,
    ) -> tuple[Callable[[str, dict[str, str]], None], Callable[[str], None]]:
        other, cell, row_tag, data, table_tag, table_row, table_cell = range(7)
        kinds = {"c": cell, "row": row_tag, "sheetData": data, "table": table_tag,
                 "table-row": table_row, "table-cell": table_cell,
                 "covered-table-cell": table_cell}
        known: dict[str, int] = {}  # expat interns names, so each is split once
        columns_of: dict[str, int] = {}  # column letters -> calamine's 0-based column
        in_data = False
        row = 0  # calamine's row_index, 0-based
        # calamine's col_index, kept lazily (most cells are empty or not far): the reference
        # of the last cell of this row that had one, and how many cells ended since it
        anchor: str | None = None
        since = 0
        pending = False  # a <c> has started and shown no content yet; where it is:
        pending_anchor: str | None = None
        pending_since = pending_row = 0
        rows = columns = 0  # the part's SpreadsheetML grid, from A1
        # OpenDocument tables, innermost last: [rows so far, grid rows, grid columns,
        # columns so far in the current row]
        tables: list[list[int]] = []

        def kind_of(name: str) -> int:
            kind = known[name] = kinds.get(name.rpartition(":")[2], other)
            return kind

        def place() -> None:
            """The pending cell may hold a value: grow the grid to hold it."""
            nonlocal rows, columns
            row_at, column_at = pending_row, pending_since
            if pending_anchor is not None:
                digits = pending_anchor.lstrip(_LETTERS)
                letters = pending_anchor[: len(pending_anchor) - len(digits)]
                found = columns_of.get(letters)
                if found is None and letters:
                    found = columns_of[letters] = _position(
                        column_number(letters) if len(letters) < 8 else _U32)
                if found is not None and digits.isdigit() and digits.isascii():
                    column_at = found + pending_since
                    if not pending_since:  # the cell's own reference gives its row too
                        row_at = _position(int(digits))
                # else calamine gives up on the sheet: any count will do
            if row_at >= rows or column_at >= columns:
                new_rows, new_columns = max(rows, row_at + 1), max(columns, column_at + 1)
                self._add(new_rows * new_columns - rows * columns, new_rows, new_columns)
                rows, columns = new_rows, new_columns

        def start(name: str, attributes: dict[str, str]) -> None:
            nonlocal in_data, row, anchor, since, pending, pending_anchor, pending_since
            nonlocal pending_row
            if pending:  # a child of a <c>: the cell may hold a value
                pending = False
                place()
            kind = known.get(name)
            if kind is None:
                kind = kind_of(name)
            if not kind:
                return
            if in_data and kind == cell:
                reference = attributes.get("r")
                if reference is not None:
                    anchor, since = reference, 0
                pending, pending_anchor, pending_since, pending_row = True, anchor, since, row
            elif in_data and kind == row_tag:
                reference = attributes.get("r")
                if reference is not None:
                    digits = reference.lstrip(_LETTERS)
                    if digits.isdigit() and digits.isascii():
                        row = _position(int(digits))
            elif kind == data:
                in_data = self.seen_sheet = True
            elif kind == table_tag:
                tables.append([0, 0, 0, 0])
            elif tables:
                ods(kind, attributes)

        def ods(kind: int, attributes: dict[str, str]) -> None:
            table = tables[-1]
            if kind == table_row:
                self.seen_sheet = True
                repeats = 1
                for key, value in attributes.items():
                    if key.rpartition(":")[2] == "number-rows-repeated":
                        repeats = _repeat(value)
                table[0] += repeats
                table[3] = 0
            elif kind == table_cell:
                repeats, valued = 1, False
                for key, value in attributes.items():
                    key = key.rpartition(":")[2]
                    if key == "number-columns-repeated":
                        repeats = _repeat(value)
                    elif key in _ODS_VALUE_ATTRIBUTES:
                        valued = True
                table[3] += repeats
                if valued and (table[0] > table[1] or table[3] > table[2]):
                    new_rows, new_columns = max(table[1], table[0]), max(table[2], table[3])
                    self._add(new_rows * new_columns - table[1] * table[2], new_rows,
                              new_columns)
                    table[1], table[2] = new_rows, new_columns

        def end(name: str) -> None:
            nonlocal in_data, row, anchor, since, pending
            kind = known.get(name)
            if not kind:
                return  # a <v>, <t>...: always seen at their start first
            if kind == cell:
                pending = False
                since += 1
            elif kind == row_tag:
                row += 1
                anchor, since = None, 0
            elif kind == data:
                in_data = False
            elif kind == table_tag and tables:
                tables.pop()  # its cells stay counted in the tally

        return start, end

    def _add(self, cells: int, rows: int, columns: int) -> None:
        self.tally.cells += cells
        if self.tally.cells > self.limit:
            corner = f"{column_letter(min(columns, _U32)) or 'A'}{min(rows, _U32)}"
            raise _Refusal("too_many_cells", limit=self.limit, part=self.part, corner=corner)


def _position(number: int) -> int:
    """A 1-based row or column number as calamine's 0-based u32: 0 wraps to the end."""
    return number - 1 if 0 < number <= _U32 else _U32 - 1


def _size_grids(
    f: BinaryIO, reader: _EntryReader, info: zipfile.ZipInfo, limits: Limits, tally: _Tally
) -> None:
    """Inflate the rest of an XML entry, counting its tags and the cells its grids span.

    Sheets written by spreadsheet programs give every cell its reference (``<c r="B7"``),
    which :func:`_quick_cells` reads with a few C-speed searches; only a part where that
    proves nothing, or whose quick count would pass the limit (it counts formatted empty
    cells too), is inflated again and parsed tag by tag with :class:`_GridSizer`.
    """
    pieces = reader.replay()
    first = next(pieces, b"")
    if sniff_codec(first)[0] == "utf-8":
        quick = _quick_cells(itertools.chain([first], pieces), limits, tally)
        if quick is not None and tally.cells + quick <= limits.max_cells:
            tally.cells += quick
            return
        pieces = _inflate(f, info)
        first = next(pieces, b"")
        count_tags = False
    else:
        count_tags = True
    _parse_grids(itertools.chain([first], pieces), info, limits, tally, count_tags)


# What makes a part's quick count unsure: a <c> start tag without a plain r first (a
# prefixed one, another attribute first, a name ended by a tab or newline, an r that is
# not LETTERS DIGITS or is in row 0), or OpenDocument rows.
_UNSURE = (
    re.compile(rb":c[\s/>]"),
    re.compile(rb'<c(?:[\t\n\r/>]| (?!r="[A-Za-z]{1,7}[1-9][0-9]{0,9}"))'),
)
# The reference of a cell that may hold a value: all but those proved empty, self-closing
# (<c r="A1" s="1"/>) or closed at once (<c r="A1" s="1"></c>), with attribute values free
# of < and >, so that no parser could read the tag another way.
_VALUED_CELL_REFERENCE = re.compile(
    rb'<c r="([A-Za-z]{1,7})([0-9]{1,10})"'
    rb"""(?!(?:\s+[^\s=/>"'<]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*+\s*(?:/>|>\s*</c\s*>))"""
)


def _count_tags(piece: bytes, limits: Limits, tally: _Tally) -> None:
    tally.tags += piece.count(b"<")
    if tally.tags > limits.max_xml_tags:
        raise _Refusal("too_many_tags", limit=limits.max_xml_tags)


def _quick_cells(pieces: Iterable[bytes], limits: Limits, tally: _Tally) -> int | None:
    """Cells from A1 to the farthest cell that may hold a value, or None if unsure.

    When every start tag of a ``c`` element (however its name ends: space, tab, newline,
    ``/`` or ``>``) begins ``<c r="LETTERS DIGITS"``, calamine places every cell by that
    reference, so the farthest reference of a cell not proved empty bounds its grid,
    whatever else the part holds. The answer may count a few formatted empty cells that
    the searches cannot prove empty, never fewer cells than calamine's grid. The last cell
    of a piece, or a tag cut at its end, is carried to the next one.
    """
    last_row = last_column = 0
    columns_of: dict[bytes, int] = {}

    def scan(chunk: bytes) -> bool:
        nonlocal last_row, last_column
        if b"table-row" in chunk or any(unsure.search(chunk) for unsure in _UNSURE):
            return False
        found = _VALUED_CELL_REFERENCE.findall(chunk)
        if found:
            letters, rows = zip(*found, strict=True)
            last_row = max(last_row, *map(int, rows))
            for name in set(letters).difference(columns_of):
                columns_of[name] = column_number(name.decode())
                last_column = max(last_column, columns_of[name])
        return True

    carry, sure = b"", True
    for piece in pieces:
        _count_tags(piece, limits, tally)
        if not sure:
            continue  # still inflated to the end: the CRC and tag count must be checked
        data, carry = carry + piece, b""
        # a cell starting near the end goes on with what follows it (<c r="A1"></c>)
        cut = data.rfind(b"<c", max(len(data) - 256, 0))
        if cut < 0:
            cut = data.rfind(b"<")
            if data.find(b">", cut) >= 0:
                cut = -1
        if cut >= 0:
            data, carry = data[:cut], data[cut:]
        # past 16 MB without a tag's end, let expat tell a long text from a long tag
        sure = len(carry) <= _MAX_PENDING_MARKUP and scan(data)
    if not sure or (carry and not scan(carry)):
        return None
    return last_row * last_column


def _parse_grids(
    pieces: Iterable[bytes], info: zipfile.ZipInfo, limits: Limits, tally: _Tally,
    count_tags: bool,
) -> None:
    """Feed an XML entry to expat with a :class:`_GridSizer`, which counts its grids' cells.

    The XML is read as ISO-8859-1 whatever it declares (markup and cell references are
    ASCII, values are not needed), so no encoding error can stop the count; UTF-16 is left
    to expat's own detection. If expat finds the part malformed, calamine (more lenient)
    might still read it, so it is refused if it holds what calamine looks for in a sheet.
    """
    pieces = iter(pieces)
    first = next(pieces, b"")
    codec = sniff_codec(first)[0]
    markers = {m.encode(e) for m in _SHEET_MARKERS for e in ("ascii", codec)}
    if codec == "utf-8":
        first = first.removeprefix(codecs.BOM_UTF8)
    sizer = _GridSizer(info.filename, limits, tally)
    parser = expat.ParserCreate("ISO-8859-1" if codec == "utf-8" else None)
    parser.StartElementHandler = sizer.start
    parser.EndElementHandler = sizer.end
    fed, well_formed, tail = 0, True, b""
    for piece in itertools.chain([first], pieces):
        if count_tags:
            _count_tags(piece, limits, tally)
        if well_formed:
            try:
                parser.Parse(piece, False)
            except expat.ExpatError:
                well_formed = False
            else:
                fed += len(piece)
                if fed - max(parser.CurrentByteIndex, 0) > _MAX_PENDING_MARKUP:
                    raise _Refusal("tag_too_long", part=info.filename,
                                   limit=_size(_MAX_PENDING_MARKUP))
                continue
        window, tail = tail + piece, piece[-16:]  # after the error: search what is left
        if not sizer.seen_sheet and any(marker in window for marker in markers):
            sizer.seen_sheet = True
    if well_formed:
        try:
            parser.Parse(b"", True)
        except expat.ExpatError:
            well_formed = False
    if not well_formed and sizer.seen_sheet:
        raise _Refusal("not_well_formed", part=info.filename)

_OK, _MORE, _NOT_XML, _DOCTYPE, _TOO_LONG = "ok", "more", "not-xml", "doctype", "too-long"
_Verdict = str | tuple[str, str]  # one of the above, or ("encoding", name)


def _scan_entry(
    f: BinaryIO, info: zipfile.ZipInfo, kind: str, limits: Limits, tally: _Tally | None = None
) -> None:
    """Refuse if this entry's XML prolog is hostile, or an *.xml part is not XML at all.

    Every entry is examined, not only *.xml: OOXML finds parts through relationships and
    content types, so a sheet could be stored under any name. Entries that do not start
    like XML are binary (images, vbaProject.bin) and pass, unless their name says XML.
    With ``limits.verify_entries``, an XML entry is also parsed as it is inflated, to count
    its tags and the cells its sheets span (:class:`_GridSizer`), into ``tally``.
    """
    if info.is_dir() or info.file_size == 0:
        return  # LibreOffice writes empty parts (Configurations2/accelerator/current.xml)
    reader = _EntryReader(f, info)
    verdict = _scan_stream(reader.read, limits.xml_prolog_bytes)
    if limits.verify_entries:
        if verdict == _OK:
            _size_grids(f, reader, info, limits, tally or _Tally())
        else:
            reader.drain()
    if verdict == _NOT_XML:
        if info.filename.lower().endswith(_XML_SUFFIXES):
            raise _Refusal("ods_not_xml" if kind == "ods" else "workbook_not_xml",
                           part=info.filename)
        return
    problem = _xml_problem(verdict, info.filename, limits.xml_prolog_bytes)
    if problem is not None:
        raise _Refusal(problem)


def _xml_problem(verdict: _Verdict, name: str, limit: int) -> Phrase | None:
    """Turn a scan verdict into a refusal reason; None when there is nothing to fear."""
    if verdict == _DOCTYPE:
        return refusal("doctype", part=name)
    if verdict == _TOO_LONG:
        return refusal("long_prolog", part=name, limit=_size(limit))
    if isinstance(verdict, tuple):
        return refusal("encoding", part=name, encoding=verdict[1])
    return None


def sniff_codec(start: bytes) -> tuple[str, int]:
    """Pick a decoder and BOM length the way an XML parser autodetects the encoding."""
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if start.startswith((codecs.BOM_UTF32_LE, b"<\0\0\0")):  # before UTF-16: same prefix
        return "utf-32-le", 4 if start.startswith(codecs.BOM_UTF32_LE) else 0
    if start.startswith((codecs.BOM_UTF32_BE, b"\0\0\0<")):
        return "utf-32-be", 4 if start.startswith(codecs.BOM_UTF32_BE) else 0
    if start.startswith(b"\x4c\x6f\xa7\x94"):  # '<?xm' in EBCDIC, which libxml2 detects
        return "cp037", 0
    if start.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if start.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if start.startswith(b"<\0"):
        return "utf-16-le", 0
    if start.startswith(b"\0<"):
        return "utf-16-be", 0
    return "utf-8", 0  # an ASCII-compatible view is enough to find markup


def _scan_stream(read: Callable[[int], bytes], limit: int) -> _Verdict:
    """Inflate/decode up to ``limit`` bytes via ``read`` until the prolog's fate is known.

    ``read(n)`` returns fewer than n bytes only at the end of the data (as _EntryReader
    and BytesIO do), which is how a real end is told apart from hitting the limit.
    """
    want = min(_READ_CHUNK, limit)
    data = read(want)
    got, eof = len(data), len(data) < want
    codec, bom = sniff_codec(data)
    decoder = codecs.getincrementaldecoder(codec)("replace")
    text = decoder.decode(data[bom:], final=eof)
    while True:
        verdict = _prolog_verdict(text, final=eof)
        if verdict != _MORE:
            return verdict
        if got >= limit:
            return _TOO_LONG
        want = min(_READ_CHUNK, limit - got)
        data = read(want)
        got, eof = got + len(data), len(data) < want
        text += decoder.decode(data, final=eof)


def _prolog_verdict(text: str, final: bool) -> _Verdict:
    """Walk the XML prolog (declaration, comments, PIs) up to the root element.

    A DOCTYPE can only appear before the root element, and entities can only be declared
    inside one, so reaching the root element without meeting ``<!`` proves the part free
    of them. ``final`` says ``text`` is the whole document.
    """
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if pos >= n:
            return _OK if final else _MORE
        if text[pos] != "<":
            return _NOT_XML
        if n - pos < 4 and not final:
            return _MORE
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                return _NOT_XML if final else _MORE
            declared = _ENCODING_DECL.search(text, pos, end)
            if declared and text.startswith("<?xml", pos):
                encoding = declared.group(1).strip()
                if not _SAFE_ENCODING.fullmatch(encoding):
                    return ("encoding", encoding)
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return _NOT_XML if final else _MORE
            pos = end + 3
        elif text.startswith("<!", pos):
            return _DOCTYPE
        else:
            return _OK
