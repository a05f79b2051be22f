"""Writing goes wrong: a process killed mid-write, a full disk, a read-only folder; and the
plan itself is never written to. Each run is a real `omnisheet` process.

The output is written to a hidden ``.NAME.xxxx.tmp`` beside the target and renamed over it
(omnisheet/outputs/atomic.py), so whatever happens the target is the previous file, byte for
byte, or the complete new one; never half a workbook, never a second *.xlsx.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.plan.model import Scenario, UseCase

ROOT = Path(__file__).resolve().parents[1]

# argv[1] says how to sabotage the run, the rest is omnisheet's command line.
_SABOTAGED = r"""
import os, resource, signal, sys, zipfile
how = sys.argv[1]
if how == "kill-while-zipping":  # SIGKILL as the third part goes into the output zip
    # (the output's temporary file, ".out.xlsx.*.tmp"; a checked workbook is written part
    # by part with write, writestr or open, after a scratch workbook of its own tabs)
    calls = []
    def sabotaged(real):
        def method(self, *args, **kwargs):
            if str(self.filename).endswith(".tmp") and (real.__name__ != "open" or
                                                        "w" in args[1:2]):
                calls.append(1)
                if len(calls) == 3:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(self, *args, **kwargs)
        return method
    for name in ("write", "writestr", "open"):
        setattr(zipfile.ZipFile, name, sabotaged(getattr(zipfile.ZipFile, name)))
elif how in ("kill-before-rename", "kill-after-rename"):
    real_replace = os.replace
    def replace(src, dst):
        if how == "kill-before-rename":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
        os.kill(os.getpid(), signal.SIGKILL)
    os.replace = replace
elif how.startswith("full-"):  # a file size limit: writes fail with EFBIG, as on a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    where, limit = how[5:].split(":")
    limit = int(limit)
    if where == "everywhere":
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    else:  # only once the output zip itself is opened, after the parts are written
        real_init = zipfile.ZipFile.__init__
        def init(self, file, mode="r", *args, **kwargs):
            if mode == "w":
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            real_init(self, file, mode, *args, **kwargs)
        zipfile.ZipFile.__init__ = init
sys.argv = ["omnisheet", *sys.argv[2:]]
from omnisheet.cli import main
main()
"""

KILLS = ["kill-while-zipping", "kill-before-rename", "kill-after-rename"]
FULL = ["full-everywhere:20000", "full-output:10000"]


def _ordinary_user() -> None:
    """As root, in the child before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
    from the bounding set, so the exec'd omnisheet obeys file permissions like any user
    (root ignores chmod otherwise). Owner bits then apply: root owns the test files."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run(*args: str, how: str = "none", obey_permissions: bool = False,
        timeout: float = 120, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    preexec = _ordinary_user if obey_permissions and os.geteuid() == 0 else None
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-c", _SABOTAGED, how, *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env,
                          preexec_fn=preexec, check=False)


def permissions_enforced(path: Path) -> bool:
    """Whether a child started by run(obey_permissions=True) is refused writing `path`, a
    read-only file, or a new file in `path`, a read-only folder."""
    probe = path / "probe" if path.is_dir() else path
    code = f"open({str(probe)!r}, 'a')"
    try:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                preexec_fn=_ordinary_user if os.geteuid() == 0 else None,
                                check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    if path.is_dir():
        probe.unlink(missing_ok=True)
    return result.returncode != 0 and b"PermissionError" in result.stderr


@pytest.fixture(scope="module")
def plan_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write(blank_plan("fr"), tmp_path_factory.mktemp("plan") / "plan.xlsx").read_bytes()


