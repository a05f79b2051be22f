"""Every value a cell can hold (a time, a date, a datetime, a duration, a boolean, an error
cell, numbers, text) in any column of any table survives export, import and diff: no
crash, and the plan exported and imported back shows no change."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from omnisheet import check
from omnisheet.analysis.diff import diff_plans
from omnisheet.outputs.json.diff import diff_json
from omnisheet.outputs.json.report import report_json
from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.plan.model import column_letter
from omnisheet.plan.serialise import plan_from_dict, plan_to_dict
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

D = load_definition()
COLUMNS = [(tab.key, column.key) for tab in D.table_tabs for column in tab.input_columns]

cell_values = st.one_of(
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.dates(dt.date(1950, 1, 1), dt.date(2090, 12, 31)),
    st.datetimes(dt.datetime(1950, 1, 1), dt.datetime(2090, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
    st.integers(0, 10_000).map(lambda m: dt.timedelta(minutes=m)),
    st.booleans(),
    st.just("#DIV/0!"),  # an error cell
    st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 4)),
    st.sampled_from(["18:00", "18h", "18 h 30", "45%", "45,5 %", "0,45", " friction "]),
)


def _plan_file(folder: Path, lang: str, cells: list[tuple[str, str, object]],
               one_row: bool = False) -> Path:
    """The blank template with each value typed on a row of its own (or all on the first),
    as a person's spreadsheet stores it (openpyxl: a time is a time, an error an error)."""
    path = write(blank_plan(lang), folder / "typed.xlsx")
    book = openpyxl.load_workbook(path)
    for row, (tab_key, column_key, value) in enumerate(cells, start=2):
        sheet = book[D.tab(tab_key).labels[lang]]
        keys = [c.key for c in D.tab(tab_key).columns]
        cell = sheet[f"{column_letter(keys.index(column_key) + 1)}{2 if one_row else row}"]
        cell.value = value
        if value == "#DIV/0!":
            cell.data_type = "e"
    book.save(path)
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # a failure is shown as found
@given(lang=st.sampled_from(["fr", "en"]),
       cells=st.lists(st.tuples(st.sampled_from(COLUMNS), cell_values), min_size=1, max_size=6))
def test_any_value_in_any_column_exports_imports_and_diffs_as_no_change(lang, cells):
    with tempfile.TemporaryDirectory() as folder:
        source = _plan_file(Path(folder), lang, [(t, c, v) for (t, c), v in cells])
        plan = load(source)
        report = check(plan)
        exported = json.dumps(plan_to_dict(plan), ensure_ascii=False)  # never a TypeError
        again = write(plan_from_dict(json.loads(exported)), Path(folder) / "imported.xlsx")
        back = load(again)
        result = diff_plans(plan, back, report, check(back))
        assert not result.changed, result.to_dict()
        json.dumps(diff_json(result), ensure_ascii=False)
        json.dumps(report_json(report), ensure_ascii=False)


def test_a_time_typed_in_a_text_cell_exports_as_the_time_people_read(tmp_path, cli):
    source = _plan_file(tmp_path, "fr", [("scenarios", "trigger", dt.time(18, 0)),
                                         ("scenarios", "trigger_hour", dt.time(18, 30))],
                        one_row=True)
    result = cli("export", source)
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)["scenarios"][0]
    assert row["trigger"] == "18:00"
    assert row["trigger_hour"] == 18.5


def test_the_samples_exported_and_imported_back_show_no_change(tmp_path, cli):
    """`export` then `import` of a real plan, then `diff`: "No changes"."""
    root = Path(__file__).parent.parent
    for sample in ("retail-fr.xlsx", "bank-en.xlsx"):
        exported, back = tmp_path / f"{sample}.json", tmp_path / f"back-{sample}"
        assert cli("export", root / "samples" / sample, "-o", exported).exit_code == 0
        assert cli("import", exported, "-o", back).exit_code == 0
        said = cli("diff", root / "samples" / sample, back, "--lang", "en").output
        assert said.strip().endswith("No changes."), said
