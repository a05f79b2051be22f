"""omnisheet journeys on the sample month of Maison Lumen's events (samples/events): every
figure it prints is computed again here, independently, with pandas on the same files
(read as their tools wrote them), and each pattern the sample script planted is found."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "samples" / "events"
PLAN = EVENTS / "plan" / "retail-fr-parcours.xlsx"
SCHEMA = json.loads((ROOT / "omnisheet" / "outputs" / "json" / "journeys.schema.json")
                    .read_text("utf-8"))
K = 10  # the privacy threshold's default
WINDOW = dt.timedelta(days=7)


def _script():
    spec = importlib.util.spec_from_file_location("make_events", EVENTS / "make_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from click.testing import CliRunner

    from omnisheet.cli import main

    result = CliRunner().invoke(main, ["journeys", str(EVENTS), "--plan", str(PLAN),
                                       "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    """Every event of the sample, its customer, stage and channel, made with pandas alone
    from the files and the plan's Events tab as the sample script wrote it."""
    import duckdb

    sample = yaml.safe_load((ROOT / "samples" / "retail-fr.yaml").read_text("utf-8"))
    stages, channels = sample["lists"]["stage"], sample["lists"]["channel"]
    rules = {(source, event): (stage, channel)
             for event, source, stage, channel in _script().EVENTS}
    ids = pd.read_csv(EVENTS / "identites.csv", dtype=str)
    by = {}
    for column, kind in (("num_client", "customer"), ("email", "email"),
                         ("carte_fidelite", "card"), ("ga_client_id", "device")):
        for key, customer in zip(ids[column], ids["num_client"], strict=True):
            if isinstance(key, str) and key:
                key = key.lower() if kind == "email" else key
                by[(kind, key)] = min(customer, by.get((kind, key), customer))
    ga4 = duckdb.sql("SELECT event_timestamp, event_name, user_id, user_pseudo_id, platform "
                     f"FROM read_parquet('{EVENTS / 'ga4-export.parquet'}')").df()
    rows = []
    for r in ga4.itertuples():
        kind, key = ("customer", r.user_id) if isinstance(r.user_id, str) else ("device",
                                                                               r.user_pseudo_id)
        moment = _paris(dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(r.event_timestamp)))
        channel = "Site web" if r.platform == "WEB" else "Application mobile"
        rows.append(("ga4-export", kind, key, moment, r.event_name, channel))
    crm = pd.read_csv(EVENTS / "crm-interactions.csv", sep=";", encoding="cp1252", dtype=str)
    for r in crm.itertuples():
        channel = "Magasin" if r.canal == "magasin" else "Service client (téléphone/chat)"
        rows.append(("crm-interactions", "customer", r.num_client,
                     dt.datetime.strptime(r.date_interaction, "%d/%m/%Y %H:%M"), r.motif, channel))
    pos = pd.read_csv(EVENTS / "caisse-tickets.csv", dtype=str, keep_default_na=False)
    for r in pos.itertuples():
        rows.append(("caisse-tickets", "card", r.carte_fidelite or None,
                     dt.datetime.fromisoformat(r.date_heure), r.type_ticket, "Magasin"))
    mail = pd.read_csv(EVENTS / "emailing.csv", dtype=str)
    for r in mail.itertuples():
        if r._2 != "sent":  # Event Type: what the customer did, not the send
            rows.append(("emailing", "email", r.Email.lower(),
                         _paris(dt.datetime.fromisoformat(r._3.rstrip("Z"))), r._4, "Email"))
    frame = pd.DataFrame(rows, columns=["file", "kind", "key", "moment", "event", "channel"])
    frame = frame[frame.key.notna()]
    frame["customer"] = [by.get((k, v), f"{k}:{v}") for k, v in zip(frame.kind, frame.key,
                                                                     strict=True)]
    frame["known"] = [(k, v) in by for k, v in zip(frame.kind, frame.key, strict=True)]
    source = {"ga4-export": "ga4", "crm-interactions": "crm", "caisse-tickets": "caisse-tickets",
              "emailing": "emailing"}
    placed = []
    for r in frame.itertuples():
        rule = rules.get((source[r.file], r.event))
        placed.append((stages.index(rule[0]), channels.index(rule[1] or r.channel))
                      if rule else (None, None))
    frame["stage"] = [p[0] for p in placed]
    frame["channel_index"] = [p[1] for p in placed]
    frame.attrs["stages"], frame.attrs["channels"] = stages, channels
    return frame


