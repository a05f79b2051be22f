"""Nothing lost under fire: an output never destroys an input, a folder may hold anything,
workers die with their parent, no value ends in an unexpected error, what reaches a
terminal is text, and a full disk keeps the previous output. Every case runs the real
`omnisheet` command (a process of its own where a hang, a signal or a disk is involved)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from omnisheet.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "retail-fr.xlsx"
OTHER = ROOT / "samples" / "bank-en.xlsx"
PORTFOLIO = sorted((ROOT / "samples" / "portfolio").glob("*.xlsx"))
RESPONSES = ROOT / "samples" / "feedback"
EVENTS = ROOT / "samples" / "events"
OMNISHEET = [sys.executable, "-m", "omnisheet.cli"]
UNEXPECTED = ("unexpected", "inattendue", "Traceback")


def run(*args: object, timeout: float = 120, cwd: Path | None = None,
        **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    return subprocess.run([*OMNISHEET, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env, **kwargs)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert not any(word in result.stderr for word in UNEXPECTED), result.stderr
    return lines[0]


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """plan.xlsx, other.xlsx, a folder of three plans, responses, events (the journeys'
    plan as journeys.xlsx), all copies."""
    shutil.copy(SAMPLE, tmp_path / "plan.xlsx")
    shutil.copy(OTHER, tmp_path / "other.xlsx")
    folder = tmp_path / "plans"
    folder.mkdir()
    for plan in PORTFOLIO:
        shutil.copy(plan, folder / plan.name)
    responses = tmp_path / "responses"
    shutil.copytree(RESPONSES, responses, ignore=shutil.ignore_patterns("*.py"))
    shutil.copytree(EVENTS, tmp_path / "events", ignore=shutil.ignore_patterns("*.py", "plan"))
    shutil.copy(EVENTS / "plan" / "retail-fr-parcours.xlsx", tmp_path / "journeys.xlsx")
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# --- 1. -o never destroys an input --------------------------------------------------------

# (command line, the input -o names), every writing command with -o at each of its inputs
AT_AN_INPUT = [
    ("export plan.xlsx -o plan.xlsx", "plan.xlsx"),
    ("export plan.xlsx -o ./../{name}/plan.xlsx --force", "plan.xlsx"),
    ("export plan.xlsx --format csv -o plan.xlsx", "plan.xlsx"),
    ("import plan.json -o plan.json --force", "plan.json"),
    ("check plan.xlsx -o ./plan.xlsx --force", "plan.xlsx"),
    ("report plan.xlsx -o plan.xlsx --force", "plan.xlsx"),
    ("report plan.xlsx other.xlsx -o plan.xlsx --force", "plan.xlsx"),
    ("report plan.xlsx other.xlsx -o other.xlsx --force", "other.xlsx"),
    ("report plans -o plans/lumen-france.xlsx --force", "plans/lumen-france.xlsx"),
    ("portfolio plan.xlsx other.xlsx -o plan.xlsx --force", "plan.xlsx"),
    ("portfolio plan.xlsx other.xlsx -o other.xlsx --force", "other.xlsx"),
    ("portfolio plans -o plans/lumen-france.xlsx --force", "plans/lumen-france.xlsx"),
    ("check plans other.xlsx -o plans", "plans/lumen-france.xlsx"),
    ("feedback responses/post-achat.xlsx --plan plan.xlsx -o responses/post-achat.xlsx "
     "--force", "responses/post-achat.xlsx"),
    ("feedback responses --plan plan.xlsx -o responses/post-achat.xlsx --force",
     "responses/post-achat.xlsx"),
    ("feedback responses --plan plan.xlsx -o plan.xlsx --force", "plan.xlsx"),
    ("journeys events --plan journeys.xlsx -o events/identites.csv --force",
     "events/identites.csv"),
    ("journeys events --plan journeys.xlsx -o journeys.xlsx --force", "journeys.xlsx"),
]


@pytest.mark.parametrize(("line", "victim"), AT_AN_INPUT)
def test_an_output_at_an_input_is_refused_and_the_input_kept(plans, line, victim):
    if "plan.json" in line:
        (plans / "plan.json").write_text(run("export", plans / "plan.xlsx").stdout)
    before = _snapshot(plans)
    result = run(*line.format(name=plans.name).split(), cwd=plans)
    assert result.returncode == 2, result.stdout + result.stderr
    assert one_line(result).startswith("omnisheet: ")
    assert _snapshot(plans) == before  # nothing written, the input byte for byte


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_an_output_that_is_an_input_through_a_link_is_refused(plans, link):
    plan = plans / "plan.xlsx"
    other_name = plans / "alias.xlsx"
    if link == "symlink":
        other_name.symlink_to(plan)
    else:
        os.link(plan, other_name)
    before = plan.read_bytes()
    for line in (["export", plan, "-o", other_name, "--force"],
                 ["report", plan, "-o", other_name, "--force"],
                 ["portfolio", plan, plans / "other.xlsx", "-o", other_name, "--force"]):
        result = run(*line)
        assert result.returncode == 2 and "input" in one_line(result), result.stderr
    assert plan.read_bytes() == before


def test_every_command_refuses_to_replace_a_file_without_force(plans):
    taken = plans / "taken"
    taken.write_bytes(b"a file of the user's")
    lines = [
        ["new", taken.with_suffix(".xlsx")],
        ["check", "plan.xlsx", "-o", taken.with_suffix(".xlsx")],
        ["report", "plan.xlsx", "-o", taken],
        ["report", "plans", "-o", taken],
        ["export", "plan.xlsx", "-o", taken],
        ["portfolio", "plans", "-o", taken.with_suffix(".xlsx")],
        ["feedback", "responses", "--plan", "plan.xlsx", "-o", taken.with_suffix(".xlsx")],
        ["journeys", "events", "--plan", "journeys.xlsx", "-o", taken.with_suffix(".xlsx")],
        ["journeys", "events", "--plan", "journeys.xlsx", "-o", taken.with_suffix(".html")],
    ]
    shutil.copy(taken, taken.with_suffix(".xlsx"))
    shutil.copy(taken, taken.with_suffix(".html"))
    for line in lines:
        result = run(*line, cwd=plans)
        assert result.returncode == 2, (line, result.stderr)
        assert "already exists; add --force" in one_line(result)
    assert taken.read_bytes() == taken.with_suffix(".xlsx").read_bytes() == \
        b"a file of the user's"
    json_out = plans / "plan.json"
    json_out.write_text("{}")
    assert run("export", "plan.xlsx", "-o", json_out, "--force", cwd=plans).returncode == 0
    assert json.loads(json_out.read_text())["format"] == "omnisheet-plan"


def test_a_csv_export_does_not_replace_a_csv_without_force(plans):
    assert run("export", "plan.xlsx", "--format", "csv", "-o", "csv", cwd=plans).returncode == 0
    again = run("export", "plan.xlsx", "--format", "csv", "-o", "csv", cwd=plans)
    assert again.returncode == 2 and "--force" in one_line(again)
    assert run("export", "plan.xlsx", "--format", "csv", "-o", "csv", "--force",
               cwd=plans).returncode == 0


def _char_device(path: Path) -> bool:
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own
    except (PermissionError, OSError):
        return False
    return True


def test_an_output_that_is_no_regular_file_is_refused_and_left_as_it_is(plans):
    fifo = plans / "pipe.json"
    os.mkfifo(fifo)
    folder = plans / "folder.html"
    folder.mkdir()
    link_to_fifo = plans / "link.json"
    link_to_fifo.symlink_to(fifo)
    targets = [fifo, link_to_fifo]
    device = plans / "null.json"
    if _char_device(device):
        targets.append(device)
    for target in targets:
        result = run("export", "plan.xlsx", "-o", target, "--force", cwd=plans, timeout=30)
        assert result.returncode == 2 and "not a regular file" in one_line(result)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link_to_fifo.is_symlink()
    if device in targets:
        assert stat.S_ISCHR(device.lstat().st_mode)
    result = run("export", "plan.xlsx", "-o", folder, "--force", cwd=plans)
    assert result.returncode == 2 and "is a folder" in one_line(result) and folder.is_dir()


def test_a_symlinked_output_stays_a_link_to_the_new_file(plans):
    real = plans / "real.json"
    real.write_text("{}")
    link = plans / "link.json"
    link.symlink_to(real)
    assert run("export", "plan.xlsx", "-o", link, "--force", cwd=plans).returncode == 0
    assert link.is_symlink() and json.loads(real.read_text())["format"] == "omnisheet-plan"


def test_dash_writes_to_standard_output_where_the_format_allows(plans):
    exported = run("export", "plan.xlsx", "-o", "-", cwd=plans)
    assert exported.returncode == 0 and json.loads(exported.stdout)["format"]
    page = run("report", "plan.xlsx", "-o", "-", cwd=plans)
    assert page.returncode == 0 and page.stdout.startswith("<!DOCTYPE html>")
    assert not (plans / "-").exists()
    for line in (["check", "plan.xlsx", "-o", "-"], ["import", "x.json", "-o", "-"],
                 ["portfolio", "plans", "-o", "-"]):
        result = run(*line, cwd=plans)
        assert result.returncode == 2 and "standard output" in one_line(result)


# --- 2. a folder may hold anything --------------------------------------------------------


@pytest.fixture
def hostile_folder(plans: Path) -> Path:
    folder = plans / "plans"
    (folder / "zero.xlsx").symlink_to("/dev/zero")
    (folder / "random.xlsx").symlink_to("/dev/urandom")
    os.mkfifo(folder / "stuck.xlsx")
    (folder / "loop.xlsx").symlink_to(folder / "loop.xlsx")
    return folder


@pytest.mark.parametrize("command", [["check"], ["report", "-o", "{out}/page.html"],
                                     ["portfolio", "-o", "{out}/portfolio.xlsx"]])
def test_a_folder_with_a_fifo_a_device_and_a_loop_checks_all_its_good_plans(
        hostile_folder, tmp_path, command):
    out = tmp_path / "out"
    out.mkdir()
    line = [part.format(out=out) for part in command]
    started = time.monotonic()
    result = run(line[0], hostile_folder, *line[1:], "--jobs", "2", timeout=120)
    assert time.monotonic() - started < 60
    assert result.returncode == 2  # some files could not be read
    said = result.stderr if line[0] != "check" else result.stdout + result.stderr
    for name in ("zero.xlsx", "random.xlsx", "stuck.xlsx", "loop.xlsx"):
        assert len(re.findall(rf"{name}\b.*(not a regular file|loop)", said)) == 1, said
    assert not any(word in said for word in UNEXPECTED)
    if line[0] == "check":
        for plan in PORTFOLIO:
            assert re.search(rf"{plan.name}\s+(readiness|maturité)", result.stdout), \
                result.stdout
    else:
        assert "3" in result.stdout  # the page or workbook of the 3 good plans


def test_feedback_folder_with_a_fifo_a_device_and_a_loop_reads_the_good_files(plans):
    folder = plans / "responses"
    (folder / "zero.csv").symlink_to("/dev/zero")
    os.mkfifo(folder / "stuck.csv")
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    result = run("feedback", folder, "--plan", plans / "plan.xlsx", timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and not any(word in result.stderr for word in UNEXPECTED)
    assert "3 fichiers" in result.stdout  # the three real responses files


# --- 3. workers die with their parent -----------------------------------------------------


def _alive(pid: int) -> bool:
    """Running: a zombie waiting for a reaper that never comes (PID 1 in a container) is
    dead."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_workers_end_with_their_parent_whatever_ends_it(tmp_path, signum):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        shutil.copy(PORTFOLIO[i % len(PORTFOLIO)], folder / f"plan-{i:02d}.xlsx")
    out = tmp_path / "checked"
    parent = subprocess.Popen([*OMNISHEET, "check", str(folder), "--jobs", "2", "-o", str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = [p for p in _children(parent.pid) if _alive(p)]
        assert len(workers) >= 2, "the workers never started"
        parent.send_signal(signum)
        stdout, stderr = parent.communicate(timeout=30)
        deadline = time.monotonic() + 2
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(p) for p in workers), "a worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in _children(parent.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    if signum != signal.SIGKILL:  # stopped as Ctrl+C stops it: one line, no summary
        assert parent.returncode == 2
        assert stderr.strip().splitlines() == ["omnisheet: interrupted; no output was written."]
        assert stdout == ""
    assert not list(out.glob(".*.tmp")) if out.exists() else True


# --- 4. no catch-all on any value ---------------------------------------------------------


def _with_numbers(value: bytes, sheet_name: str, target: Path) -> Path:
    """SAMPLE with every number of one tab (by its name) replaced by `value` as its XML
    holds it: what LibreOffice writes for NaN and the infinities, or an absurd number."""
    with zipfile.ZipFile(SAMPLE) as source:
        workbook = source.read("xl/workbook.xml").decode()
        rels = source.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet name="{re.escape(sheet_name)}" sheetId="\d+" r:id="(\w+)"',
                        workbook).group(1)
        part = "xl/" + re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)

        def replace(match: re.Match[bytes]) -> bytes:
            if b't="' in match.group(1) and b't="n"' not in match.group(1):
                return match.group(0)
            return match.group(1) + b">" + (match.group(2) or b"") + b"<v>" + value + b"</v>"

        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == part:
                    data, n = re.subn(rb'(<c r="[A-Z]+\d+"[^>]*?)>(<f>[^<]*</f>)?<v>[-0-9.E+]+</v>',
                                      replace, data)
                    assert n
                out.writestr(info, data)
    return target


