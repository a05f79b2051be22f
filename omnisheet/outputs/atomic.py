"""Outputs appear whole or not at all: written beside the target, then renamed over it.

The temporary file is hidden and ends in ``.tmp`` (``.plan-checked.xlsx.k3j9x.tmp``), so
nobody opens it as the workbook. An exception, a full disk or Ctrl+C removes it and leaves
the previous output (or none); only a process killed outright (SIGKILL, power cut) can
leave it behind, and even then the target itself is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..template.errors import OutputError

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or what the umask gives a new file (mkstemp uses 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _os_error_in(exc: BaseException) -> OSError | None:
    """The OSError behind `exc`: itself, one it wraps (xlsxwriter's FileCreateError holds
    the OSError of a failed write), or the one it was raised from or while handling."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError):
            return exc
        wrapped = next((arg for arg in exc.args if isinstance(arg, OSError)), None)
        if wrapped is not None:
            return wrapped
        exc = exc.__cause__ or exc.__context__
    return None


def _unwritable(path: Path, exc: OSError) -> OutputError:
    why = exc.strerror or str(exc)
    if exc.errno in _FULL:
        return OutputError(path, "output_disk_full", why=why)
    return OutputError(path, "output_unwritable", why=why)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after it keeps the new file)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _mute_retries() -> None:
    """A writer's zip left open by the failed write tries to flush again when it is
    collected, and Python prints that second failure as a traceback: the failure has been
    said once, so a full disk or a refused write met again there is let go quietly."""
    previous = sys.unraisablehook
    if getattr(previous, "omnisheet_mute", False):
        return

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, OSError):
            return
        previous(unraisable)

    hook.omnisheet_mute = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


@contextlib.contextmanager
def atomic_output(path: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it onto `path`.

    A crash, a full disk or an exception leaves the previous file (or none), never half a
    file. Any failure that comes down to an OSError, even wrapped in another exception by
    the library that wrote the file, becomes one OutputError naming the file.
    """
    from .rule import writable_kind

    named = Path(path)
    writable_kind(named)  # never a device, a FIFO or a folder, even through a link
    if not overwrite and os.path.lexists(named):
        raise OutputError(named, "output_exists")
    # through a symlink, the file it points to is replaced and the link stays a link
    path = Path(os.path.realpath(named)) if named.is_symlink() else named
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(named, "output_no_folder", folder=str(folder))
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(named, "output_folder_refused", folder=str(folder),
                          why=exc.strerror or str(exc)) from exc
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(path))
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
        _sync_folder(folder)
    except Exception as exc:
        cause = _os_error_in(exc)
        if cause is None:
            raise
        _mute_retries()
        raise _unwritable(named, cause) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
