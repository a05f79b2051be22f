"""The base of omnisheet's own errors, in a module that imports nothing.

The definition raises errors of its own, and `errors.py` renders its messages from the
definition's words: the base lives apart so the two never import each other.
"""

from __future__ import annotations


class OmnisheetError(Exception):
    """Base of omnisheet's own errors; its message is one sentence a user can act on."""
