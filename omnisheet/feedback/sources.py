"""Responses files made ready for DuckDB: found (a folder is every such file in it),
recognised by their content (a CSV in UTF-8, UTF-8 with a BOM, UTF-16 or Windows-1252 as
French Excel writes it; Parquet; an .xlsx or .ods export), their columns named, their
dates' format found. Nothing here reads a file whole but the Windows-1252 ones, copied
to UTF-8, and workbooks, read with python-calamine and handed to DuckDB as a frame."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .columns import find_columns
from .errors import FeedbackInputError
from .memory import memory_limit, out_of_memory
from .vocabulary import Vocabulary

SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".parquet", ".pq", ".xlsx", ".xlsm", ".ods"}
SAMPLE_BYTES = 1 << 16
DATE_SAMPLE = 5000
CHUNK = 1 << 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"7z\xbc\xaf",
           b"Rar!", b"BZh", b"\x00\x00\x00")


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_name(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass
class Source:
    """One responses file, ready to be scanned: `relation` is what DuckDB reads it as,
    `date_sql` how a response's moment is read from it."""

    path: Path
    format: str
    columns: dict[str, str] = field(default_factory=dict)
    score_kind: str | None = None
    relation: str = ""
    sample_relation: str = ""
    date_sql: str = "CAST(NULL AS TIMESTAMP)"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    headers: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)
    day_first_assumed: bool = False
    # A survey tool's own header rows under the first (Qualtrics' question texts and
    # ImportIds, SurveyMonkey's "Response"): not responses. `questions` maps a header
    # (Qualtrics' "Q1") to the question its second row says.
    layout: str | None = None
    questions: Mapping[str, str] = field(default_factory=dict)
    # The zone a naive timestamp of the file is in, when the file says it ("UTC" for
    # Typeform's "Submit Date (UTC)", Qualtrics' ImportId timeZone); else the plan's.
    zone: str | None = None
    # SQL giving why a row is no response (a Qualtrics preview, spam, unfinished) or NULL.
    excluded_sql: str = "CAST(NULL AS VARCHAR)"
    # The question of a file with several (one Source each): 0 for the first.
    part: int = 0
    # The Surveys tab's row whose columns this Source reads, when one names them.
    survey_row: Any = None

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def stem(self) -> str:
        return self.path.stem


def read_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files `discover` would read, for the output rule (an empty folder or a missing
    file is left for the reading itself to name)."""
    found: list[Path] = []
    for given in paths:
        try:
            found.extend(discover([given]))
        except FeedbackInputError:
            continue
    return found


def unfit(paths: Sequence[str | Path]) -> list[Path]:
    """The entries of the folders given that look like responses files but are no
    regular file once links are followed (a FIFO, a link to /dev/zero, a link loop): never
    opened, each said in a line of its own while the others are read."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            continue
        for entry in sorted(path.iterdir()):
            if entry.suffix.lower() in SUFFIXES and not entry.name.startswith((".", "~$")) \
                    and not entry.is_file() and not entry.is_dir():
                found.append(entry)
    return found


def discover(paths: Sequence[str | Path]) -> list[Path]:
    """The files to read: each file given, and every responses file of each folder given
    (sorted; hidden files and Excel's ~$ lock files left out)."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in SUFFIXES
                            and not p.name.startswith((".", "~$")))
            if not inside:
                raise FeedbackInputError("empty_folder", file=str(path))
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise FeedbackInputError("not_found", file=str(path))
    return list(dict.fromkeys(found))


def prepare(path: Path, con: Any, vocabulary: Vocabulary, overrides: Mapping[str, str],
            scratch: Path, index: int, mapped: Sequence[tuple[Mapping[str, str], Any]] = ()
            ) -> list[Source]:
    """A file recognised by its first bytes, its columns found, its dates understood: one
    Source per question it answers (a CSAT and an NPS in one export are two). `mapped`:
    the columns the plan's Surveys tab names for this file's survey, one mapping a row."""
    return with_columns(open_source(path, con, vocabulary, overrides, scratch, index),
                        con, vocabulary, overrides, mapped)


def open_source(path: Path, con: Any, vocabulary: Vocabulary, overrides: Mapping[str, str],
                scratch: Path, index: int) -> Source:
    """A file recognised by its first bytes and made a relation DuckDB reads."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(b"PAR1"):
        return _parquet(path, con)
    if head.startswith(b"PK\x03\x04"):
        return _workbook(path, con, vocabulary, overrides, index)
    if head.startswith(_OLE):
        raise FeedbackInputError("old_format", file=str(path))
    return _csv(path, head, con, scratch, index)


