"""`check -o --sort` gives the team's own workbook back with its use cases in rank order:
each record's row moves as Excel's own sort of the table would move it (its cells, their
formulas, the row's height and hidden state, the comments, links and merges on it), and
the findings move with their records (issue 28)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.comments
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from team_files import INSURER_OPS, SAMPLES, hotel, parts, sheet_parts

from omnisheet import check
from omnisheet.plan.model import Finding
from omnisheet.plan.rows import findings_on_moved_rows, rank_order
from omnisheet.read.reader import load
from omnisheet.template.facts import Phrase

OMNISHEET = str(Path(sys.executable).parent / "omnisheet")
USES = "Use cases"
LINK = "https://intranet.example/uc-004"


def _check(source: Path, out: Path, *more: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([OMNISHEET, "check", str(source), "-o", str(out), "--fail-on",
                             "never", "--force", *more], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _hotel_linked(path: Path) -> Path:
    """The hotel plan, and on UC-004's row (5): a link on its title, a merge inside the
    row, a taller row, and a note of the team's right of the table (column S)."""
    hotel(path)
    workbook = openpyxl.load_workbook(path)
    uses = workbook[USES]
    assert uses["A5"].value == "UC-004"
    uses["C5"].hyperlink = LINK
    uses.merge_cells("D5:E5")
    uses.row_dimensions[5].height = 30
    uses["S5"] = "Budget line 5"
    workbook.save(path)
    return path


def _rows(path: Path) -> dict[str, int]:
    """Each use case's sheet row, by ID."""
    return {u.id: u.row for u in load(path).use_cases}


@pytest.fixture(scope="module")
def hotel_sorted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hotel-sorted")
    source = _hotel_linked(folder / "hotel.xlsx")
    out, plain = folder / "sorted.xlsx", folder / "plain.xlsx"
    _check(source, out, "--sort")
    _check(source, plain)
    return source, out, plain


def test_use_cases_read_back_in_rank_order(hotel_sorted):
    source, out, _ = hotel_sorted
    before = load(source)
    report = check(before)
    rank = {p.id: p.rank for p in report.priorities}
    ids = [u.id for u in load(out).use_cases]
    assert sorted(ids) == sorted(u.id for u in before.use_cases)
    ranked = [i for i in ids if i in rank]
    assert [rank[i] for i in ranked] == sorted(rank[i] for i in ranked)
    assert ids[:len(ranked)] == ranked  # the unscored ones last, in the team's order
    unranked = [u.id for u in before.use_cases if u.id not in rank]
    assert ids[len(ranked):] == unranked
    assert ids != [u.id for u in before.use_cases]  # the table did move
    # The records occupy the rows they occupied.
    assert sorted(_rows(out).values()) == sorted(_rows(source).values())


def test_comments_links_merges_and_height_stay_on_their_records(hotel_sorted):
    source, out, _ = hotel_sorted
    rows = _rows(out)
    uses = openpyxl.load_workbook(out)[USES]
    one, two, four = rows["UC-001"], rows["UC-002"], rows["UC-004"]
    assert (one, two, four) != (2, 3, 5)  # they moved
    said = uses[f"A{one}"].comment.text
    assert said.startswith("Sponsor: the COO")
    assert uses[f"C{two}"].comment.text == "Check with IT"
    team = {c.coordinate for row in uses.iter_rows(min_row=2) for c in row
            if c.comment is not None and not c.comment.text.startswith("omnisheet:")}
    assert team == {f"A{one}", f"C{two}"}
    links = {c.coordinate: c.hyperlink.target for row in uses.iter_rows() for c in row
             if c.hyperlink is not None}
    assert links == {f"C{four}": LINK}
    merged = {str(r) for r in uses.merged_cells.ranges}
    assert f"D{four}:E{four}" in merged and "D5:E5" not in merged
    assert uses.row_dimensions[four].height == 30
    # The boxes the notes open in (the legacy drawing) are on the same cells.
    files = parts(out)
    rels = files[f"xl/worksheets/_rels/{sheet_parts(out)[USES].rsplit('/', 1)[1]}.rels"]
    drawing = next(t.decode().lstrip("/") for t in re.findall(rb'Target="([^"]+\.vml)"', rels))
    boxes = {(int(r) + 1, int(c) + 1) for r, c in re.findall(
        rb"<\w+:Row>(\d+)</\w+:Row><\w+:Column>(\d+)</", files[drawing]) if r != b"0"}
    commented = {(c.row, c.column) for row in uses.iter_rows(min_row=2) for c in row
                 if c.comment is not None}
    assert {(one, 1), (two, 3)} <= boxes == commented
    # Right of the table, the team's note stays on its sheet row.
    assert uses["S5"].value == "Budget line 5"
    assert all(uses.cell(r, 19).value is None for r in range(2, 41) if r != 5)


