"""Raw cells of a workbook: values from python-calamine (fast, xlsx and ods alike), fills
from openpyxl only for the few cells where a painted colour is the data.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..plan.model import Scalar, column_letter, column_number
from ..template.errors import UnreadableWorkbook, refusal
from ..template.formatting import Phrase

Grid = list[list[Scalar]]


def _cell(value: object) -> Scalar:
    """Calamine's value as omnisheet keeps it: integral floats as ints, empty text as None."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool | int | dt.date | dt.datetime | dt.time):
        return value  # type: ignore[return-value]
    if isinstance(value, dt.timedelta):
        return str(value)
    return None if value is None else str(value)


def read_values(path: Path, max_cells: int | None = None, kind: str | None = None,
                data: bytes | None = None) -> dict[str, Grid]:
    """Every sheet's values, from A1, as lists of rows (calamine returns cached formula values).

    The workbook is opened by its content (``kind``: "xlsx", "xlsm" or "ods", as
    :func:`omnisheet.safety.vet` names it; found from the zip when not given), whatever its
    name ends with: calamine would otherwise pick its parser from the extension and fail on
    an .ods named .xlsx. When calamine cannot read it as it is, a mended copy is tried
    (:mod:`omnisheet.repair`: an Excel 4 macro sheet skipped, pretty-printed ODS, UTF-16
    parts...); when that fails too, the user gets one sentence naming what is wrong, never
    calamine's own message. With ``data`` (the file's bytes, read once by the reader),
    every look at the file is at those bytes: a file saved again meanwhile cannot give
    one reader one version and the next another.
    """
    from python_calamine import CalamineWorkbook

    from . import repair

    path = Path(path)

    def source() -> Any:
        return io.BytesIO(data) if data is not None else path

    kind = kind or _kind_of(source())
    try:
        return _read_sheets(lambda: _open_by_content(path, kind, data), path, max_cells)
    except _Unreadable as failure:
        first = failure
    mended = repair.mended_copy(source(), kind)
    if mended is not None:
        try:
            return _read_sheets(lambda: CalamineWorkbook.from_filelike(mended), path, max_cells)
        except _Unreadable:
            pass
    raise UnreadableWorkbook(path, repair.damage(source(), kind)
                             or _could_not_read(first.sheet))


class _Unreadable(Exception):
    """calamine failed on the workbook (sheet None) or on one of its sheets."""

    def __init__(self, sheet: str | None) -> None:
        super().__init__(sheet)
        self.sheet = sheet


