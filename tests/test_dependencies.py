"""Every import is declared, and CI installs exactly what the README says, in a venv of its own.

A package installed on a developer's machine by hand (numpy, once) made CI green and a
newcomer's run red: these tests make the omission fail here instead.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from conftest import REPO

# Which requirements each part of the project may import from, beyond the standard library
# and its own modules: the engine its dependencies (and the optional features it loads only when
# asked, such as the Dask cluster), the tests the test extra, the benchmark a bench extra.
PARTS = {"newsroom": ("", "*features"), "build.py": ("",), "scripts": ("",),
         "tests": ("", "test"), "bench": ("", "bench", "test")}
TOOLING = {"test", "bench"}   # extras that are not features of the engine


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(pyproject: dict) -> dict[str, set[str]]:
    """Requirement names by group: "" for `dependencies`, then each extra."""
    project = pyproject["project"]
    groups = {"": project.get("dependencies", []), **project.get("optional-dependencies", {})}
    return {group: {normal(re.match(r"[A-Za-z0-9._-]+", req).group()) for req in reqs}
            for group, reqs in groups.items()}


def imports(file: Path) -> list[tuple[str, int]]:
    """(top-level module, line) of every absolute import in a file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(file.read_bytes(), str(file))):
        if isinstance(node, ast.Import):
            found += [(alias.name.partition(".")[0], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.partition(".")[0], node.lineno))
    return found


def python_files(root: Path, part: str) -> list[Path]:
    top = root / part
    if top.is_file():
        return [top]
    skip = {"node_modules", "site", "__pycache__"}
    return sorted(f for f in top.rglob("*.py")
                  if not any(p in skip or p.startswith(".") for p in f.relative_to(root).parts))


def local_modules(root: Path) -> set[str]:
    """The project's own importable names: its packages and every module file's stem."""
    names = {"newsroom", "bench", "tests"}
    for part in PARTS:
        names |= {f.stem for f in python_files(root, part)}
    return names


def undeclared(root: Path, distributions: dict[str, list[str]]) -> list[str]:
    """`file:line: import X` for each import that no allowed requirement provides."""
    groups = declared(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")))
    features = set().union(*(reqs for group, reqs in groups.items() if group and group not in TOOLING))
    own = local_modules(root)
    problems = []
    for part, allowed in PARTS.items():
        may = set().union(*(features if g == "*features" else groups.get(g, set()) for g in allowed))
        for file in python_files(root, part):
            for module, line in imports(file):
                if module in sys.stdlib_module_names or module in own or module == "__future__":
                    continue
                providers = {normal(d) for d in distributions.get(module, [])}
                if not providers & may:
                    where = file.relative_to(root).as_posix()
                    problems.append(f"{where}:{line}: import {module} (from {sorted(providers) or 'nothing installed'})"
                                    f" is not declared in {' or '.join(_label(g) for g in allowed)}")
    return sorted(problems)


def _label(group: str) -> str:
    return {"": "dependencies", "*features": "a feature extra"}.get(group, group)


def test_every_import_of_the_project_is_declared() -> None:
    assert undeclared(REPO, importlib.metadata.packages_distributions()) == []


def test_an_undeclared_import_is_caught(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["PyYAML>=6", "Pillow"]\n'
        '[project.optional-dependencies]\ntest = ["pytest"]\ncluster = ["distributed"]\n', encoding="utf-8")
    for folder in PARTS:
        if not folder.endswith(".py"):
            (tmp_path / folder).mkdir()
    (tmp_path / "newsroom" / "engine.py").write_text(
        "import os\nimport yaml\nfrom PIL import Image\nfrom . import sibling\nimport distributed\n", encoding="utf-8")
    (tmp_path / "tests" / "test_x.py").write_text("import pytest\nimport engine\n", encoding="utf-8")
    (tmp_path / "bench" / "study.py").write_text("import json\n\ndef f():\n    import numpy as np\n",
                                                 encoding="utf-8")
    (tmp_path / "scripts" / "tool.py").write_text("import pytest\n", encoding="utf-8")
    found = undeclared(tmp_path, {"yaml": ["PyYAML"], "PIL": ["pillow"], "pytest": ["pytest"],
                                  "distributed": ["distributed"]})
    assert found == [
        "bench/study.py:4: import numpy (from nothing installed) is not declared in dependencies or bench or test",
        "scripts/tool.py:1: import pytest (from ['pytest']) is not declared in dependencies",
    ]


def test_ci_runs_the_readme_test_command_in_a_venv_of_its_own() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^(pip install -e '\.\[test\]' && python -m pytest)", readme, re.M).group(1)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines() if not line.lstrip().startswith("#")]
    venv = next(i for i, line in enumerate(lines) if re.match(r"python3? -m venv \S+$", line))
    activate = next(i for i, line in enumerate(lines) if line.startswith(". ") and "/bin/activate" in line)
    assert "--system-site-packages" not in ci
    assert venv < activate < lines.index(command), "the README's command runs inside the fresh venv"
