"""Where records added to a table go: under the table's last record (or under its headers
when it has none), in the order they come. Placed once, in the plan, so that the findings
on a new row, the team's own workbook patched and a rebuilt workbook all name one row."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Plan


def with_rows_placed(plan: Plan, tab_keys: tuple[str, ...]) -> Plan:
    """`plan` with a sheet row for every record of `tab_keys` that has none."""
    changes = {}
    for key in tab_keys:
        records = plan.table(key)
        if all(r.row is not None for r in records):
            continue
        taken = [r.row for r in records if r.row is not None]
        following = max([plan.header_rows.get(key, 1), *taken]) + 1
        placed = []
        for record in records:
            if record.row is None:
                record = replace(record, row=following)
                following += 1
            placed.append(record)
        changes[key] = tuple(placed)
    return plan.with_changes(**changes) if changes else plan
