"""Checks that apply to every table tab: lists, IDs, required cells, numbers, settings;
and the codes the reader finds (a missing tab, a status read from a colour), declared."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...plan.lookups import id_key
from ...template.facts import ColumnName, Label, ListName, Phrase, SettingName
from ...template.numbers import number
from ...template.severity import ERROR, INFO, WARNING
from .registry import CheckContext, declare, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


declare("tab-missing", ERROR, "workbook")
declare("column-missing", ERROR, "workbook")
declare("status-inferred-from-colour", INFO, "journey")
declare("formula-overwritten", WARNING, "workbook")
declare("macros-not-kept", INFO, "workbook")


@register("value-not-in-list", ERROR, "workbook")
def value_not_in_list(ctx: CheckContext) -> Iterator[Finding]:
    d = ctx.definition
    for tab in d.table_tabs:
        for column in tab.input_columns:
            if column.type != "list" or not column.list:
                continue
            for index, record in ctx.records(tab.key):
                value = record.get(column.key)
                if value is not None and not ctx.in_list(column.list, value):
                    typed = record.typed.get(column.key, value)
                    yield ctx.finding("value-not-in-list", tab.key, index, column.key,
                                      value=typed, expected=ListName(column.list),
                                      list=ListName(column.list),
                                      closest=ctx.closest(column.list, typed))
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status is not None and not ctx.in_list("touchpoint_status",
                                                             touchpoint.status):
            yield ctx.on_touchpoint("value-not-in-list", touchpoint, status=True,
                                    value=touchpoint.status,
                                    expected=ListName("touchpoint_status"),
                                    list=ListName("touchpoint_status"),
                                    closest=ctx.closest("touchpoint_status", touchpoint.status))


@register("value-spelled-differently", INFO, "workbook")
def value_spelled_differently(ctx: CheckContext) -> Iterator[Finding]:
    for tab in ctx.definition.table_tabs:
        for column in tab.input_columns:
            if column.type != "list" or not column.list:
                continue
            for index, record in ctx.records(tab.key):
                typed = record.typed.get(column.key)
                value = record.get(column.key)
                if typed is not None and not ctx.spelled_as_listed(column.list, value, typed):
                    yield ctx.finding("value-spelled-differently", tab.key, index, column.key,
                                      value=typed, expected=Label(column.list, value))


@register("duplicate-id", ERROR, "workbook")
def duplicate_id(ctx: CheckContext) -> Iterator[Finding]:
    for tab in ctx.definition.table_tabs:
        if not any(c.type == "id" for c in tab.columns):
            continue
        first: dict[str, int] = {}
        for index, record in ctx.records(tab.key):
            if record.get("id") is None:
                continue
            key = id_key(record.get("id"))
            if key in first:
                yield ctx.finding("duplicate-id", tab.key, index, "id", value=record.get("id"),
                                  first=ctx.row_of(tab.key, first[key]))
            else:
                first[key] = index


@register("missing-required", ERROR, "workbook")
def missing_required(ctx: CheckContext) -> Iterator[Finding]:
    for tab in ctx.definition.table_tabs:
        required = [column for column in tab.input_columns if column.required]
        for index, record in ctx.records(tab.key):
            for column in required:
                if record.get(column.key) is None \
                        and not _traffic_row(tab.key, column.key, record):
                    yield ctx.finding("missing-required", tab.key, index, column.key,
                                      thing=_thing(ctx, tab.key, index, record),
                                      column=ColumnName(tab.key, column.key))


def _traffic_row(tab_key: str, column_key: str, record: Any) -> bool:
    """A measure row of inferred evidence holding only a share of traffic (written by
    omnisheet journeys) needs no indicator nor value: the share is the measure."""
    return (tab_key == "measures" and column_key in ("indicator", "value")
            and record.get("evidence") == "inferred" and record.get("share") is not None)


def _thing(ctx: CheckContext, tab_key: str, index: int, record: object) -> Phrase:
    """How a message names a row: its ID if it has one, else its tab and row."""
    ident = getattr(record, "id", None) or getattr(record, "scenario", None)
    row = ctx.row_of(tab_key, index)
    if ident:
        return Phrase("check_phrases", "row_of_id", id=str(ident), row=row)
    return Phrase("check_phrases", "row_of_tab", tab=ctx.sheet(tab_key), row=row)


@register("bad-number", ERROR, "workbook")
def bad_number(ctx: CheckContext) -> Iterator[Finding]:
    for tab in ctx.definition.table_tabs:
        for column in tab.input_columns:
            if column.type != "number":
                continue
            for index, record in ctx.records(tab.key):
                value = record.get(column.key)
                if value is None:
                    continue
                n = number(value)
                low, high = column.min, column.max
                if high is not None and column.unit == "hour":
                    high_out = n is not None and n >= high + 1  # 23:30 is within "0 to 23"
                else:
                    high_out = n is not None and high is not None and n > high
                if n is None or (low is not None and n < low) or high_out:
                    yield ctx.finding("bad-number", tab.key, index, column.key, value=value,
                                      expected=_wanted(low, high),
                                      thing=_thing(ctx, tab.key, index, record),
                                      column=ColumnName(tab.key, column.key),
                                      wanted=_wanted(low, high))


def _wanted(low: float | None, high: float | None) -> Phrase:
    """"a number from 1 to 5", "a number, 0 or more", or just "a number"."""
    if low is not None and high is not None:
        return Phrase("check_phrases", "number_between", low=low, high=high)
    if low is not None:
        return Phrase("check_phrases", "number_from", low=low)
    return Phrase("check_phrases", "number")


@register("settings-invalid", ERROR, "settings")
def settings_invalid(ctx: CheckContext) -> Iterator[Finding]:
    from ...feedback.zones import setting_problems as zone_problems
    from ...journeys.settings import setting_problems as journey_problems
    from ...plan.model import Finding, Subject
    from ...plan.setting_tables import default, unusable
    from ..pressure import setting_problems as pressure_problems
    from ..scoring import setting_problems

    d = ctx.definition
    settings = {s.key: s.default for s in d.settings} | dict(ctx.plan.settings)
    problems = (setting_problems(settings) | pressure_problems(settings)
                | zone_problems(settings) | journey_problems(settings))
    for row, setting in enumerate(d.settings, start=2):
        reason = problems.get(setting.key)
        if reason:
            yield Finding(code="settings-invalid", severity=ERROR, sheet=ctx.sheet("settings"),
                          row=row, column=2, value=settings.get(setting.key),
                          params={"setting": SettingName(setting.key),
                                  "why": Phrase("check_phrases", f"setting_{reason}"),
                                  "default": setting.default},
                          subject=Subject("settings", (setting.key,), None, (setting.key,)))
    for table, found, col, column in unusable(ctx.plan, d):  # the caps per channel
        label = Label(table.rows, found.value)
        cell = Phrase("check_phrases", "setting_cell", row=label,
                      column=ColumnName(table.key, column))
        yield Finding(code="settings-invalid", severity=ERROR, sheet=ctx.sheet("settings"),
                      row=found.sheet_row + 1, column=col + 1, value=found.values[column],
                      params={"setting": cell,
                              "why": Phrase("check_phrases", f"setting_{column}"),
                              "default": default(d, table, found.value, column)},
                      subject=Subject("settings", (table.key, str(found.value), column), None,
                                      (label,)))


__all__ = ["INFO"]
