"""The committed sample workbooks are built from their YAML (checked for meaning, not bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnisheet import check
from omnisheet.read.plan_file import read_plan_file
from omnisheet.read.reader import load

SAMPLES = Path(__file__).parent.parent / "samples"
SOURCES = sorted(SAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_built_sample_is_up_to_date(source, suffix):
    built = source.with_suffix(suffix)
    assert built.exists(), "run: make samples"
    assert load(built) == read_plan_file(source), f"{built.name} is stale: run make samples"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_samples_show_a_realistic_plan_with_a_few_gaps(source):
    report = check(read_plan_file(source))
    plan = report.plan
    assert len(plan.use_cases) >= 20 and len(plan.scenarios) >= 12
    assert len(plan.data_needs) >= 30
    serious = [f for f in report.findings if f.severity != "info"]
    assert 3 <= len(serious) <= 12  # a few gaps: the reviewer's checks find one or two more
    programmes = {s.programme for s in plan.scenarios}
    assert {"conversion", "activation", "upsell", "satisfaction"} <= programmes


def test_there_is_a_french_and_an_english_sample():
    assert {read_plan_file(s).language for s in SOURCES} == {"fr", "en"}