def _paris(utc: dt.datetime) -> dt.datetime:
    """A UTC moment (GA4's, the email log's) on the plan's clock: a French plan's moments
    are Paris time (its Time zone setting left empty)."""
    from zoneinfo import ZoneInfo

    return utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/Paris")).replace(
        tzinfo=None)


def _placed(events: pd.DataFrame) -> pd.DataFrame:
    placed = events[events.stage.notna()].copy()
    placed["stage"] = placed.stage.astype(int)
    placed["channel_index"] = placed.channel_index.astype(int)
    return placed.sort_values(["customer", "moment", "stage", "channel_index"], kind="stable")


def _names(events: pd.DataFrame):
    return events.attrs["stages"], events.attrs["channels"]


def test_the_json_follows_its_schema(report):
    import jsonschema

    jsonschema.validate(report, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert [f["layout"] for f in report["files"]] == ["pos", "crm", "email", "ga4", "identities"]


def test_totals_and_identities(report, events):
    assert report["events"] == len(events)
    assert report["customers"] == events.customer.nunique()
    assert report["known_events"] == int(events.known.sum())
    assert report["placed_events"] == int(events.stage.notna().sum())
    assert report["identities"]["customers"] == 3000
    assert report["events"] > report["known_events"] > 0  # anonymous visitors are there


def test_traffic_per_stage_and_channel(report, events):
    stages, channels = _names(events)
    placed = _placed(events)
    period = report["periods"][0]
    total = placed.groupby("stage").customer.nunique()
    expected = {}
    for (s, c), group in placed.groupby(["stage", "channel_index"]):
        n = group.customer.nunique()
        expected[(stages[s], channels[c])] = (None, None, None) if n < K else (
            n, len(group), round(100 * n / total[s], 4))
    got = {(t["stage"], t["channel"]): (t["customers"], t["events"], t["share"])
           for t in period["traffic"]}
    assert got == expected
    several = placed.groupby(["stage", "customer"]).channel_index.nunique()
    omni = {stages[s]: int((several.loc[s] > 1).sum()) for s in total.index}
    assert {s["stage"]: s["omnichannel_customers"] for s in period["stages"]} == omni


def test_switches_with_their_delays(report, events):
    stages, channels = _names(events)
    placed = _placed(events)
    by = placed.groupby("customer")
    placed["next_stage"] = by.stage.shift(-1)
    placed["next_channel"] = by.channel_index.shift(-1)
    placed["delay"] = (by.moment.shift(-1) - placed.moment).dt.total_seconds() / 3600
    moves = placed[placed.next_stage.notna() & ((placed.next_stage != placed.stage)
                                                | (placed.next_channel != placed.channel_index))]
    expected = {}
    for (s, c, ns, nc), group in moves.groupby(["stage", "channel_index", "next_stage",
                                                 "next_channel"]):
        n = group.customer.nunique()
        if n >= K:
            key = (stages[s], channels[c], stages[int(ns)], channels[int(nc)])
            expected[key] = (n, len(group), group.delay.quantile(0.5),
                             group.delay.quantile(0.9))
    got = {(s["from"]["stage"], s["from"]["channel"], s["to"]["stage"], s["to"]["channel"]):
           (s["customers"], s["events"], s["median_hours"], s["p90_hours"])
           for s in report["periods"][0]["switches"]}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key][:2] == value[:2], key
        assert got[key][2:] == pytest.approx(value[2:], abs=5.1e-5), key  # JSON: 4 places


