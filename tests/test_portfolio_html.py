"""The portfolio page, opened in a real headless Chromium: what head office reads and prints.

Three browser launches: the three plans of tests/portfolio_plans.py as `omnisheet report
FOLDER` writes them, printed to PDF (with the network log) in French, the same page in
English printed to PDF, and the DOM of a portfolio carrying hostile names and titles.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

import pytest
from portfolio_plans import group
from support.browser import (  # noqa: F401  (fixtures register by import)
    chromium_fixture,
    dump_dom,
    page_requests,
    pdf_page_sizes,
    pdf_pages,
    pdf_text,
    poppler_fixture,
    print_to_pdf,
)
from test_html_report import DomReader, flat

from omnisheet import check
from omnisheet.outputs.workbook import write
from omnisheet.portfolio.compare import compare
from omnisheet.portfolio.html import SECTIONS, render_portfolio_html
from omnisheet.portfolio.summary import summarise
from omnisheet.template.definition import load_definition

D = load_definition()
HOSTILE = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>'


def words(lang: str) -> dict[str, str]:
    return D.words_for("portfolio", lang)


@pytest.fixture(scope="module")
def written(tmp_path_factory, cli_module):
    """The three plans in a folder (one in a sub-folder), and `omnisheet report` of it."""
    root = tmp_path_factory.mktemp("portfolio-html")
    plans = root / "plans"
    (plans / "ch").mkdir(parents=True)
    for name, plan in group().items():
        write(plan, (plans / "ch" if name == "plan-c" else plans) / f"{name}.xlsx")
    out = root / "out"
    out.mkdir()
    result = cli_module("report", plans, "-o", out / "portefeuille.html")
    assert result.exit_code == 0, result.output
    return out / "portefeuille.html"


@pytest.fixture(scope="module")
def cli_module():
    from click.testing import CliRunner

    from omnisheet.cli import main

    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def _print(page: Path, tmp: Path) -> tuple[list[str], list[tuple[float, float]], Path]:
    netlog = tmp / "netlog.json"
    pdf = print_to_pdf(page, tmp / f"{page.stem}.pdf", tmp, netlog=netlog)
    return [pdf_text(pdf, n) for n in range(1, pdf_pages(pdf) + 1)], pdf_page_sizes(pdf), netlog


@pytest.fixture(scope="module")
def printed(chromium, poppler, written, tmp_path_factory):
    return _print(written, tmp_path_factory.mktemp("portfolio-pdf"))


def _starting(pages: list[str], heading: str) -> int:
    for number, text in enumerate(pages, start=1):
        lines = [x.strip() for x in text.splitlines() if x.strip()]
        if lines and flat(lines[0]) == flat(heading):
            return number
    raise AssertionError(f"no page starts with {heading!r}")


def test_the_page_compares_the_plans_in_french(printed, written):
    pages, sizes, _ = printed
    text = flat(" ".join(pages))
    w = words("fr")
    assert flat(pages[0]).startswith(w["page_title"])
    for key in SECTIONS:
        assert flat(w["section_" + key]) in text, key
    for name in ("plan-a", "plan-b", "plan-c"):
        assert name in text
    # the grid: find_out × website a friction in A and B, out of the 3 plans that have it
    grid = flat(pages[_starting(pages, w["section_journey_grid"]) - 1])
    assert "▲ 2 / 3" in grid and "★ 1 / 1" in grid  # B's WhatsApp opportunity, B alone
    assert "Je me renseigne × Site web — une friction dans 2 plans sur 3" in text
    assert "Je commande" in grid and "WhatsApp" in grid
    # the recurring use cases with their score and rank in each plan
    assert "Enrichir les fiches produit" in text and "Relancer les paniers abandonnés" in text
    # scores as the workbook's score column shows them (one decimal)
    assert "plan-a UC-001 score 17,0, rang 1" in text
    assert "plan-c UC-001 score 16,0, rang 1" in text
    assert "Tableau de bord mensuel" not in text  # another category in B: no recurrence
    # the data sources, the measures, the differences
    assert "CRM" in text and "Transporteur" in text and "24,0" in text
    assert "65/100" in text
    differences = flat(pages[_starting(pages, w["section_differences"]) - 1])
    assert "Je commande plan-c plan-a, plan-b J'achète" in differences


def test_each_section_starts_a_page_and_the_grid_prints_landscape(printed):
    pages, sizes, _ = printed
    w = words("fr")
    starts = [_starting(pages, w["section_" + key]) for key in SECTIONS[1:]]
    assert starts == sorted(starts) and starts[0] > 1
    assert flat(w["section_plans"]) in flat(pages[0])
    width, height = sizes[0]
    assert width < height, "the first page is A4 portrait"
    w_grid, h_grid = sizes[starts[0] - 1]
    assert w_grid > h_grid, "the journey grid prints in landscape"


def test_each_plan_links_to_its_own_report_beside_the_page(written, chromium, tmp_path):
    reader = DomReader()
    reader.feed(dump_dom(written, tmp_path))
    links = [a["href"] for a in reader.tags("a") if not a["href"].startswith("#")]
    assert sorted(links) == ["plan-a.html", "plan-b.html", "plan-c.html"]
    for href in links:
        report = written.parent / unquote(href)
        assert report.is_file()
        page = report.read_text(encoding="utf-8")  # the plan's own report, in its language
        assert f'<span class="file">{report.stem}.xlsx</span></h1>' in page


def test_the_page_requests_nothing_from_the_network(printed, written):
    _, _, netlog = printed
    assert page_requests(netlog) == []
    reader = DomReader()
    reader.feed(written.read_text(encoding="utf-8"))
    csp = [m["content"] for m in reader.tags("meta")
           if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]
    for tag, attrs in reader.elements:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "base")
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#") or (
            ":" not in href and not href.startswith("/")), href
    style = " ".join(reader.texts)
    assert "@import" not in style and "url(" not in style


def test_the_page_in_english(chromium, poppler, written, cli_module, tmp_path):
    page = written.parent / "portfolio-en.html"
    assert cli_module("report", written.parent.parent / "plans", "-o", page,
                      "--lang", "en", "--force").exit_code == 0  # the plans' pages again
    pages, _, _ = _print(page, tmp_path)
    text = flat(" ".join(pages))
    for key in SECTIONS:
        assert flat(words("en")["section_" + key]) in text
    assert "a friction in 2 of 3 plans" in text
    for french in ("Maturité", "Cas d'usage", "Sources de données", "rang"):
        assert french not in text


def test_hostile_names_and_titles_are_text_and_never_run(chromium, tmp_path):
    plans = group()
    a = plans["plan-a"]
    titled = a.with_changes(use_cases=tuple(
        u.__class__(**{**u.values(), "title": HOSTILE}) if u.id == "UC-003" else u
        for u in a.use_cases))
    summaries = [summarise(check(titled), HOSTILE), summarise(check(titled), "b</td>")]
    page = tmp_path / "p.html"
    page.write_text(render_portfolio_html(compare(summaries, D), D, folder=tmp_path,
                                          today=dt.date(2026, 3, 14)), encoding="utf-8")
    dom = dump_dom(page, tmp_path)
    reader = DomReader()
    reader.feed(dom)
    assert reader.tags("script") == [] and reader.tags("img") == []
    for _, attrs in reader.elements:
        assert not any(name.startswith("on") for name in attrs)
    texts = [t.strip() for t in reader.texts]
    assert HOSTILE in texts and "b</td>" in " ".join(texts)
    assert "pwned" not in reader.title
    assert reader.tags("html")[0]["lang"] == "fr"
    assert [x["id"] for x in reader.tags("h2")] == [f"h-{key}" for key in SECTIONS]
    for attrs in reader.tags("th"):
        assert attrs.get("scope") in ("col", "row"), attrs
    assert len(reader.tags("table")) == len(reader.tags("caption"))
