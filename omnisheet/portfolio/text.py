"""The portfolio on a terminal: one line per plan, then what the plans have in common."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..template.definition import Definition
from .compare import Portfolio
from .summary import PlanSummary, Unread
from .words import Words

#: Lines each part of the summary lists; the JSON and the HTML page hold them all.
TOP = 5


def plan_line(plan: PlanSummary | Unread, w: Words, width: int,
              style: Callable[..., str] | None = None) -> str:
    """One plan: its file, readiness, errors and warnings; or why it could not be read."""
    paint = style or (lambda text, **_: text)
    file = f"{plan.file:<{width}}"
    if isinstance(plan, Unread):
        return f"{file}  {paint(w.say('unread', message=plan.message), fg='red')}"
    errors, warnings = plan.findings.get("error", 0), plan.findings.get("warning", 0)
    readiness = w.figure("readiness", plan.readiness)
    return (f"{file}  {w['readiness_short']} {readiness:>7}  "
            + paint(f"{w.say('errors', n=errors)}", fg="red" if errors else None) + "  "
            + paint(f"{w.say('warnings', n=warnings)}", fg="yellow" if warnings else None))


def render_lines(results: Sequence[PlanSummary | Unread], w: Words,
                 style: Callable[..., str] | None = None) -> list[str]:
    width = max((len(r.file) for r in results), default=0)
    return [plan_line(r, w, width, style) for r in results]


def render_summary(portfolio: Portfolio, definition: Definition,
                   style: Callable[..., str] | None = None, top: int = TOP) -> str:
    """What the plans have in common, what sets them apart, in a screenful: `top` lines
    of each list (twice as many differences), then how many more."""
    w = Words(definition, portfolio.language)
    paint = style or (lambda text, **_: text)
    colon = w.common["colon"]
    head = [w.say("checked", n=len(portfolio.plans))]
    if portfolio.unread:
        head.append(w.say("not_read", n=len(portfolio.unread)))
    outputs = [s for s in portfolio.skipped if s.reason == "omnisheet_output"]
    if outputs:
        head.append(w.say("left_out", n=len(outputs)))
    lines = [paint(f"{w['portfolio']}{colon}{', '.join(head)}", bold=True)]
    if portfolio.open_elsewhere:
        lines.append("  " + w.say("open_elsewhere", names=w.names(portfolio.open_elsewhere)))
    if not portfolio.plans:
        return "\n".join(lines)

    figure = portfolio.figure("readiness")
    if figure.known:
        lines += ["", paint(w["readiness"], bold=True)]
        lines.append("  " + w.say("readiness_range", median=w.figure("readiness", figure.median),
                                  lowest=w.figure("readiness", figure.lowest),
                                  lowest_plans=w.names(figure.lowest_plans),
                                  highest=w.figure("readiness", figure.highest),
                                  highest_plans=w.names(figure.highest_plans)))
        for key in ("frictions_addressed", "opportunities_addressed", "scenario_coverage",
                    "data_available"):
            f = portfolio.figure(key)
            if f.known:
                lines.append("  " + w.say("figure_range", figure=w[f"figure_{key}"],
                                          median=w.figure(key, f.median),
                                          lowest=w.figure(key, f.lowest),
                                          lowest_plans=w.names(f.lowest_plans, 3),
                                          highest=w.figure(key, f.highest),
                                          highest_plans=w.names(f.highest_plans, 3)))

    many = len(portfolio.plans)
    for status, title in (("friction", "shared_frictions"),
                          ("opportunity", "shared_opportunities")):
        cells = portfolio.grid.recurring(status)
        if not cells:
            continue
        lines += ["", paint(w[title], bold=True)]
        for cell in cells[:top]:
            found = getattr(cell, status)
            lines.append("  " + w.say(f"{status}_in", touchpoint=w.touchpoint(cell.stage, cell.channel),
                                      n=len(found), of=cell.possible or many,
                                      plans=w.names(found)))
        lines += _more(w, len(cells), top)

    if portfolio.use_cases:
        lines += ["", paint(w["shared_use_cases"], bold=True)]
        for use_case in portfolio.use_cases[:top]:
            scores = w.names([f"{p.plan} {w.score(p.score)}" for p in use_case.plans])
            lines.append("  " + w.say("use_case_in", title=use_case.title,
                                      touchpoint=w.touchpoint(use_case.stage, use_case.channel),
                                      n=len(use_case.plan_names), scores=scores))
        lines += _more(w, len(portfolio.use_cases), top)

    if portfolio.sources:
        lines += ["", paint(w["blocking_sources"], bold=True)]
        for source in portfolio.sources[:top]:
            lines.append("  " + w.say("source_in", source=w.value("source", source.source),
                                      value=w.score(source.value), n=len(source.plans),
                                      plans=w.names([p.plan for p in source.plans])))
        lines += _more(w, len(portfolio.sources), top)

    if portfolio.differences:
        lines += ["", paint(w["differences"], bold=True)]
        for diff in portfolio.differences[:2 * top]:
            line = w.say("difference", list=w[f"list_{diff.list}"],
                         value=w.quote(w.value(diff.list, diff.value)),
                         present=w.names(diff.present, 4), absent=w.names(diff.absent, 4))
            if diff.in_place_of is not None:
                line += " " + w.say("in_place_of",
                                    value=w.quote(w.value(diff.list, diff.in_place_of)))
            lines.append("  " + line)
        lines += _more(w, len(portfolio.differences), 2 * top)
    return "\n".join(lines)


def _more(w: Words, total: int, shown: int) -> list[str]:
    return ["  " + w.say("more", n=total - shown)] if total > shown else []
