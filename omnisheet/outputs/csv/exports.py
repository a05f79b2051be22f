"""CSV exports, one file per tab, safe to open in a spreadsheet.

Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) is
prefixed with a single quote, the neutralisation spreadsheet users expect (OWASP).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from ...plan.frames import plan_rows
from ...plan.model import Plan
from ...template.text import looks_like_formula
from ..atomic import atomic_output

if TYPE_CHECKING:
    from ...template.definition import Definition


def neutralise(value: object) -> object:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_targets(plan: Plan, folder: Path, definition: Definition | None = None
                ) -> list[Path]:
    """The files `write_csv_folder` would write, for the output rule to vet first."""
    return [folder / f"{tab}.csv" for tab in plan_rows(plan, definition)]


def write_csv_folder(plan: Plan, folder: Path, definition: Definition | None = None
                     ) -> list[Path]:
    """One CSV per tab of the definition (the journey, each table, the scenario map)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for tab, (columns, rows) in plan_rows(plan, definition).items():
        path = folder / f"{tab}.csv"
        with atomic_output(path) as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: neutralise(v) for k, v in row.items()})
        written.append(path)
    return written
