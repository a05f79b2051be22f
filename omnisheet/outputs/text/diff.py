"""`omnisheet diff` as text: one screen, a section per kind of change, silent when none.

Renders from the diff's JSON (outputs/json/diff.py), like the check report, so text and JSON never disagree;
stored keys ("friction", "website") are shown as the chosen language's labels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...analysis.diff import PlanDiff
from ...template.definition import Definition, load_definition
from ...template.formatting import Formatter
from ...template.text import shorten
from ..json.diff import diff_json

COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
TEXT_WIDTH = 40


class _Labels:
    """Keys, field names, numbers and quotes in the chosen language."""

    def __init__(self, definition: Definition, lang: str) -> None:
        self.d, self.lang = definition, lang
        self.w = definition.words_for("diff", lang)
        self.common = definition.words_for("common", lang)
        self.severity = definition.words_for("severity", lang)
        self.number = Formatter.of(definition, lang)
        self.score_format = definition.tab("use_cases").column("score").number_format or "0.00"

    def value(self, list_key: str | None, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if list_key and isinstance(value, str) and list_key in self.d.lists:
            return self.d.list(list_key).label(value, self.lang)
        if isinstance(value, str):
            return self.common["quote"].format(text=_cut(value))
        return self.number.show(value)

    def score(self, value: float | None) -> str:
        """A score as the workbook's score column shows it."""
        return self.w["unscored"] if value is None else self.number.fixed(value,
                                                                           self.score_format)

    def field(self, tab_key: str, key: str) -> tuple[str, str | None]:
        """A field's label and the list its values come from."""
        if key.startswith("+"):
            return key[1:], None
        if tab_key == "journey":
            return self.w[key], "touchpoint_status" if key == "status" else None
        if tab_key == "settings" and "/" in key:  # a cell of a table under the settings
            table_key, rest = key.split("/", 1)
            row, column = rest.rsplit("/", 1)  # the row is a list value: it may hold a "/"
            table = self.d.setting_table(table_key)
            return (f"{table.labels[self.lang]} — {self.value(table.rows, row).strip()}, "
                    f"{table.column(column).labels[self.lang]}"), None
        if tab_key == "settings":
            try:
                return self.d.setting(key).labels[self.lang], None
            except StopIteration:
                return key, None
        try:
            column = self.d.tab(tab_key).column(key)
        except KeyError:
            return key, None
        return column.labels[self.lang], column.list

    def change(self, tab_key: str, change: dict[str, Any]) -> str:
        label, list_key = self.field(tab_key, change["field"])
        return (f"{label}{self.common['colon']}{self.value(list_key, change['old'])} → "
                f"{self.value(list_key, change['new'])}")

    def changes(self, tab_key: str, changes: list[dict[str, Any]], skip: tuple[str, ...] = (),
                limit: int = 3) -> str:
        """The first few changes on one line: a rewritten row should not fill the screen."""
        shown = [self.change(tab_key, c) for c in changes if c["field"] not in skip]
        more = [self.w["more"].format(n=len(shown) - limit)] if len(shown) > limit else []
        return " · ".join(shown[:limit] + more)


def _cut(text: str) -> str:
    return shorten(text, TEXT_WIDTH)


