"""The template's words, one file per language: `workbook_templates/lang/<code>.yaml`.

The structure (`plan.yaml`: tabs, columns, lists, formulas, colours) holds no word; each
language file holds every word of one language, keyed the way the structure is (a tab,
a column, a list value by its key). Adding a language is adding a file. This module
reads the files, checks each against the structure and against the default language
(a word missing or unknown is named with its file and place), and folds them into the
per-language labels the definition has always held.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from .failure import OmnisheetError


class LanguageError(OmnisheetError):
    """A language file does not fit the template; the message names the file and place."""


# Per tab: the texts a tab of that kind carries besides its label.
TAB_TEXTS = {"journey_matrix": ("corner", "description", "status", "help"),
             "scenario_matrix": ("corner", "help"),
             "instructions": ("title",),
             "settings": (), "table": (), "lists": ()}
SECTIONS_FREE = ("report_text", "words", "checks")  # keyed by the words themselves


def fold(structure: Mapping[str, Any], trees: Mapping[str, Mapping[str, Any]],
         sources: Mapping[str, str]) -> dict[str, Any]:
    """The structure with every text as {language: text}, as `definition.parse` reads it.
    `trees`: each language file's content by code, the default language first."""
    if not trees:
        raise LanguageError("no language file (workbook_templates/lang/<code>.yaml)")
    reference = next(iter(trees))
    for section in SECTIONS_FREE:
        for lang, tree in trees.items():
            _same_keys(tree.get(section) or {}, trees[reference].get(section) or {},
                       f"{sources[lang]}: {section}", sources[reference])
    data = copy.deepcopy(dict(structure))
    data["languages"] = list(trees)
    data["report_tabs"] = {key: {} for key in data.get("report_tabs") or ()}
    for lang, tree in trees.items():
        _Fold(data, lang, tree, sources[lang]).run()
    data["check_texts"] = {lang: dict(tree.get("checks") or {}) for lang, tree in trees.items()}
    data["formats"] = {lang: {"numbers": dict(tree.get("numbers") or {}),
                              "dates": dict(tree.get("dates") or {})}
                       for lang, tree in trees.items()}
    return data


def _same_keys(tree: Mapping[str, Any], reference: Mapping[str, Any], where: str,
               reference_source: str) -> None:
    """A free-keyed section (words, checks) has the default language's keys, no more."""
    missing = [k for k in reference if k not in tree]
    extra = [k for k in tree if k not in reference]
    if missing:
        raise LanguageError(f"{where}: no text for {', '.join(map(str, missing))} "
                            f"(it is in {reference_source})")
    if extra:
        raise LanguageError(f"{where}: {', '.join(map(str, extra))} is in no other language "
                            f"({reference_source} has no such entry)")
    for key, value in tree.items():
        if isinstance(value, Mapping) and isinstance(reference[key], Mapping):
            _same_keys(value, reference[key], f"{where}.{key}", reference_source)