@pytest.fixture(scope="module")
def previous_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An earlier output: a real workbook, different from what the runs write."""
    return write(blank_plan("en"), tmp_path_factory.mktemp("old") / "old.xlsx").read_bytes()


def _command(kind: str, folder: Path, plan_bytes: bytes, target: Path) -> list[str]:
    if kind == "check":
        plan = folder / "plan.xlsx"
        plan.write_bytes(plan_bytes)
        return ["check", str(plan), "-o", str(target), "--fail-on", "never", "--lang", "en",
                "--force"]
    return ["new", str(target), "--force"]


def _workbooks(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.lower().endswith((".xlsx", ".xlsm"))}


def _leftovers(folder: Path, target: Path) -> list[str]:
    """Files that are neither the plan nor the target: only hidden temporary files may be."""
    others = sorted(p.name for p in folder.iterdir() if p.name not in ("plan.xlsx", target.name))
    for name in others:
        assert re.fullmatch(rf"\.{re.escape(target.name)}\.\w+\.tmp", name), others
    return others


def _complete(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        if zf.testzip() is not None:
            return False
    openpyxl.load_workbook(path, read_only=True).close()
    return True


# --- (a) killed while writing ---------------------------------------------------------------


@pytest.mark.parametrize("how", KILLS)
@pytest.mark.parametrize("kind", ["check", "new"])
def test_killed_while_writing_keeps_the_previous_output(
    kind: str, how: str, tmp_path: Path, plan_bytes: bytes, previous_bytes: bytes
) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(previous_bytes)
    result = run(*_command(kind, tmp_path, plan_bytes, target), how=how)
    assert result.returncode == -signal.SIGKILL, result.stderr[-500:]
    if how == "kill-after-rename":
        assert target.read_bytes() != previous_bytes and _complete(target)
        assert _leftovers(tmp_path, target) == []
    else:
        assert target.read_bytes() == previous_bytes
        assert len(_leftovers(tmp_path, target)) == 1  # SIGKILL leaves no time to clean up
    assert _workbooks(tmp_path) <= {"plan.xlsx", "out.xlsx"}


@pytest.mark.parametrize("kind", ["check", "new"])
def test_killed_while_writing_a_new_output_leaves_none(
    kind: str, tmp_path: Path, plan_bytes: bytes
) -> None:
    target = tmp_path / "out.xlsx"
    result = run(*_command(kind, tmp_path, plan_bytes, target), how="kill-while-zipping")
    assert result.returncode == -signal.SIGKILL
    assert not target.exists()
    assert _workbooks(tmp_path) <= {"plan.xlsx"}


@pytest.mark.slow  # a process killed at many moments
def test_killed_at_any_moment_the_output_is_old_or_whole(
    tmp_path: Path, plan_bytes: bytes, previous_bytes: bytes
) -> None:
    """A real SIGKILL from outside at moments spread over the whole run (start-up, reading,
    checking, writing): the output is always the previous file or a complete new one."""
    plan, target = tmp_path / "plan.xlsx", tmp_path / "out.xlsx"
    plan.write_bytes(plan_bytes)
    command = [sys.executable, "-m", "omnisheet.cli", "check", str(plan), "-o", str(target),
               "--fail-on", "never"]
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, cwd=ROOT, timeout=120)
    whole_run = time.perf_counter() - started
    outcomes = set()
    for step in range(1, 8):
        target.write_bytes(previous_bytes)
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, cwd=ROOT)
        time.sleep(whole_run * step / 8)
        child.kill()
        child.wait(60)
        if target.read_bytes() == previous_bytes:
            outcomes.add("previous")
        else:
            assert _complete(target)
            outcomes.add("new")
        _leftovers(tmp_path, target)
        assert _workbooks(tmp_path) == {"plan.xlsx", "out.xlsx"}
        for stray in tmp_path.glob(".out.xlsx.*.tmp"):
            stray.unlink()
    assert "previous" in outcomes  # the early kills at least


# --- (b) a full disk --------------------------------------------------------------------------


@pytest.mark.parametrize("how", FULL)
@pytest.mark.parametrize("kind", ["check", "new"])
def test_a_full_disk_gives_one_line_and_keeps_the_previous_output(
    kind: str, how: str, tmp_path: Path, plan_bytes: bytes, previous_bytes: bytes
) -> None:
    """RLIMIT_FSIZE makes writes fail with EFBIG as ENOSPC would, for root too; the limit
    hits either the parts xlsxwriter writes first or the output zip itself."""
    pytest.importorskip("resource")
    target = tmp_path / "out.xlsx"
    target.write_bytes(previous_bytes)
    result = run(*_command(kind, tmp_path, plan_bytes, target), how=how)
    assert result.returncode == 2, result.stderr[-800:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"omnisheet: {target}: could not be written (File too large")
    assert "nothing was changed" in lines[0] and "unexpected" not in lines[0]
    assert result.stdout == ""
    assert target.read_bytes() == previous_bytes
    assert _leftovers(tmp_path, target) == []


@pytest.mark.parametrize("kind", ["check", "new"])
def test_a_full_disk_leaves_no_new_output(kind: str, tmp_path: Path, plan_bytes: bytes) -> None:
    target = tmp_path / "out.xlsx"
    result = run(*_command(kind, tmp_path, plan_bytes, target), how="full-output:10000")
    assert result.returncode == 2 and result.stderr.startswith("omnisheet: ")
    assert not target.exists() and _leftovers(tmp_path, target) == []


@pytest.mark.parametrize("how", FULL)
def test_a_failed_write_leaves_nothing_in_the_temporary_folder(
    how: str, tmp_path: Path, plan_bytes: bytes
) -> None:
    """xlsxwriter keeps each sheet's rows in temporary files until it closes the workbook;
    a write that fails half-way must not leave them behind."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    target = tmp_path / "out.xlsx"
    result = run(*_command("check", tmp_path, plan_bytes, target), how=how,
                 env={"TMPDIR": str(scratch)})
    assert result.returncode == 2 and result.stderr.startswith("omnisheet: ")
    assert list(scratch.iterdir()) == []


