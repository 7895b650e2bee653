"""The folder tree shows the pipeline: one package per stage, imports one way, no circles.

The order (README, Layout): ``base`` → ``catalog`` → ``facts`` → ``engine`` → ``durable`` and
``progress`` (side by side, neither importing the other) → ``report`` → the public modules
(``qcrules`` itself, ``strategies``, ``ruletests``, ``pytest_plugin``) → ``cli``. A module may
import its own package and the packages below it. Every import counts: those at the top of a
module, those deferred into a function, and those only for type checking.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import qcrules

SRC = Path(qcrules.__file__).resolve().parent

#: Each package's floor; packages on the same floor may not import each other.
FLOORS = {
    "base": 0, "catalog": 1, "facts": 2, "drafting": 2, "engine": 3, "durable": 4, "progress": 4,
    "frames": 4, "report": 5,
    "": 6, "cli": 7,
}


def module_name(root: Path, file: Path) -> str:
    parts = list(file.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def package_of(root: Path, module: str) -> str:
    """The stage a module belongs to: ``qcrules.engine.compile`` → ``engine``; the public
    modules at the top (``qcrules``, ``qcrules.strategies`` …) → ``""``."""
    inner = module.split(".")[1:]
    return inner[0] if inner and (root / inner[0]).is_dir() else ""


def imports(root: Path) -> dict[str, set[str]]:
    """Every module of the package under ``root`` → the modules of that package it imports."""
    files = {module_name(root, f): f for f in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, file in files.items():
        is_package = file.name == "__init__.py"
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                candidates = [f"{target}.{alias.name}" for alias in node.names] + [target]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            for candidate in candidates:
                if candidate in files and candidate != name:
                    graph[name].add(candidate)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def against_the_order(root: Path, graph: dict[str, set[str]]) -> list[str]:
    """Each import that climbs up (or sideways between sibling stages), as ``a -> b``."""
    wrong = []
    for module, targets in sorted(graph.items()):
        here = package_of(root, module)
        for target in sorted(targets):
            there = package_of(root, target)
            if there == here:
                continue
            if FLOORS[there] >= FLOORS[here]:
                wrong.append(f"{module} -> {target}")
    return wrong


def borrowed_private_names(root: Path) -> list[str]:
    """Each ``from X import _name`` where X is another module: shared helpers live in a third
    module under a public name instead of being borrowed across."""
    found = []
    for file in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(
                    root.name)):
                found += [f"{module_name(root, file)}: {node.module}.{alias.name}"
                          for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    return found


class TestThePackage:
    def test_every_package_is_on_a_floor(self) -> None:
        """Each subpackage (and top-level module) of qcrules has its place in the order."""
        graph = imports(SRC)
        assert {package_of(SRC, module) for module in graph} <= set(FLOORS)

    def test_stages_are_packages(self) -> None:
        """A stage is found by its folder name, and each says what it holds and may import."""
        for stage in ("base", "catalog", "facts", "drafting", "engine", "durable", "progress",
                      "frames", "report", "cli"):
            init = SRC / stage / "__init__.py"
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            assert doc, stage
            assert "May import" in doc or stage == "base", stage

    def test_only_public_modules_at_the_top(self) -> None:
        """Beside the stage packages, the top holds only what users import."""
        top = {f.name for f in SRC.glob("*.py")}
        assert top == {"__init__.py", "strategies.py", "ruletests.py", "pytest_plugin.py"}

    def test_no_import_circles(self) -> None:
        assert circles(imports(SRC)) == []

    def test_imports_run_one_way(self) -> None:
        assert against_the_order(SRC, imports(SRC)) == []

    def test_no_private_name_is_borrowed_across_modules(self) -> None:
        assert borrowed_private_names(SRC) == []


class TestTheCheckItself:
    """The checks above fail when the rule is broken: a planted circle or upward import is
    found and named."""

    @pytest.fixture
    def tree(self, tmp_path: Path) -> Path:
        copy = tmp_path / "qcrules"
        shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.json",
                                                                  "*.html", "*.css"))
        return copy

    def test_a_planted_circle_is_found(self, tree: Path) -> None:
        """engine.compile already imports catalog.model; the reverse closes a circle."""
        model = tree / "catalog" / "model.py"
        model.write_text(model.read_text(encoding="utf-8")
                         + "\n\ndef _late():\n    from ..engine.compile import Plan\n    return Plan\n",
                         encoding="utf-8")
        groups = circles(imports(tree))
        assert any({"qcrules.catalog.model", "qcrules.engine.compile"} <= set(g) for g in groups)
        assert "qcrules.catalog.model -> qcrules.engine.compile" in against_the_order(
            tree, imports(tree))

    def test_a_sideways_import_is_found(self, tree: Path) -> None:
        """durable and progress stand side by side: neither may import the other."""
        monitor = tree / "durable" / "monitor.py"
        monitor.write_text(monitor.read_text(encoding="utf-8")
                           + "\nfrom ..progress.series import Progress\n", encoding="utf-8")
        assert against_the_order(tree, imports(tree)) == [
            "qcrules.durable.monitor -> qcrules.progress.series"]

    def test_a_borrowed_private_name_is_found(self, tree: Path) -> None:
        cells = tree / "report" / "html.py"
        cells.write_text(cells.read_text(encoding="utf-8")
                         + "\nfrom .render import _csv_value\n", encoding="utf-8")
        assert borrowed_private_names(tree) == ["qcrules.report.html: render._csv_value"]

    def test_a_circle_of_three_is_one_group(self, tmp_path: Path) -> None:
        pkg = tmp_path / "qcrules"
        (pkg / "base").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "base" / "__init__.py").write_text("")
        (pkg / "base" / "a.py").write_text("from .b import x\n")
        (pkg / "base" / "b.py").write_text("from . import c\n")
        (pkg / "base" / "c.py").write_text("import qcrules.base.a\n")
        assert circles(imports(pkg)) == [["qcrules.base.a", "qcrules.base.b", "qcrules.base.c"]]
