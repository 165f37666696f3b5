"""Layers that point one way: the package import graph of the platform has no cycle, no platform package imports a
project, and no string import of `projects.*` remains outside discovery.

Nodes are packages (a folder with __init__.py; a module belongs to its folder's package), edges every import in
their modules, top-level or inside a function (a function-level import is an import all the same).
"""

import ast
import re
from pathlib import Path

from compose.paths import REPO_ROOT

PLATFORM = ("compose", "db_handler", "messenger", "service", "lifecycle", "workflows", "devkit")
DISCOVERY = REPO_ROOT / "lifecycle" / "discovery.py"


def modules() -> list[Path]:
    return sorted(path for package in PLATFORM for path in (REPO_ROOT / package).rglob("*.py"))


def package_of(dotted: str) -> str | None:
    """The deepest platform package holding module `dotted` (compose.settings -> compose)."""
    parts = dotted.split(".")
    for depth in range(len(parts), 0, -1):
        if (REPO_ROOT.joinpath(*parts[:depth]) / "__init__.py").exists():
            return ".".join(parts[:depth])
    return None


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in modules():
        source = package_of(".".join(path.relative_to(REPO_ROOT).with_suffix("").parts))
        for name in imported(path):
            target = package_of(name) if name.split(".")[0] in (*PLATFORM, "projects") else None
            if (
                target
                and target != source
                and not source.startswith(f"{target}.")
                and not target.startswith(f"{source}.")
            ):
                edges.setdefault(source, set()).add(target)
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph, as the packages along it, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node, [node])):
            return found
    return None


def test_the_package_graph_has_no_cycle():
    assert cycle(graph()) is None, " -> ".join(cycle(graph()))


def test_layers_point_one_way():
    edges = graph()
    assert not edges.get("compose"), f"compose is the bottom layer, it imports {edges.get('compose')}"
    for lower in ("db_handler", "messenger", "service.models", "service.monitoring"):
        above = edges.get(lower, set()) & {"lifecycle", "workflows", "service.api"}
        assert not above, f"{lower} imports {above}, which stand above it"


def test_no_platform_package_imports_a_project():
    offenders = {
        source: targets for source, targets in graph().items() if any(t.startswith("projects") for t in targets)
    }
    assert offenders == {}


def test_projects_are_looked_up_by_name_only_in_discovery():
    pattern = re.compile(r"""import_module\(\s*f?["']projects\.|__import__\(\s*f?["']projects\.""")
    offenders = [
        str(path.relative_to(REPO_ROOT)) for path in modules() if path != DISCOVERY and pattern.search(path.read_text())
    ]
    assert offenders == []


def test_the_checker_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
