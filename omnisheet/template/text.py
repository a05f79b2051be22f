"""Text normalisation shared by the reader and the checks.

People type headers and list values with or without accents, in any case, with stray
spaces and trailing colons; one normal form lets "opportunite" match "Opportunité".
"""

from __future__ import annotations

import re
import unicodedata
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