def with_columns(source: Source, con: Any, vocabulary: Vocabulary,
                 overrides: Mapping[str, str],
                 mapped: Sequence[tuple[Mapping[str, str], Any]] = ()) -> list[Source]:
    """The file's columns found, one Source per score column (a question): per row of
    the Surveys tab that names this file's columns (`mapped`: its columns and the row),
    else by the headers."""
    parts = column_parts(source, vocabulary, overrides, mapped)
    for made in parts:
        made.date_sql = moment_sql(made, con)
    return parts


def column_parts(source: Source, vocabulary: Vocabulary, overrides: Mapping[str, str],
                 mapped: Sequence[tuple[Mapping[str, str], Any]] = ()) -> list[Source]:
    """`with_columns` before any reading: the Sources a file's (or a table's) headers and
    the Surveys tab give, each with its columns, kind of score and Surveys row."""
    found: list[tuple[dict[str, str], str | None, Any]] = []
    for given, row in [m for m in mapped if m[0]] or [({}, None)]:
        wanted = {**given, **overrides}  # --column wins over the Surveys tab
        columns, kind, more = find_columns(source.name, source.headers, vocabulary,
                                           wanted, source.questions)
        found.append((columns, kind, row))
        found.extend((c, k, None) for c, k in more)
    parts = []
    for part, (columns, kind, row) in enumerate(found):
        for role in ("score", "date"):
            if role not in columns:
                raise FeedbackInputError(f"no_{role}", file=source.name,
                                         columns=_listed(source.headers))
        parts.append(replace(source, columns=columns, score_kind=kind, part=part,
                             survey_row=row))
    return parts


def _listed(headers: Sequence[str], count: int = 12) -> str:
    return " | ".join(headers[:count]) + (" | …" if len(headers) > count else "")


# --- CSV ----------------------------------------------------------------------------------


def _encoding(path: Path, head: bytes) -> str:
    """utf-8, utf-16 or cp1252, from the BOM or from what the first bytes decode as."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        raise FeedbackInputError("not_a_table", file=str(path))
    if head.startswith(_BINARY):
        raise FeedbackInputError("not_a_table", file=str(path))
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the sample's end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        raise FeedbackInputError("encoding", file=str(path)) from None


def transcode(path: Path, encoding: str, target: Path) -> Path:
    """A UTF-8 copy of a file in another encoding, streamed; a byte the encoding does not
    have is one line, not a file read wrong."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as source, open(target, "w", encoding="utf-8",
                                               newline="") as out:
            while chunk := source.read(CHUNK):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise FeedbackInputError("encoding", file=str(path)) from None
    return target


