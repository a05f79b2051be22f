"""The list of tab names a package's extended properties (docProps/app.xml) keep, brought in
line with its workbook after omnisheet adds or takes out its tabs: file browsers and
document panels show that list, and a stale one names tabs the workbook no longer has."""

from __future__ import annotations

from .parts import Package
from .xmlspans import Span, children, escape, first, spans, splice

EXTENDED = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            "extended-properties")


def retitle(pkg: Package, before: list[str], after: list[str]) -> None:
    """Where the properties list the tabs `before` (as one heading's titles), list `after`
    instead; a list that does not match the workbook is left as the team's program wrote it."""
    if before == after:
        return
    part = next((rel["part"] for rel in pkg.rels("") if rel.get("Type") == EXTENDED), None)
    if part is None or part not in pkg:
        return
    data = pkg.read(part)
    try:
        found = spans(data, max_depth=4)
    except ValueError:
        return
    pairs_holder, titles_holder = first(found, "HeadingPairs", 1), first(found, "TitlesOfParts", 1)
    if pairs_holder is None or titles_holder is None:
        return
    pairs_vector = _vector(found, pairs_holder)
    titles_vector = _vector(found, titles_holder)
    if pairs_vector is None or titles_vector is None:
        return
    counts = [_leaf(found, v) for v in children(found, pairs_vector)][1::2]
    titles = children(found, titles_vector)
    at = 0
    for count in counts:
        if count is None or not count.text.strip().isdigit():
            return
        n = int(count.text.strip())
        if [t.text for t in titles[at:at + n]] == before and n:
            edits = [_text_edit(count, str(len(after))),
                     _size_edit(data, titles_vector, len(titles) - n + len(after))]
            prefix = titles[at].name
            new = "".join(f"<{prefix}>{escape(name)}</{prefix}>" for name in after)
            edits.append((titles[at].start, titles[at + n - 1].end, new.encode()))
            pkg.write(part, splice(data, edits))
            return
        at += n


def _vector(found: list[Span], holder: Span) -> Span | None:
    return next((s for s in children(found, holder) if s.local == "vector"), None)


def _leaf(found: list[Span], variant: Span) -> Span | None:
    inner = children(found, variant)
    return inner[0] if inner else None


def _text_edit(span: Span, text: str) -> tuple[int, int, bytes]:
    return (span.tag_end, span.end - len(f"</{span.name}>"), text.encode())


def _size_edit(data: bytes, vector: Span, size: int) -> tuple[int, int, bytes]:
    from .xmlspans import set_attr

    tag = data[vector.start:vector.tag_end]
    return (vector.start, vector.tag_end, set_attr(tag, "size", str(size)))
