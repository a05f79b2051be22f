"""Generators of broken and hostile spreadsheet files, so none has to be committed.

Each factory takes a directory, writes one file there (or deliberately nothing) and
returns its path. ``ALL`` maps a case name to its factory for parametrised tests;
``GENUINE`` maps the expected kind to a factory of a valid workbook.

Bombs are built without ever holding their expanded content: a deflate block compressed
after a full flush does not depend on what came before, so one 1 MiB block of spaces is
compressed once and repeated, and only its CRC is computed over the full length.

``READABLE`` maps a case name to a factory of a plan that looks huge (a sheet claiming
A1:XFD1048576, a million formatted rows or cells) but holds a small plan, which must be
read as such; its sheets' XML is generated while it is compressed, a few MB on disk.
"""

from __future__ import annotations

import io
import math
import os
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from omnisheet.plan.model import column_letter

Factory = Callable[[Path], Path]

MiB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


# --- genuine workbooks ------------------------------------------------------------------

# An 8x8 red PNG, so a genuine workbook has a binary part next to its XML.
_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I4sIIBBBBB", 13, b"IHDR", 8, 8, 8, 2, 0, 0, 0)
    + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)))
)
_IDAT = zlib.compress(b"".join(b"\0" + b"\xff\x00\x00" * 8 for _ in range(8)))
_PNG += struct.pack(">I", len(_IDAT)) + b"IDAT" + _IDAT
_PNG += struct.pack(">I", zlib.crc32(b"IDAT" + _IDAT))
_PNG += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))


def genuine_xlsx(directory: Path, name: str = "plan.xlsx") -> Path:
    """A real workbook written by xlsxwriter, with an image (a binary part)."""
    path = directory / name
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("Journey")
        ws.write_row(0, 0, ["Stage", "Channel", "Budget"])
        ws.write_row(1, 0, ["Awareness", "Email", 1200])
        ws.insert_image("E2", "dot.png", {"image_data": io.BytesIO(_PNG)})
        wb.add_worksheet("Scores").write(0, 0, "ok")
    return path


def genuine_xlsm(directory: Path) -> Path:
    """A macro-enabled workbook: xlsxwriter copies any vbaProject.bin bytes verbatim."""
    path = directory / "plan.xlsm"
    with xlsxwriter.Workbook(str(path)) as wb:
        wb.add_worksheet().write(0, 0, "macro plan")
        wb.add_vba_project(io.BytesIO(_cfb({"dir": b"\x01" * 64})), is_stream=True)
    return path


_ODS_CONTENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
 xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Journey">
<table:table-row><table:table-cell office:value-type="string"><text:p>Channel \\ Stage</text:p>\
</table:table-cell><table:table-cell office:value-type="string"><text:p>I discover</text:p>\
</table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>Email</text:p>\
</table:table-cell><table:table-cell office:value-type="float" office:value="1200">\
<text:p>1200</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>
"""

_ODS_MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def genuine_ods(
    directory: Path,
    name: str = "plan.ods",
    *,
    content: bytes = _ODS_CONTENT,
    mimetype: bytes | None = ODS_MIMETYPE,
    manifest: bytes | None = None,
) -> Path:
    """A minimal valid ODS, laid out like LibreOffice's: mimetype first and stored."""
    path = directory / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if mimetype is not None:
            zf.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest or _ODS_MANIFEST % (mimetype or b""))
        zf.writestr("content.xml", content)
        zf.writestr("Configurations2/accelerator/current.xml", b"")  # LibreOffice writes it
    return path


GENUINE: dict[str, Factory] = {"xlsx": genuine_xlsx, "xlsm": genuine_xlsm, "ods": genuine_ods}


# --- helpers --------------------------------------------------------------------------


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _rewrite(
    src: Path,
    dst: Path,
    replace: dict[str, bytes] | None = None,
    rename: dict[str, str] | None = None,
) -> Path:
    """Copy a zip, swapping some entries' content and names."""
    replace, rename = replace or {}, rename or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info))
            zout.writestr(rename.get(info.filename, info.filename), data)
    if src != dst:
        src.unlink()
    return dst


