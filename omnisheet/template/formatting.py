"""Numbers, shares, scores and counts written the way a language writes them, for every
output: "48,9 %", "3,1", "12 345" in French; "48.9%", "3.1", "12,345" in English. How
a language writes them is in its file (lang/<code>.yaml: numbers, dates)."""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .facts import ColumnName, Fixed, Label, ListName, Phrase, SettingName, Share
from .numbers import LARGEST, round_half_away

__all__ = ["ColumnName", "Fixed", "Formatter", "Label", "ListName", "Phrase", "SettingName",
           "Share", "Template", "agree", "plural_rule"]


class WithFormats(Protocol):
    """What formatting reads of a definition (definition.Definition): each language's
    `formats`. A protocol, so that the definition imports formatting and never the reverse."""

    @property
    def formats(self) -> Mapping[str, Any]: ...


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
    def of(cls, definition: WithFormats, lang: str) -> Formatter:
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
        if abs(value) > LARGEST:  # shown as typed, for its bad-number finding
            return f"{value:g}"
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

    def sheet_percent(self, *, fraction: bool, places: int = 0) -> str:
        """The spreadsheet number format that shows a percentage as this language writes it
        ("38 %" with its narrow space in French, "38%" in English): of a fraction (0.38,
        the % scaling it), or of a figure already out of 100 (71.8, shown as typed)."""
        before, _, after = self.percent_pattern.partition("{n}")

        def quoted(text: str) -> str:
            return f'"{text}"' if text else ""

        if fraction:
            digits = "0" + ("." + "0" * places if places else "")
            return (quoted(before) + digits + quoted(after.replace("%", "")) + "%"
                    if "%" in after else quoted(before) + digits + quoted(after))
        return quoted(before) + "General" + quoted(after)

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
        if isinstance(value, dt.time | dt.timedelta):
            from .values import portable

            return str(portable(value))  # 18:00, without the seconds nobody typed
        return "" if value is None else str(value)


# --- agreement with a count -------------------------------------------------------------

_MARK = re.compile(r"\((s|x)\)")
_RUN_END = re.compile(r"[,;:·.\[\]«»()\n]|$")
_DIGITS = re.compile(r"^[+\-\u2212]?[\d\s\u202f\u00a0.,]*\d$")


def plural_rule(definition: WithFormats, lang: str) -> str:
    """How a language counts (`numbers.plural` of its file): "two_or_more" (French: 0 and 1
    take the singular), else "not_one" (English: 1 alone does)."""
    numbers = (definition.formats.get(lang) or {}).get("numbers") or {}
    return str(numbers.get("plural", "not_one"))


def agree(template: str, fields: Mapping[str, Any], rule: str) -> str:
    """The template with its "(s)" and "(x)" resolved where a count says which: in the words
    right after a number field, up to the next punctuation ("{n} plan(s) vérifié(s), …"
    with n = 3: "3 plans vérifiés"). Only the template's own words change; a field's value
    (a title the team typed) is never touched, and a mark with no count before it stays."""
    if "(s)" not in template and "(x)" not in template:  # most texts: nothing to agree
        return template
    parts = []
    count: float | None = None
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if count is not None and literal[:1].isspace():
            end = _RUN_END.search(_MARK.sub("   ", literal)).start()  # marks kept in
            singular = abs(count) < 2 if rule == "two_or_more" else count == 1
            ending = r"" if singular else r"\1"
            literal = _MARK.sub(ending, literal[:end]) + literal[end:]
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        parts.append("{" + name + (f"!{conversion}" if conversion else "") +
                     (f":{spec}" if spec else "") + "}")
        count = _count(fields.get(name.split(".")[0].split("[")[0]))
    return "".join(parts)


def _count(value: Any) -> float | None:
    """A field's value as a count, when it is one: 3, 2.5, "4 014" (already written)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _DIGITS.match(value.strip()):
        digits = value.strip().replace("\u2212", "-")
        digits = re.sub(r"[\s\u202f\u00a0]", "", digits)
        if "," in digits and "." not in digits and len(digits.rsplit(",", 1)[1]) != 3:
            digits = digits.replace(",", ".")  # 1,5 (French) rather than 1,500 (English)
        try:
            return float(digits.replace(",", ""))
        except ValueError:
            return None
    return None


class Template(str):
    """A text of the language files whose `format` also makes its words agree with the
    counts given (see `agree`)."""

    rule: str = "not_one"

    def __new__(cls, text: str, rule: str = "not_one") -> Template:
        made = super().__new__(cls, text)
        made.rule = rule
        return made

    def __reduce__(self) -> tuple:  # to a worker process and back, rule and all
        return (Template, (str(self), self.rule))

    def format(self, *args: Any, **fields: Any) -> str:  # type: ignore[override]
        return agree(str(self), fields, self.rule).format(*args, **fields)

    def counted(self, n: Any) -> str:
        """The words after a count: "3 erreurs" from "erreur(s)"."""
        return Template("{n} " + str(self), self.rule).format(n=n)