def test_dropoff_within_the_window(report, events):
    stages, channels = _names(events)
    placed = _placed(events)
    end = (events.moment.max() - WINDOW).date()
    arrivals = placed.drop_duplicates(["customer", "stage"])  # sorted: the first of each
    arrivals = arrivals[(arrivals.stage < len(stages) - 1) & (arrivals.moment.dt.date < end)]
    later = placed[["customer", "stage", "moment"]]
    joined = arrivals.merge(later, on="customer", suffixes=("", "_later"))
    went = joined[(joined.stage_later > joined.stage) & (joined.moment_later >= joined.moment)
                  & (joined.moment_later <= joined.moment + WINDOW)]
    went_on = set(zip(went.customer, went.stage, strict=True))
    arrivals = arrivals.assign(went=[(c, s) in went_on for c, s in
                                     zip(arrivals.customer, arrivals.stage, strict=True)])
    expected = {}
    for (s, c), group in arrivals.groupby(["stage", "channel_index"]):
        reached, on = len(group), int(group.went.sum())
        hidden = 0 < on < K or 0 < reached - on < K
        expected[(stages[s], channels[c])] = (reached if reached >= K else None,
                                              None if hidden or reached < K else on)
    got = {(d["stage"], d["channel"]): (d["reached"], d["went_on"])
           for d in report["periods"][0]["dropoff"] if d["channel"] is not None}
    assert got == expected


# --- the planted patterns --------------------------------------------------------------


def _switch(report, from_, to):
    return next(s for s in report["periods"][0]["switches"]
                if (s["from"]["stage"], s["from"]["channel"]) == from_
                and (s["to"]["stage"], s["to"]["channel"]) == to)


def test_store_buyers_looked_on_the_website_the_day_before(report, events):
    """30 % of store buyers viewed the product on the website 18 to 30 hours before."""
    found = _switch(report, ("Je me renseigne", "Site web"), ("J'achète", "Magasin"))
    store = next(t for t in report["periods"][0]["traffic"]
                 if (t["stage"], t["channel"]) == ("J'achète", "Magasin"))
    assert 30 <= found["share_of_arriving"] <= 40  # 30 % planted, a few came days later
    assert 18 <= found["median_hours"] <= 30
    day_before = _placed(events)
    by = day_before.groupby("customer")
    day_before = day_before.assign(gap=(day_before.moment - by.moment.shift(1))
                                   .dt.total_seconds() / 3600, before=by.stage.shift(1))
    store_buys = day_before[(day_before.stage == 3) & (day_before.channel_index == 6)]
    looked = store_buys[(store_buys.before == 1) & store_buys.gap.between(18, 30)]
    assert len(looked) / store["customers"] == pytest.approx(0.30, abs=0.04)


def test_click_and_collect_is_slower_than_promised_on_saturdays(report):
    promise = report["promises"][0]
    assert promise["hours"] == 2
    collect = next(s for s in promise["switches"] if s["from_channel"] == "Site web")
    assert collect["median_hours"] < 2 and collect["late_weekdays"] == [6]
    slow = [f for f in report["findings"] if f["code"] == "slower-than-promised"]
    assert [f["cell"] for f in slow] == ["J9"]  # Je suis livré / je retire × Magasin
    assert "samedi" in slow[0]["message"]


def test_a_touchpoint_nobody_uses_and_traffic_where_the_map_is_empty(report):
    found = {(f["code"], f["sheet"], f["cell"]) for f in report["findings"]}
    assert ("touchpoint-without-traffic", "Parcours client", "F8") in found  # compare × service
    assert ("traffic-without-touchpoint", "Parcours client", "N4") in found  # help × app
    app = next(f for f in report["findings"] if f["code"] == "traffic-without-touchpoint")
    assert app["value"] > 0.20


