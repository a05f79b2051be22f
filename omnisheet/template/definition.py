"""The template's definition, loaded from `workbook_templates/plan.yaml` and validated.

Everything that knows about tabs, columns, lists, labels, colours or formulas asks this
module, so that a column or a language is a change to the YAML file and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import disk_cache
from .failure import OmnisheetError
from .template_files import DEFAULT_PATH as DEFAULT_PATH  # noqa: E402 (re-exported)
from .template_files import TEMPLATE_VARIABLE as TEMPLATE_VARIABLE  # noqa: E402
from .template_files import available_languages as available_languages  # noqa: E402
from .template_files import language_files, template_path  # noqa: E402
from .text import normalise

if TYPE_CHECKING:  # formatting is imported when words are asked for, not by every command
    from .formatting import Formatter

COLUMN_TYPES = {"id", "text", "list", "number", "ref", "delay", "formula", "date", "period"}
# Columns whose cells the template formats as text (@), so a spreadsheet keeps what is typed
# there as typed: "mars 2026" stays a period, "0612" an ID, "1/2" no date.
TEXT_TYPES = {"id", "text", "ref", "delay", "period"}
# What a list value may carry besides its labels: an indicator's scale; a consent line's
# channel and target type (audience).
VALUE_ATTRS = {"min", "max", "percent", "channel", "audience"}
TAB_KINDS = {"instructions", "journey_matrix", "table", "scenario_matrix", "settings", "lists"}


class DefinitionError(OmnisheetError):
    """The template definition file is malformed; the message says where."""


Labels = Mapping[str, str]


@dataclass(frozen=True)
class ListValue:
    key: str
    labels: Labels
    colour: str | None = None
    hue: float | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return self.labels[lang]

    def attr(self, name: str, default: Any = None) -> Any:
        """A value's own attribute from the definition (an indicator's scale, say)."""
        return self.attrs.get(name, default)


@dataclass(frozen=True)
class ListDef:
    """A dropdown list: values with stable keys and a label per language."""

    key: str
    labels: Labels
    values: tuple[ListValue, ...]
    editable: bool = False
    numeric: bool = False
    computed: bool = False
    _index: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for value in self.values:
            index.setdefault(normalise(value.key), value.key)
            for label in value.labels.values():
                index.setdefault(normalise(label), value.key)
        object.__setattr__(self, "_index", index)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.values)

    def match(self, text: object) -> str | None:
        """The key whose key or label (any language, any case, accents or not) is `text`."""
        return self._index.get(normalise(text))

    def label(self, key: str, lang: str) -> str:
        """The label of a known key in `lang`; an unknown value (a team's own) is itself."""
        for value in self.values:
            if value.key == key:
                return value.labels[lang]
        return key

    def colour(self, key: str) -> str | None:
        return next((v.colour for v in self.values if v.key == key), None)

    def value(self, key: object) -> ListValue | None:
        return next((v for v in self.values if v.key == key), None)


@dataclass(frozen=True)
class Column:
    key: str
    type: str
    labels: Labels
    help: Labels
    required: bool = False
    width: float = 14
    aliases: tuple[str, ...] = ()
    list: str | None = None
    ref: str | None = None
    min: float | None = None
    max: float | None = None
    formula: str | None = None
    number_format: str | None = None
    pattern: str | None = None
    # "hour": an hour of the day, read as people type it (18, 18:00, "18 h 30")
    unit: str | None = None

    @property
    def computed(self) -> bool:
        return self.type == "formula"


@dataclass(frozen=True)
class Setting:
    key: str
    default: float
    labels: Labels
    help: Labels
    unit: str | None = None  # "hour": read as people type an hour (21, 21:00, "21h")


@dataclass(frozen=True)
class TableColumn:
    """A column of a table on the Settings tab: a number, `min` or more (whole or not)."""

    key: str
    labels: Labels
    help: Labels
    min: float | None = None
    whole: bool = False


@dataclass(frozen=True)
class SettingTable:
    """A table on the Settings tab, under the settings: one row per value of the list
    `rows` (the contact caps: one per channel), a number per column; `defaults` by list
    key, for a plan whose Settings tab has no such table."""

    key: str
    rows: str
    labels: Labels
    help: Labels
    row_labels: Labels
    columns: tuple[TableColumn, ...]
    defaults: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def column(self, key: str) -> TableColumn:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Axis:
    """One axis of a map tab: the list its headers show, and the slots the template draws."""

    list: str
    slots: int


MAP_KINDS = {"journey_matrix", "scenario_matrix"}


@dataclass(frozen=True)
class Tab:
    key: str
    kind: str
    labels: Labels
    aliases: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    texts: Mapping[str, Any] = field(default_factory=dict)
    across: Axis | None = None
    down: Axis | None = None
    # A table tab's rows: their type's name, and the columns that identify one across
    # versions of a plan (then those that do when the identity is empty).
    record: str | None = None
    identity: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()

    @property
    def is_map(self) -> bool:
        return self.kind in MAP_KINDS

    @property
    def step(self) -> int:
        """Columns per slot of a map: the journey map's are pairs (touchpoint, status)."""
        return 2 if self.kind == "journey_matrix" else 1

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"tab {self.key!r} has no column {key!r}")

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.computed)

    def names(self) -> set[str]:
        """Every normalised name this tab may carry in a workbook."""
        return {normalise(n) for n in (*self.labels.values(), self.key, *self.aliases)}