def _kind_of(path: Any) -> str:
    """The kind of a zip workbook: ods when it has a mimetype entry, else xlsx."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "ods" if "mimetype" in archive.namelist() else "xlsx"
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return "xlsx"  # let calamine say it cannot read it


_SUFFIXES = {"xlsx": (".xlsx", ".xlsm"), "xlsm": (".xlsx", ".xlsm"), "ods": (".ods",)}


def _open_by_content(path: Path, kind: str, data: bytes | None = None) -> Any:
    """calamine's workbook, from the bytes already read when there are some, else from
    the file when its name says what it is (streamed from disk), else from its bytes,
    which calamine recognises by their content."""
    from python_calamine import CalamineWorkbook

    if data is not None:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    if path.suffix.lower() in _SUFFIXES.get(kind, ()):
        return CalamineWorkbook.from_path(str(path))
    with open(path, "rb") as f:
        return CalamineWorkbook.from_filelike(f)


def _read_sheets(open_workbook: Callable[[], Any], path: Path, max_cells: int | None
                 ) -> dict[str, Grid]:
    """Each sheet's values; raises _Unreadable, naming the sheet, when calamine fails.

    calamine panics are BaseException subclasses, so everything but an interruption is
    caught: whatever calamine says is no message for a user.
    """
    sheet_name: str | None = None
    try:
        workbook = open_workbook()
        sheets: dict[str, Grid] = {}
        total = 0
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            total += sheet.height * sheet.width
            if max_cells is not None and total > max_cells:
                raise UnreadableWorkbook(path, "grid_too_big", limit=max_cells)
            rows = sheet.to_python(skip_empty_area=False)
            sheets[sheet_name] = [[_cell(v) for v in row] for row in rows]
        workbook.close()
        return sheets
    except UnreadableWorkbook:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _Unreadable(sheet_name) from exc


def _could_not_read(sheet: str | None) -> Phrase:
    if sheet:
        return refusal("sheet_unreadable", sheet=sheet)
    return refusal("workbook_unreadable")


def read_fills(path: Path | bytes, sheet: str, cells: Iterable[tuple[int, int]]
               ) -> dict[tuple[int, int], str]:
    """The solid fill colour (RRGGBB) of the given 1-based cells, where one is painted.

    Only called when a painted status is the only data (a plan in the Google Sheets style)
    and only for .xlsx/.xlsm files. openpyxl (read-only) reads the styles; the wanted
    cells' style numbers are found in the sheet's XML as it is inflated, by their
    references, else by following its tags up to the last wanted row. openpyxl itself
    makes an object of every cell it passes: loading the whole workbook costs ~20 s and
    ~0.9 GB for a million empty formatted rows, and even its streaming reader ~150 s for
    15 million formatted cells above a painted one.
    """
    import warnings

    import openpyxl
    from openpyxl.cell.read_only import ReadOnlyCell

    wanted = set(cells)
    if not wanted:
        return {}
    # a file object, not the name: openpyxl refuses names that do not end in .xlsx/.xlsm,
    # and a plan renamed .ods or .xls is read by its content
    source_file = (io.BytesIO(path) if isinstance(path, bytes)  # the bytes read once
                   else open(path, "rb"))  # noqa: SIM115 - closed with the workbook, below
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(source_file, read_only=True, data_only=True)
    except BaseException:
        source_file.close()
        raise
    try:
        worksheet = workbook[sheet]
        with worksheet._get_source() as source:  # the sheet's XML, inflated as it is read
            styles = _referenced_style_numbers(source, wanted)
        if len(styles) < len(wanted):  # cells without a reference: follow the tags
            with worksheet._get_source() as source:
                styles = _style_numbers(source, wanted) | styles
        fills: dict[tuple[int, int], str] = {}
        for (row, column), style in styles.items():
            try:
                fill = ReadOnlyCell(worksheet, row, column, None, style_id=style).fill
            except (IndexError, KeyError, TypeError):  # a style number the workbook lacks
                continue
            colour = _rgb(fill, workbook)
            if colour:
                fills[(row, column)] = colour
        return fills
    finally:
        workbook.close()
        source_file.close()


def _referenced_style_numbers(source: IO[bytes], wanted: set[tuple[int, int]]
                              ) -> dict[tuple[int, int], int]:
    """The ``s`` of the wanted cells found by their reference (``<c r="D4" s="7">``), read
    with one search per piece; stops once all are found."""
    by_reference = {f"{column_letter(c)}{r}".encode(): (r, c) for r, c in wanted}
    alternatives = b"|".join(re.escape(reference) for reference in by_reference)
    cell = re.compile(rb'<c r="(' + alternatives + rb')"([^<>]*)>')
    found: dict[tuple[int, int], int] = {}
    tail = b""
    while len(found) < len(wanted) and (piece := source.read(1 << 16)):
        data = tail + piece
        for reference, attributes in cell.findall(data):
            style = _STYLE.search(attributes)
            found[by_reference[reference]] = int(style.group(1)) if style else 0
        tail = data[-512:]  # a tag cut between two pieces
    return found


_STYLE = re.compile(rb"""\ss\s*=\s*["']([0-9]{1,9})["']""")


class _Past(Exception):
    """Raised inside expat's handlers once the last wanted row is behind."""


def _style_numbers(source: IO[bytes], wanted: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The ``s`` (style number) of the wanted 1-based cells in a sheet's XML stream.

    Cells are placed as spreadsheet programs and calamine place them: by their ``r``, or
    after the previous cell and row. Parsing stops after the last wanted row, or after
    ``_FOLLOW_BYTES`` of XML.
    """
    from xml.parsers import expat

    last = max(row for row, _ in wanted)
    found: dict[tuple[int, int], int] = {}
    row = column = 0  # the 1-based position of the current row, and of the last cell

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, column
        local = name.rpartition(":")[2]
        if local == "row":
            number = attributes.get("r", "")
            row, column = (int(number) if number.isdigit() else row + 1), 0
            if row > last:
                raise _Past
        elif local == "c":
            reference = _REFERENCE.fullmatch(attributes.get("r", ""))
            if reference:
                column = column_number(reference.group(1))
                position = (int(reference.group(2)), column)
                if position[0] > last:
                    raise _Past
            else:
                column += 1
                position = (row, column)
            style = attributes.get("s", "0")
            if position in wanted and style.isdigit():
                found[position] = int(style)

    parser = expat.ParserCreate("ISO-8859-1")  # markup is ASCII; values are not needed
    parser.StartElementHandler = start
    read = 0
    try:
        while read < _FOLLOW_BYTES and (data := source.read(1 << 16)):
            parser.Parse(data, False)
            read += len(data)
    except (_Past, expat.ExpatError):
        pass  # after the last wanted row, or damaged: what was found stands
    return found


_FOLLOW_BYTES = 32 * 2**20
"""Most XML followed tag by tag for cells without references (~1.5 million tags, ~3 s):
no spreadsheet program writes such cells, so a painted cell further down keeps no colour
rather than costing a minute."""


_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


def _rgb(fill: object, workbook: object) -> str | None:
    if getattr(fill, "fill_type", None) not in ("solid", "gray125") and getattr(
        fill, "patternType", None
    ) != "solid":
        return None
    colour = getattr(fill, "fgColor", None)
    if colour is None:
        return None
    if colour.type == "rgb" and isinstance(colour.rgb, str):
        rgb = colour.rgb[-6:]
        return None if rgb in ("000000",) and colour.rgb.startswith("00") else rgb
    if colour.type == "theme":
        return _theme_rgb(workbook, colour.theme, colour.tint or 0.0)
    if colour.type == "indexed":
        from openpyxl.styles.colors import COLOR_INDEX

        index = colour.indexed
        return COLOR_INDEX[index][-6:] if 0 <= index < len(COLOR_INDEX) else None
    return None


# Office's default theme accents, used when the workbook's theme cannot be parsed.
_DEFAULT_THEME = ["FFFFFF", "000000", "E7E6E6", "44546A", "4472C4", "ED7D31",
                  "A5A5A5", "FFC000", "5B9BD5", "70AD47", "0563C1", "954F72"]


def _theme_rgb(workbook: object, theme: int, tint: float) -> str | None:
    if not 0 <= theme < len(_DEFAULT_THEME):
        return None
    base = _DEFAULT_THEME[theme]
    r, g, b = (int(base[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, light, s)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def nearest_hue(rgb: str, hues: Mapping[str, float], tolerance: float = 40.0) -> str | None:
    """The key whose hue (degrees) is nearest to the colour `rgb`; None for white, grey, black.

    Google Sheets exports plain RGB and Excel theme colours with tints, so exact matching
    fails; hue is what a person sees as "yellow", "orange" or "green".
    """
    rgb = rgb.lstrip("#")
    r, g, b = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.15 or light > 0.97 or light < 0.08:
        return None
    degrees = hue * 360

    def distance(key: str) -> float:
        gap = abs(degrees - hues[key]) % 360
        return min(gap, 360 - gap)

    best = min(hues, key=distance)
    return best if distance(best) <= tolerance else None
