"""Property-based: any plan written and read back is the same plan, and keeps every value."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.plan.model import DataNeed, Message, Placement, Scenario, Touchpoint, UseCase
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

D = load_definition()

# Printable text: no control characters, no surrounding spaces (the reader strips them),
# including text that looks like a formula, which must stay text.
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zl", "Zp")),
    min_size=1, max_size=120,
).map(str.strip).filter(bool).filter(lambda s: "_x" not in s)
maybe_text = st.none() | text | st.sampled_from(["=1+1", "+33 6 12", "-", "@home", "=HYPERLINK(\"x\")"])
mark = st.none() | st.integers(1, 5)


def key_of(list_key: str):
    return st.none() | st.sampled_from(D.list(list_key).keys)


ids = st.from_regex(r"[A-Z]{2}-[0-9]{3}", fullmatch=True)

use_case = st.builds(
    UseCase, id=ids, category=key_of("category"), title=text, objective=maybe_text,
    description=maybe_text, stage=key_of("stage"), channel=key_of("channel"),
    business_impact=mark, cx_impact=mark, difficulty=mark, owner=maybe_text,
    status=key_of("use_case_status"))
scenario = st.builds(
    Scenario, id=ids, name=text, programme=key_of("programme"),
    relationship_stage=key_of("relationship_stage"), target=key_of("target"),
    use_case=st.none() | ids, trigger_type=key_of("trigger_type"), trigger=maybe_text,
    exit_condition=maybe_text, purpose=key_of("purpose"), trigger_hour=st.none() | st.integers(0, 23))
message = st.builds(Message, scenario=ids, delay=st.sampled_from(["J+0", "J+1", "D+5", "H+2", "3 jours"]),
                    channel=key_of("channel"), content=maybe_text)
data_need = st.builds(DataNeed, scenario=ids, variable=text, description=maybe_text,
                      source=key_of("source"), availability=key_of("availability"),
                      frequency=key_of("frequency"), owner=maybe_text)


@st.composite
def plans(draw):
    lang = draw(st.sampled_from(["fr", "en"]))
    cells = draw(st.lists(st.tuples(st.sampled_from(D.list("stage").keys),
                                    st.sampled_from(D.list("channel").keys)),
                          unique=True, max_size=12))
    touchpoints = tuple(
        Touchpoint(stage=s, channel=c, description=draw(maybe_text),
                   status=draw(key_of("touchpoint_status")))
        for s, c in cells)
    touchpoints = tuple(t for t in touchpoints if t.description or t.status)
    spots = draw(st.lists(st.tuples(st.sampled_from(D.list("relationship_stage").keys),
                                    st.sampled_from(D.list("target").keys)),
                          unique=True, max_size=6))
    placements = tuple(Placement(relationship_stage=s, target=t,
                                 scenarios=tuple(draw(st.lists(ids, min_size=1, max_size=3))))
                       for s, t in spots)
    return blank_plan(lang).with_changes(
        touchpoints=touchpoints, placements=placements,
        use_cases=tuple(draw(st.lists(use_case, max_size=8))),
        scenarios=tuple(draw(st.lists(scenario, max_size=6))),
        messages=tuple(draw(st.lists(message, max_size=25))),
        data_needs=tuple(draw(st.lists(data_need, max_size=8))),
        settings={**blank_plan(lang).settings,  # every setting of the template, then these
                  "weight_business": draw(st.integers(0, 3)), "weight_cx": draw(st.integers(1, 3)),
                  "threshold_value": 3, "threshold_ease": draw(st.integers(1, 5))},
    )


@pytest.mark.slow  # 40 random plans written and read: about 25 s
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_write_then_load_is_the_identity(plan):
    with tempfile.TemporaryDirectory() as folder:
        path = write(plan, Path(folder) / "plan.xlsx")
        assert load(path) == plan


@given(st.lists(st.none() | st.integers(1, 40), max_size=60))
def test_records_keep_the_row_they_were_read_from_and_never_share_one(read_rows):
    """Rows typed twice (a pasted block) or not at all (an imported plan) go after the rest;
    no record overwrites another in the written workbook."""
    from omnisheet.outputs.workbook.tabs import _placed_rows

    records = tuple(Message(scenario="SC-1", row=r) for r in read_rows)
    rows = _placed_rows(records, sort=False, order=None)
    assert len(set(rows)) == len(rows) and all(r >= 1 for r in rows)
    seen: set[int] = set()
    for read, placed in zip(read_rows, rows, strict=True):
        if read is not None and read > 1 and read - 1 not in seen:
            assert placed == read - 1  # first claim on a row keeps it
        seen.add(placed)
