"""What `omnisheet feedback` prints: one screen of text in the plan's language, or the
JSON shape of omnisheet/feedback/feedback.schema.json (schema_version 1)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..template import periods as periods_of
from ..template.formatting import Formatter
from ..template.text import shorten
from .errors import FeedbackInputError
from .judge import places
from .model import Feedback, Period, Series

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..template.definition import Definition
    from .apply import Updated

SCHEMA_VERSION = 1
LINES = 14  # measures on the screen; --format json has them all
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """Text from a responses file, safe to print: no terminal escape, on one line."""
    return _CONTROL.sub(" ", str(text).replace("\n", " ").replace("\r", " ")).strip()


def _label(definition: Definition, list_key: str, value: object, lang: str) -> str:
    if isinstance(value, str):
        return definition.list(list_key).label(value, lang)
    return "" if value is None else str(value)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


# --- JSON -------------------------------------------------------------------------------


def to_dict(feedback: Feedback, definition: Definition, lang: str, plan_file: str | None
            ) -> dict[str, Any]:
    kind = feedback.period

    def period(start: Any) -> dict[str, Any]:
        return {"start": start.isoformat(),
                "label": periods_of.period_name(start, kind, definition, lang)}

    def point(p: Period) -> dict[str, Any]:
        verbatim = None
        if p.verbatim is not None:
            verbatim = {"text": p.verbatim.text, "score": p.verbatim.score,
                        "at": p.verbatim.at.isoformat(sep=" ")}
        return {**period(p.start), "value": _round(p.point.value),
                "answers": p.point.answers, "low": _round(p.point.low),
                "high": _round(p.point.high), "verbatim": verbatim}

    def measure(s: Series) -> dict[str, Any]:
        fall = None
        if s.fall is not None and s.previous is not None and s.latest is not None:
            fall = {"from": s.previous.start.isoformat(), "to": s.latest.start.isoformat(),
                    "p_value": _round(s.fall.p), "intervals_apart": s.fall.apart}
        return {
            "stage": s.stage, "stage_label": _label(definition, "stage", s.stage, lang),
            "channel": s.channel,
            "channel_label": _label(definition, "channel", s.channel, lang),
            "indicator": s.indicator,
            "indicator_label": _label(definition, "indicator", s.indicator, lang),
            "headline": s.headline, "too_few_answers": s.too_few, "worsened": fall,
            "periods": [point(p) for p in s.periods],
        }

    reasons = definition.words_for("feedback_reasons", lang)
    return {
        "schema_version": SCHEMA_VERSION,
        "plan": plan_file,
        "language": lang,
        "period": kind,
        "periods": [period(p) for p in feedback.periods],
        "rows": {"read": feedback.rows, "used": feedback.used,
                 "rejected": feedback.rejected_count},
        "max_interval_width": feedback.limit,
        "files": [{"path": f.path, "format": f.format, "rows": f.rows,
                   "rejected": f.rejected, "layout": f.layout, "kind": f.kind,
                   "question": f.question,
                   "encoding": f.encoding, "delimiter": f.delimiter, "sheet": f.sheet,
                   "columns": f.columns, "day_first_assumed": f.day_first_assumed}
                  for f in feedback.files],
        "unusable": [{"path": u.path, "reason": u.key,
                      "message": FeedbackInputError(u.key, **u.fields).render(lang)}
                     for u in feedback.unusable],
        "measures": [measure(s) for s in feedback.series],
        "rejected": [{"reason": r.reason, "label": reasons[r.reason], "count": r.count,
                      "examples": [{"value": e.value, "file": e.file, "count": e.count,
                                    "did_you_mean": e.suggestion}
                                   for e in r.examples]}
                     for r in feedback.rejected],
    }


# --- text -------------------------------------------------------------------------------


def render_text(feedback: Feedback, definition: Definition, lang: str) -> str:
    w = definition.words_for("feedback", lang)
    common = definition.words_for("common", lang)
    reasons = definition.words_for("feedback_reasons", lang)
    number = Formatter.of(definition, lang)
    kind = feedback.period

    def name(start: Any) -> str:
        return periods_of.period_name(start, kind, definition, lang)

    def quote(text: object) -> str:
        return common["quote"].format(text=shorten(clean(text), 40))

    lines = [w["summary"].format(files=number.count(len({f.path for f in feedback.files})),
                                 rows=number.count(feedback.rows),
                                 used=number.count(feedback.used),
                                 rejected=number.count(feedback.rejected_count))]
    roles = definition.words_for("feedback_roles", lang)
    for f in feedback.files:  # which column was taken for each role, one line a file
        taken = ", ".join(f"{roles[role]} {quote(f.columns[role])}" + (
            f" ({shorten(clean(f.question), 40)})" if role == "score" and f.question else "")
                          for role in roles if role in f.columns)
        lines.append("  " + w["file_columns"].format(file=clean(f.path), columns=taken))
    for f in feedback.files:
        if f.day_first_assumed:
            lines.append(w["day_first"].format(file=f.path))
    for u in feedback.unusable:
        lines.append(w["unusable"].format(why=clean(FeedbackInputError(u.key, **u.fields)
                                                     .render(lang))))
    if feedback.periods:
        first, last = name(feedback.periods[0]), name(feedback.periods[-1])
        lines.append(w["periods" if first != last else "one_period"].format(
            kind=w[f"by_{kind}"], first=first, last=last))
    shown = _on_screen(feedback.series)
    if shown:
        latest, previous = feedback.periods[-1], (feedback.periods[-2]
                                                  if len(feedback.periods) > 1 else None)
        rows = [[w["touchpoint"], w["indicator"], name(latest), w["answers"],
                 w["versus"].format(period=name(previous)) if previous else ""]]
        for s in shown:
            rows.append(_row(s, definition, lang, number, w, latest))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines.append("")
        for r in rows:
            lines.append("  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]),
                                    r[2].ljust(widths[2]), r[3].rjust(widths[3]), r[4]]
                                   ).rstrip())
        hidden = len(feedback.series) - len(shown)
        if hidden:
            lines.append(w["more"].format(n=number.count(hidden)))
    if feedback.rejected:
        lines.append("")
        lines.append(w["set_aside"].format(n=number.count(feedback.rejected_count))
                     + common["colon"].rstrip())
        for r in feedback.rejected:
            # « 31/06/2026 » × 2: the count reads as one, never « … » 2 » (an empty value
            # is no example)
            examples = ", ".join(
                f"{quote(e.value)} × {number.count(e.count)}" + (
                    " " + w["did_you_mean"].format(value=quote(_label(
                        definition, r.reason.removeprefix("unknown_"), e.suggestion, lang)))
                    if e.suggestion is not None else "")
                for e in r.examples if e.value is not None and clean(e.value))
            lines.append(f"  {reasons[r.reason]}{common['colon']}{number.count(r.count)}"
                         + (f" ({examples})" if examples else ""))
    if not feedback.used:
        lines.append(w["nothing_used"])
    return "\n".join(lines)


def _on_screen(series: tuple[Series, ...]) -> list[Series]:
    """What fits on one screen: every measure flagged, then the headline ones, then the
    others, shown in the plan's order."""
    if len(series) <= LINES:
        return list(series)
    ranked = sorted(range(len(series)), key=lambda i: (
        not (series[i].fall or series[i].too_few), not series[i].headline, i))
    keep = sorted(ranked[:LINES])
    return [series[i] for i in keep]


