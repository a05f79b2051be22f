"""A finding in words: the one place where a finding's facts (its code, subject and
parameters) become text in a language, for every output (text, JSON, the Findings tab,
HTML, the diff, portfolios). The checks never see a language.

A message is the check's template in the language file (`checks.<code>.message`): its
{fields} are the finding's parameters plus `value` and `expected`; a part in [brackets]
is said only when every field in it has a value; "(s)" agrees with the count before it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..template.facts import ColumnName, Label, ListName, Phrase, SettingName, Weekdays
from ..template.formatting import Formatter, agree, plural_rule
from ..template.text import shorten

if TYPE_CHECKING:
    from ..analysis.report import Report
    from ..plan.model import Finding
    from ..template.definition import Definition, Tab


class Messages:
    """Findings said in one language of one definition: its formatter and the words of
    each section looked up once (tens of thousands of findings on a big plan)."""

    def __init__(self, definition: Definition, lang: str) -> None:
        self.definition, self.lang = definition, definition.check_language(lang)
        self.formatter: Formatter = definition.formatter(lang)
        self.rule = plural_rule(definition, lang)
        self._sections: dict[str, Mapping[str, str]] = {}

    def words(self, section: str) -> Mapping[str, str]:
        if section not in self._sections:
            self._sections[section] = self.definition.words_for(section, self.lang)
        return self._sections[section]

    def show(self, value: Any) -> str:
        """A value a finding holds, as text: a list's value as its label, a name of the
        template in the language, a phrase in its words, numbers and dates as the
        language writes them."""
        if type(value) is str:  # most values: text the team typed, said as it is
            return value
        d, lang = self.definition, self.lang
        if isinstance(value, Label):
            return self._label(value.list, value.value)
        if isinstance(value, Phrase):
            template = self.words(value.section)[value.key]
            return template.format(**{k: self.show(v) for k, v in value.fields})
        if isinstance(value, ListName):
            return d.list(value.list).labels[lang]
        if isinstance(value, ColumnName):
            if any(t.key == value.tab for t in d.setting_tables):
                return d.setting_table(value.tab).column(value.column).labels[lang]
            return d.tab(value.tab).column(value.column).labels[lang]
        if isinstance(value, SettingName):
            return d.setting(value.setting).labels[lang]
        if isinstance(value, Weekdays):
            names = self.words("journeys")["weekdays"].split("|")
            return ", ".join(names[day - 1].strip() for day in value.days)
        return self.formatter.show(value)

    def _label(self, list_key: str | None, value: Any) -> str:
        """A list's value as the list's label; a value of the team's own as it is."""
        if list_key and isinstance(value, str) and list_key in self.definition.lists:
            return self.definition.list(list_key).label(value, self.lang)
        return "" if value is None else str(value)

    def message(self, finding: Finding) -> str:
        """A finding's one-line message."""
        template = self.definition.check_text(finding.code, self.lang)
        if template is None:
            return finding.code

        def quoted(value: Any) -> str:
            if isinstance(value, str | Label):  # words the team typed: on one line, short
                return _quoted(self.show(value))
            return self.show(value)

        fields = {"value": quoted(finding.value), "expected": self.show(finding.expected),
                  **{k: quoted(v) for k, v in finding.params.items()}}
        counts = {"value": finding.value, **finding.params}  # "{answers} réponse(s)": 5 réponses
        template = agree(template, counts, self.rule)
        try:
            if "[" in template:
                template = _OPTIONAL.sub(lambda part: _optional(part.group(1), fields),
                                         template)
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            return f"{finding.code}: {fields}"

    def expected(self, finding: Finding) -> str | None:
        return None if finding.expected is None else self.show(finding.expected)

    def about(self, finding: Finding) -> str:
        """What a finding is about: "UC-003 — Difficulté de mise en œuvre", "Je demande de
        l'aide × Magasin — Statut", "Paramètres — Seuil de facilité"."""
        subject = finding.subject
        if subject is None or subject.tab is None:
            return ""
        try:
            tab = self.definition.tab(subject.tab)
        except KeyError:
            return ""
        thing = self._thing(tab, subject.shown) or tab.labels[self.lang]
        field = self._field(tab, subject.field)
        return f"{thing} — {field}" if field else thing

    def cell_value(self, finding: Finding) -> Any:
        """The finding's value as its cell shows it: a list's key ("email") as the list's
        label ("Email"), anything else as it is."""
        subject, value = finding.subject, finding.value
        if isinstance(finding.params.get("value"), Label):
            return self.show(finding.params["value"])
        if subject is None or subject.tab is None or subject.field is None or not isinstance(
                value, str):
            return value
        try:
            column = self.definition.tab(subject.tab).column(subject.field)
        except KeyError:
            return value
        return self._label(column.list, value)  # a value of the team's own: itself

    def _thing(self, tab: Tab, shown: tuple[Any, ...]) -> str:
        if not shown:
            return ""
        if tab.kind == "settings":
            if isinstance(shown[0], Label):  # a row of a table on the tab (a channel's cap)
                return self.show(shown[0])
            try:
                return self.definition.setting(str(shown[0])).labels[self.lang]
            except StopIteration:
                return str(shown[0])
        if tab.is_map and tab.across and tab.down and len(shown) >= 2:
            return f"{self._label(tab.across.list, shown[0])} × {self._label(tab.down.list, shown[1])}"
        if tab.kind == "table":
            keys = tab.identity if any(v not in (None, "") for v in shown[:len(tab.identity)]) \
                else tab.fallback
            lists = {c.key: c.list for c in tab.columns}
            return " · ".join(self._label(lists.get(k), v)
                              for k, v in zip(keys, shown, strict=False) if v not in (None, ""))
        return ""

    def _field(self, tab: Tab, field: str | None) -> str:
        if not field:
            return ""
        if tab.kind == "table":
            try:
                return tab.column(field).labels[self.lang]
            except KeyError:
                return field
        text = tab.texts.get(field)
        return text[self.lang] if isinstance(text, dict) and self.lang in text else ""


_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


def _optional(part: str, fields: Mapping[str, str]) -> str:
    """A bracketed part of a message: kept when every field it names has a value."""
    return part if all(fields.get(name) for name in _FIELD.findall(part)) else ""


def _quoted(text: str) -> str:
    """Text a message quotes, on one line and at most 80 characters, cut at a word."""
    return shorten(text.replace("\r", " ").replace("\n", " "), 80)


def message(report: Report, finding: Finding, lang: str | None = None) -> str:
    """One finding of a report in words, in `lang` (the report's by default)."""
    return Messages(report.definition, lang or report.lang).message(finding)