VALUES = [b"NaN", b"INF", b"-INF", b"1e308", b"1.7976931348623157E+308"]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("tab", ["Cas d'usage", "Mesures", "Paramètres", "Scénarios"])
def test_a_non_finite_or_absurd_number_is_a_finding_at_its_cell(tmp_path, value, tab):
    plan = _with_numbers(value, tab, tmp_path / "plan.xlsx")
    runner = CliRunner()
    for line in (["check", plan, "--format", "json"],
                 ["check", plan, "-o", tmp_path / "checked.xlsx", "--force"],
                 ["report", plan, "-o", tmp_path / "page.html", "--force"],
                 ["diff", SAMPLE, plan], ["diff", plan, SAMPLE]):
        result = runner.invoke(main, [str(a) for a in line])
        assert result.exit_code in (0, 1), (line, result.output)
        assert not any(word in result.output for word in UNEXPECTED), result.output
    report = json.loads(runner.invoke(main, ["check", str(plan), "--format", "json",
                                             "--lang", "en"]).stdout)
    flagged = [f for f in report["findings"]
               if f["code"] in ("bad-number", "settings-invalid")]
    assert flagged, "the bad numbers went unsaid"
    assert all(f.get("cell") for f in flagged)  # each at its cell
    if tab == "Cas d'usage":
        shown = f"{float(value.decode()):g}"  # nan, inf, -inf, 1e+308, 1.79769e+308
        assert any(f'"{shown}"' in f["message"] for f in flagged), flagged[:2]


