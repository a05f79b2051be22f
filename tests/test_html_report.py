"""The HTML report, opened in a real headless Chromium: what a reader sees and prints.

Three browser launches for the whole module (module-scoped fixtures): the French sample
printed to PDF (with Chromium's network log), the English sample printed to PDF, and the
DOM of a plan carrying hostile text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.browser import (  # noqa: F401  (fixtures register by import)
    chromium_fixture,
    dump_dom,
    page_requests,
    pdf_page_sizes,
    pdf_pages,
    pdf_pixels,
    pdf_text,
    poppler_fixture,
    print_to_pdf,
)

from omnisheet import check
from omnisheet.outputs.html.report import INK, MUTED, SECTIONS, render_html, write_html
from omnisheet.outputs.messages import message
from omnisheet.outputs.workbook import blank_plan
from omnisheet.plan.model import Measure
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
D = load_definition()
DAY = dt.date(2026, 3, 14)
HOSTILE = '<script>document.title="pwned"</script>"><img src=x onerror="alert(1)">'
HOSTILE_NAME = "</td></tr></table><script>alert(2)</script>"


def flat(text: str) -> str:
    """Whitespace (line breaks, no-break and narrow spaces) as single spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@dataclasses.dataclass
class Printed:
    page: Path
    pdf: Path
    netlog: Path
    pages: list[str]            # each page's text
    sizes: list[tuple[float, float]]

    @property
    def text(self) -> str:
        return flat(" ".join(self.pages))

    def starting_with(self, heading: str) -> int:
        """The 1-based page whose first line is `heading`."""
        for number, text in enumerate(self.pages, start=1):
            lines = [x.strip() for x in text.splitlines() if x.strip()]
            if lines and flat(lines[0]) == flat(heading):
                return number
        raise AssertionError(f"no page starts with {heading!r}: "
                             f"{[t.strip().splitlines()[:1] for t in self.pages]}")


def _print(report, lang: str, tmp: Path) -> Printed:
    page = tmp / f"report-{lang}.html"
    page.write_text(render_html(report, lang, today=DAY), encoding="utf-8")
    netlog = tmp / "netlog.json"
    pdf = print_to_pdf(page, tmp / f"report-{lang}.pdf", tmp, netlog=netlog)
    pages = [pdf_text(pdf, n) for n in range(1, pdf_pages(pdf) + 1)]
    return Printed(page, pdf, netlog, pages, pdf_page_sizes(pdf))


@pytest.fixture(scope="module")
def fr_report():
    return check(load(SAMPLES / "retail-fr.xlsx"))


@pytest.fixture(scope="module")
def en_report():
    return check(load(SAMPLES / "bank-en.xlsx"))


@pytest.fixture(scope="module")
def fr_printed(chromium, poppler, fr_report, tmp_path_factory) -> Printed:
    return _print(fr_report, "fr", tmp_path_factory.mktemp("html-fr"))


@pytest.fixture(scope="module")
def en_printed(chromium, poppler, en_report, tmp_path_factory) -> Printed:
    return _print(en_report, "en", tmp_path_factory.mktemp("html-en"))