def test_filtered_rows_stay_hidden_with_their_records(hotel_sorted):
    source, out, _ = hotel_sorted
    before = openpyxl.load_workbook(source)[USES]
    after = openpyxl.load_workbook(out)[USES]
    was, now = _rows(source), _rows(out)
    hidden = {i: bool(before.row_dimensions[row].hidden) for i, row in was.items()}
    assert any(hidden.values()) and not all(hidden.values())
    assert {i: bool(after.row_dimensions[row].hidden) for i, row in now.items()} == hidden
    assert after.auto_filter.ref == before.auto_filter.ref
    assert after.freeze_panes == before.freeze_panes
    assert after.column_dimensions["E"].hidden


def test_only_the_use_case_sheet_its_notes_and_the_findings_differ(hotel_sorted):
    """Against the same check without --sort: every other part byte for byte."""
    _, out, plain = hotel_sorted
    sorted_parts, plain_parts = parts(out), parts(plain)
    assert set(sorted_parts) == set(plain_parts)
    names = sheet_parts(out)
    uses = names[USES]
    rels = parts(out)[f"xl/worksheets/_rels/{uses.rsplit('/', 1)[1]}.rels"].decode()
    notes = {Path(t).name for t in re.findall(r'Target="([^"]+)"', rels)}
    differ = {n for n in sorted_parts if sorted_parts[n] != plain_parts[n]}
    assert {n for n in differ if Path(n).name not in notes} == {uses, names["Findings"]}


def _relative_rows(formula: str) -> set[int]:
    """The rows of the relative references to the table's columns (A to R) in a formula."""
    text = re.sub(r'"[^"]*"', "", formula)
    return {int(m.group(1)) for m in re.finditer(r"(?<![$\w])[A-R]([0-9]+)\b", text)}


def test_the_formulas_of_each_moved_row_refer_to_their_own_row(hotel_sorted):
    _, out, _ = hotel_sorted
    uses = openpyxl.load_workbook(out)[USES]
    checked = 0
    rows = _rows(out).values()
    for row in rows:
        for column in range(13, 19):  # M to R, the computed columns
            formula = uses.cell(row, column).value
            assert isinstance(formula, str) and formula.startswith("="), (row, column)
            assert _relative_rows(formula) == {row}, (row, column, formula)
            checked += 1
    assert checked == 6 * len(rows) > 100


def test_the_findings_follow_their_records(hotel_sorted):
    source, out, _ = hotel_sorted
    before, after = check(load(source)), check(load(out))
    was, now = _rows(source), _rows(out)
    by_row_before = {row: i for i, row in was.items()}
    by_row_after = {row: i for i, row in now.items()}

    def about(report, by_row):
        return sorted((f.code, by_row.get(f.row), f.column) if f.sheet == USES else
                      (f.code, f.sheet, f.cell) for f in report.findings)

    assert about(after, by_row_after) == about(before, by_row_before)
    # The Findings tab says what a check of the sorted file says, and links to it.
    book = openpyxl.load_workbook(out)
    listed = [(r[1].value, r[2].value, r[3].value) for r in book["Findings"].iter_rows(min_row=2)]
    assert listed == [(f.code, f.sheet, f.cell) for f in after.findings]
    links = {c.value: c.hyperlink.location for c in book["Findings"]["D"][1:]
             if c.hyperlink is not None}
    moved = next(f for f in after.findings if f.code == "value-not-in-list" and f.sheet == USES)
    assert by_row_after[moved.row] == "UC-011"
    assert links[moved.cell] == f"'{USES}'!{moved.cell}"
    # Highlight and note on the record's own cell.
    uses = book[USES]
    highlighted = {c for cf in uses.conditional_formatting for c in str(cf.sqref).split()
                   if [r.formula for r in cf.rules] == [["TRUE"]]}
    assert moved.cell in highlighted
    assert "Call center" in uses[moved.cell].comment.text
    one = now["UC-001"]
    assert f"A{one}" in highlighted
    assert "top-use-case-without-scenario" in uses[f"A{one}"].comment.text


