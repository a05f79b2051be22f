"""A synthetic consolidated enterprise plan, large enough to measure omnisheet on.

At 1×: 20 stages × 20 channels with 200 touchpoints, 20,000 use cases, 5,000 scenarios,
20,000 messages and 20,000 data needs; everything scales linearly with `scale` (the journey
map grows past 20 × 20 when it must, so touchpoints stay within stages × channels).

    python bench/synthetic.py OUT.xlsx --scale 2
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from omnisheet.outputs.workbook import blank_plan, write  # noqa: E402
from omnisheet.plan.model import (  # noqa: E402
    DataNeed,
    Message,
    Placement,
    Plan,
    Scenario,
    Touchpoint,
    UseCase,
)

STAGES = (
    "Awareness", "Inspiration", "Research", "Configuration", "Comparison", "Quotation",
    "Financing", "Purchase", "Payment", "Onboarding", "Delivery", "Installation",
    "First use", "Daily use", "Support", "Maintenance", "Renewal", "Upgrade", "Advocacy",
    "Win-back",
)
CHANNELS = (
    "Corporate website", "Brand website", "iOS app", "Android app", "Email", "SMS",
    "WhatsApp", "Push notification", "Instagram", "LinkedIn", "YouTube", "Call centre",
    "Chatbot", "Flagship store", "Franchise store", "Partner retailer", "Field sales",
    "Direct mail", "Trade show", "Marketplace",
)
CATEGORIES = ("knowledge", "activation", "omnichannel", "upsell", "service", "reporting")
UC_STATUSES = ("idea", "planned", "in_progress", "live")
TP_STATUSES = ("normal", "friction", "opportunity")
PROGRAMMES = ("conversion", "activation", "upsell", "satisfaction")
TRIGGER_TYPES = ("behaviour", "event", "date")
SOURCES = ("crm", "ecommerce", "pos", "customer_service", "erp", "web_analytics",
           "mobile_app", "loyalty")
AVAILABILITY = ("available", "to_integrate", "to_collect")
FREQUENCIES = ("real_time", "daily", "weekly", "monthly")
OWNERS = ("CRM lead", "E-commerce lead", "CDO", "IT", "Store ops", "Customer service",
          "Marketing", "Data team", "Loyalty manager", "Regional director")
VERBS = ("Personalise", "Automate", "Reactivate", "Score", "Segment", "Recommend", "Notify",
         "Measure", "Simplify", "Enrich", "Unify", "Predict")
OBJECTS = ("product pages", "abandoned baskets", "loyalty points", "store visits",
           "service tickets", "renewal offers", "delivery slots", "customer profiles",
           "reviews", "quotes", "warranty claims", "newsletters")
OBJECTIVES = ("Conversion", "Retention", "Satisfaction", "Average basket", "Cost to serve",
              "Acquisition")
TRIGGERS = ("Sign-up", "Basket abandoned for 1 h", "Birthday", "Order shipped",
            "No purchase for 90 days", "Ticket closed", "Contract ends in 30 days",
            "Store visit", "App installed", "Product viewed 3 times")
EXITS = ("Purchase", "Unsubscribe", "Ticket reopened", "Renewal signed", "Store visit")
DELAYS = ("J+0", "J+1", "J+3", "J+7", "J+14", "H+2", "J+30", "S+1")
MSG_CHANNELS = ("Email", "SMS", "Push notification", "WhatsApp", "Direct mail")
VARIABLES = ("Email and consent", "Basket content", "Last purchase date", "Store of reference",
             "Loyalty tier", "Open tickets", "Contract end date", "Product affinities",
             "Birth date", "Mobile number", "Lifetime value", "Preferred channel")


def _axis(names: tuple[str, ...], size: int, word: str) -> tuple[str, ...]:
    return names[:size] + tuple(f"{word} {i}" for i in range(len(names) + 1, size + 1))


def _maybe(rng: random.Random, value, empty: float = 0.05):
    return None if rng.random() < empty else value


def enterprise_plan(scale: float = 1.0, seed: int = 0) -> Plan:
    """A big, plausible plan: counts grow linearly with `scale`; `seed` fixes every value."""
    rng = random.Random(seed)
    n_tp = max(1, round(200 * scale))
    n_uc = max(1, round(20_000 * scale))
    n_sc = max(1, round(5_000 * scale))
    n_msg = max(1, round(20_000 * scale))
    n_dn = max(1, round(20_000 * scale))

    side = max(20, math.ceil(math.sqrt(2 * n_tp)))
    stages = _axis(STAGES, side, "Stage")
    channels = _axis(CHANNELS, side, "Channel")
    base = blank_plan("en")
    lists = {**base.lists, "stage": stages, "channel": channels}

    cells = rng.sample([(s, c) for s in stages for c in channels], n_tp)
    touchpoints = tuple(
        Touchpoint(stage=s, channel=c, description=f"{c} at {s.lower()}",
                   status=rng.choices(TP_STATUSES, weights=(6, 2, 2))[0])
        for s, c in cells
    )

    def mark() -> int | None:
        return _maybe(rng, rng.randint(1, 5), 0.08)

    use_cases = tuple(
        UseCase(
            id=f"UC-{i:05d}",
            category=_maybe(rng, rng.choice(CATEGORIES), 0.02),
            title=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
            objective=_maybe(rng, rng.choice(OBJECTIVES), 0.15),
            description=_maybe(rng, f"Use case {i} for the {rng.choice(OWNERS)} team", 0.5),
            stage=_maybe(rng, rng.choice(stages), 0.05),
            channel=_maybe(rng, rng.choice(channels), 0.2),
            business_impact=mark(),
            cx_impact=mark(),
            difficulty=mark(),
            owner=_maybe(rng, rng.choice(OWNERS), 0.1),
            status=_maybe(rng, rng.choice(UC_STATUSES), 0.1),
        )
        for i in range(1, n_uc + 1)
    )

    rel_stages = tuple(lists["relationship_stage"])
    targets = tuple(lists["target"])
    scenarios = []
    for i in range(1, n_sc + 1):
        # Mostly valid references, a few dangling ones as real consolidated plans have.
        uc = rng.randint(1, n_uc) if rng.random() > 0.01 else n_uc + rng.randint(1, 999)
        scenarios.append(Scenario(
            id=f"SC-{i:05d}",
            name=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} #{i}",
            programme=_maybe(rng, rng.choice(PROGRAMMES)),
            relationship_stage=rng.choice(rel_stages),
            target=rng.choice(targets),
            use_case=_maybe(rng, f"UC-{uc:05d}", 0.03),
            trigger_type=_maybe(rng, rng.choice(TRIGGER_TYPES)),
            trigger=_maybe(rng, rng.choice(TRIGGERS)),
            exit_condition=_maybe(rng, rng.choice(EXITS), 0.1),
        ))

    placed: dict[tuple[str, str], list[str]] = {}
    for sc in scenarios:
        if rng.random() < 0.9:
            placed.setdefault((sc.relationship_stage, sc.target), []).append(sc.id)
    placements = tuple(Placement(relationship_stage=r, target=t, scenarios=tuple(ids))
                       for (r, t), ids in placed.items())

    def scenario_ref() -> str:
        n = rng.randint(1, n_sc) if rng.random() > 0.01 else n_sc + rng.randint(1, 999)
        return f"SC-{n:05d}"

    messages = tuple(
        Message(scenario=scenario_ref(), delay=_maybe(rng, rng.choice(DELAYS), 0.03),
                channel=rng.choice(MSG_CHANNELS),
                content=_maybe(rng, f"{rng.choice(VERBS)} — message {i}", 0.05))
        for i in range(1, n_msg + 1)
    )
    data_needs = tuple(
        DataNeed(scenario=scenario_ref(), variable=rng.choice(VARIABLES),
                 description=_maybe(rng, "Needed for targeting", 0.6),
                 source=_maybe(rng, rng.choice(SOURCES)),
                 availability=_maybe(rng, rng.choice(AVAILABILITY)),
                 frequency=_maybe(rng, rng.choice(FREQUENCIES), 0.1),
                 owner=_maybe(rng, rng.choice(OWNERS), 0.1))
        for _ in range(n_dn)
    )
    # Contact pressure: caps for the channels messages go out on, a fifth of the scenarios
    # transactional, a trigger hour for some (drawn apart, so the rest of the plan is the
    # same as before these existed).
    extra = random.Random(seed + 1)
    scenarios = [replace(s, purpose=extra.choice(("marketing",) * 4 + ("service",)),
                         trigger_hour=extra.choice((None, None, None, 9, 20)))
                 for s in scenarios]
    caps = {"Email": (3, 7), "SMS": (1, 7), "Push notification": (4, 7), "WhatsApp": (2, 7),
            "Direct mail": (1, 30)}
    tables = {"contact_caps": tuple((c, *caps.get(c, (None, None))) for c in channels)}
    return base.with_changes(lists=lists, touchpoints=touchpoints, use_cases=use_cases,
                             placements=placements, scenarios=tuple(scenarios),
                             messages=messages, data_needs=data_needs, setting_tables=tables)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write(enterprise_plan(args.scale, args.seed), args.out)
    print(args.out)


if __name__ == "__main__":
    main()
