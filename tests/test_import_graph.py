"""No import circles inside hil/: every `import` counts, also those inside functions or under
TYPE_CHECKING, because a circle hidden in a function is still a knot a reader must untie."""

from __future__ import annotations

import ast
from pathlib import Path

import hil

PACKAGE = Path(hil.__file__).parent


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """{module: the hil modules it imports}; `from hil.x import name` is an edge to hil.x.name when
    that is a module, else to hil.x."""
    files = {_module_name(p, package): p for p in package.rglob("*.py")}

    def resolve(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            edges |= {r for r in map(resolve, names) if r and r != module and r.startswith("hil")}
        graph[module] = edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, edges = work[-1]
            child = next(edges, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circles_in_hil():
    assert circles(import_graph()) == []


def test_the_check_finds_a_circle(tmp_path):
    """The detector itself: a package whose two modules import each other (one lazily) is a circle."""
    pkg = tmp_path / "hil"
    (pkg / "link").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "link" / "__init__.py").write_text("")
    (pkg / "link" / "device.py").write_text("from hil.timing import TimeoutPolicy\n")
    (pkg / "timing.py").write_text("def f():\n    from hil.link import device\n")
    (pkg / "clean.py").write_text("import hil.timing\n")
    assert circles(import_graph(pkg)) == [["hil.link.device", "hil.timing"]]
