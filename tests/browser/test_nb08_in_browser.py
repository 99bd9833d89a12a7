"""Notebook 08's deep-stack widget in JupyterLab, in a real (headless) browser: the "Blocks"
slider and the "Residual connections" and "Layer norm" boxes rebuild the stack, and the
printed gradient and activation sizes change as notebook 08 says they do.

Run All would first train the whole ladder (minutes on a busy CPU), which the widget does
not need: it measures untrained stacks. So the test opens a copy of notebook 08 that keeps
its code cells in order up to the widget, less those that train or read what training
produced; JupyterLab then runs the notebook's own cells, widget cell included, in well
under a minute. Uses the browser tier's fixtures and helpers (conftest.py, browser_lab.py).
Needs Tiny Shakespeare on this machine or downloadable (CI seeds $MINILLM_DATA_DIR).
"""

from __future__ import annotations

import re

import pytest
from browser_lab import NOTEBOOK_DIR, widget_notebook

pytestmark = pytest.mark.browser

NOTEBOOK = "08_taking_the_block_apart.ipynb"
# A cell that trains (`train(`) or reads the ladder's results (`models`, `val`) is left out.
TRAINS = re.compile(r"\btrain\(|\bmodels\b|\bval\b")
TITLE = r"^(\d+) blocks, residuals (on|off), layer norm (on|off)$"
NUMBER = r"\d\.\d(?:e[+-]\d\d)?|inf"
READING = (rf"^gradient at block 1: ({NUMBER}) \(block (\d+): ({NUMBER}), ({NUMBER}) times "
           rf"more\); activations (\d+\.\d\d) entering, (\d+\.\d\d) leaving block (\d+)$")


def reading(lab, cell, title: str, unlike: str | None = None) -> tuple[str, re.Match]:
    """Wait for the widget's title line `title`, then return its reading line, parsed."""
    lab.wait_for_line(cell, "^" + re.escape(title) + "$", timeout=60)
    line = lab.wait_for_line(cell, READING, timeout=60, unlike=unlike)
    lines = lab.lines(cell)
    assert lines[lines.index(line) - 1] == title, lines
    return line, re.match(READING, line)


def test_08_deep_stack_widget_answers_the_controls(lab):
    assert (NOTEBOOK_DIR / NOTEBOOK).exists(), f"notebooks/{NOTEBOOK} is missing"
    lab.open_notebook(
        widget_notebook(
            lab.server.root_dir, NOTEBOOK, "stack_controls()", TRAINS, "08_deep_stack_widget.ipynb"
        )
    )
    lab.run_all()
    blocks = lab.control("Blocks", timeout=180)
    residual = lab.control("Residual connections", timeout=10)
    layer_norm = lab.control("Layer norm", timeout=10)
    cell = lab.cell_of(blocks)
    assert lab.readout(blocks) == "8"

    # As the notebook opens it: 8 blocks, neither piece; block 1 gets almost nothing.
    line, bare = reading(lab, cell, "8 blocks, residuals off, layer norm off")
    assert bare[2] == bare[7] == "8", line
    assert float(bare[4]) > 1e6, f"without residuals block 8 should get far more: {line}"
    assert float(bare[6]) < 0.1 * float(bare[5]), f"the signal should fade: {line}"

    # Fewer blocks: a new stack, measured afresh.
    lab.press_on_slider(blocks, "ArrowLeft", "ArrowLeft", "ArrowLeft", "ArrowLeft")
    assert lab.readout(blocks) == "4"
    line, four = reading(lab, cell, "4 blocks, residuals off, layer norm off", unlike=line)
    assert four[2] == four[7] == "4", line
    assert 100 < float(four[4]) < float(bare[4]), f"4 blocks fade less than 8, still a lot: {line}"

    # Residual connections on: the gradient reaches block 1 again.
    residual.locator("input[type=checkbox]").click()
    line, with_residuals = reading(lab, cell, "4 blocks, residuals on, layer norm off",
                                   unlike=line)
    assert float(with_residuals[4]) < 2, f"with residuals block 1 gets about as much: {line}"

    # Layer norm on as well: still a reading, still no error.
    layer_norm.locator("input[type=checkbox]").click()
    line, both = reading(lab, cell, "4 blocks, residuals on, layer norm on", unlike=line)
    assert float(both[4]) < 2, line
    assert cell.locator(".widget-output img").count() >= 1, "the widget drew no chart"
    assert lab.errors() == [], lab.errors()
