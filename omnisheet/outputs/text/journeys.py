"""`omnisheet journeys` on screen: what the events hold, then per stage the channels
customers used, the switches most taken, delays against promises, drop-off, and the
findings of the observed-journey checks, in the plan's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...template import periods as periods_of
from ...template.formatting import Formatter
from ...template.numbers import round_half_away
from ...template.text import shown

if TYPE_CHECKING:
    from ...journeys.apply import Written
    from ...journeys.model import Journeys
    from ...plan.model import Finding
    from ...template.definition import Definition

TOP_SWITCHES = 8
TOP_UNPLACED = 5


class Words:
    """The words and number forms of one language, and how stages and channels read."""

    def __init__(self, definition: Definition, lang: str) -> None:
        self.definition, self.lang = definition, lang
        self.w = definition.words_for("journeys", lang)
        self.n = Formatter.of(definition, lang)

    def stage(self, value: Any) -> str:
        return self.definition.list("stage").label(value, self.lang) if isinstance(value, str) \
            else str(value)

    def channel(self, value: Any) -> str:
        return self.definition.list("channel").label(value, self.lang) \
            if isinstance(value, str) else str(value)

    def touchpoint(self, stage: Any, channel: Any) -> str:
        return f"{self.stage(stage)} × {self.channel(channel)}"

    def period(self, start: Any, kind: str) -> str:
        return periods_of.period_name(start, kind, self.definition, self.lang)

    def count(self, n: int | None, k: int) -> str:
        return self.w["fewer"].format(k=k) if n is None else self.n.count(n)

    def masked(self, n: int | None) -> str:
        """A figure hidden because it would tell another one drawn from too few customers."""
        return self.w["hidden"] if n is None else self.n.count(n)

    def share(self, value: float | None, k: int) -> str:
        return self.w["fewer"].format(k=k) if value is None else self.n.points(value)

    def duration(self, hours: float) -> str:
        if hours < 1:
            return self.w["minutes"].format(n=self.n.number(hours * 60, 0))
        if hours < 48:
            return self.w["hours"].format(n=self.n.number(round_half_away(hours, 1)))
        return self.w["days"].format(n=self.n.number(round_half_away(hours / 24, 1)))

    def weekdays(self, days: list[int]) -> str:
        names = [d.strip() for d in self.w["weekdays"].split("|")]
        return ", ".join(names[d - 1] for d in days)


def render_text(journeys: Journeys, findings: list[Finding], definition: Definition,
                lang: str, written: tuple[Written, ...] | None = None) -> str:
    from ..messages import Messages

    said = Messages(definition, lang)
    t = Words(definition, lang)
    w, n, k = t.w, t.n, journeys.threshold
    layouts = dict(part.strip().split(" : " if " : " in part else ": ", 1)
                   for part in w["layouts"].split("|"))
    share_known = n.percent(journeys.known_events / journeys.events) if journeys.events else "—"
    events_files = [s for s in journeys.sources if s.layout != "identities"]
    lines = [w["summary"].format(files=n.count(len(events_files)), events=n.count(journeys.events),
                                 customers=n.count(journeys.customers),
                                 known=n.count(journeys.known_events), known_share=share_known,
                                 placed=n.count(journeys.placed_events))]
    for source in journeys.sources:
        if source.layout != "identities":
            lines.append("  " + w["sources"].format(file=source.name,
                                                    layout=layouts.get(source.layout, source.layout),
                                                    events=n.count(source.events)))
        if source.keyless:
            lines.append("  " + w["keyless"].format(file=source.name, n=n.count(source.keyless)))
    if journeys.identity_keys:
        lines.append(_optional(w["identities"].format(
            keys=n.count(journeys.identity_keys), customers=n.count(journeys.identity_customers),
            conflicts=n.count(journeys.identity_conflicts) if journeys.identity_conflicts else "")))
    if journeys.periods:
        kind = journeys.period
        first = t.period(journeys.periods[0], kind)
        last = t.period(journeys.periods[-1], kind)
        lines.append(w["periods" if first != last else "one_period"].format(
            kind=w[f"by_{kind}"], first=first, last=last))
    latest = journeys.latest
    if latest is None:
        return "\n".join(lines)
    name = t.period(latest, journeys.period)
    lines += ["", w["traffic"].format(period=name)]
    traffic = journeys.traffic_in()
    for stage in journeys.stages_in():
        rate = stage.omnichannel_rate
        lines.append(w["stage_line"].format(
            stage=t.stage(stage.stage), customers=t.count(stage.customers, k),
            omni=t.count(stage.several, k), rate=t.share(rate, k)))
        for cell in (c for c in traffic if c.stage == stage.stage):
            lines.append(w["cell_line"].format(channel=t.channel(cell.channel),
                                               customers=t.count(cell.customers, k),
                                               share=t.share(cell.share, k)))
    switches = [s for s in journeys.switches_in() if s.from_channel != s.to_channel]
    if switches:
        lines += ["", w["switches"].format(period=name)]
        for s in switches[:TOP_SWITCHES]:
            lines.append("  " + w["switch_line"].format(
                **{"from": t.touchpoint(s.from_stage, s.from_channel)},
                to=t.touchpoint(s.to_stage, s.to_channel), customers=n.count(s.customers),
                share_from=t.share(s.share_from, k), share_to=t.share(s.share_to, k),
                p50=t.duration(s.p50_hours), p90=t.duration(s.p90_hours)))
        if len(switches) > TOP_SWITCHES:
            lines.append("  " + w["more"].format(n=n.count(len(switches) - TOP_SWITCHES)))
    if journeys.promises:
        lines += ["", w["promises"].format(period=name)]
        for promise in journeys.promises:
            promised = t.duration(promise.hours)
            to = promise.to_stage if promise.to_channel is None else None
            mine = [s for s in promise.switches if s.period == latest]
            if not mine:
                lines.append("  " + w["promise_none"].format(
                    **{"from": t.stage(promise.from_stage)},
                    to=t.stage(to) if to else t.touchpoint(promise.to_stage, promise.to_channel),
                    promise=promised))
            for s in mine:
                late = sorted(d for d, v in s.weekdays.items() if v.p50_hours > promise.hours)
                lines.append("  " + w["promise_line"].format(
                    **{"from": t.touchpoint(s.from_stage, s.from_channel)},
                    to=t.touchpoint(s.to_stage, s.to_channel), promise=promised,
                    p50=t.duration(s.p50_hours), p90=t.duration(s.p90_hours),
                    customers=n.count(s.customers),
                    late=w["promise_late"].format(days=t.weekdays(late)) if late else ""))
    drops = [d for d in journeys.dropoffs_in() if d.channel is not None]
    if drops:
        lines += ["", w["dropoff"].format(days=n.number(journeys.window_days), period=name)]
        for d in drops:
            lines.append("  " + w["dropoff_line"].format(
                touchpoint=t.touchpoint(d.stage, d.channel), dropped=t.masked(d.dropped),
                reached=t.count(d.reached, k),
                share=t.w["hidden"] if d.share is None else n.points(d.share)))
    if journeys.unplaced:
        lines += ["", w["unplaced"].format(n=n.count(len(journeys.unplaced)))]
        for u in journeys.unplaced[:TOP_UNPLACED]:
            lines.append("  " + w["unplaced_line"].format(source=u.source, event=u.event or "",
                                                          events=n.count(u.events)))
    if journeys.suppressed:
        lines += ["", w["privacy"].format(k=k, n=n.count(journeys.suppressed))]
    if findings:
        lines.append("")
        for finding in findings:
            where = f"{finding.where}  " if finding.where else ""
            lines.append(f"{where}{said.message(finding)}")
    if written is None:
        lines += ["", w["to_plan"]]
    elif written:
        lines += ["", w["updated"].format(n=n.count(len(written)))]
        for row in written:
            after = row.after
            fields = {"touchpoint": t.touchpoint(after.stage, after.channel),
                      "after": n.points(after.share), "period": after.period or ""}
            if row.before is None:
                lines.append("  " + w["added_row"].format(**fields))
            else:
                before = row.before.share
                lines.append("  " + w["updated_row"].format(
                    before=n.points(before) if isinstance(before, int | float) else "—",
                    **fields))
    return shown("\n".join(lines))  # the team's words: no control character reaches a terminal


def _optional(text: str) -> str:
    """A [part] kept when it holds something, its brackets dropped; removed when empty."""
    import re

    def keep(match: re.Match[str]) -> str:
        inner = match.group(1)
        return inner if any(ch.isdigit() for ch in inner) else ""

    return re.sub(r"\[([^\]]*)\]", keep, text)
