"""What every section of an HTML page needs: escaping, the page's words and number format
in its language, a section's frame, and the colours and symbols every fill shares. The
plan's report, its sections in their own modules, and the portfolio page build on it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from ...analysis.measures import Evidence
from ...plan.model import ERROR, INFO, WARNING, Scalar
from ...template.formatting import Formatter
from ..messages import Messages

if TYPE_CHECKING:
    from ...analysis.report import Report

#: Text colour on every fill (status, quadrant, severity); tests check its contrast.
INK = "#1a1a1a"
#: Secondary text, on white only.
MUTED = "#595959"
#: Shown with the status word, so the map does not rely on colour alone.
STATUS_SYMBOLS = {"normal": "●", "friction": "▲", "opportunity": "★"}
OTHER_SYMBOL = "○"
SEVERITY_SYMBOLS = {ERROR: "✖", WARNING: "▲", INFO: "ℹ"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
def escaped(value: Any) -> str:
    """Any value as escaped HTML text (attribute-safe too)."""
    return escape("" if value is None else str(value), quote=True)


def css_class(key: Any) -> str:
    return re.sub(r"[^a-z0-9_-]", "", str(key).lower()) or "x"


class Page:
    """What every section needs: the report, the language, its words and number format."""

    def __init__(self, report: Report, lang: str) -> None:
        self.report, self.plan, self.lang = report, report.plan, lang
        self.d = report.definition
        self.number = Formatter.of(self.d, lang)
        self.said = Messages(self.d, lang)  # the findings in words
        # each measure as the report assessed it (once, for the scores and the checks too)
        evidence = report.evidence or Evidence(report.plan, self.d)
        self.assessed = {id(a.measure): a for a in evidence.assessed}
        self.score_format = self.d.tab("use_cases").column("score").number_format or "0.00"

    def t(self, key: str, **values: Any) -> str:
        """A word of the report (escaped), with its placeholders filled."""
        text = self.d.text(key, self.lang)
        return escaped(text.format(**values) if values else text)

    def raw(self, key: str, **values: Any) -> str:
        text = self.d.text(key, self.lang)
        return text.format(**values) if values else text

    def num(self, value: Any, places: int | None = None) -> str:
        """3.5 → "3,5" in French; integers without decimals; None → a dash."""
        if value is None or isinstance(value, bool):
            return "—"
        if not isinstance(value, int | float):
            return str(value)
        return self.number.number(value, places)

    def pct(self, share: float | None) -> str:
        if share is None:
            return self.t("not_computable")
        return escaped(self.number.percent(share, 0))

    def plain_label(self, list_key: str, value: Scalar) -> str:
        """A list value in the page's language (a team's own value as typed), as text."""
        if value is None:
            return self.d.words_for("common", self.lang)["no_source"] if list_key == "source" \
                else "—"
        if isinstance(value, str) and list_key in self.d.lists:
            return self.d.list(list_key).label(value, self.lang)
        return str(value)

    def label(self, list_key: str, value: Scalar) -> str:
        return escaped(self.plain_label(list_key, value))


def section(key: str, p: Any, body: Iterable[str], help_key: str | None = None,
             wide: bool = False, title_key: str | None = None) -> str:
    """A section of a page, its heading the word `title_key` (else `key`) of the page `p`
    (the plan's report or the portfolio's: anything with a `t`), then its help."""
    classes = "sheet wide" if wide else "sheet"
    parts = [f'<section id="{key}" class="{classes}" aria-labelledby="h-{key}">',
             f'<h2 id="h-{key}">{p.t(title_key or key)}</h2>']
    if help_key:
        parts.append(f'<p class="help">{p.t(help_key)}</p>')
    parts.extend(body)
    parts.append("</section>")
    return "\n".join(parts)


def print_css(first: str, *more: str) -> str:
    """The pages' print rules, shared by the plan's report and the portfolio's: A4, wide
    sections in landscape, each section on a page of its own but the first (`first`),
    no navigation; `more` rules for the page's own figures."""
    rules = "\n".join(more)
    return f"""@page{{size:A4;margin:12mm}}
@page wide{{size:A4 landscape;margin:10mm}}
@media print{{
body{{max-width:none;padding:0;font-size:10pt}}
nav{{display:none}}
.sheet{{break-before:page}}
#{first}{{break-before:auto}}
.wide{{page:wide}}
h2,h3{{break-after:avoid}}
.scroll{{overflow:visible}}
table.map{{min-width:0;font-size:7.5pt}}
table.map col.rowhead{{width:24mm}}
{rules + chr(10) if rules else ""}a{{color:inherit;text-decoration:none}}
}}
"""


