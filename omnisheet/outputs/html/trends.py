"""The HTML report's trends: each measure computed from survey responses (the Measure
trends tab), period by period, as a small inline SVG (the value a line, its 95 % interval
a band, gaps where a period has no answer) with its figures in a table beside it, for
readers and screen readers alike. Nothing is fetched; every text is escaped."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ...feedback.render import figure
from .page import Page, escaped, section

if TYPE_CHECKING:
    from ...feedback.series import Row, TrendSeries

W, H = 420, 190
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 14, 40
MAX_SERIES = 60

CSS = """
.trends{display:grid;grid-template-columns:repeat(auto-fit,minmax(430px,1fr));gap:14px}
.trend{margin:0;border:1px solid #c8c8c8;border-radius:6px;padding:8px 10px;break-inside:avoid}
.trend figcaption{font-weight:600;margin-bottom:4px}
.trend .flag{display:inline-block;font-weight:600;margin-left:.4rem}
.trend svg{max-width:100%;height:auto;display:block}
.trend svg .band{fill:#9dc3e6;fill-opacity:.45;stroke:none}
.trend svg .line{fill:none;stroke:#1f3864;stroke-width:2}
.trend svg circle{fill:#1f3864}
.trend svg .grid{stroke:#e0e0e0}
.trend svg text{font-size:11px;fill:#1a1a1a}
.trend table{font-size:.8rem;margin-top:6px}
"""


def trends_section(p: Page) -> str | None:
    """The section, or None when the plan has no measure from responses. `p` is the HTML
    report's page: its words, numbers and labels."""
    from ...feedback.series import trend_series

    series = trend_series(p.plan, p.d)[:MAX_SERIES]
    if not series:
        return None
    figures = "\n".join(_figure(p, s) for s in series)
    return section("trends", p, [f'<div class="trends">{figures}</div>'], "trends_help")


def _figure(p: Page, series: TrendSeries) -> str:
    name = (f"{p.plain_label('stage', series.stage)} × "
            f"{p.plain_label('channel', series.channel)}")
    indicator = p.plain_label("indicator", series.indicator)
    flags = []
    if series.fall is not None:
        flags.append(f'<span class="flag">{p.t("trend_worsened")}</span>')
    if series.too_few:
        flags.append(f'<span class="flag">{p.t("trend_too_few")}</span>')
    rows = series.rows
    caption = p.raw("trend_chart", touchpoint=name, indicator=indicator,
                    first=rows[0].trend.period, last=rows[-1].trend.period)
    body = "".join(
        f"<tr><td>{escaped(r.trend.period)}</td>"
        f'<td class="num">{escaped(_figure_of(p, series.indicator, r.point.value))}</td>'
        f'<td class="num">{escaped(_interval(p, series.indicator, r))}</td>'
        f'<td class="num">{escaped(p.num(r.point.answers))}</td></tr>' for r in rows)
    table = ("<table><thead><tr>"
             f"<th>{p.t('trend_period')}</th><th>{p.t('trend_value')}</th>"
             f"<th>{p.t('trend_interval')}</th><th>{p.t('trend_answers')}</th>"
             f"</tr></thead><tbody>{body}</tbody></table>")
    return (f'<figure class="trend"><figcaption>{escaped(name)} — {escaped(indicator)}{"".join(flags)}'
            f"</figcaption>{_svg(p, series, caption)}{table}</figure>")


def _figure_of(p: Page, indicator: str, value: float | None) -> str:
    """A measure as `omnisheet feedback` writes it, unsigned: 4,12 · 82,1 % · 23,4."""
    return figure(indicator, value, p.number, sign=False)


def _tick_text(p: Page, indicator: str, value: float, places: int) -> str:
    """A value of the axis with the decimals its step needs: 3,4 · 40 % · −25."""
    if indicator == "csat_pct":
        return p.number.points(value, places)
    return p.num(value, places)


def _interval(p: Page, indicator: str, row: Row) -> str:
    point = row.point
    if point.low is None or point.high is None or not point.answers:
        return "—"
    # one form in every output: "3,68 à 4,04", as the text and the checks' messages say it
    return p.d.words_for("feedback", p.lang)["interval"].format(
        low=_figure_of(p, indicator, point.low), high=_figure_of(p, indicator, point.high))


def _svg(p: Page, series: TrendSeries, caption: str) -> str:
    rows = series.rows
    shown = [r for r in rows if r.point.answers and r.point.value is not None]
    if not shown:
        return ""
    values = [v for r in shown for v in (r.point.value, r.point.low, r.point.high)
              if v is not None]
    ticks = _ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    width, height = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = width / max(1, len(rows) - 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(rows) > 1 else width / 2)

    def y(v: float) -> float:
        return TOP + (high - v) / (high - low) * height

    parts = [f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{escaped(caption)}">']
    places = max(len(f"{tick:.10g}".partition(".")[2]) for tick in ticks)  # 3.4 → 1
    for tick in ticks:
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f"{escaped(_tick_text(p, series.indicator, tick, places))}</text>")
    for run in _runs(rows):
        band = [(x(i), r) for i, r in run if r.point.low is not None and r.point.high is not None]
        if len(band) > 1:
            top = " ".join(f"{cx:.1f},{y(r.point.high):.1f}" for cx, r in band)
            bottom = " ".join(f"{cx:.1f},{y(r.point.low):.1f}" for cx, r in reversed(band))
            parts.append(f'<polygon class="band" points="{top} {bottom}"/>')
        elif band:
            cx, r = band[0]
            parts.append(f'<rect class="band" x="{cx - 4:.1f}" y="{y(r.point.high):.1f}" '
                         f'width="8" height="{max(1.0, y(r.point.low) - y(r.point.high)):.1f}"/>')
        if len(run) > 1:
            line = " ".join(f"{x(i):.1f},{y(r.point.value):.1f}" for i, r in run)
            parts.append(f'<polyline class="line" points="{line}"/>')
        for i, r in run:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(r.point.value):.1f}" r="3.5"/>')
    names = [str(r.trend.period) for r in rows]
    for i, line in _labelled(names, [x(i) for i in range(len(rows))]):
        anchor = ("start" if i == 0 and len(rows) > 1 else
                  "end" if i == len(rows) - 1 and len(rows) > 1 else "middle")
        parts.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM + 16 + 14 * line}" '
                     f'text-anchor="{anchor}">{escaped(rows[i].trend.period)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round values for the vertical axis, from below the lowest to above the highest:
    steps of 1, 2, 2.5 or 5 times a power of ten, at most `most` of them (3.4, 3.6, 3.8,
    4.0 rather than 3.41, 3.72, 4.04)."""
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    for power in range(math.floor(math.log10(high - low)) - 1, 400):
        for multiple in (1, 2, 2.5, 5):
            step = multiple * 10.0 ** power
            first, last = math.floor(low / step), math.ceil(high / step)
            if last - first + 1 <= most:
                return [round(k * step, 10) for k in range(first, last + 1)]
    return [low, high]


#: About how wide a character of the axis' 11 px labels is, and the gap kept between two.
CHAR_WIDTH, LABEL_GAP = 6.2, 8


def _labelled(names: list[str], xs: list[float]) -> list[tuple[int, int]]:
    """Which periods get their name under the axis, and on which of two lines: on one line
    when every name fits without touching its neighbours, else every other name one line
    lower ("août 2026" and "septembre 2026" side by side overlapped); past what two lines
    hold, the names that would touch are left out (the table under the chart lists every
    period), the first and the last always kept. The first name is drawn from its point
    rightwards, the last leftwards, the others centred."""
    count = len(names)

    def span(i: int) -> tuple[float, float]:
        width = CHAR_WIDTH * len(names[i])
        if count > 1 and i == 0:
            return xs[i], xs[i] + width
        if count > 1 and i == count - 1:
            return xs[i] - width, xs[i]
        return xs[i] - width / 2, xs[i] + width / 2

    def fitting(indices: list[int]) -> list[int]:
        """Those of `indices` (in order) that fit beside the ones kept before them; the
        last of them is kept, and those before it that it would touch are not."""
        if not indices:
            return []
        *rest, last = indices
        kept: list[int] = []
        for i in rest:
            left, right = span(i)
            if (not kept or left >= span(kept[-1])[1] + LABEL_GAP) and (
                    last != count - 1 or right + LABEL_GAP <= span(last)[0]):
                kept.append(i)
        if last != count - 1 and kept and span(last)[0] < span(kept[-1])[1] + LABEL_GAP:
            return kept
        return [*kept, last]

    every = list(range(count))
    if fitting(every) == every:
        return [(i, 0) for i in every]
    upper, lower = fitting(every[0::2]), fitting(every[1::2])
    return sorted([(i, 0) for i in upper] + [(i, 1) for i in lower])


def _runs(rows: tuple[Row, ...]) -> list[list[tuple[int, Row]]]:
    """Consecutive periods with answers: the line breaks where a period has none."""
    runs: list[list[tuple[int, Row]]] = [[]]
    for i, r in enumerate(rows):
        if r.point.answers and r.point.value is not None:
            runs[-1].append((i, r))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]
