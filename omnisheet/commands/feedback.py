"""`omnisheet feedback`: read the responses and the plan, print the measures (text or
JSON), and with -o write the plan with its measures and trends, checked as `check -o`
does. The command line (omnisheet/cli.py) only parses and hands over."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..feedback.errors import FeedbackInputError
from ..template.errors import OmnisheetError


def run(responses: Sequence[Path], plan_file: Path, *, output: Path | None, period: str,
        fmt: str, columns: Sequence[str], lang: str | None) -> str | None:
    """Does the work and prints; returns the path written, if any, for the caller to say."""
    from ..feedback import column_overrides, read_feedback
    from ..feedback.render import render_text, render_updated, to_dict
    from ..template.definition import load_definition

    definition = load_definition()
    try:
        overrides = column_overrides(columns)
        feedback = read_feedback(responses, plan_file, period=period, columns=overrides,
                                 definition=definition)
        plan = feedback.plan
    except FeedbackInputError as error:
        from ..template.errors import error_language

        plan = getattr(error, "plan", None)  # the plan's language, when it was read
        raise OmnisheetError(error.render(error_language(lang, plan.language if plan else None))
                             ) from None
    lang = definition.check_language(lang or plan.language)
    written, updated = None, ()
    if output is not None:
        from ..analysis.report import check
        from ..feedback.apply import applied
        from ..outputs.workbook import write

        measured, updated = applied(plan, feedback, definition)
        report = check(measured, definition, lang)
        write(measured, output, report=report, definition=definition)
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
    return written
