"""omnisheet's notes on a team's sheet: a comments part (the text) and a legacy VML drawing
(the yellow box each note opens in). A cell the team commented keeps its comment, and the
note follows it after a bold `omnisheet:` line, as Excel heads a comment with its author's
name; that line is how the next check finds the note and takes it out again."""

from __future__ import annotations

import re

from ....plan.model import column_letter
from .parts import Package, rels_name
from .sheet import add_legacy_drawing, legacy_drawing_id, remove_legacy_drawing
from .xmlspans import Span, children, escape, prefix_of, spans, splice

AUTHOR = "omnisheet"
MARKER = AUTHOR + ":"
COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
VML_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
COMMENTS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CONTENT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
COMMENTS_REL_ID, VML_REL_ID = "omnisheetNotes", "omnisheetNotesDrawing"
_RUN_PROPS = '<rPr><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>'
_BOLD_PROPS = '<rPr><b/><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>'
_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
              'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
              '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
_VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" '
             'xmlns:o="urn:schemas-microsoft-com:office:office" '
             'xmlns:x="urn:schemas-microsoft-com:office:excel">'
             '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>')
_SHAPE = re.compile(rb"<v:shape\b(?:(?!<v:shape\b).)*?</v:shape>", re.S)
_ROW = re.compile(rb"<x:Row>\s*(\d+)\s*</x:Row>")
_COLUMN = re.compile(rb"<x:Column>\s*(\d+)\s*</x:Column>")
_SHAPE_ID = re.compile(rb'id="_x0000_s(\d+)"')
_IDMAP = re.compile(rb'<o:idmap\b[^>]*\bdata="(\d+)')


def _runs(text: str, marker: str) -> str:
    body = escape(text)
    return (f"<r>{_BOLD_PROPS}<t xml:space=\"preserve\">{escape(marker)}</t></r>"
            f"<r>{_RUN_PROPS}<t xml:space=\"preserve\">\n{body}</t></r>")


def _prefixed(xml: str, prefix: str) -> str:
    if not prefix:
        return xml
    return re.sub(r"<(/?)(?!/)([A-Za-z]\w*)(?=[\s/>])", lambda m: f"<{m.group(1)}{prefix}{m.group(2)}",
                  xml)


def _parts(pkg: Package, sheet_part: str) -> tuple[str | None, str | None, str | None]:
    """(comments part, VML part, VML relationship id) of a sheet."""
    comments = vml = vml_id = None
    drawn = legacy_drawing_id(pkg.read_sheet(sheet_part))
    for rel in pkg.rels(sheet_part):
        if rel.get("Type") == COMMENTS_TYPE and rel.get("part") in pkg:
            comments = rel["part"]
        elif rel.get("Type") == VML_TYPE and rel.get("Id") == drawn and rel.get("part") in pkg:
            vml, vml_id = rel["part"], rel["Id"]
    return comments, vml, vml_id


def add_notes(pkg: Package, sheet_part: str, notes: dict[tuple[int, int], str]) -> None:
    """A note on each (row, column), 1-based: added to the team's comment on that cell,
    or a comment of its own."""
    if not notes:
        return
    comments, vml, _ = _parts(pkg, sheet_part)
    if comments is None:
        comments = pkg.free_name("xl/omnisheet-notes{}.xml")
        pkg.write(comments, ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                             f'<comments xmlns="{MAIN_NS}"><authors></authors>'
                             "<commentList></commentList></comments>").encode())
        pkg.add_rel(sheet_part, COMMENTS_REL_ID, COMMENTS_TYPE, comments)
        pkg.add_override(comments, COMMENTS_CONTENT)
    if vml is None:
        vml = pkg.free_name("xl/drawings/omnisheet-notes{}.vml")
        idmap = _free_idmap(pkg)
        pkg.write(vml, (_VML_HEAD.format(idmap=idmap) + _SHAPETYPE + "</xml>").encode())
        pkg.add_rel(sheet_part, VML_REL_ID, VML_TYPE, vml)
        pkg.add_default("vml", VML_CONTENT)
        pkg.write_sheet(sheet_part, add_legacy_drawing(pkg.read_sheet(sheet_part), VML_REL_ID))
    created = _add_comments(pkg, comments, notes)
    _add_shapes(pkg, vml, created)


