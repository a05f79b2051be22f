"""`omnisheet journeys`: read the events and the plan, print the observed journey (text or
JSON) with the checks that compare it with the map, and with -o write the plan with the
observed shares of traffic and an Observed journey tab, checked as `check -o` does (or,
for a .html path, the plan's report page with the observed journey drawn)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..engine import on_engine
from ..engine.errors import EngineError
from ..template.errors import OmnisheetError

#: The checks that compare the map with the events (omnisheet/analysis/checks/observed.py).
CODES = ("touchpoint-without-traffic", "traffic-without-touchpoint",
         "switch-without-opportunity", "slower-than-promised", "drop-off-at-normal")


def run(events: Sequence[Path], plan_file: Path, *, output: Path | None, period: str,
        fmt: str, lang: str | None, threads: int | None = None, engine: str = "duckdb",
        tables: Sequence[str] = ()) -> str | None:
    """Does the work and prints; returns the path written, if any, for the caller to say."""
    from ..analysis.checks import run_checks
    from ..analysis.report import sort_key
    from ..journeys import JourneysInputError, read_journeys
    from ..template.definition import load_definition

    definition = load_definition()
    try:
        if on_engine(engine, events, tables):
            journeys = _on_engine(events, plan_file, engine, tables, period, definition)
        else:
            journeys = read_journeys(events, plan_file, period=period, definition=definition,
                                     threads=threads)
    except (JourneysInputError, EngineError) as error:
        from ..template.errors import error_language

        plan = getattr(error, "plan", None)  # the plan's language, when it was read
        raise OmnisheetError(error.render(error_language(lang, plan.language if plan else None))
                             ) from None
    plan = journeys.plan
    lang = definition.check_language(lang or plan.language)
    findings = sorted(run_checks(plan, definition, only=set(CODES), journeys=journeys), key=sort_key(plan, definition))
    written_to, written = None, None
    if output is not None:
        from ..analysis.report import build_report
        from ..journeys.apply import applied

        measured, written = applied(plan, journeys, definition)
        report = build_report(measured, definition, lang, journeys=journeys)
        if output.suffix.lower() in (".html", ".htm"):
            from ..outputs.html.report import write_html

            write_html(report, output, lang)
        else:
            from ..outputs.workbook import written_as

            written_as(measured, output, report, definition, lang, plan)
        written_to = str(output)
    if fmt == "json":
        import json

        from ..outputs.json.journeys import to_dict
        from ..outputs.json.report import findings_json
        from ..outputs.messages import Messages

        data = to_dict(journeys, definition, lang, str(plan_file))
        data["findings"] = findings_json(findings, Messages(definition, lang))
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        from ..outputs.text.journeys import render_text

        sys.stdout.write(render_text(journeys, findings, definition, lang, written) + "\n")
    return written_to


def _on_engine(events: Sequence[Path], plan_file: Path, engine: str, tables: Sequence[str],
               period: str, definition: Any) -> Any:
    """The events as tables of an engine where they live: the plan read first (its
    language says any error), then the engine opened and the events computed there."""
    from ..engine import tables_of
    from ..journeys import JourneysInputError, read_journeys
    from ..read.reader import load

    plan = load(plan_file, definition=definition)
    try:
        with tables_of(engine, events, tables, nothing="no_events_given") as opened:
            return read_journeys((), plan, period=period, definition=definition,
                                 where=opened, tables=tables)
    except (JourneysInputError, EngineError) as error:
        error.plan = plan  # type: ignore[attr-defined]
        raise
