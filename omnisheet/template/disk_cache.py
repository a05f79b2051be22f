"""What omnisheet keeps between runs in its cache folder: the folded definition (reading
the YAML files and folding them took ~60 ms of every command, reading the JSON ~3) and
the list of checks (`omnisheet checks` then imports no check and reads no definition).

Each file is named by checksums of everything it is made from, the sources' contents and
the code's sizes and times, so an edit anywhere makes a new one; a cache that cannot be
read or written is simply not used. zlib's checksums: hashlib's first import (OpenSSL)
cost more than reading the JSON, and the name tells files apart, it guards nothing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: How many files of each kind the folder keeps (each edit of the template, or each new
#: version of omnisheet, writes one): the most recently written.
KEEP = 8


def folder() -> Path:
    """$OMNISHEET_CACHE, else omnisheet's folder in the user's cache."""
    return Path(os.environ.get("OMNISHEET_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "omnisheet"))


def named(kind: str, suffix: str, sources: Iterable[Path], code: Iterable[Path],
          *given: str) -> Path | None:
    """The file of `kind` made from these sources (read whole), by this code (its size
    and time) and these words (a language, a format); None when a source cannot be read."""
    import zlib

    crc, adler = 0, 1

    def add(part: bytes) -> None:
        nonlocal crc, adler
        crc, adler = zlib.crc32(part, crc), zlib.adler32(part, adler)

    try:
        for source in sources:
            add(str(source).encode() + b"\0" + source.read_bytes() + b"\0")
        for path in code:
            stat = path.stat()
            add(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    except OSError:
        return None
    for word in given:
        add(word.encode() + b"\0")
    return folder() / f"{kind}-{crc:08x}{adler:08x}{suffix}"


def read(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def keep(path: Path | None, text: str) -> None:
    """Write the file atomically (another process may be reading it), then remove all but
    the KEEP newest of its kind."""
    if path is None:
        return
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         delete=False, suffix=".tmp") as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        return
    _prune(path.parent, path.name.split("-", 1)[0], path.suffix)


def _prune(where: Path, kind: str, suffix: str) -> None:
    """All but the KEEP newest files of a kind, so the folder does not grow with every
    edit; another process removing one meanwhile is no error."""
    found = []
    for path in where.glob(f"{kind}-*{suffix}"):
        try:
            found.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(found, reverse=True)[KEEP:]:
        try:
            path.unlink()
        except OSError:
            continue
