"""The values a finding (or an error) holds where a message will say something in a
language: a list's value, the name of a column, a list or a setting, a phrase of the
language files, a share, a number with its decimals. Facts, in no language: the outputs
say them (outputs/messages.py, formatting.Formatter).

Plain classes rather than dataclasses: every command imports them, `omnisheet checks`
and `--help` included, and making a dataclass costs more than the rest of this module."""

from __future__ import annotations

from typing import Any


class _Fact:
    """A value object: equal to another of its kind with equal fields, hashable, immutable,
    picklable."""

    __slots__: tuple[str, ...] = ()

    def __init__(self, *values: Any) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(self.__slots__, self._values(), strict=True))
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())


class Share(_Fact):
    """A fraction (0.58) to be shown as a percentage (58 %): a finding's parameter that a
    message must not print as 0.58 beside a target of 75 %."""

    __slots__ = ("value",)
    value: float


class Fixed(_Fact):
    """A number shown with the decimals of a sheet's number format ("0.0": 12,1), as the
    workbook shows it."""

    __slots__ = ("value", "number_format")
    value: float
    number_format: str


class Phrase(_Fact):
    """Words a message quotes that depend on the language ("ligne 4" / "row 4", "cible
    4,2"): `words.<section>.<key>` of the language the message is written in, its
    {fields} shown as the language writes them."""

    __slots__ = ("section", "key", "fields")
    section: str
    key: str
    fields: tuple[tuple[str, Any], ...]

    def __init__(self, section: str, key: str, **fields: Any) -> None:
        super().__init__(section, key, tuple(fields.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_phrase, (self.section, self.key, self.fields))


def _phrase(section: str, key: str, fields: tuple[tuple[str, Any], ...]) -> Phrase:
    return Phrase(section, key, **dict(fields))


class Label(_Fact):
    """A value of a list (a stage, a channel: "email") that a message names: said as the
    list's label in the message's language ("E-mail"), the team's own text as it is.
    Findings hold the key, so two runs in two languages compare alike."""

    __slots__ = ("list", "value")
    list: str
    value: Any


class ListName(_Fact):
    """The name of a list of the template ("Canal", "Channel") in the message's language."""

    __slots__ = ("list",)
    list: str


class ColumnName(_Fact):
    """The header of a column in the message's language: of a tab, or of a table of the
    Settings tab (`tab` is then the table's key)."""

    __slots__ = ("tab", "column")
    tab: str
    column: str


class SettingName(_Fact):
    """The name of a setting of the Settings tab in the message's language."""

    __slots__ = ("setting",)
    setting: str


class Weekdays(_Fact):
    """Days of the week (ISO numbers, 1 = Monday) a message names: "samedi, dimanche" /
    "Saturday, Sunday", from the language file's `words.journeys.weekdays`."""

    __slots__ = ("days",)
    days: tuple[int, ...]
