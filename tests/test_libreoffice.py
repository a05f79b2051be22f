"""Real LibreOffice opens, recalculates and re-saves what omnisheet writes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from plans import clean_plan
from python_calamine import CalamineWorkbook
from support.browser import pdf_text, poppler_fixture  # noqa: F401  (a fixture)
from support.libreoffice import convert, roundtrip

from omnisheet.analysis.measures import Evidence
from omnisheet.analysis.scoring import priorities
from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.plan.layout import instruction_lines
from omnisheet.plan.model import Measure, UseCase
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

pytestmark = pytest.mark.libreoffice
D = load_definition()


def _shape(path: Path) -> dict:
    """What must survive a trip through Calc: tabs, headers, names, validations, formats."""
    workbook = openpyxl.load_workbook(path)
    validations, formats = {}, {}
    for sheet in workbook.worksheets:
        validations[sheet.title] = sorted(
            (v.type, (v.formula1 or "").lstrip("=")) for v in sheet.data_validations.dataValidation
            if v.type == "list")
        formats[sheet.title] = sum(len(cf.rules) for cf in sheet.conditional_formatting)
    headers = {s.title: [c.value for c in s[1]][:5] for s in workbook.worksheets}
    return {"sheets": workbook.sheetnames, "names": sorted(workbook.defined_names),
            "validations": validations, "formats": formats, "headers": headers}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_template_survives_calc(soffice, tmp_path, fmt):
    original = write(blank_plan("fr"), tmp_path / "template.xlsx")
    back = roundtrip(original, fmt, tmp_path)
    before, after = _shape(original), _shape(back)
    assert after["sheets"] == before["sheets"]
    assert after["names"] == before["names"]
    assert after["validations"] == before["validations"]
    assert after["formats"] == before["formats"]
    journey = D.tab("journey").labels["fr"]
    assert after["headers"][journey][1].startswith("=IF(INDEX(list_stage,1)")
    shown = CalamineWorkbook.from_path(str(back)).get_sheet_by_name(journey).to_python()
    assert shown[0][:2] == ["Canal \\ Étape", "Je découvre"]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_plan_saved_by_calc_reads_back_equal(soffice, tmp_path, fmt):
    plan = clean_plan("en")
    source = write(plan, tmp_path / "plan.xlsx")
    saved = convert(source, fmt, tmp_path / fmt)
    assert load(saved) == plan


def test_calc_formulas_score_like_python(soffice, tmp_path):
    """Weights 2 and 1, thresholds 3.5 and 2: Calc's own recalculation gives Python's numbers."""
    marks = [(5, 4, 1), (4, 4, 2), (5, 1, 5), (2, 3, 3), (3, 3, 3), (3, 3, 3), (1, 1, 1),
             (4, 5, 4), (2, 2, 5), (5, 5, 3), (3, 4, 2)]
    use_cases = tuple(
        UseCase(id=f"UC-{i:03d}", title=f"Cas {i}", business_impact=b, cx_impact=c,
                difficulty=d)
        for i, (b, c, d) in enumerate(marks, start=1))
    use_cases = (*use_cases, replace(use_cases[0], id="UC-099", difficulty=None))
    # Measures on three touchpoints, every indicator: stakes lift the use cases on them.
    use_cases = (replace(use_cases[0], stage="buy", channel="website"),
                 replace(use_cases[1], stage="buy"), replace(use_cases[2], stage="get_help",
                                                             channel="phone"),
                 replace(use_cases[3], stage="discover", channel="store"), *use_cases[4:])
    measures = (
        Measure(stage="buy", channel="website", indicator="ces_7", value=3.8, target=5.5,
                share=55),
        Measure(stage="buy", channel="website", indicator="csat_pct", value=0.32, target=60,
                share=0.55),
        Measure(stage="buy", channel="store", indicator="csat_5", value=4.3, target=4.5,
                share=38),
        Measure(stage="get_help", channel="phone", indicator="nps", value=-12, target=20,
                share=6),
        Measure(stage="discover", channel="store", indicator="csat_5", value=2.0),
    )
    plan = blank_plan("fr").with_changes(
        use_cases=use_cases, measures=measures,
        settings={"weight_business": 2, "weight_cx": 1, "threshold_value": 3.5,
                  "threshold_ease": 2})
    source = write(plan, tmp_path / "plan.xlsx")
    _blank_cached_results(source, tmp_path / "uncached.xlsx")
    recalculated = convert(tmp_path / "uncached.xlsx", "xlsx", tmp_path / "calc", recalc=True)
    rows = CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("Cas d'usage").to_python()
    header = rows[0]
    col = {key: header.index(D.tab("use_cases").column(key).labels["fr"])
           for key in ("id", "value", "ease", "score", "quadrant", "rank")}
    calc = {r[col["id"]]: r for r in rows[1:] if r[col["id"]]}
    python = {p.id: p for p in priorities(plan)}
    assert calc["UC-099"][col["score"]] == ""  # unscored in both
    assert "UC-099" not in python
    quadrant_labels = {v.key: v.labels["fr"] for v in D.list("quadrant").values}
    for uc_id, p in python.items():
        row = calc[uc_id]
        assert row[col["value"]] == pytest.approx(p.value)
        assert row[col["ease"]] == pytest.approx(p.ease)
        assert row[col["score"]] == pytest.approx(p.score)
        assert row[col["quadrant"]] == quadrant_labels[p.quadrant]
        assert int(row[col["rank"]]) == p.rank
    assert sum(p.stake or 0 for p in python.values()) > 0.3  # the measures did weigh
    measured = CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("Mesures").to_python()
    header = measured[0]
    col = {key: header.index(D.tab("measures").column(key).labels["fr"])
           for key in ("rating", "gap", "stake")}
    for row, assessed in zip(measured[1:], Evidence(plan).assessed, strict=False):
        for key in ("rating", "gap", "stake"):
            expected = getattr(assessed, key)
            assert row[col[key]] == ("" if expected is None else pytest.approx(expected)), key


def _blank_cached_results(source: Path, target: Path) -> None:
    """Drop the cached results omnisheet wrote, so the numbers can only be Calc's."""
    import re
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(<f>[^<]*</f>)<v>[^<]*</v>", rb"\1<v></v>", data)
                data = data.replace(b' t="str"', b"")
            zout.writestr(item, data)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_instructions_print_whole_on_the_page(soffice, poppler, tmp_path, lang):
    """Printed by Calc, the instructions' paragraphs keep every word: the column was
    wider than the page and each line was cut at its edge ("partir du parcours v")."""
    definition = load_definition()
    blank = write(clean_plan(lang).with_changes(use_cases=()), tmp_path / "plan.xlsx")
    pdf = convert(blank, "pdf", tmp_path / "pdf")
    printed = " ".join(pdf_text(pdf, 1).split())
    tab = definition.tab("instructions")
    paragraphs = [texts[lang] for _, kind, texts in instruction_lines(tab, definition)
                  if kind == "body"]
    first = " ".join(paragraphs[0].split())
    assert first in printed.replace("- ", "-"), printed[:400]
