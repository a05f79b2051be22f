"""Checks on the journey map: every friction and opportunity should lead somewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..severity import ERROR, INFO, WARNING
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
       en="Friction at \"{stage}\" × \"{channel}\": no use case addresses it.",
       needs=('use_cases',))
def friction_without_use_case(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Friction is addressed by no use case.

    A friction is an irritant the team has seen; left without a use case it stays in the
    journey. Add a use case with this stage and channel (or this stage and no channel).
    """
    yield from _unaddressed(ctx, "friction", "friction-without-use-case")


@check("opportunity-without-use-case", WARNING, "journey",
       fr="Opportunité « {stage} » × « {channel} » : aucun cas d'usage ne l'exploite.",
       en="Opportunity at \"{stage}\" × \"{channel}\": no use case takes it up.",
       needs=('use_cases',))
def opportunity_without_use_case(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Opportunity is taken up by no use case.

    Opportunities are where other channels' history would make the contact better; they
    are the raw material of use cases. Add one, or mark the touchpoint Normal.
    """
    yield from _unaddressed(ctx, "opportunity", "opportunity-without-use-case")


@check("status-spelled-differently", INFO, "journey",
       fr="Statut « {value} » lu comme « {expected} » ; la couleur de la carte ne s'applique qu'à « {expected} » écrit ainsi : choisissez-le dans la liste.",
       en="Status \"{value}\" read as \"{expected}\"; the map colours only \"{expected}\" spelled so: pick it from the list.")
def status_spelled_differently(ctx: Context) -> Iterator[Finding]:
    """A touchpoint's status is typed another way than the list's ("Opportunite",
    "friction ").

    omnisheet reads it as that status and keeps the text as typed, but the journey map's
    colour rule (yellow, orange, green) matches the list's spelling only, so the cell
    stays white. Pick the status from the dropdown.
    """
    for touchpoint in ctx.plan.touchpoints:
        typed = touchpoint.typed.get("status")
        if typed is not None and not ctx.spelled_as_listed("touchpoint_status",
                                                           touchpoint.status, typed):
            yield ctx.on_touchpoint("status-spelled-differently", touchpoint, status=True,
                                    value=typed,
                                    expected=ctx.label("touchpoint_status", touchpoint.status))


@check("touchpoint-without-stage", ERROR, "journey",
       fr="« {value} » est sous une colonne sans étape du parcours : il n'est lu comme aucun point de contact.",
       en="\"{value}\" sits under a column with no journey stage: it is read as no touchpoint.")
def touchpoint_without_stage(ctx: Context) -> Iterator[Finding]:
    """A cell of the journey map is filled under a pair of columns whose header shows no
    stage (the template draws room for more stages than the list holds).

    The text is kept where it was typed, but it is no touchpoint until it has a stage:
    add the stage to the journey stages on the Lists tab (the map's header shows it at
    once), or move the text under an existing stage.
    """
    yield from (f for f in ctx.plan.read_findings if f.code == "touchpoint-without-stage")


@check("touchpoint-without-channel", ERROR, "journey",
       fr="« {value} » est sur une ligne sans canal : il n'est lu comme aucun point de contact.",
       en="\"{value}\" sits on a row with no channel: it is read as no touchpoint.")
def touchpoint_without_channel(ctx: Context) -> Iterator[Finding]:
    """A cell of the journey map is filled on a row whose header shows no channel.

    The text is kept where it was typed, but it is no touchpoint until it has a channel:
    add the channel to the channels on the Lists tab (the map's row shows it at once), or
    move the text to an existing channel's row.
    """
    yield from (f for f in ctx.plan.read_findings if f.code == "touchpoint-without-channel")