def render_diff_text(diff: PlanDiff, top: int = 8, definition: Definition | None = None,
                     style: Callable[..., str] | None = None) -> str:
    """The diff as text in the diff's language; `style` (click.style) colours a terminal."""
    data = diff_json(diff)
    lang = data["language"]
    labels = _Labels(definition or diff.definition or load_definition(), lang)
    w, colon, number = labels.w, labels.common["colon"], labels.number
    paint = style or (lambda text, **_: text)
    lines = [paint(f"{w['title']}{colon}{data['old']['file'] or '-'} → "
                   f"{data['new']['file'] or '-'}", bold=True)]
    if not data["changed"]:
        return "\n".join([*lines, "  " + w["no_changes"]])
    old, new = data["readiness"]["old"], data["readiness"]["new"]
    if old != new:
        def pct(value: float | None) -> str:
            return "—" if value is None else number.points(value)

        delta = "" if old is None or new is None else (
            f" ({'+' if new >= old else number.minus}"
            f"{number.number(abs(new - old), 1)} {w['points']})")
        lines.append(f"{w['readiness']}{colon}{pct(old)} → {pct(new)}{delta}")

    def section(title: str, counts: list[tuple[int, str]], body: list[str]) -> None:
        if not body:
            return
        said = " · ".join(w[word].counted(n) for n, word in counts if n)
        lines.extend(["", paint(f"{title} ({len(body)})" + (f"{colon}{said}" if said else ""),
                                bold=True)])
        lines.extend("  " + line for line in body[:top])
        if len(body) > top:
            lines.append("  " + w["more"].format(n=len(body) - top))

    summary = data["summary"]
    section(w["settings"], [], [labels.change("settings", c) for c in data["settings"]])
    def counts(key: str, special: str | None = None) -> list[tuple[int, str]]:
        """Added, removed, then changed; a `special` change (re-scored...) said apart."""
        tally = summary[key]
        shown = [(tally["added"], "added"), (tally["removed"], "removed")]
        if special is None:
            return shown + [(tally["changed"], "changed")]
        return shown + [(tally[special], special), (tally["changed"] - tally[special], "changed")]

    section(w["use_cases"], counts("use_cases", "rescored"),
            _use_case_lines(data["use_cases"], labels))
    section(w["touchpoints"], counts("touchpoints", "status_changed"),
            _touchpoint_lines(data["touchpoints"], labels))
    section(w["scenarios"], counts("scenarios"), _scenario_lines(data["scenarios"], labels))
    section(w["data_needs"], counts("data_needs", "now_available"),
            _data_need_lines(data["data_needs"], labels))
    section(w["measures"], counts("measures"), _measure_lines(data["measures"], labels))
    findings = []  # new ones first: they are what needs doing, should the list be cut
    width = max(len(word) for word in labels.severity.values())
    for tag, items in (("new_tag", data["findings"]["new"]),
                       ("revealed_tag", data["findings"].get("revealed", [])),
                       ("fixed_tag", data["findings"]["fixed"])):
        for f in items:
            where = f"{f['sheet']}!{f['cell']}" if f["cell"] else (f["sheet"] or "")
            severity = paint(f"{labels.severity[f['severity']]:<{width}}",
                             fg=COLOURS.get(f["severity"]))
            findings.append(f"{w[tag]:<8} {severity} {where:<24} {f['message']}  [{f['code']}]")
    section(w["findings"], [(summary["findings"]["new"], "new"),
                            (summary["findings"].get("revealed", 0), "revealed"),
                            (summary["findings"]["fixed"], "fixed")], findings)
    return "\n".join(lines)


def _use_case_lines(data: dict[str, Any], labels: _Labels) -> list[str]:
    w = labels.w
    lines = [f"+ {str(u['id'] or ''):<8} {w['rank']} {u['rank'] or '—'}, "
             f"{w['score']} {labels.score(u['score'])}  {_title(u['title'])}"
             for u in data["added"]]
    lines += [f"- {str(u['id'] or ''):<8} {_title(u['title'])}" for u in data["removed"]]
    # Use cases that changed themselves first; those only pushed up or down by others after.
    changed = sorted(data["changed"], key=lambda c: (
        not (c["changes"] or c["score"]["old"] != c["score"]["new"]), c["rank"]["new"] or 10**9))
    for c in changed:
        edits = labels.changes("use_cases", c["changes"])
        if c["rescored"]:
            old, new = c["rank"]["old"], c["rank"]["new"]
            arrow = "↑" if old and new and new < old else "↓" if old and new and new > old else "~"
            lines.append(
                f"{arrow} {str(c['id'] or ''):<8} {_moved(w['rank'], old, new, str)} · "
                f"{_moved(w['score'], c['score']['old'], c['score']['new'], labels.score)}  "
                f"{_title(c['title'])}" + (f" ({edits})" if edits else ""))
        else:
            lines.append(f"~ {str(c['id'] or ''):<8} {edits}")
    return lines