# --- privacy ----------------------------------------------------------------------------


def test_no_customer_key_leaves_the_engine(tmp_path, cli, events):
    out = tmp_path / "parcours.xlsx"
    text = cli("journeys", EVENTS, "--plan", PLAN, "-o", out).output
    as_json = cli("journeys", EVENTS, "--plan", PLAN, "--format", "json").output
    page = tmp_path / "parcours.html"
    cli("journeys", EVENTS, "--plan", PLAN, "-o", page)
    from omnisheet.read.grid import read_values

    cells = " ".join(str(v) for rows in read_values(out).values() for row in rows
                     for v in row if v is not None)
    keys = set(events.key.astype(str)) | set(events.customer.astype(str))
    for output in (text, as_json, page.read_text("utf-8"), cells):
        assert not [k for k in keys if len(k) > 5 and k in output][:3]


def test_figures_from_too_few_customers_are_suppressed_and_said(tmp_path, cli):
    from omnisheet.outputs.workbook import write
    from omnisheet.read.reader import load

    plan = load(PLAN)
    strict = write(plan.with_changes(settings={**plan.settings, "journey_privacy": 300}),
                   tmp_path / "strict.xlsx")
    data = json.loads(cli("journeys", EVENTS, "--plan", strict, "--format", "json").output)
    traffic = data["periods"][0]["traffic"]
    assert all((t["customers"] is None) == (t["suppressed"]) for t in traffic)
    hidden = [t for t in traffic if t["suppressed"]]
    assert hidden and all(t["share"] is None and t["events"] is None for t in hidden)
    assert all(s["customers"] >= 300 for s in data["periods"][0]["switches"])
    assert data["suppressed_figures"] >= len(hidden)
    text = cli("journeys", EVENTS, "--plan", strict).output
    assert "< 300" in text and "moins de 300 clients" in text


# --- the plan written back --------------------------------------------------------------


def test_shares_written_as_inferred_evidence_row_by_row(tmp_path, cli, report):
    from omnisheet.read.reader import load

    before = load(PLAN)
    out = tmp_path / "parcours.xlsx"
    result = cli("journeys", EVENTS, "--plan", PLAN, "-o", out)
    after = load(out)
    kept = [m for m in before.measures if m.evidence in ("direct", "indirect")]
    assert [m for m in after.measures if m.evidence in ("direct", "indirect")] == kept
    shares = {(t["stage"], t["channel"]): t["share"] for t in report["periods"][0]["traffic"]}
    inferred = [m for m in after.measures if m.evidence == "inferred"]
    label = {"find_out": "Je me renseigne", "compare": "Je compare", "buy": "J'achète",
             "get_help": "Je demande de l'aide", "website": "Site web", "store": "Magasin",
             "mobile_app": "Application mobile", "email": "Email"}
    def seen(m):
        return shares.get((label.get(m.stage, m.stage), label.get(m.channel, m.channel)))

    on_map = {(t.stage, t.channel) for t in before.touchpoints}
    written = [m for m in inferred if seen(m) is not None and (m.stage, m.channel) in on_map]
    for m in written:
        assert m.share == pytest.approx(round(seen(m), 1)) and m.period == "mars 2026"
    untouched = [m for m in before.measures if m.evidence == "inferred" and seen(m) is None]
    assert untouched and all(m in after.measures for m in untouched)
    assert len(written) == sum(1 for s, c in on_map if seen(type("M", (), {"stage": s,
                                                                           "channel": c})))
    assert result.output.count("part du trafic") == len(written)
    assert PLAN.stat().st_size > 0 and load(PLAN).measures == before.measures  # untouched


