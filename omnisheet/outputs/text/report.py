"""The one-screen text report: summary, top priorities, data roadmap, findings by tab."""

from __future__ import annotations

from collections.abc import Callable

from ...analysis.report import Report
from ...template.formatting import Formatter
from ...template.severity import RANK
from ...template.text import shorten
from ..json.report import findings_json, report_json
from ..messages import Messages

COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
SEVERITY_WORDS = {"error": "errors", "warning": "warnings", "info": "infos"}
TITLE_WIDTH = 60


def render_text(report: Report, lang: str | None = None, top: int = 10,
                style: Callable[..., str] | None = None, per_tab: int = 50) -> str:
    """The report as text; `style` (click.style) colours it on a terminal. Each tab lists
    at most `per_tab` findings (0: all), errors first: a plan with 40,000 findings would
    scroll a terminal for minutes, and the checked workbook and the JSON hold them all."""
    lang = lang or report.lang
    d = report.definition
    w = d.words_for("text_report", lang)
    severity_word = d.words_for("severity", lang)
    common = d.words_for("common", lang)
    no_source, colon = common["no_source"], common["colon"]
    number = Formatter.of(d, lang)

    # Scores as the workbook's score column shows them, so the column lines up.
    score_format = d.tab("use_cases").column("score").number_format or "0.00"

    def pct(value: float | None) -> str:
        return "—" if value is None else number.percent(value, 0)

    paint = style or (lambda text, **_: text)
    data = report_json(report, lang, findings=False)
    summary = data["summary"]
    counts, objects, ready = summary["findings"], summary["objects"], summary["readiness"]
    shares, tally = ready["shares"], ready["counts"]
    lines = [
        paint(f"{w['plan']}{colon}{report.file or '-'}", bold=True),
        "  " + w["objects"].format(scored=objects["use_cases_scored"], **objects),
        "  " + ", ".join([
            paint(w["errors"].counted(number.count(counts["error"])),
                  fg=COLOURS["error"] if counts["error"] else None),
            paint(w["warnings"].counted(number.count(counts["warning"])),
                  fg=COLOURS["warning"] if counts["warning"] else None),
            w["infos"].counted(number.count(counts["info"])),
        ]),
        "",
        paint(f"{w['readiness']}{colon}"
              f"{'—' if ready['summary'] is None else number.points(ready['summary'])}",
              bold=True),
        f"  {w['frictions']}{colon}{pct(shares['frictions_addressed'])} "
        f"({tally['frictions_addressed']}/{tally['frictions']}) · {w['opportunities']}{colon}"
        f"{pct(shares['opportunities_addressed'])} "
        f"({tally['opportunities_addressed']}/{tally['opportunities']})",
        f"  {w['coverage']}{colon}{pct(shares['scenario_coverage'])} "
        f"({tally['scenario_cells_covered']}/{tally['scenario_cells']}) · "
        f"{w['data']}{colon}{pct(shares['data_available'])} "
        f"({tally['data_available']}/{tally['data_needs']})",
    ]
    if data["priorities"]:
        lines += ["", paint(f"{w['top']} (top {min(top, len(data['priorities']))})", bold=True)]
        for p in data["priorities"][:top]:
            title = shorten(str(p["title"] or ""), TITLE_WIDTH)
            lines.append(f"  {p['rank']:>3}. {str(p['id'] or ''):<8} "
                         f"{number.fixed(p['score'], score_format):>6}  {p['quadrant']:<14} {title}")
    if data["data_roadmap"]:
        lines += ["", paint(w["roadmap"], bold=True)]
        for entry in data["data_roadmap"]:
            scenarios = ", ".join(str(s["id"]) for s in entry["scenarios"]) or "—"
            lines.append(f"  {entry['source'] or no_source} — {w['unblocks']} "
                         f"{number.fixed(entry['value_unblocked'], score_format)} · "
                         f"{w['variables'].format(n=len(entry['variables']))} {scenarios}")
            for variable in entry["variables"][:5]:
                consent = f", {w['consent']}" if variable.get("consent") else ""
                lines.append(f"      - {variable['variable']} ({variable['availability']}{consent})")
            if len(entry["variables"]) > 5:
                lines.append(f"      … +{len(entry['variables']) - 5}")
    lines += ["", paint(w["findings"], bold=True)]
    if not report.findings:
        lines.append("  " + w["none"])
    width = max(len(word) for word in severity_word.values())
    said = Messages(d, lang)
    # Tab by tab in the template's order; within a tab, errors first (the report's order).
    by_sheet: dict[str | None, list] = {report.plan.sheet(t.key): [] for t in d.tabs}
    for finding in report.findings:
        by_sheet.setdefault(finding.sheet, []).append(finding)
    by_sheet = {sheet: found for sheet, found in by_sheet.items() if found}
    for sheet, found in by_sheet.items():
        lines.append(paint(f"  {sheet or '-'}", underline=True))
        shown, hidden = _within(found, per_tab)
        for finding in findings_json(shown, said):  # in words: only those said here
            where = f"{sheet}!{finding['cell']}" if finding["cell"] else (sheet or "")
            severity = paint(f"{severity_word[finding['severity']]:<{width}}",
                             fg=COLOURS[finding["severity"]])
            lines.append(f"    {severity} {where:<28} {finding['message']}  [{finding['code']}]")
        if hidden:
            detail = ", ".join(w[SEVERITY_WORDS[severity]].counted(n)
                               for severity, n in hidden.items())
            lines.append("    " + w["more_findings"].format(n=sum(hidden.values()),
                                                             detail=detail))
    return "\n".join(lines)


def _within(found: list, limit: int) -> tuple[list, dict[str, int]]:
    """The findings to list, in their order, errors kept before warnings before info; and
    how many of each severity are left out."""
    if not limit or len(found) <= limit:
        return found, {}
    ranked = sorted(range(len(found)), key=lambda i: (RANK[found[i].severity], i))
    keep = set(ranked[:limit])
    hidden = {severity: 0 for severity in RANK}
    for i in ranked[limit:]:
        hidden[found[i].severity] += 1
    return [f for i, f in enumerate(found) if i in keep], {s: n for s, n in hidden.items() if n}
