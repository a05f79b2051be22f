"""What an events export is, from its headers alone: the GA4 BigQuery export, an email
platform's log, a till's receipts, a CRM's interactions, any table with a customer key,
a moment and an event, or an identities table tying keys to customers. Each becomes SQL
that DuckDB reads it with (key kind, key, moment, event, channel, stage as written); the
headers looked for are in the language files (`words.journeys_columns`), every
language's at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..template.text import normalise

if TYPE_CHECKING:
    from ..template.definition import Definition

#: The kinds of key a customer is known by; an identities table ties them together.
KEY_KINDS = ("customer", "email", "card", "device")
#: The roles a column can have in an export.
ROLES = (*KEY_KINDS, "moment", "event", "campaign", "action", "channel", "stage", "ticket")
#: The GA4 BigQuery export's own columns (a schema, not words).
GA4 = ("event name", "event timestamp", "user pseudo id")  # as normalised


@dataclass(frozen=True)
class Words:
    """Normalised headers per role, best first; action words a customer did not do."""

    headers: Mapping[str, tuple[str, ...]]
    not_the_customer: frozenset[str]
    channels: Mapping[str, tuple[str, ...]]  # channel key → words an export writes it with


def words(definition: Definition) -> Words:
    headers: dict[str, list[str]] = {role: [] for role in ROLES}
    channels: dict[str, list[str]] = {}
    silent: set[str] = set()
    for lang in definition.languages:
        for role, text in definition.words_for("journeys_columns", lang).items():
            headers[role].extend(_split(text))
        for key, text in definition.words_for("journeys_channels", lang).items():
            channels.setdefault(key, []).extend(_split(text))
        silent.update(_split(definition.words_for("journeys_actions", lang)["not_the_customer"]))
    return Words({r: tuple(dict.fromkeys(h)) for r, h in headers.items()}, frozenset(silent),
                 {k: tuple(dict.fromkeys(v)) for k, v in channels.items()})


def _split(text: str) -> list[str]:
    return [normalise(part) for part in str(text).split("|") if normalise(part)]


@dataclass
class Layout:
    """How one file's rows read as events (or, for `identities`, as keys)."""

    kind: str  # ga4, email, pos, crm, events, identities
    columns: dict[str, str] = field(default_factory=dict)  # role → header

    @property
    def keys(self) -> list[tuple[str, str]]:
        """(kind, header) of each key column, the most telling first."""
        return [(k, self.columns[k]) for k in KEY_KINDS if k in self.columns]


def recognise(headers: Sequence[str], vocabulary: Words) -> Layout | None:
    """The layout the headers say, or None when they hold no events nor keys."""
    names = {normalise(h): h for h in headers}
    if all(g in names for g in GA4):
        columns = {"moment": names["event timestamp"], "event": names["event name"],
                   "device": names["user pseudo id"]}
        if "user id" in names:
            columns["customer"] = names["user id"]
        if "platform" in names:
            columns["channel"] = names["platform"]
        return Layout("ga4", columns)
    columns = _columns(headers, vocabulary)
    has_key = any(k in columns for k in KEY_KINDS)
    if not has_key:
        return None
    if "moment" not in columns:
        if "customer" in columns and len([k for k in KEY_KINDS if k in columns]) > 1:
            return Layout("identities", columns)
        return None
    if "stage" in columns:  # rows that say their stage themselves
        return Layout("events", columns)
    if "email" in columns and "campaign" in columns and "action" in columns:
        columns["event"] = columns.pop("campaign")
        return Layout("email", columns)
    if "card" in columns and ("ticket" in columns or "customer" not in columns):
        columns.setdefault("event", columns.pop("action", None) or columns.get("ticket", ""))
        if not columns["event"]:
            del columns["event"]
        return Layout("pos", columns)
    if "event" not in columns:
        for role in ("action", "campaign"):
            if role in columns:
                columns["event"] = columns.pop(role)
                break
    if "event" not in columns and "stage" not in columns:
        return None
    return Layout("crm" if "channel" in columns and "customer" in columns else "events",
                  columns)


def _columns(headers: Sequence[str], vocabulary: Words) -> dict[str, str]:
    """Each role's column: the header that comes first in the role's list of names, each
    header given one role (roles in the order of ROLES)."""
    normalised = {h: normalise(h) for h in headers}
    found: dict[str, str] = {}
    for role in ROLES:
        wanted = vocabulary.headers[role]
        ranked = sorted((wanted.index(n), i, h) for i, (h, n) in enumerate(normalised.items())
                        if n in wanted and h not in found.values())
        if ranked:
            found[role] = ranked[0][2]
    return found
