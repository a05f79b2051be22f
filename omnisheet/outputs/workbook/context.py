"""What every part of the writer shares: formats, defined names, safe cell writing."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_cell_to_rowcol
from xlsxwriter.worksheet import Worksheet

from ...plan.model import Plan, Scalar, column_letter
from ...template.definition import Definition
from ...template.text import first_sentences, shorten

if TYPE_CHECKING:
    from ...analysis.scoring import Priority

_ROW = "\x00"  # where a resolved formula takes its row number
# Functions newer than Excel 2010 that the definition's formulas use: stored as _xlfn.NAME.
_FUTURE = re.compile(r"(?<![A-Za-z_.])(MAXIFS|MINIFS|IFS|SWITCH|CONCAT|TEXTJOIN|XLOOKUP)\(")
_PLACEHOLDER = re.compile(r"\{(range:|label:|attr:)?([a-z_.0-9]+(?::[a-z_0-9]+)?)\}")


def quote_sheet(name: str) -> str:
    """A sheet name as formulas and defined names need it: always quoted, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"


def absolute_range(sheet: str, column: int, first_row: int, last_row: int) -> str:
    """`'Sheet'!$A$2:$A$201` for a 0-based column and 0-based rows."""
    letter = column_letter(column + 1)
    return f"{quote_sheet(sheet)}!${letter}${first_row + 1}:${letter}${last_row + 1}"


class PreparedWorksheet(Worksheet):
    """A worksheet for formulas that `Context.formula` has already expanded.

    xlsxwriter runs about thirty regular expressions over every formula to add `_xlfn.`
    prefixes (150 with `use_future_functions`); on a plan of 20,000 use cases that was
    most of the time spent writing. Our formulas come from the definition, and the few
    newer functions they use are prefixed once per column, so plain cell formulas skip
    that pass; everything else (conditional formats, tables) keeps xlsxwriter's own.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if expand_future_functions:
            return super()._prepare_formula(formula, expand_future_functions)
        return formula[1:] if formula.startswith("=") else formula


class WriterError(RuntimeError):
    """xlsxwriter refused an option; a bug in omnisheet, never the user's fault."""


# Methods that touch a row's cells or attributes: in constant_memory mode xlsxwriter flushes
# a row once a later row is written and silently drops anything sent to it afterwards.
_ROW_METHODS = ("write", "write_string", "write_number", "write_blank", "write_formula",
                "write_boolean", "write_datetime", "write_url", "write_rich_string",
                "write_comment", "set_row", "merge_range")


