"""How omnisheet recognises a plan in what a team sends: each tab by its name (in either
language, an alias, a name that contains it, as "Parcours client 2026") or by its
content; a table's header row wherever it sits; the corner of a map's header block
wherever rows or columns were inserted before it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..plan.model import Scalar
from ..template.definition import Definition, Tab
from ..template.text import normalise

Rows = Sequence[Sequence[Scalar]]

HEADER_SCAN_ROWS = 15  # a table's header row may sit this far down, under a title or notes
MAP_SCAN_ROWS = 30  # how far a map's header block is looked for
MAP_SCAN_COLUMNS = 40
FUZZY_CUTOFF = 0.82  # a slightly renamed header still names its column
CLOSEST_CUTOFF = 0.6  # a sheet name this close to a missing tab's is suggested
RECOGNISED = 0.5  # content score from which a sheet is taken for a tab


# --- tables -------------------------------------------------------------------------------
def column_names(tab: Tab) -> dict[str, str]:
    """Every normalised header a table's columns answer to, with its column key."""
    names: dict[str, str] = {}
    for column in tab.columns:
        for name in (*column.labels.values(), column.key, *column.aliases):
            names.setdefault(normalise(name), column.key)
    return names


def match_headers(row: Sequence[Scalar], names: Mapping[str, str]
                  ) -> tuple[dict[int, str], dict[int, str]]:
    """Header cells → column keys (exact, then fuzzy), and the unmatched headers by position."""
    matched: dict[int, str] = {}
    unknown: dict[int, str] = {}
    for col, value in enumerate(row):
        text = normalise(value)
        if not text:
            continue
        key = names.get(text)
        if key is not None and key not in matched.values():
            matched[col] = key
        else:
            unknown[col] = str(value)  # the team's own header, as typed
    free = {n: k for n, k in names.items() if k not in matched.values()}
    for col, header in list(unknown.items()):
        close = difflib.get_close_matches(normalise(header), list(free), n=1,
                                          cutoff=FUZZY_CUTOFF)
        if close:
            key = free[close[0]]
            matched[col] = key
            del unknown[col]
            free = {n: k for n, k in free.items() if k != key}
    return matched, unknown


def table_header(tab: Tab, rows: Rows) -> tuple[int, dict[int, str], dict[int, str]]:
    """The row (0-based) among the first ones that names most of the tab's columns, with
    its matched and unknown headers."""
    names = column_names(tab)
    best_row, matched, unknown = 0, {}, {}
    for row in range(min(HEADER_SCAN_ROWS, len(rows))):
        m, u = match_headers(rows[row], names)
        if len(m) > len(matched):
            best_row, matched, unknown = row, m, u
    return best_row, matched, unknown


# --- maps ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapCorner:
    """Where a map's header block was found: the corner cell (0-based; -1 when the team
    deleted the row or column of headers), whether slots are pairs (touchpoint, status),
    and whether the template's own marks (corner text, sub-headers) said so."""

    top: int
    left: int
    paired: bool
    sure: bool = True


def list_names(definition: Definition, list_key: str, values: Iterable[Scalar] = ()) -> set[str]:
    """Normalised forms a list's values may take in a header: keys, labels, the team's own."""
    listed = definition.list(list_key)
    names = {normalise(v.key) for v in listed.values}
    names |= {normalise(label) for v in listed.values for label in v.labels.values()}
    names |= {normalise(v) for v in values if v is not None}
    return names - {""}


def _texts(labels: Mapping[str, str]) -> set[str]:
    return {normalise(text) for text in labels.values()}


def locate_map(tab: Tab, rows: Rows, across: set[str], down: set[str]) -> MapCorner | None:
    """The map's header block: by its sub-headers (touchpoint, status), else its corner
    text, else a row naming two or more of its column values with a column naming its row
    values; None when nothing marks it."""
    window = [list(row[:MAP_SCAN_COLUMNS]) for row in rows[:MAP_SCAN_ROWS]]
    texts = tab.texts
    if tab.step == 2:
        status, description = _texts(texts["status"]), _texts(texts["description"])
        for r, row in enumerate(window):
            firsts = [c - 1 for c in range(1, len(row))
                      if normalise(row[c]) in status and normalise(row[c - 1]) in description]
            if firsts:
                return MapCorner(r - 1, firsts[0] - 1, paired=True)
    corner = _texts(texts["corner"])
    for r, row in enumerate(window):
        for c, value in enumerate(row):
            if normalise(value) in corner:
                consecutive = _get(window, r, c + 1) is not None and _get(window, r, c + 2) is not None
                return MapCorner(r, c, paired=tab.step == 2 and not consecutive)
    best: tuple[int, list[int]] | None = None
    for r, row in enumerate(window):
        hits = [c for c, value in enumerate(row) if normalise(value) in across]
        if len(hits) >= 2 and (best is None or len(hits) > len(best[1])):
            best = (r, hits)
    if best is None:
        return None
    top, hits = best
    left = hits[0] - 1
    if not any(normalise(_get(window, r, left)) in down for r in range(top + 1, len(window))):
        return None
    gaps = {b - a for a, b in zip(hits, hits[1:], strict=False)}
    paired = tab.step == 2 and min(gaps) >= 2 and all(g % 2 == 0 for g in gaps)
    return MapCorner(top, left, paired=paired, sure=False)


def _get(rows: Rows, row: int, col: int) -> Scalar:
    if 0 <= row < len(rows) and 0 <= col < len(rows[row]):
        return rows[row][col]
    return None


