"""What every notebooks/build/nbXX.py script shares: collect cells, paste package code, write.

A build script lists its cells with `md(...)` and `code(...)`, pastes its stage's code
with `pasted(module, name, ...)` (the package's exact source, so notebook and package
cannot drift), and ends with `write("NN_name.ipynb")`. Execute the notebook afterwards:

    .venv/bin/python notebooks/build/nb03.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace \
        notebooks/03_positional_encoding.ipynb
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "minillm_helpers"
NOTEBOOKS = ROOT / "notebooks"

cells: list[tuple[str, str]] = []


def md(text: str) -> None:
    cells.append(("markdown", text.strip("\n")))


def code(text: str) -> None:
    cells.append(("code", text.strip("\n")))


def pasted(module: str, *names: str) -> str:
    """The exact source (decorators included) of top-level definitions of a package module."""
    text = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    lines = text.splitlines()
    found = {}
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            found[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
    missing = [name for name in names if name not in found]
    if missing:
        raise KeyError(f"minillm_helpers/{module}.py has no top-level {missing}")
    return "\n\n\n".join(found[name] for name in names)


def build(prefix: str) -> nbformat.NotebookNode:
    """The notebook made of the cells listed so far; ids are stable so rebuilds diff small."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    for number, (kind, text) in enumerate(cells):
        new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        notebook.cells.append(new(text, id=f"{prefix}-{number:02d}"))
    nbformat.validate(notebook)
    return notebook


def write(name: str) -> None:
    """Write notebooks/<name> (unexecuted) from the cells listed so far."""
    notebook = build(prefix=f"nb{name[:2]}")
    target = NOTEBOOKS / name
    nbformat.write(notebook, target)
    print(f"wrote {target.relative_to(ROOT)} ({len(notebook.cells)} cells)")
