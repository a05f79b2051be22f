"""The plan as flat rows, one list per tab in the definition's order: what the CSV export
and the pandas frames (for analysis, notebooks) are made of."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..template.definition import load_definition
from .serialise import plan_to_dict

if TYPE_CHECKING:
    from ..template.definition import Definition
    from .model import Plan


MAP_COLUMNS = {"journey": ("stage", "channel", "description", "status"),
               "scenario_map": ("relationship_stage", "target", "scenarios")}


def plan_rows(plan: Plan, definition: Definition | None = None
              ) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Each tab's columns and rows as flat dicts, in the definition's order: the journey,
    every table tab (every column of the template, filled or not, then the team's own),
    the scenario map."""
    d = definition or load_definition()
    data = plan_to_dict(plan, d)
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for tab in d.tabs:
        if tab.kind != "table" and tab.key not in MAP_COLUMNS:
            continue
        rows = data.get(tab.key) or []
        columns = list(MAP_COLUMNS.get(tab.key) or (c.key for c in tab.input_columns))
        flat_rows = []
        for row in rows:
            flat = dict.fromkeys(columns)
            flat.update({k: v for k, v in row.items() if k != "extra"})
            flat.update(row.get("extra") or {})
            if tab.key == "scenario_map":
                flat["scenarios"] = ", ".join(row["scenarios"])
            flat_rows.append(flat)
        columns += [k for row in flat_rows for k in row if k not in columns]
        tables[tab.key] = (list(dict.fromkeys(columns)), flat_rows)
    return tables


def to_frames(plan: Plan, definition: Definition | None = None) -> dict[str, Any]:
    """One pandas DataFrame per tab, keyed by tab key (pandas is imported only here)."""
    import pandas as pd

    return {tab: pd.DataFrame(rows, columns=columns)
            for tab, (columns, rows) in plan_rows(plan, definition).items()}
