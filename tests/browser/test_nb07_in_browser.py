"""Notebook 07 in JupyterLab, in a real (headless) browser: after "Run All" trains the model
on Tiny Shakespeare, the sample widget answers a reader's temperature and prompt, and the
"train on your own text" button trains on a file and prints a sample.

Uses the browser tier's fixtures and helpers (conftest.py, browser_lab.py). The data set
must be on this machine or downloadable (CI seeds $MINILLM_DATA_DIR: .ci/run).
"""

from __future__ import annotations

import math
import re

import pytest
from browser_lab import NOTEBOOK_DIR

pytestmark = pytest.mark.browser

NOTEBOOK = "07_your_mini_llm.ipynb"
# Run All trains for about a minute on a quiet 2-core CPU; leave room for a busy one.
WIDGET_TIMEOUT = 600
SETTINGS_LINE = r"^Prompt '(.*)' · temperature (\d+\.\d\d) · top-k (\w+) · top-p ([\w.]+)$"


def step_slider(lab, slider, key: str, times: int) -> str:
    before = lab.readout(slider)
    lab.press_on_slider(slider, *[key] * times)
    after = lab.readout(slider)
    assert after != before, f"the slider did not move from {before} with the keyboard"
    return after


def sample_after(lab, cell, settings_line: str) -> list[str]:
    """The printed lines after the settings line (the sample itself)."""
    lines = lab.lines(cell)
    return lines[lines.index(settings_line) + 1 :]


def test_07_sample_widget_and_own_text_training(lab):
    assert (NOTEBOOK_DIR / NOTEBOOK).exists(), f"notebooks/{NOTEBOOK} is missing"
    lab.open_notebook(NOTEBOOK)
    lab.run_all()

    # The sample widget: its first line states the settings, then a sample of the play.
    # Its "Length" slider is its own; the explorer above shares the other labels, so the
    # rest are looked up inside the sample widget's cell.
    cell = lab.cell_of(lab.control("Length", timeout=WIDGET_TIMEOUT))
    temperature = lab.control("Temperature", timeout=10, within=cell)
    prompt = lab.control("Prompt", timeout=10, within=cell)
    lab.control("Top-k (0 = off)", timeout=10, within=cell)
    lab.control("Top-p (1 = off)", timeout=10, within=cell)
    first = lab.wait_for_line(cell, SETTINGS_LINE, timeout=60)
    assert re.match(SETTINGS_LINE, first).groups() == ("ROMEO:", "0.80", "20", "off"), first
    sample = sample_after(lab, cell, first)
    assert sample and sample[0].startswith("ROMEO:"), sample
    assert len(sample) >= 3, f"a sample of several lines was expected, got {sample!r}"

    # A cooler temperature: a fresh sample at the new setting.
    shown = step_slider(lab, temperature, "ArrowLeft", 4)
    line = lab.wait_for_line(
        cell, SETTINGS_LINE, unlike=first, timeout=60,
        accept=lambda m: math.isclose(float(m[2]), float(shown), abs_tol=1e-9),
    )
    assert sample_after(lab, cell, line)[0].startswith("ROMEO:")

    # A prompt of the reader's: the sample continues it.
    box = prompt.locator("input")
    box.fill("JULIET:")
    box.press("Enter")  # the text box sends its value on Enter
    line = lab.wait_for_line(cell, SETTINGS_LINE, timeout=60, accept=lambda m: m[1] == "JULIET:")
    assert sample_after(lab, cell, line)[0].startswith("JULIET:")

    # Train on your own text: the project's corpus, 100 steps.
    path = lab.control("Path of a text file", timeout=10)
    path.locator("input").fill("../data/corpus.txt")
    steps = lab.control("Steps", timeout=10)
    while int(lab.readout(steps)) > 100:
        lab.press_on_slider(steps, "ArrowLeft")
    button = lab.page.locator("button").filter(has_text="Train on my text")
    button.click()
    own_cell = lab.cell_of(button)
    trained = lab.wait_for_line(
        own_cell, r"^Trained on corpus\.txt \([\d,]+ characters, \d+ distinct\) for 100 steps: "
        r"validation loss \d+\.\d\d$", timeout=WIDGET_TIMEOUT,
    )
    lines = lab.lines(own_cell)
    assert len(lines) > lines.index(trained) + 1, "no sample after the training line"
    assert lab.errors() == [], lab.errors()
