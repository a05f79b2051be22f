"""Build the sample plans: samples/*.yaml → samples/*.xlsx (and .ods through LibreOffice).

Run with `make samples`. The built files are committed so anyone can open them without
installing anything; tests/test_samples.py fails when they are stale.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from omnisheet.outputs.workbook import write
from omnisheet.read.plan_file import read_plan_file

HERE = Path(__file__).resolve().parent


def build(source: Path, folder: Path = HERE, ods: bool = True) -> list[Path]:
    plan = read_plan_file(source)
    xlsx = write(plan, folder / f"{source.stem}.xlsx")
    built = [xlsx]
    soffice = shutil.which("soffice")
    if ods and soffice:
        with tempfile.TemporaryDirectory(prefix="omnisheet-lo-") as profile:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                 "--norestore", "--convert-to", "ods", "--outdir", str(folder), str(xlsx)],
                check=True, capture_output=True, timeout=180)
        built.append(folder / f"{source.stem}.ods")
    return built


def main() -> int:
    for source in sorted(HERE.glob("*.yaml")):
        for path in build(source):
            print(f"built {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
