"""Checks on the journey map: every friction and opportunity should lead somewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...template.facts import Label
from ...template.severity import ERROR, INFO, WARNING
from .registry import CheckContext, declare, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


def _unaddressed(ctx: CheckContext, status: str, code: str) -> Iterator[Finding]:
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status == status and not ctx.addressed(touchpoint):
            yield ctx.on_touchpoint(code, touchpoint, value=touchpoint.description,
                                    stage=Label("stage", touchpoint.stage),
                                    channel=Label("channel", touchpoint.channel))


@register("friction-without-use-case", WARNING, "journey", needs=("use_cases",))
def friction_without_use_case(ctx: CheckContext) -> Iterator[Finding]:
    yield from _unaddressed(ctx, "friction", "friction-without-use-case")


@register("opportunity-without-use-case", WARNING, "journey", needs=("use_cases",))
def opportunity_without_use_case(ctx: CheckContext) -> Iterator[Finding]:
    yield from _unaddressed(ctx, "opportunity", "opportunity-without-use-case")


@register("status-spelled-differently", INFO, "journey")
def status_spelled_differently(ctx: CheckContext) -> Iterator[Finding]:
    for touchpoint in ctx.plan.touchpoints:
        typed = touchpoint.typed.get("status")
        # Case and spaces count here: the map's colour rule compares the text as typed.
        if typed is not None and touchpoint.status is not None:
            yield ctx.on_touchpoint("status-spelled-differently", touchpoint, status=True,
                                    value=typed,
                                    expected=Label("touchpoint_status", touchpoint.status))


declare("touchpoint-without-stage", ERROR, "journey")
declare("touchpoint-without-channel", ERROR, "journey")


@register("touchpoint-without-status", WARNING, "journey")
def touchpoint_without_status(ctx: CheckContext) -> Iterator[Finding]:
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.description is not None and touchpoint.status is None:
            yield ctx.on_touchpoint("touchpoint-without-status", touchpoint, status=True,
                                    value=touchpoint.description,
                                    stage=Label("stage", touchpoint.stage),
                                    channel=Label("channel", touchpoint.channel))
