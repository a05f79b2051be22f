"""What a French team reads, in every output, is French: numbers with a decimal comma and
a narrow no-break space before %, shares as percentages, severities and the command
line's words in French, titles cut at a word; and the English outputs in English form."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from plans import clean_plan

from omnisheet import check
from omnisheet.outputs.json.report import report_json
from omnisheet.outputs.workbook import write
from omnisheet.plan.model import DataNeed
from omnisheet.read.reader import load

ROOT = Path(__file__).parent.parent
FRENCH = ROOT / "samples" / "retail-fr.xlsx"
NNBSP = "\u202f"

# The sample's two measures that contradict their status, as each language says them.
CONTRADICTIONS = {
    "fr": ["CSAT (1 à 5) = 3,1 (cible 4,2)", f"CSAT (%) = 58{NNBSP}% (cible 75{NNBSP}%)"],
    "en": ["CSAT (1 to 5) = 3.1 (target 4.2)", "CSAT (%) = 58% (target 75%)"],
}


@pytest.fixture(scope="module", params=["fr", "en"])
def outputs(request, tmp_path_factory):
    """Every output of the French sample, in one language."""
    from click.testing import CliRunner

    from omnisheet.cli import main

    lang = request.param
    folder = tmp_path_factory.mktemp(lang)
    run = CliRunner().invoke
    checked, page = folder / "checked.xlsx", folder / "plan.html"
    text = run(main, ["check", str(FRENCH), "--lang", lang, "-o", str(checked)]).output
    data = json.loads(run(main, ["check", str(FRENCH), "--lang", lang, "--format", "json"]).output)
    run(main, ["report", str(FRENCH), "--lang", lang, "-o", str(page)])
    html = page.read_text(encoding="utf-8")
    return lang, text, data, openpyxl.load_workbook(checked), html


def test_measures_are_written_as_the_language_writes_numbers_in_every_output(outputs):
    lang, text, data, workbook, html = outputs
    messages = [f["message"] for f in data["findings"]]
    # the Findings tab: the first of the three omnisheet adds after the team's tabs
    findings_tab = [c.value for c in workbook.worksheets[-3]["G"] if isinstance(c.value, str)]
    comments = [c.comment.text for c in workbook["Mesures"]["D"] if c.comment is not None]
    for said in CONTRADICTIONS[lang]:
        assert said in text
        assert any(said in m for m in messages)
        assert any(said in m for m in findings_tab)
        assert any(said in c for c in comments)
        assert said.replace(NNBSP, "&#8239;") in html or said in html
    assert not re.search(r"\d\.\d" if lang == "fr" else r"\d,\d", "\n".join(messages))


def test_a_findings_value_is_the_cells_value_not_how_a_message_shows_it(outputs):
    """A measure's finding says "58 %" in its message and keeps 0.58, the cell's value, as
    its value: in the JSON and in the Findings tab, never a Python object."""
    lang, text, data, workbook, html = outputs
    values = [f["value"] for f in data["findings"]]
    assert all(v is None or isinstance(v, str | int | float | bool) for v in values)
    assert 0.58 in values
    cells = [c.value for row in workbook.worksheets[-3].iter_rows() for c in row]
    assert not [v for v in cells if isinstance(v, str) and re.match(r"(Share|Fixed)\(", v)]
    # a list's value as the cell shows it, not its key: the pressure finding's channel
    rows = {row[1].value: row[5].value for row in workbook.worksheets[-3].iter_rows(min_row=2)}
    assert rows["pressure-over-cap"] == "Email"
    assert next(f["value"] for f in data["findings"] if f["code"] == "pressure-over-cap") == (
        "email")  # the JSON keeps the stable key


def test_the_dashboard_shows_readiness_as_the_text_report_does(outputs):
    """73,6 % in the text report is 73,6 % on the Dashboard, not 74 %."""
    lang, text, data, workbook, html = outputs
    board = workbook["Tableau de bord" if "Tableau de bord" in workbook else "Dashboard"]
    summary = data["summary"]["readiness"]["summary"]
    assert board["B3"].value == pytest.approx(summary, abs=0.05)
    # the figure as it is (one decimal, none when it is whole: 53 %, never 53,0 %), with
    # the % sign as the language writes it: "73,6 %" in French, "73.6%" in English
    # (the Dashboard speaks the workbook's language, French here)
    french = board.title == "Tableau de bord"
    assert board["B3"].number_format == ('General"\u202f%"' if french else 'General"%"')
    shown = f"{board['B3'].value:.1f}".replace(".", "," if lang == "fr" else ".")
    assert shown + ("\u202f%" if lang == "fr" else "%") in text


def test_the_text_report_speaks_the_language(outputs):
    lang, text, *_ = outputs
    if lang == "fr":
        assert f"Maturité omnicanale : 73,6{NNBSP}%" in text
        assert "débloque 40,1 · 4 variables" in text
        assert "avertissement" in text and "warning" not in text
        assert "Classeur vérifié : " in text
    else:
        assert "Omnichannel readiness: 73.6%" in text
        assert "unblocks 40.1" in text and "Checked workbook: " in text
    cut = [line.rsplit("  ", 1)[-1][:-1] for line in text.splitlines()
           if "Quick win" in line and line.endswith("…")]
    titles = [str(u.title) for u in load(FRENCH).use_cases]
    assert cut and all(any(t.startswith(c) and t[len(c)] == " " for t in titles)
                       for c in cut), cut  # cut after a whole word


def test_the_diff_speaks_the_language(cli, tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("later", ROOT / "samples" / "later.py")
    later = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(later)
    april = tmp_path / "avril.xlsx"
    later.main([str(april)])
    french = cli("diff", FRENCH, april).output
    assert f"Maturité omnicanale : 73,6{NNBSP}% → 76,2{NNBSP}% (+2,6 points)" in french
    assert "[nouveau] avertissement" in french and "warning" not in french
    assert "score 12,1" in french and "score 16,0 → 20,0" in french
    english = cli("diff", FRENCH, april, "--lang", "en").output
    assert "Omnichannel readiness: 73.6% → 76.2% (+2.6 points)" in english


def test_omnisheet_checks_speaks_french(cli):
    french = cli("checks", "--lang", "fr").output
    assert "Un onglet du modèle est absent du classeur" in french
    assert "(erreur)" in french and "(error)" not in french
    assert "A tab of the template is not in the workbook" in cli("checks", "--lang", "en").output


def test_a_data_need_without_a_source_is_said_with_one_word_everywhere(tmp_path):
    plan = clean_plan().with_changes(data_needs=(
        *clean_plan().data_needs,
        DataNeed(scenario="SC-001", variable="Date de naissance", availability="to_collect")))
    report = check(plan)
    from omnisheet.outputs.html.report import render_html
    from omnisheet.outputs.text.report import render_text

    assert "(sans source) — débloque" in render_text(report)
    assert "(sans source)" in render_html(report, "fr")
    out = write(plan, tmp_path / "checked.xlsx", report=report)
    dashboard = openpyxl.load_workbook(out)["Tableau de bord"]
    assert "(sans source)" in {c.value for row in dashboard.iter_rows() for c in row}
    assert report_json(check(plan, lang="en"))["data_roadmap"][-1]["source"] is None  # data


def test_help_texts_are_whole_in_header_comments_and_input_prompts(tmp_path):
    """Objectif's help holds a comma: YAML once cut it there."""
    plan = load(write(clean_plan(), tmp_path / "plan.xlsx"))
    workbook = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    sheet = workbook[plan.sheet("use_cases")]
    header = next(c for c in sheet[1] if c.value == "Objectif")
    assert "(conversion, satisfaction...)." in header.comment.text
    prompts = [v.prompt for v in sheet.data_validations.dataValidation if v.prompt]
    assert any("(conversion, satisfaction...)." in p for p in prompts)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_input_prompts_end_at_a_sentence_or_an_ellipsis_within_excels_limit(cli, tmp_path, lang):
    """Excel shows at most 255 characters of a prompt: one that stopped mid-word
    ("…soumis au consentemen") read as broken."""
    path = tmp_path / "plan.xlsx"
    assert cli("new", path, "--lang", lang).exit_code == 0
    prompts = {v.prompt for sheet in openpyxl.load_workbook(path).worksheets
               for v in sheet.data_validations.dataValidation if v.prompt}
    assert prompts
    for prompt in prompts:
        assert len(prompt) <= 255 and prompt.rstrip().endswith((".", "…", ")", "»")), prompt


