"""A real LibreOffice fills a blank template cell by cell, as a person would; the checks
read its .xlsx and .ods alike and name the cells typed wrong."""

from __future__ import annotations

import pytest
from support.libreoffice import fill

from omnisheet.checks import check
from omnisheet.definition import load_definition
from omnisheet.model import column_letter
from omnisheet.reader import load
from omnisheet.writer import blank_plan, write

pytestmark = pytest.mark.libreoffice


def _typing(sheet: str, cells: dict[str, object]) -> list[dict]:
    return [{"sheet": sheet, "cell": cell, "input": str(value)} for cell, value in cells.items()]


EDITS = [
    *_typing("Parcours client", {"H3": "Tunnel de paiement trop long", "I3": "Friction",
                                 "B9": "Vitrine", "C9": "Opportunité", "H5": "Confirmation",
                                 "I5": "Normal"}),
    *_typing("Cas d'usage", {
        "A2": "UC-001", "B2": "Omnicanal", "C2": "Paiement en un clic", "F2": "J'achète",
        "G2": "Site web", "H2": 4, "I2": 5, "J2": 2, "L2": "Idée",
        # picked past the dropdown, and the title left blank
        "A3": "UC-002", "B3": "Fidélité VIP", "F3": "Je découvre", "G3": "Magasin",
        "H3": 3, "I3": 4, "J3": 3,
        # a row of their own below the last one, with a word where a mark goes
        "A4": "UC-003", "C4": "Vendeurs équipés de tablettes", "H4": "élevé", "I4": 4, "J4": 4,
    }),
    *_typing("Scénarios", {"A2": "SC-001", "B2": "Relance paiement", "C2": "Conversion",
                           "D2": "Activation", "E2": "Tous les contacts", "F2": "UC-001",
                           "G2": "Comportement", "H2": "Paiement abandonné depuis 1 h"}),
    *_typing("Carte des scénarios", {"C2": "SC-001"}),
    *_typing("Messages", {"A2": "SC-001", "B2": "J+1", "C2": "Email", "D2": "Votre panier",
                          "A3": "SC-001", "B3": "J+5", "C3": "Email", "D3": "Code promo"}),
    *_typing("Données", {"A2": "SC-001", "B2": "Contenu du panier", "D2": "E-commerce",
                         "E2": "Disponible"}),
]


def test_calc_filled_plan_reads_the_same_from_xlsx_and_ods(soffice, uno_python, tmp_path):
    template = write(blank_plan("fr"), tmp_path / "template.xlsx")
    xlsx, ods = tmp_path / "filled.xlsx", tmp_path / "filled.ods"
    keys = [c.key for c in load_definition().tab("use_cases").columns]
    score, quadrant = (f"Cas d'usage!{column_letter(keys.index(k) + 1)}2"
                       for k in ("score", "quadrant"))
    computed = fill(template, EDITS, [xlsx, ods], read=[score, quadrant])
    assert computed[score] == pytest.approx(18.0)  # (4+5)/2 × (6−2) × (1 + 0), by Calc
    assert computed[quadrant] == "Quick win"

    reports = [check(load(path)) for path in (xlsx, ods)]
    found = [[(f.code, f.sheet, f.cell) for f in r.findings] for r in reports]
    assert found[0] == found[1]
    assert load(xlsx) == load(ods)
    typed_wrong = {(c, s, cell) for c, s, cell in found[0]}
    assert ("value-not-in-list", "Cas d'usage", "B3") in typed_wrong
    assert ("missing-required", "Cas d'usage", "C3") in typed_wrong
    assert ("bad-number", "Cas d'usage", "H4") in typed_wrong
    assert [p.id for p in reports[0].priorities] == ["UC-001", "UC-002"]  # UC-003: "élevé"