def test_a_sorted_file_checked_again_stays_as_it_is(hotel_sorted, tmp_path):
    """`check --sort` of the sorted file changes nothing, and a check without --sort keeps
    the order: both give the first output back, part for part; so does `check --sort` of
    the file checked without it (its highlights and notes taken out, then sorted)."""
    _, out, plain = hotel_sorted
    again, unsorted, later = tmp_path / "again.xlsx", tmp_path / "unsorted.xlsx", \
        tmp_path / "later.xlsx"
    _check(out, again, "--sort")
    _check(out, unsorted)
    _check(plain, later, "--sort")
    first = parts(out)
    for second in (parts(again), parts(unsorted), parts(later)):
        assert set(second) == set(first)
        assert [n for n in first if first[n] != second[n]] == []


def test_an_ods_output_is_not_sorted_and_says_so_in_one_line(tmp_path):
    result = subprocess.run([OMNISHEET, "check", str(SAMPLES / "retail-fr.ods"), "-o",
                             str(tmp_path / "trié.ods"), "--sort"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and ".xlsx" in result.stderr
    assert not (tmp_path / "trié.ods").exists()


@pytest.mark.libreoffice
def test_insurer_notes_made_in_libreoffice_follow_their_records(soffice, uno_python, tmp_path):
    """LibreOffice's own comments (their boxes anchored by row) and filter, sorted: Calc
    shows each comment on its record's cell, and the same rows filtered out."""
    from test_team_file import ASK, _uno

    source, out = tmp_path / "assureur.xlsx", tmp_path / "assureur-trié.xlsx"
    _uno("edit", SAMPLES / "retail-fr.xlsx", INSURER_OPS, source, "--locale", "fr-FR")
    _check(source, out, "--sort")
    was = {u.row: u.id for u in load(source).use_cases}
    now = _rows(out)
    sponsor, review = now[was[4]], now[was[3]]
    assert (sponsor, review) != (4, 3)
    made, seen = _uno("inspect", source, ASK), _uno("inspect", out, ASK)
    theirs, shown = made["annotations"]["Cas d'usage"], seen["annotations"]["Cas d'usage"]
    assert theirs["A4"] == "Sponsor : la DRC" and theirs["C3"] == "À revoir avec la DSI"
    assert shown[f"A{sponsor}"].startswith("Sponsor : la DRC")
    assert shown[f"C{review}"] == "À revoir avec la DSI"
    assert {k for k, v in shown.items() if not v.startswith("omnisheet:")} == {
        k for k in theirs if k[1:] not in ("3", "4")} | {f"A{sponsor}", f"C{review}"}
    assert seen["filters"] == made["filters"]
    before = openpyxl.load_workbook(source)["Cas d'usage"]
    after = openpyxl.load_workbook(out)["Cas d'usage"]
    assert {was[r]: bool(before.row_dimensions[r].hidden) for r in was} == {
        i: bool(after.row_dimensions[r].hidden) for i, r in now.items()}


THREADED = ("http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
            "application/vnd.ms-excel.threadedcomments+xml")


def _with_thread(source: Path, target: Path) -> Path:
    """`source` with the reply thread Excel 365 keeps beside the legacy comment on
    Use cases C3 (a part of its own, `threadedComment`, with the cell's reference)."""
    part = sheet_parts(source)[USES]
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    thread = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
              'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
              '<threadedComment ref="C3" dT="2026-03-12T10:00:00.00" personId="{00000000-0000-'
              '0000-0000-000000000001}" id="{00000000-0000-0000-0000-000000000002}"><text>Check '
              'with IT</text></threadedComment></ThreadedComments>')
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == rels:
                data = data.replace(b"</Relationships>", f'<Relationship Id="thread1" Type="'
                                    f'{THREADED[0]}" Target="/xl/threadedComments/thread1.xml"/>'
                                    "</Relationships>".encode())
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/threadedComments/'
                                    f'thread1.xml" ContentType="{THREADED[1]}"/></Types>'.encode())
            new.writestr(info, data)
        new.writestr("xl/threadedComments/thread1.xml", thread)
    return target


