"""Notebook 07's live training display and widget texts. The notebook passes in its own
concept functions (generate, train...): this module only formats, reads files and redraws."""

from __future__ import annotations

import time
from pathlib import Path

from minillm_helpers.checks import unseen_units
from minillm_helpers.datasets import decode_text, read_text
from minillm_helpers.notebook_support.plotting import loss_curves
from minillm_helpers.notebook_support.widgets.nb06 import cut_settings, describe_settings
from minillm_helpers.training import TrainingHistory


def progress_line(step: int, steps: int, history, seconds: float, recent: int = 50) -> str:
    """'step 200 of 600 · 14 s · training loss 2.31 · validation loss 2.35' from the latest
    evaluation, when there is one; else the mean loss of the last `recent` batches."""
    parts = [f"step {step} of {steps}", f"{seconds:.0f} s"]
    if history.val_eval:
        parts += [f"training loss {history.train_eval[-1]:.2f}",
                  f"validation loss {history.val_eval[-1]:.2f}"]
    elif history.losses:
        last = history.losses[-recent:]
        parts.append(f"loss {sum(last) / len(last):.2f} (last {len(last)} batches)")
    return " · ".join(parts)


class LiveProgress:
    """train's on_step: the loss figure redrawn in place every `every` steps, samples kept at
    `snapshots` steps (`sample(model)` -> text), every line in `lines`; show=False draws
    nothing. Handed to several train calls in a row, it counts them as one run: `history`.
    `finish()` draws the last figure; `seconds` is the time from the start to the last line."""

    def __init__(self, steps: int, every: int = 25, baseline: float | None = None,
                 snapshots=(), sample=None, show: bool = True):
        self.steps, self.every, self.baseline = steps, every, baseline
        self.snapshots, self.sample, self.show = set(snapshots), sample, show
        self.samples: dict[int, str] = {}
        self.lines: list[str] = []
        self.earlier = self.current = TrainingHistory()  # the train calls done; the one running
        self.shift = 0  # the steps of the train calls done: the running one's count on from it
        self.started = time.monotonic()
        self.seconds = 0.0
        self.handle = None

    @property
    def history(self) -> TrainingHistory:
        """The train calls so far as one run: the running one's steps counted on from the last."""
        first, then, shift = self.earlier, self.current, self.shift
        return TrainingHistory(first.steps + [s + shift for s in then.steps],
                               first.losses + then.losses,
                               first.eval_steps + [s + shift for s in then.eval_steps],
                               first.train_eval + then.train_eval, first.val_eval + then.val_eval)

    def __call__(self, step: int, model, history) -> None:
        if history is not self.current:  # the first step of another train call
            self.earlier, self.current = self.history, history
            self.shift = self.earlier.steps[-1] if self.earlier.steps else 0
        step += self.shift
        if step in self.snapshots and self.sample is not None:
            self.samples[step] = self.sample(model)
        if step % self.every == 0 or step == self.steps:
            self.draw()

    def draw(self) -> str:
        self.seconds = time.monotonic() - self.started
        history = self.history
        line = progress_line(history.steps[-1], self.steps, history, self.seconds)
        self.lines.append(line)
        if self.show:
            import matplotlib.pyplot as plt
            from IPython.display import display

            figure = loss_curves(history, line, baseline=self.baseline).figure
            if self.handle is None:
                self.handle = display(figure, display_id=True)
            else:
                self.handle.update(figure)
            plt.close(figure)  # shown through the handle only, not again at the cell's end
        return line

    finish = draw


def sample_readout(prompt: str, temperature: float, top_k: int, top_p: float, length: int,
                   tokenizer, write) -> str:
    """The settings on one line, then the prompt and `write(prompt, length, temperature,
    top_k, top_p)`'s continuation, or a sentence for a prompt the model cannot read."""
    settings = f"Prompt {prompt!r} · {describe_settings(temperature, top_k, top_p, ' · ')}"
    top_k, top_p = cut_settings(top_k, top_p)
    if not prompt:
        return f"{settings}\nType a prompt of at least one character, e.g. ROMEO:"
    if unseen := unseen_units(tokenizer, prompt):
        return (f"{settings}\nThe model never saw {unseen}: use only characters of the text it "
                "trained on.")
    return f"{settings}\n{prompt}{write(prompt, int(length), float(temperature), top_k, top_p)}"


def read_own_text(path: str = "", upload=()) -> tuple[str, str]:
    """The reader's text and its name: an uploaded file (ipywidgets FileUpload's value)
    if there is one, else the file at `path`. ValueError says what is wrong."""
    if upload:
        item = upload[0] if isinstance(upload, (tuple, list)) else next(iter(upload.values()))
        name = item.get("name", "upload")
        return decode_text(bytes(item["content"]), name), name
    if path.strip():
        return read_text(path.strip()), Path(path.strip()).name
    raise ValueError("Choose a file with Upload, or type the path of a text file.")


def own_text_readout(path: str, upload, steps: int, fit, min_characters: int = 2000) -> str:
    """The "train on your own text" button: read the text, check it is long enough, then
    `fit(text, steps)` (the notebook trains and samples) -> (validation loss, sample)."""
    try:
        text, name = read_own_text(path, upload)
    except ValueError as error:
        return str(error)
    if len(text) < min_characters:
        return (f"{name} has {len(text):,} characters; give at least {min_characters:,} "
                "(a few pages) so there is something to learn and something to validate on.")
    loss, sample = fit(text, int(steps))
    return (f"Trained on {name} ({len(text):,} characters, {len(set(text))} distinct) for "
            f"{int(steps)} steps: validation loss {loss:.2f}\n{sample}")
