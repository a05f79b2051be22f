"""Consent: which channel needs it for which target, and which data need records it.

The rules are the Consent list of the Lists tab (`lists.consent` in plan.yaml): each line a
channel and, or not, a target type (prospects, customers), by default the French and EU
rules for B2C marketing. A target's type is read from its name ("Prospects", "Nouveaux
clients"); a target whose name says neither (All contacts) may hold both, so every line of
the channel applies. A data need records a consent when its variable says so ("Consentement
SMS", "Email and consent"), for the channels it names, or for every channel when it names
none. The words looked for are `words.consent` in every language file, so a French plan
may say "opt-in" and an English one "consentement".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..plan.lookups import id_key
from ..template.text import normalise

if TYPE_CHECKING:
    from ..plan.model import DataNeed, Plan, Scalar
    from ..template.definition import Definition

AUDIENCES = ("prospect", "customer")
PENDING = ("to_integrate", "to_collect")


@dataclass(frozen=True)
class Rule:
    """A line of the Consent list: `channel` (a channel key, as compared) needs consent
    for `audience` (None: every target), shown as `line` (its key, or the team's text)."""

    line: Scalar
    channel: str
    audience: str | None


@lru_cache(maxsize=64)
def _terms(definition: Definition, key: str) -> tuple[str, ...]:
    """A words.consent entry in every language, as normalised phrases (made once)."""
    found = []
    for lang in definition.languages:
        text = definition.words_for("consent", lang)[key]
        found += [normalise(t) for t in text.split(",") if normalise(t)]
    return tuple(dict.fromkeys(found))


def _says(text: Scalar, phrases: Iterable[str]) -> bool:
    """Whether normalised `text` holds one of the phrases as whole words."""
    padded = f" {_joined(normalise(text))} "
    return any(f" {_joined(p)} " in padded for p in phrases if p)


def _joined(text: str) -> str:
    """"e mail" (e-mail, E-Mail) is one word: email, never the channel Mail."""
    return f" {text} ".replace(" e mail ", " email ").strip()


def _channel_names(plan: Plan, definition: Definition) -> dict[str, tuple[str, ...]]:
    """Each channel of the plan's list (key as compared) → the names that mention it: its
    labels in every language or the team's text, and words.consent.channel_<key>."""
    from .pressure import channel_key

    listed = definition.list("channel")
    words = {k for lang in definition.languages for k in definition.words_for("consent", lang)}
    names = {}
    for channel in plan.channels:
        value = listed.value(channel)
        own = [normalise(label) for label in value.labels.values()] if value else []
        own.append(normalise(channel))
        if value is not None and f"channel_{value.key}" in words:
            own += _terms(definition, f"channel_{value.key}")
        names[channel_key(definition, channel)] = tuple(dict.fromkeys(own))
    return names


def rules(plan: Plan, definition: Definition) -> list[Rule]:
    """The Consent list as the plan holds it: the template's lines by their attributes, a
    line the team typed read for a channel of their list and a target type."""
    from .pressure import channel_key

    listed = definition.list("consent")
    names = _channel_names(plan, definition)
    found = []
    for line in plan.lists.get("consent", listed.keys):
        value = listed.value(line)
        if value is not None:
            found.append(Rule(line, channel_key(definition, value.attr("channel")),
                              value.attr("audience")))
            continue
        text = str(line).split("(")[0]
        channel = max((key for key, said in names.items() if _says(text, said)),
                      key=lambda key: max(len(n) for n in names[key]), default=None)
        if channel is not None:
            found.append(Rule(line, channel, audience_of(text, definition)))
    return found


def audience_of(name: Scalar, definition: Definition) -> str | None:
    """"prospect" or "customer" when a target's name says it (not both), else None. A type
    written in brackets on the Lists tab decides: "Nouveaux inscrits (prospects)", "Jeunes
    actifs (clients)"."""
    bracketed = re.findall(r"\(([^()]*)\)", str(name or ""))
    for text in reversed(bracketed):
        said = [a for a in AUDIENCES if _says(text, _terms(definition, a))]
        if len(said) == 1:
            return said[0]
    said = [a for a in AUDIENCES if _says(name, _terms(definition, a))]
    return said[0] if len(said) == 1 else None


def target_audience(target: Scalar, definition: Definition) -> str | None:
    """A target's type, from its name in any language (a template target by its labels)."""
    value = definition.list("target").value(target)
    names = list(value.labels.values()) if value is not None else [target]
    said = {audience_of(name, definition) for name in names} - {None}
    return said.pop() if len(said) == 1 else None


def rule_for(rules: list[Rule], channel: str, audiences: Iterable[str | None]) -> Rule | None:
    """The first line requiring consent on `channel` for one of the audiences (None, a
    target of unknown type, is met by every line of the channel)."""
    wanted = set(audiences)
    for rule in rules:
        if rule.channel == channel and (rule.audience is None or None in wanted
                                        or rule.audience in wanted):
            return rule
    return None


def is_consent(variable: Scalar, definition: Definition) -> bool:
    """Whether a data need's variable records a consent (or an objection, for soft opt-in)."""
    return _says(variable, _terms(definition, "terms"))


class Consent:
    """The plan's consent rules, with what each variable and target says worked out once
    (a large plan repeats the same few variables and targets thousands of times)."""

    def __init__(self, plan: Plan, definition: Definition) -> None:
        self.definition = definition
        self.rules = rules(plan, definition)
        self.names = _channel_names(plan, definition)
        self._recorded: dict[Scalar, frozenset[str] | None] = {}
        self._audiences: dict[Scalar, str | None] = {}

    def audience(self, target: Scalar) -> str | None:
        if target not in self._audiences:
            self._audiences[target] = target_audience(target, self.definition)
        return self._audiences[target]

    def recorded(self, variable: Scalar) -> frozenset[str] | None:
        """The channels a variable records consent for (empty: every channel), None when
        it records none."""
        if variable not in self._recorded:
            found = None
            if is_consent(variable, self.definition):
                found = frozenset(key for key, said in self.names.items()
                                  if _says(variable, said))
            self._recorded[variable] = found
        return self._recorded[variable]

    def for_channel(self, needs: Iterable[DataNeed], channel: str) -> list[DataNeed]:
        found = []
        for need in needs:
            channels = self.recorded(need.variable)
            if channels is not None and (not channels or channel in channels):
                found.append(need)
        return found


def scenario_consents(plan: Plan, d: Definition) -> list[tuple]:
    """Per marketing scenario and channel needing consent for its targets: the scenario,
    the channel key, the rule, its first message there, and the data needs recording a
    consent for it (the consent checks read it)."""
    from .pressure import channel_key

    consent = Consent(plan, d)
    lines = consent.rules
    found: list[tuple] = []
    if lines:
        targets: dict[str, set] = defaultdict(set)
        for placement in plan.placements:
            for ident in placement.scenarios:
                targets[id_key(ident)].add(placement.target)
        needs = defaultdict(list)
        for need in plan.data_needs:
            if need.scenario is not None:
                needs[id_key(need.scenario)].append(need)
        first: dict[str, dict[str, int]] = defaultdict(dict)  # scenario → channel → message
        for index, message in enumerate(plan.messages):
            if message.scenario is not None and message.channel is not None:
                first[id_key(message.scenario)].setdefault(channel_key(d, message.channel),
                                                           index)
        seen: set[str] = set()
        for scenario in plan.scenarios:
            key = id_key(scenario.id) if scenario.id is not None else None
            if key is None or key in seen or scenario.purpose == "service":
                continue
            seen.add(key)
            aimed = targets[key] | ({scenario.target} if scenario.target is not None else set())
            audiences = {consent.audience(t) for t in aimed} or {None}
            for channel, index in first.get(key, {}).items():
                rule = rule_for(lines, channel, audiences)
                if rule is not None:
                    found.append((scenario, channel, rule, index,
                                  consent.for_channel(needs[key], channel)))
    return found
