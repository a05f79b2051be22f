"""Open a workbook in a real, private, headless LibreOffice, edit cells as a user would, save.

Run by the SYSTEM python (the one with ``import uno``), never by the project venv::

    /usr/bin/python3 uno_fill.py INPUT EDITS.json [OUT.xlsx OUT.ods ...] [--read 'Sheet!A1,Plan!B2']

Why: tests need to know what a person sees after typing into a generated workbook in
Calc (validations, formulas, defined names evaluated by Calc itself, not by us).

EDITS.json is a list of objects, applied in order:

* ``{"sheet": "Plan", "cell": "B3", "value": 42}``      -> ``setValue`` (JSON number)
* ``{"sheet": "Plan", "cell": "B3", "value": "text"}``  -> ``setString`` (always text)
* ``{"sheet": "Plan", "cell": "B3", "value": null}``    -> cell cleared
* ``{"sheet": "Plan", "cell": "B3", "formula": "=A1*2"}`` -> ``setFormula``, i.e. the UNO
  API grammar: English names, ``;`` between arguments (``=IF(A1>1;"y";"n")``; a ``,`` gives
  Err:508) and other sheets as ``$Sheet2.A1`` (``Sheet2!A1`` gives #NAME?).
* ``{"sheet": "Plan", "cell": "B3", "xlformula": "=IF(A1>1,\"y\",\"n\")"}`` -> the Excel
  grammar, exactly as xlsxwriter writes it: ``,`` separators, ``Sheet2!A1``, and newer
  functions need their ``_xlfn.`` prefix (``=_xlfn.CONCAT(A1,B1)``), as in the file.
* ``{"sheet": "Plan", "cell": "B3", "input": "12.5"}``   -> ``setFormula`` with the raw text,
  which is what the input line does: numbers are recognised as numbers, ``=...`` as formula.
* ``{"sheet": "Plan", "cell": "B3", "type": "mars 2026"}`` -> typed as a person types it:
  the locale setting (``--locale``) and the cell's number format decide whether it
  becomes a date, a number or text (see ``type_into``).
* ``{"sheet": "Plan", "insert_rows": [1, 2]}`` -> two rows inserted before row 1 (1-based),
  as Insert > Rows does: what is below moves down, formulas follow.
* ``{"sheet": "Plan", "insert_columns": [1, 1]}`` -> one column inserted before column A.
* ``{"sheet": "Plan", "rename": "Plan 2026"}`` -> the tab renamed (formulas follow).

``--locale fr-FR``: the locale "type" edits are recognised in ("mars 2026" becomes a date
in French, "4,2" a number); en-US by default.

After the edits ``calculateAll()`` runs, then the document is stored to every output path
(filter chosen by suffix: .xlsx, .ods, .pdf, .csv), then ``--read`` cells are printed to
stdout as one JSON object ``{"Sheet!A1": value}`` (number, string, or null when empty; an
error result is its text, e.g. ``"#DIV/0!"``).  Nothing else is written to stdout.

soffice is always terminated (and killed if it does not exit) and its profile removed, even on
error.  Exit status: 0 ok, 2 bad arguments/edits, 1 anything else.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]  # system python only
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

CONNECT_TIMEOUT_S = 30.0
EXIT_TIMEOUT_S = 15.0

FILTERS = {
    ".xlsx": "Calc MS Excel 2007 XML",
    ".ods": "calc8",
    ".pdf": "calc_pdf_Export",
    ".csv": "Text - txt - csv (StarCalc)",
}


class EditError(ValueError):
    """An edit in the JSON file is malformed (exit status 2)."""


def log(msg: str) -> None:
    """Diagnostics go to stderr so stdout stays pure JSON."""
    print(f"uno_fill: {msg}", file=sys.stderr, flush=True)


def props(**kwargs: Any) -> tuple[Any, ...]:
    """Build the PropertyValue tuple UNO load/store calls expect."""
    out = []
    for name, value in kwargs.items():
        p = PropertyValue()
        p.Name = name
        p.Value = value
        out.append(p)
    return tuple(out)


def find_soffice() -> str:
    """Same lookup as tests/support/libreoffice.py: $SOFFICE, then PATH."""
    env = os.environ.get("SOFFICE")
    if env:
        return env
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("soffice not found (install libreoffice-calc-nogui or set $SOFFICE)")


class Office:
    """A private soffice process (own profile, own pipe) and a UNO connection to it."""

    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="omnisheet-uno-"))
        self.profile = self.workdir / "profile"
        self.pipe = f"omnisheet-{uuid.uuid4().hex}"
        self.log_path = self.workdir / "soffice.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.desktop: Any = None

    def start(self) -> Any:
        """Launch soffice and return the Desktop once the pipe accepts connections."""
        cmd = [
            find_soffice(),
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nofirststartwizard",
            "--nolockcheck",
            "--norestore",
            f"-env:UserInstallation={self.profile.as_uri()}",
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]
        with open(self.log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=logf,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: we can kill soffice.bin too
            )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while True:
            try:
                ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if self.proc.poll() is not None and self.proc.returncode != 0:
                    raise RuntimeError(
                        f"soffice exited with {self.proc.returncode} before accepting: "
                        f"{self.soffice_output()}"
                    ) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"no UNO connection after {CONNECT_TIMEOUT_S:.0f} s: "
                        f"{self.soffice_output()}"
                    ) from None
                time.sleep(0.2)
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx
        )
        self.formatter = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.util.NumberFormatter", ctx
        )
        return self.desktop

    def soffice_output(self) -> str:
        """What soffice printed, for error messages."""
        try:
            return self.log_path.read_text(errors="replace").strip() or "(no output)"
        except OSError:
            return "(no output)"

    def _group_alive(self) -> bool:
        """Is a live (non-zombie) process left in soffice's group?  Reaps our own child.

        Zombies must not count: soffice's gpgconf helpers get re-parented to a PID 1 that
        may never reap them (containers), and they keep the group "existing" for kill(0).
        """
        assert self.proc is not None
        self.proc.poll()
        pgid = self.proc.pid
        try:
            pids = [d for d in os.listdir("/proc") if d.isdigit()]
        except OSError:  # no procfs: ask the kernel, zombies included
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return False
            return True
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # state ppid pgrp ...
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
        return False

    def stop(self) -> None:
        """terminate() politely, then SIGTERM/SIGKILL the group; remove the profile."""
        asked = False
        if self.desktop is not None:
            # the bridge dies with the process, so terminate() itself may raise
            with contextlib.suppress(Exception):
                self.desktop.terminate()
            self.desktop = None
            asked = True
        if self.proc is not None:
            if asked:
                try:
                    self.proc.wait(timeout=EXIT_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    log("soffice did not exit after terminate(); killing it")
            # anything left in soffice's process group (oosplash, soffice.bin) goes too
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if not self._group_alive():
                    break
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, sig)
                deadline = time.monotonic() + 5
                while self._group_alive() and time.monotonic() < deadline:
                    time.sleep(0.1)
        shutil.rmtree(self.workdir, ignore_errors=True)
        # a killed soffice leaves its sockets in /tmp: the --accept pipe and the IPC pipe
        # named after the md5 (UTF-16LE, unpadded hex bytes) of the profile URL
        digest = hashlib.md5(self.profile.as_uri().encode("utf-16-le")).digest()
        ipc = "SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)
        for name in (self.pipe, ipc):
            Path(f"/tmp/OSL_PIPE_{os.getuid()}_{name}").unlink(missing_ok=True)


def split_ref(ref: str) -> tuple[str, str]:
    """'Sheet!A1' or "'My sheet'!A1" -> (sheet, cell)."""
    if "!" not in ref:
        raise EditError(f"cell reference {ref!r} must look like Sheet!A1")
    sheet, cell = ref.rsplit("!", 1)
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cell.strip().replace("$", "")


def get_cell(doc: Any, sheet: str, cell: str) -> Any:
    """Resolve a sheet name and A1 address to an XCell, with readable errors."""
    sheets = doc.getSheets()
    if not sheets.hasByName(sheet):
        raise EditError(f"no sheet {sheet!r}; sheets are {list(sheets.getElementNames())}")
    try:
        return sheets.getByName(sheet).getCellRangeByName(cell)
    except Exception as exc:  # UNO raises its own types
        raise EditError(f"bad cell address {cell!r} on sheet {sheet!r}: {exc}") from exc


_PARSERS: dict[int, Any] = {}


def excel_parser(doc: Any) -> Any:
    """A FormulaParser speaking OOXML (what is inside .xlsx), cached per document."""
    key = id(doc)
    if key not in _PARSERS:
        const = uno.getConstantByName
        mapper = doc.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
        parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
        parser.OpCodeMap = mapper.getAvailableMappings(
            const("com.sun.star.sheet.FormulaLanguage.OOXML"),
            const("com.sun.star.sheet.FormulaMapGroup.ALL_EXCEPT_SPECIAL"),
        )
        parser.FormulaConvention = const("com.sun.star.sheet.AddressConvention.XL_OOX")
        _PARSERS[key] = parser
    return _PARSERS[key]


def apply_structural(doc: Any, edit: dict, index: int) -> bool:
    """Insert rows or columns, or rename a tab; False when the edit is a cell's."""
    kinds = [k for k in ("insert_rows", "insert_columns", "rename") if k in edit]
    if not kinds:
        return False
    sheets = doc.getSheets()
    name = str(edit["sheet"])
    if not sheets.hasByName(name):
        raise EditError(f"edit #{index}: no sheet {name!r}")
    sheet = sheets.getByName(name)
    kind = kinds[0]
    if kind == "rename":
        sheet.setName(str(edit["rename"]))
        return True
    try:
        at, count = (int(v) for v in edit[kind])
    except (TypeError, ValueError) as exc:
        raise EditError(f"edit #{index}: {kind} takes [before, count]") from exc
    axis = sheet.getRows() if kind == "insert_rows" else sheet.getColumns()
    axis.insertByIndex(at - 1, count)
    return True