def _patched_xlsx(directory: Path, name: str, replace: dict[str, bytes]) -> Path:
    built = genuine_xlsx(directory, "genuine-" + name)
    return _rewrite(built, directory / name, replace)


@dataclass
class _Raw:
    """A zip entry with precomputed compressed bytes, for zips zipfile cannot write."""

    name: str
    payload: list[bytes]  # compressed pieces, written in order
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    compressed_size: int = field(init=False)

    def __post_init__(self) -> None:
        self.compressed_size = sum(len(piece) for piece in self.payload)

    @classmethod
    def of(cls, name: str, data: bytes, **kwargs: int) -> _Raw:
        return cls(name, [_deflate(data)], zlib.crc32(data), len(data), **kwargs)


def _write_raw_zip(path: Path, entries: Iterable[_Raw], aliases: dict[str, str] | None = None):
    """Write a zip by hand; ``aliases`` adds directory records pointing at another entry."""
    local = struct.Struct("<4s5H3L2H")
    central = struct.Struct("<4s6H3L5H2L")
    date = ((2024 - 1980) << 9) | (1 << 5) | 1
    written: list[tuple[str, _Raw, int]] = []  # (name in directory, entry, local offset)
    with open(path, "wb") as out:
        for entry in entries:
            offset = out.tell()
            name = entry.name.encode()
            out.write(
                local.pack(
                    b"PK\x03\x04",
                    20,  # version needed
                    entry.flags,
                    entry.method,
                    0,  # time
                    date,
                    entry.crc,
                    entry.compressed_size,
                    entry.size,
                    len(name),
                    0,  # extra field length
                )
                + name
            )
            for piece in entry.payload:
                out.write(piece)
            written.append((entry.name, entry, offset))
        by_name = {name: (entry, offset) for name, entry, offset in written}
        for alias, target in (aliases or {}).items():
            written.append((alias, *by_name[target]))
        records = []
        for alias, entry, offset in written:
            name = alias.encode()
            records.append(
                central.pack(
                    b"PK\x01\x02",
                    20,  # version made by
                    20,  # version needed
                    entry.flags,
                    entry.method,
                    0,  # time
                    date,
                    entry.crc,
                    entry.compressed_size,
                    entry.size,
                    len(name),
                    *(0, 0, 0, 0, 0),  # extra and comment lengths, disk, attributes
                    offset,
                )
                + name
            )
        start = out.tell()
        for record in records:
            out.write(record)
        out.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                *(0, 0),  # this disk, directory's disk
                *(len(records), len(records)),  # entries on this disk, in total
                out.tell() - start,  # directory size
                start,  # directory offset
                0,  # comment length
            )
        )
    return path


def _entries_of(src: Path) -> list[_Raw]:
    with zipfile.ZipFile(src) as zf:
        return [_Raw.of(info.filename, zf.read(info)) for info in zf.infolist()]


def _sheet_of_spaces(mib: int, *, declared: int | None = None) -> _Raw:
    """A well-formed worksheet whose sheetData holds ``mib`` MiB of spaces, ~1 KB/MiB zipped.

    With ``declared``, the zip headers claim that size instead (and the CRC is not computed).
    """
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="' + SPREADSHEETML.encode() + b'"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    block = b" " * MiB
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = start.compress(head) + start.flush(zlib.Z_FULL_FLUSH)
    repeat = zlib.compressobj(9, zlib.DEFLATED, -15)
    middle = repeat.compress(block) + repeat.flush(zlib.Z_FULL_FLUSH)  # history-free block
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = end.compress(tail) + end.flush()
    payload = [first, *[middle] * mib, last]
    if declared is not None:
        return _Raw(SHEET, payload, 0, declared)
    crc = zlib.crc32(head)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return _Raw(SHEET, payload, crc, len(head) + mib * MiB + len(tail))


def _bomb_xlsx(directory: Path, name: str, mib: int, declared: int | None = None) -> Path:
    built = genuine_xlsx(directory, "genuine-" + name)
    sheet = _sheet_of_spaces(mib, declared=declared)
    entries = [sheet if e.name == SHEET else e for e in _entries_of(built)]
    built.unlink()
    return _write_raw_zip(directory / name, entries)


