"""The words a responses file is read with: its column headers, the questions a score
column may be named by, the names of indicators and the wordings of known scales. All of
them are in the language files (`words.feedback_*`); every language's words are looked
for, since a French team may well export an English survey tool."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template.text import normalise

if TYPE_CHECKING:
    from ..template.definition import Definition

#: What a column of a responses file can be (the ROLE of --column ROLE=HEADER).
ROLES = ("date", "stage", "channel", "indicator", "score", "verbatim", "survey")
#: Kinds of score, with their answer scale: a CSAT 1–5, a CES 1–7, an NPS 0–10.
SCALES: Mapping[str, tuple[int, int]] = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}
#: The plan's indicators each kind of answers gives (the plan.yaml list `indicator`).
INDICATORS: Mapping[str, tuple[str, ...]] = {"csat": ("csat_5", "csat_pct"), "ces": ("ces_7",),
                                             "nps": ("nps",)}
KIND_OF: Mapping[str, str] = {key: kind for kind, keys in INDICATORS.items() for key in keys}


def _split(text: str) -> list[str]:
    return [normalise(part) for part in text.split("|") if normalise(part)]


@dataclass(frozen=True)
class Vocabulary:
    # role → normalised headers, best first
    headers: Mapping[str, tuple[str, ...]]
    # score kind ("csat", "ces", "nps") or "verbatim" → words a question header contains
    questions: Mapping[str, tuple[str, ...]]
    # normalised indicator name → (kind, the plan's indicator key when it names one)
    indicators: Mapping[str, tuple[str, str | None]]
    # kind → normalised wording → score
    scales: Mapping[str, Mapping[str, int]]

    def indicator(self, text: object) -> tuple[str, str | None] | None:
        """(kind of score, the plan's indicator it names if any): "CSAT" is CSAT answers,
        "CSAT (%)" the same answers as a share of 4 and 5."""
        found = self.indicators.get(normalise(text)) if normalise(text) else None
        if found is not None and found[0] == "csat" and "%" in str(text):
            return "csat", "csat_pct"
        return found

    def names(self, role: str, lang: str, definition: Definition, count: int = 3) -> str:
        """A few headers a role is looked for under, in `lang`, to say so."""
        words = definition.words_for("feedback_columns", lang)[role]
        quote = definition.words_for("common", lang)["quote"]
        return ", ".join(quote.format(text=w.strip()) for w in words.split("|")[:count])


_CACHE: dict[int, Vocabulary] = {}


def vocabulary(definition: Definition) -> Vocabulary:
    """The vocabulary of every language of the definition, the default language first."""
    key = id(definition)
    if key in _CACHE:
        return _CACHE[key]
    languages = sorted(definition.languages, key=lambda lang: lang != definition.default_language)

    def merged(section: str, key: str) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for lang in languages:
            found.update(dict.fromkeys(_split(definition.words_for(section, lang)[key])))
        return tuple(found)

    headers = {role: merged("feedback_columns", role) for role in ROLES}
    questions = {kind: merged("feedback_questions", kind) for kind in (*SCALES, "verbatim")}
    indicators: dict[str, tuple[str, str | None]] = {}
    for kind in SCALES:
        for name in merged("feedback_indicators", kind):
            indicators.setdefault(name, (kind, None))
    for value in definition.list("indicator").values:
        if value.key in KIND_OF:
            for name in (value.key, *value.labels.values()):
                indicators.setdefault(normalise(name), (KIND_OF[value.key], value.key))
    scales: dict[str, dict[str, int]] = {}
    for kind in ("csat", "ces"):
        low, high = SCALES[kind]
        section = f"feedback_scale_{kind}"
        scales[kind] = {}
        for score in range(low, high + 1):
            for wording in merged(section, f"s{score}"):
                scales[kind].setdefault(wording, score)
    _CACHE[key] = Vocabulary(headers, questions, indicators, scales)
    return _CACHE[key]
