"""The team's styles.xml with the styles of omnisheet's tabs and highlights appended: each
list (number formats, fonts, fills, borders, cell formats, differential formats) keeps the
team's entries at their indices, so no cell of theirs changes style, and ours follow.
What was appended is recorded, so the next check cuts it off and gets the team's bytes back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .xmlspans import Span, children, prefix_of, set_attr, spans, splice

LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")
# Where a list goes when the team's styles have none (CT_Stylesheet's order).
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")
FIRST_CUSTOM_FORMAT = 164


@dataclass
class Appended:
    """What `append` added, for the caller to remap its own parts and to record."""

    xf_offset: int = 0
    dxf_offset: int = 0
    extra_dxf_ids: list[int] = field(default_factory=list)
    # Per list: [entries before, entries after, how the list was written before ('' when
    # it was absent, its whole text when it was empty, else None)].
    record: dict[str, list] = field(default_factory=dict)


def _lists(data: bytes) -> tuple[Span, dict[str, Span], list[Span]]:
    found = spans(data, max_depth=2)
    root = found[0]
    tops = {s.local: s for s in found if s.depth == 1}
    return root, tops, found


def _entries(found: list[Span], container: Span | None) -> list[Span]:
    return children(found, container) if container is not None else []


def append(team: bytes, scratch: bytes | None, extra_dxfs: list[bytes]) -> tuple[bytes, Appended]:
    """`team` with `scratch`'s styles (an xlsxwriter styles.xml) and `extra_dxfs` appended."""
    root, tops, found = _lists(team)
    p = prefix_of(root.name)
    result = Appended()
    new: dict[str, list[bytes]] = {key: [] for key in LISTS}
    if scratch is not None:
        s_root, s_tops, s_found = _lists(scratch)
        team_formats = [int(e.attrs.get("numFmtId", 0)) for e in _entries(found, tops.get("numFmts"))]
        next_id = max([FIRST_CUSTOM_FORMAT - 1, *team_formats]) + 1
        format_map: dict[str, str] = {}
        for entry in _entries(s_found, s_tops.get("numFmts")):
            old = entry.attrs["numFmtId"]
            format_map[old] = str(next_id)
            new["numFmts"].append(_prefixed(set_attr(_tag(scratch, entry), "numFmtId",
                                                     str(next_id)) + _rest(scratch, entry), p))
            next_id += 1
        offsets = {key: len(_entries(found, tops.get(key))) for key in ("fonts", "fills", "borders")}
        for key in ("fonts", "fills", "borders"):
            new[key] = [_prefixed(scratch[e.start:e.end], p)
                        for e in _entries(s_found, s_tops.get(key))]
        for entry in _entries(s_found, s_tops.get("cellXfs")):
            tag = _tag(scratch, entry)
            for attr, key in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                if attr in entry.attrs:
                    tag = set_attr(tag, attr, str(int(entry.attrs[attr]) + offsets[key]))
            if entry.attrs.get("numFmtId") in format_map:
                tag = set_attr(tag, "numFmtId", format_map[entry.attrs["numFmtId"]])
            tag = set_attr(tag, "xfId", "0")
            new["cellXfs"].append(_prefixed(tag + _rest(scratch, entry), p))
        for entry in _entries(s_found, s_tops.get("dxfs")):
            text = scratch[entry.start:entry.end]
            text = re.sub(rb'numFmtId="(\d+)"', lambda m: b'numFmtId="' + format_map.get(
                m.group(1).decode(), m.group(1).decode()).encode() + b'"', text)
            new["dxfs"].append(_prefixed(text, p))
    result.xf_offset = len(_entries(found, tops.get("cellXfs")))
    result.dxf_offset = len(_entries(found, tops.get("dxfs")))
    first_extra = result.dxf_offset + len(new["dxfs"])
    result.extra_dxf_ids = list(range(first_extra, first_extra + len(extra_dxfs)))
    new["dxfs"] += [_prefixed(d, p) for d in extra_dxfs]

    edits: list[tuple[int, int, bytes]] = []
    for key in LISTS:
        if not new[key]:
            continue
        container = tops.get(key)
        before = len(_entries(found, container))
        after = before + len(new[key])
        body = b"".join(new[key])
        if container is None:
            at = _insert_at(team, root, tops, key)
            edits.append((at, at, f'<{p}{key} count="{after}">'.encode() + body
                          + f"</{p}{key}>".encode()))
            result.record[key] = [before, after, ""]
        elif container.empty:
            tag = team[container.start:container.end]
            opened = set_attr(tag[:-2].rstrip() + b">", "count", str(after))
            edits.append((container.start, container.end,
                          opened + body + f"</{container.name}>".encode()))
            result.record[key] = [before, after, tag.decode("utf-8")]
        else:
            tag = team[container.start:container.tag_end]
            close = team.rindex(b"</", container.start, container.end)
            edits.append((container.start, container.tag_end,
                          set_attr(tag, "count", str(after)) if "count" in container.attrs
                          else tag))
            edits.append((close, close, body))
            result.record[key] = [before, after, None, container.attrs.get("count")]
    return splice(team, edits), result


def remove(data: bytes, record: dict[str, list]) -> bytes:
    """`data` without what `append` recorded in `record`; unchanged when the styles were
    written anew since (another program saved the workbook: its extra styles are harmless)."""
    root, tops, found = _lists(data)
    edits: list[tuple[int, int, bytes]] = []
    for key, kept in record.items():
        before, after, how = kept[0], kept[1], kept[2]
        container = tops.get(key)
        entries = _entries(found, container)
        if container is None or len(entries) != after:
            return data
        if how == "":
            edits.append((container.start, container.end, b""))
        elif how is not None:
            edits.append((container.start, container.end, how.encode("utf-8")))
        else:
            if len(kept) > 3 and kept[3] is not None:
                tag = data[container.start:container.tag_end]
                edits.append((container.start, container.tag_end, set_attr(tag, "count", kept[3])))
            if after > before:
                edits.append((entries[before].start, entries[-1].end, b""))
    return splice(data, edits)


def _insert_at(data: bytes, root: Span, tops: dict[str, Span], key: str) -> int:
    """Where a missing list goes: before the first list that follows it in the schema."""
    for later in _ORDER[_ORDER.index(key) + 1:]:
        if later in tops:
            return tops[later].start
    return data.rindex(b"</", root.start, root.end)


def _tag(data: bytes, span: Span) -> bytes:
    return data[span.start:span.tag_end]


def _rest(data: bytes, span: Span) -> bytes:
    return data[span.tag_end:span.end]


_NAME = re.compile(rb"<(/?)([A-Za-z][\w]*)(?=[\s/>])")


def _prefixed(xml: bytes, prefix: str) -> bytes:
    """xlsxwriter's unprefixed elements under the team's prefix for the main namespace."""
    if not prefix:
        return xml
    return _NAME.sub(lambda m: b"<" + m.group(1) + prefix.encode() + m.group(2), xml)


def highlight_dxf(fill: str, border: str) -> bytes:
    """A differential format: `fill` behind the cell and a medium `border` around it
    (colours as #RRGGBB)."""
    fill, border = "FF" + fill.lstrip("#").upper(), "FF" + border.lstrip("#").upper()
    sides = "".join(f'<{side} style="medium"><color rgb="{border}"/></{side}>'
                    for side in ("left", "right", "top", "bottom"))
    return (f'<dxf><fill><patternFill><bgColor rgb="{fill}"/></patternFill></fill>'
            f"<border>{sides}</border></dxf>").encode()
