"""Where records go on their sheet: records added to a table under its last record (or
under its headers when it has none), in the order they come; use cases sorted by rank onto
the rows they occupy. Placed once, in the plan, so that the findings on a row, the team's
own workbook patched and a rebuilt workbook all name one row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..template.facts import Phrase

if TYPE_CHECKING:
    from .model import Finding, Plan, Scalar

# A message's parameters that name a row of the finding's own tab (duplicate-id's first
# use), and the phrases that say "UC-004 (row 5)" or "Use cases row 5".
ROW_PARAMS = frozenset({"first"})
ROW_PHRASES = frozenset({"row_of_id", "row_of_tab"})


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


def rank_order(count: int, ranks: Mapping[int, int]) -> list[int]:
    """Record indices in rank order (`ranks` by index): ties and records without a rank
    (not fully qualified) in the plan's order, the unranked last."""
    return sorted(range(count), key=lambda i: (ranks.get(i, count + 1), i))


def ranked_rows(plan: Plan, ranks: Mapping[int, int],
                onto: Sequence[int] | None = None) -> dict[int, int]:
    """Where each use case's sheet row goes when the table is sorted by rank: onto the
    rows the use cases occupy (or the rows `onto`, one per use case, for a table written
    anew), the first ranked onto the first of them, and so on. Only the rows that move,
    old -> new (1-based); empty when the table is in rank order."""
    records = plan.table("use_cases")
    order = [records[i].row for i in rank_order(len(records), ranks)]
    if onto is None:
        order = [row for row in order if row is not None]
        onto = sorted(order)
        if len(set(onto)) != len(onto):
            return {}  # two records on one row: not a table a sort can reorder
    return {old: new for old, new in zip(order, onto, strict=True)
            if old is not None and old != new}


def findings_on_moved_rows(findings: tuple[Finding, ...], sheet: str,
                           moves: Mapping[int, int], ids: Mapping[int, Scalar] | None = None
                           ) -> tuple[Finding, ...]:
    """`findings` with the rows of `sheet` that moved (`moves`, old -> new) renamed: the
    cell each one is on, and the rows its message names (`ROW_PARAMS`, `ROW_PHRASES`).
    With `ids` (each record's ID by its old row), an ID used twice is said where a check of
    the moved rows says it: on every use but the one that now comes first."""
    if not moves:
        return findings

    def moved(value: object) -> object:
        if isinstance(value, Phrase) and value.key in ROW_PHRASES:
            fields = dict(value.fields)
            if fields.get("tab", sheet) == sheet and isinstance(fields.get("row"), int):
                fields["row"] = moves.get(fields["row"], fields["row"])
                return Phrase(value.section, value.key, **fields)
        return value

    out = []
    for finding in findings:
        if finding.sheet != sheet:
            out.append(finding)
            continue
        params = {key: moves.get(value, value) if key in ROW_PARAMS and isinstance(value, int)
                  else moved(value) for key, value in finding.params.items()}
        row = moves.get(finding.row, finding.row) if finding.row is not None else None
        out.append(replace(finding, row=row, params=params))
    if ids is not None:
        _first_uses(out, sheet, {moves.get(row, row): value for row, value in ids.items()})
    return tuple(out)


def _first_uses(findings: list[Finding], sheet: str, ids: Mapping[int, Scalar]) -> None:
    """The duplicate-id findings of `sheet` (moved) on every use of an ID but the first by
    row: where the use that was first no longer is, it gets the finding of the use now
    first (`ids`: each record's ID by its new row)."""
    groups: dict[tuple[object, object], list[int]] = {}
    for i, finding in enumerate(findings):
        if finding.code == "duplicate-id" and finding.sheet == sheet \
                and isinstance(finding.params.get("first"), int) and finding.row is not None:
            groups.setdefault((finding.column, finding.params["first"]), []).append(i)
    for (_, first), members in groups.items():
        lowest = min(members, key=lambda i: findings[i].row or 0)
        now_first = findings[lowest].row
        if now_first is None or now_first > first or first not in ids:
            continue
        for i in members:
            findings[i] = replace(findings[i], params={**findings[i].params, "first": now_first})
        taken = findings[lowest]
        subject = taken.subject
        if subject is not None and len(subject.shown) == 1:
            subject = replace(subject, shown=(ids[first],))
        findings[lowest] = replace(taken, row=first, value=ids[first], subject=subject)