class DomReader(HTMLParser):
    """Elements (tag, attributes) and text nodes of a document, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.stack: list[str] = []
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.in_title = tag == "title" and "svg" not in self.stack
        if tag not in ("meta", "link", "br", "col", "img", "input", "hr", "circle", "rect",
                       "line", "path"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        self.in_title = False

    def handle_data(self, data):
        self.texts.append(data)
        if self.in_title:
            self.title += data

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


@pytest.fixture(scope="module")
def hostile(chromium, fr_report, tmp_path_factory):
    """The French sample with hostile text in the top use case's title and a scenario's
    name, rendered and parsed by Chromium; returns (report, DOM reader, DOM text)."""
    plan = fr_report.plan
    top = fr_report.priorities[0].index
    use_cases = tuple(dataclasses.replace(u, title=HOSTILE) if i == top else u
                      for i, u in enumerate(plan.use_cases))
    scenarios = tuple(dataclasses.replace(s, name=HOSTILE_NAME) if i == 0 else s
                      for i, s in enumerate(plan.scenarios))
    report = check(plan.with_changes(use_cases=use_cases, scenarios=scenarios))
    tmp = tmp_path_factory.mktemp("html-hostile")
    page = tmp / "hostile.html"
    page.write_text(render_html(report, "fr", today=DAY), encoding="utf-8")
    dom = dump_dom(page, tmp)
    reader = DomReader()
    reader.feed(dom)
    return report, reader, dom


# --- what the printed reports show -------------------------------------------------------


def test_the_french_report_prints_the_plan_its_priorities_frictions_and_findings(
        fr_printed, fr_report):
    text = fr_printed.text
    assert flat(fr_printed.pages[0]).startswith("Plan omnicanal — retail-fr.xlsx")
    assert "14/03/2026" in flat(fr_printed.pages[0])
    for key in SECTIONS:
        assert D.text(key, "fr") in text, key
    assert "Canal \\ Étape" in text and "Cible \\ Étape de la relation" in text
    summary = f"{fr_report.readiness.summary:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    assert f"{summary} %" in text
    top = fr_report.priorities[0]
    assert flat(f"{top.id} {top.title}") in text
    friction = next(t for t in fr_report.plan.touchpoints if t.status == "friction")
    assert flat(friction.description) in text
    assert "▲ Friction" in text and "★ Opportunité" in text and "● Normal" in text
    for finding in (fr_report.findings[0],
                    next(f for f in fr_report.findings if f.severity == "error")):
        assert flat(message(fr_report, finding, "fr")) in text
        assert finding.where in text
    counts = fr_report.counts()
    assert f"Erreurs ({counts['error']})" in text
    assert f"Avertissements ({counts['warning']})" in text
    entry = fr_report.roadmap[0]
    assert flat(str(entry.variables[0][0])) in text
    placed = next(p for p in fr_report.plan.placements if p.scenarios)
    name = next(s.name for s in fr_report.plan.scenarios if s.id == placed.scenarios[0])
    assert flat(f"{placed.scenarios[0]} {name}") in text
    shown = next(m for m in fr_report.plan.measures if m.verbatim)
    assert flat(str(shown.verbatim)) in text
    assert "✗ Loin de la cible" in text


def test_the_english_report_prints_in_english(en_printed, en_report):
    text = en_printed.text
    assert flat(en_printed.pages[0]).startswith("Omnichannel plan — bank-en.xlsx")
    assert "2026-03-14" in text
    for key in SECTIONS:
        assert D.text(key, "en") in text, key
    for french in ("Parcours client", "Constats", "Priorités", "Valeur débloquée"):
        assert french not in text
    top = en_report.priorities[0]
    assert flat(f"{top.id} {top.title}") in text
    friction = next(t for t in en_report.plan.touchpoints if t.status == "friction")
    assert flat(friction.description) in text
    assert "▲ Friction" in text and "★ Opportunity" in text
    finding = next(f for f in en_report.findings if f.severity == "error")
    assert flat(message(en_report, finding, "en")) in text
    assert "Quick win" in text


def test_each_section_starts_a_page_and_the_two_maps_print_landscape(fr_printed):
    assert len(fr_printed.pages) > len(SECTIONS) - 1
    assert len(fr_printed.sizes) == len(fr_printed.pages)
    width, height = fr_printed.sizes[0]
    assert width < height and abs(width - 595) < 2, "A4 portrait first"
    starts = {key: fr_printed.starting_with(D.text(key, "fr"))
              for key in SECTIONS if key != "readiness"}
    assert list(starts.values()) == sorted(starts.values()), starts
    assert D.text("readiness", "fr") in fr_printed.pages[0]
    for key in ("journey", "scenario_map"):
        w, h = fr_printed.sizes[starts[key] - 1]
        assert w > h, f"{key} prints in landscape"
    for key in ("matrix", "priorities", "roadmap", "findings"):
        w, h = fr_printed.sizes[starts[key] - 1]
        assert w < h, f"{key} prints in portrait"


def test_the_status_colours_survive_printing(fr_printed):
    # headless Chromium prints backgrounds anyway; a person's print dialog does not
    # unless the page asks for it
    assert "print-color-adjust:exact" in fr_printed.page.read_text(encoding="utf-8")
    journey = fr_printed.starting_with(D.text("journey", "fr"))
    after = fr_printed.starting_with(D.text("matrix", "fr"))
    seen: set[tuple[int, int, int]] = set()
    for page in range(journey, after):
        seen |= pdf_pixels(fr_printed.pdf, page)
    for value in D.list("touchpoint_status").values:
        wanted = _rgb(value.colour)
        assert any(all(abs(a - b) <= 4 for a, b in zip(pixel, wanted, strict=True))
                   for pixel in seen), f"{value.key} {value.colour} not in the printed map"


def test_the_page_requests_nothing_from_the_network(fr_printed):
    assert page_requests(fr_printed.netlog) == []
    reader = DomReader()
    reader.feed(fr_printed.page.read_text(encoding="utf-8"))
    csp = [m["content"] for m in reader.tags("meta")
           if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]
    for tag, attrs in reader.elements:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "base")
        assert "src" not in attrs and "srcset" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), (tag, href)
    style = " ".join(reader.texts)
    assert "@import" not in style and "url(" not in style and "@font-face" not in style


# --- safety and structure, in the DOM Chromium builds ----------------------------------


def test_hostile_text_is_shown_as_text_and_never_runs(hostile):
    report, reader, dom = hostile
    assert reader.tags("script") == [] and reader.tags("img") == []
    for tag, attrs in reader.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    texts = [t.strip() for t in reader.texts]
    assert HOSTILE in texts                      # the priorities cell, verbatim
    assert any(HOSTILE_NAME in t for t in texts)  # the scenario map
    assert reader.title == "Plan omnicanal — retail-fr.xlsx"
    assert "pwned" not in reader.title
    # the table the title sits in is still whole: every priority has its row
    rows = sum(1 for tag, attrs in reader.elements if tag == "tr")
    assert rows > len(report.priorities)


def test_the_document_is_structured_for_assistive_technology(hostile):
    _, reader, _ = hostile
    html = reader.tags("html")
    assert html and html[0].get("lang") == "fr"
    assert len(reader.tags("h1")) == 1
    h2 = reader.tags("h2")
    assert [x["id"] for x in h2] == [f"h-{key}" for key in SECTIONS]
    sections = reader.tags("section")
    assert [x["aria-labelledby"] for x in sections] == [f"h-{key}" for key in SECTIONS]
    ids = {attrs["id"] for _, attrs in reader.elements if attrs.get("id")}
    for attrs in reader.tags("a"):
        assert attrs["href"][1:] in ids
    for attrs in reader.tags("th"):
        assert attrs.get("scope") in ("col", "row"), attrs
    assert len(reader.tags("table")) == len(reader.tags("caption"))
    svg = reader.tags("svg")
    assert len(svg) == 1 and svg[0].get("role") == "img"
    labelled = svg[0]["aria-labelledby"].split()
    assert labelled == ["matrix-title", "matrix-desc"] and set(labelled) <= ids
    assert "desc" in [tag for tag, _ in reader.elements]


# --- colours, words, files (no browser) -------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in _rgb(colour)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_on_the_status_colours_meets_wcag_aa():
    ratios = {v.key: contrast(INK, v.colour) for v in D.list("touchpoint_status").values}
    assert set(ratios) == {"normal", "friction", "opportunity"}
    # measured: yellow #FFE699 15.1, orange #F4B183 10.1, green #A9D18E 10.9 with #1a1a1a
    for key, ratio in ratios.items():
        assert ratio >= 4.5, (key, ratio)


def test_every_other_text_colour_meets_wcag_aa():
    fills = [v.colour for v in D.list("quadrant").values]
    fills += [D.colours[k] for k in ("error", "warning", "info", "subheader")]
    fills += ["#ffffff", "#f2f2f2"]
    for fill in fills:
        assert contrast(INK, fill) >= 4.5, fill
    assert contrast(MUTED, "#ffffff") >= 4.5
    assert contrast(D.colours["header"], "#ffffff") >= 4.5


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_empty_plan_reads_as_empty_in_its_language(lang):
    page = render_html(check(blank_plan(lang)), lang, today=DAY)
    assert f'<html lang="{lang}">' in page
    for key in ("no_touchpoints", "no_scored", "no_placements", "no_roadmap", "no_findings",
                "untitled"):
        assert D.text(key, lang).replace("'", "&#x27;") in page, key


def test_every_word_of_the_report_is_in_both_languages():
    assert D.report_text, "report_text in workbook_templates/plan.yaml"
    for key, labels in D.report_text.items():
        assert set(labels) == set(D.languages) and all(labels.values()), key


def test_measures_show_under_their_touchpoint_escaped(fr_report):
    tp = next(t for t in fr_report.plan.touchpoints if t.status == "friction")
    measure = Measure(stage=tp.stage, channel=tp.channel, indicator="nps", value=-12,
                      target=20, answers=340, period="T1 2026", verbatim="<b>trop long</b>")
    plan = fr_report.plan.with_changes(measures=(measure,))
    page = render_html(dataclasses.replace(fr_report, plan=plan), "fr", today=DAY)
    cell = page[page.index(f'<p class="desc">{_escaped(tp.description)}'):]
    cell = cell[: cell.index("</td>")]
    assert "\u221212" in cell and "cible 20" in cell and "340 réponses" in cell
    assert "&lt;b&gt;trop long&lt;/b&gt;" in cell and "<b>" not in cell
    assert "✗</span> Loin de la cible" in cell  # 16 points under target: said, not only coloured


def _escaped(text) -> str:
    from html import escape

    return escape(str(text), quote=True)


def test_write_html_writes_the_whole_page(tmp_path, fr_report):
    path = write_html(fr_report, tmp_path / "plan.html", "en")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<h1>Omnichannel plan" in page
    assert [p.name for p in tmp_path.iterdir()] == ["plan.html"]


_LAYOUT_PROBE = """<script>
addEventListener("load", () => {
  const frame = document.querySelector("#journey .scroll"), table = frame.querySelector("table");
  const seen = {window: innerWidth, page: document.documentElement.scrollWidth,
                frameRight: frame.getBoundingClientRect().right, frame: frame.clientWidth,
                table: table.scrollWidth};
  frame.scrollLeft = 1e6;
  seen.frameLeft = frame.getBoundingClientRect().left;
  seen.rowHeadLeft = table.querySelector("tbody th").getBoundingClientRect().left;
  const stages = table.querySelectorAll("thead th");
  seen.lastStageRight = stages[stages.length - 1].getBoundingClientRect().right;
  document.body.dataset.layout = JSON.stringify(seen);
});
</script>"""


def _journey_layout(report, lang: str, tmp: Path) -> dict:
    """How a 1,280-px-wide Chromium window lays the journey map out: a copy of the page
    with a measuring script (the report itself runs none, its policy forbids it)."""
    import json
    import re

    from support.browser import run_chromium

    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  render_html(report, lang, today=DAY))
    page = tmp / f"measured-{lang}.html"
    page.write_text(html.replace("</body>", _LAYOUT_PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium(page, "--window-size=1280,900", "--dump-dom", tmp=tmp).stdout
    found = re.search(r'data-layout="([^"]*)"', dom)
    assert found, dom[-500:]
    return json.loads(found.group(1).replace("&quot;", '"'))


def test_the_journey_map_fits_a_1280_px_window_or_scrolls_in_its_frame(
        chromium, fr_report, tmp_path):
    """The sample's eight stages fit a 1,280-px window, the last one whole; a map of
    twelve stages scrolls inside its own frame (the page does not), its channels column
    kept in view."""
    fits = _journey_layout(fr_report, "fr", tmp_path)
    assert fits["page"] <= fits["window"] and fits["table"] <= fits["frame"], fits
    assert fits["lastStageRight"] <= fits["frameRight"] + 1, fits

    stages = [*fr_report.plan.lists["stage"], "Je parraine", "Je résilie", "Je reviens",
              "Je témoigne"]
    from omnisheet.plan.model import Touchpoint

    wide_plan = fr_report.plan.with_changes(
        lists={**fr_report.plan.lists, "stage": tuple(stages)},
        touchpoints=(*fr_report.plan.touchpoints,
                     Touchpoint(stage="Je témoigne", channel="website",
                                description="Avis clients", status="opportunity")))
    wide = _journey_layout(check(wide_plan), "fr", tmp_path)
    assert wide["page"] <= wide["window"], wide  # the page itself never scrolls sideways
    assert wide["table"] > wide["frame"], wide  # the map scrolls in its frame...
    assert abs(wide["rowHeadLeft"] - wide["frameLeft"]) <= 2, wide  # ...channels kept


def test_labels_of_points_close_together_on_the_matrix_do_not_overlap():
    """Use cases a tenth of a point apart (weights 1 and 9) each get their label where no
    other is: never "UC-0‹UC-01‹UC-015" printed over each other."""
    import re

    from omnisheet.outputs.html.report import CHAR_W, LINE
    from omnisheet.plan.model import UseCase

    cases = tuple(UseCase(id=ident, title=ident, business_impact=b, cx_impact=4, difficulty=2)
                  for ident, b in (("UC-01", 3), ("UC-015", 4), ("UC-0", 5), ("UC-2", 3)))
    plan = blank_plan("en").with_changes(
        use_cases=cases, settings={**blank_plan("en").settings, "weight_business": 1,
                                   "weight_cx": 9})
    svg = render_html(check(plan), "en", today=DAY)
    svg = svg[svg.index('<svg class="matrix"'):svg.index("</svg>")]
    boxes = []
    for x, y, anchor, text in re.findall(
            r'<text class="label" x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)">([^<]*)</text>',
            svg):
        width = len(text) * CHAR_W
        left = {"start": float(x), "end": float(x) - width}.get(anchor, float(x) - width / 2)
        boxes.append((text, left, float(y) - LINE + 3, left + width, float(y) + 3))
    assert len(boxes) == 4
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
            assert not overlap, (a, b)
