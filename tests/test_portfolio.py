"""The comparison of plans (pure), counted by hand on the three plans of
tests/portfolio_plans.py; which files of a folder are plans; workers that die."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest
from portfolio_plans import group

from omnisheet import check
from omnisheet.portfolio.compare import Value, compare, merged
from omnisheet.portfolio.files import find_plans, lock_target, short_names
from omnisheet.portfolio.summary import Unread, summarise
from omnisheet.portfolio.workers import Task, check_all
from omnisheet.template.definition import load_definition

D = load_definition()
TEMPLATE_BUY = Value("buy")
COMMANDE = Value("=je commande", "Je commande")
WHATSAPP = Value("=whatsapp", "WhatsApp")


@pytest.fixture(scope="module")
def reports():
    return {name: check(plan) for name, plan in group().items()}


@pytest.fixture(scope="module")
def portfolio(reports):
    return compare([summarise(r, name) for name, r in reports.items()], D)


def test_friction_and_opportunity_counts_per_touchpoint(portfolio):
    grid = portfolio.grid

    def cell(stage, channel):
        return grid.cells[(stage, channel)]

    assert (cell("find_out", "website").friction, cell("find_out", "website").possible) == (
        ("plan-a", "plan-b"), 3)
    # C renamed buy: its « Je commande » × website is no other plan's, and C cannot have buy
    buy = cell("buy", "website")
    assert (buy.friction, buy.opportunity, buy.plans, buy.possible) == (
        ("plan-b",), ("plan-a",), ("plan-a", "plan-b"), 2)
    commande = cell(COMMANDE.key, "website")
    assert (commande.opportunity, commande.plans, commande.possible) == (("plan-c",), ("plan-c",), 1)
    assert cell("receive", "sms").friction == ("plan-b", "plan-c")
    assert cell("get_help", WHATSAPP.key).opportunity == ("plan-b",)
    assert cell("discover", "social").plans == ("plan-a", "plan-b", "plan-c")
    assert cell("discover", "social").friction == cell("discover", "social").opportunity == ()
    recurring = [(c.stage.key, c.channel.key, len(c.friction)) for c in grid.recurring("friction")]
    assert recurring == [("find_out", "website", 2), ("receive", "sms", 2)]
    assert grid.recurring("opportunity") == []
    # the axes: the template's stages in order, « Je commande » where C has it, WhatsApp last
    stages = [s.key for s in grid.stages]
    assert stages.index("buy") + 1 == stages.index(COMMANDE.key)
    assert grid.channels[-1] == WHATSAPP


def test_use_cases_recur_by_title_accents_and_case_aside_category_and_touchpoint(portfolio):
    found = [(u.title, u.category.key, u.stage.key, u.channel.key,
              [(p.plan, p.id, p.score, p.rank) for p in u.plans]) for u in portfolio.use_cases]
    assert found == [
        # value 4, ease 4; A's touchpoint is measured (stake 0.06: 16.96), C has no measure
        ("Enrichir les fiches produit", "knowledge", "find_out", "website",
         [("plan-a", "UC-001", 16.96, 1), ("plan-c", "UC-001", 16.0, 1)]),
        # B's title is A's in capitals without accents; value 4, ease 2
        ("Relancer les paniers abandonnés", "activation", "buy", "",
         [("plan-a", "UC-002", 8.0, 2), ("plan-b", "UC-002", 8.0, 2)]),
    ]
    assert portfolio.use_cases[0].mean_score == 16.48


def test_data_sources_that_block_the_most_value_across_plans(portfolio):
    found = [(s.source.key, s.value, [(p.plan, p.value, p.variables) for p in s.plans])
             for s in portfolio.sources]
    # B's CRM blocks SC-002 (UC-002, 8); C's blocks SC-001 (UC-001, 16), as does its carrier
    assert found == [("crm", 24.0, [("plan-b", 8.0, 1), ("plan-c", 16.0, 1)]),
                     ("=transporteur", 16.0, [("plan-c", 16.0, 1)])]


def test_measures_per_touchpoint_where_plans_have_them(portfolio):
    assert [(m.stage.key, m.channel.key, m.indicator.key, m.plan_names,
             [(p.rating, p.gap) for p in m.plans]) for m in portfolio.measures] == [
        ("find_out", "website", "csat_5", ("plan-a", "plan-b"), [(65.0, 15.0), (65.0, 15.0)])]


def test_lists_that_differ_are_said_with_the_value_a_renamed_one_stands_for(portfolio):
    found = [(d.list, d.value, d.present, d.absent, d.in_place_of)
             for d in portfolio.differences]
    assert found == [
        ("stage", TEMPLATE_BUY, ("plan-a", "plan-b"), ("plan-c",), None),
        ("stage", COMMANDE, ("plan-c",), ("plan-a", "plan-b"), TEMPLATE_BUY),
        ("channel", WHATSAPP, ("plan-b",), ("plan-a", "plan-c"), None),
    ]


def test_readiness_per_plan_and_per_figure(portfolio, reports):
    readiness = {name: r.readiness.summary for name, r in reports.items()}
    figure = portfolio.figure("readiness")
    assert figure.values == tuple(readiness.items())
    assert (figure.lowest, figure.highest) == (min(readiness.values()), max(readiness.values()))
    assert figure.median == statistics.median(readiness.values())
    assert figure.lowest_plans == tuple(n for n, v in readiness.items() if v == figure.lowest)
    assert [p.name for p in portfolio.by_readiness()] == sorted(
        readiness, key=lambda n: -readiness[n])
    frictions = portfolio.figure("frictions_addressed")
    assert frictions.values == tuple(
        (n, r.readiness.shares["frictions_addressed"]) for n, r in reports.items())
    assert portfolio.language == "fr"  # two French plans, one English


def test_a_lone_plan_compares_with_nothing():
    single = compare([summarise(check(group()["plan-b"]), "b")], D)
    assert single.use_cases == () and single.differences == ()
    assert single.grid.recurring("friction", at_least=2) == []
    assert single.language == "en"


def test_merged_orders_keep_each_lists_order():
    assert merged([["a", "b", "c"], ["a", "x", "c"], ["y", "a"]]) == ["y", "a", "b", "x", "c"]


# --- which files are plans -----------------------------------------------------------------


def test_lock_files_name_the_plan_they_lock():
    assert lock_target("~$plan.xlsx") == "plan.xlsx"
    assert lock_target(".~lock.plan.xlsx#") == "plan.xlsx"
    assert lock_target("plan.xlsx") is None and lock_target(".hidden.xlsx") is None


def test_a_folder_gives_its_workbooks_sorted_and_leaves_out_lock_and_hidden_files(tmp_path):
    from omnisheet.outputs.workbook import write

    for name in ("b.xlsx", "a.ods", "sub/c.xlsm", "notes.txt", ".a.xlsx.k3j9.tmp",
                 ".git/x.xlsx", "~$b.xlsx", ".~lock.a.ods#"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    write(group()["plan-a"], tmp_path / "d.xlsx")
    found = find_plans([tmp_path])
    assert [p.path.relative_to(tmp_path).as_posix() for p in found.plans] == [
        "a.ods", "b.xlsx", "d.xlsx", "sub/c.xlsm"]
    assert [(s.path.name, s.reason, s.plan) for s in found.skipped] == [
        (".~lock.a.ods#", "lock_file", "a.ods"), ("~$b.xlsx", "lock_file", "b.xlsx")]
    assert found.open_elsewhere == ("a", "b")
    # named one by one, as a shell's *.xlsx names them, the same files are left out
    again = find_plans(sorted(tmp_path.glob("*.xlsx")) + [tmp_path / "nope.xlsx"])
    assert [p.path.name for p in again.plans] == ["b.xlsx", "d.xlsx"]
    assert [s.path.name for s in again.skipped] == ["~$b.xlsx"]
    assert again.missing == (tmp_path / "nope.xlsx",)


def test_omnisheet_outputs_are_left_out_when_their_plan_is_there(tmp_path):
    from omnisheet.outputs.workbook import write

    plan = group()["plan-a"]
    source = write(plan, tmp_path / "france.xlsx")
    report = check(plan.with_changes(source=str(source)))
    (tmp_path / "checked").mkdir()
    write(report.plan, tmp_path / "checked" / "france.xlsx", report=report)
    write(report.plan, tmp_path / "france-checked.xlsx", report=report)
    found = find_plans([tmp_path])
    assert [p.path.name for p in found.plans] == ["france.xlsx"]
    assert sorted((s.path.name, s.reason, s.plan) for s in found.skipped) == [
        ("france-checked.xlsx", "omnisheet_output", "france.xlsx"),
        ("france.xlsx", "omnisheet_output", "france.xlsx")]
    # without its plan, a checked workbook is the team's plan, filled on in the checked copy
    alone = find_plans([tmp_path / "checked"])
    assert [p.path.name for p in alone.plans] == ["france.xlsx"] and not alone.skipped


def test_short_names_are_unique():
    paths = [Path("fr/plan.xlsx"), Path("be/plan.xlsx"), Path("ch.xlsx"), Path("x/fr/plan.ods")]
    assert short_names(paths) == ["fr/plan", "be/plan", "ch", "x/fr/plan"]
    assert short_names([Path("a.xlsx"), Path("a.ods")]) == ["a", "a (2)"]


# --- workers -------------------------------------------------------------------------------


def _dies_on_b(task: Task):
    if task.name == "b":
        os._exit(3)  # a worker killed outright, as the kernel does when memory runs out
    return Unread(task.path, task.name, f"done by {os.getpid()}")


def test_a_worker_that_dies_loses_only_its_own_plan():
    tasks = [Task(i, f"{name}.xlsx", name) for i, name in enumerate("abcdefg")]
    seen = []
    results = check_all(tasks, 2, work=_dies_on_b, done=lambda t, r: seen.append(t.name))
    assert [r.name for r in results] == list("abcdefg")
    died = [r for r in results if not r.message.startswith("done by")]
    assert [r.name for r in died] == ["b"]
    assert "omnisheet check" in died[0].message
    assert sorted(seen) == list("abcdefg")
    assert all(r.message != f"done by {os.getpid()}" for r in results)  # never in the parent
