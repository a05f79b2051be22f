"""The one rule every command that writes follows before it writes: an output never
destroys an input, nor anything that is not a file of its own.

Refused, each with one line: an output that is one of the command's inputs however it is
spelt (``./``, ``..``, a symlink, a hard link), a file the command reads inside a folder
it was given (the callers pass what they found there), an existing file without ``--force``, and anything that is not a regular file (a
device such as /dev/null, a FIFO, a socket, a folder). ``-`` names standard output,
where the format allows it. Writing itself is atomic.py's: through a symlink it replaces
the file the link points to, and the link stays a link.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ..template.errors import OutputError

STDOUT = "-"


def is_stdout(path: object) -> bool:
    """`-o -`: the output is standard output."""
    return path is not None and str(path) == STDOUT


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def clashes_with(output: Path, inputs: Iterable[Path]) -> Path | None:
    """The input `output` would destroy: the same file by any name (a folder given is
    no file to compare: the callers pass the files they found in it); None when none."""
    real, same = _real(output), _identity(output)
    for given in inputs:
        if os.path.isdir(given):
            continue  # writing there fails as a folder, said by writable_kind
        if real == _real(given) or (same is not None and same == _identity(given)):
            return given
    return None


def guard_output(output: Path, inputs: Iterable[Path] = (), *, force: bool = False) -> None:
    """Raise OutputError (one line) unless `output` may be written by this command."""
    output = Path(output)
    clash = clashes_with(output, inputs)
    if clash is not None:
        raise OutputError(output, "output_is_input", input=str(clash))
    writable_kind(output)
    if not force and os.path.lexists(output):
        raise OutputError(output, "output_exists")


def writable_kind(output: Path) -> None:
    """Refuse an existing output (after following links) that is not a regular file."""
    try:
        mode = os.stat(output).st_mode
    except FileNotFoundError:
        return  # nothing there, or a link to nothing yet: a new file is made
    except OSError:
        return  # atomic.py names what the disk says when it tries
    if stat.S_ISDIR(mode):
        raise OutputError(output, "output_is_folder")
    if not stat.S_ISREG(mode):
        raise OutputError(output, "output_not_regular")


def refuse_stdout(output: Path | None) -> None:
    """For outputs that cannot be a stream (workbooks, folders of files)."""
    if is_stdout(output):
        raise OutputError(STDOUT, "output_no_stdout")