def document(*, lang: str, title: str, css: str, heading: str, generated: str,
             contents: str, nav: Iterable[tuple[str, str]], sections: Iterable[str]) -> str:
    """A whole self-contained page: the security policy (nothing fetched, no script), the
    title, a heading with the line saying where it comes from, a table of contents, the
    sections. `title` is plain text; `heading`, `generated`, `contents`, the nav's names
    and the sections are HTML already escaped."""
    from ... import __version__

    links = "".join(f'<li><a href="#{key}">{name}</a></li>' for key, name in nav)
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{escaped(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escaped(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta name="generator" content="omnisheet {escaped(__version__)}">',
        f"<title>{escaped(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        '<header class="top">',
        f"<h1>{heading}</h1>",
        f'<p class="muted">{generated}</p>',
        f'<nav aria-label="{contents}"><ol>{links}</ol></nav>',
        "</header>",
        "<main>",
        *sections,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def base_css(d: Any) -> str:
    """The rules the plan's report and the portfolio page share: type, headings, tables,
    the journey map's cells, the statuses' and quadrants' colours, the swatches, the
    heat of a measure (its far and met borders after it, which they override); each page
    adds its own after them."""
    statuses = "".join(f".s-{css_class(v.key)}{{background:{v.colour}}}"
                       for v in d.list("touchpoint_status").values if v.colour)
    quadrants = "".join(f".q-{css_class(v.key)}{{background:{v.colour}}}"
                        for v in d.list("quadrant").values if v.colour)
    header = d.colours.get("header", "#1F3864")
    sub = d.colours.get("subheader", "#D9E2F3")
    return f"""
:root{{color-scheme:light}}
*{{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
body{{margin:0 auto;max-width:1280px;padding:24px 28px 48px;color:{INK};background:#fff;
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",
"DejaVu Sans",Arial,sans-serif}}
h1{{color:{header};font-size:1.75rem;margin:0 0 .25rem}}
h2{{color:{header};font-size:1.35rem;border-bottom:2px solid {header};padding-bottom:.2rem;
margin:2.2rem 0 .6rem}}
h3{{font-size:1.05rem;margin:1.4rem 0 .4rem}}
.muted,.help{{color:{MUTED}}}
.help{{margin:.2rem 0 .8rem}}
.sr-only{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}}
table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #bfbfbf;padding:5px 7px;vertical-align:top;text-align:left;
overflow-wrap:break-word}}
thead th{{background:{sub};color:{INK}}}
tbody th{{background:#f2f2f2}}
thead{{display:table-header-group}}
tr{{break-inside:avoid}}
td.num{{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}}
.scroll{{overflow-x:auto}}
table.map td.empty{{background:#fff}}
td.tp{{color:{INK}}}
.swatch{{display:inline-block;padding:1px 8px;border:1px solid #7f7f7f;border-radius:3px;
color:{INK}}}
{statuses}{quadrants}
ul.plain{{list-style:none;margin:0;padding:0}}
ul.plain li+li{{margin-top:.15rem}}
.heat{{display:inline-block;background:#fff;color:{INK};border:1px solid {MUTED};
border-radius:3px;padding:0 .25rem;font-size:.85em;white-space:nowrap}}
.h-far{{border:2px solid #a00000}}.h-met{{border:2px solid #2e6b1f}}
.h-off_scale{{border:2px solid #a00000;background:#f4cccc}}"""