# --- (c) a read-only folder -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["check", "new"])
def test_a_read_only_folder_gives_one_line(
    kind: str, tmp_path: Path, plan_bytes: bytes, previous_bytes: bytes
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    target = folder / "out.xlsx"
    target.write_bytes(previous_bytes)
    command = _command(kind, tmp_path, plan_bytes, target)
    folder.chmod(0o555)
    try:
        if not permissions_enforced(folder):
            pytest.skip("cannot make a folder read-only for this user (root without "
                        "permission to drop CAP_DAC_OVERRIDE)")
        result = run(*command, obey_permissions=True)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2, result.stderr[-800:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0] == (f"omnisheet: {target}: cannot write in {folder} (Permission denied); "
                        "choose a folder you can write to.")
    assert result.stdout == ""
    assert target.read_bytes() == previous_bytes
    assert sorted(p.name for p in folder.iterdir()) == ["out.xlsx"]


# --- (d) the plan is only ever read -------------------------------------------------------------


def test_the_plan_is_never_written(tmp_path: Path, plan_bytes: bytes) -> None:
    """A read-only plan (0o444, and for root too: the child obeys permissions) is checked;
    its bytes, times and mode are unchanged, so it was never opened for writing."""
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(plan_bytes)
    old = time.time() - 3600
    os.utime(plan, (old, old))
    plan.chmod(0o444)
    if not permissions_enforced(plan):
        pytest.skip("cannot make a file read-only for this user")
    before = plan.stat()
    result = run("check", plan, "-o", tmp_path / "out.xlsx", "--format", "json",
                 obey_permissions=True)
    assert result.returncode in (0, 1), result.stderr[-800:]
    after = plan.stat()
    assert plan.read_bytes() == plan_bytes
    assert (after.st_mtime_ns, after.st_mode, after.st_size) == (
        before.st_mtime_ns, before.st_mode, before.st_size)
    assert (tmp_path / "out.xlsx").is_file()
    assert _workbooks(tmp_path) == {"plan.xlsx", "out.xlsx"}


# --- formula injection: quoted values stay text -------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=3+4",
]


def _sheet_xml(path: Path, title: str) -> str:
    """The XML of the sheet called `title`, found through the workbook's relationships."""
    from omnisheet.outputs.workbook.package.graft import sheets
    from omnisheet.outputs.workbook.package.parts import Package

    package = Package(path)
    try:
        part = next(part for name, _, part in sheets(package) if name == title)
        return package.read(part).decode()
    finally:
        package.close()


def _cell_xml(sheet_xml: str, ref: str) -> str:
    found = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', sheet_xml)
    return found.group(0) if found else ""


def test_values_like_formulas_stay_text_in_the_checked_workbook(tmp_path: Path) -> None:
    """Findings quote what people typed; a value starting with = + - @ tab or CR must be
    written as text in the Findings tab and in the commented cells, never as a formula."""
    plan = blank_plan("en").with_changes(
        use_cases=(
            UseCase(id=PAYLOADS[0], category=PAYLOADS[3], title="Injected",
                    business_impact=4, cx_impact=4, difficulty=2),
            UseCase(id=PAYLOADS[0], title=PAYLOADS[2]),  # a duplicate ID, quoted
        ),
        scenarios=(
            Scenario(id="SC-001", name=PAYLOADS[1], use_case=PAYLOADS[4]),
            Scenario(id=PAYLOADS[2], name="Plain", use_case=PAYLOADS[5]),
        ),
    )
    source = write(plan, tmp_path / "plan.xlsx")
    out = tmp_path / "checked.xlsx"
    result = run("check", source, "-o", out, "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr[-800:]

    workbook = openpyxl.load_workbook(out)
    findings = workbook["Findings"]
    quoted = [cell for row in findings.iter_rows() for cell in row
              if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r"]
    assert quoted, "no finding quotes a formula-like value: the test proves nothing"
    for cell in quoted:
        assert cell.data_type == "s", (cell.coordinate, cell.value)
    assert all(cell.data_type != "f" for row in findings.iter_rows() for cell in row)
    assert "<f>" not in _sheet_xml(out, "Findings")
    quoted_payloads = {p.strip() for p in PAYLOADS
                       if any(p.strip() in str(cell.value) for cell in quoted)}
    assert len(quoted_payloads) >= 3, quoted_payloads

    commented = 0
    for sheet in workbook.worksheets:
        xml = None
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.strip() in
                        {p.strip() for p in PAYLOADS}):
                    continue
                assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                xml = xml or _sheet_xml(out, sheet.title)
                assert "<f>" not in _cell_xml(xml, cell.coordinate), cell.coordinate
                commented += cell.comment is not None
    assert commented >= 2  # the duplicate ID and the unknown use case references
