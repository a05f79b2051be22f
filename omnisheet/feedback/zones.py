"""The time zone a response's moment is counted in: the plan's Time zone setting, else
Europe/Paris for a French plan, else the machine's. An answer given at 23:30 UTC on
31 July is an August answer in Paris, and counted in August."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import FeedbackInputError

if TYPE_CHECKING:
    from ..plan.model import Plan

#: The zone of a plan in a language when its Time zone setting is empty.
BY_LANGUAGE = {"fr": "Europe/Paris"}


def plan_zone(plan: Plan) -> str:
    """The plan's zone, an IANA name; a name no zone has is one line, not UTC silently."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    given = dict(plan.settings).get("time_zone")  # type: ignore[call-overload]
    if given is None or not str(given).strip():
        return BY_LANGUAGE.get(str(plan.language), machine_zone())
    name = str(given).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FeedbackInputError("bad_zone", zone=name) from None
    return name


def setting_problems(settings: dict[str, object]) -> dict[str, str]:
    """The Time zone setting when no zone has its name (key → reason key)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    given = settings.get("time_zone")
    if given is None or not str(given).strip():
        return {}
    try:
        ZoneInfo(str(given).strip())
    except (ZoneInfoNotFoundError, ValueError):
        return {"time_zone": "time_zone"}
    return {}


def machine_zone() -> str:
    """The machine's zone: TZ, else /etc/timezone, else where /etc/localtime points."""
    named = os.environ.get("TZ", "").lstrip(":").strip()
    if named and "/" in named or named == "UTC":
        return named
    try:
        text = Path("/etc/timezone").read_text().strip()
        if text:
            return text
    except OSError:
        pass
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target:
        return target.split("zoneinfo/", 1)[1]
    return "UTC"
