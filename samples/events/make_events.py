"""A month of Maison Lumen's behavioural events (March 2026), as the team's tools export
them, with the patterns `omnisheet journeys` must find planted in them. Seeded: the same
files every run. Run with `python samples/events/make_events.py` (make samples runs it).

Written here, each in its tool's own layout:
- ga4-export.parquet: the GA4 BigQuery export (nested event_params, event_timestamp in
  microseconds UTC, user_pseudo_id for the device, user_id once signed in, platform);
- crm-interactions.csv: the customer service and stores' CRM (French Excel: `;`, dates
  31/03/2026 14:05, a reason per interaction);
- caisse-tickets.csv: the tills' receipts, with the loyalty card when one was shown;
- emailing.csv: the email platform's log (sends, opens, clicks per campaign);
- identites.csv: the customer base's keys (customer number, email, card, GA4 device ids);
- plan/retail-fr-parcours.xlsx: the French sample plan with its Events and Promised
  delays tabs (the plan's own folder, so that reading samples/events reads events only).

Planted: 30 % of store buyers looked at the product on the website the day before;
click & collect ready in about an hour but in 3 to 6 hours on Saturdays (promised: 2 h);
nobody calls customer service to compare (a touchpoint the map describes); many ask for
help in the app, where the map is empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 30
START = dt.datetime(2026, 3, 1)
DAYS = 31
CUSTOMERS = 3000
ANONYMOUS = 600


class Events:
    """Every event made, by export, with the customer's keys."""

    def __init__(self) -> None:
        self.ga4: list[tuple] = []
        self.crm: list[tuple] = []
        self.pos: list[tuple] = []
        self.email: list[tuple] = []


def _moment(rng: random.Random, day: int | None = None, early: int = 8, late: int = 21
            ) -> dt.datetime:
    day = rng.randrange(DAYS) if day is None else day
    seconds = rng.randrange(early * 3600, late * 3600)
    return START + dt.timedelta(days=day, seconds=seconds)


class Customer:
    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.id = f"C{number:05d}"
        self.email = f"client{number:05d}@exemple.fr"
        self.card = f"29{rng.randrange(10**10):010d}" if rng.random() < 0.8 else None
        self.web = f"{rng.randrange(10**9)}.{rng.randrange(10**9)}"
        self.app = f"{rng.randrange(10**9)}.{rng.randrange(10**9)}" if rng.random() < 0.5 else None
        self.busy: list[tuple[dt.datetime, dt.datetime]] = []

    def free(self, at: dt.datetime) -> bool:
        return not any(a <= at <= b for a, b in self.busy)


def ga4(out: Events, c: Customer, name: str, at: dt.datetime, platform: str = "WEB",
        page: str = "/") -> None:
    device = c.web if platform == "WEB" else (c.app or c.web)
    signed = c.rng.random() < (0.35 if platform == "WEB" else 0.9)
    out.ga4.append((at, name, device, c.id if signed else None, platform, page))


def crm(out: Events, c: Customer, reason: str, at: dt.datetime, channel: str) -> None:
    out.crm.append((at, c.id, channel, reason))


def pos(out: Events, c: Customer, kind: str, at: dt.datetime, store: str) -> None:
    out.pos.append((at, c.card, kind, store))


def email(out: Events, c: Customer, campaign: str, at: dt.datetime, click: bool) -> None:
    out.email.append((at - dt.timedelta(hours=2), c.email, "sent", campaign))
    out.email.append((at, c.email, "opened", campaign))
    if click:
        out.email.append((at + dt.timedelta(minutes=3), c.email, "clicked", campaign))


STORES = ["Lyon Part-Dieu", "Lille Centre", "Nantes Atlantis", "Paris Bercy"]


