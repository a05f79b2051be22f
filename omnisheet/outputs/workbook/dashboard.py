"""The Dashboard tab: readiness figures and native charts drawn from tables on the tab.

The chart data sits in plain tables to the right of the charts, so the figures can be
read, copied or re-charted by the team.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ...template.formatting import Formatter
from ...template.text import shorten
from .context import Context, quote_sheet
from .heatmap import write_evidence
from .trends import write_trends

if TYPE_CHECKING:
    from ...analysis.report import Report

MAX_LABELLED_POINTS = 150
DATA_COL = 14  # column O: the tables the charts read


def write_dashboard(ctx: Context, sheet: Any, report: Report) -> None:
    w = ctx.definition.words_for("dashboard", ctx.lang)
    d = ctx.definition
    name = sheet.get_name()
    title = ctx.fmt(bold=True, font_size=16, font_color=d.colours["header"])
    said = Formatter.of(d, ctx.lang)  # "38 %" in French, "38%" in English, as in the text
    big = ctx.fmt(bold=True, font_size=22, font_color=d.colours["header"],
                  num_format=said.sheet_percent(fraction=False))
    pct = ctx.fmt(num_format=said.sheet_percent(fraction=True), border=1,
                  border_color="#D9D9D9")
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 12)
    ctx.put(sheet, 0, 0, w["title"], title)
    sheet.set_row(0, 24)
    r = report.readiness
    ctx.put(sheet, 2, 0, w["readiness"], ctx.fmt(bold=True, font_size=12))
    if r.summary is not None:
        sheet.write_number(2, 1, r.summary, big)
    sheet.set_row(2, 30)
    ctx.put(sheet, 4, 0, w["figure"], ctx.header)
    ctx.put(sheet, 4, 1, w["value"], ctx.header)
    shares = r.shares
    counts = report.counts()
    rows: list[tuple[str, Any, Any]] = [
        (w["frictions"], shares["frictions_addressed"], pct),
        (w["opportunities"], shares["opportunities_addressed"], pct),
        (w["coverage"], shares["scenario_coverage"], pct),
        (w["data"], shares["data_available"], pct),
        (w["touchpoints"], len(report.plan.touchpoints), ctx.text),
        (w["use_cases"], f"{r.use_cases_scored} / {r.use_cases}", ctx.text),
        (w["scenarios"], len(report.plan.scenarios), ctx.text),
        (w["errors"], counts["error"], ctx.text),
        (w["warnings"], counts["warning"], ctx.text),
    ]
    for i, (label, value, fmt) in enumerate(rows, start=5):
        ctx.put(sheet, i, 0, label, ctx.text)
        ctx.put(sheet, i, 1, "—" if value is None else value, fmt)
    _top_ten(ctx, sheet, report, w, 16)

    tables = _Tables(ctx, sheet, name)
    charts = [
        _matrix_chart(ctx, tables, report, w),
        _stage_chart(ctx, tables, report, w),
        _relationship_chart(ctx, tables, report, w),
        _source_chart(ctx, tables, report, w),
    ]
    anchors = ["D3", "D25", "A47", "G47"]
    for chart, anchor in zip(charts, anchors, strict=True):
        if chart is not None:
            sheet.insert_chart(anchor, chart, {"x_scale": 1.35 if anchor[0] == "D" else 1.0,
                                               "y_scale": 1.45})
    sheet.set_column(2, DATA_COL - 2, 14)
    last = write_evidence(ctx, sheet, report, EVIDENCE_ROW)
    last, breaks = write_trends(ctx, sheet, report, last)  # survey measures, charted
    if getattr(report, "journeys", None) is not None and report.journeys.latest is not None:
        from .observed import observed_chart

        chart, table_end = observed_chart(ctx, name, sheet, report.journeys, last + 2)
        sheet.insert_chart(table_end, 0, chart, {"x_scale": 1.8, "y_scale": 1.4})
        breaks = [*breaks, last + 1]
        last = table_end + 22
    if last > EVIDENCE_ROW:  # the measures start a page of their own, heading and table
        sheet.set_h_pagebreaks([EVIDENCE_ROW, *breaks])
    sheet.print_area(0, 0, max(EVIDENCE_ROW - 2, last), DATA_COL - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


EVIDENCE_ROW = 70  # the measures' heat-map, below the charts


def _top_ten(ctx: Context, sheet: Any, report: Report, w: dict, row: int) -> None:
    """The ten first use cases by rank under the figures, inside the printed page."""
    score = ctx.definition.tab("use_cases").column("score").number_format or "0.0"
    score_fmt = ctx.fmt(num_format=score, border=1, border_color="#D9D9D9")
    ctx.put(sheet, row, 0, w["top"], ctx.fmt(bold=True, font_size=12))
    for col, head in enumerate(("use_case", "score", "quadrant")):
        ctx.put(sheet, row + 1, col, w[head], ctx.header)
    for i, priority in enumerate(report.priorities[:10], start=row + 2):
        title = f"{priority.rank}. {priority.id or ''} {priority.title or ''}".strip()
        ctx.put(sheet, i, 0, shorten(title, 38), ctx.text)  # one line each: the page holds
        ctx.put(sheet, i, 1, priority.score, score_fmt)
        ctx.put(sheet, i, 2, ctx.list_label("quadrant", priority.quadrant), ctx.text)


class _Tables:
    """Writes the charts' source tables one below the other, right of the charts."""

    def __init__(self, ctx: Context, sheet: Any, name: str) -> None:
        self.ctx, self.sheet, self.name, self.row = ctx, sheet, name, 0

    def add(self, headers: list[str], rows: list[list[Any]]) -> tuple[int, int]:
        """Write a table; returns its first data row and last data row (0-based)."""
        ctx, sheet = self.ctx, self.sheet
        for col, header in enumerate(headers):
            ctx.put(sheet, self.row, DATA_COL + col, header, ctx.subheader)
            sheet.set_column(DATA_COL + col, DATA_COL + col, 14)
        first = self.row + 1
        for i, row in enumerate(rows):
            for col, value in enumerate(row):
                ctx.put(sheet, first + i, DATA_COL + col, value)
        last = first + max(len(rows), 1) - 1
        self.row = last + 3
        return first, last

    def ref(self, col: int, first: int, last: int) -> list:
        return [self.name, first, DATA_COL + col, last, DATA_COL + col]


