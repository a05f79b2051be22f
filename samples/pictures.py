"""Pictures for the README: the checked sample's Dashboard, journey map and contact
pressure, the trend charts of the sample measured from its survey responses, as PNG,
and the top of its HTML report.

LibreOffice prints the workbooks `make run` wrote to PDF; pdftoppm (Debian poppler-utils)
turns the pages whose first line names the tab into PNG files in docs/. Headless Chromium
(Debian chromium) screenshots the HTML report into docs/report.png. Run with
`make pictures`; `python samples/pictures.py report` makes only the report's picture.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Per workbook of out/, the pictures to take: each the first page that starts so.
PAGES = {
    "retail-fr-checked.xlsx": {"dashboard.png": "Tableau de bord du plan omnicanal",
                               "journey-map.png": "Canal \\ Étape",
                               "pressure.png": "Pression commerciale : ce qu'un client"},
    "retail-fr-mesures.xlsx": {"trends.png": "Tendances des mesures"},
}


def report_picture(size: tuple[int, int] = (1280, 1600)) -> Path:
    """Render the French sample's report to HTML and screenshot it into docs/report.png."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.browser import chromium_path, screenshot

    from omnisheet import check
    from omnisheet.outputs.html.report import render_html
    from omnisheet.read.reader import load

    if chromium_path() is None:
        raise SystemExit("chromium is needed (Debian package chromium, or set $CHROMIUM)")
    report = check(load(ROOT / "samples" / "retail-fr.xlsx"))
    target = ROOT / "docs" / "report.png"
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "retail-fr.html"
        page.write_text(render_html(report, "fr"), encoding="utf-8")
        screenshot(page, target, tmp, size=size)
    print("wrote docs/report.png")
    return target


def pictures(workbook: Path, pages: dict[str, str]) -> None:
    """Print `workbook` to PDF with LibreOffice and turn the pages wanted into PNG files."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(workbook)],
                       check=True, capture_output=True, timeout=180)
        pdf = Path(tmp) / workbook.with_suffix(".pdf").name
        page = 1
        wanted = dict(pages)
        while wanted:
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                  capture_output=True, text=True)
            if text.returncode != 0:
                break
            for name, marker in list(wanted.items()):
                if text.stdout.lstrip().startswith(marker):
                    stem = ROOT / "docs" / Path(name).stem
                    subprocess.run(["pdftoppm", "-r", "90", "-png", "-singlefile", "-f",
                                    str(page), "-l", str(page), str(pdf), str(stem)], check=True)
                    print(f"wrote docs/{name}")
                    del wanted[name]
            page += 1


def main() -> int:
    if sys.argv[1:] == ["report"]:
        report_picture()
        return 0
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"{tool} is needed (libreoffice-calc-nogui, poppler-utils)", file=sys.stderr)
            return 2
    for workbook, pages in PAGES.items():
        pictures(ROOT / "out" / workbook, pages)
    report_picture()
    return 0


if __name__ == "__main__":
    sys.exit(main())
