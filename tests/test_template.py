"""The generated template: tabs, headers, dropdowns, colours and formulas, in both languages."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
import yaml
from templates import copy_templates, edit, language_file

from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.read.reader import load
from omnisheet.template.definition import DefinitionError, _labels, load_definition

D = load_definition()


@pytest.fixture(params=["fr", "en"])
def template(request, tmp_path: Path):
    path = write(blank_plan(request.param), tmp_path / f"t-{request.param}.xlsx")
    return request.param, openpyxl.load_workbook(path)


def _sheet(workbook, lang: str, tab_key: str):
    return workbook[D.tab(tab_key).labels[lang]]


def test_every_tab_in_order_with_its_name_in_the_language(template):
    lang, workbook = template
    assert workbook.sheetnames == [t.labels[lang] for t in D.tabs]


def test_every_table_tab_has_its_headers_frozen(template):
    lang, workbook = template
    for tab in D.table_tabs:
        sheet = _sheet(workbook, lang, tab.key)
        assert [c.value for c in sheet[1]][: len(tab.columns)] == [c.labels[lang] for c in tab.columns]
        assert sheet.freeze_panes == "B2"


def _validations(sheet) -> dict[str, str]:
    """Column letter → validation formula, for validations that cover data rows."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            letter = re.match(r"[A-Z]+", cell_range.coord).group(0)
            found[letter] = (validation.type, validation.formula1, cell_range.max_row)
    return found


def test_every_listed_column_has_a_dropdown_on_a_defined_name(template):
    lang, workbook = template
    names = set(workbook.defined_names)
    for tab in D.table_tabs:
        validations = _validations(_sheet(workbook, lang, tab.key))
        for index, column in enumerate(tab.columns):
            if not (column.list or column.type == "ref"):
                continue
            letter = openpyxl.utils.get_column_letter(index + 1)
            kind, source, last_row = validations[letter]
            assert kind == "list"
            assert source.lstrip("=") in names, (tab.key, column.key, source)
            assert last_row >= D.data_rows + 1


def test_journey_status_cells_carry_the_three_colour_rules(template):
    lang, workbook = template
    sheet = _sheet(workbook, lang, "journey")
    rules = {}
    for cf in sheet.conditional_formatting:
        for rule in cf.rules:
            rules.setdefault(str(cf.sqref), []).append(rule.formula[0])
    first_pair = rules["B3:C22"]
    status = D.list("touchpoint_status")
    for value in status.values:
        assert any(value.labels[lang] in formula for formula in first_pair), value.key
    assert len(rules) == D.tab("journey").across.slots


def test_score_columns_are_formulas_reading_the_settings_tab(template):
    lang, workbook = template
    sheet = _sheet(workbook, lang, "use_cases")
    headers = [c.value for c in sheet[1]]
    formulas = {
        key: sheet.cell(row=2, column=headers.index(D.tab("use_cases").column(key).labels[lang]) + 1).value
        for key in ("value", "ease", "score", "quadrant", "rank")
    }
    assert all(str(f).startswith("=") for f in formulas.values())
    assert "weight_business" in formulas["value"] and "weight_cx" in formulas["value"]
    assert "threshold_value" in formulas["quadrant"]
    settings = _sheet(workbook, lang, "settings")
    target = workbook.defined_names["weight_business"].attr_text
    assert target.startswith(f"'{settings.title}'!")


def test_lists_tab_feeds_the_journey_headers(template):
    lang, workbook = template
    sheet = _sheet(workbook, lang, "journey")
    assert "list_stage" in sheet["B1"].value and "list_channel" in sheet["A3"].value


def test_new_refuses_to_overwrite_without_force(cli, tmp_path: Path):
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"precious")
    result = cli("new", out)
    assert result.exit_code == 2
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_bytes() == b"precious"
    assert cli("new", out, "--force", "--lang", "en").exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Instructions"


def test_adding_a_column_is_a_change_to_the_definition_only(tmp_path: Path):
    structure = copy_templates(tmp_path)

    def add_column(data):
        use_cases = next(t for t in data["tabs"] if t["key"] == "use_cases")
        use_cases["columns"].insert(4, {"key": "budget", "type": "list", "list": "scale",
                                        "width": 10})

    edit(structure, add_column)
    for lang, label, help_text in (("fr", "Budget", "Budget estimé, de 1 à 5."),
                                   ("en", "Budget", "Estimated budget, 1 to 5.")):
        edit(language_file(structure, lang), lambda data, label=label, help_text=help_text:
             data["tabs"]["use_cases"]["columns"].update(
                 {"budget": {"label": label, "help": help_text}}))
    definition = load_definition(structure)
    from omnisheet.plan.model import record_types

    UseCase = record_types(definition)["use_cases"]  # noqa: N806 - a class
    plan = blank_plan("fr", definition).with_changes(
        use_cases=(UseCase(id="UC-001", title="Test", budget="3"),))
    path = write(plan, tmp_path / "budget.xlsx", definition=definition)
    sheet = openpyxl.load_workbook(path)["Cas d'usage"]
    assert sheet["E1"].value == "Budget"
    assert _validations(sheet)["E"][1] == "list_scale"
    back = load(path, definition=definition)
    assert back.use_cases[0].budget == "3" and back.use_cases[0].extra == ()
    # a first-class field everywhere: export, CSV, frames, diff
    from omnisheet.analysis.diff import diff_plans
    from omnisheet.outputs.csv.exports import write_csv_folder
    from omnisheet.outputs.text.diff import render_diff_text
    from omnisheet.plan.frames import to_frames
    from omnisheet.plan.serialise import plan_to_dict

    assert plan_to_dict(back, definition)["use_cases"][0]["budget"] == "3"
    (csv_file,) = [p for p in write_csv_folder(back, tmp_path / "csv", definition)
                   if p.name == "use_cases.csv"]
    assert csv_file.read_text(encoding="utf-8-sig").splitlines()[0].split(",")[4] == "budget"
    assert list(to_frames(back, definition)["use_cases"]["budget"]) == ["3"]
    later = back.with_changes(use_cases=(replace(back.use_cases[0], budget="4"),))
    from omnisheet.analysis.report import build_report

    result = diff_plans(back, later, build_report(back, definition, "en"),
                        build_report(later, definition, "en"), definition=definition)
    assert "Budget: 3 → 4" in render_diff_text(result, definition=definition)