def apply_edit(doc: Any, edit: Any, index: int) -> None:
    """Apply one edit object (see module docstring)."""
    if isinstance(edit, dict) and "sheet" in edit and apply_structural(doc, edit, index):
        return
    if not isinstance(edit, dict) or "sheet" not in edit or "cell" not in edit:
        raise EditError(f"edit #{index} needs 'sheet' and 'cell': {edit!r}")
    kinds = [k for k in ("value", "formula", "xlformula", "input", "type") if k in edit]
    if len(kinds) != 1:
        raise EditError(
            f"edit #{index} needs exactly one of value/formula/xlformula/input/type: {edit!r}"
        )
    cell = get_cell(doc, str(edit["sheet"]), str(edit["cell"]))
    kind = kinds[0]
    value = edit[kind]
    if kind == "type":
        type_into(doc, cell, str(value))
        return
    if kind == "value":
        if value is None:
            cell.setFormula("")  # empties the cell
        elif isinstance(value, bool):
            raise EditError(f"edit #{index}: booleans are ambiguous; use a formula or input")
        elif isinstance(value, int | float):
            cell.setValue(float(value))
        elif isinstance(value, str):
            cell.setString(value)
        else:
            raise EditError(f"edit #{index}: unsupported value type {type(value).__name__}")
    else:
        if not isinstance(value, str):
            raise EditError(f"edit #{index}: {kind} must be a string")
        if kind != "input" and not value.startswith("="):
            raise EditError(f"edit #{index}: {kind} must start with '=': {value!r}")
        if kind == "xlformula":
            cell.setTokens(excel_parser(doc).parseFormula(value, cell.getCellAddress()))
        else:
            cell.setFormula(value)


