"""The portfolio as one self-contained HTML page, by the single plan's report's rules.

Nothing is fetched (no script, font, image or stylesheet; the same Content-Security-
Policy), every value typed by a team is escaped, every word comes from the language
files, and the page prints to PDF: one section per page, the journey grid in landscape,
colours kept. Each plan's name links to its own report, written beside the page.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..analysis.measures import TOLERANCE
from ..outputs.html.page import (
    STATUS_SYMBOLS,
    base_css,
    css_class,
    document,
    escaped,
    print_css,
    section,
)
from ..template.definition import Definition
from .compare import GridCell, Portfolio
from .summary import PlanSummary
from .words import Words

SECTIONS = ("plans", "journey_grid", "use_cases", "data_sources", "measures", "differences")
FIGURE_KEYS = ("frictions_addressed", "opportunities_addressed", "scenario_coverage",
               "data_available")
HEAT_SYMBOLS = {"met": "✓", "near": "≈", "far": "✗", "untargeted": "–"}


class _Page:
    def __init__(self, portfolio: Portfolio, definition: Definition, folder: Path | None):
        self.portfolio, self.d = portfolio, definition
        self.w = Words(definition, portfolio.language)
        self.folder = folder

    def t(self, key: str, **fields: Any) -> str:
        """A word of the portfolio (escaped), its {fields} filled (escaped by the caller
        when they are markup)."""
        return escaped(self.w.say(key, **fields) if fields else self.w[key])

    def link(self, plan: PlanSummary) -> str:
        """The plan's name, a link to its own report when there is one."""
        report = plan.outputs.get("report")
        if not report or self.folder is None:
            return f'<span class="plan">{escaped(plan.name)}</span>'
        target = os.path.relpath(report, self.folder).replace(os.sep, "/")
        return f'<a class="plan" href="{escaped(quote(target))}">{escaped(plan.name)}</a>'


def render_portfolio_html(portfolio: Portfolio, definition: Definition, *,
                          folder: Path | None = None, today: dt.date | None = None) -> str:
    """The whole page (a string). `folder` is where the page will be, for the links to
    each plan's report."""
    from .. import __version__

    p = _Page(portfolio, definition, folder)
    lang = portfolio.language
    date = p.w.number.date(today or dt.date.today())
    sections = [_plans(p), _journey_grid(p), _use_cases(p), _sources(p), _measures(p),
                _differences(p)]
    return document(
        lang=lang, title=p.w["page_title"], css=_css(definition), heading=p.t("page_title"),
        generated=p.t("generated", n=len(portfolio.plans), date=date, version=__version__),
        contents=p.t("contents"), nav=[(key, p.t("section_" + key)) for key in SECTIONS],
        sections=sections)


