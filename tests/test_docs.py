"""The README says what the code does: its list of checks is the registry's, its diff example is real."""

from pathlib import Path

from omnisheet.commands.checks import BEGIN, END, checks_markdown


def test_readme_lists_the_registered_checks():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    generated = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert generated == checks_markdown(), "run: python -m omnisheet.commands.checks"


def test_the_readme_diff_example_is_what_the_command_prints(tmp_path, cli):
    """The walk-through's diff is real: samples/later.py writes April's plan, and the
    command in the README prints exactly the lines shown under it."""
    import importlib.util
    import os

    root = Path(__file__).parent.parent
    spec = importlib.util.spec_from_file_location("later", root / "samples" / "later.py")
    later = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(later)
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ omnisheet diff samples/retail-fr.xlsx out/retail-fr-avril.xlsx "
                         "--lang en --top 5\n", 1)[1].split("```", 1)[0]
    (tmp_path / "out").mkdir()
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "retail-fr.xlsx").write_bytes(
        (root / "samples" / "retail-fr.xlsx").read_bytes())
    assert later.main([str(tmp_path / "out" / "retail-fr-avril.xlsx")]) == 0
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = cli("diff", "samples/retail-fr.xlsx", "out/retail-fr-avril.xlsx",
                     "--lang", "en", "--top", "5")
    finally:
        os.chdir(here)
    assert result.output.strip().splitlines() == block.strip().splitlines()
