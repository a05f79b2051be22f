"""The HTML report's Observed journey section (omnisheet journeys -o page.html): the flow
of customers between stages drawn as SVG (no script: the page stays self-contained), then
the traffic per stage × channel, the switches, the delays against promises and the
drop-off as tables, the same figures as the Observed journey tab."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ...template.text import normalise
from ...template.values import axis
from ..text.journeys import Words
from .page import INK, MUTED, escaped

if TYPE_CHECKING:
    from ...journeys.model import Journeys
    from .page import Page

W, H = 960, 580
NODE_W, TOP, NODE_MAX = 22, 170, 160
LABELS = 44  # room under the drawing for each stage's name and customers
CSS = ("svg.flow{max-width:100%;height:auto}svg.flow text{font-size:11px;fill:" + INK + "}"
       "table.observed td{text-align:right}table.observed td.tp{text-align:left}")


def observed_section(p: Page, journeys: Journeys) -> str:
    t = Words(p.d, p.lang)
    w, k = t.w, journeys.threshold
    name = t.period(journeys.latest, journeys.period) if journeys.latest else ""
    first = t.n.date(journeys.first.date()) if journeys.first else ""
    last = t.n.date(journeys.last.date()) if journeys.last else ""
    body = [f'<p class="help">{escaped(w["html_help"].format(first=first, last=last))}</p>',
            _flow(p, journeys, t)]
    rows = "".join(
        f'<tr><td class="tp">{escaped(t.touchpoint(c.stage, c.channel))}</td>'
        f"<td>{escaped(t.count(c.customers, k))}</td><td>{escaped(t.share(c.share, k))}</td></tr>"
        for c in journeys.traffic_in())
    body.append(f"<h3>{escaped(w['traffic'].format(period=name))}</h3>"
                f'<table class="observed"><thead><tr><th></th><th>{escaped(w["customers"])}'
                f"</th><th>%</th></tr></thead><tbody>{rows}</tbody></table>")
    switches = "".join(
        f'<tr><td class="tp">{escaped(t.touchpoint(s.from_stage, s.from_channel))}</td>'
        f'<td class="tp">{escaped(t.touchpoint(s.to_stage, s.to_channel))}</td>'
        f"<td>{escaped(t.n.count(s.customers))}</td><td>{escaped(t.share(s.share_from, k))}</td>"
        f"<td>{escaped(t.duration(s.p50_hours))}</td><td>{escaped(t.duration(s.p90_hours))}</td>"
        "</tr>" for s in journeys.switches_in()[:20])
    body.append(f"<h3>{escaped(w['switch_title'])}</h3>"
                f'<table class="observed"><thead><tr><th>{escaped(w["switch_from"])}</th>'
                f'<th>{escaped(w["switch_to"])}</th><th>{escaped(w["customers"])}</th>'
                f'<th>{escaped(w["share_from"])}</th><th>{escaped(w["median"])}</th>'
                f'<th>{escaped(w["p90"])}</th></tr></thead><tbody>{switches}</tbody></table>')
    promises = []
    for promise in journeys.promises:
        for s in (s for s in promise.switches if s.period == journeys.latest):
            late = sorted(d for d, v in s.weekdays.items() if v.p50_hours > promise.hours)
            promises.append(
                f'<tr><td class="tp">{escaped(t.touchpoint(s.from_stage, s.from_channel))} → '
                f"{escaped(t.touchpoint(s.to_stage, s.to_channel))}</td>"
                f"<td>{escaped(t.duration(promise.hours))}</td>"
                f"<td>{escaped(t.duration(s.p50_hours))}</td>"
                f"<td>{escaped(t.weekdays(late)) if late else ''}</td></tr>")
    if promises:
        body.append(f"<h3>{escaped(w['promise_title'])}</h3>"
                    f'<table class="observed"><thead><tr><th></th><th>{escaped(w["promise"])}'
                    f'</th><th>{escaped(w["median"])}</th><th>{escaped(w["late_days"])}</th>'
                    f"</tr></thead><tbody>{''.join(promises)}</tbody></table>")
    return "\n".join([
        '<section id="observed" class="sheet wide" aria-labelledby="h-observed">',
        f'<h2 id="h-observed">{escaped(w["html_title"])}</h2>', *body, "</section>"])


def _flow(p: Page, journeys: Journeys, t: Words) -> str:
    """Stages as columns, each as tall as its customers; a band from a stage to another as
    wide as the customers who went that way (forward above, back to an earlier stage
    below, paler); bands from fewer customers than the threshold are not drawn."""
    stages_seen = journeys.stages_in()
    order = axis(p.plan.stages, (s.stage for s in stages_seen))
    position = {normalise(s): i for i, s in enumerate(order)}
    customers = {normalise(s.stage): s.customers or 0 for s in stages_seen}
    most = max(customers.values(), default=0) or 1
    step = (W - 80) / max(len(order) - 1, 1)

    def x(stage: Any) -> float:
        return 40 + step * position[normalise(stage)]

    def height(n: float) -> float:
        return max(2.0, NODE_MAX * n / most)

    flows: dict[tuple[str, str], int] = defaultdict(int)
    for s in journeys.switches_in():
        if normalise(s.from_stage) != normalise(s.to_stage):
            flows[(normalise(s.from_stage), normalise(s.to_stage))] += s.customers
    widest = max(flows.values(), default=1)
    parts = [f'<svg class="flow" viewBox="0 0 {W} {H}" role="img" '
             f'aria-label="{escaped(t.w["html_title"])}">']
    for (a, b), n in sorted(flows.items(), key=lambda item: -item[1]):
        if n < journeys.threshold or a not in position or b not in position:
            continue
        xa, xb = 40 + step * position[a], 40 + step * position[b]
        forward = xb > xa
        reach = abs(xb - xa) / (W - 80)  # 0 to 1: longer jumps bend further
        bend = (TOP - 10 - reach * (TOP - 20)) if forward else \
            (TOP + NODE_MAX + 10 + reach * (H - LABELS - TOP - NODE_MAX - 30))
        width = max(1.0, 28 * n / widest)
        colour = INK if forward else MUTED
        y = TOP + NODE_MAX / 2
        parts.append(
            f'<path d="M{xa:.1f},{y:.1f} C{xa:.1f},{bend:.1f} {xb:.1f},{bend:.1f} '
            f'{xb:.1f},{y:.1f}" fill="none" stroke="{colour}" stroke-opacity="'
            f'{0.35 if forward else 0.2}" stroke-width="{width:.1f}"><title>'
            f"{escaped(t.stage(_named(order, a)))} → {escaped(t.stage(_named(order, b)))}: "
            f"{escaped(t.n.count(n))}</title></path>")
    for stage in order:
        n = customers.get(normalise(stage), 0)
        h = height(n)
        top = TOP + (NODE_MAX - h) / 2
        parts.append(f'<rect x="{x(stage) - NODE_W / 2:.1f}" y="{top:.1f}" width="{NODE_W}" '
                     f'height="{h:.1f}" fill="{INK}"><title>{escaped(t.stage(stage))}: '
                     f"{escaped(t.n.count(n))}</title></rect>")
        parts.append(f'<text x="{x(stage):.1f}" y="{H - LABELS + 16}" '
                     f'text-anchor="middle">{escaped(_short(t.stage(stage)))}</text>')
        parts.append(f'<text x="{x(stage):.1f}" y="{H - LABELS + 32}" '
                     f'text-anchor="middle">{escaped(t.count(n or None, journeys.threshold))}'
                     "</text>")
    parts.append("</svg>")
    return "".join(parts)


def _named(order: list[Any], key: str) -> Any:
    return next(s for s in order if normalise(s) == key)


def _short(text: str, size: int = 18) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
