"""Every notebook's widget renders and responds in JupyterLab, in a real (headless) browser.

nbval runs no JavaScript: a slider that renders as a blank box, or whose callback
never reaches the kernel, passes every other test. Here each test opens a notebook
in JupyterLab, clears it, runs all cells, finds the widget's controls by their
descriptions, uses them as a reader would (typing, keyboard-stepping a slider,
picking from a drop-down, ticking a box) and checks the text the widget prints.

The widget contract (description labels and the first printed line) is stated in
CONTRIBUTING.md's widget rule and each notebook's build script.
"""

from __future__ import annotations

import math
import re

import nbformat
import pytest
from browser_lab import NOTEBOOK_DIR

pytestmark = pytest.mark.browser

# Seconds to wait for a widget after "Run All Cells": the cells above it run first
# (notebook 06 trains its model for up to a minute).
WIDGET_TIMEOUT = {1: 120, 2: 120, 3: 120, 4: 120, 5: 150, 6: 300}
NOTEBOOKS = {
    1: "01_tokenization.ipynb",
    2: "02_embeddings.ipynb",
    3: "03_positional_encoding.ipynb",
    4: "04_attention.ipynb",
    5: "05_masked_attention.ipynb",
    6: "06_prediction_and_sampling.ipynb",
}
NUMBER = r"-?\d+(?:\.\d+)?"
MORE = r"(?:, \.\.\.)?"  # a listing may end in ", ..."


def open_and_run(lab, number: int) -> None:
    name = NOTEBOOKS[number]
    assert (NOTEBOOK_DIR / name).exists(), f"notebooks/{name} is missing"
    lab.open_notebook(name)
    lab.run_all()


def step_slider(lab, slider, key: str, times: int, other: str) -> str:
    """Press `key` on the slider `times` times (or `other`, if already at the end)."""
    before = lab.readout(slider)
    lab.press_on_slider(slider, *[key] * times)
    if lab.readout(slider) == before:
        lab.press_on_slider(slider, *[other] * times)
    after = lab.readout(slider)
    assert after != before, f"the slider did not move from {before} with the keyboard"
    return after


def pick_another(dropdown) -> tuple[str, str]:
    """Pick a different word from the drop-down (the last one, preferring real words);
    returns (the word shown before, the word picked)."""
    select = dropdown.locator("select")
    options = [text.strip() for text in select.locator("option").all_inner_texts()]
    current = select.evaluate("s => s.options[s.selectedIndex].text").strip()
    others = [option for option in options if option != current]
    assert others, f"the drop-down offers nothing but {current!r}"
    words = [option for option in others if re.fullmatch(r"\w+", option)]
    choice = (words or others)[-1]
    select.select_option(label=choice)
    return current, choice


