"""Each notebook reads as a story: short, with the idea in every cell.

Limits per notebook: at most 280 lines of code, no code cell over 25 lines (a cell that
defines a class: 40), at most one `raise` (where the error is itself the lesson). Lines are
counted as the project's story-stats tool counts them: every non-blank line of a
code cell, comments included.
"""

import re

import pytest
from notebook_tools import code_cells, load, notebook_paths, source

MAX_LINES, MAX_CELL, MAX_CLASS_CELL, MAX_RAISE = 280, 25, 40, 1


def cell_lines(code: str) -> int:
    return len([line for line in code.splitlines() if line.strip()])


def defines_a_class(code: str) -> bool:
    return re.search(r"^class\s", code, re.M) is not None


def raise_count(code: str) -> int:
    return len(re.findall(r"^\s*raise\b", code, re.M))


def story_figures(notebook: dict) -> dict:
    """Code lines, longest cell, over-long cells (with their first line) and raises."""
    sources = [source(cell) for cell in code_cells(notebook)]
    lines = [cell_lines(code) for code in sources]
    too_long = [
        f"cell {number} ({count} lines: {code.strip().splitlines()[0][:50]!r})"
        for number, (count, code) in enumerate(zip(lines, sources, strict=True), start=1)
        if count > (MAX_CLASS_CELL if defines_a_class(code) else MAX_CELL)
    ]
    return {
        "lines": sum(lines),
        "longest": max(lines, default=0),
        "too_long": too_long,
        "raises": sum(raise_count(code) for code in sources),
    }


def test_counting_matches_the_stats_tool():
    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# a title\n\nprose is not code\n"},
        {"cell_type": "code", "source": "x = 1\n\n# a comment counts\n   \ny = 2\n"},
        {"cell_type": "code", "source": ["class A:\n", "    def f(self):\n",
                                          "        raise ValueError('the lesson')\n"]},
        {"cell_type": "code", "source": "message = 'raise is only a word here'\n"},
    ]}
    figures = story_figures(notebook)
    assert figures == {"lines": 7, "longest": 3, "too_long": [], "raises": 1}


def test_limits_notice_a_long_cell_but_allow_a_longer_class():
    long_cell = "\n".join(f"x{i} = {i}" for i in range(26))
    class_cell = "class A:\n" + "\n".join(f"    x{i} = {i}" for i in range(39))
    figures = story_figures({"cells": [{"cell_type": "code", "source": long_cell},
                                       {"cell_type": "code", "source": class_cell}]})
    assert figures["longest"] == 40 and len(figures["too_long"]) == 1
    assert figures["too_long"][0].startswith("cell 1 (26 lines")


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_keeps_the_story_limits(path):
    figures = story_figures(load(path))
    problems = []
    if figures["lines"] > MAX_LINES:
        problems.append(f"{figures['lines']} lines of code (at most {MAX_LINES})")
    if figures["too_long"]:
        problems.append(f"cells over {MAX_CELL} lines ({MAX_CLASS_CELL} for a class): "
                        + ", ".join(figures["too_long"]))
    if figures["raises"] > MAX_RAISE:
        problems.append(f"{figures['raises']} raise statements (at most {MAX_RAISE}, "
                        "where the error is the lesson)")
    assert not problems, (
        f"{path.name}: " + "; ".join(problems) + ". Move checks and plumbing into the package "
        "(minillm_helpers/checks.py, notebook_support) and call them in one line."
    )
