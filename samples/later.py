"""The French sample a month later, for `omnisheet diff`: Maison Lumen's plan (the sample,
as it stood in March) after April's work, written to the path given.

    python samples/later.py out/retail-fr-avril.xlsx
    omnisheet diff samples/retail-fr.xlsx out/retail-fr-avril.xlsx

What the team did in April: a use case for public complaints on social media (the
friction it addresses is no longer unaddressed, but nothing implements it yet); the
ready-in-store alert went live and got easier; the store help desk was marked Normal
(though its CSAT still lags); the back-in-stock reminder moved to the app's list value;
the delivery slot reminder comes a day earlier, with a new follow-up at J+5; store stock
became available to the CRM.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from omnisheet.outputs.workbook import write
from omnisheet.plan.model import Message, Plan, UseCase
from omnisheet.read.plan_file import read_plan_file

HERE = Path(__file__).resolve().parent


def april(plan: Plan) -> Plan:
    """The March plan with April's work done."""
    use_cases = tuple(replace(u, difficulty=1, status="live") if u.id == "UC-012" else u
                      for u in plan.use_cases)
    use_cases += (UseCase(
        id="UC-027", category="service",
        title="Répondre aux réclamations publiques avec l'historique client",
        objective="Traiter en privé, en moins de 2 h, ce qui est dit en public",
        stage="get_help", channel="social", business_impact=3, cx_impact=5, difficulty=3,
        owner="Resp. relation client", status="idea"),)
    touchpoints = tuple(replace(t, status="normal")
                        if (t.stage, t.channel) == ("get_help", "store") else t
                        for t in plan.touchpoints)
    messages: list[Message] = []
    for message in plan.messages:
        if message.scenario == "SC-004" and message.channel == "Notification push":
            message = replace(message, channel="mobile_app")
        if message.scenario == "SC-007" and message.delay == "J+2":
            message = replace(message, delay="J+1")
        messages.append(message)
        if message.scenario == "SC-007" and message.delay == "J+3":
            messages.append(Message(scenario="SC-007", delay="J+5", channel="email",
                                    content="Votre livraison s'est-elle bien passée ?"))
    data_needs = tuple(replace(d, availability="available")
                       if (d.scenario, d.variable) == ("SC-004", "Stock par magasin") else d
                       for d in plan.data_needs)
    return plan.with_changes(use_cases=use_cases, touchpoints=touchpoints,
                             messages=tuple(messages), data_needs=data_needs)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    out = write(april(read_plan_file(HERE / "retail-fr.yaml")), argv[0])
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
