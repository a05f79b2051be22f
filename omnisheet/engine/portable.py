"""Small pieces of Ibis expressions that every engine must compute alike, where Ibis's
own compiles differently on one of them."""

from __future__ import annotations

from typing import Any


def trimmed(text: Any) -> Any:
    """`text` without the white space around it. Ibis's strip() becomes, on Spark,
    TRIM(' \\t\\n\\r\\v\\f' FROM …), whose '\\v' Spark reads as the letter v: 'view_item'
    lost its v there. A regular expression reads the same on every engine."""
    return text.re_replace(r"^\s+|\s+$", "")