def test_an_excel_reply_thread_follows_its_record(tmp_path):
    source = _with_thread(hotel(tmp_path / "hotel.xlsx"), tmp_path / "threaded.xlsx")
    out = tmp_path / "sorted.xlsx"
    _check(source, out, "--sort")
    row = _rows(out)["UC-002"]
    assert row != 3
    refs = re.findall(rb'<threadedComment ref="([A-Z]+[0-9]+)"',
                      parts(out)["xl/threadedComments/thread1.xml"])
    assert refs == [f"C{row}".encode()]
    assert openpyxl.load_workbook(out)[USES][f"C{row}"].comment.text == "Check with IT"


# --- Excel's shared formulas ---------------------------------------------------------------

def _shared(source: Path, target: Path, sheet: str, letters: str) -> Path:
    """`source` with the formulas of each column of `letters` on `sheet` made one shared
    group, as Excel writes a column filled down: the first cell holds the formula and the
    group's range, the others point at it."""
    part = sheet_parts(source)[sheet]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == part:
                for si, letter in enumerate(letters):
                    cell = re.compile(rb'<c r="' + letter.encode() + rb'(\d+)"([^>]*)><f>(.*?)</f>')
                    found = list(cell.finditer(data))
                    assert len(found) > 100
                    ref = f"{letter}{found[0].group(1).decode()}:{letter}{found[-1].group(1).decode()}"

                    def shared(m: re.Match[bytes], si: int = si, ref: str = ref,
                               master: int = found[0].start()) -> bytes:
                        head = m.group(0)[: m.start(3) - m.start() - len(b"<f>")]
                        if m.start() == master:
                            return head + f'<f t="shared" ref="{ref}" si="{si}">'.encode() + \
                                m.group(3) + b"</f>"
                        return head + f'<f t="shared" si="{si}"/>'.encode()

                    data = cell.sub(shared, data)
            new.writestr(info, data)
    return target


@pytest.mark.libreoffice
def test_shared_formulas_sorted_give_each_use_case_its_own_score(tmp_path, soffice):
    from support.libreoffice import convert

    source = _shared(SAMPLES / "bank-en.xlsx", tmp_path / "shared.xlsx", USES, "MPR")
    assert b'si="1"/>' in parts(source)[sheet_parts(source)[USES]]
    report = check(load(source))
    assert [(f.code, f.cell) for f in report.findings] == [
        (f.code, f.cell) for f in check(load(SAMPLES / "bank-en.xlsx")).findings]
    out = tmp_path / "sorted.xlsx"
    _check(source, out, "--sort")
    sheet = parts(out)[sheet_parts(out)[USES]]
    assert b'<f t="shared"' not in sheet  # every cell of the groups has its own formula
    score = {p.id: p.score for p in report.priorities}
    rank = {p.id: p.rank for p in report.priorities}
    computed = openpyxl.load_workbook(convert(out, "xlsx", tmp_path / "calc", recalc=True),
                                      data_only=True)[USES]
    seen = {}
    for row in range(2, computed.max_row + 1):
        ident = computed.cell(row, 1).value
        if ident in score:
            seen[ident] = (computed.cell(row, 16).value, computed.cell(row, 18).value)
    assert seen.keys() == score.keys()
    assert {i: (pytest.approx(score[i]), rank[i]) for i in score} == seen
    ordered = [i for i in (u.id for u in load(out).use_cases) if i in rank]
    assert [rank[i] for i in ordered] == sorted(rank.values())


# --- the order and the findings, as data ---------------------------------------------------

def test_ties_and_unscored_use_cases_keep_the_teams_order():
    assert rank_order(5, {0: 2, 1: 1, 3: 1}) == [1, 3, 0, 2, 4]


def test_findings_name_the_rows_their_records_moved_to():
    moves = {2: 5, 5: 2}
    findings = (
        Finding(code="duplicate-id", severity="error", sheet=USES, row=5, column=1,
                params={"first": 2}),
        Finding(code="missing-required", severity="error", sheet=USES, row=2, column=3,
                params={"thing": Phrase("check_phrases", "row_of_id", id="UC-9", row=2)}),
        Finding(code="missing-required", severity="error", sheet="Messages", row=2, column=3,
                params={"thing": Phrase("check_phrases", "row_of_tab", tab="Messages", row=2)}),
    )
    moved = findings_on_moved_rows(findings, USES, moves)
    assert [(f.sheet, f.row) for f in moved] == [(USES, 2), (USES, 5), ("Messages", 2)]
    assert moved[0].params == {"first": 5}
    assert moved[1].params["thing"] == Phrase("check_phrases", "row_of_id", id="UC-9", row=5)
    assert moved[2] == findings[2]