FORMATTER: Any = None
LOCALE = "en-US"


def type_into(doc: Any, cell: Any, text: str) -> None:
    """Type text into a cell as Calc's input line takes it: kept as text in a cell
    formatted as text (@); otherwise recognised as a number, a date or a percentage by
    LibreOffice's own number recogniser in the locale setting ("4,5" is a number and
    "mars 2026" a date in fr-FR), else text. setFormula parses in en-US whatever the
    locale, and driving the view (.uno:EnterString) crashes a headless LibreOffice."""
    from com.sun.star.lang import Locale  # type: ignore[import-not-found]
    from com.sun.star.util import NotNumericException  # type: ignore[import-not-found]

    formats = doc.getNumberFormats()
    text_kind = uno.getConstantByName("com.sun.star.util.NumberFormat.TEXT")
    if formats.getByKey(cell.NumberFormat).Type & text_kind:
        cell.setString(text)
        return
    language, _, country = LOCALE.partition("-")
    standard = formats.getStandardFormat(0, Locale(language, country, ""))
    FORMATTER.attachNumberFormatsSupplier(doc)
    try:
        value = FORMATTER.convertStringToNumber(standard, text)
    except NotNumericException:
        cell.setString(text)
        return
    detected = FORMATTER.detectNumberFormat(standard, text)
    cell.setValue(value)
    if detected != standard:
        cell.NumberFormat = detected


