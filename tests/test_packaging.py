"""An installed omnisheet works away from its source tree: the wheel carries the template."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _installed(tmp_path: Path) -> tuple[Path, Path]:
    """The wheel built from a copy of the sources, and the folder it is installed into."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("omnisheet", "workbook_templates"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", str(source), "-w", str(wheels)],
                   check=True, capture_output=True)
    wheel = next(wheels.glob("omnisheet-*.whl"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel)], check=True, capture_output=True)
    return wheel, site


@pytest.mark.slow  # builds and installs a wheel
def test_a_built_wheel_carries_the_template_and_runs_outside_the_source_tree(tmp_path):
    wheel, site = _installed(tmp_path)
    assert "omnisheet/workbook_templates/plan.yaml" in zipfile.ZipFile(wheel).namelist()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from omnisheet.cli import main; sys.exit(main())",
         "new", "plan.xlsx", "--lang", "en"],
        cwd=elsewhere, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    where = subprocess.run(
        [sys.executable, "-c", "import omnisheet.template.definition as d; print(d.DEFAULT_PATH)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)  # not the checkout's copy
    assert "Journey map" in openpyxl.load_workbook(elsewhere / "plan.xlsx").sheetnames



@pytest.mark.slow  # builds and installs a wheel
def test_the_wheel_carries_the_portfolio(tmp_path):
    """Checking several plans needs the portfolio package and its JSON schema; feedback, its
    own package and schema."""
    wheel, site = _installed(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert "omnisheet/portfolio/compare.py" in names
    assert "omnisheet/outputs/json/portfolio.schema.json" in names
    assert "omnisheet/feedback/feedback.schema.json" in names  # omnisheet feedback's JSON
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        shutil.copy(ROOT / "samples" / "retail-fr.xlsx", plans / name)
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from omnisheet.cli import main; sys.exit(main())",
         "check", str(plans), "--lang", "en"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True,
        text=True)
    assert run.returncode == 1, run.stderr
    assert "Portfolio: 2 plans checked" in run.stdout
