"""The Observed journey tab as a manager sees it: printed by a real LibreOffice."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.browser import pdf_text, poppler_fixture  # noqa: F401  (a fixture)
from support.libreoffice import convert

pytestmark = pytest.mark.libreoffice
ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "samples" / "events"


def test_the_observed_journey_tab_prints_readable(soffice, poppler, tmp_path, cli):
    out = tmp_path / "parcours.xlsx"
    cli("journeys", EVENTS, "--plan", EVENTS / "plan" / "retail-fr-parcours.xlsx", "-o", out)
    printed = " ".join(pdf_text(convert(out, "pdf", tmp_path / "pdf")).split())
    start = printed.index("Parcours observé, mars 2026")
    tab = printed[start:start + 6000]
    for words in ("Canal \\ Étape", "Je demande de l'aide", "absent de la carte",
                  "aucun client", "Clients à l'étape", "Passages d'un canal à l'autre",
                  "Délais face à ce que le plan promet", "samedi", "Abandon"):
        assert words in tab, words
