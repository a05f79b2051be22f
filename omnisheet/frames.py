"""The plan as pandas DataFrames, one per tab: where pandas serves (analysis, notebooks)."""

from __future__ import annotations

from typing import Any

from .model import Plan
from .serialise import plan_to_dict

TABS = ("journey", "use_cases", "scenario_map", "scenarios", "messages", "data_needs")


def plan_rows(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Each tab's rows as flat dicts (extra columns flattened in), shared by CSV and pandas."""
    data = plan_to_dict(plan)
    tables: dict[str, list[dict[str, Any]]] = {}
    for tab in TABS:
        rows = []
        for row in data.get(tab, []):
            flat = {k: v for k, v in row.items() if k != "extra"}
            flat.update(row.get("extra") or {})
            if tab == "scenario_map":
                flat["scenarios"] = ", ".join(row["scenarios"])
            rows.append(flat)
        tables[tab] = rows
    return tables


def plan_frames(plan: Plan) -> dict[str, Any]:
    import pandas as pd

    return {tab: pd.DataFrame(rows) for tab, rows in plan_rows(plan).items()}