# --- OLE compound files -------------------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal valid OLE compound file (version 3, 512-byte sectors), streams at the root.

    Streams are padded to 4096 bytes so they live in regular sectors (no mini stream);
    up to three streams so the directory tree is trivially a valid red-black tree.
    """
    sector = 512
    items = sorted(
        ((name, data.ljust(4096, b"\0")) for name, data in streams.items()),
        key=lambda item: (len(item[0]), item[0].upper()),  # the order CFB trees use
    )
    assert 1 <= len(items) <= 3
    dir_sectors = math.ceil((1 + len(items)) * 128 / sector)
    data_sectors = [math.ceil(len(data) / sector) for _, data in items]
    fat = [_FREE] * (sector // 4)
    fat[0] = _FATSECT

    def chain(start: int, count: int) -> None:
        for i in range(start, start + count - 1):
            fat[i] = i + 1
        fat[start + count - 1] = _END

    chain(1, dir_sectors)
    starts, next_sector = [], 1 + dir_sectors
    for count in data_sectors:
        chain(next_sector, count)
        starts.append(next_sector)
        next_sector += count
    assert next_sector <= len(fat)

    entry = struct.Struct("<64sHBBLLL16sLQQLQ")

    def record(
        name: str, kind: int, color: int, left: int, right: int, child: int, start: int, size: int
    ) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return entry.pack(raw, len(raw), kind, color, left, right, child, b"", 0, 0, 0, start, size)

    mid = len(items) // 2  # tree root among children: middle, black; the others red
    directory = [record("Root Entry", 5, 1, _NOSTREAM, _NOSTREAM, 1 + mid, _END, 0)]
    for i, (name, data) in enumerate(items):
        left = 1 + i - 1 if i == mid and i > 0 else _NOSTREAM
        right = 1 + i + 1 if i == mid and i + 1 < len(items) else _NOSTREAM
        directory.append(
            record(name, 2, 1 if i == mid else 0, left, right, _NOSTREAM, starts[i], len(data))
        )
    unused = entry.pack(b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, b"", 0, 0, 0, 0, 0)
    directory += [unused] * (dir_sectors * sector // 128 - len(directory))

    header = struct.pack(
        "<8s16s5H6s9L109L",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"",  # CLSID
        *(0x3E, 3),  # minor and major version
        0xFFFE,  # byte order
        *(9, 6),  # sector and mini-sector shifts: 512 and 64 bytes
        b"",  # reserved
        0,  # directory sectors (always 0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,  # transaction signature
        4096,  # mini stream cutoff
        *(_END, 0),  # first mini FAT sector, count
        *(_END, 0),  # first DIFAT sector, count
        0,  # DIFAT[0]: the FAT is sector 0
        *[_FREE] * 108,
    )
    body = struct.pack(f"<{len(fat)}L", *fat) + b"".join(directory)
    body += b"".join(
        data.ljust(count * sector, b"\0")
        for (_, data), count in zip(items, data_sectors, strict=True)
    )
    return header + body


# --- the hostile and broken cases -----------------------------------------------------


def missing(directory: Path) -> Path:
    return directory / "missing.xlsx"


def a_directory(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    path.mkdir()
    return path


def numbers_package(directory: Path) -> Path:
    """Apple Numbers can save a document as a package folder."""
    path = directory / "plan.numbers"
    (path / "Index").mkdir(parents=True)
    (path / "Index" / "Document.iwa").write_bytes(b"\x00iwa")
    return path


def fifo(directory: Path) -> Path:
    """A named pipe: naively opening and reading it would block forever."""
    path = directory / "plan.xlsx"
    os.mkfifo(path)
    return path


def unreadable(directory: Path) -> Path:
    path = genuine_xlsx(directory)
    path.chmod(0)
    return path


def empty(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    path.write_bytes(b"")
    return path


def too_large(directory: Path) -> Path:
    """A sparse 201 MiB file: huge on paper, no disk used."""
    path = directory / "plan.xlsx"
    with open(path, "wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(201 * MiB)
    return path


def random_bytes(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    path.write_bytes(b"\x7f" + random.Random(1).randbytes(4095))
    return path


def random_bytes_xls(directory: Path) -> Path:
    path = directory / "plan.xls"
    path.write_bytes(b"\x7f" + random.Random(2).randbytes(4095))
    return path


def excel_lock_file(directory: Path) -> Path:
    """Excel's ~$ owner file, often attached by mistake next to the workbook."""
    path = directory / "~$plan.xlsx"
    user = b"Jane Partner"
    path.write_bytes(bytes([len(user)]) + user.ljust(53) + "Jane Partner".encode("utf-16-le"))
    return path


