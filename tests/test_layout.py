"""The house: no import circles, and every import goes down a floor (README, "Layout").

``python tests/test_layout.py`` prints the figures: modules, rooms, floors, arrows, circles.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rnnlab"

#: Each room (a top-level module or package of rnnlab) and its floor in the README's table.
FLOORS = {
    "rnnlab.__main__": 6,
    "rnnlab.cli": 5, "rnnlab.experiments": 5,
    "rnnlab": 4,
    "rnnlab.api": 3,
    "rnnlab.jobs": 2, "rnnlab.language": 2,
    "rnnlab.training": 1, "rnnlab.bptt": 1, "rnnlab.plots": 1,
    "rnnlab.runtime": 0, "rnnlab.scratch": 0, "rnnlab.seq2seq": 0, "rnnlab.mingru": 0,
    "rnnlab.version": 0,
}


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in the file, lazy ones too)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):  # absolute only (ruff's TID252)
                base = node.module or ""
                submodules = {f"{base}.{alias.name}" for alias in node.names} & known.keys()
                targets |= submodules or {base}
        graph[name] = {t for t in targets if t in known and t != name}
    return graph


def room(module: str) -> str:
    """``rnnlab.runtime.prices.table`` -> ``rnnlab.runtime``; the package root is its own."""
    return ".".join(module.split(".")[:2])


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while v not in component:
                component.add(stack.pop())
            on_stack.difference_update(component)
            if len(component) > 1:
                found.append(component)

    for v in graph:
        if v not in index:
            visit(v)
    return found


def arrows(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Room -> room imports (within a room not counted)."""
    return {(room(a), room(b)) for a, targets in graph.items() for b in targets
            if room(a) != room(b)}


def test_no_import_circles():
    assert circles(import_graph()) == []


def test_every_room_has_a_floor():
    assert {room(m) for m in modules()} == FLOORS.keys()


def test_every_import_goes_down_a_floor():
    upward = sorted((a, b) for a, b in arrows(import_graph()) if FLOORS[b] >= FLOORS[a])
    assert upward == []


def test_the_runtime_imports_only_the_runtime():
    graph = import_graph()
    outside = sorted((a, b) for a, targets in graph.items() for b in targets
                     if room(a) == "rnnlab.runtime" and room(b) != "rnnlab.runtime")
    assert outside == []


if __name__ == "__main__":
    graph = import_graph()
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports; "
          f"{len(FLOORS)} rooms on {max(FLOORS.values()) + 1} floors, "
          f"{len(arrows(graph))} arrows between rooms; {len(circles(graph))} circles")