def test_the_observed_journey_tab_reads_without_docs(tmp_path, cli):
    import openpyxl

    out = tmp_path / "parcours.xlsx"
    cli("journeys", EVENTS, "--plan", PLAN, "-o", out)
    book = openpyxl.load_workbook(out)
    sheet = book["Parcours observé"]
    assert sheet["A1"].value == "Parcours observé, mars 2026"
    assert "part des clients de l'étape" in sheet["A2"].value
    header = [c.value for c in sheet[4]][:9]
    assert header[0] == "Canal \\ Étape" and header[1:] == [
        "Je m'inspire", "Je me renseigne", "Je compare", "J'achète",
        "Je suis livré / je retire", "J'aménage / j'utilise", "Je demande de l'aide",
        "Je reviens / je recommande"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=5, max_row=12)}
    assert rows["Application mobile"][7].value.endswith("absent de la carte")
    assert rows["Service client (téléphone/chat)"][3].value == "aucun client"
    assert rows["Magasin"][4].number_format == "0.0%" and rows["Magasin"][4].value == \
        pytest.approx(0.5, abs=0.001)
    assert rows["Magasin"][4].fill.fgColor.rgb.endswith("F4B183")  # a friction, as on the map
    assert "Tableau de bord" in book.sheetnames
    assert any(book["Tableau de bord"]._charts)