@dataclass(frozen=True, eq=False)
class Definition:
    """The template as loaded: one object per file, equal only to itself, so that what is
    made from it once (record types, formatters, vocabularies) is cached on it by identity."""

    version: int
    languages: tuple[str, ...]
    default_language: str
    data_rows: int
    list_capacity: int
    colours: Mapping[str, str]
    lists: Mapping[str, ListDef]
    settings: tuple[Setting, ...]
    tabs: tuple[Tab, ...]
    report_tabs: Mapping[str, Labels] = field(default_factory=dict)
    report_text: Mapping[str, Labels] = field(default_factory=dict)
    words: Mapping[str, Mapping[str, Labels]] = field(default_factory=dict)
    # Per language: each check's message and documentation ({code: {message, doc}}).
    check_texts: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    # Per language: how numbers and dates are written (lang/<code>.yaml: numbers, dates).
    formats: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    setting_tables: tuple[SettingTable, ...] = ()
    # Each language's formatter, made once (formatter()): not part of what a definition is.
    _formatters: dict[str, Formatter] = field(default_factory=dict, init=False, compare=False,
                                              repr=False)

    def tab(self, key: str) -> Tab:
        for tab in self.tabs:
            if tab.key == key:
                return tab
        raise KeyError(f"no tab {key!r} in the definition")

    def list(self, key: str) -> ListDef:
        return self.lists[key]

    def holds_text(self, column: Column) -> bool:
        """Whether a column's cells are text (formatted @ in the template): text, IDs,
        delays, periods, and lists of words (not the 1-5 scale)."""
        if column.type == "list" and column.list:
            return not self.lists[column.list].numeric
        return column.type in TEXT_TYPES

    def setting(self, key: str) -> Setting:
        return next(s for s in self.settings if s.key == key)

    def setting_table(self, key: str) -> SettingTable:
        return next(t for t in self.setting_tables if t.key == key)

    @property
    def table_tabs(self) -> tuple[Tab, ...]:
        return tuple(t for t in self.tabs if t.kind == "table")

    def text(self, key: str, lang: str) -> str:
        """A word of the HTML report (`report_text` in the YAML) in `lang`, a Template whose
        `format` makes its "(s)" agree with the counts it is given."""
        from .formatting import Template, plural_rule

        return Template(self.report_text[key][lang], plural_rule(self, lang))

    def words_for(self, section: str, lang: str) -> dict[str, str]:
        """The words of one output (`words.<section>` in the YAML), {key: text in `lang`}."""
        if section not in self.words:
            raise DefinitionError(f"no words.{section} in the template definition")
        self.check_language(lang)
        from .formatting import plural_rule

        return _Words(section, {key: labels[lang] for key, labels in self.words[section].items()},
                      plural_rule(self, lang))

    def formatter(self, lang: str) -> Formatter:
        """How `lang` writes numbers, shares and dates, made once per language."""
        if lang not in self._formatters:
            from .formatting import Formatter

            self._formatters[lang] = Formatter.of(self, lang)
        return self._formatters[lang]

    def check_text(self, code: str, lang: str, part: str = "message") -> str | None:
        """A check's message template or documentation in `lang` (None if it has none)."""
        entry = self.check_texts.get(lang, {}).get(code)
        return entry.get(part) if isinstance(entry, Mapping) else None

    def check_language(self, lang: str) -> str:
        if lang not in self.languages:
            raise DefinitionError(
                f"unknown language {lang!r}; choose one of {', '.join(self.languages)}"
            )
        return lang


