"""The checked workbook as the team's own package: their parts copied byte for byte, a few
patched (workbook, relationships, content types, styles, the sheets whose cells are at
fault), omnisheet's tabs, highlights and notes added, and a record of those additions so
the next check takes them out first. See `write_checked`."""

from __future__ import annotations

import io
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ....plan.model import ERROR, INFO, WARNING, Plan, column_letter
from ....template.definition import Definition
from ....template.severity import RANK
from ...atomic import atomic_output
from ...messages import Messages
from ..marks import CHECKED, OUTPUT_PROPERTY, SOURCE_PROPERTY
from . import additions, styles
from .comments import add_notes
from .graft import graft, sheets
from .parts import Package
from .sheet import add_highlights
from .slots import add_slots
from .titles import retitle

if TYPE_CHECKING:
    from ....analysis.report import Report

__all__ = ["patchable", "write_checked"]

KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm"}
MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
VBA_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_CONTENT = "application/vnd.ms-office.vbaProject"
HIGHLIGHT_BORDERS = {ERROR: "#C00000", WARNING: "#E69138"}
CHUNK = 200  # cells per highlight range, as the writer did


def patchable(plan: Plan, path: Path) -> bool:
    """The plan was read from an .xlsx or .xlsm package, and the output is an .xlsx (or an
    .xlsm, for an .xlsm)."""
    source = Path(plan.source) if plan.source else None
    if source is None or not source.is_file() or source.suffix.lower() not in KINDS:
        return False
    wanted = path.suffix.lower()
    if wanted != ".xlsx" and wanted != source.suffix.lower():
        return False
    import zipfile

    try:  # an .ods or an old .xls under an .xlsx name is read by its content, and rebuilt
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return "[Content_Types].xml" in names and "_rels/.rels" in names


def write_checked(plan: Plan, report: Report, path: Path, *, definition: Definition,
                  lang: str, overwrite: bool = True, read: Plan | None = None,
                  sort: bool = False) -> Path:
    """The team's workbook `plan.source`, checked: written to `path` atomically. With
    `read`, the plan as read from that file, `plan` is what a command measured into it
    (feedback's measures and trends, journeys' shares): what changed is written into the
    team's tables (see `records`), a table their file lacks added as a tab of theirs.
    With `sort`, the use cases' rows in rank order, the findings with them (see `sort`)."""
    from ..context import Context

    pkg = Package(Path(plan.source))
    try:
        titled = [name for name, _, _ in sheets(pkg)]
        record, props = additions.read_record(pkg)
        if record is not None:
            additions.undo(pkg, record)
        if path.suffix.lower() == ".xlsx":
            _without_macros(pkg)
        add_slots(pkg, plan, definition, {name: part for name, _, part in sheets(pkg)})
        if sort:
            from .sort import sort_use_cases

            report = sort_use_cases(pkg, plan, report, definition,
                                    {name: part for name, _, part in sheets(pkg)})
        same = report.plan is plan
        ctx = Context(None, definition, plan, lang, report.priorities if same else None,
                      report.evidence if same else None)
        new_tables: list[str] = []
        if read is not None:
            from .records import write_records

            new_tables = write_records(pkg, read, ctx,
                                       {name: part for name, _, part in sheets(pkg)})
        from ..checked import cells_at_fault

        at_fault = cells_at_fault(ctx, report)
        team_names = [name for name, _, _ in sheets(pkg)]
        # The scratch workbook is part of the output: a full disk while writing it is said
        # as for the output itself (atomic_output), and nothing is left behind.
        with (atomic_output(path, overwrite=overwrite) as tmp,
              tempfile.TemporaryDirectory(prefix="omnisheet-") as scratch_dir):
            # In memory: without the Findings rows (findings.py) the scratch zip is small.
            scratch = io.BytesIO()
            formats: dict[str, Any] = {}
            kept = _write_tabs(ctx, report, at_fault, scratch, Path(scratch_dir), team_names,
                               formats, tuple(new_tables))
            import zipfile

            with zipfile.ZipFile(scratch) as zf:
                scratch_styles = zf.read("xl/styles.xml")
            colours = definition.colours
            from ..checked import SEVERITY_COLOURS

            extra = [styles.highlight_dxf(colours[SEVERITY_COLOURS[s]], HIGHLIGHT_BORDERS[s])
                     for s in (ERROR, WARNING)]
            styles_part = additions.styles_part(pkg)
            patched, appended = styles.append(pkg.read(styles_part), scratch_styles, extra)
            pkg.write(styles_part, patched)
            from .findings import FindingRows

            rows = FindingRows(ctx, report, formats, appended.xf_offset)
            tabs = graft(pkg, scratch, appended, {formats["name"]: rows.transform})
            # The record lists what the next check takes out: not a table of the plan.
            _finish(ctx, pkg, report, at_fault, appended,
                    [tab for tab in tabs if tab not in kept], props, bool(kept))
            retitle(pkg, titled, [name for name, _, _ in sheets(pkg)])
            pkg.save(tmp)
    finally:
        pkg.close()
    return path