def _row(s: Series, definition: Definition, lang: str, number: Formatter, w: dict,
         latest_period: Any) -> list[str]:
    touchpoint = shorten(clean(f"{_label(definition, 'stage', s.stage, lang)} × "
                               f"{_label(definition, 'channel', s.channel, lang)}"), 46)
    indicator = _label(definition, "indicator", s.indicator, lang)
    current = next((p for p in s.periods if p.start == latest_period), None)
    if current is None or current.point.answers == 0:
        return [touchpoint, indicator, w["no_answers"], "0", ""]
    point = current.point
    text = figure(s.indicator, point.value, number)
    if point.low is not None and point.high is not None:
        # an NPS is signed at both ends, as its scale is (−100 to +100)
        text += " (" + w["interval"].format(low=figure(s.indicator, point.low, number),
                                            high=figure(s.indicator, point.high, number)) + ")"
    notes = []
    index = s.periods.index(current)
    before = s.periods[index - 1].point if index > 0 else None
    if before is not None and before.value is not None and point.value is not None:
        change = point.value - before.value
        shown = number.number(change, places(s.indicator))
        notes.append(("+" if change > 0 else "") + shown)
    if s.fall is not None and s.latest is current:
        notes.append(w["worse"])
    if s.too_few and s.latest is current:
        notes.append(w["too_few"])
    return [touchpoint, indicator, text, number.count(point.answers), " ".join(notes)]


def figure(indicator: str, value: float | None, number: Formatter, sign: bool = True) -> str:
    """A measure as the plan's language writes it: 4,12; 82,1 %; +23,4 for an NPS."""
    if value is None:
        return "—"
    if indicator == "csat_pct":
        return number.points(value, 1)
    text = number.number(value, places(indicator))
    return ("+" + text) if sign and indicator == "nps" and value > 0 else text


def render_updated(updated: Sequence[Updated], definition: Definition, lang: str) -> str:
    """The team's rows of the Touchpoint measures tab whose value the responses replaced,
    before and after: a figure the team typed is never changed without a word."""
    w = definition.words_for("feedback", lang)
    number = Formatter.of(definition, lang)
    lines: list[str] = []
    for replaced in (True, False):
        shown = [u for u in updated if u.replaced is replaced]
        if not shown:
            continue
        if lines:
            lines.append("")
        heading = w["updated"] if replaced else w["not_replaced"]
        lines.append(heading.format(n=number.count(len(shown))))
        lines.extend(_updated_rows(shown, definition, lang, number, w))
    return "\n".join(lines)


def _updated_rows(updated: Sequence[Updated], definition: Definition, lang: str,
                  number: Formatter, w: dict) -> list[str]:
    lines = []
    for u in updated:
        before, after = u.before, u.after
        indicator = str(after.indicator)
        lines.append("  " + w["updated_row"].format(
            touchpoint=clean(f"{_label(definition, 'stage', after.stage, lang)} × "
                             f"{_label(definition, 'channel', after.channel, lang)}"),
            indicator=_label(definition, "indicator", indicator, lang),
            before=_figure_typed(indicator, before.value, number),
            before_period=clean(before.period) if before.period is not None else "—",
            after=_figure_typed(indicator, after.value, number),
            after_period=clean(after.period))
            + ("" if u.replaced else " " + w["too_few_kept"].format(
                answers=number.count(int(after.answers or 0)))))
    return lines


def _figure_typed(indicator: str, value: object, number: Formatter) -> str:
    """A value as the row held it: a number in the language's form, else as typed."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return clean(value) if value is not None else "—"
    if indicator == "csat_pct":  # a share typed as 0.58 or as 58: 58 %
        return number.points(value * 100 if abs(value) <= 1 else value, 1)
    return number.number(value)  # as typed: 18, 4.2
