"""Numbers, shares, scores and counts written the way a language writes them, for every
output: "48,9 %", "3,1", "12 345" in French; "48.9%", "3.1", "12,345" in English. How
a language writes them is in its file (lang/<code>.yaml: numbers, dates)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .numbers import round_half_away

if TYPE_CHECKING:
    from .definition import Definition


@dataclass(frozen=True)
class Share:
    """A fraction (0.58) to be shown as a percentage (58 %): a finding's parameter that a
    message must not print as 0.58 beside a target of 75 %."""

    value: float


@dataclass(frozen=True)
class Fixed:
    """A number shown with the decimals of a sheet's number format ("0.0": 12,1), as the
    workbook shows it."""

    value: float
    number_format: str


@dataclass(frozen=True, init=False)
class Phrase:
    """Words a message quotes that depend on the language ("ligne 4" / "row 4", "cible
    4,2"): `words.<section>.<key>` of the language the message is written in, its
    {fields} shown as the language writes them. Findings stay data until rendered."""

    section: str
    key: str
    fields: tuple[tuple[str, Any], ...]

    def __init__(self, section: str, key: str, **fields: Any) -> None:
        object.__setattr__(self, "section", section)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "fields", tuple(fields.items()))


@dataclass(frozen=True)
class Formatter:
    decimal: str = "."
    thousands: str = ","
    percent_pattern: str = "{n}%"
    minus: str = "-"
    months: tuple[str, ...] = ()
    month_year: str = "{month} {year}"
    date_pattern: str = "{year}-{month:02d}-{day:02d}"

    @classmethod
    def of(cls, definition: Definition, lang: str) -> Formatter:
        formats = definition.formats.get(lang) or {}
        numbers, dates = formats.get("numbers") or {}, formats.get("dates") or {}
        return cls(decimal=str(numbers.get("decimal", ".")),
                   thousands=str(numbers.get("thousands", ",")),
                   percent_pattern=str(numbers.get("percent", "{n}%")),
                   minus=str(numbers.get("minus", "-")),
                   months=tuple(dates.get("months") or ()),
                   month_year=str(dates.get("month_year", "{month} {year}")),
                   date_pattern=str(dates.get("date", "{year}-{month:02d}-{day:02d}")))

    def number(self, value: float | int, places: int | None = None) -> str:
        """A number: with `places` decimals, else at most two and no trailing zeros."""
        if isinstance(value, bool) or not math.isfinite(float(value)):
            return str(value)
        if places is None:
            rounded = round_half_away(float(value), 2)
            text = f"{rounded:.2f}".rstrip("0").rstrip(".")
        else:
            text = f"{round_half_away(float(value), places):.{places}f}"
        if text in ("-0", "-0.0", "-0.00"):
            text = text[1:]
        sign, text = (self.minus, text[1:]) if text.startswith("-") else ("", text)
        whole, _, fraction = text.partition(".")
        grouped = f"{int(whole):,}".replace(",", self.thousands) if len(whole) > 3 else whole
        return sign + grouped + (self.decimal + fraction if fraction else "")

    def count(self, value: int) -> str:
        """A whole count, thousands grouped (1 240 réponses, 1,240 answers)."""
        return self.number(int(value), 0)

    def percent(self, share: float, places: int = 1) -> str:
        """A fraction as a percentage: 0.489 → 48,9 %."""
        return self.points(share * 100, places)

    def points(self, value: float, places: int = 1) -> str:
        """A figure already out of 100 (a readiness of 71.1) with its % sign."""
        text = self.number(value, places).rstrip("0").rstrip(self.decimal) if places else \
            self.number(value, 0)
        return self.percent_pattern.format(n=text)

    def fixed(self, value: float, number_format: str) -> str:
        """As a sheet's number format shows it: "0.0" → one decimal."""
        return self.number(value, len(number_format.partition(".")[2]))

    def date(self, value: dt.date) -> str:
        return self.date_pattern.format(day=value.day, month=value.month, year=value.year)

    def month(self, value: dt.date) -> str:
        if not self.months:
            return f"{value.year}-{value.month:02d}"
        return self.month_year.format(month=self.months[value.month - 1], year=value.year)

    def show(self, value: Any, words: Any = None) -> str:
        """Any value a message quotes: numbers, shares and dates in the language's form;
        a Phrase in the language's words (`words(section)` gives a section's words)."""
        if isinstance(value, Phrase):
            template = words(value.section)[value.key]
            return template.format(**{k: self.show(v, words) for k, v in value.fields})
        if isinstance(value, Share):
            return self.percent(value.value)
        if isinstance(value, Fixed):
            return self.fixed(value.value, value.number_format)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return self.number(value)
        if isinstance(value, dt.datetime | dt.date):
            return self.date(value)
        return "" if value is None else str(value)
