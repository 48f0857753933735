"""Project modules are imported at the top of a module, where the layer contracts (and a reader) see them.

An import inside a function hides a dependency, usually a cycle dodged. The exceptions: AppConfig.ready() (Django
loads models first, registrations come after) and an import whose line says why with a `# runtime:` comment.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PACKAGES = set(
    tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
)


def _python_files() -> list[Path]:
    skip = {".venv", "migrations", "node_modules", "var"}
    return [p for p in PROJECT.rglob("*.py") if not skip & set(p.relative_to(PROJECT).parts)]


def _late_imports(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name == "ready":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            if (
                any(m.split(".")[0] in PACKAGES for m in modules)
                and "# runtime:" not in lines[node.lineno - 1]
            ):
                found.append(f"{path.relative_to(PROJECT)}:{node.lineno} {lines[node.lineno - 1].strip()}")
    return found


def test_no_project_import_hides_inside_a_function() -> None:
    late = sorted({line for path in _python_files() for line in _late_imports(path)})
    assert not late, "imports inside functions:\n" + "\n".join(late)
