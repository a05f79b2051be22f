"""The README and docs/ say what the code does: every command they show is run here, in a
folder holding the files they name; an example's output is what the command prints; the
list of checks is the language files'; the architecture's tree is the layers'."""

from __future__ import annotations

import glob
import importlib.util
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_architecture import LAYERS

from omnisheet.commands.checks import PAGE, checks_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@dataclass(frozen=True)
class Shown:
    """A command as a page shows it, and for a console example the lines shown under it."""

    page: str
    line: int
    command: str
    printed: tuple[str, ...] | None = None  # None: a command only (an `sh` block)
    python: bool = False

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def _blocks(path: Path):
    """(language, first line number, lines) of each fenced block of a Markdown page."""
    fence, start, body = None, 0, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            if fence is None:
                fence, start, body = line[3:].strip(), number + 1, []
            else:
                yield fence, start, body
                fence = None
        elif fence is not None:
            body.append(line)


def shown(paths=PAGES) -> list[Shown]:
    found = []
    for path in paths:
        page = str(path.relative_to(ROOT))
        for fence, start, body in _blocks(path):
            if fence == "python":
                found.append(Shown(page, start, "\n".join(body), python=True))
            elif fence == "sh":
                found += [Shown(page, start + i, line.split(" #", 1)[0].strip())
                          for i, line in enumerate(body) if line.startswith("omnisheet ")]
            elif fence == "console":
                commands = [i for i, line in enumerate(body) if line.startswith("$ ")]
                for n, i in enumerate(commands):
                    end = commands[n + 1] if n + 1 < len(commands) else len(body)
                    found.append(Shown(page, start + i, body[i][2:].strip(),
                                       tuple(body[i + 1:end])))
    return found


def make_targets(paths=PAGES) -> list[tuple[str, str]]:
    """`make X` as the pages show it, in blocks and in the text."""
    return sorted({(str(path.relative_to(ROOT)), target) for path in paths
                   for target in re.findall(r"(?:`|^)make ([a-z][\w.-]*)",
                                            path.read_text(encoding="utf-8"), re.M)})


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> Path:
    """What the pages' commands name: the samples as the repository has them, `plan.xlsx`,
    `old.xlsx` and `new.xlsx` (the sample, and the sample a month later), `plans/` (the
    portfolio's plans), `exports/` (the sample's survey exports), `plan.json`, and
    `out/retail-fr-avril.xlsx` as `make run` writes it."""
    from click.testing import CliRunner

    from omnisheet.cli import main

    top = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "samples", top / "samples",
                    ignore=shutil.ignore_patterns("__pycache__"))
    spec = importlib.util.spec_from_file_location("later", ROOT / "samples" / "later.py")
    later = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(later)
    (top / "out").mkdir()
    assert later.main([str(top / "out" / "retail-fr-avril.xlsx")]) == 0
    shutil.copy(top / "samples" / "retail-fr.xlsx", top / "plan.xlsx")
    shutil.copy(top / "samples" / "retail-fr.xlsx", top / "old.xlsx")
    shutil.copy(top / "out" / "retail-fr-avril.xlsx", top / "new.xlsx")
    shutil.copytree(top / "samples" / "portfolio", top / "plans",
                    ignore=shutil.ignore_patterns("*.py"))
    shutil.copytree(top / "samples" / "feedback", top / "exports",
                    ignore=shutil.ignore_patterns("*.py"))
    shutil.copytree(top / "samples" / "events", top / "events",
                    ignore=shutil.ignore_patterns("*.py"))
    assert CliRunner().invoke(main, ["export", str(top / "plan.xlsx"),
                                     "-o", str(top / "plan.json")]).exit_code == 0
    return top


def _outputs(args: list[str]) -> list[str]:
    """The files a command writes: after -o, and `new`'s argument."""
    named = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--output")]
    return named + (args[1:2] if args[0] == "new" else [])


def _expand(args: list[str], here: Path) -> list[str]:
    """What a shell does with `exports/*.csv`."""
    out = []
    for arg in args:
        out += sorted(str(Path(p)) for p in glob.glob(arg, root_dir=here)) if "*" in arg else [arg]
    return out


@pytest.mark.parametrize("example", shown(), ids=str)
def test_every_command_the_pages_show_runs(example: Shown, files: Path, tmp_path, cli,
                                           monkeypatch):
    """Each command shown runs as shown, where its inputs exist and its outputs do not yet:
    exit 0, or 1 for what it found, never an error; what it says it writes is written; a
    console example prints every line shown (in order, "..." standing for lines left out;
    all of them and only them when nothing is left out)."""
    here = tmp_path / "here"
    shutil.copytree(files, here)
    monkeypatch.chdir(here)
    if example.python:
        exec(compile(example.command, str(example), "exec"), {})  # the API as shown
        return
    args = shlex.split(example.command)
    assert args[0] == "omnisheet"
    args = _expand(args[1:], here)
    for output in _outputs(args):
        if output != "-":
            (here / output).unlink(missing_ok=True)
    result = cli(*args)
    assert result.exit_code in (0, 1), result.output
    assert "unexpected error" not in result.output
    for output in _outputs(args):
        assert output == "-" or (here / output).exists(), output
    if example.printed is None:
        return
    printed = [line for line in result.output.splitlines() if line.strip()]
    lines = [line for line in example.printed if line.strip()]
    if "..." not in (line.strip() for line in lines):
        assert printed == lines
        return
    at = 0
    for line in lines:
        if line.strip() == "...":
            continue
        assert line in printed[at:], line
        at = printed.index(line, at) + 1


def test_the_pages_show_commands_and_every_page_is_linked():
    """The pages hold the examples the tests above run (a page that lost its fences would
    pass them), and the README links every page of docs/ and every picture exists."""
    pages = {e.page for e in shown()}
    assert {"README.md", "docs/commands.md", "docs/feedback.md", "docs/portfolio.md",
            "docs/python-api.md"} <= pages
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in PAGES[1:]:
        assert f"(docs/{path.name}" in readme, path.name
    for path in PAGES:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            assert (path.parent / target).exists(), f"{path.name}: {target}"


@pytest.mark.parametrize(("page", "target"), make_targets())
def test_every_make_target_the_pages_name_exists(page, target):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"{page}: make {target}"


def test_the_checks_page_is_the_language_files():
    page = (ROOT / PAGE).read_text(encoding="utf-8")
    assert page == checks_page(), "run: python -m omnisheet.commands.checks"


def test_the_architecture_tree_is_the_layers():
    """docs/architecture.md draws the layers highest first, as tests/test_architecture.py
    orders them lowest first, and names only modules and folders that exist."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = text.split("```\nomnisheet/\n", 1)[1].split("```", 1)[0]
    drawn = [m.group(1) for m in re.finditer(r"^  (\w+)/ ", tree, re.M)]
    assert drawn == [layer for layer in reversed(LAYERS) if layer]
    for folder in drawn:
        assert (ROOT / "omnisheet" / folder / "__init__.py").exists(), folder
    assert "cli.py" in tree and (ROOT / "omnisheet" / "cli.py").exists()