def write_portfolio_html(portfolio: Portfolio, definition: Definition, path: str | Path) -> Path:
    """Write the page to `path`, whole or not at all."""
    from ..outputs.atomic import atomic_output

    path = Path(path)
    page = render_portfolio_html(portfolio, definition, folder=path.parent)
    with atomic_output(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def _section(key: str, p: _Page, body: Iterable[str], wide: bool = False) -> str:
    """A section of the portfolio page: its words are section_<key> and help_<key>."""
    return section(key, p, body, f"help_{key}", wide, title_key=f"section_{key}")


def _table(caption: str, head: Iterable[str], rows: Iterable[str], css: str) -> str:
    heads = "".join(f'<th scope="col">{h}</th>' for h in head)
    return (f'<table class="grid {css}"><caption class="sr-only">{caption}</caption>'
            f'<thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


# --- readiness per plan and per figure ----------------------------------------------------


def _plans(p: _Page) -> str:
    portfolio, w = p.portfolio, p.w
    body = []
    if portfolio.plans:
        rows = []
        for plan in portfolio.by_readiness():
            score = plan.readiness
            width = 0 if score is None else round(score)
            cells = [f'<th scope="row">{p.link(plan)}</th>',
                     f'<td class="num"><strong>{escaped(w.figure("readiness", score))}</strong>'
                     f'<span class="bar" aria-hidden="true"><span style="width:{width}%">'
                     "</span></span></td>"]
            for key in FIGURE_KEYS:
                cells.append(f'<td class="num">{escaped(w.figure(key, plan.shares.get(key)))}</td>')
            cells.append(f'<td class="num">{w.count(plan.findings.get("error", 0))}</td>')
            cells.append(f'<td class="num">{w.count(plan.findings.get("warning", 0))}</td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
        head = [p.t("plan"), p.t("figure_readiness"),
                *(p.t("figure_" + k) for k in FIGURE_KEYS), p.t("errors_head"),
                p.t("warnings_head")]
        body.append(_table(p.t("section_plans"), head, rows, "plans"))
        body.append(f"<h3>{p.t('per_figure')}</h3>")
        rows = []
        for figure in portfolio.figures:
            if not figure.known:
                rows.append(f'<tr><th scope="row">{p.t("figure_" + figure.figure)}</th>'
                            f'<td colspan="4">{p.t("not_computable")}</td></tr>')
                continue
            rows.append(
                f'<tr><th scope="row">{p.t("figure_" + figure.figure)}</th>'
                f'<td class="num">{escaped(w.figure(figure.figure, figure.lowest))}</td>'
                f'<td class="num">{escaped(w.figure(figure.figure, figure.median))}</td>'
                f'<td class="num">{escaped(w.figure(figure.figure, figure.highest))}</td>'
                f"<td>{escaped(w.names(figure.lowest_plans))}</td></tr>")
        body.append(_table(p.t("per_figure"),
                           [p.t("figure"), p.t("lowest"), p.t("median"), p.t("highest"),
                            p.t("lowest_plans")], rows, "figures"))
    else:
        body.append(f"<p>{p.t('no_plan_read')}</p>")
    if portfolio.unread:
        items = "".join(f'<li><span class="file">{escaped(u.file)}</span>: {escaped(u.message)}</li>'
                        for u in portfolio.unread)
        body.append(f'<h3>{p.t("unread_title", n=len(portfolio.unread))}</h3>'
                    f'<ul class="unread">{items}</ul>')
    outputs = [s for s in portfolio.skipped if s.reason == "omnisheet_output"]
    if outputs:
        items = "".join(f'<li class="file">{escaped(s.path)}</li>' for s in outputs)
        body.append(f'<p>{p.t("left_out_title", n=len(outputs))}</p>'
                    f'<ul class="plain muted">{items}</ul>')
    if portfolio.open_elsewhere:
        body.append(f'<p>{p.t("open_elsewhere", names=w.names(portfolio.open_elsewhere))}</p>')
    return _section("plans", p, body)


# --- stage × channel grid --------------------------------------------------------------------


def _journey_grid(p: _Page) -> str:
    grid, w = p.portfolio.grid, p.w
    if not grid.cells:
        return _section("journey_grid", p, [f"<p>{p.t('no_touchpoints')}</p>"], wide=True)
    head = "".join(f'<th scope="col">{escaped(w.value("stage", s))}</th>' for s in grid.stages)
    rows = []
    for channel in grid.channels:
        cells = []
        for stage in grid.stages:
            cell = grid.cell(stage, channel)
            cells.append(_grid_cell(p, cell) if cell else '<td class="empty"></td>')
        rows.append(f'<tr><th scope="row">{escaped(w.value("channel", channel))}</th>'
                    f'{"".join(cells)}</tr>')
    legend = (f'<p class="legend"><span class="swatch s-friction">'
              f'<span aria-hidden="true">{STATUS_SYMBOLS["friction"]}</span> '
              f'{p.t("legend_friction")}</span> <span class="swatch s-opportunity">'
              f'<span aria-hidden="true">{STATUS_SYMBOLS["opportunity"]}</span> '
              f'{p.t("legend_opportunity")}</span></p>')
    table = (f'<div class="scroll"><table class="map" style="--cols:{len(grid.stages)}">'
             f'<caption class="sr-only">{p.t("section_journey_grid")}</caption>'
             f'<colgroup><col class="rowhead">{"<col>" * len(grid.stages)}</colgroup>'
             f'<thead><tr><th scope="col" class="corner">{p.t("corner")}</th>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table></div>')
    body = [legend, table]
    recurring = grid.recurring("friction")
    if recurring:
        items = "".join(
            f"<li><strong>{escaped(w.touchpoint(c.stage, c.channel))}</strong> — "
            f"{p.t('friction_in_plans', n=len(c.friction), of=c.possible or len(c.plans))} "
            f'<span class="muted">({escaped(w.names(c.friction, 12))})</span></li>'
            for c in recurring[:10])
        body.append(f"<h3>{p.t('shared_frictions')}</h3><ol class=\"shared\">{items}</ol>")
    return _section("journey_grid", p, body, wide=True)


def _grid_cell(p: _Page, cell: GridCell) -> str:
    of = max(cell.possible, len(cell.plans), 1)
    frictions, opportunities = len(cell.friction), len(cell.opportunity)
    lines = []
    if frictions:
        lines.append(f'<span class="count"><span aria-hidden="true">{STATUS_SYMBOLS["friction"]}'
                     f"</span> {p.t('count_of', n=frictions, of=of)}</span>")
    if opportunities:
        lines.append(f'<span class="count"><span aria-hidden="true">'
                     f'{STATUS_SYMBOLS["opportunity"]}</span> '
                     f"{p.t('count_of', n=opportunities, of=of)}</span>")
    lines.append(f'<span class="muted small">{p.t("described_in", n=len(cell.plans))}</span>')
    status, share = ("friction", frictions / of) if frictions else (
        ("opportunity", opportunities / of) if opportunities else (None, 0.0))
    style = ""
    if status is not None:
        colour = p.d.list("touchpoint_status").colour(status) or "#ffffff"
        style = f' style="background:{_tint(colour, 0.25 + 0.75 * share)}"'
    title = "; ".join(filter(None, [
        p.w.say("friction_list", plans=", ".join(cell.friction)) if frictions else "",
        p.w.say("opportunity_list", plans=", ".join(cell.opportunity)) if opportunities else ""]))
    return (f'<td class="tp"{style} title="{escaped(title)}">{"<br>".join(lines)}</td>')


def _tint(colour: str, strength: float) -> str:
    """`colour` mixed with white: 0 is white, 1 the colour itself."""
    colour = colour.lstrip("#")
    rgb = [int(colour[i:i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(255 + (c - 255) * max(0.0, min(strength, 1.0))) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


# --- recurring use cases ---------------------------------------------------------------------


def _use_cases(p: _Page) -> str:
    w = p.w
    if not p.portfolio.use_cases:
        return _section("use_cases", p, [f"<p>{p.t('no_shared_use_cases')}</p>"])
    rows = []
    for u in p.portfolio.use_cases:
        items = "".join(
            f'<li><span class="plan">{escaped(x.plan)}</span> <span class="id">{escaped(x.id)}</span> '
            + (f"{p.t('score_rank', score=w.score(x.score), rank=x.rank)}"
               if x.score is not None else f'<span class="muted">{p.t("unscored")}</span>')
            + (f' <span class="q-{css_class(x.quadrant)}">'
               f'{escaped(w.d.list("quadrant").label(x.quadrant, w.lang))}</span>'
               if x.quadrant else "") + "</li>"
            for x in u.plans)
        rows.append(
            f"<tr><td>{escaped(u.title)}</td><td>{escaped(w.value('category', u.category))}</td>"
            f"<td>{escaped(w.touchpoint(u.stage, u.channel))}</td>"
            f'<td class="num">{w.count(len(u.plan_names))}</td>'
            f'<td class="num">{escaped(w.score(u.mean_score))}</td>'
            f'<td><ul class="plain">{items}</ul></td></tr>')
    head = [p.t("use_case"), p.t("category"), p.t("touchpoint_head"), p.t("plans_head"),
            p.t("mean_score"), p.t("in_each_plan")]
    return _section("use_cases", p, [_table(p.t("section_use_cases"), head, rows, "use-cases")])


# --- blocking data sources -------------------------------------------------------------------


def _sources(p: _Page) -> str:
    w = p.w
    if not p.portfolio.sources:
        return _section("data_sources", p, [f"<p>{p.t('no_sources')}</p>"])
    rows = []
    for s in p.portfolio.sources:
        items = "".join(
            f'<li><span class="plan">{escaped(x.plan)}</span> '
            f"{p.t('source_in_plan', value=w.score(x.value), variables=x.variables, scenarios=x.scenarios)}"
            "</li>" for x in s.plans)
        rows.append(f'<tr><th scope="row">{escaped(w.value("source", s.source))}</th>'
                    f'<td class="num">{w.count(len(s.plans))}</td>'
                    f'<td class="num"><strong>{escaped(w.score(s.value))}</strong></td>'
                    f'<td><ul class="plain">{items}</ul></td></tr>')
    head = [p.t("source"), p.t("plans_head"), p.t("value_unblocked"), p.t("in_each_plan")]
    return _section("data_sources", p,
                    [_table(p.t("section_data_sources"), head, rows, "sources")])


# --- measures --------------------------------------------------------------------------------


def _heat(gap: float | None) -> str:
    if gap is None:
        return "untargeted"
    return "met" if gap == 0 else ("near" if gap <= TOLERANCE else "far")


def _measures(p: _Page) -> str:
    w = p.w
    if not p.portfolio.measures:
        return _section("measures", p, [f"<p>{p.t('no_measures')}</p>"])
    rows = []
    for m in p.portfolio.measures:
        items = []
        for x in m.plans:
            level = _heat(x.gap)
            value = "—" if x.rating is None else w.number.number(x.rating, 0)
            bits = [f'<span class="plan">{escaped(x.plan)}</span> {p.t("rated", score=value)}']
            if x.target is not None:
                bits.append(p.t("raw_target", value=_shown(w, x.value),
                                target=_shown(w, x.target)))
            else:
                bits.append(p.t("raw_value", value=_shown(w, x.value)))
            if x.period not in (None, ""):
                bits.append(escaped(x.period))
            heat = (f' <span class="heat h-{level}"><span aria-hidden="true">'
                    f'{HEAT_SYMBOLS[level]}</span> {escaped(w.report_text("heat_" + level))}</span>')
            items.append("<li>" + " · ".join(bits) + heat + "</li>")
        rows.append(f"<tr><td>{escaped(w.touchpoint(m.stage, m.channel))}</td>"
                    f"<td>{escaped(w.value('indicator', m.indicator))}</td>"
                    f'<td class="num">{w.count(len(m.plan_names))}</td>'
                    f'<td><ul class="plain">{"".join(items)}</ul></td></tr>')
    head = [p.t("touchpoint_head"), p.t("indicator"), p.t("plans_head"), p.t("in_each_plan")]
    return _section("measures", p, [_table(p.t("section_measures"), head, rows, "measures")])


def _shown(w: Words, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return w.number.number(value)
    return "—" if value is None else str(value)


# --- list differences ------------------------------------------------------------------------


def _differences(p: _Page) -> str:
    w = p.w
    if not p.portfolio.differences:
        return _section("differences", p, [f"<p>{p.t('no_differences')}</p>"])
    rows = []
    for d in p.portfolio.differences:
        instead = "" if d.in_place_of is None else escaped(w.value(d.list, d.in_place_of))
        rows.append(f"<tr><td>{p.t('list_' + d.list)}</td>"
                    f"<td><strong>{escaped(w.value(d.list, d.value))}</strong></td>"
                    f"<td>{escaped(', '.join(d.present))}</td><td>{escaped(', '.join(d.absent))}</td>"
                    f"<td>{instead}</td></tr>")
    head = [p.t("list_head"), p.t("value_head"), p.t("in_plans"), p.t("not_in_plans"),
            p.t("in_place_of_head")]
    return _section("differences", p,
                    [_table(p.t("section_differences"), head, rows, "differences")])


# --- style -----------------------------------------------------------------------------------


def _css(d: Definition) -> str:
    header = d.colours.get("header", "#1F3864")
    return base_css(d) + f"""
.small{{font-size:.85em}}
nav ol{{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;margin:.6rem 0 0;list-style:none}}
nav a,a.plan{{color:{header}}}
.id,.plan{{font-weight:600}}
table.plans th[scope="row"],.plan,.id{{white-space:nowrap}}
table.use-cases td:last-child,table.sources td:last-child,table.measures td:last-child{{width:42%}}
ol.shared{{columns:2;column-gap:2rem;padding-left:1.5rem;font-size:.9rem}}
ol.shared li{{break-inside:avoid}}
.bar{{display:block;height:6px;margin-top:3px;background:#e6e6e6;border-radius:3px;
overflow:hidden;min-width:5rem}}
.bar span{{display:block;height:100%;background:{header}}}
table.map{{table-layout:fixed;font-size:.82rem;min-width:calc(8rem + var(--cols,6) * 7rem)}}
table.map col.rowhead{{width:8rem}}
.count{{font-weight:700;white-space:nowrap}}
.legend{{display:flex;flex-wrap:wrap;gap:.5rem 1rem}}
[class^="q-"]{{padding:0 .3rem;border-radius:3px;white-space:nowrap}}
{print_css("plans")}"""
