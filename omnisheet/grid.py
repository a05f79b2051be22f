"""Raw cells of a workbook: values from python-calamine (fast, xlsx and ods alike), fills
from openpyxl only for the few cells where a painted colour is the data.
"""

from __future__ import annotations

import colorsys
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import UnreadableWorkbook
from .model import Scalar

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


def read_values(path: Path, max_cells: int | None = None) -> dict[str, Grid]:
    """Every sheet's values, from A1, as lists of rows (calamine returns cached formula values)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets: dict[str, Grid] = {}
        total = 0
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            total += sheet.height * sheet.width
            if max_cells is not None and total > max_cells:
                raise UnreadableWorkbook(
                    path,
                    f"the workbook holds more than {max_cells:,} cells, over omnisheet's limit; "
                    "delete unused rows and columns (or split the plan) and try again.",
                )
            rows = sheet.to_python(skip_empty_area=False)
            sheets[name] = [[_cell(v) for v in row] for row in rows]
        workbook.close()
        return sheets
    except UnreadableWorkbook:
        raise
    except BaseException as exc:  # calamine panics are BaseException subclasses
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise UnreadableWorkbook(
            path,
            f"the workbook could not be read ({type(exc).__name__}: {str(exc)[:120]}); "
            "open it in Excel or LibreOffice, save it again as .xlsx and retry.",
        ) from exc


def read_fills(path: Path, sheet: str, cells: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The solid fill colour (RRGGBB) of the given 1-based cells, where one is painted.

    openpyxl loads the whole workbook, so this is only called when a painted status is the
    only data (a plan in the Google Sheets style) and only for .xlsx/.xlsm files.
    """
    import warnings

    import openpyxl

    wanted = set(cells)
    if not wanted:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=False, data_only=True)
    try:
        worksheet = workbook[sheet]
        fills: dict[tuple[int, int], str] = {}
        for row, column in wanted:
            fill = worksheet.cell(row=row, column=column).fill
            colour = _rgb(fill, workbook)
            if colour:
                fills[(row, column)] = colour
        return fills
    finally:
        workbook.close()


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
