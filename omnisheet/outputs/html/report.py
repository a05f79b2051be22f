"""The report as one self-contained HTML page, for people who will never open the workbook.

    write_html(report, "plan.html")          # or: render_html(report, "fr") -> str

Everything is inline: CSS, and the impact / ease matrix as SVG. Nothing is fetched (no
script, font, image or stylesheet), and a Content-Security-Policy tells the browser so.
Every word comes from `report_text` in workbook_templates/plan.yaml, list labels and
colours from its lists; every value typed by the team is escaped, since plans come from
partners. The page prints to PDF from a browser: one section per page, the two maps in
landscape, colours kept, table rows never cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...analysis.measures import assess, heat
from ...analysis.report import Report
from ...analysis.scoring import weights
from ...plan.model import ERROR, INFO, SEVERITIES, WARNING, Touchpoint
from ...template.text import normalise
from ...template.values import axis
from .page import (
    INK,
    MUTED,
    OTHER_SYMBOL,
    SEVERITY_SYMBOLS,
    STATUS_SYMBOLS,
    Page,
    base_css,
    css_class,
    document,
    escaped,
    print_css,
    section,
)
from .trends import CSS as TRENDS_CSS
from .trends import trends_section

SECTIONS = ("readiness", "journey", "matrix", "priorities", "scenario_map", "pressure",
            "roadmap", "findings")
#: The matrix: drawing size, margins, and the axes' range (ticks 1 to 5).
SVG_W, SVG_H = 760, 540
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 64
LOW, HIGH = 0.7, 5.3
LINE = 14  # px between stacked point labels
LABEL_CHARS = 12


def render_html(report: Report, lang: str | None = None, *,
                today: dt.date | None = None) -> str:
    """The whole report as one HTML document (a string; nothing is read or written)."""
    from ... import __version__

    lang = report.definition.check_language(lang or report.lang)
    p = Page(report, lang)
    day = today or dt.date.today()
    name = Path(report.file).name if report.file else p.raw("untitled")
    title = f"{p.raw('doc_title')} — {name}"
    date = p.number.date(day)
    from .pressure import pressure_css, pressure_section

    sections = [
        _readiness(p), _journey(p), _matrix(p), _priorities(p), _scenario_map(p),
        pressure_section(p), _roadmap(p), _findings(p),
    ]
    trends = trends_section(p)  # measures from survey responses, when the plan has some
    keys = list(SECTIONS)
    nav = [(key, p.t(key)) for key in keys]
    if trends is not None:
        sections.insert(2, trends)
        nav.insert(2, ("trends", p.t("trends")))
    extra_css = ""
    if report.journeys is not None:  # omnisheet journeys: the journey customers take
        from .journeys import CSS as OBSERVED_CSS
        from .journeys import observed_section

        at = 3 if trends is not None else 2
        sections.insert(at, observed_section(p, report.journeys))
        words = report.definition.words_for("journeys", lang)
        nav.insert(at, ("observed", escaped(words["html_title"])))
        extra_css = OBSERVED_CSS
    return document(
        lang=lang, title=title,
        css=f"{_css(p)}{pressure_css(p)}{TRENDS_CSS if trends is not None else ''}{extra_css}",
        heading=(f'{escaped(p.raw("doc_title"))} — '
                 f'<span class="file">{escaped(name)}</span>'),
        generated=p.t("generated", date=date, version=__version__), contents=p.t("contents"),
        nav=nav, sections=sections)


def write_html(report: Report, path: str | Path, lang: str | None = None) -> Path:
    """Write the report page to `path`, whole or not at all."""
    from ..atomic import atomic_output

    path = Path(path)
    document = render_html(report, lang)
    with atomic_output(path) as tmp:
        tmp.write_text(document, encoding="utf-8")
    return path


# --- readiness -------------------------------------------------------------------------


def _readiness(p: Page) -> str:
    r, report = p.report.readiness, p.report
    summary = r.summary
    big = p.t("not_computable") if summary is None else escaped(p.number.points(summary))
    shares = r.shares
    figures = [
        ("frictions", shares["frictions_addressed"], r.frictions_addressed, r.frictions),
        ("opportunities", shares["opportunities_addressed"], r.opportunities_addressed,
         r.opportunities),
        ("coverage", shares["scenario_coverage"], r.cells_covered, r.cells),
        ("data", shares["data_available"], r.data_available, r.data_needs),
    ]
    cards = []
    for key, share, part, whole in figures:
        width = 0 if share is None else round(100 * share)
        cards.append(
            '<li class="card">'
            f'<span class="card-label">{p.t(key)}</span>'
            f'<span class="card-value">{p.pct(share)}</span>'
            f'<span class="bar" aria-hidden="true"><span style="width:{width}%"></span></span>'
            f'<span class="muted">{p.t("part_of", part=part, whole=whole)}</span>'
            "</li>")
    plan, counts = report.plan, report.counts()
    objects = p.t("objects", touchpoints=len(plan.touchpoints), use_cases=len(plan.use_cases),
                  scored=r.use_cases_scored, scenarios=len(plan.scenarios),
                  messages=len(plan.messages), data_needs=len(plan.data_needs))
    return section("readiness", p, [
        f'<p class="big">{big}</p>',
        f'<p class="help">{p.t("readiness_help")}</p>',
        f'<ul class="cards">{"".join(cards)}</ul>',
        f"<p>{objects}</p>",
        f"<p>{p.t('findings_summary', **counts)}</p>",
    ])


# --- journey map -----------------------------------------------------------------------


def _measures(p: Page) -> dict[tuple[str, str], list[Any]]:
    """Measures by (stage, channel) keys, when the plan has a Measures tab."""
    cells: dict[tuple[str, str], list[Any]] = {}
    for measure in getattr(p.plan, "measures", ()) or ():
        key = (normalise(getattr(measure, "stage", None)),
               normalise(getattr(measure, "channel", None)))
        cells.setdefault(key, []).append(measure)
    return cells


def _journey(p: Page) -> str:
    plan = p.plan
    measures = _measures(p)
    touchpoints = {(normalise(t.stage), normalise(t.channel)): t for t in plan.touchpoints}
    raw_measures = [m for group in measures.values() for m in group]
    stages = axis(plan.stages, [*(t.stage for t in plan.touchpoints),
                                *(getattr(m, "stage", None) for m in raw_measures)])
    channels = axis(plan.channels, [*(t.channel for t in plan.touchpoints),
                                    *(getattr(m, "channel", None) for m in raw_measures)])
    stages = [s for s in stages if s is not None]
    channels = [c for c in channels if c is not None]
    if not plan.touchpoints and not raw_measures:
        return section("journey", p, [f"<p>{p.t('no_touchpoints')}</p>"], "journey_help",
                        wide=True)
    status_list = p.d.list("touchpoint_status")
    tally = {v.key: 0 for v in status_list.values}
    for tp in plan.touchpoints:
        if tp.status in tally:
            tally[tp.status] += 1
    legend = "".join(
        f'<li><span class="swatch s-{css_class(v.key)}">'
        f'<span aria-hidden="true">{STATUS_SYMBOLS.get(v.key, OTHER_SYMBOL)}</span> '
        f"{escaped(v.labels[p.lang])}</span> ({tally[v.key]})</li>"
        for v in status_list.values)
    head = "".join(f'<th scope="col">{p.label("stage", s)}</th>' for s in stages)
    rows = []
    for channel in channels:
        cells = []
        for stage in stages:
            key = (normalise(stage), normalise(channel))
            touchpoint = touchpoints.get(key)
            found = measures.get(key, [])
            cells.append(_touchpoint_cell(p, touchpoint, found) if touchpoint or found
                         else '<td class="empty"></td>')
        rows.append(f'<tr><th scope="row">{p.label("channel", channel)}</th>{"".join(cells)}</tr>')
    table = (
        f'<div class="scroll"><table class="map journey" style="--cols:{len(stages)}">'
        f'<caption class="sr-only">{p.t("journey")}</caption>'
        f'<colgroup><col class="rowhead">{"<col>" * len(stages)}</colgroup>'
        f'<thead><tr><th scope="col" class="corner">{p.t("journey_corner")}</th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>')
    return section("journey", p, [
        f'<div class="legend"><strong>{p.t("legend")}</strong><ul>{legend}</ul></div>',
        table,
    ], "journey_help", wide=True)


def _touchpoint_cell(p: Page, touchpoint: Touchpoint | None,
                     measures_for_cell: Sequence[Any] = ()) -> str:
    """One journey-map cell: the description, the status in colour AND in words, and the
    measures taken at that stage and channel, if any."""
    parts = []
    status = touchpoint.status if touchpoint else None
    if touchpoint is not None:
        if touchpoint.description not in (None, ""):
            parts.append(f'<p class="desc">{escaped(touchpoint.description)}</p>')
        if status in STATUS_SYMBOLS:
            word = p.label("touchpoint_status", status)
            symbol = STATUS_SYMBOLS[status]
        elif status in (None, ""):
            word, symbol = p.t("status_none"), OTHER_SYMBOL
        else:
            word, symbol = escaped(status), OTHER_SYMBOL
        note = f' <span class="note">({p.t("inferred")})</span>' if touchpoint.status_inferred else ""
        parts.append(f'<p class="status"><span aria-hidden="true">{symbol}</span> '
                     f"<strong>{word}</strong>{note}</p>")
    if measures_for_cell:
        items = "".join(f"<li>{_measure(p, m)}</li>" for m in measures_for_cell)
        parts.append(f'<ul class="measures">{items}</ul>')
    css = f"s-{css_class(status)}" if status in STATUS_SYMBOLS else "s-other"
    return f'<td class="tp {css}">{"".join(parts)}</td>'


def _measure(p: Page, measure: Any) -> str:
    """A measure in one line: indicator, value, target, answers, period; then the verbatim."""
    indicator = getattr(measure, "indicator", None)
    value = getattr(measure, "value", None)
    target = getattr(measure, "target", None)
    listed = p.d.lists.get("indicator")
    known = listed.value(indicator) if listed is not None and hasattr(listed, "value") else None
    percent = bool(known.attr("percent", 0)) if known is not None and hasattr(known, "attr") else False

    def shown(n: Any) -> str:
        if percent and isinstance(n, int | float) and not isinstance(n, bool):
            return escaped(p.number.percent(n if 0 <= n <= 1 else n / 100))
        return escaped(p.num(n))

    bits = [f"<strong>{p.label('indicator', indicator)}</strong> {shown(value)}"]
    if target is not None:
        # the word is escaped with a placeholder left in, then the (escaped) number goes in
        bits.append(p.t("measure_target", target="\0").replace("\0", shown(target)))
    answers = getattr(measure, "answers", None)
    if answers is not None:
        bits.append(p.t("measure_answers", answers=p.num(answers, 0)))
    period = getattr(measure, "period", None)
    if period not in (None, ""):
        bits.append(escaped(period))
    line = " · ".join(bits)
    level = heat(p.assessed.get(id(measure)) or assess(measure, definition=p.d))
    line += (f' <span class="heat h-{level}"><span aria-hidden="true">{HEAT_SYMBOLS[level]}'
             f'</span> {p.t("heat_" + level)}</span>')
    verbatim = getattr(measure, "verbatim", None)
    if verbatim not in (None, ""):
        line += f'<br><span class="verbatim">{escaped(verbatim)}</span>'
    return line


HEAT_SYMBOLS = {"met": "✓", "near": "≈", "far": "✗", "untargeted": "–", "off_scale": "!"}


# --- impact / ease matrix --------------------------------------------------------------


def _x(value: float) -> float:
    return LEFT + (value - LOW) / (HIGH - LOW) * (SVG_W - LEFT - RIGHT)


def _y(ease: float) -> float:
    return TOP + (HIGH - ease) / (HIGH - LOW) * (SVG_H - TOP - BOTTOM)


def _short(text: Any) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _matrix(p: Page) -> str:
    report = p.report
    w = weights(report.plan)
    help_text = p.t("matrix_help", value=p.num(w.value_threshold), ease=p.num(w.ease_threshold))
    if not report.priorities:
        return section("matrix", p, [f"<p>{p.t('no_scored')}</p>"])
    quadrants = p.d.list("quadrant")
    tv, te = w.value_threshold, w.ease_threshold
    left, right, top, bottom = _x(LOW), _x(HIGH), _y(HIGH), _y(LOW)
    cx, cy = _x(tv), _y(te)
    areas = {  # quadrant key → (x0, y0, x1, y1), and where its name goes
        "quick_win": ((cx, top, right, cy), (right - 6, top + 16, "end")),
        "major_project": ((cx, cy, right, bottom), (right - 6, bottom - 8, "end")),
        "fill_in": ((left, top, cx, cy), (left + 6, top + 16, "start")),
        "thankless": ((left, cy, cx, bottom), (left + 6, bottom - 8, "start")),
    }
    out = [
        f'<svg class="matrix" viewBox="0 0 {SVG_W} {SVG_H}" width="{SVG_W}" height="{SVG_H}" '
        'role="img" aria-labelledby="matrix-title matrix-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="matrix-title">{p.t("matrix")}</title>',
        f'<desc id="matrix-desc">{help_text}</desc>',
    ]
    for key, ((x0, y0, x1, y1), (lx, ly, anchor)) in areas.items():
        colour = quadrants.colour(key) or "#ffffff"
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(x1 - x0, 0):.1f}" '
                   f'height="{max(y1 - y0, 0):.1f}" fill="{escaped(colour)}" fill-opacity="0.45"/>')
        out.append(f'<text class="quadrant" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">'
                   f"{p.label('quadrant', key)}</text>")
    out.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
               f'height="{bottom - top:.1f}" fill="none" stroke="{MUTED}"/>')
    for tick in range(1, 6):
        x, y = _x(tick), _y(tick)
        out.append(f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{bottom + 5:.1f}" '
                   f'stroke="{MUTED}"/><text class="tick" x="{x:.1f}" y="{bottom + 18:.1f}" '
                   f'text-anchor="middle">{tick}</text>')
        out.append(f'<line x1="{left - 5:.1f}" y1="{y:.1f}" x2="{left:.1f}" y2="{y:.1f}" '
                   f'stroke="{MUTED}"/><text class="tick" x="{left - 9:.1f}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{tick}</text>')
    out.append(f'<line class="threshold" x1="{cx:.1f}" y1="{top:.1f}" x2="{cx:.1f}" '
               f'y2="{bottom:.1f}"/>')
    out.append(f'<line class="threshold" x1="{left:.1f}" y1="{cy:.1f}" x2="{right:.1f}" '
               f'y2="{cy:.1f}"/>')
    out.append(f'<text class="axis" x="{(left + right) / 2:.1f}" y="{SVG_H - 14}" '
               f'text-anchor="middle">{p.t("x_axis")}</text>')
    out.append(f'<text class="axis" transform="translate(18 {(top + bottom) / 2:.1f}) '
               f'rotate(-90)" text-anchor="middle">{p.t("y_axis")}</text>')
    groups: dict[tuple[float, float], list] = {}
    for priority in report.priorities:
        groups.setdefault((priority.value, priority.ease), []).append(priority)
    room = max(int((_y(1) - _y(2) - 6) // LINE), 2)
    taken: list[tuple[float, float, float, float]] = []  # label boxes already drawn
    for (value, ease), group in sorted(groups.items()):
        x, y = _x(value), _y(ease)
        tips = "\n".join(p.raw("matrix_point", id=g.id if g.id is not None else "",
                                title=g.title if g.title is not None else "",
                                value=p.num(g.value), ease=p.num(g.ease),
                                score=p.num(g.score),
                                quadrant=p.plain_label("quadrant", g.quadrant))
                         for g in group)
        names = [_short(g.id if g.id is not None else f"#{g.rank}") for g in group]
        if len(names) > room:
            names = names[: room - 1] + [f"+{len(group) - room + 1}"]
        anchor, lx, first_y = _label_place(x, y, names, value > HIGH - 0.6, ease < 1.6, taken)
        out.append(f'<g class="point"><title>{escaped(tips)}</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5"/>')
        for i, label in enumerate(names):
            ly = first_y + i * LINE
            out.append(f'<text class="label" x="{lx:.1f}" y="{ly:.1f}" '
                       f'text-anchor="{anchor}">{escaped(label)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return section("matrix", p, [f'<figure class="chart">{"".join(out)}'
                                  f'<figcaption class="help">{help_text}</figcaption></figure>'])


CHAR_W = 7.0  # px of a label's character, at the label's size (a generous average)


def _label_place(x: float, y: float, names: list[str], near_right: bool, near_bottom: bool,
                 taken: list[tuple[float, float, float, float]]) -> tuple[str, float, float]:
    """Where a point's labels go (anchor, x, first line's baseline): right of the point,
    else left, else above or below it, whichever overlaps no label drawn before; points a
    little apart never print "UC-0‹UC-01‹UC-015" over each other."""
    width = max(len(n) for n in names) * CHAR_W
    height = len(names) * LINE
    down = y + 4 if not near_bottom else y + 4 - (len(names) - 1) * LINE
    sides = [("start", x + 9, down), ("end", x - 9, down)]
    if near_right:
        sides.reverse()
    sides += [("middle", x, y - 10 - (len(names) - 1) * LINE), ("middle", x, y + 20)]
    sides += [("start", x + 9, down + k * LINE) for k in range(1, 8)]

    def box(anchor: str, lx: float, ly: float) -> tuple[float, float, float, float]:
        left = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
        return left, ly - LINE + 3, left + width, ly - LINE + 3 + height

    for anchor, lx, ly in sides:
        b = box(anchor, lx, ly)
        if not any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in taken):
            taken.append(b)
            return anchor, lx, ly
    anchor, lx, ly = sides[0]
    taken.append(box(anchor, lx, ly))
    return anchor, lx, ly


# --- priorities ------------------------------------------------------------------------


def _priorities(p: Page) -> str:
    report = p.report
    columns = p.d.tab("use_cases")

    def shown(key: str, figure: float) -> str:
        """As the workbook's column and the text report show it (score 18.2, never 18.24
        beside 18): the column's number format."""
        return p.number.fixed(figure, columns.column(key).number_format or "0.00")

    if not report.priorities:
        body = [f"<p>{p.t('no_scored')}</p>"]
    else:
        rows = "".join(
            "<tr>"
            f'<td class="num">{x.rank}</td><td class="id">{escaped(x.id)}</td><td>{escaped(x.title)}</td>'
            f'<td class="num">{shown("value", x.value)}</td>'
            f'<td class="num">{shown("ease", x.ease)}</td>'
            f'<td class="num"><strong>{shown("score", x.score)}</strong></td>'
            f'<td class="q-{css_class(x.quadrant)}">{p.label("quadrant", x.quadrant)}</td>'
            "</tr>"
            for x in report.priorities)
        head = "".join(f'<th scope="col">{p.t(k)}</th>'
                       for k in ("rank", "id", "use_case", "value", "ease", "score", "quadrant"))
        body = [f'<table class="grid priorities"><caption class="sr-only">{p.t("priorities")}'
                f"</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"]
    scored = {x.index for x in report.priorities}
    unscored = [u for i, u in enumerate(report.plan.use_cases) if i not in scored]
    if unscored:
        items = "".join(f'<li><span class="id">{escaped(u.id)}</span> {escaped(u.title)}</li>'
                        for u in unscored)
        body.append(f'<p>{p.t("unscored", n=len(unscored))}</p><ul class="plain">{items}</ul>')
    return section("priorities", p, body, "priorities_help")