def test_a_long_help_is_cut_at_its_last_whole_sentence():
    from omnisheet.template.text import first_sentences

    text = "Une phrase courte. " * 10 + "Une dernière phrase bien trop longue pour tenir ici."
    cut = first_sentences(text, 200)
    assert len(cut) <= 200 and cut.endswith("courte.") and cut.count(".") == cut.count(
        "Une phrase courte")
    assert first_sentences("mot " * 100, 50).endswith("…")
    assert first_sentences("Court.", 255) == "Court."


def test_a_negative_number_is_written_with_the_minus_sign_in_french():
    """French writes −12 (U+2212, no line break after it), English -12; either typed back
    in a cell reads as a number."""
    from omnisheet.template.definition import load_definition
    from omnisheet.template.formatting import Formatter
    from omnisheet.template.numbers import as_number

    d = load_definition()
    assert Formatter.of(d, "fr").number(-12.1) == "\u221212,1"
    assert Formatter.of(d, "fr").points(-2.6) == f"\u22122,6{NNBSP}%"
    assert Formatter.of(d, "en").number(-1234.5) == "-1,234.5"
    assert as_number("\u221212") == -12 and as_number("-3,5") == -3.5


@pytest.mark.parametrize(("lang", "counts", "said"), [
    ("fr", (0, 1, 2), "0 erreur, 1 avertissement, 2 informations"),
    ("fr", (2, 0, 1), "2 erreurs, 0 avertissement, 1 information"),
    ("en", (0, 1, 2), "0 errors, 1 warning, 2 information"),
])
def test_words_agree_with_their_count(lang, counts, said):
    """« 1 erreur, 2 informations », not « 1 erreur(s) »: French takes the singular for 0
    and 1, English for 1 alone; a title the team typed is never changed."""
    from omnisheet.template.definition import load_definition

    words = load_definition().words_for("text_report", lang)
    assert ", ".join(words[k].counted(n) for k, n in zip(("errors", "warnings", "infos"), counts,
                                                         strict=True)) == said
    portfolio = load_definition().words_for("portfolio", "fr")
    assert portfolio["checked"].format(n=1) == "1 plan vérifié"
    assert portfolio["source_in"].format(source="« 2 produit(s) »", value="3", n=2,
                                         plans="a, b").startswith("« 2 produit(s) »")


def test_a_word_sent_to_a_worker_process_keeps_its_agreement():
    """The portfolio's workers hand words back to the parent by pickling them."""
    import pickle

    from omnisheet.template.definition import load_definition

    word = load_definition().words_for("text_report", "fr")["errors"]
    assert pickle.loads(pickle.dumps(word)).counted(2) == "2 erreurs"
