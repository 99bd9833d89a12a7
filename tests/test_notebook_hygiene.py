"""The committed notebooks read well without running them, and re-run identically."""

import importlib
import json
import re

import pytest
from notebook_tools import code_cells, load, notebook_paths, source

NOTEBOOK_NAMES = [
    "01_tokenization.ipynb",
    "02_embeddings.ipynb",
    "03_positional_encoding.ipynb",
    "04_attention.ipynb",
    "05_masked_attention.ipynb",
    "06_prediction_and_sampling.ipynb",
    "07_your_mini_llm.ipynb",
    "08_taking_the_block_apart.ipynb",
    "09_from_predictor_to_assistant.ipynb",
]
MACHINE_PATH = re.compile(r"(/root|/home|/tmp|/work|/Users|[A-Z]:\\\\)")
MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]{4,}")


def output_text(output: dict) -> str:
    parts = [output.get("text", "")]
    data = output.get("data", {})
    parts += [data.get(kind, "") for kind in ("text/plain", "text/html", "text/markdown")]
    return json.dumps(parts)


def test_every_notebook_of_the_series_exists():
    assert [path.name for path in notebook_paths()] == NOTEBOOK_NAMES


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_executed_top_to_bottom(path):
    counts = [
        cell.get("execution_count") for cell in code_cells(load(path)) if source(cell).strip()
    ]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: code cells must be executed once, in order, from a fresh kernel "
        f"(execution counts {counts[:8]}...). Re-run it with nbconvert --execute --inplace."
    )


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_outputs_are_clean(path):
    notebook = load(path)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for number, cell in enumerate(code_cells(notebook), start=1):
        for output in cell.get("outputs", []):
            where = f"{path.name}, code cell {number}"
            assert output["output_type"] != "error", f"{where} has an error output"
            assert output.get("name") != "stderr", (
                f"{where} wrote to stderr: {output.get('text')!r}"
            )
            text = output_text(output)
            assert not MEMORY_ADDRESS.search(text), f"{where} shows a memory address"
            assert not MACHINE_PATH.search(text), f"{where} shows a path of this machine"
            assert "image/svg+xml" not in output.get("data", {}), (
                f"{where} has an SVG figure (use PNG)"
            )


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_has_the_series_shape(path):
    notebook = load(path)
    markdown = "\n".join(
        source(c) for c in notebook["cells"] if c["cell_type"] == "markdown"
    ).lower()
    code = "\n".join(source(c) for c in code_cells(notebook))
    figures = sum(
        "image/png" in output.get("data", {})
        for c in code_cells(notebook)
        for output in c.get("outputs", [])
    )
    assert "goals" in markdown or "you will learn" in markdown, f"{path.name}: no learning goals"
    assert "summary" in markdown, f"{path.name}: no summary"
    assert "exercise" in markdown, f"{path.name}: no exercises"
    assert code.count("check_") >= 2, f"{path.name}: exercises need check_... helpers"
    assert "ipywidgets" in code, f"{path.name}: no widget"
    assert "claim(" in code or "assert " in code, f"{path.name}: no claim is checked"
    assert figures >= 1, f"{path.name}: no figure"



def is_widget_cell(cell: dict) -> bool:
    return re.search(r"\binteract(_manual)?\(", source(cell)) is not None


def ignore_output_problems(notebook: dict) -> tuple[list[int], list[int]]:
    """(widget cells without the nbval-ignore-output tag, cells with an NBVAL_ comment)."""
    cells = code_cells(notebook)
    untagged = [number for number, cell in enumerate(cells, start=1) if is_widget_cell(cell)
                and "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", [])]
    commented = [number for number, cell in enumerate(cells, start=1)
                 if re.search(r"^\s*#\s*NBVAL_", source(cell), re.M)]
    return untagged, commented


def test_the_tag_check_notices_an_untagged_widget_and_a_comment():
    tagged = {"cell_type": "code", "metadata": {"tags": ["nbval-ignore-output"]},
              "source": "widgets.interact(f, x=1);"}
    bare = {"cell_type": "code", "metadata": {}, "source": "widgets.interact(f, x=1);"}
    commented = {"cell_type": "code", "metadata": {},
                 "source": "# NBVAL_IGNORE_OUTPUT\nprint(1)"}
    assert ignore_output_problems({"cells": [tagged]}) == ([], [])
    assert ignore_output_problems({"cells": [tagged, bare, commented]}) == ([2], [3])


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_widget_cells_are_tagged_not_commented(path):
    """nbval skips a widget cell's output when the cell carries the tag nbval-ignore-output
    (kept in the percent source as `# %% tags=["nbval-ignore-output"]`); the learner never
    reads that machinery as a comment in the code."""
    untagged, commented = ignore_output_problems(load(path))
    assert not untagged, f"{path.name}: widget cells {untagged} lack the nbval-ignore-output tag"
    assert not commented, f"{path.name}: cells {commented} use an NBVAL_ comment; tag them instead"


def checker_call_problems(number: int, code: str) -> list[str]:
    """How a notebook's code strays from the one way to call its exercise checkers: import
    the notebook's module once, `from ...exercises import nbNN as exercises`, and call
    `exercises.check_...(...)`."""
    module = f"nb{number:02d}"
    wanted = f"from minillm_helpers.notebook_support.exercises import {module} as exercises"
    imports = re.findall(r"^\s*(?:from|import) minillm_helpers\.notebook_support\.exercises\b.*$",
                         code, re.M)
    problems = [] if imports == [wanted] else [f"imports {imports}, not [{wanted!r}]"]
    checkers = importlib.import_module(f"minillm_helpers.notebook_support.exercises.{module}")
    for name in (n for n in vars(checkers) if n.startswith("check_")):
        if re.search(rf"(?<![\w.]){name}\(|\b(?!exercises\.)\w+\.{name}\(", code):
            problems.append(f"calls {name} other than as exercises.{name}(...)")
    return problems


def test_the_checker_call_check_notices_a_bare_call_and_another_name():
    wanted = "from minillm_helpers.notebook_support.exercises import nb08 as exercises\n"
    assert checker_call_problems(8, wanted + "exercises.check_no_residuals(1.0, 2.0)") == []
    assert checker_call_problems(8, wanted + "check_no_residuals(1.0, 2.0)")
    assert checker_call_problems(8, wanted + "exercise.check_no_residuals(1.0, 2.0)")
    assert checker_call_problems(8, wanted.replace("exercises\n", "exercise\n"))


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_every_notebook_calls_its_checkers_the_same_way(path):
    code = "\n".join(source(c) for c in code_cells(load(path)))
    problems = checker_call_problems(int(path.name[:2]), code)
    assert not problems, f"{path.name}: " + "; ".join(problems)
