"""Checks that apply to every table tab: lists, IDs, required cells, numbers, settings;
and the findings the reader met (a missing tab, a status read from a colour)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..numbers import number
from ..severity import ERROR, INFO, WARNING
from .registry import Context, check, id_key

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..model import Finding


@check("tab-missing", ERROR, "workbook",
       fr="L'onglet « {tab} » est introuvable, ni sous ses noms ({names}) ni à son contenu.[ Vouliez-vous dire « {closest} » ?]",
       en="The tab \"{tab}\" is missing: no tab has its name ({names}) or its content.[ Did you mean \"{closest}\"?]")
def tab_missing(ctx: Context) -> Iterator[Finding]:
    """A tab of the template is not in the workbook, under any of its names or contents.

    omnisheet finds a tab by its name in either language, by a name that contains it
    ("Parcours client 2026", "Copie de Cas d'usage") or by its content (its headers), so
    a renamed tab is found. Without it, a whole step of the method cannot be checked, and
    the checks that need it stay silent rather than flag every row that points at it.
    Restore the tab (copy it from a fresh `omnisheet new` template), or rename the tab the
    message suggests to the template's name.
    """
    yield from (f for f in ctx.plan.read_findings if f.code == "tab-missing")


@check("column-missing", ERROR, "workbook",
       fr="La colonne obligatoire « {column} » est introuvable dans l'onglet {tab}.",
       en="The required column \"{column}\" is missing from the {tab} tab.")
def column_missing(ctx: Context) -> Iterator[Finding]:
    """A required column of a table tab has no header that omnisheet recognises.

    Headers are matched in French or English, in any case, with or without accents; a
    heavily renamed header is not. Give the column back its template name.
    """
    yield from (f for f in ctx.plan.read_findings if f.code == "column-missing")


@check("status-inferred-from-colour", INFO, "journey",
       fr="Statut « {status} » déduit de la couleur {colour} : choisissez-le dans la liste.",
       en="Status \"{status}\" inferred from the colour {colour}: choose it from the list.")
def status_inferred(ctx: Context) -> Iterator[Finding]:
    """A touchpoint has no status chosen, but its cell is painted yellow, orange or green.

    Plans made from the Google Sheets template carry the status only as a colour;
    omnisheet reads the nearest hue (yellow = Normal, orange = Friction, green =
    Opportunity). Choose the status in the dropdown so nobody has to guess.
    """
    yield from (f for f in ctx.plan.read_findings if f.code == "status-inferred-from-colour")


@check("formula-overwritten", WARNING, "workbook",
       fr="« {column} » : la formule a été remplacée par « {value} », qui ne se recalcule plus.",
       en="\"{column}\": the formula was replaced by \"{value}\", which no longer updates.")
def formula_overwritten(ctx: Context) -> Iterator[Finding]:
    """A cell the template computes (value, ease, score, quadrant, rank, a measure's score)
    holds a value typed over its formula.

    The checked workbook keeps what was typed, but the cell no longer follows the marks,
    the weights or the measures, and omnisheet's own ranking (which recomputes) may then
    disagree with the sheet. Delete the value: the checked workbook, or `omnisheet
    import`, writes the formula back; copy it from the row above in the meantime.
    """
    yield from (f for f in ctx.plan.read_findings if f.code == "formula-overwritten")


@check("macros-not-kept", INFO, "workbook",
       fr="{file} contient des macros : omnisheet ne les exécute jamais, et le classeur vérifié (.xlsx) ne les garde pas.",
       en="{file} holds macros: omnisheet never runs them, and the checked workbook (.xlsx) does not keep them.")
def macros_not_kept(ctx: Context) -> Iterator[Finding]:
    """The plan is a macro-enabled workbook (.xlsm).

    Macros are never run: omnisheet reads only cell values and colours. The checked
    workbook is a plain .xlsx, so the macros stay in the original file only; copy them
    back yourself if the team needs them, after checking where they come from.
    """
    yield from (f for f in ctx.plan.read_findings if f.code == "macros-not-kept")


@check("value-not-in-list", ERROR, "workbook",
       fr="« {value} » n'est pas dans la liste « {list} ».[ Vouliez-vous dire « {closest} » ?]",
       en="\"{value}\" is not in the list \"{list}\".[ Did you mean \"{closest}\"?]")
def value_not_in_list(ctx: Context) -> Iterator[Finding]:
    """A cell that takes its value from a dropdown holds something that is not in the list.

    It was pasted past the dropdown, typed in a program that ignores validation, or the
    list was edited afterwards. The value is kept as typed; pick one from the list, or add
    it to the list on the Lists tab (for the lists the team may edit). When a value of
    the list is close ("Frcition" for "Friction"), the message names it.
    """
    d = ctx.definition
    for tab in d.table_tabs:
        for column in tab.input_columns:
            if column.type != "list" or not column.list:
                continue
            listed = d.list(column.list)
            for index, record in ctx.records(tab.key):
                value = record.get(column.key)
                if value is not None and not ctx.in_list(column.list, value):
                    typed = record.typed.get(column.key, value)
                    yield ctx.finding("value-not-in-list", tab.key, index, column.key,
                                      value=typed, expected=listed.labels[ctx.lang],
                                      list=listed.labels[ctx.lang],
                                      closest=ctx.closest_label(column.list, typed))
    listed = d.list("touchpoint_status")
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status is not None and not ctx.in_list("touchpoint_status",
                                                             touchpoint.status):
            yield ctx.on_touchpoint("value-not-in-list", touchpoint, status=True,
                                    value=touchpoint.status, expected=listed.labels[ctx.lang],
                                    list=listed.labels[ctx.lang],
                                    closest=ctx.closest_label("touchpoint_status",
                                                              touchpoint.status))


@check("value-spelled-differently", INFO, "workbook",
       fr="« {value} » est lu comme « {expected} » : choisissez-le dans la liste pour qu'il s'écrive ainsi.",
       en="\"{value}\" is read as \"{expected}\": pick it from the list so that it is spelled so.")
def value_spelled_differently(ctx: Context) -> Iterator[Finding]:
    """A dropdown cell holds a value of its list spelled another way than the list's
    (without its accents, with other spaces or punctuation: "Telephone / service client").

    omnisheet reads it as the list's value and keeps the text as typed; case alone does
    not count, as spreadsheets compare text without it. Pick the value from the dropdown
    so that filters, pivot tables and other tools see one spelling.
    """
    for tab in ctx.definition.table_tabs:
        for column in tab.input_columns:
            if column.type != "list" or not column.list:
                continue
            for index, record in ctx.records(tab.key):
                typed = record.typed.get(column.key)
                value = record.get(column.key)
                if typed is not None and not ctx.spelled_as_listed(column.list, value, typed):
                    yield ctx.finding("value-spelled-differently", tab.key, index, column.key,
                                      value=typed, expected=ctx.label(column.list, value))


@check("duplicate-id", ERROR, "workbook",
       fr="L'ID {value} est déjà utilisé ligne {first}.",
       en="ID {value} is already used on row {first}.")
def duplicate_id(ctx: Context) -> Iterator[Finding]:
    """Two use cases, or two scenarios, share an ID (case and spaces ignored).

    Links between tabs go through IDs: a scenario implementing "UC-004" must point at one
    use case. Give the second one a new ID.
    """
    for tab in ctx.definition.table_tabs:
        if not any(c.type == "id" for c in tab.columns):
            continue
        first: dict[str, int] = {}
        for index, record in ctx.records(tab.key):
            if record.get("id") is None:
                continue
            key = id_key(record.get("id"))
            if key in first:
                yield ctx.finding("duplicate-id", tab.key, index, "id", value=record.get("id"),
                                  first=ctx.row_of(tab.key, first[key]))
            else:
                first[key] = index


@check("missing-required", ERROR, "workbook",
       fr="{thing} : « {column} » est vide.",
       en="{thing}: \"{column}\" is empty.")
def missing_required(ctx: Context) -> Iterator[Finding]:
    """A row has been started but a required cell is empty (a use case with no title, a
    message with no channel or delay, a data need with no variable...).

    Fill the cell, or delete the row if it was started by mistake.
    """
    for tab in ctx.definition.table_tabs:
        for index, record in ctx.records(tab.key):
            for column in tab.input_columns:
                if column.required and record.get(column.key) is None:
                    yield ctx.finding("missing-required", tab.key, index, column.key,
                                      thing=_thing(ctx, tab.key, index, record),
                                      column=column.labels[ctx.lang])


def _thing(ctx: Context, tab_key: str, index: int, record: object) -> str:
    """How a message names a row: its ID if it has one, else its tab and row."""
    ident = getattr(record, "id", None) or getattr(record, "scenario", None)
    row = ctx.row_of(tab_key, index)
    word = "ligne" if ctx.lang == "fr" else "row"
    return f"{ident} ({word} {row})" if ident else f"{ctx.sheet(tab_key)} {word} {row}"


@check("bad-number", ERROR, "workbook",
       fr="{thing} : « {column} » vaut « {value} », attendu {wanted}.",
       en="{thing}: \"{column}\" is \"{value}\", expected {wanted}.")
def bad_number(ctx: Context) -> Iterator[Finding]:
    """A mark that must be a number on its scale is not (impact 7, difficulty "high").

    Impacts and difficulty are 1 to 5 (their meaning is in each header's help). The use
    case is not scored until the mark is fixed.
    """
    for tab in ctx.definition.table_tabs:
        for column in tab.input_columns:
            if column.type != "number":
                continue
            for index, record in ctx.records(tab.key):
                value = record.get(column.key)
                if value is None:
                    continue
                n = number(value)
                low, high = column.min, column.max
                if n is None or (low is not None and n < low) or (high is not None and n > high):
                    yield ctx.finding("bad-number", tab.key, index, column.key, value=value,
                                      expected=_wanted(low, high, ctx.lang),
                                      thing=_thing(ctx, tab.key, index, record),
                                      column=column.labels[ctx.lang],
                                      wanted=_wanted(low, high, ctx.lang))


def _wanted(low: float | None, high: float | None, lang: str) -> str:
    """"a number from 1 to 5", "a number, 0 or more", or just "a number"."""
    fr = lang == "fr"
    if low is not None and high is not None:
        return (f"un nombre de {_num(low)} à {_num(high)}" if fr
                else f"a number from {_num(low)} to {_num(high)}")
    if low is not None:
        return f"un nombre, {_num(low)} ou plus" if fr else f"a number, {_num(low)} or more"
    return "un nombre" if fr else "a number"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


@check("settings-invalid", ERROR, "settings",
       fr="Paramètre « {setting} » inutilisable ({value}) : {why} ; la valeur par défaut {default} est utilisée.",
       en="Setting \"{setting}\" cannot be used ({value}): {why}; the default {default} is used.")
def settings_invalid(ctx: Context) -> Iterator[Finding]:
    """A weight or threshold on the Settings tab cannot be used.

    Weights must be numbers, zero or more, and not both zero; thresholds must be numbers
    from 1 to 5. Until fixed, scoring uses the default and the sheet's formulas may show
    an error.
    """
    why = {
        "weight": {"fr": "un poids est un nombre positif ou nul",
                   "en": "a weight is a number, zero or more"},
        "weights_zero": {"fr": "les deux poids ne peuvent être nuls",
                         "en": "the two weights cannot both be zero"},
        "threshold": {"fr": "un seuil est un nombre de 1 à 5",
                      "en": "a threshold is a number from 1 to 5"},
    }
    from ..model import Finding
    from ..scoring import setting_problems

    d = ctx.definition
    settings = {s.key: s.default for s in d.settings} | dict(ctx.plan.settings)
    for row, setting in enumerate(d.settings, start=2):
        reason = setting_problems(settings).get(setting.key)
        if reason:
            yield Finding(code="settings-invalid", severity=ERROR, sheet=ctx.sheet("settings"),
                          row=row, column=2, value=settings.get(setting.key),
                          params={"setting": setting.labels[ctx.lang],
                                  "why": why[reason][ctx.lang], "default": setting.default})


__all__ = ["INFO"]