def test_the_html_page_draws_the_flow_without_script(tmp_path, cli):
    page = tmp_path / "parcours.html"
    cli("journeys", EVENTS, "--plan", PLAN, "-o", page)
    html = page.read_text("utf-8")
    section = html.split('<section id="observed"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in section and section.count("<path") > 5 and "<script" not in html
    assert "Je m&#x27;inspire" in section or "Je m'inspire" in section


def test_a_steep_drop_off_at_a_normal_touchpoint(report):
    drops = {(d["stage"], d["channel"]): d for d in report["periods"][0]["dropoff"]}
    found = [f for f in report["findings"] if f["code"] == "drop-off-at-normal"]
    assert found
    for finding in found:
        cell = next(d for (s, c), d in drops.items() if c is not None
                    and f"« {s} » par « {c} »" in finding["message"])
        whole = drops[(cell["stage"], None)]
        assert finding["value"] == pytest.approx(cell["share"] / 100, abs=1e-4)
        assert cell["share"] - whole["share"] >= 20


def test_a_switch_taken_by_many_where_the_plan_has_no_opportunity(tmp_path, cli, report):
    """Without the use cases that address research on the website and buying in store, the
    switch from one to the other (27 % of those leaving the website) is a habit to serve."""
    from omnisheet.outputs.workbook import write
    from omnisheet.read.reader import load

    plan = load(PLAN)
    assert not [f for f in report["findings"] if f["code"] == "switch-without-opportunity"]
    kept = tuple(u for u in plan.use_cases if u.stage not in ("find_out", "buy"))
    bare = write(plan.with_changes(use_cases=kept), tmp_path / "bare.xlsx")
    data = json.loads(cli("journeys", EVENTS, "--plan", bare, "--format", "json").output)
    store = next(t for t in load(bare).touchpoints if (t.stage, t.channel) == ("buy", "store"))
    from omnisheet.plan.model import column_letter

    cell = f"{column_letter(store.column)}{store.row}"
    switch = [f for f in data["findings"] if f["code"] == "switch-without-opportunity"
              and f["cell"] == cell]
    assert switch and "Je me renseigne" in switch[0]["message"]
    assert switch[0]["value"] == pytest.approx(_switch(
        data, ("Je me renseigne", "Site web"), ("J'achète", "Magasin"))["share_of_leaving"] / 100,
        abs=1e-4)


# --- layouts: the exports read without flags --------------------------------------------


def _plan_with(tmp_path, rules):
    from omnisheet.outputs.workbook import write
    from omnisheet.plan.model import TABLE_RECORDS
    from omnisheet.read.reader import load

    rule = TABLE_RECORDS["events"]
    plan = load(PLAN)
    return write(plan.with_changes(events=tuple(rule(event=e, source=s, stage=st, channel=c)
                                                for e, s, st, c in rules)),
                 tmp_path / "plan.xlsx")


def test_a_workbook_export_and_a_generic_table_with_its_own_stage(tmp_path, cli):
    """An .xlsx export of visits (customer, date, event, channel) and a CSV whose rows name
    their stage and channel themselves, tied together by an identities tab in a workbook."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Date", "Event", "Channel"])
    for n in range(12):
        sheet.append([f"K{n}", dt.datetime(2026, 5, 4, 10, n), "visit", "web"])
    book.save(tmp_path / "visits.xlsx")
    (tmp_path / "steps.csv").write_text(
        "carte_fidelite;etape;canal;horodatage\n" + "".join(
            f"card-{n};J'achète;Magasin;05/05/2026 1{n % 10}:00\n" for n in range(12)),
        encoding="utf-8")
    ids = openpyxl.Workbook()
    ids.active.append(["customer_id", "loyalty card"])
    for n in range(12):
        ids.active.append([f"K{n}", f"card-{n}"])
    ids.save(tmp_path / "ids.xlsx")
    plan = _plan_with(tmp_path, [("visit", None, "Je me renseigne", None)])
    data = json.loads(cli("journeys", tmp_path / "visits.xlsx", tmp_path / "steps.csv",
                          tmp_path / "ids.xlsx", "--plan", plan, "--format", "json").output)
    assert [f["layout"] for f in data["files"]] == ["crm", "events", "identities"]
    assert data["customers"] == 12 and data["known_events"] == 24
    switch = data["periods"][0]["switches"][0]
    assert (switch["from"], switch["to"], switch["customers"]) == (
        {"stage": "Je me renseigne", "channel": "Site web"},
        {"stage": "J'achète", "channel": "Magasin"}, 12)


def test_keys_claimed_by_two_customers_go_to_the_first_every_time(tmp_path, cli):
    (tmp_path / "a.csv").write_text("customer_id,email\nZ2,x@y.fr\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("customer_id,email\nZ1,X@Y.FR\n", encoding="utf-8")
    (tmp_path / "mail.csv").write_text(
        "Email,Event Type,Event Date,Campaign Name\n" + "".join(
            f"x@y.fr,opened,2026-03-0{d}T10:00:00Z,Newsletter de mars\n" for d in range(1, 4)),
        encoding="utf-8")
    outputs = {cli("journeys", tmp_path / "mail.csv", *order, "--plan", PLAN,
                   "--format", "json").output
               for order in ((tmp_path / "a.csv", tmp_path / "b.csv"),
                             (tmp_path / "b.csv", tmp_path / "a.csv"))}
    data = [json.loads(o) for o in outputs]
    assert all(d["identities"]["conflicting_keys"] == 1 and d["known_events"] == 3
               and d["customers"] == 1 for d in data)


def test_a_file_that_is_no_events_export_is_one_line(tmp_path):
    from click.testing import CliRunner

    from omnisheet.cli import main

    (tmp_path / "notes.csv").write_text("title,body\nhello,world\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["journeys", str(tmp_path / "notes.csv"), "--plan",
                                       str(PLAN)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "notes.csv" in lines[0] and "title, body" in lines[0]
    assert "Traceback" not in result.output


# --- the docs and the sample -----------------------------------------------------------


def test_the_docs_show_what_the_command_prints(cli, monkeypatch):
    doc = (ROOT / "docs" / "journeys.md").read_text("utf-8")
    command = ("$ omnisheet journeys samples/events --plan "
               "samples/events/plan/retail-fr-parcours.xlsx --lang en\n")
    block = doc.split(command, 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    result = cli("journeys", "samples/events", "--plan",
                 "samples/events/plan/retail-fr-parcours.xlsx", "--lang", "en")
    assert result.output.strip().splitlines() == block.strip().splitlines()
    assert "docs/journeys.md" in (ROOT / "README.md").read_text("utf-8")


def test_the_sample_events_are_what_the_script_makes(tmp_path):
    from omnisheet.read.reader import load

    made = _script().main(tmp_path)
    for path in made:
        committed = EVENTS / path.relative_to(tmp_path)
        if path.suffix == ".xlsx":  # a workbook carries the moment it was written
            assert load(path).events == load(committed).events
            assert load(path).promises == load(committed).promises
        else:
            assert path.read_bytes() == committed.read_bytes(), f"run {EVENTS / 'make_events.py'}"


def test_a_plan_without_events_tab_rows_is_told_what_to_add(tmp_path):
    from click.testing import CliRunner

    from omnisheet.cli import main

    result = CliRunner().invoke(main, ["journeys", str(EVENTS), "--plan",
                                       str(ROOT / "samples" / "retail-fr.xlsx")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "omnisheet: L'onglet Événements du plan est vide : ajoutez une ligne par nom "
        "d'événement (ou par source) avec son étape, puis relancez.")


def test_by_quarter(cli):
    data = json.loads(cli("journeys", EVENTS, "--plan", PLAN, "--period", "quarter",
                          "--format", "json").output)
    assert [p["period"] for p in data["periods"]] == ["2026-01-01"]
    assert "T1 2026" in cli("journeys", EVENTS, "--plan", PLAN, "--period", "quarter").output


def test_an_event_name_with_control_characters_reaches_no_terminal(tmp_path):
    """An export's event name is the export's text: the text output shows a control
    character escaped (\\x1b), so a crafted name cannot retitle or clear a terminal."""
    import shutil

    from click.testing import CliRunner

    from omnisheet.cli import main

    folder = tmp_path / "events"
    shutil.copytree(EVENTS, folder, ignore=shutil.ignore_patterns("*.py", "plan"))
    rows = [f"C{n % 100 + 1:05d},2026-03-05 10:{n % 60:02d}:00,\x1b]0;owned\x07"
            for n in range(2000)]
    (folder / "crafted.csv").write_text("customer_id,timestamp,event_name\n"
                                        + "\n".join(rows) + "\n", "utf-8")
    result = CliRunner().invoke(main, ["journeys", str(folder), "--plan", str(PLAN),
                                       "--lang", "en"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;owned\\x07" in result.output


def test_journey_settings_and_a_zone_no_one_has_are_said_and_the_defaults_used(tmp_path, cli,
                                                                               report):
    from omnisheet import check
    from omnisheet.outputs.messages import message
    from omnisheet.outputs.workbook import write
    from omnisheet.read.reader import load

    plan = load(PLAN)
    typed = {"journey_privacy": 2.5, "journey_share": 0, "journey_window_days": "sept",
             "journey_dropoff": 150, "time_zone": "Europe/Lutèce"}
    wrong = plan.with_changes(settings={**plan.settings, **typed})
    result = check(wrong)
    said = {f.subject.key[0]: message(result, f) for f in result.findings
            if f.code == "settings-invalid"}
    assert set(said) == set(typed)
    assert said["journey_privacy"].endswith("un nombre de clients est un nombre entier, 1 ou "
                                            "plus ; la valeur par défaut 10 est utilisée.")
    assert "(150) : une part est un pourcentage, supérieur à 0 et au plus 100" in \
        said["journey_dropoff"]
    assert "Europe/Lutèce" in said["time_zone"] and "nom IANA" in said["time_zone"]
    # Empty cells are the defaults, not a problem.
    empty = plan.with_changes(settings={**plan.settings, **dict.fromkeys(typed, None)})
    assert not [f for f in check(empty).findings if f.code == "settings-invalid"]
    # The journey figures use the defaults in place of what cannot be used.
    fixed = write(wrong.with_changes(settings={**wrong.settings, "time_zone": None}),
                  tmp_path / "wrong.xlsx")
    again = json.loads(cli("journeys", EVENTS, "--plan", fixed, "--format", "json").output)
    assert again["periods"] == report["periods"]