def _add_comments(pkg: Package, part: str, notes: dict[tuple[int, int], str]) -> list[tuple[int, int]]:
    data = pkg.read(part)
    found = spans(data)
    root = found[0]
    p = prefix_of(root.name)
    authors = next(s for s in found if s.depth == 1 and s.local == "authors")
    listed = [s for s in children(found, authors)]
    names = [s.text for s in listed]
    edits: list[tuple[int, int, bytes]] = []
    if AUTHOR in names:
        author_id = names.index(AUTHOR)
    else:
        author_id = len(names)
        at = authors.end if authors.empty else data.rindex(b"</", authors.start, authors.end)
        element = _prefixed(f"<author>{AUTHOR}</author>", p).encode()
        if authors.empty:
            edits.append((authors.start, authors.end, f"<{authors.name}>".encode() + element
                          + f"</{authors.name}>".encode()))
        else:
            edits.append((at, at, element))
    comment_list = next(s for s in found if s.depth == 1 and s.local == "commentList")
    existing: dict[str, Span] = {}
    for comment in children(found, comment_list):
        existing[comment.attrs.get("ref", "").upper()] = comment
    created = []
    new = []
    for (row, column), text in sorted(notes.items()):
        ref = f"{column_letter(column)}{row}"
        if ref in existing:
            holder = next(s for s in children(found, existing[ref]) if s.local == "text")
            at = data.rindex(b"</", holder.start, holder.end)
            edits.append((at, at, _prefixed(_runs(text, "\n\n" + MARKER), p).encode()))
        else:
            created.append((row, column))
            new.append(f'<comment ref="{ref}" authorId="{author_id}"><text>'
                       f"{_runs(text, MARKER)}</text></comment>")
    if new:
        body = _prefixed("".join(new), p).encode()
        if comment_list.empty:
            edits.append((comment_list.start, comment_list.end, f"<{comment_list.name}>".encode()
                          + body + f"</{comment_list.name}>".encode()))
        else:
            at = data.rindex(b"</", comment_list.start, comment_list.end)
            edits.append((at, at, body))
    pkg.write(part, splice(data, edits))
    return created


def _free_idmap(pkg: Package) -> int:
    taken = set()
    for name in pkg.names():
        if name.endswith(".vml"):
            taken.update(int(m) for m in _IDMAP.findall(pkg.read(name)[:2000]))
    n = 1
    while n in taken:
        n += 1
    return n


def _add_shapes(pkg: Package, part: str, cells: list[tuple[int, int]]) -> None:
    if not cells:
        return
    data = pkg.read(part)
    ids = [int(n) for n in _SHAPE_ID.findall(data)]
    idmap = _IDMAP.search(data)
    base = max(ids, default=1024 * (int(idmap.group(1)) if idmap else 1))
    shapes = [] if b'id="_x0000_t202"' in data else [_SHAPETYPE]
    for n, (row, column) in enumerate(cells, start=1):
        r, c = row - 1, column - 1
        shapes.append(
            f'<v:shape id="_x0000_s{base + n}" type="#_x0000_t202" style="position:absolute;'
            f'margin-left:60pt;margin-top:2pt;width:240pt;height:110pt;z-index:{n};'
            'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{c + 1}, 15, {max(r - 1, 0)}, 10, {c + 4}, 15, {max(r - 1, 0) + 7}, 4"
            "</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>")
    at = data.rindex(b"</xml")
    pkg.write(part, data[:at] + "".join(shapes).encode() + data[at:])


