"""Periods of measurement (a month, a quarter, a year): their start, their name in a
language ("mars 2026", "T1 2026", "Q1 2026", "2026"), and back from such a name in any
language, so a trend typed or written in French orders the same read in English."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from .text import normalise

if TYPE_CHECKING:
    from .definition import Definition

KINDS = ("month", "quarter", "year")


def start(day: dt.date, kind: str) -> dt.date:
    """The first day of the period `day` falls in."""
    if kind == "month":
        return dt.date(day.year, day.month, 1)
    if kind == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if kind == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(f"unknown period {kind!r}; choose one of {', '.join(KINDS)}")


def following(first: dt.date, kind: str) -> dt.date:
    """The start of the next period."""
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def span(first: dt.date, last: dt.date, kind: str) -> list[dt.date]:
    """Every period from `first` to `last` (their starts), the empty ones too."""
    periods, current = [], start(first, kind)
    while current <= last:
        periods.append(current)
        current = following(current, kind)
    return periods


def label(first: dt.date, kind: str, definition: Definition, lang: str) -> str:
    """A period's name in `lang`: the month as the language writes it, the quarter by its
    pattern in the language file (words.feedback.quarter), the year as a number."""
    if kind == "year":
        return str(first.year)
    if kind == "quarter":
        pattern = definition.words_for("feedback", lang)["quarter"]
        return pattern.format(quarter=(first.month - 1) // 3 + 1, year=first.year)
    from .formatting import Formatter

    return Formatter.of(definition, lang).month(first)


_ISO_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_WORD_YEAR = re.compile(r"^([a-z]+) (\d{4})$")


def parse(text: object, definition: Definition) -> tuple[str, dt.date] | None:
    """(kind, start) of a period named in any language, or None: "mars 2026", "March 2026",
    "sept. 2026", "Sep 2026", "2026-03", "03/2026", "T1 2026", "Q1 2026", "2026"; a date is
    the month it falls in."""
    if isinstance(text, dt.datetime | dt.date):
        return "month", start(text if isinstance(text, dt.date) else text.date(), "month")
    if isinstance(text, int) and not isinstance(text, bool) and 1900 <= text <= 2999:
        return "year", dt.date(text, 1, 1)
    raw = str(text or "").strip()
    if _YEAR.match(raw):
        return "year", dt.date(int(raw), 1, 1)
    iso = _ISO_MONTH.match(raw)
    if iso and 1 <= int(iso.group(2)) <= 12:
        return "month", dt.date(int(iso.group(1)), int(iso.group(2)), 1)
    month_first = _MONTH_FIRST.match(raw)  # 09/2026, as French spreadsheets write it
    if month_first and 1 <= int(month_first.group(1)) <= 12:
        return "month", dt.date(int(month_first.group(2)), int(month_first.group(1)), 1)
    wanted = normalise(raw)
    found = _names(definition).get(wanted)
    if found is not None:
        return found
    short = _WORD_YEAR.match(wanted)  # "sept. 2026", "Sep 2026", "janv 2026"
    if short:
        month = _abbreviated(short.group(1), definition)
        if month is not None:
            return "month", dt.date(int(short.group(2)), month, 1)
    return None


def _abbreviated(word: str, definition: Definition) -> int | None:
    """The month a word of three letters or more begins, in any language, when it begins
    only one ("sept", "sep", "janv", "fevr"); "ju" or "jui" (juin, juillet) are none."""
    if len(word) < 3:
        return None
    months = {number for lang in definition.languages
              for number, name in enumerate(_months(definition, lang), start=1)
              if name.startswith(word)}
    return months.pop() if len(months) == 1 else None


def _months(definition: Definition, lang: str) -> list[str]:
    from .formatting import Formatter

    return [normalise(name) for name in Formatter.of(definition, lang).months]


def _names(definition: Definition) -> dict[str, tuple[str, dt.date]]:
    """Every month and quarter name of the years around today, in every language."""
    key = id(definition)
    if key not in _CACHE:
        names: dict[str, tuple[str, dt.date]] = {}
        this_year = dt.date.today().year
        for lang in definition.languages:
            for year in range(this_year - 15, this_year + 6):
                for month in range(1, 13):
                    first = dt.date(year, month, 1)
                    names.setdefault(normalise(label(first, "month", definition, lang)),
                                     ("month", first))
                    if month % 3 == 1:
                        names.setdefault(normalise(label(first, "quarter", definition, lang)),
                                         ("quarter", first))
        _CACHE[key] = (definition, names)  # kept with it: its id is never another's
    return _CACHE[key][1]


_CACHE: dict[int, tuple[Definition, dict[str, tuple[str, dt.date]]]] = {}