@pytest.fixture
def exported(tmp_path: Path) -> dict:
    return json.loads(run("export", SAMPLE).stdout)


@pytest.mark.parametrize(("raw", "said"), [
    ("NaN", "nan is not a number a plan can hold"),
    ("Infinity", "inf is not a number a plan can hold"),
    ("-Infinity", "-inf is not a number a plan can hold"),
    ("1e400", "inf is not a number a plan can hold"),
    ('"Ticket \\ud800"', "half of a UTF-16 pair (U+D800)"),
])
def test_import_refuses_a_value_no_workbook_holds_in_one_line(tmp_path, exported, raw, said):
    exported["use_cases"][0]["business_impact"] = "@@"
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(exported).replace('"@@"', raw))
    result = run("import", source, "-o", tmp_path / "plan.xlsx")
    assert result.returncode == 2
    line = one_line(result)
    assert "use_cases[0].business_impact" in line and said in line
    assert not (tmp_path / "plan.xlsx").exists()


def test_import_says_a_yaml_error_in_one_line_with_its_line_and_column(tmp_path):
    source = tmp_path / "plan.yaml"
    source.write_text("format: omnisheet-plan\nuse_cases: [\n  {title: a\n")
    result = run("import", source, "-o", tmp_path / "plan.xlsx")
    assert result.returncode == 2 and re.search(r"line \d+, column \d+", one_line(result))