def read_cell(doc: Any, ref: str) -> float | str | None:
    """Value as shown after recalculation: number, string, error text, or None if empty."""
    from com.sun.star.table.CellContentType import (  # type: ignore[import-not-found]
        EMPTY,
        FORMULA,
        TEXT,
    )

    sheet, addr = split_ref(ref)
    cell = get_cell(doc, sheet, addr)
    ctype = cell.getType()
    if ctype == EMPTY:
        return None
    if ctype == TEXT:
        return cell.getString()
    if ctype == FORMULA:
        if cell.getError() != 0:
            return cell.getString()
        # FormulaResultType2: 1 VALUE, 2 STRING, 4 ERROR (com.sun.star.sheet.FormulaResult)
        if cell.FormulaResultType2 == 2:
            return cell.getString()
    return cell.getValue()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """CLI: input, edits, outputs..., --read refs (may repeat)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path)
    ap.add_argument("edits", type=Path, help="JSON list of edits ('-' for none)")
    ap.add_argument("outputs", type=Path, nargs="*")
    ap.add_argument("--read", action="append", default=[], help="Sheet!A1,Sheet!B2")
    ap.add_argument("--locale", help="the locale typed text is recognised in, e.g. fr-FR")
    return ap.parse_args(argv)


def _terminated(signum: int, frame: Any) -> None:
    """SIGTERM (e.g. a harness timeout) -> SystemExit, so the finally stops soffice."""
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    """Validate everything before starting soffice, then run the edit session."""
    signal.signal(signal.SIGTERM, _terminated)
    args = parse_args(argv)
    if not args.input.is_file():
        log(f"input not found: {args.input}")
        return 2
    edits: list[Any] = []
    if str(args.edits) != "-":
        try:
            edits = json.loads(args.edits.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log(f"cannot read edits {args.edits}: {exc}")
            return 2
        if not isinstance(edits, list):
            log("edits JSON must be a list")
            return 2
    for out in args.outputs:
        if out.suffix.lower() not in FILTERS:
            log(f"unsupported output type {out.suffix!r} (one of {sorted(FILTERS)})")
            return 2
    refs = [r.strip() for arg in args.read for r in arg.split(",") if r.strip()]

    office = Office()
    try:
        desktop = office.start()
        global FORMATTER, LOCALE
        FORMATTER, LOCALE = office.formatter, args.locale or "en-US"
        # Open a private copy: Calc writes a .~lock file beside what it opens, and a second
        # session opening the same file would then fail ("type detection failed").
        work_input = office.workdir / f"input{args.input.suffix}"
        shutil.copyfile(args.input, work_input)
        doc = desktop.loadComponentFromURL(
            work_input.as_uri(), "_blank", 0, props(Hidden=True, ReadOnly=False)
        )
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {args.input}")
        try:
            for i, edit in enumerate(edits):
                apply_edit(doc, edit, i)
            doc.calculateAll()
            for out in args.outputs:
                out.parent.mkdir(parents=True, exist_ok=True)
                doc.storeToURL(
                    out.resolve().as_uri(),
                    props(FilterName=FILTERS[out.suffix.lower()], Overwrite=True),
                )
            result = {ref: read_cell(doc, ref) for ref in refs}
        finally:
            with contextlib.suppress(Exception):  # best effort; terminate() follows
                doc.close(True)
    except EditError as exc:
        log(str(exc))
        return 2
    except Exception as exc:  # report with soffice's log
        log(f"{type(exc).__name__}: {exc}\nsoffice output: {office.soffice_output()}")
        return 1
    finally:
        office.stop()
    if refs:
        json.dump(result, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