def _csv(path: Path, head: bytes, con: Any, scratch: Path, index: int) -> Source:
    encoding = _encoding(path, head)
    text_start = head.lstrip(codecs.BOM_UTF8).lstrip()[:1]
    if encoding.startswith("utf-8") and text_start == b"<":
        raise FeedbackInputError("not_a_table", file=str(path))  # a web page
    read_path = path
    if encoding != "utf-8":
        read_path = transcode(path, encoding, scratch / f"responses-{index}.csv")
    hint = _separator_hint(read_path)  # Excel's "sep=;" first line
    told = f", skip=1, delim={sql_string(hint)}" if hint else ""
    try:
        sniffed = con.execute(
            "SELECT Delimiter, Quote, Escape, SkipRows, HasHeader, Columns "
            f"FROM sniff_csv({sql_string(str(read_path))}, sample_size=5000, header=true, "
            f"ignore_errors=true, null_padding=true{told})").fetchall()[0]
    except Exception as exc:  # duckdb's own errors: the file is no table it can split
        if out_of_memory(exc):
            raise FeedbackInputError("memory", file=str(path), limit=memory_limit()) from None
        if "unicode" in str(exc).lower() and encoding == "utf-8":
            # UTF-8 at first, Windows-1252 further on: Excel's CSV with a late accent
            copy = transcode(path, "cp1252", scratch / f"responses-{index}.csv")
            source = _csv(copy, b"", con, scratch, index + 100_000)
            source.path, source.encoding = path, "cp1252"
            return source
        raise FeedbackInputError("not_a_table", file=str(path)) from None
    delimiter, quote, escape, skip, _, columns = sniffed
    if hint:
        delimiter, skip = hint, max(1, int(skip or 0))
    # "(empty)": none in the sample; a quote further on is still one (RFC 4180)
    quote = '"' if quote in (None, "", "(empty)") else quote
    escape = quote if escape in (None, "", "(empty)") else escape
    headers = tuple(c["name"] for c in columns or ())
    # The sniffer pads a sample's longest line with columns of its own ("column5"): the
    # header says how many there are, and a line with more is counted as malformed.
    first = _first_records(read_path, delimiter, quote, int(skip or 0))
    headers = headers[:len(first[0]) if first else None]
    if len(headers) < 2 and encoding.startswith("utf-8") and text_start in (b"{", b"["):
        raise FeedbackInputError("not_a_table", file=str(path))  # JSON, not a CSV whose
        # first header happens to start with "{" (judged by its content, not its first byte)
    types = "{" + ", ".join(f"{sql_string(h)}: 'VARCHAR'" for h in headers) + "}"
    common = (f"{sql_string(str(read_path))}, auto_detect=false, header=true, "
              f"delim={sql_string(delimiter)}, quote={sql_string(quote)}, "
              f"escape={sql_string(escape)}, skip={int(skip or 0)}, columns={types}, "
              "null_padding=true, parallel=false, ignore_errors=true")
    layout, extra, questions, zone = recognise_layout(list(headers), first[1:])
    relation, sample = f"read_csv({common}, store_rejects=true)", f"read_csv({common})"
    if extra:
        keep = _not_rows(headers, extra)
        relation = f"(SELECT * FROM {relation} WHERE {keep})"
        sample = f"(SELECT * FROM {sample} WHERE {keep})"
    return Source(
        path=path, format="csv", headers=headers, relation=relation, sample_relation=sample,
        encoding={"utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding),
        delimiter=delimiter, types={h: "VARCHAR" for h in headers}, layout=layout,
        questions=questions, zone=zone, excluded_sql=_excluded_sql(layout, headers))


def _separator_hint(path: Path) -> str | None:
    """The separator Excel's first line "sep=;" names, if the file starts with one."""
    with open(path, "rb") as handle:
        line = handle.read(64).lstrip(codecs.BOM_UTF8).split(b"\n", 1)[0].strip()
    found = re.match(rb"^sep=(.)$", line, re.IGNORECASE)
    return found.group(1).decode("latin-1") if found else None


def _first_records(path: Path, delimiter: str, quote: str, skip: int, count: int = 3
                   ) -> list[list[str]]:
    """The file's first records as a CSV reader splits them (a quoted line break kept)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        head = handle.read(SAMPLE_BYTES)
    lines = head.splitlines(keepends=True)[skip:]
    records: list[list[str]] = []
    try:
        for record in csv.reader(lines, delimiter=delimiter, quotechar=quote or '"'):
            records.append(record)
            if len(records) == count:
                break
    except csv.Error:
        pass
    return records


# --- survey tools' layouts ------------------------------------------------------------------

#: What SurveyMonkey's second header row says over each answer column.
_MONKEY = {"response", "open ended response", "other please specify", "reponse",
           "reponse ouverte"}
#: A Qualtrics Status that is no customer's answer (codes, or the choice-text export's words).
_QUALTRICS_NOT_ANSWERS = ("1", "2", "8", "9", "12", "17", "survey preview", "survey test",
                          "spam", "preview spam", "imported spam", "offline preview")


def recognise_layout(headers: list[str], following: list[list[str]]
                     ) -> tuple[str | None, list[list[str]], dict[str, str], str | None]:
    """(layout, the header rows under the first, {header: question}, the zone its dates
    are in) for an export whose tool writes more than one header row: Qualtrics (IDs,
    question texts, {"ImportId": …}), SurveyMonkey (questions, then "Response")."""
    from ..template.text import normalise

    if len(following) >= 2 and any(str(c).strip().startswith('{"ImportId"')
                                   for c in following[1]):
        questions = {h: str(q).strip() for h, q in zip(headers, following[0], strict=False)
                     if str(q).strip() and normalise(q) != normalise(h)}
        zone = None
        for cell in following[1]:
            try:
                said = json.loads(cell)
            except (ValueError, TypeError):
                continue
            if isinstance(said, dict) and isinstance(said.get("timeZone"), str):
                zone = said["timeZone"]
                break
        return "qualtrics", following[:2], questions, zone
    if following:
        said = {normalise(c) for c in following[0] if str(c).strip()}
        if said and said <= _MONKEY | {""} or (
                said & {"response", "open ended response"} and not any(
                    _NUMERIC.match(str(c).strip()) or _ISO.match(str(c).strip())
                    for c in following[0])):
            return "surveymonkey", following[:1], {}, None
    return None, [], {}, None


def _not_rows(headers: Sequence[str], rows: list[list[str]]) -> str:
    """SQL keeping every row but these (a survey tool's extra header rows)."""
    clauses = []
    for row in rows:
        cells = [f"coalesce(CAST({sql_name(h)} AS VARCHAR), '') = "
                 f"{sql_string(str(row[i]) if i < len(row) else '')}"
                 for i, h in enumerate(headers)]
        clauses.append("NOT (" + " AND ".join(cells or ["false"]) + ")")
    return " AND ".join(clauses)


def _excluded_sql(layout: str | None, headers: Sequence[str]) -> str:
    """Why a Qualtrics row is no customer's answer: a preview, a test or spam (Status),
    or a response left unfinished (Finished = False)."""
    if layout != "qualtrics":
        return "CAST(NULL AS VARCHAR)"
    named = {h.strip().lower(): h for h in headers}
    cases = []
    if "finished" in named:
        cases.append(f"WHEN lower(trim(CAST({sql_name(named['finished'])} AS VARCHAR))) "
                     "IN ('false', '0', 'faux') THEN 'unfinished'")
    if "status" in named:
        listed = ", ".join(sql_string(v) for v in _QUALTRICS_NOT_ANSWERS)
        cases.append(f"WHEN lower(trim(CAST({sql_name(named['status'])} AS VARCHAR))) "
                     f"IN ({listed}) THEN 'preview_or_spam'")
    if not cases:
        return "CAST(NULL AS VARCHAR)"
    return "CASE " + " ".join(cases) + " END"


# --- Parquet --------------------------------------------------------------------------------


def _parquet(path: Path, con: Any) -> Source:
    relation = f"read_parquet({sql_string(str(path))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except Exception:
        raise FeedbackInputError("not_a_table", file=str(path)) from None
    types = {row[0]: str(row[1]) for row in described}
    return Source(path=path, format="parquet", headers=tuple(types), relation=relation,
                  sample_relation=relation, types=types)


# --- workbooks --------------------------------------------------------------------------------


def _workbook(path: Path, con: Any, vocabulary: Vocabulary, overrides: Mapping[str, str],
              index: int) -> Source:
    """The first sheet whose first filled row names a score column, as a frame of text."""
    from ..read import grid
    from ..read.safety import Limits, vet
    from ..template.errors import UnreadableWorkbook

    try:
        kind = vet(path, Limits())
    except UnreadableWorkbook:
        raise FeedbackInputError("not_a_table", file=str(path)) from None
    sheets = grid.read_values(path, max_cells=Limits().max_cells, kind=kind)
    first_error: FeedbackInputError | None = None
    for name, rows in sheets.items():
        top = next((i for i, row in enumerate(rows) if any(v is not None for v in row)), None)
        if top is None:
            continue
        headers = _unique([_header(v, i) for i, v in enumerate(rows[top])])
        following = [[_text(v) or "" for v in row] for row in rows[top + 1:top + 3]]
        layout, extra, questions, zone = recognise_layout(headers, following)
        try:
            columns, score_kind, _ = find_columns(str(path), headers, vocabulary, overrides,
                                                  questions)
        except FeedbackInputError as error:
            first_error = first_error or error
            continue
        if "score" not in columns:
            continue
        view = f"workbook_{index}"
        con.register(view, _frame(headers, rows[top + 1 + len(extra):]))
        return Source(path=path, format=kind, headers=tuple(headers), columns=columns,
                      score_kind=score_kind, relation=view, sample_relation=view, sheet=name,
                      types={h: "VARCHAR" for h in headers}, layout=layout,
                      questions=questions, zone=zone,
                      excluded_sql=_excluded_sql(layout, headers))
    if first_error is not None:
        raise first_error
    raise FeedbackInputError("no_score", file=str(path))


def _header(value: object, index: int) -> str:
    text = "" if value is None else str(value).strip()
    return text or f"column{index + 1}"


def _unique(headers: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for header in headers:
        seen[header] += 1
        out.append(header if seen[header] == 1 else f"{header}_{seen[header]}")
    return out


def _text(value: object) -> str | None:
    """A cell as the text a CSV export would hold: dates in ISO form, whole numbers bare."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _frame(headers: list[str], rows: list[list[object]]) -> Any:
    import pandas as pd

    width = len(headers)
    data = {h: [_text(row[i]) if i < len(row) else None for row in rows]
            for i, h in enumerate(headers)}
    frame = pd.DataFrame(data, columns=headers, dtype=object)
    return frame if width else pd.DataFrame()


# --- dates ------------------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*"
                  r"(?:Z|[+-]\d{2}(?::?\d{2})?|UTC)?)?$")
_NUMERIC = re.compile(r"^(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4})"
                      r"(?:(,? |T)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?"
                      r"(\s*(?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)?$")
#: Where the plan's time zone goes in a date's SQL, once the plan is read.
PLAN_ZONE = "getvariable('plan_zone')"
_AWARE_SQL = r"(Z|[+-]\d{2}(:?\d{2})?|UTC)$"
_SUFFIX_SQL = r"\s*(UTC|GMT)\s*([+-]\d{1,2}(:?\d{2})?)?$"


def in_plan_zone(utc_or_local: str, zone: str | None) -> str:
    """A naive timestamp in `zone` (None: already the plan's) as the plan's local time."""
    if zone is None:
        return utc_or_local
    return f"timezone({PLAN_ZONE}, timezone({sql_string(zone)}, {utc_or_local}))"


def moment_sql(source: Source, con: Any) -> str:
    """How this file's dates are read in SQL, as the plan's local time: a typed column as
    it is; ISO text cast (an offset or Z moved to the plan's zone); 31/12/2026 or
    12/31/2026 by formats found on a sample, day or month first as its values say (a
    whole-column look when the sample cannot tell); Google Forms' "2026/07/29 3:08:24 PM
    UTC+2" by its offset. A header that says "(UTC)" (Typeform, Trustpilot) is UTC."""
    header = source.columns["date"]
    column = sql_name(header)
    zone = source.zone
    if zone is None and re.search(r"\butc\b|\bgmt\b", header, re.IGNORECASE):
        zone = "UTC"
    kind = source.types.get(header, "VARCHAR").upper()
    if kind.startswith("TIMESTAMP WITH TIME ZONE") or kind == "TIMESTAMPTZ":
        return f"timezone({PLAN_ZONE}, {column})"
    if kind.startswith(("TIMESTAMP", "DATE")):
        return in_plan_zone(f"CAST({column} AS TIMESTAMP)", zone)
    raw = f"CAST({column} AS VARCHAR)"
    text = f"trim({raw})"
    sample = [row[0] for row in con.execute(
        f"SELECT CAST({column} AS VARCHAR) FROM {source.sample_relation} "
        f"WHERE {column} IS NOT NULL LIMIT {DATE_SAMPLE}").fetchall()]
    values = [v.strip() for v in sample if v and v.strip()]
    iso = sum(bool(_ISO.match(v)) for v in values)
    numeric = [m for v in values if (m := _NUMERIC.match(v))]
    if not numeric or iso >= len(numeric):
        naive = in_plan_zone(f"try_cast({raw} AS TIMESTAMP)", zone)
        if not any(re.search(r"(Z|[+-]\d{2}(:?\d{2})?|UTC)$", v) for v in values):
            return naive  # the cast itself ignores spaces around
        aware = f"timezone({PLAN_ZONE}, try_cast(regexp_replace({text}, ' ?UTC$', 'Z') AS TIMESTAMPTZ))"
        return f"CASE WHEN regexp_matches({text}, {sql_string(_AWARE_SQL)}) THEN {aware} ELSE {naive} END"
    formats = _formats(numeric, source, con, column)
    listed = "[" + ", ".join(sql_string(f) for f in formats) + "]"
    if not any(m.group(10) for m in numeric):
        return in_plan_zone(
            f"coalesce(try_strptime({text}, {listed}), try_cast({text} AS TIMESTAMP))", zone)
    # Google Forms' own CSV: "2026/07/29 3:08:24 PM UTC+2": the time there, then its offset
    bare = f"regexp_replace({text}, {sql_string(_SUFFIX_SQL)}, '')"
    offset = f"regexp_extract({text}, {sql_string(_SUFFIX_SQL)}, 2)"
    minutes = (f"(CASE WHEN {offset} = '' THEN 0 ELSE "
               f"(CASE WHEN left({offset}, 1) = '-' THEN -1 ELSE 1 END) * "
               f"(try_cast(regexp_extract({offset}, '^[+-](\\d{{1,2}})', 1) AS INT) * 60 + "
               f"coalesce(try_cast(nullif(regexp_extract({offset}, "
               f"'^[+-]\\d{{1,2}}:?(\\d{{2}})$', 1), '') AS INT), 0)) END)")
    utc = (f"(coalesce(try_strptime({bare}, {listed}), try_cast({bare} AS TIMESTAMP)) "
           f"- to_minutes({minutes}))")
    local = in_plan_zone(f"coalesce(try_strptime({text}, {listed}), try_cast({text} AS TIMESTAMP))", zone)
    return (f"CASE WHEN regexp_matches({text}, {sql_string(_SUFFIX_SQL)}) "
            f"THEN {in_plan_zone(utc, 'UTC')} ELSE {local} END")


def _formats(found: list[re.Match[str]], source: Source, con: Any, column: str) -> list[str]:
    year_first = sum(len(m.group(1)) == 4 for m in found) > len(found) / 2
    separator = Counter(m.group(2) for m in found).most_common(1)[0][0]
    year = "%Y" if Counter(len(m.group(4)) for m in found).most_common(1)[0][0] == 4 else "%y"
    if year_first:
        date = f"%Y{separator}%m{separator}%d"
    else:
        day_first = _day_first(found, source, con, column, separator)
        parts = ("%d", "%m") if day_first else ("%m", "%d")
        date = f"{parts[0]}{separator}{parts[1]}{separator}{year}"
    joins = [j for j, _ in Counter(m.group(5) for m in found if m.group(5)).most_common()]
    formats = []
    for join in joins or [" "]:
        for time in ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p"):
            formats.append(f"{date}{join}{time}")
    formats.append(date)
    return formats


def _day_first(found: list[re.Match[str]], source: Source, con: Any, column: str,
               separator: str) -> bool:
    """Whether 03/04 is the 3rd of April: some value's first number over 12 says so, its
    second over 12 says the contrary; when none of the sample does, the whole column is
    looked at, and failing that day first is assumed and said."""
    firsts = [int(m.group(1)) for m in found]
    seconds = [int(m.group(3)) for m in found]
    if max(firsts) > 12 or max(seconds) > 12:
        return max(firsts) > 12 and sum(f > 12 for f in firsts) >= sum(s > 12 for s in seconds)
    sep = re.escape(separator)
    first, second = con.execute(
        f"SELECT max(try_cast(regexp_extract({column}, '^\\s*(\\d{{1,2}}){sep}', 1) AS INT)), "
        f"max(try_cast(regexp_extract({column}, '^\\s*\\d{{1,2}}{sep}(\\d{{1,2}})', 1) AS INT)) "
        f"FROM {source.sample_relation}").fetchall()[0]
    if (first or 0) > 12:
        return True
    if (second or 0) > 12:
        return False
    source.day_first_assumed = True
    return True