def _template_formulas() -> list[tuple[str, str]]:
    """Every formula the template writes, with its cell, in both languages."""
    from omnisheet.outputs.workbook import blank_plan, write

    found = []
    for lang in ("fr", "en"):
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            book = openpyxl.load_workbook(write(blank_plan(lang), Path(folder) / "t.xlsx"))
            for sheet in book:
                for row in sheet.iter_rows(max_row=4):
                    found += [(c.value, c.coordinate) for c in row
                              if isinstance(c.value, str) and c.value.startswith("=")]
    return found


MORE_FORMULAS = [
    "=SUM($P$2:P7)+COUNTIF(Sheet2!B2:B9,\">\"&A7)+'My sheet'!C$3+'Q1 2026'!D7",
    "=IF(A7=\"B12\",ROW(7:7),SUM($2:9))+LOG10(A7)+ATAN2(B7,C7)*1E3+SUM(Sheet2!3:4)",
    "=Table1[[#This Row],[AB1]]+ABC1!A7+rate_2026+_xlfn.MAXIFS(use_cases_score,F7,G7)",
    "=$A7+A$7+$A$7+XFD7+A1048500",
]


@pytest.mark.parametrize("by", [-5, -1, 3, 40])
def test_a_formula_moved_reads_as_in_excel(by):
    """What a moved row's formula becomes is what openpyxl's Translator (Excel's rules for
    a formula copied elsewhere) makes of it, on the template's every formula and on the
    references a team writes (ranges, other sheets, absolute parts, texts, names)."""
    from openpyxl.formula.translate import Translator

    from omnisheet.outputs.workbook.package.sort import shifted

    cases = [*_template_formulas(), *[(f, "Q7") for f in MORE_FORMULAS]]
    assert len(cases) > 40
    for formula, cell in cases:
        column, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
        to = f"{column}{int(row) + by}"
        if int(row) + by < 1:
            continue
        try:
            expected = Translator(formula, origin=cell).translate_formula(to)
        except Exception:  # moved off the sheet: left as it was
            expected = formula
        assert "=" + shifted(formula[1:], by) == expected, (formula, cell, by)


# --- any edits of a team on its use cases, sorted ----------------------------------------

