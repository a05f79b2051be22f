"""Drive a REAL headless LibreOffice from tests (runs under the project venv; no ``uno`` here).

Why: omnisheet promises workbooks that work in Calc, not only in Excel and openpyxl; the
only honest check is to let Calc open, recalculate and re-save them.

API
---
* ``soffice_path()``: soffice binary ($SOFFICE, else PATH) or None.
* ``convert(src, fmt, outdir, recalc=False)``: one ``soffice --headless --convert-to``;
  fmt is ``xlsx`` (filter "Calc MS Excel 2007 XML"), ``ods``, ``pdf``, ``csv``, ``png``
  (png: no such filter in the nogui package, see (c)) or a raw ``ext:Filter`` string.
  Every call gets its own throw-away profile (``/tmp/omnisheet-lo-*``), so parallel runs
  (pytest-xdist, two CI jobs) never meet through a shared profile or its IPC pipe.
  ``recalc=True`` seeds that profile with "recalculate on load: always" (see facts below).
* ``roundtrip(src, fmt, tmpdir)``: xlsx -> fmt -> xlsx in separate sub-directories.
* ``run_uno(script, *args)``: ``/usr/bin/python3 script args`` (the python that has uno;
  override with $OMNISHEET_UNO_PYTHON).  ``fill(src, edits, outputs, read)`` wraps
  ``uno_fill.py`` (type values/formulas into cells in a live Calc, recalc, save, read back).
* Fixtures ``soffice`` (path of soffice) and ``uno_python`` (path of a python that imports
  uno), and the mark ``requires_soffice``.  Outside CI a missing LibreOffice SKIPS; with
  ``CI`` set (to anything but ""/0/false/no) it FAILS: a CI image that lost LibreOffice
  must not go green by skipping every Calc test.

Usage: tests/conftest.py puts tests/ on sys.path and imports ``soffice_fixture`` and
``uno_python_fixture`` (that import is what registers the fixtures), so a test module only
needs::

    from support.libreoffice import convert, fill

    pytestmark = pytest.mark.libreoffice

    def test_opens_in_calc(soffice: str, tmp_path: Path) -> None:
        ods = convert(xlsx, "ods", tmp_path / "ods")

Import it as ``support.libreoffice`` everywhere (not ``tests.support...``): a second import
path would load a second copy of the module with its own exception classes.

``@requires_soffice`` alone also works on a test that does not take the fixture: it skips
when soffice is missing outside CI; in CI it does not skip and ``convert`` raises
``SofficeNotFoundError``, so the test fails.

Facts measured here (LibreOffice 7.4.7.2, Debian 12, 2 CPUs, xlsxwriter 3.3.1)
--------------------------------------------------------------------------------
(a) Recalculation by ``--convert-to``: NONE of the formulas that carry a cached value.
    Calc's default "Recalculation on file load" is *Never* for both Excel 2007+ and ODF
    (``OOXMLRecalcMode``/``ODFRecalcMode`` = 1 in share/registry/main.xcd).  With A1=2, B1=3:

    * ``write_formula("C1", "=A1*B1", None, 99)`` -> the converted xlsx and ods say 99.
    * ``write_formula("C1", "=A1*B1", None, "")`` -> 6: an empty ``<v></v>`` counts as
      "no cached value", so Calc computes that cell (and only such cells).
    * ``write_formula("C1", "=A1*B1")`` (xlsxwriter's default cached value 0) -> 0, stale!
    * ``'=A1&"x"'`` cached "stale" -> "stale".  Quirk: only if docProps/app.xml says
      ``<Application>Microsoft Excel</Application>`` (xlsxwriter writes that).  With
      another Application Calc distrusts cached *string* results and recomputes them
      ("2x") while numeric ones (99, 0) are still kept.
    * openpyxl writes formulas with an empty ``<v />`` (its app.xml says "Microsoft Excel
      Compatible / Openpyxl 3.1.5"), so Calc always computes them (=A1*B1 -> 6).
    * ``convert(..., recalc=True)`` (profile with OOXMLRecalcMode=ODFRecalcMode=0, "Always")
      gives 6, 6, 6, "2x": use it whenever a test asserts on formula results.
    * ``uno_fill.py`` always calls ``calculateAll()``, so its results are fresh.
    Consequence: a converted file's cached values prove nothing unless recalc=True; write
    formulas with value "" (or use recalc=True) when Calc's own result matters.
(b) Timings (wall clock, this 2-CPU container, warm OS file cache; each call includes
    creating and deleting its own profile):
    * one ``convert`` (cold soffice start every time): xlsx->xlsx / xlsx->ods / ->pdf /
      ->csv 1.4-2.0 s, rarely ~2.9 s; the very first convert of the session took 1.7 s.
      A re-used profile saves only ~0.2 s, so per-call profiles are kept.
    * ``roundtrip`` (two converts): 3.2-4.2 s.
    * ``fill`` / uno_fill.py (start soffice 1.2 s, open, edit, recalc, store xlsx+ods,
      read, terminate): 1.7-2.4 s.
    * 4 converts in parallel: 4.0 s in total; 3 parallel fills: 3.5 s in total.
(c) Other measured facts: ``png`` is NOT available with libreoffice-calc-nogui (no
    calc_png_Export filter registered; soffice says "no export filter") - convert raises;
    use pdf.  Through xlsx->ods->xlsx and xlsx->xlsx, a defined name, a list validation whose
    source is that name, and a formula conditional format (with its dxf) survive unchanged.
    A killed soffice leaves sockets in /tmp; convert/uno_fill remove theirs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

CONVERT_TIMEOUT_S = 120.0
UNO_TIMEOUT_S = 180.0
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
UNO_FILL = Path(__file__).with_name("uno_fill.py")

#: --convert-to argument per format; the part before ":" is the output file suffix.
CONVERT_FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "ods": "ods:calc8",
    "pdf": "pdf:calc_pdf_Export",
    "png": "png:calc_png_Export",
    "csv": "csv",
}

_RECALC_ALWAYS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """soffice (or a uno script) failed; the message carries its output."""


class SofficeNotFoundError(LibreOfficeError):
    """No soffice binary: install libreoffice-calc-nogui or set $SOFFICE."""


def in_ci() -> bool:
    """True when $CI is set to something truthy (GitHub/GitLab set CI=true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def soffice_path() -> str | None:
    """The soffice binary: $SOFFICE if set, else soffice/libreoffice on PATH."""
    env = os.environ.get("SOFFICE")
    if env:
        return env if shutil.which(env) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


@functools.cache
def uno_python() -> str | None:
    """A python that can ``import uno`` ($OMNISHEET_UNO_PYTHON or /usr/bin/python3)."""
    exe = os.environ.get("OMNISHEET_UNO_PYTHON", DEFAULT_UNO_PYTHON)
    if not shutil.which(exe):
        return None
    try:
        ok = (
            subprocess.run(
                [exe, "-c", "import uno"], capture_output=True, timeout=30, check=False
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return exe if ok else None


def _remove_ipc_pipe(profile_url: str) -> None:
    """Delete the IPC socket a *killed* soffice leaves in /tmp (a clean exit removes it).

    soffice names it OSL_PIPE_<uid>_SingleOfficeIPC_<md5 of the UTF-16LE profile URL, each
    byte in unpadded hex> (checked against 7.4); the profile is ours alone, so is the pipe.
    """
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    name = "SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)
    Path(f"/tmp/OSL_PIPE_{os.getuid()}_{name}").unlink(missing_ok=True)


def _require_soffice() -> str:
    exe = soffice_path()
    if exe is None:
        raise SofficeNotFoundError(
            "soffice not found: install libreoffice-calc-nogui or set $SOFFICE"
        )
    return exe


def _run_group(cmd: Sequence[str], timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    """Run cmd in its own process group; on timeout TERM then KILL the whole group.

    Why: /usr/bin/soffice is a shell script that starts oosplash and soffice.bin; killing only
    the direct child would leave a headless office running.
    """
    proc = subprocess.Popen(
        list(cmd),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        for sig, grace in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                out, err = proc.communicate(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            out, err = "", ""
        raise LibreOfficeError(
            f"{what} timed out after {timeout:g} s\ncommand: {cmd}\nstdout:\n{out}\nstderr:\n{err}"
        ) from None
    finally:
        if proc.poll() is None:  # e.g. KeyboardInterrupt in communicate()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)


def convert(
    src: Path,
    fmt: str,
    outdir: Path,
    *,
    recalc: bool = False,
    timeout: float = CONVERT_TIMEOUT_S,
) -> Path:
    """Convert src with headless soffice into outdir; return the output path.

    fmt: a key of CONVERT_FILTERS, or a raw ``ext:Filter Name`` string.  recalc=True makes
    Calc recompute every formula on load (default: cached values are kept, see module doc).
    """
    src = Path(src).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    target = CONVERT_FILTERS.get(fmt, fmt)
    ext = target.split(":", 1)[0]
    outdir = Path(outdir).resolve()
    out = outdir / f"{src.stem}.{ext}"
    if out == src:
        raise ValueError(f"converting {src} to {fmt} in its own directory would overwrite it")
    outdir.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)  # never mistake a stale file for this run's output
    exe = _require_soffice()
    profile = Path(tempfile.mkdtemp(prefix="omnisheet-lo-"))
    try:
        if recalc:
            (profile / "user").mkdir()
            (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS_XCU)
        cmd = [
            exe,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ]
        res = _run_group(cmd, timeout, f"soffice --convert-to {target}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        _remove_ipc_pipe(profile.as_uri())
    if res.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise LibreOfficeError(
            f"soffice did not produce {out} (exit {res.returncode})\ncommand: {cmd}\n"
            f"stdout:\n{res.stdout}\nstderr:\n{res.stderr}"
        )
    return out


def roundtrip(src: Path, fmt: str, tmpdir: Path, *, recalc: bool = False) -> Path:
    """xlsx -> fmt -> xlsx through Calc; return the final xlsx (in tmpdir/back)."""
    tmpdir = Path(tmpdir)
    middle = convert(src, fmt, tmpdir / fmt, recalc=recalc)
    return convert(middle, "xlsx", tmpdir / "back", recalc=recalc)


def run_uno(
    script: Path, *args: str | Path, timeout: float = UNO_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run script under the uno-capable system python; raise with its output on failure."""
    exe = uno_python()
    if exe is None:
        raise LibreOfficeError(
            "no python with 'import uno' (install python3-uno or set $OMNISHEET_UNO_PYTHON)"
        )
    _require_soffice()
    cmd = [exe, str(script), *(str(a) for a in args)]
    res = _run_group(cmd, timeout, f"uno script {Path(script).name}")
    if res.returncode != 0:
        raise LibreOfficeError(
            f"{Path(script).name} failed (exit {res.returncode})\ncommand: {cmd}\n"
            f"stdout:\n{res.stdout}\nstderr:\n{res.stderr}"
        )
    return res


def fill(
    src: Path,
    edits: Iterable[Mapping[str, Any]],
    outputs: Iterable[Path] = (),
    read: Iterable[str] = (),
    *,
    timeout: float = UNO_TIMEOUT_S,
    locale: str | None = None,
) -> dict[str, Any]:
    """Type edits into src in a live Calc, recalc, save to outputs; return the read cells.

    edits/read use uno_fill.py's format (see its docstring): {"sheet", "cell", "value" |
    "formula" | "xlformula" | "input"}, structural edits ("insert_rows", "insert_columns",
    "rename") and "Sheet!A1" references. `locale`: the one "type" edits are recognised in.
    """
    outputs = [Path(o) for o in outputs]
    refs = list(read)
    with tempfile.TemporaryDirectory(prefix="omnisheet-edits-") as tmp:
        edits_path = Path(tmp) / "edits.json"
        edits_path.write_text(json.dumps(list(edits)), encoding="utf-8")
        args: list[str | Path] = [src, edits_path, *outputs]
        if refs:
            args += ["--read", ",".join(refs)]
        if locale:
            args += ["--locale", locale]
        res = run_uno(UNO_FILL, *args, timeout=timeout)
    for out in outputs:
        if not out.is_file():
            raise LibreOfficeError(f"uno_fill did not write {out}\nstderr:\n{res.stderr}")
    return json.loads(res.stdout) if refs else {}


_MISSING = "LibreOffice (soffice) not found: install libreoffice-calc-nogui or set $SOFFICE"

#: Skip when soffice is missing, except in CI (then the test runs and fails loudly).
requires_soffice = pytest.mark.skipif(
    soffice_path() is None and not in_ci(), reason=_MISSING + " (in CI this fails instead)"
)


def _skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} - CI is set, so this is a failure, not a skip", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(name="soffice", scope="session")
def soffice_fixture() -> str:
    """Path of soffice; skips without it (fails in CI)."""
    exe = soffice_path()
    if exe is None:
        _skip_or_fail(_MISSING)
    assert exe is not None
    return exe


@pytest.fixture(name="uno_python", scope="session")
def uno_python_fixture(soffice: str) -> str:
    """A python that imports uno (for run_uno/fill); skips without it (fails in CI)."""
    exe = uno_python()
    if exe is None:
        _skip_or_fail("no python with 'import uno' (install python3-uno)")
    assert exe is not None
    return exe
