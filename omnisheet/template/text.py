"""Text normalisation shared by the reader and the checks.

People type headers and list values with or without accents, in any case, with stray
spaces and trailing colons; one normal form lets "opportunite" match "Opportunité".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: object) -> str:
    """Casefold, drop accents and punctuation, collapse spaces: the form names are compared in."""
    if text is None:
        return ""
    if not isinstance(text, str):
        from .values import portable

        text = str(portable(text))  # a time read as 18:00, as exported, not 18:00:00
    return _normalise(text)


@lru_cache(maxsize=1 << 16)
def _normalise(text: str) -> str:
    # Cached: a plan repeats the same few hundred stages, channels and list values.
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.casefold().replace("œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", bare).strip()


def clean(value: object) -> object:
    """Strip surrounding white space from text; leave other values alone. Empty text is None."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return value


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet could take for a formula (OWASP's list of dangerous first characters)."""
    return text.startswith(FORMULA_PREFIXES)


def shorten(text: str, width: int) -> str:
    """Text cut to at most `width` characters at a word, with an ellipsis: "…décaler par
    SM" reads as a typo, "…décaler par…" as a cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + "…"


def first_sentences(text: str, width: int) -> str:
    """As many whole sentences as fit in `width` characters (Excel's 255 for an input
    prompt), else the text cut at a word with an ellipsis: a prompt that stops mid-word
    ("…soumis au consentemen") reads as broken; the whole text stays in the header's
    comment."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    end = max(text.rfind(". ", 0, width), text.rfind(" ; ", 0, width - 1),
              text.rfind("; ", 0, width - 1))
    if end >= width // 2:
        return text[:end].rstrip(" ;") + "."
    return shorten(text, width)


# --- what reaches a terminal ------------------------------------------------------------

# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional overrides
# and isolates (a title could otherwise set the window title, clear the screen, or
# reorder what is read).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` safe for a terminal: each control character the team's text may hold is
    shown escaped (ESC as \\x1b), never sent as a command. JSON outputs keep them as
    they are (JSON escapes its own)."""
    return _CONTROL.sub(_escaped, text)


class SafeStyle:
    """click.style for a text with the team's words in it: the renderer styles as it
    always did, and `finish` escapes every control character of the whole text, then puts
    back the styles' own escape sequences, which the team's text cannot forge (each is
    held by a marker with a random part)."""

    def __init__(self, style: Callable[..., str] | None) -> None:
        import secrets

        self._style = style
        self._nonce = secrets.token_hex(8)
        self._codes: dict[str, str] = {}

    def __call__(self, text: str, **how: object) -> str:
        if self._style is None:
            return text
        before, _, after = self._style("\0", **how).partition("\0")
        return self._mark(before) + text + self._mark(after)

    def _mark(self, code: str) -> str:
        if not code:
            return ""
        for key, known in self._codes.items():
            if known == code:
                return key
        key = f"\ue000{self._nonce}{len(self._codes)}\ue001"
        self._codes[key] = code
        return key

    @property
    def style(self) -> Callable[..., str] | None:
        """What to hand a renderer as its `style`: None when there is no colour."""
        return self if self._style is not None else None

    def finish(self, text: str) -> str:
        text = shown(text)
        for key, code in self._codes.items():
            text = text.replace(key, code)
        return text