# --- scenario map ----------------------------------------------------------------------


def _scenario_map(p: Page) -> str:
    plan = p.plan
    placements = [x for x in plan.placements if x.scenarios]
    if not placements:
        return section("scenario_map", p, [f"<p>{p.t('no_placements')}</p>"],
                        "scenario_map_help", wide=True)
    names = {normalise(s.id): s.name for s in plan.scenarios if s.id is not None}
    stages = axis(plan.lists.get("relationship_stage", ()),
                  (x.relationship_stage for x in placements))
    targets = axis(plan.lists.get("target", ()), (x.target for x in placements))
    cells: dict[tuple[str, str], list[str]] = {}
    for x in placements:
        cells.setdefault((normalise(x.relationship_stage), normalise(x.target)), []).extend(
            x.scenarios)
    head = "".join(f'<th scope="col">{p.label("relationship_stage", s)}</th>' for s in stages)
    rows = []
    for target in targets:
        tds = []
        for stage in stages:
            ids = cells.get((normalise(stage), normalise(target)), [])
            items = []
            for scenario_id in ids:
                if normalise(scenario_id) in names:
                    name = names[normalise(scenario_id)]
                    items.append(f'<li><span class="id">{escaped(scenario_id)}</span> {escaped(name)}</li>')
                else:
                    items.append(f'<li class="unknown"><span class="id">{escaped(scenario_id)}</span> '
                                 f'<em>({p.t("not_specified")})</em></li>')
            tds.append(f'<td><ul class="plain">{"".join(items)}</ul></td>' if items
                       else '<td class="empty"></td>')
        rows.append(f'<tr><th scope="row">{p.label("target", target)}</th>{"".join(tds)}</tr>')
    table = (f'<div class="scroll"><table class="map scenarios">'
             f'<caption class="sr-only">{p.t("scenario_map")}</caption>'
             f'<colgroup><col class="rowhead">{"<col>" * len(stages)}</colgroup>'
             f'<thead><tr><th scope="col" class="corner">{p.t("scenario_corner")}</th>{head}'
             f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    return section("scenario_map", p, [table], "scenario_map_help", wide=True)


# --- data roadmap ----------------------------------------------------------------------


def _roadmap(p: Page) -> str:
    entries = p.report.roadmap
    if not entries:
        return section("roadmap", p, [f"<p>{p.t('no_roadmap')}</p>"], "roadmap_help")
    rows = []
    for e in entries:
        variables = "".join(
            f'<li>{escaped(v)} <span class="muted">({p.label("availability", a)}'
            + (f', <strong>{p.t("consent")}</strong>' if v in e.consent else "") + ")</span></li>"
            for v, a in e.variables)
        waiting = "".join(
            f'<li><span class="id">{escaped(w.scenario)}</span> {escaped(w.name)}'
            + (f' <span class="muted">({p.t("rank_short", rank=w.best_rank)})</span>'
               if w.best_rank is not None else "") + "</li>"
            for w in e.scenarios)
        rows.append(
            f'<tr><th scope="row">{p.label("source", e.source)}</th>'
            f'<td class="num">{p.number.fixed(e.value, p.score_format)}</td>'
            f'<td class="num">{"—" if e.best_rank is None else e.best_rank}</td>'
            f'<td><ul class="plain">{variables}</ul></td>'
            f'<td><ul class="plain">{waiting}</ul></td></tr>')
    head = "".join(f'<th scope="col">{p.t(k)}</th>'
                   for k in ("source", "value_unblocked", "best_rank", "variables", "waiting"))
    return section("roadmap", p, [
        f'<table class="grid roadmap"><caption class="sr-only">{p.t("roadmap")}</caption>'
        f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>',
    ], "roadmap_help")


# --- findings --------------------------------------------------------------------------


def _about(f: Any, p: Page) -> str:
    """What the finding is about, under its place: "UC-003 — Difficulté de mise en œuvre"."""
    text = p.said.about(f)
    return f'<br><span class="muted">{escaped(text)}</span>' if text else ""


def _findings(p: Page) -> str:
    report = p.report
    if not report.findings:
        return section("findings", p, [f"<p>{p.t('no_findings')}</p>"], "findings_help")
    body = [f"<p>{p.t('findings_summary', **report.counts())}</p>"]
    head = "".join(f'<th scope="col">{p.t(k)}</th>' for k in ("where", "message", "code"))
    plural = {ERROR: "errors", WARNING: "warnings", INFO: "infos"}
    for severity in SEVERITIES:
        found = [f for f in report.findings if f.severity == severity]
        if not found:
            continue
        rows = "".join(
            f'<tr><td class="where">{escaped(f.where) or "—"}{_about(f, p)}</td>'
            f"<td>{escaped(p.said.message(f))}</td>"
            f'<td class="code"><code>{escaped(f.code)}</code></td></tr>'
            for f in found)
        body.append(
            f'<div class="group" id="findings-{severity}">'
            f'<h3><span class="sev sev-{severity}"><span aria-hidden="true">'
            f"{SEVERITY_SYMBOLS[severity]}</span> {p.t(plural[severity], n=len(found))}</span></h3>"
            f'<table class="grid findings"><caption class="sr-only">'
            f"{p.t(plural[severity], n=len(found))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")
    return section("findings", p, body, "findings_help")


# --- style -----------------------------------------------------------------------------


def _css(p: Page) -> str:
    colours = p.d.colours
    severities = "".join(f".sev-{s}{{background:{colours[s]}}}" for s in SEVERITIES
                         if s in colours)
    header = colours.get("header", "#1F3864")
    return base_css(p.d) + f"""
h1 .file{{font-weight:600}}
nav ol{{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;margin:.6rem 0 0;
list-style:none}}
nav a{{color:{header}}}
.big{{font-size:2.6rem;font-weight:700;color:{header};margin:.2rem 0}}
.cards{{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:12px;
padding:0;margin:0 0 .8rem;list-style:none}}
.card{{border:1px solid #c8c8c8;border-radius:6px;padding:10px 12px;display:flex;
flex-direction:column;gap:4px;break-inside:avoid}}
.card-value{{font-size:1.5rem;font-weight:700}}
.bar{{display:block;height:8px;background:#e6e6e6;border-radius:4px;overflow:hidden}}
.bar span{{display:block;height:100%;background:{header}}}
.id,.where,.code,thead th,td[class^="q-"]{{white-space:nowrap}}
table.findings td:nth-child(2){{width:65%}}
.id{{font-weight:600}}
table.map{{table-layout:fixed;font-size:.82rem;min-width:calc(7rem + var(--cols,6) * 7rem)}}
table.map col.rowhead{{width:7rem}}
table.map thead th,table.map .heat{{white-space:normal}}
table.map tbody th,table.map th.corner{{position:sticky;left:0;z-index:1}}
td.tp p{{margin:0 0 .3rem}}
td.tp .status{{font-size:.78rem;margin:0}}
.note{{font-weight:400;font-style:italic}}
.s-other{{background:#fff;outline:1px dashed #7f7f7f;outline-offset:-3px}}
{severities}
.legend{{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:0 0 .6rem}}
.legend ul{{display:flex;flex-wrap:wrap;gap:.4rem 1rem;list-style:none;margin:0;padding:0}}
.measures{{list-style:none;margin:.3rem 0 0;padding:.3rem 0 0;border-top:1px solid rgba(0,0,0,.25);
font-size:.76rem}}
.verbatim{{font-style:italic}}
li.unknown{{color:{INK}}}
.chart{{margin:0}}
svg.matrix{{max-width:100%;height:auto;font-family:inherit;display:block}}
svg .quadrant{{font-size:15px;font-weight:700;fill:{INK}}}
svg .tick{{font-size:13px;fill:{INK}}}
svg .axis{{font-size:14px;fill:{INK}}}
svg .threshold{{stroke:#404040;stroke-width:1.5;stroke-dasharray:6 4}}
svg .point circle{{fill:{header};stroke:#fff;stroke-width:1.5}}
svg .label{{font-size:13px;fill:{INK};paint-order:stroke;stroke:#fff;stroke-width:3px;
stroke-linejoin:round}}
.sev{{display:inline-block;padding:2px 10px;border-radius:4px;color:{INK}}}
table.findings td.code{{font-size:.8rem}}
{print_css("readiness", "figure,.card,.group h3{break-inside:avoid}",
           "svg.matrix{width:100%;max-height:165mm}")}"""