def _finish(ctx: Any, pkg: Package, report: Report, at_fault: dict, appended: Any,
            tabs: list[str], props: dict[str, str], styles_kept: bool = False) -> None:
    """Highlights and notes, and the record of the additions. With `styles_kept` (a
    table's tab added that stays), the formats appended stay too: its cells use them."""
    dxf_ids = dict(zip((ERROR, WARNING), appended.extra_dxf_ids, strict=True))
    marked = _mark_cells(ctx, pkg, report, at_fault, dxf_ids)
    record: dict[str, Any] = {"v": 1, "tabs": tabs, "sheets": marked,
                              "styles": {} if styles_kept else appended.record,
                              "vml_default": bool(getattr(pkg, "vml_declared", False)),
                              "custom_created": additions.custom_part(pkg) is None}
    values = {OUTPUT_PROPERTY: CHECKED}
    source = additions.source_name(props, ctx.plan.source)
    if source:
        values[SOURCE_PROPERTY] = source
    values[additions.ADDITIONS_PROPERTY] = additions.record_json(record)
    additions.write_properties(pkg, values)


def _write_tabs(ctx: Any, report: Report, at_fault: dict, target: Any, tmpdir: Path,
                taken: list[str], formats: dict[str, Any], tables: tuple[str, ...] = ()
                ) -> set[str]:
    """Findings, Dashboard and Contact pressure (and Observed journey, for `journeys -o`),
    written by xlsxwriter as in a rebuilt workbook, into a scratch workbook of their own,
    after the plan's `tables` the team's file lacks; the Findings rows are left out, their
    formats and the tab's name put in `formats` (see findings.FindingRows). Returns the
    names of the plan's tables."""
    import xlsxwriter

    from ..checked import write_findings
    from ..context import OrderedWorksheet
    from ..dashboard import write_dashboard
    from ..pressure import write_pressure
    from ..tabs import write_table

    workbook = xlsxwriter.Workbook(target, {
        "tmpdir": str(tmpdir), "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False, "constant_memory": True})
    ctx.workbook = workbook
    names = ctx.definition.report_tabs
    used = {name.casefold() for name in taken}
    made = []
    kept = set()
    for key in tables:
        tab = ctx.definition.tab(key)
        name = _free(tab.labels[ctx.lang], used)
        used.add(name.casefold())
        sheet = workbook.add_worksheet(name, worksheet_class=OrderedWorksheet)
        sheet.deferring = True
        write_table(ctx, sheet, tab)
        made.append(sheet)
        kept.add(name)
    writers: list[tuple[str, Any]] = [("findings", write_findings),
                                      ("dashboard", write_dashboard),
                                      ("pressure", write_pressure)]
    if getattr(report, "journeys", None) is not None:  # omnisheet journeys -o
        from ..observed import write_observed

        writers.append(("observed", write_observed))
    for key, writer in writers:
        name = _free(names[key][ctx.lang], used)
        used.add(name.casefold())
        sheet = workbook.add_worksheet(name, worksheet_class=OrderedWorksheet)
        if key == "findings":
            writer(ctx, sheet, report, at_fault, formats)
            formats["name"] = name
            for fmt in (formats["text"], formats["link"], *formats["severity"].values()):
                fmt._get_xf_index()  # the rows use them: in the scratch styles
        else:
            sheet.deferring = True
            writer(ctx, sheet, report)
        made.append(sheet)
    for sheet in made:
        sheet.finish()
    workbook.close()
    return kept


def _free(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate.casefold() in used:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def _mark_cells(ctx: Any, pkg: Package, report: Report, at_fault: dict,
                dxf_ids: dict[str, int]) -> list[str]:
    """Highlights (errors and warnings) and notes (up to the limit, errors first) on the
    cells at fault. Returns the names of the sheets marked."""
    from ..checked import _commented

    parts = {name: part for name, _, part in sheets(pkg)}
    words = ctx.definition.words_for("findings_tab", ctx.lang)
    chosen = _commented(ctx, at_fault)
    said = Messages(ctx.definition, report.lang)
    notes: dict[str, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        key = (finding.sheet, finding.row, finding.column)
        if key in chosen:
            notes[finding.sheet][(finding.row, finding.column)].append(
                f"{words[finding.severity]} — {said.message(finding)}\n"
                f"({words['see']} {finding.code})")
    ranges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (sheet_name, row, column), severity in at_fault.items():
        if severity != INFO:
            ranges[sheet_name][severity].append(f"{column_letter(column)}{row}")
    marked = []
    for name in sorted(set(notes) | set(ranges), key=lambda n: list(parts).index(n)
                       if n in parts else len(parts)):
        part = parts.get(name)
        if part is None or part not in pkg:
            continue
        marked.append(name)
        by_severity = ranges.get(name, {})
        cf = []
        for severity in sorted(by_severity, key=RANK.__getitem__):
            refs = by_severity[severity]
            cf += [(" ".join(refs[i:i + CHUNK]), dxf_ids[severity])
                   for i in range(0, len(refs), CHUNK)]
        if cf:
            pkg.write_sheet(part, add_highlights(pkg.read_sheet(part), cf))
        if name in notes:
            before = "vml" in _defaults(pkg)
            add_notes(pkg, part, {cell: "\n\n".join(said) for cell, said in notes[name].items()})
            if not before and "vml" in _defaults(pkg):
                pkg.vml_declared = True  # type: ignore[attr-defined]
    return marked


def _defaults(pkg: Package) -> set[str]:
    from .parts import CONTENT_TYPES
    from .xmlspans import spans

    return {s.attrs.get("Extension", "").lower() for s in spans(pkg.read(CONTENT_TYPES), 1)
            if s.local == "Default"}


def _without_macros(pkg: Package) -> None:
    """An .xlsm written as .xlsx: its workbook declared a plain one, the VBA project out
    (Excel refuses an .xlsx that holds macros)."""
    from .parts import CONTENT_TYPES

    data = pkg.read(CONTENT_TYPES)
    if MACRO_MAIN not in data:
        return
    pkg.write(CONTENT_TYPES, data.replace(MACRO_MAIN, PLAIN_MAIN))
    from .graft import workbook_part

    book = workbook_part(pkg)
    before = pkg.reachable()
    ids = {rel["Id"] for rel in pkg.rels(book) if rel.get("Type") == VBA_TYPE}
    if ids:
        pkg.remove_rels(book, ids)
    gone = before - pkg.reachable()
    # A VBA project however it is held: reached from the workbook, or only named.
    gone |= {name for name in pkg.names() if name.lower().endswith("vbaproject.bin")
             or pkg.content_type(name) == VBA_CONTENT}
    for part in gone:
        pkg.remove(part)
    pkg.remove_types(gone)
