"""Where the template's files are: its structure (plan.yaml) and one words file per
language beside it. Cheap on purpose (no YAML read): the command line asks it for the
languages it offers before anything else is imported."""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent  # the package, above template/
# Installed, the template sits inside the package; in a source checkout, at the top level.
_PACKAGED = _HERE / "workbook_templates" / "plan.yaml"
DEFAULT_PATH = _PACKAGED if _PACKAGED.exists() else _HERE.parent / _PACKAGED.relative_to(_HERE)
# A team's own copy of the template (its plan.yaml, with lang/ beside it) replaces the
# bundled one everywhere when this names it: another language, a column of their own.
TEMPLATE_VARIABLE = "OMNISHEET_TEMPLATE"


def template_path() -> Path:
    """The definition in use: $OMNISHEET_TEMPLATE when set, else the bundled one."""
    chosen = os.environ.get(TEMPLATE_VARIABLE)
    return Path(chosen) if chosen else DEFAULT_PATH


def language_files(folder: Path) -> dict[str, Path]:
    """The language files beside the structure, by language code (the file's stem)."""
    return {p.stem: p for p in sorted((folder / "lang").glob("*.yaml"))}


def available_languages(path: str | Path | None = None) -> list[str]:
    """The languages there is a words file for, for the command line's choices."""
    return sorted(language_files(Path(path or template_path()).resolve().parent))