MAX_LABELLED_SPOTS = 60  # series with a label each; Excel allows 255 per chart


def _matrix_chart(ctx: Context, tables: _Tables, report: Report, w: dict) -> Any:
    """Each scored use case where its value and ease put it, labelled with its ID (use cases
    on the same spot share one label), the thresholds dashed, each quadrant named. Labels
    are series names, which Excel and LibreOffice both draw."""
    from ...analysis.scoring import weights

    spots: dict[tuple[float, float], list[str]] = {}
    for p in report.priorities[:MAX_LABELLED_POINTS]:
        spots.setdefault((p.value, p.ease), []).append(str(p.id or "?"))
    rows = [[", ".join(ids), x, y] for (x, y), ids in spots.items()]
    first, last = tables.add([w["id"], w["x"], w["y"]], rows or [[None, None, None]])
    chart = ctx.workbook.add_chart({"type": "scatter"})
    marker = {"type": "circle", "size": 8, "fill": {"color": ctx.definition.colours["header"]},
              "border": {"none": True}}
    sides = _label_sides(rows)
    for i in range(len(rows)):
        labelled = i < MAX_LABELLED_SPOTS
        chart.add_series({
            "name": tables.ref(0, first + i, first + i)[:3],
            "categories": tables.ref(1, first + i, first + i),
            "values": tables.ref(2, first + i, first + i), "marker": marker,
            "data_labels": {"series_name": True, "position": sides[i],
                            "font": {"size": 8}} if labelled else None,
        })
    settings = weights(report.plan)
    tv, te = settings.value_threshold, settings.ease_threshold
    line_rows = [[w["threshold"] + " x", tv, 1], [None, tv, 5],
                 [w["threshold"] + " y", 1, te], [None, 5, te]]
    lfirst, _ = tables.add(["", "x", "y"], line_rows)
    for offset in (0, 2):
        chart.add_series({
            "name": w["threshold"],
            "categories": tables.ref(1, lfirst + offset, lfirst + offset + 1),
            "values": tables.ref(2, lfirst + offset, lfirst + offset + 1),
            "line": {"color": "#7F7F7F", "dash_type": "dash", "width": 1.25},
            "marker": {"type": "none"},
        })
    quadrants = ctx.definition.list("quadrant")
    middle = {"high": lambda t: (t + 5) / 2, "low": lambda t: (1 + t) / 2}
    where = {"quick_win": ("high", "high"), "major_project": ("high", "low"),
             "fill_in": ("low", "high"), "thankless": ("low", "low")}
    quadrant_rows = [[quadrants.label(key, ctx.lang), middle[x](tv), middle[y](te) + 0.3]
                     for key, (x, y) in where.items()]
    qfirst, _ = tables.add([w["quadrant"], "x", "y"], quadrant_rows)
    for i in range(len(quadrant_rows)):
        chart.add_series({
            "name": tables.ref(0, qfirst + i, qfirst + i)[:3],
            "categories": tables.ref(1, qfirst + i, qfirst + i),
            "values": tables.ref(2, qfirst + i, qfirst + i), "marker": {"type": "none"},
            "data_labels": {"series_name": True, "position": "center",
                            "font": {"size": 11, "bold": True, "color": "#A6A6A6"}},
        })
    chart.set_title({"name": w["matrix"]})
    chart.set_x_axis({"name": w["x"], "min": 1, "max": 5, "major_unit": 1})
    chart.set_y_axis({"name": w["y"], "min": 1, "max": 5, "major_unit": 1})
    chart.set_legend({"none": True})
    return chart