def planted(rng: random.Random, out: Events, people: list[Customer]) -> None:
    """The patterns, placed first so that the rest of the month keeps off their moments."""
    carded = [c for c in people if c.card]
    store_buyers = rng.sample(carded, 900)
    for c in store_buyers:
        day = rng.randrange(2, DAYS)
        while (START + dt.timedelta(days=day)).weekday() == 6:  # stores shut on Sundays
            day = rng.randrange(2, DAYS)
        bought = _moment(rng, day, 10, 19)
        pos(out, c, "vente", bought, rng.choice(STORES))
        start = bought - dt.timedelta(days=4)
        if rng.random() < 0.30:  # looked the product up on the website the day before
            looked = bought - dt.timedelta(hours=rng.uniform(18, 30))
            ga4(out, c, "view_item", looked, "WEB", "/produit/canape-3-places")
        c.busy.append((start, bought + dt.timedelta(hours=1)))
    others = [c for c in people if c not in store_buyers]
    rng.shuffle(others)
    collect, delivered = others[:500], others[500:800]
    for c in collect:  # click & collect: slower than promised on Saturdays
        bought = _moment(rng, None, 9, 17)
        looked = bought - dt.timedelta(hours=rng.uniform(1, 6))
        ga4(out, c, "view_item", looked, "WEB", "/produit/lampe-arc")
        ga4(out, c, "purchase", bought, "WEB", "/commande/confirmation")
        saturday = bought.weekday() == 5
        wait = rng.uniform(3, 6) if saturday else rng.uniform(0.4, 1.8)
        if c.card:
            pos(out, c, "retrait", bought + dt.timedelta(hours=wait), rng.choice(STORES))
        else:
            crm(out, c, "Retrait de commande", bought + dt.timedelta(hours=wait), "magasin")
        c.busy.append((looked - dt.timedelta(days=1), bought + dt.timedelta(hours=wait + 1)))
    for c in delivered:
        bought = _moment(rng, rng.randrange(DAYS - 5))
        platform = "WEB" if rng.random() < 0.7 else "ANDROID"
        ga4(out, c, "purchase", bought, platform, "/commande/confirmation")
        shipped = bought + dt.timedelta(hours=rng.uniform(20, 50))
        email(out, c, "Commande expédiée", shipped, False)
        end = shipped
        if rng.random() < 0.3:
            end = shipped + dt.timedelta(days=rng.uniform(1, 3))
            crm(out, c, "Où est ma commande ?", end, "telephone")
        c.busy.append((bought - dt.timedelta(days=1), end + dt.timedelta(hours=1)))
    helped = rng.sample(people, 450)  # help sought in the app, where the map is empty
    for c in helped:
        if c.app:
            at = _moment(rng)
            if c.free(at):
                ga4(out, c, "help_center", at, "IOS", "/aide")


# The rest of the month: (share of customers, maker)
def background(rng: random.Random, out: Events, people: list[Customer]) -> None:
    makers = [
        (0.55, lambda c, t: email(out, c, "Newsletter de mars", t, rng.random() < 0.3)),
        (0.40, lambda c, t: ga4(out, c, "view_item_list", t, "WEB", "/inspiration/salon")),
        (0.15, lambda c, t: ga4(out, c, "view_item_list", t, "IOS", "/inspiration")),
        (0.02, lambda c, t: crm(out, c, "Rendez-vous déco", t, "magasin")),
        (0.30, lambda c, t: ga4(out, c, "view_item", t, "WEB", "/produit/table-chene")),
        (0.10, lambda c, t: ga4(out, c, "view_item", t, "IOS", "/produit/table-chene")),
        (0.03, lambda c, t: crm(out, c, "Renseignement produit", t, "telephone")),
        (0.03, lambda c, t: crm(out, c, "Conseil produit", t, "magasin")),
        (0.15, lambda c, t: ga4(out, c, "add_to_wishlist", t, "WEB", "/produit/table-chene")),
        (0.04, lambda c, t: ga4(out, c, "add_to_wishlist", t, "IOS", "/produit/table-chene")),
        (0.02, lambda c, t: crm(out, c, "Devis comparatif", t, "magasin")),
        (0.05, lambda c, t: ga4(out, c, "purchase", t, "IOS", "/commande/confirmation")),
        (0.04, lambda c, t: email(out, c, "Panier abandonné", t, True)),
        (0.015, lambda c, t: crm(out, c, "Commande par téléphone", t, "telephone")),
        (0.06, lambda c, t: ga4(out, c, "order_tracking", t, "WEB", "/compte/commandes")),
        (0.05, lambda c, t: ga4(out, c, "order_tracking", t, "IOS", "/compte/commandes")),
        (0.05, lambda c, t: ga4(out, c, "view_guide", t, "WEB", "/guides/montage")),
        (0.03, lambda c, t: ga4(out, c, "view_guide", t, "IOS", "/guides/montage")),
        (0.07, lambda c, t: email(out, c, "Conseils d'entretien", t, True)),
        (0.015, lambda c, t: crm(out, c, "Atelier montage", t, "magasin")),
        (0.03, lambda c, t: ga4(out, c, "contact_form", t, "WEB", "/aide/contact")),
        (0.02, lambda c, t: email(out, c, "Besoin d'aide ?", t, True)),
        (0.05, lambda c, t: crm(out, c, "SAV", t, rng.choice(["telephone", "chat"]))),
        (0.02, lambda c, t: crm(out, c, "SAV magasin", t, "magasin")),
        (0.05, lambda c, t: ga4(out, c, "write_review", t, "WEB", "/avis")),
        (0.03, lambda c, t: ga4(out, c, "write_review", t, "IOS", "/avis")),
        (0.04, lambda c, t: email(out, c, "Votre avis compte", t, True)),
        (0.01, lambda c, t: crm(out, c, "Parrainage", t, "magasin")),
    ]
    for c in people:
        for share, make in makers:
            if rng.random() < share:
                at = _moment(rng)
                if c.free(at) and (c.app or "IOS" not in make.__code__.co_consts):
                    make(c, at)


