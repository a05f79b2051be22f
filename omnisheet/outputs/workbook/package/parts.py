"""An OOXML package (a zip of parts) held as the team wrote it: each part read when it is
needed, written back unchanged unless it was replaced, with the relationships and content
types that tie the parts together."""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .xmlspans import escape, spans, splice

CONTENT_TYPES = "[Content_Types].xml"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CHUNK = 1 << 20
_TAIL_WINDOW = 4 << 20  # what follows a sheet's cells is rarely more than a few kilobytes
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>/]")
# A part past this size is not a package omnisheet can patch in memory (the reader refuses
# such files before this point; this guards the writer on its own).
MAX_PART = 1 << 30


def rels_name(part: str) -> str:
    """`xl/worksheets/_rels/sheet1.xml.rels` for `xl/worksheets/sheet1.xml`."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source: str, target: str) -> str:
    """A relationship's target as a part name, relative to its source part."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


class Package:
    """The parts of a zip package: the original entries, in their order, and what replaced,
    added or removed them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path)
        self.order = [info.filename for info in self._zip.infolist() if not info.is_dir()]
        self._infos = {info.filename: info for info in self._zip.infolist()}
        self.changed: dict[str, bytes] = {}
        self.removed: set[str] = set()
        # Worksheets patched after their cells: (where their cells end, the stub standing
        # for the cells, the new bytes from there), so a big sheet is never held whole.
        self._tails: dict[str, tuple[int, bytes, bytes]] = {}
        # Parts copied from another zip through a function of their bytes (omnisheet's tabs).
        self._streams: dict[str, tuple[Any, str, Callable[[bytes], Any]]] = {}

    def close(self) -> None:
        self._zip.close()

    def __contains__(self, part: str) -> bool:
        return part not in self.removed and (part in self.changed or part in self._infos
                                             or part in self._streams)

    def names(self) -> list[str]:
        kept = [n for n in self.order if n not in self.removed]
        added = [n for n in (*self.changed, *self._streams) if n not in self._infos]
        return kept + [n for n in dict.fromkeys(added) if n not in self.removed]

    def read(self, part: str) -> bytes:
        if part in self.changed:
            return self.changed[part]
        info = self._infos[part]
        if info.file_size > MAX_PART:
            raise ValueError(f"{part}: part too large")
        return self._zip.read(info)

    def get(self, part: str) -> bytes | None:
        return self.read(part) if part in self else None

    def write(self, part: str, data: bytes) -> None:
        self.removed.discard(part)
        self._tails.pop(part, None)
        self.changed[part] = data

    def remove(self, part: str) -> None:
        self.changed.pop(part, None)
        self._tails.pop(part, None)
        self._streams.pop(part, None)
        self.removed.add(part)

    def stream(self, part: str, source: Any, name: str,
               transform: Callable[[bytes], Any]) -> None:
        """`part` is `name` of the zip `source`, passed through `transform` row by row
        (each piece it gets ends with a row's end tag, or is the part's last bytes; it
        gives bytes, or pieces of bytes)."""
        self.removed.discard(part)
        self._streams[part] = (source, name, transform)

    # --- worksheets, patched after their cells -----------------------------------------

    def read_sheet(self, part: str) -> bytes:
        """A worksheet as its root tag, `<sheetData/>` and everything after its cells: what
        the patches read and edit. Written back with `write_sheet`."""
        if part in self.changed:
            return self.changed[part]
        if part not in self._tails:
            self._tails[part] = self._scan_tail(part)
        _, stub, tail = self._tails[part]
        return stub + tail

    def read_whole(self, part: str) -> bytes:
        """A worksheet whole, its cells included, with what was patched after them: for
        the small sheets whose cells omnisheet adds to (a map's new slots)."""
        if part in self._tails:
            end, _, tail = self._tails[part]
            return self._zip.read(self._infos[part])[:end] + tail
        return self.read(part)

    def write_sheet(self, part: str, mini: bytes) -> None:
        if part in self.changed or part not in self._tails:
            self.write(part, mini)
            return
        end, stub, _ = self._tails[part]
        if not mini.startswith(stub):
            raise ValueError(f"{part}: patched before its cells")
        self._tails[part] = (end, stub, mini[len(stub):])

    def _scan_tail(self, part: str) -> tuple[int, bytes, bytes]:
        """(offset just past the cells, stub, the bytes after the cells) of an original
        worksheet, read as a stream keeping only its head and last megabytes."""
        info = self._infos[part]
        head = b""
        window: list[bytes] = []
        kept = total = 0
        with self._zip.open(info) as src:
            while chunk := src.read(_CHUNK):
                if len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                window.append(chunk)
                kept += len(chunk)
                total += len(chunk)
                while len(window) > 1 and kept - len(window[0]) >= _TAIL_WINDOW:
                    kept -= len(window.pop(0))
        last = b"".join(window)
        at = last.rfind(b"sheetData")
        if at < 0:  # a tail longer than the window: read the part whole
            data = self.read(part)
            at = data.rfind(b"sheetData")
            if at < 0:
                raise ValueError(f"{part}: a worksheet without cells")
            last, kept = data, len(data)
        end_in_last = last.index(b">", at) + 1
        root = _ROOT_TAG.search(head)
        if root is None:
            raise ValueError(f"{part}: not a worksheet")
        root_tag = head[root.start() : head.index(b">", root.start()) + 1]
        stub = root_tag + b"<sheetData/>"
        return total - kept + end_in_last, stub, last[end_in_last:]

    def original(self, part: str) -> bool:
        """Still the team's bytes (never replaced)."""
        return part in self._infos and part not in self.changed and part not in self.removed

    def save(self, target: Path) -> None:
        """Every part to `target`: the untouched ones as they were, in the original order."""
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for name in self.names():
                if name in self._streams:
                    self._save_stream(out, name)
                    continue
                if name in self._tails:
                    self._save_tail(out, name)
                    continue
                if name in self.changed:
                    out.writestr(_deflated(name, (1980, 1, 1, 0, 0, 0)), self.changed[name])
                    continue
                self._copy_raw(out, self._infos[name])

    def _copy_raw(self, out: zipfile.ZipFile, source: zipfile.ZipInfo) -> None:
        """A part the check leaves alone, copied as it is stored: its compressed bytes, not
        inflated and deflated again (the zip module has no public call for it)."""
        if source.flag_bits & 0x01 or source.compress_type not in (zipfile.ZIP_STORED,
                                                                   zipfile.ZIP_DEFLATED):
            raise ValueError(f"{source.filename}: an encrypted or unusual zip entry")
        fp = self._zip.fp
        assert fp is not None and out.fp is not None
        fp.seek(source.header_offset)
        header = fp.read(30)
        if header[:4] != b"PK\x03\x04":
            raise ValueError(f"{source.filename}: a damaged zip entry")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        info = zipfile.ZipInfo(source.filename, date_time=source.date_time)
        info.compress_type = source.compress_type
        info.CRC, info.compress_size, info.file_size = (source.CRC, source.compress_size,
                                                        source.file_size)
        info.external_attr = source.external_attr
        info.header_offset = out.fp.tell()
        zip64 = max(info.file_size, info.compress_size) > zipfile.ZIP64_LIMIT
        out.fp.write(info.FileHeader(zip64))
        fp.seek(source.header_offset + 30 + name_length + extra_length)
        left = source.compress_size
        while left > 0:
            chunk = fp.read(min(_CHUNK, left))
            if not chunk:
                raise ValueError(f"{source.filename}: a truncated zip entry")
            out.fp.write(chunk)
            left -= len(chunk)
        out.filelist.append(info)
        out.NameToInfo[info.filename] = info
        out.start_dir = out.fp.tell()

    def _save_stream(self, out: zipfile.ZipFile, name: str) -> None:
        source, inner, transform = self._streams[name]
        info = _deflated(name, (1980, 1, 1, 0, 0, 0))
        with zipfile.ZipFile(source) as zf, zf.open(inner) as src, out.open(info, "w") as dst:
            carry = b""
            while chunk := src.read(_CHUNK):
                carry += chunk
                cut = carry.rfind(b"</row>")
                if cut < 0:
                    continue
                cut += len(b"</row>")
                _put(dst, transform(carry[:cut]))
                carry = carry[cut:]
            _put(dst, transform(carry))

    def _save_tail(self, out: zipfile.ZipFile, name: str) -> None:
        end, _, tail = self._tails[name]
        source = self._infos[name]
        info = _deflated(name, source.date_time)
        info.external_attr = source.external_attr
        left = end
        with self._zip.open(source) as src, out.open(info, "w") as dst:
            while left > 0 and (chunk := src.read(min(_CHUNK, left))):
                dst.write(chunk)
                left -= len(chunk)
            dst.write(tail)

    # --- relationships ------------------------------------------------------------------

    def rels(self, part: str) -> list[dict[str, str]]:
        """The relationships of `part` ('' for the package's own), targets resolved."""
        name = "_rels/.rels" if part == "" else rels_name(part)
        data = self.get(name)
        if data is None:
            return []
        found = []
        for span in spans(data, max_depth=1):
            if span.local == "Relationship":
                rel = dict(span.attrs)
                if rel.get("TargetMode") != "External":
                    rel["part"] = resolve(part or "/", rel.get("Target", ""))
                found.append(rel)
        return found

    def add_rel(self, part: str, rel_id: str, rel_type: str, target_part: str) -> None:
        name = "_rels/.rels" if part == "" else rels_name(part)
        data = self.get(name) or (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                  b'<Relationships xmlns="' + PKG_REL_NS.encode() + b'">'
                                  b'</Relationships>')
        target = target_part if part == "" else relative(part, target_part)
        element = (f'<Relationship Id="{escape(rel_id)}" Type="{escape(rel_type)}" '
                   f'Target="{escape(target)}"/>').encode()
        self.write(name, _append_child(data, element))

    def remove_rels(self, part: str, ids: set[str], drop_if_empty: bool = False) -> None:
        name = "_rels/.rels" if part == "" else rels_name(part)
        data = self.get(name)
        if data is None:
            return
        all_spans = spans(data, max_depth=1)
        doomed = [s for s in all_spans if s.local == "Relationship" and s.attrs.get("Id") in ids]
        if not doomed:
            return
        left = [s for s in all_spans if s.local == "Relationship"]
        if drop_if_empty and len(left) == len(doomed):
            self.remove(name)
            return
        self.write(name, splice(data, [(s.start, s.end, b"") for s in doomed]))

    # --- content types ------------------------------------------------------------------

    def add_override(self, part: str, content_type: str) -> None:
        data = self.read(CONTENT_TYPES)
        element = (f'<Override PartName="/{escape(part)}" '
                   f'ContentType="{escape(content_type)}"/>').encode()
        self.write(CONTENT_TYPES, _append_child(data, element))

    def add_default(self, extension: str, content_type: str) -> bool:
        """Declare a type for an extension unless the package does; True when added."""
        data = self.read(CONTENT_TYPES)
        for span in spans(data, max_depth=1):
            if span.local == "Default" and span.attrs.get("Extension", "").lower() == extension:
                return False
        element = (f'<Default Extension="{extension}" ContentType="{content_type}"/>').encode()
        # Defaults come first (the schema allows any order; Excel writes them first).
        root = spans(data, max_depth=0)[0]
        self.write(CONTENT_TYPES, data[: root.tag_end] + element + data[root.tag_end :])
        return True

    def remove_types(self, parts: set[str], extensions: set[str] = frozenset()) -> None:
        data = self.read(CONTENT_TYPES)
        doomed = [s for s in spans(data, max_depth=1)
                  if (s.local == "Override" and s.attrs.get("PartName", "").lstrip("/") in parts)
                  or (s.local == "Default" and s.attrs.get("Extension", "") in extensions)]
        if doomed:
            self.write(CONTENT_TYPES, splice(data, [(s.start, s.end, b"") for s in doomed]))

    def content_type(self, part: str) -> str | None:
        data = self.read(CONTENT_TYPES)
        found = spans(data, max_depth=1)
        for span in found:
            if span.local == "Override" and span.attrs.get("PartName", "").lstrip("/") == part:
                return span.attrs.get("ContentType")
        extension = part.rpartition(".")[2].lower()
        for span in found:
            if span.local == "Default" and span.attrs.get("Extension", "").lower() == extension:
                return span.attrs.get("ContentType")
        return None

    def reachable(self) -> set[str]:
        """Every part reachable from the package's relationships."""
        seen: set[str] = set()
        todo = [""]
        while todo:
            part = todo.pop()
            for rel in self.rels(part):
                target = rel.get("part")
                if target and target not in seen and target in self:
                    seen.add(target)
                    todo.append(target)
        return seen

    def free_name(self, pattern: str) -> str:
        """The first `pattern.format(n)` (n from 1) no part holds."""
        n = 1
        while pattern.format(n) in self:
            n += 1
        return pattern.format(n)


# The parts omnisheet writes (its Findings tab, the marked sheets, the patched small parts)
# are deflated at level 4, not zlib's default 6: on the 1x synthetic plan's 91 MB of them,
# 0.35 s of CPU rather than 0.63 s, for 8.3 MB rather than 7.5 MB (level 2: 0.25 s, 9.1 MB).
LEVEL = 4


def _deflated(name: str, date_time: tuple[int, ...]) -> zipfile.ZipInfo:
    """A part's zip entry, deflated at LEVEL."""
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    # zipfile's one way to give open(info, "w") a level before Python 3.13's compress_level
    info._compresslevel = LEVEL  # type: ignore[attr-defined]
    return info


def _put(dst: Any, out: Any) -> None:
    if isinstance(out, bytes):
        dst.write(out)
    else:
        for piece in out:
            dst.write(piece)


_CLOSE = re.compile(rb"</([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*\s*>\s*$")


def _append_child(data: bytes, element: bytes) -> bytes:
    """`element` added as the root's last child (a self-closing root is opened)."""
    match = _CLOSE.search(data)
    if match:
        return data[: match.start()] + element + data[match.start() :]
    root = spans(data, max_depth=0)[0]
    if not root.empty:
        raise ValueError("unexpected part layout")
    tag = data[root.start : root.end]
    name = root.name.encode()
    opened = tag[:-2].rstrip() + b">" + element + b"</" + name + b">"
    return data[: root.start] + opened + data[root.end :]

