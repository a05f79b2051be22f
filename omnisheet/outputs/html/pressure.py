"""The HTML report's contact pressure section: per capped channel, a target × week grid
coloured against the cap (each level also written and marked with a symbol), then the
most solicited target's timeline. Same figures as the Pressure tab (omnisheet.pressure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...analysis.pressure import grids, pressure, worst_timeline
from ...template.text import normalise
from .page import escaped, section

if TYPE_CHECKING:
    from .page import Page as _Page

SYMBOLS = {"over": "▲", "at": "■", "under": "✓"}
MAX_TIMELINE = 200


def pressure_css(p: _Page) -> str:
    colours = p.d.colours
    return "".join(f".p-{level}{{background:{colours[f'pressure_{level}']}}}"
                   for level in SYMBOLS) + (
        "table.pressure td{text-align:center;white-space:nowrap}"
        "table.pressure th[scope=row]{white-space:nowrap}"
        "table.timeline td:first-child{text-align:right}")


def pressure_section(p: _Page) -> str:

    w = p.d.words_for("pressure", p.lang)
    found = pressure(p.plan, p.d)
    shown = grids(found)
    if not shown:
        return section("pressure", p, [f"<p>{escaped(w['none'])}</p>"], "pressure_help")
    legend = "".join(f'<li><span class="swatch p-{level}"><span aria-hidden="true">'
                     f"{symbol}</span> {escaped(w[level])}</span></li>"
                     for level, symbol in SYMBOLS.items())
    body = [f'<div class="legend"><ul>{legend}</ul></div>']
    for grid in shown:
        cap = w["cap"].format(channel=p.plain_label("channel", grid.cap.channel),
                              cap=p.number.count(grid.cap.most),
                              days=p.number.number(grid.cap.days))
        heads = [w["week"].format(n=week + 1) for week in grid.weeks]
        heads += [w["later"]] if grid.later else []
        head = "".join(f'<th scope="col">{escaped(h)}</th>' for h in heads)
        rows = []
        for target, weeks, later in grid.rows:
            cells = [*weeks, later] if grid.later else list(weeks)
            tds = "".join(
                '<td class="empty"></td>' if week is None else
                f'<td class="p-{week.level}">{week.count} <span aria-hidden="true">'
                f'{SYMBOLS[week.level]}</span><span class="sr-only"> {escaped(w[week.level])}'
                "</span></td>" for week in cells)
            rows.append(f'<tr><th scope="row">{p.label("target", target)}</th>{tds}</tr>')
        body.append(f"<h3>{escaped(cap)}</h3>"
                    f'<div class="scroll"><table class="grid pressure"><caption class="sr-only">'
                    f"{escaped(cap)}</caption><thead><tr><th scope=\"col\">{escaped(w['target'])}</th>"
                    f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    if found.uncapped:
        names = ", ".join(p.plain_label("channel", c) for c in found.uncapped.values())
        body.append(f'<p class="muted">{escaped(w["uncapped"].format(channels=names))}</p>')
    detail = worst_timeline(found)
    if detail is not None:
        body.append(_timeline(p, w, *detail))
    return section("pressure", p, body, "pressure_help", wide=True)


def _timeline(p: _Page, w: dict, peak, messages) -> str:

    plan = p.plan
    stages = ", ".join(p.plain_label("relationship_stage", s) for s in peak.timeline.stages)
    if peak.timeline.date is not None:
        date = next((s.trigger for s in plan.scenarios if s.trigger is not None
                     and s.trigger_type == "date"
                     and normalise(s.trigger) == peak.timeline.date), peak.timeline.date)
        stages = w["stages_and_date"].format(stages=stages, date=w["date"].format(date=date))
    title = w["timeline"].format(target=p.plain_label("target", peak.target), stages=stages)
    names = {normalise(s.id): s.name for s in plan.scenarios if s.id is not None}
    head = "".join(f'<th scope="col">{escaped(w[k])}</th>'
                   for k in ("day", "delay", "channel", "scenario", "content"))
    rows = []
    for sent, inside in messages[:MAX_TIMELINE]:
        message = plan.messages[sent.index]
        mark = (f' <strong><span aria-hidden="true">{SYMBOLS["over"]}</span> '
                f"{escaped(w['in_peak'])}</strong>") if inside else ""
        rows.append(
            f'<tr{" class=p-over" if inside else ""}><td class="num">{sent.day}</td>'
            f'<td class="id">{escaped(sent.delay)}</td><td>{p.label("channel", message.channel)}</td>'
            f'<td><span class="id">{escaped(sent.scenario)}</span> '
            f"{escaped(names.get(normalise(sent.scenario)))}</td>"
            f"<td>{escaped(message.content)}{mark}</td></tr>")
    more = (f'<p class="muted">{escaped(w["more"].format(n=len(messages) - MAX_TIMELINE))}</p>'
            if len(messages) > MAX_TIMELINE else "")
    return (f"<h3>{escaped(title)}</h3><p class=\"help\">{escaped(w['timeline_help'])}</p>"
            f'<table class="grid timeline"><caption class="sr-only">{escaped(title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}")