def anonymous(rng: random.Random, out: Events) -> None:
    """Visitors never signed in, whom no key ties to a customer."""
    for n in range(ANONYMOUS):
        visitor = Customer(rng, 90000 + n)
        visitor.card = None
        for _ in range(rng.randint(1, 3)):
            ga4(out, visitor, rng.choice(["view_item_list", "view_item", "session_start"]),
                _moment(rng), "WEB", "/")
        out.ga4[-1] = out.ga4[-1][:3] + (None,) + out.ga4[-1][4:]


def write_ga4(rows: list[tuple], path: Path) -> None:
    import duckdb
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["moment", "event_name", "user_pseudo_id", "user_id",
                                        "platform", "page"])
    frame = frame.sort_values(["moment", "user_pseudo_id", "event_name"], kind="stable")
    frame["utc"] = [utc(m) for m in frame.moment]  # GA4's event_timestamp is UTC
    con = duckdb.connect()
    con.register("rows", frame)
    tmp = path.with_suffix(".tmp")
    con.execute(f"""
    COPY (
      SELECT strftime(moment, '%Y%m%d') AS event_date,
             CAST(epoch_us(utc) AS BIGINT) AS event_timestamp,
             event_name,
             [{{'key': 'page_location', 'value': {{'string_value': 'https://www.maison-lumen.fr' || page,
                'int_value': NULL::BIGINT, 'float_value': NULL::DOUBLE, 'double_value': NULL::DOUBLE}}}},
              {{'key': 'ga_session_id', 'value': {{'string_value': NULL::VARCHAR,
                'int_value': CAST(epoch(moment) // 1800 AS BIGINT), 'float_value': NULL::DOUBLE,
                'double_value': NULL::DOUBLE}}}}] AS event_params,
             NULL::BIGINT AS event_previous_timestamp,
             user_id, user_pseudo_id,
             {{'category': CASE platform WHEN 'WEB' THEN 'desktop' ELSE 'mobile' END,
               'operating_system': CASE platform WHEN 'IOS' THEN 'iOS' WHEN 'ANDROID' THEN 'Android'
                                   ELSE 'Windows' END}} AS device,
             {{'country': 'France', 'city': ''}} AS geo,
             CASE platform WHEN 'WEB' THEN '1234567' ELSE '7654321' END AS stream_id,
             platform
      FROM rows) TO '{tmp}' (FORMAT parquet)""")
    tmp.replace(path)


def utc(local: dt.datetime) -> dt.datetime:
    """A moment of the shop's clock (Paris) as UTC, as GA4 and email platforms write it."""
    from zoneinfo import ZoneInfo

    aware = local.replace(tzinfo=ZoneInfo("Europe/Paris"))
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def write_csv(path: Path, header: list[str], rows: list[tuple], encoding: str = "utf-8",
              delimiter: str = ",") -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(path)