class _Ordered:
    """Row order for constant_memory: a sheet either streams (each call goes out at once and
    must not go back to an earlier row) or is `deferring` (calls are kept and replayed sorted
    by row, in call order within a row, by `finish`). `later` queues a call for a row that is
    sent once the writer has moved past that row (or at `finish`), after the row's own cells,
    so stray cells and comments can be planned before a streamed table is written.
    """

    deferring = False
    # The worksheet's own row methods, by name, for each subclass (see __init_subclass__):
    # looked up once, not through super() on each of a large plan's cells.
    _base: dict[str, Callable[..., Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        after = cls.__mro__[cls.__mro__.index(_Ordered) + 1:]
        cls._base = {name: next(vars(k)[name] for k in after if name in vars(k))
                     for name in _ROW_METHODS}

    def __init__(self) -> None:
        super().__init__()
        self._pending: list = []
        self._seq = itertools.count()
        self._front = 0

    def later(self, row: int, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Call `fn(*args, **kwargs)` (which writes to `row` of this sheet) in row order."""
        heapq.heappush(self._pending, (row, 1, next(self._seq), fn, args, kwargs))

    def _call(self, method: str, row: Any, args: tuple, kwargs: dict) -> Any:
        if isinstance(row, str):  # A1 notation
            row = xl_cell_to_rowcol(row)[0]
        queue = self._pending
        if self.deferring:
            fn = getattr(super(), method)
            heapq.heappush(queue, (row, 0, next(self._seq), fn, args, kwargs))
            return 0
        while queue and queue[0][0] < row:
            _, _, _, fn, a, k = heapq.heappop(queue)
            fn(*a, **k)
        if row < self._front:
            if getattr(self, "constant_memory", False):
                raise WriterError(f"{self.get_name()}: row {row + 1} written after row "
                                  f"{self._front + 1} in constant_memory mode")
        else:
            self._front = row
        return self._base[method](self, *args, **kwargs)

    def put_value(self, kind: str, row: int, col: int, value: Any, fmt: Any) -> None:
        """`write_<kind>(row, col, value, fmt)` for a 0-based row and column: the path of a
        large plan's cells. When the sheet streams and nothing is queued before `row`, it
        goes straight to xlsxwriter's undecorated `_write_<kind>`, past the A1 parsing and
        the public method (a tenth of the time spent writing a 20,000-row plan)."""
        if self.deferring or row < self._front or (self._pending and self._pending[0][0] < row):
            self._call("write_" + kind, row, (row, col, value, fmt), {})
            return
        self._front = row
        _DIRECT[kind](self, row, col, value, fmt)

    def finish(self) -> None:
        """Send whatever is still kept, in row order."""
        self.deferring = False
        queue = self._pending
        while queue:
            _, _, _, fn, args, kwargs = heapq.heappop(queue)
            fn(*args, **kwargs)


def _ordered_method(name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        row = args[0] if args else kwargs.get("row", kwargs.get("first_row", 0))
        return self._call(name, row, args, kwargs)

    method.__name__ = name
    return method


for _name in _ROW_METHODS:
    setattr(_Ordered, _name, _ordered_method(_name))


_DIRECT = {kind: getattr(Worksheet, "_write_" + kind)
           for kind in ("string", "number", "blank", "boolean", "datetime")}


class OrderedWorksheet(_Ordered, Worksheet):
    """A plain worksheet that keeps row order (see `_Ordered`)."""


class OrderedPreparedWorksheet(_Ordered, PreparedWorksheet):
    """A PreparedWorksheet that keeps row order (see `_Ordered`)."""


class Context:
    """One workbook being written: the plan, its language, formats and names."""

    def __init__(self, workbook: Any, definition: Definition, plan: Plan, lang: str,
                 priorities: Sequence[Priority] | None = None, evidence: Any = None) -> None:
        self.workbook = workbook
        self.definition = definition
        self.plan = plan
        self.lang = lang
        self._priorities = priorities
        self._evidence = evidence
        self._formats: dict[tuple, Any] = {}
        self.names: dict[str, str] = {}

    def priorities_by_index(self) -> dict[int, Priority]:
        """The use cases' priorities by their position in the plan: the report's, when it
        scored this very plan, rather than scoring it once more."""
        ranked = self._priorities
        if ranked is None:
            from ...analysis.scoring import priorities

            ranked = priorities(self.plan)
        return {p.index: p for p in ranked}

    @cached_property
    def evidence(self) -> Any:
        """The plan's measures assessed: the report's, when it checked this very plan."""
        if self._evidence is not None:
            return self._evidence
        from ...analysis.measures import Evidence

        return Evidence(self.plan, self.definition)

    def sheet_name(self, tab_key: str) -> str:
        return self.plan.sheet_names.get(tab_key) or self.definition.tab(tab_key).labels[self.lang]

    def fmt(self, **props: Any) -> Any:
        """A cached cell format (xlsxwriter allows only so many distinct ones)."""
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            base = {"valign": "top", "font_name": "Calibri", "font_size": 10}
            self._formats[key] = self.workbook.add_format({**base, **props})
        return self._formats[key]

    @cached_property
    def header(self) -> Any:
        colours = self.definition.colours
        return self.fmt(
            bold=True, bg_color=colours["header"], font_color=colours["header_text"],
            text_wrap=True, border=1, border_color="#BFBFBF",
        )

    @cached_property
    def subheader(self) -> Any:
        return self.fmt(bold=True, bg_color=self.definition.colours["subheader"], border=1,
                        border_color="#BFBFBF", text_wrap=True)

    @cached_property
    def text(self) -> Any:
        return self.fmt(text_wrap=True, border=1, border_color="#D9D9D9")

    @cached_property
    def text_only(self) -> Any:
        """A cell meant for text (@): what is typed stays as typed, where a spreadsheet
        would turn "mars 2026" into a date or "0612" into a number."""
        return self.fmt(text_wrap=True, border=1, border_color="#D9D9D9", num_format="@")

    def column_format(self, column: Any) -> Any:
        if self.definition.holds_text(column):
            return self.text_only
        if column.type == "number" and column.number_format:  # a trend's 4,12 and its interval
            return self.fmt(text_wrap=True, border=1, border_color="#D9D9D9",
                            num_format=column.number_format)
        return self.text

    def define(self, name: str, reference: str) -> None:
        self.names[name] = reference
        self.workbook.define_name(name, "=" + reference)

    def put(self, sheet: Any, row: int, col: int, value: Scalar, fmt: Any = None) -> None:
        """Write a value as what it is; text is always text, never a formula. `sheet` is
        one of ours (`_Ordered`), as every sheet the writer adds."""
        if value is None or value == "":
            sheet.put_value("blank", row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.put_value("boolean", row, col, value, fmt)
        elif isinstance(value, int | float):
            sheet.put_value("number", row, col, value, fmt)
        elif isinstance(value, dt.datetime | dt.date):
            date_fmt = self.fmt(num_format="yyyy-mm-dd", border=1, border_color="#D9D9D9")
            sheet.put_value("datetime", row, col, value, fmt or date_fmt)
        elif isinstance(value, dt.time | dt.timedelta):  # a time stays a time, 18:30
            shown = "hh:mm" if isinstance(value, dt.time) else "[h]:mm"
            sheet.put_value("datetime", row, col, value,
                            self.fmt(num_format=shown, border=1, border_color="#D9D9D9"))
        else:
            sheet.put_value("string", row, col, str(value), fmt)

    def validate(self, sheet: Any, first_row: int, col: int, last_row: int, options: dict) -> None:
        result = sheet.data_validation(first_row, col, last_row, col, options)
        if result not in (0, None):
            raise WriterError(f"data validation refused ({result}): {options}")

    def help_options(self, title: str, text: str) -> dict[str, Any]:
        """Input-message options: Excel caps the title at 32 and the text at 255 characters."""
        return {"input_title": shorten(title, 32), "input_message": first_sentences(text, 255)}

    def list_label(self, list_key: str, value: Scalar) -> Scalar:
        if isinstance(value, str):
            return self.definition.list(list_key).label(value, self.lang)
        return value

    def cell_value(self, column: Any, record: Any) -> Scalar:
        """A record's field as its cell shows it: as the team typed it, a list's value by
        its label in the workbook's language."""
        if column.key in record.typed:
            return record.typed[column.key]
        value = record.get(column.key)
        if column.list and column.type == "list":
            return self.list_label(column.list, value)
        return value

    def column_formula(self, template: str, letters: dict[str, str]) -> Callable[[int], str]:
        """A definition formula resolved once for a column, given column letters by key:
        call the result with a 0-based row for that row's formula. Functions newer than
        Excel 2010 get their `_xlfn.` prefix here (see PreparedWorksheet)."""
        resolved = self._resolve(template, letters)
        return lambda row: resolved.replace(_ROW, str(row + 1))

    def _resolve(self, template: str, letters: dict[str, str]) -> str:
        def sub(match: re.Match[str]) -> str:
            kind, key = match.group(1), match.group(2)
            if kind == "range:":
                tab_key, _, column_key = key.rpartition(".")
                return self.range_name(tab_key or letters["__tab__"], column_key)
            if kind == "attr:":
                return self._attr_switch(key, f"{letters[key.split(':')[1]]}{_ROW}")
            if kind == "label:":
                list_key, value_key = key.split(".", 1)
                return self.definition.list(list_key).label(value_key, self.lang).replace('"', '""')
            return f"{letters[key]}{_ROW}"

        return _FUTURE.sub(r"_xlfn.\1(", _PLACEHOLDER.sub(sub, template))

    def _attr_switch(self, spec: str, cell: str) -> str:
        """`{attr:list.name:column}`: the attribute of the list value the cell holds, as a
        chain of IFs over the labels, "" for a value the list does not know."""
        list_key, name = spec.split(":")[0].split(".")
        formula = '""'
        for value in reversed(self.definition.list(list_key).values):
            label = value.label(self.lang).replace('"', '""')
            formula = f'IF({cell}="{label}",{value.attr(name, 0)},{formula})'
        return formula

    @staticmethod
    def range_name(tab_key: str, column_key: str) -> str:
        return f"{tab_key}_{column_key}"

    @staticmethod
    def list_name(list_key: str) -> str:
        return f"list_{list_key}"


LINE_HEIGHT = 12.75  # points: one line of the 10-point text the tabs are written in


def row_height(*cells: tuple[object, float]) -> float:
    """A row tall enough for its wrapped cells, (value, column width in characters) each:
    LibreOffice keeps a row's stored height, and wrapped text would spill over the rows
    below it."""
    lines = 1
    for value, width in cells:
        if value is None:
            continue
        text = str(value)
        per_line = max(1.0, width * 1.1)  # 10-point text in a width counted in 11-point digits
        lines = max(lines, sum(max(1, -(-len(part) // int(per_line)))
                               for part in text.split("\n")))
    return LINE_HEIGHT * min(lines, 30)