def remove_notes(pkg: Package, sheet_part: str) -> None:
    """The sheet without omnisheet's notes: the team's comments as they were."""
    comments, vml, vml_id = _parts(pkg, sheet_part)
    if comments is None:
        return
    data = pkg.read(comments)
    if MARKER.encode() not in data:
        return
    found = spans(data)
    edits: list[tuple[int, int, bytes]] = []
    gone: set[tuple[int, int]] = set()
    comment_list = next(s for s in found if s.depth == 1 and s.local == "commentList")
    every = children(found, comment_list)
    for comment in every:
        holder = next((s for s in children(found, comment) if s.local == "text"), None)
        if holder is None:
            continue
        runs = children(found, holder)
        marker = next((i for i, run in enumerate(runs) if run.local == "r" and any(
            t.local == "t" and t.text.strip() == MARKER for t in children(found, run))), None)
        if marker is None:
            # Saved by a program that flattens a comment to plain text (openpyxl does): the
            # note is the text from its `omnisheet:` line on.
            text = "".join(t.text for t in found if t.local == "t"
                           and holder.start < t.start < holder.end)
            if text.startswith(MARKER):
                edits.append((comment.start, comment.end, b""))
                gone.add(_cell(comment.attrs.get("ref", "")))
            elif "\n\n" + MARKER in text:
                kept = escape(text[: text.index("\n\n" + MARKER)])
                t_name = prefix_of(holder.name) + "t"
                edits.append((holder.tag_end, data.rindex(b"</", holder.start, holder.end),
                              f'<{t_name} xml:space="preserve">{kept}</{t_name}>'.encode()))
            continue
        if marker == 0:
            edits.append((comment.start, comment.end, b""))
            gone.add(_cell(comment.attrs.get("ref", "")))
        else:
            edits.append((runs[marker].start, runs[-1].end, b""))
    if not edits:
        return
    left = len(every) - len(gone)
    authors = next(s for s in found if s.depth == 1 and s.local == "authors")
    listed = children(found, authors)
    if listed and listed[-1].text == AUTHOR and not _author_used(found, every, gone, len(listed) - 1):
        edits.append((listed[-1].start, listed[-1].end, b""))
    if left == 0:
        pkg.remove(comments)
        pkg.remove_types({comments})
        rel_ids = {rel["Id"] for rel in pkg.rels(sheet_part)
                   if rel.get("Type") == COMMENTS_TYPE}
        pkg.remove_rels(sheet_part, rel_ids, drop_if_empty=True)
    else:
        pkg.write(comments, splice(data, edits))
    if vml is not None:
        vml_data = _without_shapes(pkg.read(vml), gone)
        if left == 0 and not _SHAPE.search(vml_data):
            pkg.remove(vml)
            pkg.remove_rels(sheet_part, {vml_id}, drop_if_empty=True)
            pkg.write_sheet(sheet_part, remove_legacy_drawing(pkg.read_sheet(sheet_part)))
        else:
            pkg.write(vml, vml_data)
    if rels_name(sheet_part) in pkg and not pkg.rels(sheet_part):
        pkg.remove(rels_name(sheet_part))


def _author_used(found: list[Span], every: list[Span], gone: set, author: int) -> bool:
    return any(c.attrs.get("authorId") == str(author) and _cell(c.attrs.get("ref", "")) not in gone
               for c in every)


def _cell(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if not match:
        return (0, 0)
    column = 0
    for ch in match.group(1).upper():
        column = column * 26 + ord(ch) - 64
    return int(match.group(2)), column


def _without_shapes(data: bytes, cells: set[tuple[int, int]]) -> bytes:
    def keep(match: re.Match[bytes]) -> bytes:
        shape = match.group(0)
        row, column = _ROW.search(shape), _COLUMN.search(shape)
        if (b'ObjectType="Note"' in shape and row and column
                and (int(row.group(1)) + 1, int(column.group(1)) + 1) in cells):
            return b""
        return shape

    return _SHAPE.sub(keep, data)
