"""The README's list of checks is the registry's."""

from pathlib import Path

from omnisheet.checks.docs import BEGIN, END, checks_markdown


def test_readme_lists_the_registered_checks():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    generated = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert generated == checks_markdown(), "run: python -m omnisheet.checks.docs"
