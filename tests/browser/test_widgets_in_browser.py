"""Every notebook's widget renders and responds in JupyterLab, in a real (headless) browser;
and JupyterLab, started the way `python3 run.py lab` starts it, asks the learner nothing.

nbval runs no JavaScript: a slider that renders as a blank box, or whose callback
never reaches the kernel, passes every other test. Here each test opens a notebook
in JupyterLab, clears it, runs all cells, finds the widget's controls by their
descriptions, uses them as a reader would (typing, keyboard-stepping a slider,
picking from a drop-down, ticking a box) and checks the text the widget prints.

The widget contract (description labels and the first printed line) is stated in
CONTRIBUTING.md's widget rule and each notebook's widget module in
minillm_helpers/notebook_support/widgets/.
"""

from __future__ import annotations

import math
import re

import nbformat
import pytest
from browser_lab import NEWS_QUESTION, NOTEBOOK_DIR, NOTIFICATION_PLUGIN, LabPage, LabServer

pytestmark = pytest.mark.browser

# Seconds to wait for a widget after "Run All Cells": the cells above it run first
# (notebook 06 trains its model: about a minute alone, several on a busy machine).
WIDGET_TIMEOUT = {1: 120, 2: 120, 3: 120, 4: 120, 5: 150, 6: 480}
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


def test_lab_asks_no_question_about_jupyter_news(lab):
    """A learner's JupyterLab (run.py's settings) opens on the notebook, with no toast asking
    "Would you like to get notified about official Jupyter news?" over it."""
    lab.open_notebook(NOTEBOOKS[1])
    lab.page.wait_for_timeout(5_000)  # the question would come right after start-up (see below)
    assert lab.page.get_by_text(NEWS_QUESTION).count() == 0, "JupyterLab asked about its news"
    assert lab.page.locator(".Toastify__toast").count() == 0, "JupyterLab showed a notification"


def test_the_news_check_sees_the_question_where_lab_asks_it(browser_context):
    """The check above can fail: with fetchNews undecided ("none", JupyterLab's own default)
    the same page shows the question within seconds."""
    context, guard = browser_context
    blocked_before = len(guard.blocked)
    server = LabServer(settings={NOTIFICATION_PLUGIN: {"fetchNews": "none"}})
    page = None
    try:
        server.start()
        page = context.new_page()
        page.set_default_timeout(30_000)
        lab = LabPage(page, server)
        lab.open_notebook(NOTEBOOKS[1])
        page.get_by_text(NEWS_QUESTION).first.wait_for(state="visible", timeout=15_000)
    finally:
        if page is not None:
            page.close()
        server.stop()
    assert guard.blocked[blocked_before:] == [], "the page tried to reach the internet"


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
    )
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


SETTINGS = rf"temperature ({NUMBER}), top-k (off|\d+), top-p (off|{NUMBER})"
SAMPLING_LINE = rf"^After '(.+)' \({SETTINGS}\): (\S+ {NUMBER}(?:, \S+ {NUMBER})*)$"


def listed_words(line: str) -> dict[str, float]:
    """{word: probability} from the widget's first line."""
    listing = re.match(SAMPLING_LINE, line).group(5)
    return {word: float(p) for word, p in re.findall(rf"(\S+) ({NUMBER})(?=,|$)", listing)}


def test_06_prompt_temperature_and_cuts_reshape_the_distribution(lab):
    open_and_run(lab, 6)
    temperature = lab.control("Temperature", timeout=WIDGET_TIMEOUT[6])
    top_k = lab.control("Top-k (0 = off)", timeout=10)
    prompt = lab.control("Prompt", timeout=10)
    lab.control("Top-p (1 = off)", timeout=10)
    cell = lab.cell_of(temperature)
    first = lab.wait_for_line(cell, SAMPLING_LINE)
    old_prompt, old_t, k, p, _ = re.match(SAMPLING_LINE, first).groups()
    assert (k, p) == ("off", "off"), first
    assert any(line.startswith("Sample: ") for line in lab.lines(cell))

    # A hotter temperature: the same words, flatter probabilities.
    shown = step_slider(lab, temperature, "ArrowRight", 5, "ArrowLeft")
    line = lab.wait_for_line(
        cell, SAMPLING_LINE, unlike=first, timeout=60,
        accept=lambda m: math.isclose(float(m[2]), float(shown), abs_tol=1e-9),
    )
    assert re.match(SAMPLING_LINE, line)[1] == old_prompt
    assert listed_words(line) != listed_words(first), "the temperature changed nothing"
    assert all(0.0 <= value <= 1.0 for value in listed_words(line).values()), line

    # Top-k 3: three words are left to draw from.
    lab.press_on_slider(top_k, "ArrowRight", "ArrowRight", "ArrowRight")
    assert lab.readout(top_k) == "3"
    line = lab.wait_for_line(cell, SAMPLING_LINE, timeout=60, accept=lambda m: m[3] == "3")
    assert sum(value > 0 for value in listed_words(line).values()) <= 3, line
    lab.wait_for_line(cell, r"^3 of \d+ words can be drawn$")

    # The wizard's prompt: magic becomes the favourite.
    select = prompt.locator("select")
    wizard = [o for o in select.locator("option").all_inner_texts() if "wizard" in o]
    assert wizard, "the Prompt drop-down offers no wizard prompt"
    select.select_option(label=wizard[0])
    shown = " ".join(wizard[0].split())  # the drop-down shows spaces as no-break spaces
    line = lab.wait_for_line(
        cell, SAMPLING_LINE, timeout=60, accept=lambda m: m[1] == shown and m[3] == "3"
    )
    probabilities = listed_words(line)
    assert max(probabilities, key=probabilities.get) == "magically", line