@pytest.mark.parametrize("text", ['{"use_cases": []}', "lists: {}\n"])
def test_import_refuses_a_mapping_without_the_format_key(tmp_path, text):
    source = tmp_path / ("plan.json" if text.startswith("{") else "plan.yaml")
    source.write_text(text)
    result = run("import", source, "-o", tmp_path / "plan.xlsx")
    assert result.returncode == 2 and "no format key" in one_line(result)
    assert not (tmp_path / "plan.xlsx").exists()


def test_import_refuses_a_text_over_a_cell_and_never_cuts_it(tmp_path):
    source = tmp_path / "plan.yaml"
    use_cases = "".join(f"  - {{id: UC-{i}, title: *big}}\n" for i in range(6000))
    source.write_text(f'format: omnisheet-plan\nversion: 1\nbig: &big "{"x" * 1_000_000}"\n'
                      f"use_cases:\n{use_cases}")
    started = time.monotonic()
    result = run("import", source, "-o", tmp_path / "plan.xlsx")
    assert time.monotonic() - started < 10
    assert result.returncode == 2
    assert "a text of 1,000,000 characters, over the 32,767" in one_line(result)


def test_a_plan_rewritten_while_it_is_read_never_gives_an_unexpected_error(tmp_path):
    plan = tmp_path / "plan.xlsx"
    versions = [SAMPLE.read_bytes(), OTHER.read_bytes()]
    plan.write_bytes(versions[0])
    stop = threading.Event()

    def save_again() -> None:  # as an editor does: truncate, then write in pieces
        i = 0
        while not stop.is_set():
            i += 1
            data = versions[i % 2]
            with open(plan, "r+b") as f:
                f.truncate(0)
                for start in range(0, len(data), 16_384):
                    f.write(data[start:start + 16_384])
                    f.flush()

    saver = threading.Thread(target=save_again, daemon=True)
    saver.start()
    try:
        runner = CliRunner()
        for _ in range(20):
            result = runner.invoke(main, ["check", str(plan), "--lang", "en"])
            assert result.exit_code in (0, 1, 2)
            assert not any(word in result.output for word in UNEXPECTED), result.output
    finally:
        stop.set()
        saver.join()


