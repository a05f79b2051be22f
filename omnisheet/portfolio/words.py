"""The words and numbers of the portfolio's outputs, in one language.

Every word is in the language files (`words.portfolio`, and the single-plan report's
words where they are the same); list values are shown as the template labels them in
that language, a team's own value as the team typed it.
"""

from __future__ import annotations

from typing import Any

from ..template.definition import Definition
from ..template.formatting import Formatter
from .compare import Value

#: A use case with no channel addresses every channel of its stage.
NO_VALUE = {"channel": "any_channel", "stage": "no_stage", "source": "no_source",
            "category": "no_category"}


class Words:
    def __init__(self, definition: Definition, lang: str) -> None:
        self.d, self.lang = definition, definition.check_language(lang)
        self.w = definition.words_for("portfolio", lang)
        self.common = definition.words_for("common", lang)
        self.number = Formatter.of(definition, lang)
        self.score_format = definition.tab("use_cases").column("score").number_format or "0.00"

    def __getitem__(self, key: str) -> str:
        return self.w[key]

    def say(self, key: str, **fields: Any) -> str:
        return self.w[key].format(**fields)

    def report_text(self, key: str) -> str:
        """A word the single-plan HTML report has too (report_text)."""
        return self.d.text(key, self.lang)

    def value(self, list_key: str, value: Value) -> str:
        if value.none:
            return self.w[NO_VALUE.get(list_key, "no_value")]
        if value.typed is not None:
            return value.typed
        listed = self.d.lists.get(list_key)
        return listed.label(value.key, self.lang) if listed is not None else value.key

    def touchpoint(self, stage: Value, channel: Value) -> str:
        return self.say("touchpoint", stage=self.value("stage", stage),
                        channel=self.value("channel", channel))

    def quote(self, text: str) -> str:
        return self.common["quote"].format(text=text)

    def figure(self, key: str, value: float | None) -> str:
        """Readiness in points, the other figures as shares: "71,1 %", "58 %"."""
        if value is None:
            return "—"
        if key == "readiness":
            return self.number.points(value)
        return self.number.percent(value, 0)

    def score(self, value: float | None) -> str:
        return "—" if value is None else self.number.fixed(value, self.score_format)

    def count(self, n: int) -> str:
        return self.number.count(n)

    def names(self, names: tuple[str, ...] | list[str], limit: int = 6) -> str:
        """Plan names in a sentence: "fr, be, ch" or "fr, be … (+4)"."""
        shown = ", ".join(names[:limit])
        if len(names) > limit:
            shown += " " + self.say("and_more", n=len(names) - limit)
        return shown
