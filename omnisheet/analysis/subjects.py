"""What a finding is about, in words: "UC-003 — Difficulté de mise en œuvre", "Je demande
de l'aide × Magasin — Statut", "Paramètres — Seuil de facilité". Made from the finding's
subject (model.Subject) and the definition, in the language asked for, for the JSON, the
Findings tab and the HTML report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan.model import Finding
    from ..template.definition import Definition, Tab


def describe(finding: Finding, definition: Definition, lang: str) -> str:
    subject = finding.subject
    if subject is None or subject.tab is None:
        return ""
    try:
        tab = definition.tab(subject.tab)
    except KeyError:
        return ""
    thing = _thing(tab, subject.shown, definition, lang) or tab.labels[lang]
    field = _field(tab, subject.field, definition, lang)
    return f"{thing} — {field}" if field else thing


def value_shown(finding: Finding, definition: Definition, lang: str) -> Any:
    """The finding's value as its cell shows it: a list's key ("email") as the list's label
    in the language ("Email"), anything else as it is."""
    subject, value = finding.subject, finding.value
    if subject is None or subject.tab is None or subject.field is None or not isinstance(
            value, str):
        return value
    try:
        column = definition.tab(subject.tab).column(subject.field)
    except KeyError:
        return value
    return _label(definition, column.list, value, lang)  # a value of the team's own: itself


def _label(definition: Definition, list_key: str | None, value: Any, lang: str) -> str:
    if list_key and isinstance(value, str) and list_key in definition.lists:
        return definition.list(list_key).label(value, lang)
    return "" if value is None else str(value)


def _thing(tab: Tab, shown: tuple[Any, ...], definition: Definition, lang: str) -> str:
    if not shown:
        return ""
    if tab.kind == "settings":
        try:
            return definition.setting(str(shown[0])).labels[lang]
        except StopIteration:
            return str(shown[0])
    if tab.is_map and tab.across and tab.down and len(shown) >= 2:
        return (f"{_label(definition, tab.across.list, shown[0], lang)} × "
                f"{_label(definition, tab.down.list, shown[1], lang)}")
    if tab.kind == "table":
        keys = tab.identity if any(v not in (None, "") for v in shown[:len(tab.identity)]) \
            else tab.fallback
        lists = {c.key: c.list for c in tab.columns}
        return " · ".join(_label(definition, lists.get(k), v, lang)
                          for k, v in zip(keys, shown, strict=False) if v not in (None, ""))
    return ""


def _field(tab: Tab, field: str | None, definition: Definition, lang: str) -> str:
    if not field:
        return ""
    if tab.kind == "table":
        try:
            return tab.column(field).labels[lang]
        except KeyError:
            return field
    text = tab.texts.get(field)
    return text[lang] if isinstance(text, dict) and lang in text else ""
