"""Drive a REAL headless Chromium from tests: what a reader of the HTML report sees.

Why: the HTML report is for people who never open the workbook; the honest check is to
let a browser parse, lay out and print it, not to grep the string we wrote.

API
---
* ``chromium_path()``: the browser ($CHROMIUM, else ``chromium``, ``chromium-browser``,
  ``google-chrome`` on PATH) or None.
* ``dump_dom(page, tmp)``: the DOM after parsing (``--dump-dom``), serialised.
* ``print_to_pdf(page, pdf, tmp, netlog=None)``: the browser's own print to PDF (A4 from
  the page's ``@page`` rules, no header or footer); with ``netlog``, Chromium also writes
  its network log there, which ``page_requests`` reads.
* ``screenshot(page, png, tmp, size=(1280, 1600))``: a PNG of the window.
* ``page_requests(netlog)``: the http(s)/ws(s)/ftp URLs the PAGE asked for. Chromium's own
  background requests (update and time checks, accounts) are made even with the flags
  below; they carry the initiator "not an origin" and are left out, while anything a
  page loads (an image, a stylesheet, a font) has the page's origin ("null" for file://).
  Checked by hand: a page with ``<img src="http://omnisheet-canary.invalid/x.png">`` and a
  remote stylesheet lists both.
* ``pdf_pages(pdf)`` / ``pdf_text(pdf, page=None)`` / ``pdf_page_sizes(pdf)`` /
  ``pdf_pixels(pdf, page, dpi)``: poppler-utils (pdfinfo, pdftotext -raw, pdftoppm -ppm).
  ``-raw`` keeps each table cell's text in one piece, where the default mode interleaves
  neighbouring cells' lines.
* Fixture ``chromium`` (the binary's path) and ``poppler`` (skips without poppler-utils).
  Outside CI a missing Chromium SKIPS with the reason; with ``CI`` set it FAILS, as for
  LibreOffice: a CI image that lost the browser must not go green by skipping.

Every launch gets its own throw-away profile (``--user-data-dir`` in ``tmp``), runs
as root with ``--no-sandbox``, and with the background services switched off.

Measured here (Chromium 156, Debian 12, 2 CPUs): one launch takes 0.75-0.9 s for
``--dump-dom`` or ``--print-to-pdf`` of the report (50 kB), ~1.5-2.6 s for a screenshot
(the first launch of a session is the slowest). Tests share launches through
module-scoped fixtures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .libreoffice import in_ci

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio",
)
TIMEOUT = 90
_MISSING = ("Chromium is not installed (Debian package `chromium`, or set $CHROMIUM): "
            "the HTML report cannot be opened in a real browser")


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else shutil.which(explicit)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class ChromiumError(RuntimeError):
    pass


def _url(page: str | Path) -> str:
    text = str(page)
    return text if "://" in text else Path(page).resolve().as_uri()


def run_chromium(page: str | Path, *extra: str, tmp: str | Path | None = None,
                 timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    binary = chromium_path()
    if binary is None:
        raise ChromiumError(_MISSING)
    with tempfile.TemporaryDirectory(prefix="omnisheet-chromium-", dir=tmp) as profile:
        done = subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *extra, _url(page)],
                              capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise ChromiumError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def dump_dom(page: str | Path, tmp: str | Path | None = None) -> str:
    return run_chromium(page, "--dump-dom", tmp=tmp).stdout


def print_to_pdf(page: str | Path, pdf: str | Path, tmp: str | Path | None = None,
                 netlog: str | Path | None = None) -> Path:
    extra = ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"]
    if netlog is not None:
        extra.append(f"--log-net-log={netlog}")
    run_chromium(page, *extra, tmp=tmp)
    if not Path(pdf).is_file() or Path(pdf).stat().st_size == 0:
        raise ChromiumError(f"chromium wrote no PDF at {pdf}")
    return Path(pdf)


def screenshot(page: str | Path, png: str | Path, tmp: str | Path | None = None,
               size: tuple[int, int] = (1280, 1600)) -> Path:
    run_chromium(page, f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", tmp=tmp)
    if not Path(png).is_file():
        raise ChromiumError(f"chromium wrote no screenshot at {png}")
    return Path(png)


def page_requests(netlog: str | Path) -> list[str]:
    """Network URLs requested by the page (not by the browser's own services)."""
    log = json.loads(Path(netlog).read_text(encoding="utf-8"))
    types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        url = str(params.get("url", ""))
        if types.get(event.get("type")) != "URL_REQUEST_START_JOB":
            continue
        if params.get("initiator") == "not an origin":
            continue
        if url.split(":", 1)[0].lower() in ("http", "https", "ws", "wss", "ftp"):
            urls.append(url)
    return urls


# --- poppler-utils ---------------------------------------------------------------------


def poppler_missing() -> str | None:
    missing = [t for t in ("pdfinfo", "pdftotext", "pdftoppm") if shutil.which(t) is None]
    return f"{', '.join(missing)} not installed (Debian package poppler-utils)" if missing else None


def pdf_pages(pdf: str | Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def pdf_page_sizes(pdf: str | Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points."""
    pages = pdf_pages(pdf)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)],
                          capture_output=True, text=True, check=True)
    sizes = []
    for line in info.stdout.splitlines():
        if line.startswith("Page") and " size:" in line:
            words = line.split(":", 1)[1].split()
            sizes.append((float(words[0]), float(words[2])))
    return sizes


def pdf_text(pdf: str | Path, page: int | None = None) -> str:
    """The text a reader sees, in drawing order (one page, or all)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", *pages, str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def pdf_pixels(pdf: str | Path, page: int, dpi: int = 20) -> set[tuple[int, int, int]]:
    """The distinct RGB colours of a page rendered at `dpi` (PPM, parsed by hand)."""
    data = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page),
                           "-singlefile", str(pdf)], capture_output=True, check=True).stdout
    fields, offset = [], 0
    while len(fields) < 4:  # P6 width height maxval, separated by whitespace
        while data[offset:offset + 1].isspace():
            offset += 1
        end = offset
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[offset:end])
        offset = end
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    pixels = data[offset + 1:]
    return {tuple(pixels[i:i + 3]) for i in range(0, len(pixels) - 2, 3)}


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="session", name="chromium")
def chromium_fixture() -> str:
    found = chromium_path()
    if found is None:
        if in_ci():
            pytest.fail(f"{_MISSING} - CI is set, so this is a failure, not a skip",
                        pytrace=False)
        pytest.skip(_MISSING)
    return found


@pytest.fixture(scope="session", name="poppler")
def poppler_fixture() -> None:
    reason = poppler_missing()
    if reason:
        if in_ci():
            pytest.fail(f"{reason} - CI is set, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)