#: A label's size in the matrix's units (the chart spans 4 points of value and of ease):
#: a character of an 8-point label, and a line.
_CHAR, _LINE = 0.045, 0.12


def _label_sides(rows: list[list[Any]]) -> list[str]:
    """Where each spot's label goes (right, left, above, below): the first side whose box
    overlaps no label placed before, so spots a little apart do not print their IDs over
    each other."""
    taken: list[tuple[float, float, float, float]] = []
    sides = []
    for label, x, y in rows:
        width = len(str(label)) * _CHAR
        boxes = {"right": (x + 0.06, y - _LINE / 2, x + 0.06 + width, y + _LINE / 2),
                 "left": (x - 0.06 - width, y - _LINE / 2, x - 0.06, y + _LINE / 2),
                 "above": (x - width / 2, y + _LINE * 0.6, x + width / 2, y + _LINE * 1.6),
                 "below": (x - width / 2, y - _LINE * 1.6, x + width / 2, y - _LINE * 0.6)}
        order = ["left", "right", "above", "below"] if x > 4.4 else list(boxes)
        side = next((s for s in order if not any(
            boxes[s][0] < o[2] and o[0] < boxes[s][2] and boxes[s][1] < o[3]
            and o[1] < boxes[s][3] for o in taken)), order[0])
        taken.append(boxes[side])
        sides.append(side)
    return sides


def _stacked(ctx: Context, tables: _Tables, title: str, category_head: str,
             categories: list[Any], series: list[tuple[str, str | None, list[int]]],
             kind: str = "bar") -> Any:
    headers = [category_head] + [name for name, _, _ in series]
    rows = [[category] + [values[i] for _, _, values in series]
            for i, category in enumerate(categories)]
    first, last = tables.add(headers, rows or [[None] * len(headers)])
    chart = ctx.workbook.add_chart({"type": kind, "subtype": "stacked"})
    for col, (name, colour, _) in enumerate(series, start=1):
        options: dict[str, Any] = {"name": name, "categories": tables.ref(0, first, last),
                                   "values": tables.ref(col, first, last), "gap": 60}
        if colour:
            options["fill"] = {"color": colour}
            options["border"] = {"color": "#7F7F7F"}
        chart.add_series(options)
    chart.set_title({"name": title})
    chart.set_legend({"position": "bottom"})
    # Counts: whole steps on the value axis (LibreOffice otherwise picks 0.5 for small ones)
    most = max((sum(values[i] for _, _, values in series) for i in range(len(categories))),
               default=0)
    counts = {"min": 0, "major_unit": max(1, -(-most // 10)), "num_format": "0"}
    if kind == "bar":
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis(counts)
    else:
        chart.set_y_axis(counts)
    return chart


def _stage_chart(ctx: Context, tables: _Tables, report: Report, w: dict) -> Any:
    listed = ctx.definition.list("touchpoint_status")
    by_stage = report.readiness.by_stage
    stages = list(by_stage)
    series = [(v.labels[ctx.lang], v.colour, [by_stage[s][v.key] for s in stages])
              for v in listed.values]
    return _stacked(ctx, tables, w["by_stage"], w["stage"],
                    [ctx.list_label("stage", s) for s in stages], series)


def _relationship_chart(ctx: Context, tables: _Tables, report: Report, w: dict) -> Any:
    plan = report.plan
    stages = list(plan.lists.get("relationship_stage", ()))
    programmes = list(plan.lists.get("programme", ()))
    counts = Counter((s.relationship_stage, s.programme) for s in plan.scenarios)
    for stage, programme in counts:
        if stage not in stages:
            stages.append(stage)
        if programme not in programmes:
            programmes.append(programme)
    palette = ["#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478"]
    series = [(str(ctx.list_label("programme", p) if p is not None else w["none"]),
               palette[i % len(palette)], [counts[(s, p)] for s in stages])
              for i, p in enumerate(programmes)]
    labels = [ctx.list_label("relationship_stage", s) if s is not None else w["none"]
              for s in stages]
    return _stacked(ctx, tables, w["by_rel"], w["stage"], labels, series, kind="column")


def _source_chart(ctx: Context, tables: _Tables, report: Report, w: dict) -> Any:
    plan = report.plan
    listed = ctx.definition.list("availability")
    sources = list(dict.fromkeys(n.source for n in plan.data_needs))
    counts = Counter((n.source, n.availability) for n in plan.data_needs)
    colours = {"available": "#A9D18E", "to_integrate": "#FFE699", "to_collect": "#F4B183"}
    series = [(v.labels[ctx.lang], colours.get(v.key), [counts[(s, v.key)] for s in sources])
              for v in listed.values]
    no_source = ctx.definition.words_for("common", ctx.lang)["no_source"]
    labels = [ctx.list_label("source", s) if s is not None else no_source for s in sources]
    return _stacked(ctx, tables, w["by_source"], w["source"], labels, series)


__all__ = ["write_dashboard", "quote_sheet"]
