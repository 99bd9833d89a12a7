"""What a notebook writes in its cells is the code the package keeps.

Notebook N writes its stage's functions and classes in front of the reader;
the package keeps them for later notebooks. Every top-level definition in
notebook N whose name also exists in a module built by notebook N must be the
same code (same AST, docstrings included), and each notebook writes at least one.

A class grows as the series teaches more: the package marks the lines a later
notebook (or section) adds with `# + notebook NN: why`. A class cell shows the
class without them (notebook_support/added_lines.py), and notebook NN prints its
own lines with `show_added_lines(Class, notebook=NN)`.
"""

import ast
import importlib
import inspect

import pytest
from notebook_tools import cell_trees, notebook_number, notebook_paths

from minillm_helpers.notebook_support.added_lines import marked_lines, without_added_lines
from minillm_helpers.stages import BUILT_BY

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def modules_built_by(notebook: int) -> set[str]:
    return {name for name, number in BUILT_BY.items() if number == notebook}


def top_level_definitions(tree: ast.Module) -> dict[str, ast.AST]:
    return {node.name: node for node in tree.body if isinstance(node, DEFINITIONS)}


def package_definitions(notebook: int) -> dict[str, tuple[str, ast.AST]]:
    found = {}
    for name in sorted(modules_built_by(notebook)):
        module = importlib.import_module(f"minillm_helpers.{name}")
        tree = ast.parse(without_added_lines(inspect.getsource(module)))
        for definition, node in top_level_definitions(tree).items():
            found[definition] = (name, node)
    return found


def test_comparison_notices_a_changed_line():
    a = ast.parse("def f(x):\n    return x + 1\n").body[0]
    b = ast.parse("def f(x):\n    # a comment is fine\n    return x + 1\n").body[0]
    c = ast.parse("def f(x):\n    return x + 2\n").body[0]
    assert ast.dump(a) == ast.dump(b)
    assert ast.dump(a) != ast.dump(c)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_code_is_the_package_code(path):
    package = package_definitions(notebook_number(path))
    written = {}
    for tree in cell_trees(path):
        written.update(top_level_definitions(tree))
    shared = sorted(set(written) & set(package))
    assert shared, (
        f"{path.name} writes none of the definitions of its own stage "
        f"({sorted(modules_built_by(notebook_number(path)))}); paste them from the package."
    )
    different = [
        f"{package[name][0]}.{name}"
        for name in shared
        if ast.dump(written[name]) != ast.dump(package[name][1])
    ]
    assert not different, (
        f"{path.name} and the package disagree on {different}: make the notebook cell and "
        "the module the same code, then re-execute the notebook."
    )


def test_notebook_04_builds_the_bank_vectors_the_package_keeps():
    """Notebook 04 writes the bank example row by row; notebook 05 and the tests take it
    from notebook_support.examples. The first assignments in notebook 04 must be those."""
    from minillm_helpers.notebook_support.examples import BANK_SENTENCE, bank_vectors

    source = next(p for p in notebook_paths() if notebook_number(p) == 4)
    first = {}
    for tree in cell_trees(source):
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                first.setdefault(node.targets[0].id, node.value)
    assert ast.literal_eval(first["sentence"]) == BANK_SENTENCE
    for name, kept in zip(("queries", "keys", "values"), bank_vectors(), strict=True):
        call = first[name]  # torch.tensor([[...], ...])
        assert ast.literal_eval(call.args[0]) == kept.tolist(), name


def marked_notebooks() -> dict[str, set[int]]:
    """{class or function name: the notebooks that add marked lines to it}, over every
    stage module."""
    found = {}
    for name in BUILT_BY:
        module = importlib.import_module(f"minillm_helpers.{name}")
        for cls in vars(module).values():
            grown = inspect.isclass(cls) or inspect.isfunction(cls)
            if grown and cls.__module__ == module.__name__:
                marks = set(marked_lines(inspect.getsource(cls)).values())
                if marks:
                    found[cls.__name__] = marks
    return found


def test_the_package_marks_the_lines_that_notebooks_05_06_and_09_add():
    assert marked_notebooks() == {"MultiHeadAttention": {5, 6}, "get_batch": {9},
                                  "generate": {9}}  # GPT writes its cache support


def test_each_notebook_prints_the_lines_it_adds():
    """Every class (or function) with lines marked for notebook NN is passed to
    show_added_lines(..., notebook=NN) in notebook NN, so a reader sees each line the series
    adds where it does."""
    shown = set()
    for path in notebook_paths():
        for tree in cell_trees(path):
            for node in ast.walk(tree):
                name = getattr(getattr(node, "func", None), "id", "")
                if isinstance(node, ast.Call) and name == "show_added_lines":
                    number = next(k.value.value for k in node.keywords if k.arg == "notebook")
                    assert number == notebook_number(path), f"{path.name} shows notebook {number}"
                    shown |= {(arg.id, number) for arg in node.args}
    marked = {(cls, number) for cls, numbers in marked_notebooks().items() for number in numbers}
    assert marked == shown
