"""The import contracts in pyproject.toml catch what they promise: run on a scratch tree of empty apps, they pass;
add one upward or sideways import and they fail, naming it. (`make test` runs the same contracts on the real tree.)"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """Every root package of the contracts as an empty package, and the project's contracts (without the list of
    imports they ignore, which name modules of the real tree)."""
    config = re.sub(r"\nignore_imports = \[.*?\n\]", "", (PROJECT / "pyproject.toml").read_text(), flags=re.S)
    for package in tomllib.loads(config)["tool"]["importlinter"]["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(config)
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_empty_tree_keeps_the_contracts(scratch: Path) -> None:
    result = lint(scratch)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("core", "org"),  # the ground imports the organisation
        ("org", "notify"),
        ("framework", "cases"),
        ("cases", "scoring"),  # a domain app imports scoring
        ("scoring", "dashboard"),
        ("jobs", "bulletins"),
    ],
)
def test_an_upward_import_breaks_them(scratch: Path, importer: str, imported: str) -> None:
    (scratch / importer / "upward.py").write_text(f"import {imported}\n")
    result = lint(scratch)
    assert result.returncode == 1 and f"{importer} is not allowed to import {imported}" in result.stdout


@pytest.mark.parametrize(("importer", "imported"), [("cases", "materials"), ("inspections", "portal")])
def test_an_import_between_independent_apps_of_a_layer_breaks_them(
    scratch: Path, importer: str, imported: str
) -> None:
    (scratch / importer / "sideways.py").write_text(f"from {imported} import models\n")
    result = lint(scratch)
    assert result.returncode == 1 and f"{importer} is not allowed to import {imported}" in result.stdout
