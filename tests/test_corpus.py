"""Every file of the shared real-file corpus gets a normal result or one human line.

The corpus (``../shared/corpus``: 826 files written by Excel, LibreOffice, Google Sheets,
Numbers, POI and others) is used in place, never copied; without it these tests skip.
One run per module checks every file as a user would, two child processes at a time, each
under an address-space and CPU limit (``bench/corpus.py``, which ``make corpus`` runs to
print the figures docs/safety.md quotes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import corpus
import pytest
from support.bounded import run_bounded

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.skipif(not corpus.CORPUS.is_dir(),
                                 reason=f"no corpus at {corpus.CORPUS}"),
              pytest.mark.slow]  # 826 files, each in its own process: one to two minutes

# The project's samples, resaved by LibreOffice: the only plans in the corpus.
RESAVED = {
    "bank-en.lo-ms2007.xlsx": "bank-en.xlsx",
    "bank-en.lo-ooxml.xlsx": "bank-en.xlsx",
    "bank-en.lo.ods": "bank-en.xlsx",
    "retail-fr.lo-ms2007.xlsx": "retail-fr.ods",
    "retail-fr.lo-ooxml.xlsx": "retail-fr.ods",
    "retail-fr.lo.xlsm": "retail-fr.ods",
}
# Resaved in formats omnisheet refuses, with the words the user must read. A legacy .xls
# cannot be vetted before a parser inflates it (python-calamine's own test files include
# .xls that make it allocate gigabytes) nor have its colours read, and a flat .fods is one
# XML document calamine does not read; Excel and LibreOffice save either as .xlsx at once.
REFUSED = {
    "bank-en.lo.xls": ("Excel 97-2003", "save it as .xlsx"),
    "bank-en.lo.fods": ("flat OpenDocument", "save it as .ods or .xlsx"),
}
# Said of the file, not of a cell of the plan: an .xlsm's macros are not kept in the output.
ABOUT_THE_FILE = {"macros-not-kept"}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, corpus.Outcome]:
    return {outcome.name: outcome for outcome in corpus.run_corpus(corpus.corpus_files())}


def test_every_file_gets_a_normal_result_or_one_human_line(
        outcomes: dict[str, corpus.Outcome]) -> None:
    broken = [problem for outcome in outcomes.values() for problem in corpus.problems(outcome)]
    assert not broken, (f"{len(broken)} problems in {len(outcomes)} files:\n"
                        + "\n".join(broken))


def test_every_resaved_plan_is_accounted_for() -> None:
    present = {path.name for path in (corpus.CORPUS / "lo-resaved").iterdir()}
    assert present == set(RESAVED) | set(REFUSED)


def _triples(report: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return sorted((f["code"], f.get("sheet"), f.get("cell")) for f in report["findings"]
                  if f["code"] not in ABOUT_THE_FILE)


# The commit whose samples lo-resaved/ holds (../shared/corpus/SOURCES.md).
CORPUS_COMMIT = "98f7a34"


def _sample_as_resaved(sample: str, folder: Path) -> Path:
    """The sample as it was when LibreOffice resaved it (its YAML at CORPUS_COMMIT), written
    by today's omnisheet: the same plan, so that a sample edited since (a scenario moved, a
    consent added) still compares like with like. Without that commit (a shallow clone),
    today's sample."""
    import subprocess

    from omnisheet.outputs.workbook import write
    from omnisheet.read.plan_file import read_plan_file

    stem = Path(sample).stem
    shown = subprocess.run(["git", "show", f"{CORPUS_COMMIT}:samples/{stem}.yaml"], cwd=ROOT,
                           capture_output=True, check=False)
    if shown.returncode != 0:
        return ROOT / "samples" / sample
    source = folder / f"{stem}.yaml"
    source.write_bytes(shown.stdout)
    return write(read_plan_file(source), folder / f"{stem}.xlsx")


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory) -> dict[str, dict[str, Any]]:
    reports = {}
    folder = tmp_path_factory.mktemp("resaved-from")
    for sample in sorted(set(RESAVED.values())):
        run = run_bounded("check", str(_sample_as_resaved(sample, folder)), "--format", "json")
        assert run.returncode in (0, 1), run.stderr
        reports[sample] = json.loads(run.stdout)
    return reports


@pytest.mark.parametrize(("resaved", "sample"), sorted(RESAVED.items()))
def test_a_plan_resaved_by_libreoffice_checks_like_its_sample(
        outcomes: dict[str, corpus.Outcome], sample_reports: dict[str, dict[str, Any]],
        resaved: str, sample: str) -> None:
    outcome = outcomes[f"lo-resaved/{resaved}"]
    assert outcome.check.returncode in (0, 1), outcome.check.stderr
    report = json.loads(outcome.check.stdout)
    assert _triples(report) == _triples(sample_reports[sample])
    assert report["summary"]["objects"] == sample_reports[sample]["summary"]["objects"]
    assert outcome.written is not None and outcome.output_exists, "no checked workbook"


@pytest.mark.parametrize(("resaved", "words"), sorted(REFUSED.items()))
def test_a_plan_resaved_in_a_format_omnisheet_refuses_says_which_and_what_to_do(
        outcomes: dict[str, corpus.Outcome], resaved: str, words: tuple[str, ...]) -> None:
    run = outcomes[f"lo-resaved/{resaved}"].check
    assert run.returncode == 2
    for word in words:
        assert word in run.stderr