def pdf(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return path


def csv_renamed(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    path.write_text("stage,channel,budget\nawareness,email,1200\nconsideration,web,800\n")
    return path


def unicode_text_renamed(directory: Path) -> Path:
    """Excel's "Unicode Text" export: UTF-16 with BOM, tab-separated."""
    path = directory / "plan.xlsx"
    path.write_bytes("stage\tchannel\nawareness\temail\n".encode("utf-16"))
    return path


def html_renamed(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>Plan</title></head><body>\n"
        "<table><tr><td>stage</td><td>budget</td></tr></table></body></html>\n"
    )
    return path


def excel_2003_xml(directory: Path) -> Path:
    path = directory / "plan.xls"
    path.write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="Plan"/></Workbook>\n'
    )
    return path


def encrypted_xlsx(directory: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE file, not a zip."""
    info = struct.pack("<HHL", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack("<Q", 9000) + random.Random(3).randbytes(9000)
    path = directory / "plan.xlsx"
    path.write_bytes(_cfb({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


def legacy_xls(directory: Path) -> Path:
    """An Excel 97-2003 file: an OLE file whose Workbook stream holds BIFF8 records."""
    bof = struct.pack("<HHHHHHLL", 0x0809, 16, 0x0600, 0x0005, 0x1F5B, 1997, 0, 6)
    path = directory / "plan.xls"
    path.write_bytes(_cfb({"Workbook": bof + struct.pack("<HH", 0x000A, 0)}))
    return path


def legacy_doc(directory: Path) -> Path:
    path = directory / "plan.xls"
    path.write_bytes(_cfb({"WordDocument": b"\xec\xa5" + b"\0" * 30}))
    return path


def truncated_xlsx(directory: Path) -> Path:
    path = genuine_xlsx(directory)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupted_xlsx(directory: Path) -> Path:
    """Bytes flipped inside the sheet's compressed data, as by a bad disk or transfer."""
    path = genuine_xlsx(directory)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(SHEET)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(SHEET) + 4
    data[start : start + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    return path


def xlsx_without_content_types(directory: Path) -> Path:
    built = genuine_xlsx(directory, "genuine.xlsx")
    path = directory / "plan.xlsx"
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            if info.filename != "[Content_Types].xml":
                zout.writestr(info, zin.read(info))
    return path


def zip_without_workbook(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "the plan is attached separately\n")
        zf.writestr("photo.png", _PNG)
    return path


def zip_of_workbook(directory: Path) -> Path:
    """A workbook zipped again (as some mail gateways do), then named .xlsx."""
    inner = genuine_xlsx(directory, "inner.xlsx")
    path = directory / "plan.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(inner, "Q3 plan.xlsx")
    return path


def docx_renamed(directory: Path) -> Path:
    path = directory / "plan.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return path


def xlsb(directory: Path) -> Path:
    path = directory / "plan.xlsb"
    types = (
        '<?xml version="1.0"?><Types><Override PartName="/xl/workbook.bin" ContentType='
        '"application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


def numbers_file(directory: Path) -> Path:
    path = directory / "plan.numbers"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Index/Document.iwa", b"\x00\x10iwa")
        zf.writestr("Metadata/Properties.plist", b"bplist00")
    return path


def odt_renamed(directory: Path) -> Path:
    return genuine_ods(directory, "plan.ods", mimetype=b"application/vnd.oasis.opendocument.text")


def corrupt_ods(directory: Path) -> Path:
    """An ODS whose content.xml is garbage (e.g. a half-written save)."""
    return genuine_ods(directory, content=random.Random(4).randbytes(2048))


def truncated_ods(directory: Path) -> Path:
    path = genuine_ods(directory)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    return path


def ods_without_mimetype(directory: Path) -> Path:
    return genuine_ods(directory, mimetype=None)


def encrypted_ods(directory: Path) -> Path:
    """LibreOffice's 'save with password': manifest lists encryption data, content is noise."""
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        b'<manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry>'
        b"</manifest:manifest>"
    )
    return genuine_ods(directory, content=random.Random(5).randbytes(2048), manifest=manifest)


def duplicate_entries(directory: Path) -> Path:
    """Two sheet1.xml entries: readers disagree on which wins, so vetting one proves nothing."""
    built = genuine_xlsx(directory, "genuine.xlsx")
    entries = _entries_of(built)
    entries.append(_Raw.of(SHEET, b"<worksheet/>"))
    return _write_raw_zip(directory / "plan.xlsx", entries)


def zip_password(directory: Path) -> Path:
    """Entries flagged as zip-encrypted, which no spreadsheet program writes."""
    built = genuine_xlsx(directory, "genuine.xlsx")
    entries = _entries_of(built)
    for entry in entries:
        entry.flags |= 1
    return _write_raw_zip(directory / "plan.xlsx", entries)


def bzip2_entries(directory: Path) -> Path:
    built = genuine_xlsx(directory, "genuine.xlsx")
    path = directory / "plan.xlsx"
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    return path


def too_many_entries(directory: Path) -> Path:
    """10,001 tiny entries: each costs a Python object and a file handle to vet."""
    path = directory / "plan.xlsx"
    filler = [_Raw(f"xl/media/image{i}.png", [], 0, 0, zipfile.ZIP_STORED) for i in range(10_001)]
    return _write_raw_zip(path, filler)


def zip_bomb(directory: Path) -> Path:
    """A valid xlsx whose sheet expands to 1.5 GiB of spaces (~1.6 MB on disk)."""
    return _bomb_xlsx(directory, "plan.xlsx", mib=1536)


def ratio_bomb(directory: Path) -> Path:
    """Only 64 MiB expanded, under the size limits, but ~1000:1 compressed."""
    return _bomb_xlsx(directory, "plan.xlsx", mib=64)


def lying_sizes(directory: Path) -> Path:
    """1.5 GiB of spaces whose headers declare 8 MiB: the declared sizes and ratio look fine."""
    return _bomb_xlsx(directory, "plan.xlsx", mib=1536, declared=8 * MiB)


def wrong_crc(directory: Path) -> Path:
    """Content that does not match its checksum: damaged in transit or edited by hand."""
    built = genuine_xlsx(directory, "genuine.xlsx")
    entries = _entries_of(built)
    for entry in entries:
        if entry.name == SHEET:
            entry.crc ^= 0x5A5A
    return _write_raw_zip(directory / "plan.xlsx", entries)


def overlap_bomb(directory: Path) -> Path:
    """Many directory records sharing one compressed block (Fifield's 'better zip bomb')."""
    built = genuine_xlsx(directory, "genuine.xlsx")
    entries = _entries_of(built)
    aliases = {f"xl/worksheets/sheet{i}.xml": SHEET for i in range(3, 40)}
    return _write_raw_zip(directory / "plan.xlsx", entries, aliases)


_LAUGHS = "".join(
    f'  <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10)
)


def _sheet_with_doctype(doctype: str, cell: str, prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"{prolog}{doctype}\n"
        f'<worksheet xmlns="{SPREADSHEETML}"><sheetData><row r="1">'
        f'<c r="A1" t="inlineStr"><is><t>{cell}</t></is></c></row></sheetData></worksheet>'
    ).encode()


_BILLION_LAUGHS = '<!DOCTYPE worksheet [\n  <!ENTITY lol0 "lol">\n' + _LAUGHS + "]>"
_EXTERNAL = '<!DOCTYPE worksheet [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>'


def billion_laughs(directory: Path) -> Path:
    sheet = _sheet_with_doctype(_BILLION_LAUGHS, "&lol9;")
    return _patched_xlsx(directory, "plan.xlsx", {SHEET: sheet})


def external_entity(directory: Path) -> Path:
    sheet = _sheet_with_doctype(_EXTERNAL, "&xxe;")
    return _patched_xlsx(directory, "plan.xlsx", {SHEET: sheet})


def entity_after_comment(directory: Path) -> Path:
    """A DOCTYPE pushed past a naive 'first 64 KB' scan by a long comment."""
    sheet = _sheet_with_doctype(_EXTERNAL, "&xxe;", prolog="<!--" + "x" * 100_000 + "-->\n")
    return _patched_xlsx(directory, "plan.xlsx", {SHEET: sheet})


def entity_utf16(directory: Path) -> Path:
    """The same attack in UTF-16, invisible to a byte search for '<!DOCTYPE'."""
    text = _sheet_with_doctype(_EXTERNAL, "&xxe;").decode().replace("UTF-8", "UTF-16")
    return _patched_xlsx(directory, "plan.xlsx", {SHEET: text.encode("utf-16")})


def entity_in_renamed_part(directory: Path) -> Path:
    """The sheet stored as sheet1.dat: OOXML follows relationships, not file extensions."""
    built = genuine_xlsx(directory, "genuine.xlsx")
    with zipfile.ZipFile(built) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels").replace(b"sheet1.xml", b"sheet1.dat")
        types = zf.read("[Content_Types].xml").replace(b"sheet1.xml", b"sheet1.dat")
    sheet = _sheet_with_doctype(_EXTERNAL, "&xxe;")
    replace = {"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types, SHEET: sheet}
    rename = {SHEET: "xl/worksheets/sheet1.dat"}
    return _rewrite(built, directory / "plan.xlsx", replace, rename)


def exotic_encoding(directory: Path) -> Path:
    """An XML declaration switching to EBCDIC, where '<!DOCTYPE' has different bytes."""
    sheet = b'<?xml version="1.0" encoding="cp037"?>' + "<!DOCTYPE x>".encode("cp037")
    return _patched_xlsx(directory, "plan.xlsx", {SHEET: sheet})


def ods_entity(directory: Path) -> Path:
    doctype = b'<!DOCTYPE office:document-content [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    content = _ODS_CONTENT.replace(b"?>\n", b"?>\n" + doctype + b"\n", 1)
    return genuine_ods(directory, content=content)



# --- huge sheets: a declared dimension, formatted rows and cells, far-away values ------

LAST_ROW, LAST_COLUMN = 1_048_576, "XFD"  # the last cell of an Excel sheet
PAINTED = {"D4": "FFF2CC", "F4": "F4B084", "H4": "93C47D"}  # Google Sheets / Excel tints


def painted_plan(directory: Path, name: str = "painted.xlsx") -> Path:
    """A blank plan whose journey map has three touchpoints painted instead of given a
    status (the Google Sheets style), saved by openpyxl: reading it needs the fills."""
    import openpyxl
    from openpyxl.styles import PatternFill

    from omnisheet.outputs.workbook import blank_plan, write

    source = write(blank_plan("fr"), directory / f"blank-{name}")
    workbook = openpyxl.load_workbook(source)
    journey = workbook["Parcours client"]
    for row in journey.iter_rows(min_row=3, max_row=10):
        for cell in row[2::2]:
            cell.value = None  # no status chosen anywhere
    for ref, colour in PAINTED.items():
        journey[ref] = f"Point {ref}"
        journey[ref].fill = PatternFill("solid", fgColor=colour)
    path = directory / name
    workbook.save(path)
    source.unlink()
    return path


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip entry of its XML, from the workbook and its relationships."""
    workbook = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {i: t for t, i in re.findall(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?'
                                             r'Id="([^"]+)"', rels)}
    parts = {}
    for name, rid in re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', workbook):
        target = targets[rid].lstrip("/")
        parts[name] = target if target.startswith("xl/") else "xl/" + target
    return parts


def _restream(
    src: Path,
    dst: Path,
    *,
    dimension: str | None = None,
    sheet: str | None = None,
    rows: Callable[[int], Iterator[bytes]] | None = None,
) -> Path:
    """Copy an xlsx, giving every sheet ``dimension`` and appending what ``rows`` yields
    (given the sheet's last row number) to ``sheet``'s sheetData, written while compressed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED,
                                                      compresslevel=6) as zout:
        parts = _sheet_parts(zin)
        target = parts[sheet] if sheet else None
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in parts.values() and dimension:
                data = re.sub(rb"<dimension ref=\"[^\"]*\"/>",
                              f'<dimension ref="{dimension}"/>'.encode(), data)
            if info.filename != target or rows is None:
                zout.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>", 1)
            last = max((int(r) for r in re.findall(rb'<row r="(\d+)"', head)), default=0)
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(entry, "w") as out:
                out.write(head)
                batch: list[bytes] = []
                for chunk in rows(last):
                    batch.append(chunk)
                    if len(batch) == 10_000:
                        out.write(b"".join(batch))
                        batch.clear()
                out.write(b"".join(batch) + b"</sheetData>" + tail)
    return dst


def huge_dimension(directory: Path) -> Path:
    """Every sheet declares A1:XFD1048576 (17 billion cells) but holds a small plan."""
    plan = painted_plan(directory)
    return _restream(plan, directory / "plan.xlsx", dimension=f"A1:{LAST_COLUMN}{LAST_ROW}")


def formatted_rows(directory: Path) -> Path:
    """The journey map formatted down to row 1,048,576: a million empty formatted rows
    (<row r="n" s="1" customFormat="1"/>), 42 MB of XML, 2.6 MB on disk."""

    def rows(last: int) -> Iterator[bytes]:
        for r in range(last + 1, LAST_ROW + 1):
            yield b'<row r="%d" s="1" customFormat="1" ht="15" customHeight="1"/>' % r

    plan = painted_plan(directory)
    return _restream(plan, directory / "plan.xlsx", sheet="Parcours client", rows=rows)


def formatted_cells(directory: Path) -> Path:
    """The journey map with a million formatted empty cells (<c r="An" s="1"/>) down to
    row 1,048,576, the last one in XFD1048576: a style, no value."""

    def rows(last: int) -> Iterator[bytes]:
        for r in range(last + 1, LAST_ROW):
            yield b'<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"></c></row>' % (r, r, r)
        yield b'<row r="%d"><c r="%s%d" s="1"/></row>' % (LAST_ROW, LAST_COLUMN.encode(),
                                                         LAST_ROW)

    plan = painted_plan(directory)
    return _restream(plan, directory / "plan.xlsx", sheet="Parcours client", rows=rows)


def formatted_block_above_paint(directory: Path) -> Path:
    """120 rows of 16,384 formatted empty cells (2 million, the whole width) in the journey
    map, then a touchpoint painted like D4 below them: its fill is read past them all."""
    plan = painted_plan(directory)
    with zipfile.ZipFile(plan) as zf:
        sheet = zf.read(_sheet_parts(zf)["Parcours client"])
    style = re.search(rb'<c r="D4" s="(\d+)"', sheet).group(1)
    letters = [column_letter(c).encode() for c in range(1, 16_385)]

    def rows(last: int) -> Iterator[bytes]:
        for r in range(last + 1, last + 121):
            yield b'<row r="%d">' % r + b"".join(
                b'<c r="%s%d" s="1"/>' % (column, r) for column in letters) + b"</row>"
        r = last + 121
        yield (b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Vitrine</t></is></c>'
               b'<c r="D%d" s="%s" t="inlineStr"><is><t>Point bas</t></is></c></row>'
               % (r, r, r, style))

    return _restream(plan, directory / "plan.xlsx", sheet="Parcours client", rows=rows)


def ods_formatted_rows(directory: Path) -> Path:
    """What LibreOffice writes after a sheet's last row when whole columns are formatted:
    a million repeated rows of 16,384 repeated empty cells, with a style but no value."""
    return _ods_with_rows(directory, (
        b'<table:table-row table:style-name="ro1" table:number-rows-repeated="1048574">'
        b'<table:table-cell table:style-name="ce1" table:number-columns-repeated="16384"/>'
        b"</table:table-row>"
    ))


READABLE: dict[str, Factory] = {
    "huge_dimension": huge_dimension,
    "formatted_rows": formatted_rows,
    "formatted_cells": formatted_cells,
    "formatted_block_above_paint": formatted_block_above_paint,
    "ods_formatted_rows": ods_formatted_rows,
}


def far_away_value(directory: Path) -> Path:
    """One value in XFD1048576: calamine would allocate 17 billion cells (512 GB) at once,
    and abort the process."""
    far = b'<row r="%d"><c r="%s%d"><v>1</v></c></row>' % (LAST_ROW, LAST_COLUMN.encode(),
                                                            LAST_ROW)
    built = genuine_xlsx(directory, "genuine.xlsx")
    return _restream(built, directory / "plan.xlsx", sheet="Journey", rows=lambda _: iter([far]))


def far_values_without_references(directory: Path) -> Path:
    """The same reached without cell references: a row r="1048576" of 16,384 cells placed
    one after the other (<c><v>1</v></c>), as the format allows."""
    row = b'<row r="%d">' % LAST_ROW + b"<c><v>1</v></c>" * 16_384 + b"</row>"
    built = genuine_xlsx(directory, "genuine.xlsx")
    return _restream(built, directory / "plan.xlsx", sheet="Journey", rows=lambda _: iter([row]))


def ods_repeated_values(directory: Path) -> Path:
    """An OpenDocument row holding one value repeated 4,000 times, the row repeated 5,000
    times: 20 million cells from 200 bytes of XML."""
    return _ods_with_rows(directory, (
        b'<table:table-row table:number-rows-repeated="5000"><table:table-cell '
        b'table:number-columns-repeated="4000" office:value-type="float" office:value="1">'
        b"<text:p>1</text:p></table:table-cell></table:table-row>"
    ))


def _ods_with_rows(directory: Path, rows: bytes) -> Path:
    """A genuine .ods whose sheet ends with `rows` (OpenDocument table rows)."""
    content = _ODS_CONTENT.replace(b"</table:table>", rows + b"</table:table>")
    return genuine_ods(directory, content=content)


ALL: dict[str, Factory] = {
    "missing": missing,
    "directory": a_directory,
    "numbers_package": numbers_package,
    "fifo": fifo,
    "unreadable": unreadable,
    "empty": empty,
    "too_large": too_large,
    "random_bytes": random_bytes,
    "random_bytes_xls": random_bytes_xls,
    "excel_lock_file": excel_lock_file,
    "pdf": pdf,
    "csv_renamed": csv_renamed,
    "unicode_text_renamed": unicode_text_renamed,
    "html_renamed": html_renamed,
    "excel_2003_xml": excel_2003_xml,
    "encrypted_xlsx": encrypted_xlsx,
    "legacy_xls": legacy_xls,
    "legacy_doc": legacy_doc,
    "truncated_xlsx": truncated_xlsx,
    "corrupted_xlsx": corrupted_xlsx,
    "xlsx_without_content_types": xlsx_without_content_types,
    "zip_without_workbook": zip_without_workbook,
    "zip_of_workbook": zip_of_workbook,
    "docx_renamed": docx_renamed,
    "xlsb": xlsb,
    "numbers_file": numbers_file,
    "odt_renamed": odt_renamed,
    "corrupt_ods": corrupt_ods,
    "truncated_ods": truncated_ods,
    "ods_without_mimetype": ods_without_mimetype,
    "encrypted_ods": encrypted_ods,
    "duplicate_entries": duplicate_entries,
    "zip_password": zip_password,
    "bzip2_entries": bzip2_entries,
    "too_many_entries": too_many_entries,
    "zip_bomb": zip_bomb,
    "ratio_bomb": ratio_bomb,
    "lying_sizes": lying_sizes,
    "wrong_crc": wrong_crc,
    "overlap_bomb": overlap_bomb,
    "billion_laughs": billion_laughs,
    "external_entity": external_entity,
    "entity_after_comment": entity_after_comment,
    "entity_utf16": entity_utf16,
    "entity_in_renamed_part": entity_in_renamed_part,
    "exotic_encoding": exotic_encoding,
    "ods_entity": ods_entity,
    "far_away_value": far_away_value,
    "far_values_without_references": far_values_without_references,
    "ods_repeated_values": ods_repeated_values,
}