# --- whole tabs ---------------------------------------------------------------------------
def content_score(definition: Definition, tab: Tab, rows: Rows) -> float:
    """How much a sheet's content looks like the tab's, from 0 to 1."""
    if tab.kind == "table":
        matched = table_header(tab, rows)[1]
        return len(matched) / max(1, len(tab.input_columns))
    if tab.is_map:
        assert tab.across is not None and tab.down is not None
        found = locate_map(tab, rows, list_names(definition, tab.across.list),
                           list_names(definition, tab.down.list))
        return 0.0 if found is None else (1.0 if found.sure else 0.6)
    if tab.kind == "lists":
        titles = {normalise(n) for listed in definition.lists.values()
                  for n in (*listed.labels.values(), listed.key)}
        heads = [strip_fixed(normalise(v)) for row in rows[:3] for v in row]
        return 1.0 if sum(h in titles for h in heads) >= 2 else 0.0
    if tab.kind == "settings":
        labels = {normalise(n) for s in definition.settings for n in (*s.labels.values(), s.key)}
        return 1.0 if sum(normalise(row[0]) in labels for row in rows[:40] if row) >= 2 else 0.0
    if tab.kind == "instructions":
        title = _texts(tab.texts["title"])
        return 1.0 if any(normalise(v) in title for row in rows[:5] for v in row[:3]) else 0.0
    return 0.0


_FIXED = re.compile(r" (fixe|fixed)$")


def strip_fixed(text: str) -> str:
    """A Lists tab heading without the "(fixed)" mark the template adds to fixed lists."""
    return _FIXED.sub("", text)


@dataclass(frozen=True)
class TabsFound:
    """Which sheet holds each tab, which of them look like it, and for a tab not found the
    sheet whose name is closest to its own (for "did you mean")."""

    sheets: Mapping[str, str]
    recognised: frozenset[str]
    closest: Mapping[str, str]
    language: str


def find_tabs(definition: Definition, grids: Mapping[str, Rows]) -> TabsFound:
    """Each tab's sheet: by a label in any language, then a key or an alias (unless the
    content says otherwise), then by content, then by a name that contains a label
    ("Copie de Cas d'usage"). A previous check's Findings and Dashboard are never taken."""
    report_names = {normalise(n) for labels in definition.report_tabs.values()
                    for n in labels.values()}
    spare = [n for n in grids if normalise(n) not in report_names]
    scores: dict[tuple[str, str], float] = {}

    def score(tab: Tab, name: str) -> float:
        if (tab.key, name) not in scores:
            scores[(tab.key, name)] = content_score(definition, tab, grids[name])
        return scores[(tab.key, name)]

    found: dict[str, str] = {}

    def take(tab: Tab, name: str) -> None:
        found[tab.key] = name
        spare.remove(name)

    votes = dict.fromkeys(definition.languages, 0)
    for tab in definition.tabs:
        labels = {normalise(label): lang for lang, label in tab.labels.items()}
        name = next((n for n in spare if normalise(n) in labels), None)
        if name is not None:
            take(tab, name)
            for lang, label in tab.labels.items():
                votes[lang] += normalise(label) == normalise(name)
    for tab in definition.tabs:
        if tab.key in found:
            continue
        name = next((n for n in spare if normalise(n) in tab.names()
                     and (score(tab, n) > 0 or _blank(grids[n]))), None)
        if name is not None:
            take(tab, name)
    for tab in definition.tabs:
        if tab.key in found or not spare:
            continue
        best, name = max((score(tab, n), n) for n in spare)
        if best >= RECOGNISED:
            take(tab, name)
    for tab in definition.tabs:
        if tab.key in found:
            continue
        labels = [normalise(label) for label in tab.labels.values()]
        name = next((n for n in spare if any(_contains(normalise(n), label)
                                              for label in labels)), None)
        if name is not None:
            take(tab, name)
    recognised = frozenset(key for key, name in found.items()
                           if score(definition.tab(key), name) >= RECOGNISED)
    closest: dict[str, str] = {}
    for tab in definition.tabs:
        if recognised and tab.key not in found and spare:  # no plan: nothing to suggest
            near = _closest(tab, spare)
            if near is not None:
                closest[tab.key] = near
    return TabsFound(sheets=found, recognised=recognised, closest=closest,
                     language=_language(definition, votes, found, grids))


def _blank(rows: Rows) -> bool:
    return not any(value is not None for row in rows for value in row)


def _contains(name: str, label: str) -> bool:
    return bool(label) and f" {label} " in f" {name} "


def _closest(tab: Tab, names: list[str]) -> str | None:
    wanted = [normalise(n) for n in (*tab.labels.values(), *tab.aliases)]
    best, near = CLOSEST_CUTOFF, None
    for name in names:
        matcher = difflib.SequenceMatcher(None, "", normalise(name))  # b is the cached side
        for label in wanted:
            matcher.set_seq1(label)
            if matcher.real_quick_ratio() >= best and matcher.quick_ratio() >= best:
                ratio = matcher.ratio()
                if ratio >= best:
                    best, near = ratio, name
    return near


def _language(definition: Definition, votes: dict[str, int], found: Mapping[str, str],
              grids: Mapping[str, Rows]) -> str:
    """The workbook's language: the one most tab names are in; failing that (every tab
    renamed), the one most table headers are in; failing that, the default."""
    if not any(votes.values()):
        for key, name in found.items():
            tab = definition.tab(key)
            if tab.kind != "table":
                continue
            row = grids[name][table_header(tab, grids[name])[0]] if grids[name] else []
            heads = {normalise(v) for v in row}
            for column in tab.columns:
                distinct = {lang: normalise(label) for lang, label in column.labels.items()}
                if len(set(distinct.values())) == len(distinct):
                    for lang, label in distinct.items():
                        votes[lang] += label in heads
    best = max(votes.values(), default=0)
    if not best:
        return definition.default_language
    return next(lang for lang in definition.languages if votes[lang] == best)