# --- 5. what reaches a terminal is text ---------------------------------------------------

EVIL = "Evil \x1b]0;pwned\x07\x1b[2J\x1b[31m red \u202e"


def test_control_characters_of_the_team_are_shown_escaped_and_kept_in_json(tmp_path, exported):
    for use_case in exported["use_cases"]:
        use_case["title"] = EVIL
    source = tmp_path / "evil.json"
    source.write_text(json.dumps(exported))
    evil = tmp_path / "evil.xlsx"
    assert run("import", source, "-o", evil).returncode == 0
    texts = [run("check", evil, "--fail-on", "never").stdout,
             run("diff", SAMPLE, evil).stdout,
             run("check", evil, SAMPLE, "--fail-on", "never", "--top", "50").stdout]
    for text in texts:
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert r"Evil \x1b]0;pwned\x07\x1b[2J\x1b[31m red \u202e" in texts[0] + texts[1]
    as_json = json.loads(run("check", evil, SAMPLE, "--format", "json").stdout)
    assert EVIL in _strings(as_json)  # exactly as typed
    named = tmp_path / "bad\x1b[2J.xlsx"
    named.write_bytes(b"not a workbook")
    result = run("check", named)
    assert "\x1b" not in result.stderr and r"bad\x1b[2J.xlsx" in one_line(result)


def _strings(data: object) -> set[str]:
    if isinstance(data, dict):
        return set().union(*map(_strings, data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*map(_strings, data)) if data else set()
    return {data} if isinstance(data, str) else set()


# --- 6. a full disk keeps the previous output ---------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MB tmpfs of the test's own, when this user may mount one (root in CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _fill(disk: Path) -> None:
    with open(disk / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65_536)
                f.flush()
        except OSError:
            pass


def test_a_full_disk_keeps_the_previous_page_and_says_so_once(plans, small_disk):
    page = small_disk / "portfolio.html"
    first = run("report", plans / "plans", "-o", page)
    assert first.returncode == 0, first.stderr
    before = _snapshot(small_disk)
    _fill(small_disk)
    for own in small_disk.glob("lumen-*.html"):
        own.unlink()  # room for a plan's page or two, not for everything
    result = run("report", plans / "plans", "-o", page, "--force")
    assert result.returncode == 2
    assert "the disk is full" in one_line(result)
    assert page.read_bytes() == before["portfolio.html"]
    assert not list(small_disk.glob(".*.tmp"))


def test_a_full_disk_when_checking_a_folder_is_one_line(plans, small_disk):
    _fill(small_disk)
    result = run("check", plans / "plans", "-o", small_disk / "checked")
    assert result.returncode == 2
    assert "the disk is full" in one_line(result)
    assert "could not be read" not in result.stdout + result.stderr
    single = run("check", plans / "plan.xlsx", "-o", small_disk / "one.xlsx", "--lang", "en")
    assert single.returncode == 2 and "the disk is full" in one_line(single)
    assert not (small_disk / "one.xlsx").exists()


def test_a_journey_map_whose_colours_cannot_be_read_is_one_line(tmp_path):
    """Found by the fuzz test: calamine reads a journey sheet whose XML starts `<NaN?xml`,
    openpyxl, reading the colours of a status left blank, cannot."""
    plan = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(OTHER) as source, zipfile.ZipFile(plan, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = b"<NaN" + data[1:10_000] + data[10_016:]
            out.writestr(info, data)
    result = run("check", plan)
    assert result.returncode == 2
    assert "its sheet 'Journey map' could not be read" in one_line(result)