class _Words(dict):
    """An output's words: a word missing from a (custom) definition is named, not a KeyError;
    each a Template, whose `format` makes its "(s)" agree with the counts it is given."""

    def __init__(self, section: str, words: dict[str, str], rule: str = "not_one") -> None:
        from .formatting import Template

        super().__init__({key: Template(text, rule) if isinstance(text, str) else text
                          for key, text in words.items()})
        self.section = section

    def __missing__(self, key: str) -> str:
        raise DefinitionError(f"no words.{self.section}.{key} in the template definition")


def _labels(raw: Any, where: str, languages: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{where}: expected labels per language, got {raw!r}")
    stray = [str(k) for k in raw if k not in languages]
    if stray:  # an unquoted "{fr: a, b}" in YAML makes "b" a key and cuts the text at the comma
        raise DefinitionError(f"{where}: {', '.join(stray)} is not a language "
                              f"({', '.join(languages)}); quote texts that hold a comma")
    missing = [lang for lang in languages if lang not in raw or raw[lang] in (None, "")]
    if missing:
        raise DefinitionError(f"{where}: no text for language(s) {', '.join(missing)}")
    return {lang: str(raw[lang]) for lang in languages}


def _column(raw: Mapping[str, Any], where: str, langs: tuple[str, ...], lists: Mapping) -> Column:
    unknown = set(raw) - {f.name for f in Column.__dataclass_fields__.values()}
    if unknown:
        raise DefinitionError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if raw.get("type") not in COLUMN_TYPES:
        raise DefinitionError(f"{where}: type must be one of {sorted(COLUMN_TYPES)}")
    if raw.get("list") is not None and raw["list"] not in lists:
        raise DefinitionError(f"{where}: list {raw['list']!r} is not defined under lists")
    if raw["type"] == "formula" and not raw.get("formula"):
        raise DefinitionError(f"{where}: a formula column needs a formula")
    if raw["type"] == "list" and not raw.get("list"):
        raise DefinitionError(f"{where}: a list column needs a list")
    return Column(
        **{
            **raw,
            "labels": _labels(raw.get("labels"), f"{where}.labels", langs),
            "help": _labels(raw.get("help"), f"{where}.help", langs),
            "aliases": tuple(raw.get("aliases", ())),
        }
    )


def _axis(raw: Any, where: str, lists: Mapping) -> Axis:
    if not isinstance(raw, Mapping) or set(raw) != {"list", "slots"}:
        raise DefinitionError(f"{where}: expected {{list: <list key>, slots: <number>}}")
    if raw["list"] not in lists:
        raise DefinitionError(f"{where}: list {raw['list']!r} is not defined under lists")
    if not isinstance(raw["slots"], int) or raw["slots"] < 1:
        raise DefinitionError(f"{where}: slots must be a whole number, 1 or more")
    return Axis(list=raw["list"], slots=raw["slots"])


def _words(raw: Any, source: str, langs: tuple[str, ...]) -> dict[str, dict[str, dict[str, str]]]:
    """`words`: per output (section), per key, a text in every language."""
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{source}: words: expected one table per output, got {raw!r}")
    words = {}
    for section, entries in raw.items():
        if not isinstance(entries, Mapping):
            raise DefinitionError(f"{source}: words.{section}: expected a table of words "
                                  f"(key: text per language), got {entries!r}")
        words[str(section)] = {
            str(key): _labels(labels, f"{source}: words.{section}.{key}", langs)
            for key, labels in entries.items()
        }
    return words


def _setting_table(raw: Mapping[str, Any], source: str, langs: tuple[str, ...],
                   lists: Mapping[str, ListDef]) -> SettingTable:
    where = f"{source}: setting_tables.{raw.get('key')}"
    if raw.get("rows") not in lists:
        raise DefinitionError(f"{where}: rows must name a list defined under lists")
    columns = tuple(
        TableColumn(key=str(c["key"]), min=c.get("min"), whole=bool(c.get("whole", False)),
                    labels=_labels(c.get("labels"), f"{where}.columns.{c['key']}", langs),
                    help=_labels(c.get("help"), f"{where}.columns.{c['key']}.help", langs))
        for c in raw["columns"]
    )
    keys = {c.key for c in columns}
    defaults = {str(k): dict(v or {}) for k, v in (raw.get("defaults") or {}).items()}
    for row, values in defaults.items():
        if set(values) - keys:
            raise DefinitionError(f"{where}.defaults.{row}: unknown column(s) "
                                  f"{', '.join(sorted(set(values) - keys))}")
    return SettingTable(key=str(raw["key"]), rows=raw["rows"],
                        labels=_labels(raw.get("labels"), f"{where}.title", langs),
                        help=_labels(raw.get("help"), f"{where}.help", langs),
                        row_labels=_labels(raw.get("row_labels"), f"{where}.row", langs),
                        columns=columns, defaults=defaults)


def parse(data: Mapping[str, Any], source: str = "definition") -> Definition:
    """Validate a definition loaded from YAML; every error names the faulty place."""
    try:
        langs = tuple(data["languages"])
        lists: dict[str, ListDef] = {}
        for key, raw in data["lists"].items():
            for v in raw["values"]:
                unknown = set(v) - {"key", "colour", "hue", *langs, *VALUE_ATTRS}
                if unknown:
                    raise DefinitionError(f"{source}: lists.{key}.{v.get('key')}: unknown "
                                          f"field(s) {', '.join(sorted(map(str, unknown)))}")
            values = tuple(
                ListValue(
                    key=str(v["key"]),
                    labels=_labels({k: t for k, t in v.items() if k in langs},
                                   f"{source}: lists.{key}.{v.get('key')}", langs),
                    colour=v.get("colour"),
                    hue=v.get("hue"),
                    attrs={k: a for k, a in v.items()
                           if k not in {"key", "colour", "hue", *langs}},
                )
                for v in raw["values"]
            )
            lists[key] = ListDef(
                key=key,
                labels=_labels(raw["labels"], f"{source}: lists.{key}.labels", langs),
                values=values,
                editable=bool(raw.get("editable", False)),
                numeric=bool(raw.get("numeric", False)),
                computed=bool(raw.get("computed", False)),
            )
        settings = tuple(
            Setting(
                key=s["key"],
                default=s["default"],
                labels=_labels(s["labels"], f"{source}: settings.{s['key']}.labels", langs),
                help=_labels(s["help"], f"{source}: settings.{s['key']}.help", langs),
                unit=s.get("unit"),
            )
            for s in data["settings"]
        )
        tabs = []
        for raw_tab in data["tabs"]:
            key = raw_tab["key"]
            if raw_tab.get("kind") not in TAB_KINDS:
                raise DefinitionError(f"{source}: tabs.{key}: kind must be one of {TAB_KINDS}")
            columns: tuple[Column, ...] = ()
            if raw_tab["kind"] == "table":
                columns = tuple(
                    _column(c, f"{source}: tabs.{key}.columns.{c.get('key')}", langs, lists)
                    for c in raw_tab["columns"]
                )
                seen = [c.key for c in columns]
                if len(seen) != len(set(seen)):
                    raise DefinitionError(f"{source}: tabs.{key}: duplicate column keys")
            axes = {}
            if raw_tab["kind"] in MAP_KINDS:
                for name in ("across", "down"):
                    axes[name] = _axis(raw_tab.get(name), f"{source}: tabs.{key}.{name}", lists)
            rows: dict[str, Any] = {}
            if raw_tab["kind"] == "table":
                keys = {c.key for c in columns}
                for name in ("identity", "fallback"):
                    rows[name] = tuple(raw_tab.get(name) or ())
                    strange = [k for k in rows[name] if k not in keys]
                    if strange:
                        raise DefinitionError(f"{source}: tabs.{key}.{name}: no column "
                                              f"{', '.join(strange)}")
                rows["record"] = str(raw_tab.get("record") or "".join(
                    part.title() for part in key.split("_")))
            texts = {
                k: v
                for k, v in raw_tab.items()
                if k not in {"key", "kind", "labels", "aliases", "columns", "across", "down",
                             "record", "identity", "fallback"}
            }
            tabs.append(
                Tab(
                    key=key,
                    kind=raw_tab["kind"],
                    labels=_labels(raw_tab["labels"], f"{source}: tabs.{key}.labels", langs),
                    aliases=tuple(raw_tab.get("aliases", ())),
                    columns=columns,
                    texts=texts,
                    **axes,
                    **rows,
                )
            )
        definition = Definition(
            version=int(data["version"]),
            languages=langs,
            default_language=data["default_language"],
            data_rows=int(data["data_rows"]),
            list_capacity=int(data["list_capacity"]),
            colours=dict(data["colours"]),
            lists=lists,
            settings=settings,
            tabs=tuple(tabs),
            report_tabs={
                key: _labels(raw, f"{source}: report_tabs.{key}", langs)
                for key, raw in data.get("report_tabs", {}).items()
            },
            report_text={
                key: _labels(raw, f"{source}: report_text.{key}", langs)
                for key, raw in (data.get("report_text") or {}).items()
            },
            words=_words(data.get("words") or {}, source, langs),
            check_texts=dict(data.get("check_texts") or {}),
            formats=dict(data.get("formats") or {}),
            setting_tables=tuple(_setting_table(raw, source, langs, lists)
                                 for raw in data.get("setting_tables") or ()),
        )
    except DefinitionError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DefinitionError(f"{source}: malformed definition ({exc!r})") from exc
    for lang in definition.languages:
        names = [normalise(t.labels[lang]) for t in definition.tabs]
        if len(names) != len(set(names)):
            raise DefinitionError(f"{source}: two tabs share a name in {lang}")
        for tab in definition.tabs:
            if len(tab.labels[lang]) > 31:
                raise DefinitionError(f"{source}: tab name {tab.labels[lang]!r} is over 31 characters")
    return definition


def load_definition(path: str | Path | None = None) -> Definition:
    """Load a definition file (the bundled one by default); cached per path."""
    return _load(str(Path(path or template_path()).resolve()))


@cache
def _load(path: str) -> Definition:
    files = language_files(Path(path).parent)
    cache = _cache_file([Path(path), *files.values()])
    data = _cached(cache)
    if data is None:
        data = _fold(path, files)
        _keep(cache, data)
    return parse(data, source=path)


def _fold(path: str, files: Mapping[str, Path]) -> dict[str, Any]:
    """The structure and the language files read (YAML) and folded into one mapping."""
    from .languages import LanguageError, fold

    structure = _read_yaml(Path(path))
    default = structure.get("default_language") if isinstance(structure, Mapping) else None
    ordered = sorted(files, key=lambda code: (code != default, code))
    trees = {code: _read_yaml(files[code]) for code in ordered}
    try:
        return fold(structure, trees, {code: str(files[code]) for code in ordered})
    except LanguageError as exc:
        raise DefinitionError(str(exc)) from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise DefinitionError(f"{path}: malformed definition ({exc!r})") from exc


# The code that folds the YAML files: the cache file is named by it too.
_FOLDING_CODE = (Path(__file__).resolve().parent / "languages.py", Path(__file__).resolve())
CACHE_KEEP = disk_cache.KEEP


def _cache_file(sources: list[Path]) -> Path | None:
    return disk_cache.named("definition", ".json", sources, _FOLDING_CODE)


def _cached(cache: Path | None) -> dict[str, Any] | None:
    text = disk_cache.read(cache)
    if text is None:
        return None
    import json

    try:
        return json.loads(text)
    except ValueError:
        return None


def _keep(cache: Path | None, data: dict[str, Any]) -> None:
    import json

    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return
    disk_cache.keep(cache, text)


def _read_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{path}: cannot load the template definition ({exc})") from exc
