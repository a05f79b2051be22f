"""A period as teams type it, in any language, reads as the same month, quarter or year:
what omnisheet writes ("septembre 2026", "T3 2026") and what people abbreviate
("sept. 2026", "Sep 2026", "09/2026")."""

from __future__ import annotations

import datetime as dt

import pytest

from omnisheet.template.definition import load_definition
from omnisheet.template.periods import label, parse

D = load_definition()
SEPTEMBER = ("month", dt.date(2026, 9, 1))


@pytest.mark.parametrize("typed", ["septembre 2026", "September 2026", "sept. 2026", "Sept 2026",
                                   "Sep 2026", "sep. 2026", "2026-09", "2026/9", "09/2026",
                                   "9-2026", dt.date(2026, 9, 17)])
def test_september_in_every_form(typed):
    assert parse(typed, D) == SEPTEMBER


@pytest.mark.parametrize(("typed", "month"), [("janv. 2026", 1), ("févr. 2026", 2),
                                              ("Mar 2026", 3), ("avr. 2026", 4), ("mai 2026", 5),
                                              ("juin 2026", 6), ("juil. 2026", 7),
                                              ("août 2026", 8), ("Oct 2026", 10),
                                              ("nov. 2026", 11), ("déc. 2026", 12)])
def test_abbreviated_months_in_french_and_english(typed, month):
    assert parse(typed, D) == ("month", dt.date(2026, month, 1))


@pytest.mark.parametrize("typed", ["ju 2026", "Jui 2026", "13/2026", "xyz 2026", "", None,
                                   "semaine 12"])
def test_what_names_no_single_period_is_none(typed):
    assert parse(typed, D) is None  # "jui" begins juin and juillet alike


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_omnisheet_writes_reads_back(lang):
    for kind, first in (("month", dt.date(2026, 7, 1)), ("quarter", dt.date(2026, 7, 1)),
                        ("year", dt.date(2026, 1, 1))):
        assert parse(label(first, kind, D, lang), D) == (kind, first)