def main(folder: Path = HERE) -> list[Path]:
    rng = random.Random(SEED)
    people = [Customer(rng, n) for n in range(1, CUSTOMERS + 1)]
    out = Events()
    planted(rng, out, people)
    background(rng, out, people)
    anonymous(rng, out)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "ga4-export.parquet", folder / "crm-interactions.csv",
               folder / "caisse-tickets.csv", folder / "emailing.csv", folder / "identites.csv"]
    write_ga4(out.ga4, written[0])
    crm_rows = sorted(out.crm)
    write_csv(written[1], ["id_interaction", "date_interaction", "num_client", "canal", "sens",
                           "motif"],
              [(f"INT-{i:06d}", at.strftime("%d/%m/%Y %H:%M"), cid, channel, "entrant", reason)
               for i, (at, cid, channel, reason) in enumerate(crm_rows, 1)],
              encoding="cp1252", delimiter=";")
    write_csv(written[2], ["ticket", "date_heure", "magasin", "carte_fidelite", "type_ticket",
                           "montant_ttc"],
              [(f"T{i:07d}", at.strftime("%Y-%m-%d %H:%M:%S"), store, card or "", kind,
                f"{rng.uniform(15, 900):.2f}")
               for i, (at, card, kind, store) in enumerate(sorted(out.pos, key=lambda r: r[0]), 1)])
    write_csv(written[3], ["Email", "Event Type", "Event Date", "Campaign Name"],
              [(address, kind, utc(at).strftime("%Y-%m-%dT%H:%M:%SZ"), campaign)
               for at, address, kind, campaign in sorted(out.email)])
    ids = []
    for c in people:
        ids.append((c.id, c.email, c.card or "", c.web))
        if c.app:
            ids.append((c.id, c.email, c.card or "", c.app))
    write_csv(written[4], ["num_client", "email", "carte_fidelite", "ga_client_id"], ids)
    written.append(write_plan(folder / "plan"))
    return written


# The plan: the French sample, with how its events read and what it promises.
EVENTS = [
    ("view_item_list", "ga4", "Je m'inspire", None),
    ("view_item", "ga4", "Je me renseigne", None),
    ("add_to_wishlist", "ga4", "Je compare", None),
    ("purchase", "ga4", "J'achète", None),
    ("order_tracking", "ga4", "Je suis livré / je retire", None),
    ("view_guide", "ga4", "J'aménage / j'utilise", None),
    ("contact_form", "ga4", "Je demande de l'aide", None),
    ("help_center", "ga4", "Je demande de l'aide", None),
    ("write_review", "ga4", "Je reviens / je recommande", None),
    ("vente", "caisse-tickets", "J'achète", "Magasin"),
    ("retrait", "caisse-tickets", "Je suis livré / je retire", "Magasin"),
    ("Newsletter de mars", "emailing", "Je m'inspire", None),
    ("Panier abandonné", "emailing", "J'achète", None),
    ("Commande expédiée", "emailing", "Je suis livré / je retire", None),
    ("Conseils d'entretien", "emailing", "J'aménage / j'utilise", None),
    ("Besoin d'aide ?", "emailing", "Je demande de l'aide", None),
    ("Votre avis compte", "emailing", "Je reviens / je recommande", None),
    ("Rendez-vous déco", "crm", "Je m'inspire", None),
    ("Renseignement produit", "crm", "Je me renseigne", None),
    ("Conseil produit", "crm", "Je me renseigne", None),
    ("Devis comparatif", "crm", "Je compare", None),
    ("Commande par téléphone", "crm", "J'achète", None),
    ("Retrait de commande", "crm", "Je suis livré / je retire", None),
    ("Où est ma commande ?", "crm", "Je suis livré / je retire", None),
    ("Atelier montage", "crm", "J'aménage / j'utilise", None),
    ("SAV", "crm", "Je demande de l'aide", None),
    ("SAV magasin", "crm", "Je demande de l'aide", None),
    ("Parrainage", "crm", "Je reviens / je recommande", None),
]
PROMISES = [("J'achète", "Je suis livré / je retire", "Magasin", 2)]


def write_plan(folder: Path) -> Path:
    from omnisheet.outputs.workbook import write
    from omnisheet.plan.model import TABLE_RECORDS
    from omnisheet.read.plan_file import read_plan_file

    plan = read_plan_file(HERE.parent / "retail-fr.yaml")
    rule, promise = TABLE_RECORDS["events"], TABLE_RECORDS["promises"]
    plan = plan.with_changes(
        events=tuple(rule(event=e, source=s, stage=st, channel=ch) for e, s, st, ch in EVENTS),
        promises=tuple(promise(from_stage=a, to_stage=b, to_channel=c, hours=h)
                       for a, b, c, h in PROMISES))
    folder.mkdir(exist_ok=True)
    return write(plan, folder / "retail-fr-parcours.xlsx")


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path.relative_to(HERE.parent.parent)}")
    sys.exit(0)