class _Fold:
    """One language file folded into the structure; every key it holds must be used."""

    def __init__(self, data: dict[str, Any], lang: str, tree: Mapping[str, Any],
                 source: str) -> None:
        self.data, self.lang, self.tree, self.source = data, lang, tree, source
        self.used: set[tuple[str, ...]] = set()

    def text(self, *path: str) -> str:
        node: Any = self.tree
        for i, key in enumerate(path):
            if not isinstance(node, Mapping) or key not in node:
                raise LanguageError(f"{self.source}: {'.'.join(path[:i + 1])}: missing")
            node = node[key]
        if not isinstance(node, str | int | float) or node == "":
            raise LanguageError(f"{self.source}: {'.'.join(path)}: expected a text, got "
                                f"{node!r}")
        self.used.add(path)
        return str(node)

    def optional(self, *path: str) -> Any:
        node: Any = self.tree
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
        self.used.add(path)
        return node

    def put(self, target: dict[str, Any], key: str, text: str) -> None:
        labels = target.setdefault(key, {})
        labels[self.lang] = text

    def run(self) -> None:
        if self.tree.get("language") not in (None, self.lang):
            raise LanguageError(f"{self.source}: language: says {self.tree['language']!r}, but "
                                f"the file is named for {self.lang!r}")
        self.used.add(("language",))
        for key, raw in self.data["lists"].items():
            self.put(raw, "labels", self.text("lists", key, "title"))
            for value in raw["values"]:
                value[self.lang] = self.text("lists", key, "values", str(value["key"]))
        for setting in self.data["settings"]:
            self.put(setting, "labels", self.text("settings", setting["key"], "label"))
            self.put(setting, "help", self.text("settings", setting["key"], "help"))
        for table in self.data.get("setting_tables") or ():
            key = table["key"]
            for name, part in (("labels", "title"), ("help", "help"), ("row_labels", "row")):
                self.put(table, name, self.text("setting_tables", key, part))
            for column in table.get("columns") or ():
                for name in ("label", "help"):
                    self.put(column, "labels" if name == "label" else "help",
                             self.text("setting_tables", key, "columns", column["key"], name))
        for key, labels in self.data["report_tabs"].items():
            labels[self.lang] = self.text("report_tabs", key)
        for tab in self.data["tabs"]:
            self.tab(tab)
        for key in self.tree.get("report_text") or {}:
            self.put(self.data.setdefault("report_text", {}), str(key),
                     self.text("report_text", key))
        for section, entries in (self.tree.get("words") or {}).items():
            target = self.data.setdefault("words", {}).setdefault(section, {})
            for key in entries or {}:
                self.put(target, str(key), self.text("words", section, key))
        for path in ("checks",), ("numbers",), ("dates",), ("name",):
            if self.optional(*path) is not None:
                self.used.add(path)
        self.refuse_unknown()

    def tab(self, tab: dict[str, Any]) -> None:
        key = tab["key"]
        self.put(tab, "labels", self.text("tabs", key, "label"))
        aliases = self.optional("tabs", key, "aliases") or []
        tab["aliases"] = [*tab.get("aliases", []), *aliases]
        for name in TAB_TEXTS.get(tab["kind"], ()):
            self.put(tab, name, self.text("tabs", key, name))
        if tab["kind"] == "settings":
            headers = tab.setdefault("headers", {})
            for name in ("name", "value", "help"):
                self.put(headers, name, self.text("tabs", key, "headers", name))
        if tab["kind"] == "instructions":
            sections = self.optional("tabs", key, "sections")
            if not isinstance(sections, list) or not sections:
                raise LanguageError(f"{self.source}: tabs.{key}.sections: expected a list of "
                                    "{heading, body}")
            existing = tab.setdefault("sections", [{} for _ in sections])
            if len(existing) != len(sections):
                raise LanguageError(f"{self.source}: tabs.{key}.sections: {len(sections)} "
                                    f"sections where the other languages have {len(existing)}")
            for i, (target, section) in enumerate(zip(existing, sections, strict=True)):
                for name in ("heading", "body"):
                    if not isinstance(section, Mapping) or not section.get(name):
                        raise LanguageError(f"{self.source}: tabs.{key}.sections[{i}].{name}: "
                                            "missing")
                    self.put(target, name, str(section[name]))
        for column in tab.get("columns", []):
            ckey = column["key"]
            self.put(column, "labels", self.text("tabs", key, "columns", ckey, "label"))
            self.put(column, "help", self.text("tabs", key, "columns", ckey, "help"))
            aliases = self.optional("tabs", key, "columns", ckey, "aliases") or []
            column["aliases"] = [*column.get("aliases", []), *aliases]

    def refuse_unknown(self) -> None:
        """A key the structure has no place for (a column renamed in one file only, a
        typo) is named rather than ignored."""
        for path in _leaves(self.tree):  # a leaf is used when one of its prefixes was
            if not any(path[:n] in self.used for n in range(1, len(path) + 1)):
                raise LanguageError(f"{self.source}: {'.'.join(path)}: the template has no "
                                    "such place (a typo, or a tab, column or list value "
                                    "missing from plan.yaml?)")


def _leaves(tree: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            yield from _leaves(value, (*path, str(key)))
    else:
        yield path
