"""Checks on the journey map: every friction and opportunity should lead somewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..severity import WARNING
from ..text import normalise
from .registry import Context, check

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..model import Finding, Touchpoint


def addressed(ctx: Context, touchpoint: Touchpoint) -> bool:
    """A use case addresses a touchpoint when it names its stage and its channel (or no
    channel, which means every channel of the stage)."""
    stage, channel = normalise(touchpoint.stage), normalise(touchpoint.channel)
    return any(
        normalise(u.stage) == stage and (u.channel is None or normalise(u.channel) == channel)
        for u in ctx.plan.use_cases
    )


def _unaddressed(ctx: Context, status: str, code: str) -> Iterator[Finding]:
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status == status and not addressed(ctx, touchpoint):
            yield ctx.on_touchpoint(code, touchpoint, value=touchpoint.description,
                                    stage=ctx.label("stage", touchpoint.stage),
                                    channel=ctx.label("channel", touchpoint.channel))


@check("friction-without-use-case", WARNING, "journey",
       fr="Friction « {stage} » × « {channel} » : aucun cas d'usage ne la traite.",
       en="Friction at \"{stage}\" × \"{channel}\": no use case addresses it.")
def friction_without_use_case(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Friction is addressed by no use case.

    A friction is an irritant the team has seen; left without a use case it stays in the
    journey. Add a use case with this stage and channel (or this stage and no channel).
    """
    yield from _unaddressed(ctx, "friction", "friction-without-use-case")


@check("opportunity-without-use-case", WARNING, "journey",
       fr="Opportunité « {stage} » × « {channel} » : aucun cas d'usage ne l'exploite.",
       en="Opportunity at \"{stage}\" × \"{channel}\": no use case takes it up.")
def opportunity_without_use_case(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Opportunity is taken up by no use case.

    Opportunities are where other channels' history would make the contact better; they
    are the raw material of use cases. Add one, or mark the touchpoint Normal.
    """
    yield from _unaddressed(ctx, "opportunity", "opportunity-without-use-case")
