"""omnisheet feedback -o: the plan with its measures and trends, every typed cell kept,
checked as check -o does; the sample's planted problems found; a second month's run
adds to the trends rather than replacing them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from plans import clean_plan

from omnisheet import check
from omnisheet.outputs.messages import message
from omnisheet.outputs.workbook import write
from omnisheet.plan.model import Measure, StrayCell, Trend
from omnisheet.read.reader import load

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> tuple[Path, str]:
    """The French sample fed with its responses, as make run does."""
    from click.testing import CliRunner

    from omnisheet.cli import main

    out = tmp_path_factory.mktemp("feedback") / "mesures.xlsx"
    result = CliRunner().invoke(main, ["feedback", str(SAMPLES / "feedback"), "--plan",
                                       str(SAMPLES / "retail-fr.xlsx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_the_sample_s_planted_problems_are_found(measured):
    out, said = measured
    report = check(load(out))
    found = {(f.code, f.sheet) for f in report.findings}
    assert ("measure-worsened", "Mesures") in found
    assert ("measure-too-few-answers", "Mesures") in found
    assert ("touchpoint-unmeasured", "Parcours client") in found
    worsened = [message(report, f) for f in report.findings if f.code == "measure-worsened"]
    assert len(worsened) == 1 and "« SMS »" in worsened[0] and "CES (1 à 7)" in worsened[0]
    too_few = [message(report, f) for f in report.findings
               if f.code == "measure-too-few-answers" and f.sheet == "Mesures"]
    assert too_few and all("Service client" in m for m in too_few)
    assert "▼ nettement en baisse" in said and "⚠ trop peu de réponses" in said
    for reason in ("canal absent du plan", "date illisible", "sans note",
                   "note hors de son échelle", "note en toutes lettres non reconnue"):
        assert reason in said


def test_every_typed_cell_of_the_plan_is_kept(measured):
    out, _ = measured
    before, after = load(SAMPLES / "retail-fr.xlsx"), load(out)
    for tab in ("touchpoints", "use_cases", "scenarios", "messages", "data_needs",
                "placements", "surveys"):
        assert getattr(after, tab) == getattr(before, tab), tab
    assert after.lists == before.lists and after.settings == before.settings
    # measures: the team's rows stay (a direct one updated in place), new ones come after
    kept = [m for m in before.measures if m.evidence != "direct"]
    assert all(m in after.measures for m in kept)
    nps = next(m for m in after.measures if m.stage == "Je reviens / je recommande"
               and m.channel == "store" and m.indicator == "nps")
    assert (nps.target, nps.share, nps.evidence) == (35, 48, "direct")  # the team's target kept
    assert nps.period == "septembre 2026" and nps.answers > 50


def test_measures_and_trends_agree_with_the_json(measured, cli):
    out, _ = measured
    data = json.loads(cli("feedback", SAMPLES / "feedback", "--plan", SAMPLES / "retail-fr.xlsx",
                          "--format", "json").output)
    plan = load(out)
    trends = {(t.stage, t.channel, t.indicator, t.period): t for t in plan.trends}
    assert len(trends) == sum(len(m["periods"]) for m in data["measures"])
    for m in data["measures"]:
        for p in m["periods"]:
            row = trends[(m["stage"], m["channel"], m["indicator"], p["label"])]
            assert row.answers == p["answers"]
            for field in ("value", "low", "high"):
                assert getattr(row, field) == pytest.approx(p[field], abs=1e-5) if p[field] \
                    is not None else getattr(row, field) is None


def test_a_second_run_adds_its_periods_to_the_trends(tmp_path, cli):
    plan = clean_plan().with_changes(
        trends=(Trend(stage="buy", channel="website", indicator="csat_5", period="décembre 2025",
                      value=4.4, answers=300, low=4.3, high=4.5),
                Trend(stage="buy", channel="website", indicator="csat_5", period="janvier 2026",
                      value=1.0, answers=1, low=1.0, high=1.0)),  # computed again below
        stray_cells=(StrayCell(sheet="Mesures", row=30, column=18, value="Note de l'équipe"),))
    first = write(plan, tmp_path / "plan.xlsx")
    responses = tmp_path / "janvier.csv"
    responses.write_text("Horodatage;Étape;Canal;Indicateur;Note\n" + "".join(
        f"{d:02d}/01/2026 10:00;J'achète;Site web;CSAT;{s}\n"
        for d, s in zip(range(1, 29), [4, 5, 3, 4] * 7, strict=True)), encoding="utf-8")
    out = tmp_path / "fed.xlsx"
    assert cli("feedback", responses, "--plan", first, "-o", out).exit_code == 0
    fed = load(out)
    rows = [(t.period, t.answers) for t in fed.trends if t.indicator == "csat_5"]
    assert rows == [("décembre 2025", 300), ("janvier 2026", 28)]
    assert StrayCell(sheet="Mesures", row=30, column=18, value="Note de l'équipe") in fed.stray_cells
    # the December row was the team's: January is measured against it
    codes = {f.code for f in check(fed).findings}
    assert "measure-worsened" in codes


def test_a_measure_the_team_typed_and_the_responses_replace_is_said(measured):
    """The sample's Magasin NPS was typed by the team (18, for 2026); -o updates that row
    with September's figure and says so, before and after, in the plan's language."""
    out, said = measured
    assert ("Lignes de l'onglet Mesures mises à jour par les réponses (1) :\n"
            "  Je reviens / je recommande × Magasin, NPS (\u2212100 à +100) : 18 (2026) → "
            "35,2 (septembre 2026)") in said
    row = next(m for m in load(out).measures if m.channel == "store" and m.indicator == "nps")
    assert (row.value, row.target, row.period) == (35.2, 35, "septembre 2026")  # target kept


def test_a_measure_of_indirect_evidence_is_left_alone(tmp_path, cli):
    indirect = Measure(stage="find_out", channel="website", indicator="csat_5", value=3.6,
                       target=4.2, answers=500, period="T3 2026", share=40, evidence="indirect",
                       verbatim="Remonté par le service client")
    plan = write(clean_plan().with_changes(measures=(indirect,)), tmp_path / "plan.xlsx")
    responses = tmp_path / "r.csv"
    responses.write_text("Date;Étape;Canal;Indicateur;Note\n2026-01-05;Je me renseigne;Site web;"
                         "CSAT;4\n2026-01-06;Je me renseigne;Site web;CSAT;5\n", encoding="utf-8")
    out = tmp_path / "fed.xlsx"
    assert cli("feedback", responses, "--plan", plan, "-o", out).exit_code == 0
    measures = load(out).measures
    assert measures[0] == indirect
    assert replace(measures[1], row=None) == Measure(
        stage="find_out", channel="website", indicator="csat_5", value=4.5, answers=2,
        period="janvier 2026", evidence="direct")


def test_the_sample_responses_are_what_their_script_writes(tmp_path):
    import subprocess
    import sys

    from python_calamine import CalamineWorkbook

    subprocess.run([sys.executable, str(SAMPLES / "feedback" / "make_responses.py"),
                    str(tmp_path)], check=True, capture_output=True, timeout=120)
    for name in ("livraison-ces.csv", "barometre-nps.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / "feedback" / name).read_bytes(), name

    def cells(path: Path) -> list:
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    assert cells(tmp_path / "post-achat.xlsx") == cells(SAMPLES / "feedback" / "post-achat.xlsx")


def test_the_dashboard_charts_each_measure_with_its_interval(measured):
    import re
    import zipfile

    out, _ = measured
    with zipfile.ZipFile(out) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/charts/") and n.endswith(".xml")]
    lines = [c for c in charts if "<c:lineChart>" in c]
    trends = load(out).trends
    measures = {(t.stage, t.channel, t.indicator) for t in trends}
    # phone purchases (too few answers, CSAT and CSAT %) get no chart; the 12 others do
    assert len(measures) == 14 and len(lines) == 12
    for chart in lines:
        assert len(re.findall(r"<c:ser>", chart)) == 3  # the value, low and high
        assert "Service client" not in chart


def test_the_html_report_shows_the_trends_and_their_uncertainty(measured, tmp_path):
    import re

    from omnisheet.outputs.html.report import render_html

    out, _ = measured
    page = render_html(check(load(out)))
    section = page.split('<section id="trends"', 1)[1].split("</section>", 1)[0]
    assert section.count('<figure class="trend">') == 14
    assert section.count('class="band"') >= 14  # the 95 % interval, drawn
    flags = re.findall(r'<span class="flag">([^<]*)</span>', section)
    assert sorted(flags) == ["▼ nettement en dessous de la période précédente"] + [
        "⚠ trop peu de réponses"] * 2
    assert '<a href="#trends">Tendances des mesures</a>' in page
    plain = render_html(check(load(SAMPLES / "retail-fr.xlsx")))
    assert 'id="trends"' not in plain  # a plan without responses: no empty section


def test_the_trend_charts_period_names_never_overlap():
    """Under a chart's axis, period names on one line when they fit, else on two; none
    touches another on its line, the first and last are always named, and four French
    months (which overlapped on one line) are all named."""
    from omnisheet.outputs.html.trends import W, _labelled

    def span(names, xs, i):
        width = 6.2 * len(names[i])
        start = xs[i] if i == 0 else xs[i] - width if i == len(names) - 1 else xs[i] - width / 2
        return start, start + width

    months = ["juin 2026", "juillet 2026", "août 2026", "septembre 2026"]
    for names in (months, [f"2026-{m:02}" for m in range(1, 13)],
                  ["T1 2026", "T2 2026", "T3 2026"], ["2026"]):
        xs = [50 + i * (W - 70) / max(1, len(names) - 1) for i in range(len(names))]
        shown = _labelled(names, xs)
        indices = [i for i, _ in shown]
        assert indices[0] == 0 and indices[-1] == len(names) - 1
        for line in (0, 1):
            placed = [span(names, xs, i) for i, at in shown if at == line]
            assert all(a[1] < b[0] for a, b in zip(placed, placed[1:], strict=False)), (
                names, shown)
        if names is months:
            assert indices == [0, 1, 2, 3] and {at for _, at in shown} == {0, 1}
    assert _labelled(["T1", "T2", "T3"], [50, 200, 350]) == [(0, 0), (1, 0), (2, 0)]


def test_the_trend_charts_axis_has_round_values_around_the_data():
    import math

    from omnisheet.outputs.html.trends import _ticks

    for low, high in ((3.41, 4.04), (47.4, 77.1), (-12.1, 68.0), (1.75, 5.0), (0.1, 0.9),
                      (3.81, 4.35), (-100.0, 100.0)):
        ticks = _ticks(low, high)
        steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1 and 2 <= len(ticks) <= 5, (low, high, ticks)
        step = steps.pop()
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1, 2, 2.5, 5), (low, high, ticks)
        assert ticks[0] <= low and ticks[-1] >= high
        assert ticks[0] > low - step - 1e-9 and ticks[-1] < high + step + 1e-9  # no more
    assert _ticks(3.41, 4.04) == [3.4, 3.6, 3.8, 4.0, 4.2]
    assert _ticks(4.0, 4.0) == [3.0, 3.5, 4.0, 4.5, 5.0]  # one value: a unit either side


def test_the_sample_responses_hold_multi_line_comments_read_whole(cli, monkeypatch):
    """Each sample file has comments over several lines (as real exports do): every
    record is read, as the csv module splits them, none cut at its line break."""
    import csv

    from python_calamine import CalamineWorkbook

    records = 0
    broken = 0
    for name, encoding, delimiter in (("livraison-ces.csv", "cp1252", ";"),
                                      ("barometre-nps.csv", "utf-8-sig", ",")):
        with open(SAMPLES / "feedback" / name, encoding=encoding, newline="") as handle:
            rows = list(csv.reader(handle, delimiter=delimiter))[1:]
        records += len(rows)
        assert any("\n" in cell for row in rows for cell in row), name
    sheet = CalamineWorkbook.from_path(str(SAMPLES / "feedback" / "post-achat.xlsx"))
    cells = sheet.get_sheet_by_index(0).to_python()[1:]
    records += len(cells)
    broken += sum(any(isinstance(c, str) and "\n" in c for c in row) for row in cells)
    assert broken > 0
    monkeypatch.chdir(ROOT)
    data = json.loads(cli("feedback", "samples/feedback", "--plan", "samples/retail-fr.xlsx",
                          "--format", "json").output)
    assert data["rows"]["read"] == records
    assert not any(r["reason"] == "malformed_line" for r in data["rejected"])
    shown = [p["verbatim"]["text"] for m in data["measures"] for p in m["periods"]
             if p["verbatim"]]
    assert any("\n" in text for text in shown)


def test_an_nps_and_its_interval_are_signed_as_its_scale_is(measured):
    """« +35,2 (+20,8 à +49,5) »: a positive end of an NPS interval carries its sign like
    the figure, never « +3,9 (−12,1 à 20,0) »."""
    import re

    _, said = measured
    interval = re.compile(r"\s+\S+ \(([^ ]+) à ([^ )]+)\)")
    found = [interval.match(line.split("NPS (−100 à +100)")[1]) for line in said.splitlines()
             if "NPS (−100 à +100)" in line]
    assert any(found)
    for ends in filter(None, found):
        for end in ends.groups():
            assert end[0] in "+−" or end in ("0", "0,0"), ends.group()
