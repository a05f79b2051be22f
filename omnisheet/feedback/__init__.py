"""Survey responses → the plan's measures, honestly.

    from omnisheet.feedback import read_feedback
    feedback = read_feedback(["exports/"], "plan.xlsx", period="month")
    feedback.series[0].latest.point      # value, answers, low, high
    feedback.rejected                    # rows set aside, by reason
    feedback.to_frame()                  # one row per touchpoint, indicator and period

Responses are CSV (any delimiter; UTF-8, with or without BOM, UTF-16 or Windows-1252;
decimal commas), Parquet, or .xlsx / .ods exports; a folder is every such file in it.
DuckDB reads and groups them in one pass (omnisheet/feedback/engine.py) while the plan
is read; the texts are then matched to the plan (resolve.py), and each measure gets its
95 % interval (omnisheet/template/statistics.py). Nothing is downloaded at run time.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FeedbackInputError
from .model import Feedback
from .vocabulary import ROLES

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition

__all__ = ["Feedback", "FeedbackInputError", "ROLES", "column_overrides", "read_feedback"]


def column_overrides(given: Sequence[str]) -> dict[str, str]:
    """`--column ROLE=HEADER` options as {role: header}."""
    found = {}
    for item in given:
        role, sep, header = item.partition("=")
        role = role.strip().lower()
        if not sep or role not in ROLES or not header.strip():
            raise FeedbackInputError("bad_column", given=item, roles=", ".join(ROLES))
        found[role] = header.strip()
    return found


def read_feedback(responses: Sequence[str | Path], plan: Plan | str | Path, *,
                  period: str = "month", columns: Mapping[str, str] | None = None,
                  definition: Definition | None = None, threads: int | None = None,
                  where: Any = None, tables: Sequence[str] = ()) -> Feedback:
    """The measures the responses give for the plan's touchpoints; `feedback.plan` is the
    plan (read from its file while DuckDB scans, when a path is given). With `where` (an
    open omnisheet.engine.Engine), `tables` are that engine's, grouped where they live."""
    from ..template.definition import load_definition
    from . import engine, resolve
    from . import sources as files
    from .vocabulary import vocabulary

    d = definition or load_definition()
    words = vocabulary(d)
    if where is not None:
        return _read_tables(where, tables, plan, d, words, period, columns or {})
    loaded: dict[str, Any] = {}
    loader = None
    if _is_plan(plan):
        loaded["plan"] = plan
    try:
        paths = files.discover(responses)
        with tempfile.TemporaryDirectory(prefix="omnisheet-") as scratch:
            con = engine.connect(threads)
            try:
                prepared = [files.prepare(p, con, words, columns or {}, Path(scratch), i)
                            for i, p in enumerate(paths)]
                if not _is_plan(plan):  # read while DuckDB scans, which leaves Python free
                    loader = threading.Thread(target=_load_plan, args=(plan, d, loaded),
                                              daemon=True)
                    loader.start()
                groups, malformed = _scan(con, prepared, period, words, Path(scratch))
                bad_dates = {i: engine.unreadable_dates(con, prepared[i])
                             for i in sorted({g.source for g in groups if g.date_state == 2})}
            finally:
                con.close()
    except BaseException as error:
        if loader is not None:
            loader.join()
        if isinstance(error, FeedbackInputError):
            if loader is None and not _is_plan(plan):  # its language says the error
                _load_plan(plan, d, loaded)
            error.plan = loaded.get("plan")  # type: ignore[attr-defined]
        raise
    if loader is not None:
        loader.join()
    if "error" in loaded:
        raise loaded["error"]
    the_plan = loaded["plan"]
    try:
        resolve.check_sources(prepared, the_plan, words)
    except FeedbackInputError as error:
        error.plan = the_plan  # type: ignore[attr-defined]
        raise
    found = resolve.build(the_plan, d, words, prepared, groups, malformed, period, bad_dates)
    return replace(found, plan=the_plan)


def _read_tables(engine: Any, tables: Sequence[str], plan: Plan | str | Path,
                 definition: Definition, words: Any, period: str,
                 columns: Mapping[str, str]) -> Feedback:
    from .tables import read_tables

    the_plan = plan if _is_plan(plan) else _loaded(plan, definition)
    try:
        found = read_tables(engine, tables, the_plan, definition, words, period, columns)
    except FeedbackInputError as error:
        error.plan = the_plan  # type: ignore[attr-defined]
        raise
    return replace(found, plan=the_plan)


def _loaded(path: str | Path, definition: Definition) -> Plan:
    out: dict[str, Any] = {}
    _load_plan(path, definition, out)
    if "error" in out:
        raise out["error"]
    return out["plan"]


def _is_plan(value: object) -> bool:
    from ..plan.model import Plan

    return isinstance(value, Plan)


def _load_plan(path: str | Path, definition: Definition, out: dict[str, Any]) -> None:
    from ..read.reader import load

    try:
        out["plan"] = load(path, definition=definition)
    except BaseException as error:  # handed to the caller's thread
        out["error"] = error


def _scan(con: Any, prepared: list, period: str, words: Any, scratch: Path):
    """The scan; a CSV that looked like UTF-8 but is not further on is copied from
    Windows-1252 and the scan run again."""
    from . import engine
    from . import sources as files

    try:
        return engine.scan(con, prepared, period), engine.malformed_lines(con, prepared)
    except FeedbackInputError:
        raise
    except Exception as error:
        if "unicode" not in str(error).lower():
            raise FeedbackInputError("not_a_table", file=_named(error, prepared)) from None
    for index, source in enumerate(prepared):
        if source.format == "csv" and source.encoding == "utf-8" and not _utf8(source.path):
            copy = files.transcode(source.path, "cp1252", scratch / f"again-{index}.csv")
            fresh = files.prepare(copy, con, words, dict(source.columns), scratch, index)
            fresh.path, fresh.encoding = source.path, "cp1252"
            prepared[index] = fresh
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    try:
        return engine.scan(con, prepared, period), engine.malformed_lines(con, prepared)
    except Exception as error:
        if "unicode" in str(error).lower():
            raise FeedbackInputError("encoding", file=_named(error, prepared)) from None
        raise FeedbackInputError("not_a_table", file=_named(error, prepared)) from None


def _utf8(path: Path) -> bool:
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _named(error: BaseException, prepared: list) -> str:
    text = str(error)
    return next((s.name for s in prepared if s.name in text), prepared[0].name if prepared else "")