def _moved(word: str, old: Any, new: Any, show: Callable[[Any], str]) -> str:
    """A figure before → after, or once when it did not move (a rank moved, not the score)."""
    def shown(value: Any) -> str:
        return "—" if value is None and show is str else show(value)

    if old == new:
        return f"{word} {shown(new)}"
    return f"{word} {shown(old)} → {shown(new)}"


def _title(value: Any) -> str:
    return "" if value is None else _cut(" ".join(str(value).split()))


def _where(labels: _Labels, stage: Any, channel: Any) -> str:
    return f"{labels.value('stage', stage)} × {labels.value('channel', channel)}"


def _touchpoint_lines(data: dict[str, Any], labels: _Labels) -> list[str]:
    lines = []
    for c in data["changed"]:
        parts = []
        if c["status"] is not None:
            parts.append(f"{labels.value('touchpoint_status', c['status']['old'])} → "
                         f"{labels.value('touchpoint_status', c['status']['new'])}")
        rest = labels.changes("journey", c["changes"], skip=("status",))
        if rest:
            parts.append(rest)
        lines.append(f"~ {_where(labels, c['stage'], c['channel'])}{labels.common['colon']}"
                     f"{' · '.join(parts)}")
    for sign, key in (("+", "added"), ("-", "removed")):
        for t in data[key]:
            lines.append(f"{sign} {_where(labels, t['stage'], t['channel'])} "
                         f"({labels.value('touchpoint_status', t['status'])}) "
                         f"{_title(t['description'])}")
    return lines


def _message(labels: _Labels, m: dict[str, Any]) -> str:
    return f"{m['delay'] if m['delay'] is not None else '?'} {labels.value('channel', m['channel'])}"


def _scenario_lines(data: dict[str, Any], labels: _Labels) -> list[str]:
    w = labels.w
    lines = [f"{sign} {str(s['id'] or ''):<8} {_title(s['name'])} ({w['message'].counted(s['messages'])})"
             for sign, key in (("+", "added"), ("-", "removed")) for s in data[key]]
    for c in data["changed"]:
        parts = [labels.changes("scenarios", c["changes"])] if c["changes"] else []
        m = c["messages"]
        moves = [f"+ {_message(labels, x)}" for x in m["added"]]
        moves += [f"- {_message(labels, x)}" for x in m["removed"]]
        for x in m["changed"]:
            old, new = _message(labels, x["old"]), _message(labels, x["new"])
            edits = labels.changes("messages", x["changes"], skip=("delay", "channel"))
            moved = f"~ {old} → {new}" if old != new else f"~ {new}"
            moves.append(moved + (f" ({edits})" if edits else ""))
        if moves:
            parts.append(f"{w['messages']}{labels.common['colon']}" + ", ".join(moves))
        lines.append(f"~ {str(c['id'] or ''):<8} {_title(c['name'])}{labels.common['colon']}"
                     f"{' · '.join(parts)}")
    return lines


def _data_need_lines(data: dict[str, Any], labels: _Labels) -> list[str]:
    def name(d: dict[str, Any]) -> str:
        return f"{d['scenario'] or '?'} · {_title(d['variable'])}"

    lines = []
    changed = sorted(data["changed"], key=lambda c: not c["now_available"])
    for c in changed:
        lines.append(f"~ {name(c)}{labels.common['colon']}"
                     f"{labels.changes('data_needs', c['changes'])}")
    for sign, key in (("+", "added"), ("-", "removed")):
        for d in data[key]:
            lines.append(f"{sign} {name(d)} ({labels.value('availability', d['availability'])})")
    return lines


def _measure_lines(data: dict[str, Any], labels: _Labels) -> list[str]:
    def name(m: dict[str, Any]) -> str:
        return f"{_where(labels, m['stage'], m['channel'])} · {labels.value('indicator', m['indicator'])}"

    lines = [f"~ {name(c)}{labels.common['colon']}{labels.changes('measures', c['changes'])}"
             for c in data["changed"]]
    lines += [f"{sign} {name(m)}" for sign, key in (("+", "added"), ("-", "removed"))
              for m in data[key]]
    return lines
