"""Survey responses → the plan's measures, honestly.

    from omnisheet.feedback import read_feedback
    feedback = read_feedback(["exports/"], "plan.xlsx", period="month")
    feedback.series[0].latest.point      # value, answers, low, high
    feedback.rejected                    # rows set aside, by reason
    feedback.to_frame()                  # one row per touchpoint, indicator and period

Responses are CSV (any delimiter; UTF-8, with or without BOM, UTF-16 or Windows-1252;
decimal commas), Parquet, or .xlsx / .ods exports, as survey tools lay them out
(sources.py: Qualtrics' and SurveyMonkey's extra header rows, zones in dates); a folder
is every such file in it. DuckDB opens them while the plan is read (its Surveys tab and
time zone say how to read them: zones.py), then reads and groups them in one pass
(engine.py); the texts are then matched to the plan (resolve.py), and each measure gets
its 95 % interval (omnisheet/template/statistics.py). Nothing is downloaded at run time.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..template.text import normalise
from .errors import FeedbackInputError
from .model import Feedback, Unusable
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
    plan (read from its file while DuckDB opens the responses, when a path is given).
    Of several files, one that cannot be used is listed in `feedback.unusable` with its
    reason and the others are computed; of one file, its reason is raised. With `where`
    (an open omnisheet.engine.Engine), `tables` are that engine's, grouped where they live."""
    from ..template.definition import load_definition
    from . import engine, resolve
    from . import sources as files
    from .vocabulary import vocabulary
    from .zones import plan_zone

    d = definition or load_definition()
    words = vocabulary(d)
    if where is not None:
        return _read_tables(where, tables, plan, d, words, period, columns or {})
    loaded: dict[str, Any] = {}
    loader = None
    if _is_plan(plan):
        loaded["plan"] = plan
    unusable: list[FeedbackInputError] = []
    try:
        paths = files.discover(responses)
        if not _is_plan(plan):  # read while DuckDB opens the files, which leaves Python free
            loader = threading.Thread(target=_load_plan, args=(plan, d, loaded), daemon=True)
            loader.start()
        with tempfile.TemporaryDirectory(prefix="omnisheet-") as scratch:
            spill = Path(scratch) / "spill"
            spill.mkdir()
            con = engine.connect(threads, spill)
            try:
                opened = []
                for i, path in enumerate(paths):
                    try:
                        opened.append(files.open_source(path, con, words, columns or {},
                                                        Path(scratch), i))
                    except FeedbackInputError as error:
                        unusable.append(_alone(error, len(paths)))
                if loader is not None:
                    loader.join()
                    loader = None
                if "error" in loaded:  # a responses file's own fault is said first
                    for source in opened:
                        files.with_columns(source, con, words, columns or {})
                    raise loaded["error"]
                the_plan = loaded["plan"]
                con.execute("SET VARIABLE plan_zone = ?", [plan_zone(the_plan)]).fetchall()
                mapping = resolve.survey_columns(the_plan)
                prepared: list[files.Source] = []
                for source in opened:
                    try:
                        parts = files.with_columns(source, con, words, columns or {},
                                                   mapping.get(normalise(source.stem), ()))
                        for part in parts:
                            resolve.check_source(part, the_plan, words)
                    except FeedbackInputError as error:
                        unusable.append(_alone(error, len(paths)))
                        continue
                    prepared.extend(parts)
                if not prepared:
                    raise unusable[0] if len(unusable) == 1 else UnusableFiles(unusable)
                groups, malformed = _scan(con, prepared, period, words, Path(scratch))
                bad_dates = {i: engine.unreadable_dates(con, prepared[i])
                             for i in sorted({g.source for g in groups if g.date_state == 2})}
            finally:
                con.close()
    except BaseException as error:
        if loader is not None:
            loader.join()
        if isinstance(error, FeedbackInputError):
            if loader is None and "plan" not in loaded and not _is_plan(plan):
                _load_plan(plan, d, loaded)  # its language says the error
            error.plan = loaded.get("plan")  # type: ignore[attr-defined]
        raise
    try:
        found = resolve.build(the_plan, d, words, prepared, groups, malformed, period,
                              bad_dates)
    except FeedbackInputError as error:
        error.plan = the_plan  # type: ignore[attr-defined]
        raise
    return replace(found, plan=the_plan, unusable=tuple(
        Unusable(str(e.fields.get("file", "")), e.key, dict(e.fields)) for e in unusable
    ) + found.unusable)


class UnusableFiles(FeedbackInputError):
    """None of several files could be used: each one's line."""

    def __init__(self, errors: Sequence[FeedbackInputError]) -> None:
        self.errors = list(errors)
        super().__init__("none_usable", count=len(self.errors))

    def render(self, lang: str | None = None) -> str:
        return "\n".join(e.render(lang) for e in self.errors)


def _alone(error: FeedbackInputError, files: int) -> FeedbackInputError:
    """A file's error: raised at once when it is the only file, else kept for the list."""
    if files == 1:
        raise error
    return error


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
    from .memory import memory_limit, out_of_memory

    try:
        return engine.scan(con, prepared, period), engine.malformed_lines(con, prepared)
    except FeedbackInputError:
        raise
    except Exception as error:
        if out_of_memory(error):
            raise FeedbackInputError("memory", file=_named(error, prepared),
                                     limit=memory_limit()) from None
        if "unicode" not in str(error).lower():
            raise FeedbackInputError("not_a_table", file=_named(error, prepared)) from None
    copies: dict[Path, Any] = {}
    for index, source in enumerate(prepared):
        if source.format == "csv" and source.encoding == "utf-8" and not _utf8(source.path):
            if source.path not in copies:
                copy = files.transcode(source.path, "cp1252", scratch / f"again-{index}.csv")
                copies[source.path] = files.open_source(copy, con, words, {}, scratch,
                                                        index + 200_000)
            base = copies[source.path]
            fresh = replace(source, path=source.path, encoding="cp1252",
                            relation=base.relation, sample_relation=base.sample_relation)
            fresh.date_sql = files.moment_sql(fresh, con)
            prepared[index] = fresh
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    try:
        return engine.scan(con, prepared, period), engine.malformed_lines(con, prepared)
    except Exception as error:
        if out_of_memory(error):
            raise FeedbackInputError("memory", file=_named(error, prepared),
                                     limit=memory_limit()) from None
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
