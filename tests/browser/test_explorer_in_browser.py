"""The model explorer in JupyterLab, in a real (headless) browser.

The test trains a tiny model with `minillm train` (a few steps on a short text written
here), writes a one-cell notebook that calls `explore("runs/tiny", prompt=...)`, runs it,
and uses the panel as a reader would: types a prompt, picks a layer and a head, moves the
temperature, presses "Next token" twice and "Undo" once (the box keeps the prompt), types
a character the model never saw; the panel answers each time and the page shows no
error. It does not depend on notebook 07. A screenshot of the panel is saved as
test-artifacts/explorer_panel.png.

Uses the browser tier's fixtures and helpers (conftest.py, browser_lab.py).
"""

from __future__ import annotations

import re
import time

import nbformat
import pytest
from browser_lab import ARTIFACTS

pytestmark = pytest.mark.browser

TEXT = "the cat sat on the mat. the dog ran to the red barn while birds sang.\n" * 20
TINY = ["--context-length", "16", "--width", "16", "--num-heads", "2", "--num-layers", "2",
        "--batch-size", "4", "--eval-batches", "1", "--eval-batch-size", "4",
        "--warmup-steps", "2", "--steps", "6", "--eval-every", "6", "--threads", "1",
        "--device", "cpu", "--no-plot", "--no-progress"]
STATUS = r"^(\d+) tokens \(characters\)(?:, (\d+) appended here)? · "


def write_explorer_notebook(root) -> str:
    """Train the tiny model into root/runs/tiny and write the notebook that explores it."""
    from minillm_helpers.cli.command import main as minillm

    (root / "tiny.txt").write_text(TEXT, encoding="utf-8")
    assert minillm(["train", str(root / "tiny.txt"), "--out", str(root / "runs" / "tiny"),
                    *TINY]) == 0
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell(
        "from minillm_helpers.notebook_support.explorer import explore\n"
        "explore('runs/tiny', prompt='the cat')"
    )]
    nbformat.write(notebook, root / "explorer_check.ipynb")
    return "explorer_check.ipynb"


def wait_until(read, accept, what: str, timeout: float = 30.0):
    """Poll read() until accept(value); returns the value (fails naming `what`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not appear within {timeout:.0f} s; last seen: "
                                 f"{value!r}")
        time.sleep(0.05)


def test_explorer_answers_a_reader(lab):
    page = lab.page
    lab.open_notebook(write_explorer_notebook(lab.server.root_dir))
    lab.run_all()
    prompt = lab.control("Prompt", timeout=120)
    panel = page.locator(".minillm-explorer").first
    status = panel.locator(".minillm-explorer-status")
    looks = panel.locator(".minillm-explorer-looks .minillm-looks-caption")
    bars = panel.locator(".minillm-explorer-bars")
    box = prompt.locator("textarea")

    def status_text():
        return status.inner_text().strip()

    def counted(text):
        match = re.match(STATUS, text)
        return (int(match[1]), int(match[2] or 0)) if match else None

    wait_until(status_text, lambda t: counted(t) == (7, 0), "the status of 'the cat'")
    assert panel.locator(".minillm-explorer-chips span").count() == 7
    assert panel.locator(".minillm-explorer-lens tr").count() == 3  # embeddings + 2 blocks

    # A prompt of the reader's, typed key by key: the tokens follow.
    box.fill("")
    box.press_sequentially("the dog ran", delay=30)
    wait_until(status_text, lambda t: counted(t) == (11, 0), "the status of 'the dog ran'")
    wait_until(lambda: panel.locator(".minillm-explorer-chips span").count(), lambda n: n == 11,
               "eleven chips")

    # Layer 2, head 2: the attention view says which head it shows.
    lab.control("Layer", timeout=10).locator("select").select_option(label="2")
    wait_until(looks.inner_text, lambda t: t.startswith("layer 2, head 1: token 10"), "layer 2")
    lab.control("Head", timeout=10).locator("select").select_option(label="2")
    wait_until(looks.inner_text, lambda t: t.startswith("layer 2, head 2: token 10"), "head 2")
    assert panel.locator(".minillm-explorer-attention img").count() == 1
    lab.control("Head", timeout=10).locator("select").select_option(label="all")
    wait_until(lambda: panel.locator(".minillm-explorer-attention img").count(),
               lambda n: n == 2, "one heat map per head")
    lab.control("Head", timeout=10).locator("select").select_option(label="1")

    # A hotter temperature: the bars redraw under the new setting.
    temperature = lab.control("Temperature", timeout=10)
    started = time.monotonic()
    lab.press_on_slider(temperature, "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight")
    assert lab.readout(temperature) == "1.20"
    wait_until(bars.inner_text, lambda t: "temperature 1.20, top-k off, top-p off" in t,
               "the bars at temperature 1.20")
    lab.mark(f"temperature moved and the bars redrawn in {time.monotonic() - started:.2f} s")
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "explorer_panel.png"))

    # Next token twice: two green chips more; Undo: one fewer. The box keeps the reader's
    # prompt (the panel never writes into it, so no key typed meanwhile is lost).
    before = box.input_value()
    chips = panel.locator(".minillm-explorer-chips span")
    next_token = page.locator("button").filter(has_text="Next token")
    next_token.click()
    wait_until(status_text, lambda t: counted(t) == (12, 1), "one appended token")
    next_token.click()
    wait_until(status_text, lambda t: counted(t) == (13, 2), "two appended tokens")
    wait_until(chips.count, lambda n: n == 13, "thirteen chips")
    page.locator("button").filter(has_text="Undo").click()
    wait_until(status_text, lambda t: counted(t) == (12, 1), "one token undone")
    wait_until(chips.count, lambda n: n == 12, "twelve chips")
    assert box.input_value() == before

    # A character the model never saw: one sentence, no traceback.
    box.fill("the Zebra")
    line = wait_until(status_text, lambda t: t.startswith("The model never saw"), "the sentence")
    assert line == "The model never saw 'Z': use only characters of the text it trained on."
    assert panel.locator(".minillm-explorer-problem").inner_text().strip() == ""
    assert lab.errors() == [], lab.errors()
