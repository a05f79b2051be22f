"""A copy of the template's definition (structure and language files) to change in a test,
as a team or a translator would: `copy_templates` then `edit`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from omnisheet.template.definition import DEFAULT_PATH


def copy_templates(folder: Path) -> Path:
    """The whole workbook_templates folder copied into `folder`; returns its plan.yaml."""
    target = folder / "workbook_templates"
    shutil.copytree(DEFAULT_PATH.parent, target)
    return target / "plan.yaml"


def edit(path: Path, change: Callable[[Any], None]) -> None:
    """Load a YAML file, let `change` edit the data, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def language_file(plan_yaml: Path, lang: str) -> Path:
    return plan_yaml.parent / "lang" / f"{lang}.yaml"
