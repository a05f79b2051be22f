"""A real LibreOffice fills a blank template cell by cell, as a person would; the checks
read its .xlsx and .ods alike and name the cells typed wrong."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook
from support.libreoffice import fill
from xlsxwriter.utility import xl_cell_to_rowcol as cell_position

from omnisheet import check
from omnisheet.outputs.workbook import blank_plan, write
from omnisheet.plan.model import column_letter
from omnisheet.read.reader import load
from omnisheet.template.definition import load_definition

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


# --- a French team edits the template as people do --------------------------------------
D = load_definition()


def _column(tab_key: str, column_key: str) -> str:
    return column_letter([c.key for c in D.tab(tab_key).columns].index(column_key) + 1)


def _list_column(list_key: str) -> str:
    return column_letter([k for k, v in D.lists.items() if not v.computed].index(list_key) + 1)


def _row(tab_key: str, row: int, **values: object) -> dict[str, object]:
    return {f"{_column(tab_key, key)}{row}": value for key, value in values.items()}


JOURNEY_2026 = "Parcours client 2026"
# After two rows inserted above the map: stages on row 3, sub-headers on row 4, Site web
# on row 5, Email on row 7, Réseaux sociaux on row 9; the ninth stage's pair is R:S.
TEAM_TYPED = {
    "Listes": {f"{_list_column('stage')}10": "Je parraine",
               f"{_list_column('target')}6": "Clients pros"},
    JOURNEY_2026: {"A1": "Parcours 2026 — atelier du 12 mars",
                   "R5": "Page de parrainage", "S5": "Opportunite",  # the accent left out
                   "H5": "Tunnel de paiement", "I5": "Frcition",  # a typo
                   "H7": "Confirmation de commande", "I7": "Normal",
                   "B9": "Publicité Instagram", "C9": "Normal"},
    "Cas d'usage": _row("use_cases", 2, id="UC-001", category="Omnicanal",
                        title="Parrainage en ligne", objective="Recrutement",
                        stage="Je parraine", channel="Site web", business_impact="4",
                        cx_impact="4", difficulty="2", owner="Resp. CRM", status="Idée"),
    "Carte des scénarios": {"C6": "SC-001"},  # Activation × the fifth target
    "Scénarios": _row("scenarios", 2, id="SC-001", name="Parrainage", programme="Conversion",
                      relationship_stage="Activation", target="Clients pros",
                      use_case="UC-001", trigger_type="Comportement",
                      trigger="Parrainage validé", exit_condition="Achat du filleul"),
    "Messages": {**_row("messages", 2, scenario="SC-001", delay="J+1", channel="Email",
                        content="Merci pour votre parrainage"),
                 **_row("messages", 3, scenario="SC-001", delay="J+5", channel="Email",
                        content="Votre code promo")},
    "Données": _row("data_needs", 2, scenario="SC-001", variable="Email et consentement",
                    source="CRM", availability="Disponible"),
    "Mesures": _row("measures", 2, stage="Je parraine", channel="Site web",
                    indicator="CSAT (1 à 5)", value="4,5", target="4,2", answers="120",
                    period="mars 2026", share="10", evidence="Directe (clients interrogés)"),
}


def _french_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def test_a_french_team_moves_renames_and_grows_the_template_and_nothing_is_lost(
        soffice, uno_python, tmp_path, cli):
    """Filled in a LibreOffice set to French: a ninth stage and a fifth target added on
    Lists and used, the journey map moved down two rows under a title and its tab renamed,
    a status without its accent, a status typo, a period typed "mars 2026". Exactly the
    two findings a careful reviewer expects, in .xlsx and .ods alike, and every typed cell
    back in the checked workbook at its place."""
    template = write(blank_plan("fr"), tmp_path / "template.xlsx")
    edits = [{"sheet": "Parcours client", "insert_rows": [1, 2]},
             {"sheet": "Parcours client", "rename": JOURNEY_2026}]
    edits += [{"sheet": sheet, "cell": cell, "type": text}
              for sheet, cells in TEAM_TYPED.items() for cell, text in cells.items()]
    xlsx, ods = tmp_path / "equipe.xlsx", tmp_path / "equipe.ods"
    fill(template, edits, [xlsx, ods], locale="fr-FR")

    for path in (xlsx, ods):
        plan = load(path)
        report = check(plan)
        assert sorted((f.code, f.sheet, f.cell) for f in report.findings) == [
            ("status-spelled-differently", JOURNEY_2026, "S5"),
            ("value-not-in-list", JOURNEY_2026, "I5")], path.suffix
        messages = {f.code: report.message(f) for f in report.findings}
        assert messages["value-not-in-list"] == ("« Frcition » n'est pas dans la liste "
                                                 "« Statut du point de contact ». Vouliez-vous "
                                                 "dire « Friction » ?")
        assert plan.measures[0].period == "mars 2026"
        assert {t.stage for t in plan.touchpoints} >= {"Je parraine"}

        out = tmp_path / f"checked-{path.suffix[1:]}.xlsx"
        assert cli("check", path, "-o", out).exit_code == 1
        checked = CalamineWorkbook.from_path(str(out))
        lost = {}
        for sheet, cells in TEAM_TYPED.items():
            values = checked.get_sheet_by_name(sheet).to_python()
            for cell, typed in cells.items():
                row, col = cell_position(cell)
                kept = values[row][col] if row < len(values) and col < len(values[row]) else ""
                same = (str(kept) == typed or (isinstance(kept, float) and
                                               kept == _french_number(typed)))
                if not same:
                    lost[(sheet, cell)] = (typed, kept)
        assert lost == {}, f"{path.suffix}: typed cells not kept: {lost}"
