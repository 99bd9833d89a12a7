"""Notebook N imports from minillm_helpers only what notebooks before it built."""

import ast
from pathlib import Path

import pytest
from notebook_tools import cell_trees, notebook_number, notebook_paths

from minillm_helpers.stages import AFTER_THE_SERIES, BUILT_BY, UTILITIES


def importable_by(notebook: int) -> set[str]:
    """The modules notebooks 1..notebook-1 built, and the utilities."""
    return {name for name, number in BUILT_BY.items() if number < notebook} | UTILITIES


def imported_package_modules(trees) -> list[str]:
    """First component after `minillm_helpers.` of every import of the package."""
    found = []
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] != "minillm_helpers":
                    continue
                if len(parts) > 1:
                    found.append(parts[1])
                else:  # from minillm_helpers import tokenizer
                    found.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == "minillm_helpers":
                        found.append(parts[1] if len(parts) > 1 else "<the whole package>")
    return found


def test_every_package_module_has_a_stage():
    import pkgutil

    import minillm_helpers

    modules = {info.name for info in pkgutil.iter_modules(minillm_helpers.__path__)}
    unmapped = modules - set(BUILT_BY) - UTILITIES - AFTER_THE_SERIES
    assert not unmapped, f"add these modules to minillm_helpers/stages.py: {sorted(unmapped)}"


def test_the_rule_catches_a_forbidden_import():
    trees = [ast.parse("from minillm_helpers.model import GPT\nimport minillm_helpers.tokenizer")]
    modules = imported_package_modules(trees)
    assert modules == ["model", "tokenizer"]
    assert "model" not in importable_by(3)
    assert sorted(importable_by(2) - UTILITIES) == ["tokenizer"]


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_imports_only_earlier_stages(path):
    allowed = importable_by(notebook_number(path))
    used = imported_package_modules(cell_trees(path))
    forbidden = sorted(set(used) - allowed)
    assert not forbidden, (
        f"{path.name} imports {forbidden} from minillm_helpers, but it may only import "
        f"{sorted(allowed)}: a notebook writes its own stage and uses only earlier ones."
    )


def package_import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """{module: the modules of `package` it imports}, inside functions included."""
    graph = {}
    for path in root.rglob("*.py"):
        name = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            imported.update(m for m in modules if m.startswith(package))
        graph[name] = imported
    return {name: {m for m in imported if m in graph and m != name}
            for name, imported in graph.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import path that comes back to where it started (depth-first search)."""
    found, done = [], set()

    def visit(module, path):
        if module in path:
            found.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        for other in sorted(graph[module]):
            visit(other, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return found


def test_circles_are_found():
    assert circles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it_back():
    package = Path(__file__).resolve().parent.parent / "minillm_helpers"
    modules = package_import_graph(package, "minillm_helpers")
    assert "minillm_helpers.cli.trainer" in modules  # the graph sees the package
    # a package's __init__ re-exporting its modules is not a circle of ideas
    graph = {name: {m for m in imported if not name.startswith(m + ".")}
             for name, imported in modules.items()}
    assert not circles(graph)
    # nor may two folders lean on each other (cli -> notebook_support -> cli)
    folder = lambda module: ".".join(module.split(".")[:2])  # noqa: E731
    folders = {}
    for name, imported in modules.items():
        folders.setdefault(folder(name), set()).update(
            folder(m) for m in imported if folder(m) != folder(name))
    assert not circles(folders)
