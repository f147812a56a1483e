"""The package's layers: every import of src/marchwest points to its own layer or a lower one,
and no module imports itself back through others (imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from marchwest.paths import PACKAGE_DIR

# Lowest first. A module not listed by name belongs to its package's layer.
LAYERS = {
    "core": {"errors", "paths", "names", "csvcells", "credits", "schema", "plotly_config"},
    "ledger": {"ledger"},
    "analysis": {
        "",  # the package itself: the loaders' API
        "loaders",
        "explore",
        "partnerships",
        "membership",
        "arms",
        "sipri",
        "geo",
        "timeline",
        "factcheck",
        "hindsight",
        "claimreview",
        "contents",
        "sentences",
    },
    "plot": {"plot"},
    "build": {"build"},
    "commands": {"cli", "__main__"},
}
RANK = {name: rank for rank, names in enumerate(LAYERS.values()) for name in names}
LAYER_NAMES = list(LAYERS)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    """The rank of a module of the package: its own name's, else its first part's."""
    inner = module.removeprefix("marchwest").removeprefix(".")
    top = inner.split(".")[0]
    return RANK[inner] if inner in RANK else RANK[top]


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports (``from a import b`` names ``a.b`` when that
    is a module, else ``a``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                dotted = f"{source}.{alias.name}"
                found.add(dotted if dotted in modules else source)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    modules = {module_name(path) for path in files}
    return {module_name(path): imports_of(path, modules) for path in files}


GRAPH = import_graph()


def test_the_graph_is_the_whole_package():
    assert {"marchwest.cli", "marchwest.ledger.folder", "marchwest.build.site"} <= set(GRAPH)
    assert "marchwest.ledger.folder" in GRAPH["marchwest.loaders"]  # imports are found


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_points_to_a_higher_layer(module):
    up = {
        target: LAYER_NAMES[layer(target)]
        for target in GRAPH[module]
        if layer(target) > layer(module)
    }
    assert not up, f"{module} ({LAYER_NAMES[layer(module)]}) imports a higher layer: {up}"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_has_a_layer():
    for module in GRAPH:
        assert LAYER_NAMES[layer(module)]  # raises KeyError for a module no layer names
