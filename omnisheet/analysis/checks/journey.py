"""Checks on the journey map: every friction and opportunity should lead somewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...template.formatting import Label
from ...template.severity import ERROR, INFO, WARNING
from .registry import Context, check

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


def _unaddressed(ctx: Context, status: str, code: str) -> Iterator[Finding]:
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status == status and not ctx.addressed(touchpoint):
            yield ctx.on_touchpoint(code, touchpoint, value=touchpoint.description,
                                    stage=ctx.label("stage", touchpoint.stage),
                                    channel=ctx.label("channel", touchpoint.channel))


@check("friction-without-use-case", WARNING, "journey", needs=("use_cases",))
def friction_without_use_case(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Friction is addressed by no use case."""
    yield from _unaddressed(ctx, "friction", "friction-without-use-case")


@check("opportunity-without-use-case", WARNING, "journey", needs=("use_cases",))
def opportunity_without_use_case(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Opportunity is taken up by no use case."""
    yield from _unaddressed(ctx, "opportunity", "opportunity-without-use-case")


@check("status-spelled-differently", INFO, "journey")
def status_spelled_differently(ctx: Context) -> Iterator[Finding]:
    """A touchpoint's status is typed another way than the list's ("Opportunite", "friction ")."""
    for touchpoint in ctx.plan.touchpoints:
        typed = touchpoint.typed.get("status")
        # Case and spaces count here: the map's colour rule compares the text as typed.
        if typed is not None and touchpoint.status is not None:
            yield ctx.on_touchpoint("status-spelled-differently", touchpoint, status=True,
                                    value=typed,
                                    expected=ctx.label("touchpoint_status", touchpoint.status))


@check("touchpoint-without-stage", ERROR, "journey")
def touchpoint_without_stage(ctx: Context) -> Iterator[Finding]:
    """A cell of the journey map is filled under a pair of columns whose header shows no stage (the
    template draws room for more stages than the list holds)."""
    yield from (f for f in ctx.plan.read_findings if f.code == "touchpoint-without-stage")


@check("touchpoint-without-channel", ERROR, "journey")
def touchpoint_without_channel(ctx: Context) -> Iterator[Finding]:
    """A cell of the journey map is filled on a row whose header shows no channel."""
    yield from (f for f in ctx.plan.read_findings if f.code == "touchpoint-without-channel")


@check("touchpoint-without-status", WARNING, "journey")
def touchpoint_without_status(ctx: Context) -> Iterator[Finding]:
    """A touchpoint is described on the journey map but given no status."""
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.description is not None and touchpoint.status is None:
            yield ctx.on_touchpoint("touchpoint-without-status", touchpoint, status=True,
                                    value=touchpoint.description,
                                    stage=Label("stage", touchpoint.stage),
                                    channel=Label("channel", touchpoint.channel))