def test_harness_slider_updates_output(lab):
    """The harness itself: a throwaway notebook (FloatSlider -> Output) works end to end."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as widgets\n"
            "slider = widgets.FloatSlider(value=0.5, min=0, max=1, step=0.1, description='Scale')\n"
            "out = widgets.Output()\n"
            "def show(change=None):\n"
            "    out.clear_output(wait=True)\n"
            "    with out:\n"
            "        print(f'Scale is {slider.value:.1f}, doubled {2 * slider.value:.1f}')\n"
            "slider.observe(show, names='value')\n"
            "show()\n"
            "widgets.VBox([slider, out])"
        )
    ]
    nbformat.write(notebook, lab.server.root_dir / "harness_check.ipynb")
    lab.open_notebook("harness_check.ipynb")
    lab.run_all()
    slider = lab.control("Scale", timeout=60)
    cell = lab.cell_of(slider)
    first = lab.wait_for_line(cell, r"^Scale is ")
    assert first == "Scale is 0.5, doubled 1.0"
    assert lab.readout(slider) == "0.50"
    lab.press_on_slider(slider, "ArrowRight", "ArrowRight")
    assert lab.readout(slider) == "0.70"
    lab.wait_for_line(cell, r"^Scale is 0\.7, doubled 1\.4$")


def test_01_text_box_shows_the_ids_of_the_typed_text(lab):
    from minillm_helpers.tokenizer import CharTokenizer

    # The widget's tokenizer: the article's eight characters.
    tokenizer = CharTokenizer(list("dehlorw "))
    open_and_run(lab, 1)
    text = lab.control("Text", timeout=WIDGET_TIMEOUT[1])
    cell = lab.cell_of(text)
    first = lab.wait_for_line(cell, r"^IDs: \[")
    typed = "hello world"
    box = text.locator("input")
    box.fill("")
    box.press_sequentially(typed, delay=30)
    expected = f"IDs: {tokenizer.encode(typed)}"
    assert expected != first
    lab.wait_for_line(cell, "^" + re.escape(expected) + "$", unlike=first)
    assert f"Decoded: {typed}" in lab.lines(cell)


def test_02_drop_down_shows_the_new_words_neighbours(lab):
    open_and_run(lab, 2)
    word = lab.control("Word", timeout=WIDGET_TIMEOUT[2])
    cell = lab.cell_of(word)
    neighbours = rf"^Nearest to (\S+): \S+ {NUMBER}(, \S+ {NUMBER})*{MORE}$"
    first = lab.wait_for_line(cell, neighbours)
    current, choice = pick_another(word)
    assert first.startswith(f"Nearest to {current}:")
    line = lab.wait_for_line(cell, rf"^Nearest to {re.escape(choice)}: ", unlike=first)
    assert re.match(neighbours, line), line
    cosines = [float(value) for value in re.findall(rf" ({NUMBER})(?=,|$)", line)]
    assert cosines and all(-1.0 <= value <= 1.0 for value in cosines), line


def test_03_frequency_slider_changes_the_printed_sine(lab):
    open_and_run(lab, 3)
    frequency = lab.control("Frequency", timeout=WIDGET_TIMEOUT[3])
    index = lab.control("Index", timeout=10)
    cell = lab.cell_of(frequency)
    pattern = rf"^sin\((\d+) × ({NUMBER})\) = ({NUMBER})$"
    first = lab.wait_for_line(cell, pattern)
    shown = step_slider(lab, frequency, "ArrowRight", 3, "ArrowLeft")
    line = lab.wait_for_line(
        cell, pattern, unlike=first,
        accept=lambda m: math.isclose(float(m[2]), float(shown), abs_tol=1e-9),
    )  # fmt: skip
    i, f, value = re.match(pattern, line).groups()
    assert int(i) == int(lab.readout(index))
    assert math.isclose(float(f), float(shown), abs_tol=1e-9), (line, shown)
    assert abs(float(value) - math.sin(int(i) * float(f))) <= 5e-4 + 1e-9, line


def test_04_query_drop_down_changes_what_it_attends_to(lab):
    open_and_run(lab, 4)
    query = lab.control("Query", timeout=WIDGET_TIMEOUT[4])
    cell = lab.cell_of(query)
    attends = rf"^(\S+) attends to: \S+ {NUMBER}(, \S+ {NUMBER})*$"
    first = lab.wait_for_line(cell, attends)
    current, choice = pick_another(query)
    assert first.startswith(f"{current} attends to:")
    line = lab.wait_for_line(cell, rf"^{re.escape(choice)} attends to: ", unlike=first)
    assert re.match(attends, line), line
    weights = [float(value) for value in re.findall(rf" ({NUMBER})(?=,|$)", line)]
    assert weights and all(0.0 <= value <= 1.0 for value in weights), line


def test_05_mask_checkbox_zeroes_the_weights_above_the_diagonal(lab):
    open_and_run(lab, 5)
    mask = lab.control("Causal mask", timeout=WIDGET_TIMEOUT[5])
    cell = lab.cell_of(mask)
    pattern = rf"^Mask (on|off): weights above the diagonal sum to ({NUMBER})$"
    box = mask.locator("input[type=checkbox]")
    line = lab.wait_for_line(cell, pattern)
    states = {}
    for _ in range(2):  # toggle off and on again (or on and off)
        state, total = re.match(pattern, line).groups()
        assert box.is_checked() == (state == "on"), line
        states[state] = float(total)
        box.click()
        line = lab.wait_for_line(cell, pattern, unlike=line)
    assert set(states) == {"on", "off"}, states
    assert states["on"] == 0.0 and states["off"] > 0.0, states


def test_06_temperature_slider_reshapes_the_distribution(lab):
    open_and_run(lab, 6)
    temperature = lab.control("Temperature", timeout=WIDGET_TIMEOUT[6])
    cell = lab.cell_of(temperature)
    pattern = rf"^After '(.+)' at temperature ({NUMBER}): (\S+ {NUMBER}(?:, \S+ {NUMBER})*){MORE}$"
    first = lab.wait_for_line(cell, pattern)
    prompt, old_t, old_probs = re.match(pattern, first).groups()
    shown = step_slider(lab, temperature, "ArrowRight", 5, "ArrowLeft")
    line = lab.wait_for_line(
        cell, pattern, unlike=first, timeout=60,
        accept=lambda m: math.isclose(float(m[2]), float(shown), abs_tol=1e-9),
    )  # fmt: skip
    new_prompt, new_t, new_probs = re.match(pattern, line).groups()
    assert new_prompt == prompt and float(new_t) != float(old_t)
    assert new_probs != old_probs, "the probabilities did not change with the temperature"
    probabilities = [float(value) for value in re.findall(rf" ({NUMBER})(?=,|$)", new_probs)]
    assert probabilities and all(0.0 <= p <= 1.0 for p in probabilities), line
    assert any(printed.startswith("Sample:") for printed in lab.lines(cell))
