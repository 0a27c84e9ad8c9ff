"""The package's shape: no import cycles (not even ones hidden in function-level imports), imports
between subpackages only downwards along LAYERS, and no streamlit in the package (only app.py,
app_parts/ and pages/ import it).

Why parse instead of import: a cycle held apart by a lazy import works until someone moves the
import, and then fails at run time in whichever order modules happen to load. Reading every
`import` with `ast` finds such cycles before that. Imports under `if TYPE_CHECKING:` are skipped:
they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "assistant"

#: Subpackages of `assistant` from the bottom up: a module may import from its own subpackage and
#: from the ones listed before it, never from one listed after it.
LAYERS: tuple[str, ...] = (
    "core", "index", "projects", "tools", "understanding", "answers", "presentation", "service", "cli",
)


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (packages as their __init__)."""
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(module: str, path: Path, modules: set[str]) -> set[str]:
    """The package modules `module` imports anywhere (module level, functions, classes), except
    under `if TYPE_CHECKING:`. `from assistant import x` counts as an import of `assistant.x`."""
    found: set[str] = set()
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit_node(other)
                continue
            visit_node(child)

    def visit_node(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, is_package, node)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in modules)
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return {name for name in found if name in modules and name != module}


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {module: imports_of(module, path, set(files)) for module, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def walk(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state:
                cycle = walk(target)
                if cycle:
                    return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = walk(module)
            if cycle:
                return cycle
    return None


def _parent_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None  # assistant.<sub>.<module>


def test_the_package_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    """The check itself: a lazy import closes a cycle, a TYPE_CHECKING one does not."""
    (tmp_path / "a.py").write_text("import assistant.b\n")
    (tmp_path / "b.py").write_text("def f():\n    from assistant import c\n")
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import assistant.b\n")
    names = {"assistant.a", "assistant.b", "assistant.c"}
    graph = {f"assistant.{n}": imports_of(f"assistant.{n}", tmp_path / f"{n}.py", names) for n in "abc"}
    assert graph == {"assistant.a": {"assistant.b"}, "assistant.b": {"assistant.c"}, "assistant.c": set()}
    assert find_cycle(graph) is None
    (tmp_path / "c.py").write_text("def g():\n    import assistant.a\n")
    graph["assistant.c"] = imports_of("assistant.c", tmp_path / "c.py", names)
    assert find_cycle(graph) == ["assistant.a", "assistant.b", "assistant.c", "assistant.a"]


def test_imports_between_subpackages_go_downwards_only() -> None:
    graph = import_graph()
    if not LAYERS:
        return
    subpackages = {p for p in (_parent_package(m) for m in graph) if p}
    assert subpackages <= set(LAYERS), f"subpackages missing from LAYERS: {sorted(subpackages - set(LAYERS))}"
    rank = {name: n for n, name in enumerate(LAYERS)}
    upward = []
    for module, targets in graph.items():
        own = _parent_package(module)
        for target in targets:
            theirs = _parent_package(target)
            if own in rank and theirs in rank and rank[theirs] > rank[own]:
                upward.append(f"{module} -> {target}")
    assert upward == [], "upward imports (LAYERS: " + " < ".join(LAYERS) + "): " + ", ".join(sorted(upward))


def test_no_module_of_the_package_imports_streamlit() -> None:
    offenders = []
    for module, path in module_files().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{module}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []
