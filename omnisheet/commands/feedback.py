"""`omnisheet feedback`: read the responses and the plan, print the measures (text or
JSON), and with -o write the plan with its measures and trends, checked as `check -o`
does. The command line (omnisheet/cli.py) only parses and hands over."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..engine import on_engine
from ..engine.errors import EngineError
from ..feedback.errors import FeedbackInputError
from ..feedback.model import Feedback
from ..template.errors import OmnisheetError

#: Exit statuses: all read; a file, or most of a file, set aside; nothing could be kept.
OK, SET_ASIDE, NOTHING_KEPT = 0, 1, 2


def exit_status(feedback: Feedback) -> int:
    """2 when no answer could be kept, 1 when a file could not be used or most of a file's
    rows were set aside (a wrong column, a wrong survey), else 0."""
    if not feedback.used:
        return NOTHING_KEPT
    if feedback.unusable or any(2 * f.rejected > f.rows for f in feedback.files):
        return SET_ASIDE
    return OK


def run(responses: Sequence[Path], plan_file: Path, *, output: Path | None, period: str,
        fmt: str, columns: Sequence[str], lang: str | None, engine: str = "duckdb",
        tables: Sequence[str] = ()) -> tuple[str | None, int]:
    """Does the work and prints; returns the path written, if any, for the caller to say,
    and the exit status."""
    from ..feedback import column_overrides, read_feedback
    from ..feedback.render import render_text, render_updated, to_dict
    from ..template.definition import load_definition

    definition = load_definition()
    try:
        overrides = column_overrides(columns)
        if on_engine(engine, responses, tables):
            feedback = _on_engine(responses, plan_file, engine, tables, period, overrides,
                                  definition)
        else:
            feedback = read_feedback(responses, plan_file, period=period, columns=overrides,
                                     definition=definition)
        plan = feedback.plan
    except (FeedbackInputError, EngineError) as error:
        from ..template.errors import error_language

        plan = getattr(error, "plan", None)  # the plan's language, when it was read
        raise OmnisheetError(error.render(error_language(lang, plan.language if plan else None))
                             ) from None
    lang = definition.check_language(lang or plan.language)
    written, updated = None, ()
    if output is not None and feedback.used:
        from ..analysis.report import build_report
        from ..feedback.apply import applied
        from ..outputs.workbook import written_as

        measured, updated = applied(plan, feedback, definition)
        report = build_report(measured, definition, lang)
        written_as(measured, output, report, definition, lang, plan)
        written = str(output)
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(to_dict(feedback, definition, lang, str(plan_file)),
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        text = render_text(feedback, definition, lang)
        if output is None and feedback.series:
            text += "\n\n" + definition.words_for("feedback", lang)["to_plan"]
        if output is not None and updated:
            text += "\n\n" + render_updated(updated, definition, lang)
        from ..template.text import shown

        sys.stdout.write(shown(text) + "\n")
    return written, exit_status(feedback)


def _on_engine(responses: Sequence[Path], plan_file: Path, engine: str, tables: Sequence[str],
               period: str, overrides: dict[str, str], definition: Any) -> Any:
    """The responses as tables of an engine where they live: the plan read first (its
    language says any error), then the engine opened and the tables grouped there."""
    from ..engine import tables_of
    from ..feedback import read_feedback
    from ..read.reader import load

    plan = load(plan_file, definition=definition)
    try:
        with tables_of(engine, responses, tables) as opened:
            return read_feedback((), plan, period=period, columns=overrides,
                                 definition=definition, where=opened, tables=tables)
    except (FeedbackInputError, EngineError) as error:
        error.plan = plan  # type: ignore[attr-defined]
        raise