def test_a_language_file_without_a_text_is_refused_naming_the_place(tmp_path: Path):
    structure = copy_templates(tmp_path)
    edit(language_file(structure, "en"), lambda data: data["lists"]["channel"].pop("title"))
    with pytest.raises(DefinitionError, match=r"lang/en\.yaml: lists\.channel\.title: missing"):
        load_definition(structure)


def test_an_output_word_missing_from_one_language_is_refused(tmp_path: Path):
    """The outputs' words live in the language files: one missing in a language fails at
    load, named with its file and place."""
    structure = copy_templates(tmp_path)
    edit(language_file(structure, "en"), lambda data: data["words"]["dashboard"].pop("title"))
    with pytest.raises(DefinitionError, match=r"lang/en\.yaml: words\.dashboard: no text for "
                                              r"title \(it is in .*lang/fr\.yaml\)"):
        load_definition(structure)


def test_a_key_the_template_has_no_place_for_is_refused(tmp_path: Path):
    """A column renamed in one language file only, or a typo, is named, not ignored."""
    structure = copy_templates(tmp_path)
    edit(language_file(structure, "fr"), lambda data: data["tabs"]["use_cases"]["columns"]
         .update({"titre": {"label": "Titre", "help": "Le titre."}}))
    with pytest.raises(DefinitionError, match=r"lang/fr\.yaml: tabs\.use_cases\.columns\.titre"
                                              r"\.label: the template has no such place"):
        load_definition(structure)


def test_a_text_cut_at_a_comma_by_yaml_is_refused():
    """An unquoted flow mapping, {fr: Quand, dans la relation, ...}, makes the rest of the
    text a key: the loader refuses any key of a language map that is not a language."""
    data = yaml.safe_load("help: {fr: Quand, dans la relation, le scénario parle., en: When}")
    with pytest.raises(DefinitionError, match=r"somewhere\.help: dans la relation, le scénario "
                                              r"parle\. is not a language"):
        _labels(data["help"], "somewhere.help", ("fr", "en"))


def test_a_custom_definition_missing_a_word_everywhere_is_named_when_written(tmp_path):
    from omnisheet.outputs.workbook import blank_plan, write

    structure = copy_templates(tmp_path)
    for lang in ("fr", "en"):
        edit(language_file(structure, lang),
             lambda data: data["words"]["validation"].pop("fixed_list"))
    custom = load_definition(structure)
    with pytest.raises(DefinitionError, match=r"no words\.validation\.fixed_list"):
        write(blank_plan("fr", custom), tmp_path / "plan.xlsx", definition=custom)
    assert not (tmp_path / "plan.xlsx").exists()


def test_newer_functions_are_stored_with_their_prefix_and_others_as_written(tmp_path):
    """MAXIFS must be `_xlfn.MAXIFS` in the file, or Excel shows #NAME?; COUNTIFS must not."""
    import zipfile

    from omnisheet.outputs.workbook import blank_plan, write

    path = write(blank_plan("fr"), tmp_path / "plan.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "_xlfn.MAXIFS(" in xml
    assert xml.count("MAXIFS(") == xml.count("_xlfn.MAXIFS(")
    assert "COUNTIFS(" in xml and "_xlfn.COUNTIFS(" not in xml
    assert "<f>=" not in xml


def test_the_definition_cache_keeps_only_the_newest_folded_definitions(tmp_path, monkeypatch):
    """Every edit of the template writes a folded copy to the cache; old ones are removed
    rather than piling up, and a template edited again is folded and used at once."""
    import os

    from omnisheet.template.definition import CACHE_KEEP

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("OMNISHEET_CACHE", str(cache))
    stale = [cache / f"definition-{i:032x}.json" for i in range(CACHE_KEEP + 3)]
    for age, path in enumerate(stale):
        path.write_text("{}", encoding="utf-8")
        os.utime(path, ns=(10**18 + age, 10**18 + age))  # the older, the lower
    plan_yaml = copy_templates(tmp_path)
    edit(language_file(plan_yaml, "en"), lambda d: d["tabs"]["journey"].update(label="Journey"))
    assert load_definition(plan_yaml).tab("journey").labels["en"] == "Journey"
    kept = sorted(cache.glob("definition-*.json"))
    assert len(kept) == CACHE_KEEP
    assert stale[0] not in kept and stale[-1] in kept  # the oldest went first
    assert any(path not in stale for path in kept)  # the new one is among them
