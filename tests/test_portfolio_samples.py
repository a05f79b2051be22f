"""Groupe Lumen's portfolio (samples/portfolio/): built by its script, and showing what a
head office looks for: a friction everywhere, a use case two countries want, one far
behind, and lists that differ."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from omnisheet import check
from omnisheet.portfolio.compare import compare
from omnisheet.portfolio.summary import summarise
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

FOLDER = Path(__file__).parent.parent / "samples" / "portfolio"
D = load_definition()


def _script():
    spec = importlib.util.spec_from_file_location("portfolio_build", FOLDER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built():
    return _script().group()


@pytest.fixture(scope="module")
def portfolio():
    return compare([summarise(check(load(p)), p.stem)
                    for p in sorted(FOLDER.glob("*.xlsx"))], D)


def test_the_committed_plans_are_the_scripts_output(built):
    assert sorted(p.stem for p in FOLDER.glob("*.xlsx")) == sorted(built)
    for name, plan in built.items():
        assert load(FOLDER / f"{name}.xlsx") == plan, \
            f"{name}.xlsx is stale: run python samples/portfolio/build.py"


def test_one_friction_is_shared_by_every_country(portfolio):
    cell = portfolio.grid.cells[("get_help", "=service client telephone chat")]
    assert len(cell.friction) == 3


def test_two_countries_want_the_same_use_case_typed_differently(portfolio):
    wanted = next(u for u in portfolio.use_cases if u.title.lower().startswith("click"))
    assert wanted.plan_names == ("lumen-belgique", "lumen-suisse")
    assert {p.id for p in wanted.plans} == {"UC-030", "UC-007"}  # numbered by each team


def test_one_country_is_far_behind(portfolio):
    ranked = portfolio.by_readiness()
    assert ranked[-1].name == "lumen-suisse"
    assert ranked[-1].readiness < ranked[0].readiness / 2


def test_a_renamed_stage_and_an_added_channel_are_said(portfolio):
    said = {(d.list, d.value.typed or d.value.key, d.present,
             d.in_place_of.key if d.in_place_of else None) for d in portfolio.differences}
    assert ("stage", "Je commande", ("lumen-belgique",), "buy") in said
    assert ("channel", "WhatsApp", ("lumen-belgique",), None) in said