use_case_edits = st.lists(st.tuples(
    st.sampled_from(["comment", "link", "hide", "height", "right"]),
    st.integers(0, 23), st.integers(1, 18)), min_size=1, max_size=6)


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=use_case_edits)
def test_any_edits_on_use_cases_follow_their_records_and_a_second_sort_changes_nothing(
        tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("edits")
    book = openpyxl.load_workbook(SAMPLES / "bank-en.xlsx")
    uses = book[USES]
    rows = [r for r in range(2, uses.max_row + 1) if uses.cell(r, 1).value]
    wanted: dict[tuple[str, object, int], object] = {}
    for kind, index, column in edits:
        row = rows[index % len(rows)]
        ident = uses.cell(row, 1).value
        if kind == "comment":
            text = f"{kind} {index} {column}"
            uses.cell(row, column).comment = openpyxl.comments.Comment(text, "team")
            wanted[(kind, ident, column)] = text
        elif kind == "link":
            uses.cell(row, column).hyperlink = f"https://example.com/{index}/{column}"
            wanted[(kind, ident, column)] = f"https://example.com/{index}/{column}"
        elif kind == "hide":
            uses.row_dimensions[row].hidden = True
            wanted[(kind, ident, 0)] = True
        elif kind == "height":
            uses.row_dimensions[row].height = 20 + index
            wanted[(kind, ident, 0)] = 20 + index
        else:  # right of the table: stays on its sheet row
            uses.cell(row, 18 + column).value = f"mine {row}"
            wanted[(kind, row, 18 + column)] = f"mine {row}"
    source, first, second = folder / "plan.xlsx", folder / "first.xlsx", folder / "second.xlsx"
    book.save(source)
    _check(source, first, "--sort")
    _check(first, second, "--sort")
    assert parts(first) == parts(second)
    now = _rows(first)
    got = openpyxl.load_workbook(first)[USES]
    for (kind, who, column), value in wanted.items():
        if kind == "right":
            assert got.cell(who, column).value == value
            continue
        row = now[who]
        if kind == "comment":
            assert got.cell(row, column).comment.text.startswith(value)
        elif kind == "link":
            assert got.cell(row, column).hyperlink.target == value
        elif kind == "hide":
            assert got.row_dimensions[row].hidden
        else:
            assert got.row_dimensions[row].height == value


def test_an_ods_plan_sorted_into_a_rebuilt_xlsx_marks_each_record_it_is_about(tmp_path):
    """An .ods plan written as a rebuilt .xlsx with --sort: its use cases from row 2 in rank
    order, and each finding, highlight and note on its record's new row."""
    out = tmp_path / "sorted.xlsx"
    _check(SAMPLES / "bank-en.ods", out, "--sort")
    after = check(load(out))
    book = openpyxl.load_workbook(out)
    listed = [(r[1].value, r[2].value, r[3].value) for r in book["Findings"].iter_rows(min_row=2)]
    assert listed == [(f.code, f.sheet, f.cell) for f in after.findings]
    wrong = next(f for f in after.findings if f.code == "value-not-in-list" and f.sheet == USES)
    uses = book[USES]
    assert uses[f"A{wrong.row}"].value == "UC-011" and wrong.row != 12
    assert "Call center" in uses[wrong.cell].comment.text
    highlighted = {c for cf in uses.conditional_formatting for c in str(cf.sqref).split()
                   if [r.formula for r in cf.rules] == [["TRUE"]]}
    assert wrong.cell in highlighted


@pytest.mark.parametrize("kind", ["merge", "array"])
def test_a_merge_or_array_over_several_use_cases_is_refused_in_one_line(tmp_path, kind):
    """Nothing can move with one record alone: --sort says so in a line, as Excel refuses
    such a sort, and writes nothing; a check without --sort writes the workbook."""
    from openpyxl.worksheet.formula import ArrayFormula

    source = hotel(tmp_path / "hotel.xlsx")
    book = openpyxl.load_workbook(source)
    if kind == "merge":
        book[USES].merge_cells("K5:K6")
    else:
        book[USES]["K5"] = ArrayFormula("K5:K6", "=UPPER(C5:C6)")
    book.save(source)
    out = tmp_path / "sorted.xlsx"
    result = subprocess.run([OMNISHEET, "check", str(source), "-o", str(out), "--sort",
                             "--fail-on", "never"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    said = result.stderr.strip().splitlines()
    assert len(said) == 1 and "K5:K6" in said[0] and '"Use cases"' in said[0]
    assert ("the merge" if kind == "merge" else "the array formula") in said[0]
    assert "Traceback" not in result.stderr and not out.exists()
    _check(source, out)


def test_an_id_used_twice_is_said_where_a_check_of_the_sorted_file_says_it(tmp_path):
    """Two use cases with one ID, the lower one ranked first: sorted, the finding goes to
    the use that now comes second, naming the row of the one now first, as a check of the
    sorted file says it."""
    source = hotel(tmp_path / "hotel.xlsx")
    plan = load(source)
    rank = {p.index: p.rank for p in check(plan).priorities}
    ranked = sorted(rank, key=rank.__getitem__)
    better, worse = ranked[0], ranked[-1]
    upper, lower = sorted((plan.use_cases[better].row, plan.use_cases[worse].row))
    assert plan.use_cases[better].row == lower  # the one ranked first is the lower one
    book = openpyxl.load_workbook(source)
    book[USES][f"A{lower}"] = book[USES][f"A{upper}"].value
    book.save(source)
    before = [f for f in check(load(source)).findings if f.code == "duplicate-id"]
    assert [(f.row, f.params["first"]) for f in before] == [(lower, upper)]
    out = tmp_path / "sorted.xlsx"
    _check(source, out, "--sort")
    after = check(load(out))
    said = [f for f in after.findings if f.code == "duplicate-id"]
    assert len(said) == 1 and said[0].row > said[0].params["first"]
    listed = [(r[1].value, r[3].value, r[6].value) for r in
              openpyxl.load_workbook(out)["Findings"].iter_rows(min_row=2)]
    from omnisheet.outputs.messages import Messages

    words = Messages(after.definition, "en")
    assert listed == [(f.code, f.cell, words.message(f)) for f in after.findings]
