"""The errors a user meets when a file cannot be read or written, and their words.

An error holds only data: the key of its sentence in the language files
(`words.refusals`, `words.cli`) and the sentence's fields, as a `Phrase`. The command
line renders it in the user's language (`render`); `str()` gives it in English, as the
Python API always has, so the core never chooses a language.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .failure import OmnisheetError as OmnisheetError
from .formatting import Phrase

API_LANGUAGE = "en"
"""The language of `str(error)`: the Python API's, when the template has it."""

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where the system says the user's language, the first one set deciding (POSIX)."""


def say(message: Phrase, lang: str | None = None) -> str:
    """`message` in `lang`; a language the template lacks (or none) gives the API's."""
    from .definition import DefinitionError, load_definition
    from .formatting import Formatter

    definition = load_definition()
    if lang not in definition.languages:
        lang = fallback_language(definition.languages, definition.default_language)
    try:
        return Formatter.of(definition, lang).show(
            message, lambda section: definition.words_for(section, lang))
    except DefinitionError:  # a template of one's own made before these words existed
        fields = ", ".join(f"{k}={v}" for k, v in message.fields)
        return f"{message.section}.{message.key} ({fields})"


def fallback_language(languages: tuple[str, ...], default: str) -> str:
    return API_LANGUAGE if API_LANGUAGE in languages else default


def error_language(asked: str | None, known: str | None = None,
                   environ: Mapping[str, str] | None = None) -> str:
    """The language an error line speaks: the one asked for (`--lang`), else the plan's
    when it was read far enough to know it, else the user's locale (LC_ALL, LC_MESSAGES,
    LANG: `fr_FR.UTF-8` is French) when the template has it, else English."""
    from .definition import load_definition

    definition = load_definition()
    for lang in (asked, known):
        if lang in definition.languages:
            return lang
    environ = os.environ if environ is None else environ
    setting = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    code = setting.split(".")[0].split("@")[0].split("_")[0].lower()
    if code in definition.languages:
        return code
    return fallback_language(definition.languages, definition.default_language)


class WordedError(OmnisheetError):
    """An error told by a sentence of the language files: `str()` in English, `render`
    in any language the template has."""

    def __init__(self, message: Phrase) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return say(self.message)

    def render(self, lang: str | None = None) -> str:
        return say(self.message, lang)


def refusal(key: str, **fields: Any) -> Phrase:
    """A sentence of `words.refusals`: why a file cannot be used, and what to do."""
    return Phrase("refusals", key, **fields)


class FileError(WordedError):
    """A file that cannot be used, named first: "{path}: {reason}". `reason` is a key of
    `words.refusals` with its fields, or a Phrase already made."""

    def __init__(self, path: object, reason: str | Phrase, **fields: Any) -> None:
        self.path = str(path)
        self.why = reason if isinstance(reason, Phrase) else refusal(reason, **fields)
        super().__init__(refusal("line", path=self.path, reason=self.why))

    @property
    def reason(self) -> str:
        """Why, in English, without the file's name."""
        return say(self.why)


class UnreadableWorkbook(FileError):
    """The file is not a workbook omnisheet can read (not a zip, encrypted, legacy, too big...).

    The message names the file and says what to do; the CLI prints it and exits with status 2.
    """


class OutputError(FileError):
    """An output could not be written (exists, read-only folder, disk full); nothing half-written."""


class NotAPlan(UnreadableWorkbook):
    """A readable workbook in which no tab looks like a tab of the plan template."""

    def __init__(self, path: object) -> None:
        super().__init__(path, "not_a_plan")


def one_line(error: BaseException, limit: int = 160) -> str:
    """An unexpected error as one short line: its type and the first line of its text
    (a library may print pages of detail, kept for OMNISHEET_DEBUG=1)."""
    text = next((line.strip() for line in str(error).splitlines() if line.strip()), "")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
