"""Where each element of an XML part starts and ends, in bytes, so a part is patched by
inserting and cutting spans: what omnisheet does not touch keeps its exact bytes, and an
insertion undone gives the part back byte for byte.

Parsed with expat, prefixes as written (no namespace processing); a part that declares a
DTD or an entity is refused, as defusedxml does (a package is untrusted input).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field


class UnsafeXML(ValueError):
    """A part declares a DTD or an entity: refused rather than expanded."""


@dataclass
class Span:
    """One element: its name as written (prefix included), depth (the root is 0), the byte
    offsets of its start tag's `<` and of the end of its end tag, and its attributes."""

    name: str
    depth: int
    start: int
    end: int = -1
    attrs: dict[str, str] = field(default_factory=dict)
    tag_end: int = -1  # just past the start tag's `>`
    text: str = ""

    @property
    def local(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def empty(self) -> bool:
        """Written as `<x/>`."""
        return self.tag_end == self.end


def tag_end(data: bytes, start: int) -> int:
    """Just past the `>` of the tag starting at `start` (quotes in attributes skipped)."""
    quote = 0
    i = start
    n = len(data)
    while i < n:
        ch = data[i]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (0x22, 0x27):
            quote = ch
        elif ch == 0x3E:
            return i + 1
        i += 1
    raise ValueError("unterminated tag")


def _refuse(*_args: object) -> None:
    raise UnsafeXML("DTD or entity declaration in a package part")


def spans(data: bytes, max_depth: int = 99, offset: int = 0) -> list[Span]:
    """Every element down to `max_depth`, in document order, with the text directly
    inside it (for the small parts whose text matters: comments, properties)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse  # type: ignore[assignment]
    parser.buffer_text = True
    found: list[Span] = []
    stack: list[Span | None] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        depth = len(stack)
        if depth > max_depth:
            stack.append(None)
            return
        at = parser.CurrentByteIndex
        span = Span(name, depth, at + offset, attrs=attrs, tag_end=tag_end(data, at) + offset)
        found.append(span)
        stack.append(span)

    def end(_name: str) -> None:
        span = stack.pop()
        if span is None:
            return
        at = parser.CurrentByteIndex
        if data[span.tag_end - offset - 2 : span.tag_end - offset] == b"/>":
            span.end = span.tag_end
        else:
            span.end = data.index(b">", at) + 1 + offset

    def text(chars: str) -> None:
        if stack and stack[-1] is not None:
            stack[-1].text += chars

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.Parse(data, True)
    return found


def children(all_spans: list[Span], parent: Span) -> list[Span]:
    """The direct children of `parent` among `all_spans`."""
    return [s for s in all_spans if s.depth == parent.depth + 1
            and parent.start < s.start and s.end <= parent.end]


def first(all_spans: list[Span], local: str, depth: int | None = None) -> Span | None:
    return next((s for s in all_spans if s.local == local
                 and (depth is None or s.depth == depth)), None)


def prefix_of(name: str) -> str:
    """`x:` for `x:worksheet`, '' for `worksheet`."""
    head, sep, _ = name.rpartition(":")
    return head + sep


def splice(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """`data` with each (start, end) range replaced by its bytes; ranges must not overlap."""
    out = []
    at = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(data[at:start])
        out.append(new)
        at = end
    out.append(data[at:])
    return b"".join(out)


def escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


_ATTR = {}


def set_attr(tag: bytes, name: str, value: str) -> bytes:
    """A start tag with attribute `name` set to `value` (added before the tag's end)."""
    pattern = _ATTR.get(name)
    if pattern is None:
        pattern = _ATTR[name] = re.compile(rb'(\s' + re.escape(name.encode()) + rb'=)("[^"]*"|\'[^\']*\')')
    new = escape(value).encode()
    if pattern.search(tag):
        return pattern.sub(lambda m: m.group(1) + b'"' + new + b'"', tag, count=1)
    close = b"/>" if tag.endswith(b"/>") else b">"
    return tag[: -len(close)] + b" " + name.encode() + b'="' + new + b'"' + close
