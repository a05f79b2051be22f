"""Write the survey responses of the French sample's Maison Lumen, June to September 2026,
as three survey tools export them, into samples/feedback/:

- post-achat.xlsx: the post-purchase CSAT (an Excel export, Typeform-like). Its score
  column is named by its question ("Êtes-vous satisfait de votre achat ?") and holds
  the answers as words (Très insatisfait … Très satisfait); a "Canal" column says where
  the purchase was made; the survey's name ("Satisfaction post-achat") says the stage.
- livraison-ces.csv: the delivery CES (1 to 7), as French Excel saves a CSV: semicolons,
  Windows-1252, dates as 15/06/2026 14:32.
- barometre-nps.csv: the relationship NPS (0 to 10), as Google Forms exports it: UTF-8
  with a BOM, commas, an "Horodateur" column, the score named by its question; the file
  has no survey column, its name is the survey's on the plan's Surveys tab.

Each touchpoint's answers are drawn around a mean that moves a little from month to
month, from one seeded random generator (the same files every run): about 300 answers a
month in all for the CSAT, 360 for the CES, 300 for the NPS. Planted problems, each of
which `omnisheet feedback` must say:

- a worsening touchpoint: the delivery SMS's CES falls in September (a new carrier
  whose SMS comes the same morning), from about 4.7 to 3.8: measure-worsened;
- a touchpoint with too few answers: purchases by phone (Service client), 3 to 6 CSAT
  answers a month: measure-too-few-answers;
- rows that cannot be used: CES scores out of the 1-7 scale (0 and 9, a tool exporting
  another scale), CSAT answers in words of no known scale ("Bof", "Moyen"), a channel
  the plan does not list ("Point relais"), dates that do not exist (31/06/2026),
  answers left empty;
- comments that look like formulas ("=)", "+1 pour le vendeur", "-10 % ce serait
  bien"), which every output keeps as text, and comments over several lines (a line
  break inside a quoted field, as real comments hold), in each of the three files.

    python samples/feedback/make_responses.py [FOLDER]
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20260930
MONTHS = [(2026, 6), (2026, 7), (2026, 8), (2026, 9)]

CSAT_WORDS = {1: "Très insatisfait", 2: "Insatisfait", 3: "Neutre", 4: "Satisfait",
              5: "Très satisfait"}

# (channel, answers a month, mean each month)
CSAT = [("Site web", 110, [3.9, 3.95, 4.0, 4.05]),
        ("Application mobile", 85, [4.2, 4.2, 4.25, 4.3]),
        ("Magasin", 130, [4.3, 4.3, 4.35, 4.4]),
        ("Service client (téléphone/chat)", 5, [3.6, 3.8, 3.5, 3.7])]
CES = [("SMS", 130, [4.7, 4.8, 4.7, 3.8]),
       ("Email", 120, [5.2, 5.1, 5.2, 5.25]),
       ("Magasin", 110, [4.9, 5.0, 5.05, 5.1])]
NPS = [("Magasin", 120, [(0.45, 0.25), (0.46, 0.24), (0.47, 0.24), (0.48, 0.23)]),
       ("Site web", 110, [(0.35, 0.28), (0.36, 0.27), (0.36, 0.27), (0.37, 0.26)]),
       ("Application mobile", 70, [(0.50, 0.18), (0.50, 0.17), (0.52, 0.17), (0.53, 0.16)])]

# What customers write, per survey and channel: with a low score (CSAT 1-3, CES 1-4,
# NPS 0-6), then with a high one.
COMMENTS = {
    ("csat", "Site web"): (
        ["Livraison des meubles facturée bien trop cher,\ndécouvert au dernier moment",
         "Il a fallu créer un compte pour payer", "Paiement refusé deux fois"],
        ["Commande simple et rapide", "Parfait, rien à redire"]),
    ("csat", "Application mobile"): (
        ["Mon panier du site n'était pas dans l'appli", "L'appli plante au paiement"],
        ["Paiement en un clic, top", "Très pratique"]),
    ("csat", "Magasin"): (
        ["Le vendeur ne trouvait pas ma sélection faite sur le site.\r\n\r\nJ'ai dû tout refaire.",
         "Vingt minutes d'attente en caisse"],
        ["Très bon conseil en magasin", "+1 pour le vendeur du rayon salon"]),
    ("csat", "Service client (téléphone/chat)"): (
        ["Personne pour m'aider à finaliser la commande", "Trois appels pour un devis"],
        ["Conseillère patiente et efficace"]),
    ("ces", "SMS"): (
        ["Le SMS du transporteur arrive le matin même ;\nimpossible de décaler le créneau",
         "Créneau imposé, j’ai dû poser une journée", "Aucun lien pour suivre le livreur…"],
        ["Livré à l’heure, livreurs soigneux", "SMS clair, créneau respecté"]),
    ("ces", "Email"): (
        ["L’email d’expédition arrive après le livreur", "Lien de suivi cassé"],
        ["Suivi clair, merci", "Montage offert, chapeau bas : un vrai chef-d’œuvre"]),
    ("ces", "Magasin"): (
        ["J’ai attendu 40 minutes au comptoir de retrait", "Commande pas prête malgré le SMS"],
        ["Retrait en 5 minutes", "Très bien"]),
    ("nps", "Magasin"): (
        ["Mes achats sur le site ne comptent pas pour ma carte.\nDommage, « fidélité » ?", "Prix en hausse, qualité en baisse"],
        ["Des meubles de qualité et un bon accueil", "J'y retourne à chaque projet"]),
    ("nps", "Site web"): (
        ["SAV injoignable", "Toujours les mêmes promos"],
        ["-10 % sur la carte ce serait bien, mais je recommande", "Top"]),
    ("nps", "Application mobile"): (
        ["Trop de notifications", "Les points fidélité n'apparaissent pas"],
        ["=)", "L'appli est devenue mon catalogue"]),
}
LOW_UP_TO = {"csat": 3, "ces": 4, "nps": 6}


def draw(rng: random.Random, mean: float, low: int, high: int) -> int:
    """A score from low to high around `mean` (a discrete bell, spread 1.1)."""
    weights = [math.exp(-((k - mean) ** 2) / (2 * 1.1 ** 2)) for k in range(low, high + 1)]
    return rng.choices(range(low, high + 1), weights=weights)[0]


def moment(rng: random.Random, year: int, month: int) -> dt.datetime:
    days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.date(year, month, 1)).days
    return dt.datetime(year, month, rng.randint(1, days), rng.randint(8, 21),
                       rng.randint(0, 59), rng.randint(0, 59))


def comment(rng: random.Random, kind: str, channel: str, score: int) -> str:
    """A comment for one answer in four, about what went wrong for a low score."""
    if rng.random() > 0.25:
        return ""
    low, high = COMMENTS[(kind, channel)]
    return rng.choice(low if score <= LOW_UP_TO[kind] else high)


def post_purchase(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    for m, (year, month) in enumerate(MONTHS):
        for channel, count, means in CSAT:
            for _ in range(count + rng.randint(-count // 10, count // 10)):
                score = draw(rng, means[m], 1, 5)
                answer: object = CSAT_WORDS[score]
                if rng.random() < 0.012:
                    answer = rng.choice(["Bof", "Moyen"])
                elif rng.random() < 0.02:
                    answer = None  # left unanswered
                rows.append([moment(rng, year, month), "Satisfaction post-achat", channel,
                             answer, comment(rng, "csat", channel, score) or None,
                             f"R{rng.randint(100000, 999999)}",
                             round(rng.uniform(19, 2400), 2)])
    rows.sort(key=lambda r: r[0])
    return rows


def delivery(rng: random.Random) -> list[list[str]]:
    rows = []
    for m, (year, month) in enumerate(MONTHS):
        for channel, count, means in CES:
            for _ in range(count + rng.randint(-count // 10, count // 10)):
                score = draw(rng, means[m], 1, 7)
                shown = str(score)
                if rng.random() < 0.015:
                    shown = rng.choice(["0", "9"])  # another tool's scale
                when = moment(rng, year, month)
                said = when.strftime("%d/%m/%Y %H:%M")
                if rng.random() < 0.004:
                    said = "31/06/2026 " + when.strftime("%H:%M")  # no such day
                rows.append([when, said, "Effort livraison", channel, shown,
                             comment(rng, "ces", channel, score)])
        for _ in range(rng.randint(15, 25)):
            when = moment(rng, year, month)
            rows.append([when, when.strftime("%d/%m/%Y %H:%M"), "Effort livraison", "Point relais",
                         str(draw(rng, 4.5, 1, 7)), ""])
    rows.sort(key=lambda r: r[0])
    return [r[1:] for r in rows]


def barometer(rng: random.Random) -> list[list[str]]:
    rows = []
    for m, (year, month) in enumerate(MONTHS):
        for channel, count, shares in NPS:
            promoters, detractors = shares[m]
            for _ in range(count + rng.randint(-count // 10, count // 10)):
                roll = rng.random()
                if roll < promoters:
                    score = rng.choice([9, 10])
                elif roll < promoters + detractors:
                    score = rng.choice([2, 3, 4, 5, 5, 6, 6, 6])
                else:
                    score = rng.choice([7, 8])
                when = moment(rng, year, month)
                shown = "" if rng.random() < 0.03 else str(score)
                rows.append([when, when.strftime("%d/%m/%Y %H:%M:%S"), shown, channel,
                             comment(rng, "nps", channel, score)])
    rows.sort(key=lambda r: r[0])
    return [r[1:] for r in rows]


def write_all(folder: Path) -> list[Path]:
    import xlsxwriter

    rng = random.Random(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = folder / "post-achat.xlsx"
    workbook = xlsxwriter.Workbook(str(xlsx), {"strings_to_formulas": False,
                                               "strings_to_numbers": False})
    workbook.set_properties({"created": dt.datetime(2026, 10, 1)})  # the same bytes each run
    sheet = workbook.add_worksheet("Réponses")
    when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    heads = ["Soumis le", "Enquête", "Canal", "Êtes-vous satisfait de votre achat ?",
             "Pourquoi ?", "ID de réponse", "Montant du panier (€)"]
    sheet.write_row(0, 0, heads)
    for r, row in enumerate(post_purchase(rng), start=1):
        sheet.write_datetime(r, 0, row[0], when)
        for c, value in enumerate(row[1:], start=1):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    sheet.set_column(0, 0, 16)
    sheet.set_column(3, 4, 34)
    workbook.close()

    ces = folder / "livraison-ces.csv"
    with open(ces, "w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Horodatage", "Enquête", "Canal", "Note", "Commentaire"])
        writer.writerows(delivery(rng))

    nps = folder / "barometre-nps.csv"
    with open(nps, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
        writer.writerow(["Horodateur",
                         "Quelle est la probabilité que vous recommandiez Maison Lumen à un proche ?",
                         "Canal", "Pourquoi cette note ?"])
        writer.writerows(barometer(rng))
    return [xlsx, ces, nps]


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else HERE
    for path in write_all(folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
