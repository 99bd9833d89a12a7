"""Notebook 07's widget callbacks and live training display, as plain functions."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from minillm_helpers.model import GPT, GPTConfig  # noqa: E402
from minillm_helpers.notebook_support.widgets.nb07 import (  # noqa: E402
    LiveProgress,
    own_text_readout,
    progress_line,
    read_own_text,
    sample_readout,
)
from minillm_helpers.tokenizer import CharTokenizer  # noqa: E402
from minillm_helpers.training import TrainingHistory, train  # noqa: E402

VOCABULARY = list("\n :ABEIMORTabcdeilmnorst")
TOKENIZER = CharTokenizer(VOCABULARY)


def echo(prompt, length, temperature, top_k, top_p):
    """A stand-in for the notebook's generate: shows what it was asked for."""
    return f"<{length} {temperature} {top_k} {top_p}>"


def history_with(losses, evaluations=()):
    history = TrainingHistory()
    for step, loss in enumerate(losses, start=1):
        history.record_step(step, loss)
    for step, train_loss, val_loss in evaluations:
        history.record_evaluation(step, train_loss, val_loss)
    return history


# ---------------------------------------------------------------- the sample widget
def test_sample_readout_states_the_settings_then_the_sample():
    text = sample_readout("ROMEO:", 0.8, 20, 0.95, 300, TOKENIZER, echo)
    settings, sample = text.split("\n", 1)
    assert settings == "Prompt 'ROMEO:' · temperature 0.80 · top-k 20 · top-p 0.95"
    assert sample == "ROMEO:<300 0.8 20 0.95>"


def test_zero_top_k_and_full_top_p_mean_no_cut():
    text = sample_readout("ROMEO:", 1.0, 0, 1.0, 50, TOKENIZER, echo)
    assert "top-k off · top-p off" in text
    assert text.endswith("<50 1.0 None None>")


def test_prompt_with_a_newline_is_shown_escaped_on_the_settings_line():
    settings = sample_readout("ROMEO:\n", 0.5, 5, 0.9, 10, TOKENIZER, echo).split("\n")[0]
    assert settings.startswith("Prompt 'ROMEO:\\n' · temperature 0.50")


@pytest.mark.parametrize(
    ("prompt", "words"),
    [
        ("", "at least one character"),
        ("ROMEO: ¿qué?", "never saw '¿', 'q', 'u', 'é', '?': use only"),
    ],
)
def test_unreadable_prompts_get_a_sentence_not_an_error(prompt, words):
    def never(*args):
        raise AssertionError("generate must not be called")

    text = sample_readout(prompt, 0.8, 20, 0.95, 300, TOKENIZER, never)
    assert words in text.split("\n")[1]


def test_sample_readout_with_a_real_model_and_generate():
    from minillm_helpers.sampling import generate

    tokenizer = CharTokenizer(VOCABULARY)
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=len(VOCABULARY), context_length=8, width=16, num_heads=2))

    def write(prompt, length, temperature, top_k, top_p):
        ids = generate(model, tokenizer.encode(prompt), length, temperature, top_k, top_p, seed=1)
        return tokenizer.decode(ids)

    text = sample_readout("ROMEO:", 1.0, 3, 1.0, 30, TOKENIZER, write)
    sample = text.split("\n", 1)[1]
    assert sample.startswith("ROMEO:") and len(sample) == len("ROMEO:") + 30


# ---------------------------------------------------------------- the live display
def test_progress_line_prefers_the_latest_evaluation():
    assert progress_line(2, 600, history_with([4.2, 3.9]), 1.4) == (
        "step 2 of 600 · 1 s · loss 4.05 (last 2 batches)"
    )
    history = history_with([3.0] * 100, [(100, 2.51, 2.56)])
    assert progress_line(100, 600, history, 12.2) == (
        "step 100 of 600 · 12 s · training loss 2.51 · validation loss 2.56"
    )


def test_live_progress_keeps_lines_every_few_steps_and_snapshots():
    seen = []

    def sample(model):
        seen.append(model)
        return "ROMEO:\nhello"

    progress = LiveProgress(steps=10, every=4, snapshots=[3], sample=sample, show=False)
    history = TrainingHistory()
    for step in range(1, 11):
        history.record_step(step, 4.0 - step / 10)
        progress(step, "the model", history)
    assert [line.split(" · ")[0] for line in progress.lines] == [
        "step 4 of 10", "step 8 of 10", "step 10 of 10"  # every 4 steps, and the last
    ]
    assert progress.samples == {3: "ROMEO:\nhello"} and seen == ["the model"]


def test_live_progress_redraws_one_display_in_place(monkeypatch):
    shown = []

    class Handle:
        def update(self, figure):
            shown.append(("update", figure.axes[0].get_title()))

    def fake_display(figure, display_id=False):
        assert display_id is True
        shown.append(("display", figure.axes[0].get_title()))
        return Handle()

    import IPython.display

    monkeypatch.setattr(IPython.display, "display", fake_display)
    progress = LiveProgress(steps=4, every=2, baseline=2.48)
    history = TrainingHistory()
    for step in range(1, 5):
        history.record_step(step, 3.0)
        progress(step, None, history)
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert shown[1][1].startswith("step 4 of 4 · ")
    assert plt.get_fignums() == []  # closed: the cell does not show them again at its end


def test_the_loss_plot_draws_steps_evaluations_and_the_baseline():
    from minillm_helpers.notebook_support.plotting import loss_curves

    history = history_with([3.0, 2.8, 2.7, 2.5], [(2, 2.8, 2.9), (4, 2.5, 2.6)])
    figure = loss_curves(history, "title", baseline=2.48).figure
    labels = [line.get_label() for line in figure.axes[0].lines]
    assert labels == ["training batch", "training (evaluated)", "validation", "bigram 2.48"]
    assert list(figure.axes[0].lines[2].get_ydata()) == [2.9, 2.6]
    plt.close(figure)


def tiny_model_and_text():
    """A tokenizer, the token IDs of a short repeated play line, and a small seeded GPT."""
    text = "ROMEO: a b c d e\n" * 20
    tokenizer = CharTokenizer.from_text(text)
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context_length=8, width=16,
                          num_heads=2))
    return tokenizer, torch.tensor(tokenizer.encode(text)), model


def test_live_progress_follows_train_step_by_step():
    """As notebook 07 uses it: train calls it after every step (on_step), with the model
    and train's own history, validation losses included from the first evaluation on;
    finish() draws the last line from the history train recorded."""
    from minillm_helpers.sampling import generate

    tokenizer, data, model = tiny_model_and_text()
    sampled = []

    def sample(model):
        sampled.append(model.token_embedding.weight.detach().clone())  # the weights it saw
        return tokenizer.decode(generate(model, [0], 5, seed=0))

    progress = LiveProgress(steps=6, every=2, snapshots=[1, 3], sample=sample, show=False)
    history = train(model, data[:250], data[250:], steps=6, eval_every=3, eval_batches=2,
                    on_step=progress)
    assert list(progress.samples) == [1, 3] and all(len(t) == 5 for t in progress.samples.values())
    assert not torch.equal(sampled[0], sampled[1])  # after step 1, then after step 3
    assert [line.split(" · ")[0] for line in progress.lines] == [
        "step 2 of 6", "step 4 of 6", "step 6 of 6"
    ]
    assert "(last 2 batches)" in progress.lines[0]  # before the first evaluation
    assert progress.lines[1].endswith(f"validation loss {history.val_eval[0]:.2f}")  # step 3's
    assert progress.lines[2].endswith(f"validation loss {history.val_eval[-1]:.2f}")
    final = progress.finish()
    assert progress.history == history and final.startswith("step 6 of 6 · ") and final.endswith(
        f"validation loss {history.val_eval[-1]:.2f}"
    )
    assert 0 < progress.seconds < 60 and f" · {progress.seconds:.0f} s · " in final


def test_live_progress_counts_two_train_calls_as_one_run():
    """Notebook 07 trains at the peak rate, then with the rate falling, in two train calls:
    the second call's steps and evaluations go on from the first's, in one figure."""
    _, data, model = tiny_model_and_text()
    progress = LiveProgress(steps=7, every=3, snapshots=[5], sample=lambda m: "seen", show=False)
    first = train(model, data[:250], data[250:], steps=4, eval_every=2, eval_batches=1,
                  on_step=progress)
    then = train(model, data[:250], data[250:], steps=3, eval_every=3, eval_batches=1, seed=1,
                 on_step=progress)
    history = progress.history
    assert history.steps == list(range(1, 8)) and history.losses == first.losses + then.losses
    assert history.eval_steps == [2, 4, 7] and history.val_eval == first.val_eval + then.val_eval
    assert [line.split(" · ")[0] for line in progress.lines] == [
        "step 3 of 7", "step 6 of 7", "step 7 of 7"
    ]
    assert list(progress.samples) == [5]  # the second call's step 1
    assert progress.finish().startswith("step 7 of 7 · ")


# ---------------------------------------------------------------- your own text
def test_read_own_text_from_an_upload_or_a_path(tmp_path):
    upload = ({"name": "poem.txt", "content": memoryview(b"Roses\n")},)
    assert read_own_text("", upload) == ("Roses\n", "poem.txt")
    (tmp_path / "notes.txt").write_text("Notes\n", encoding="utf-8")
    assert read_own_text(str(tmp_path / "notes.txt")) == ("Notes\n", "notes.txt")
    assert read_own_text(str(tmp_path / "notes.txt"), upload)[1] == "poem.txt"  # upload wins


@pytest.mark.parametrize(
    ("path", "upload", "words"),
    [
        ("", (), "Choose a file with Upload"),
        ("no/such/file.txt", (), "no/such/file.txt does not exist"),
        ("", ({"name": "latin1.txt", "content": b"caf\xe9"},), "latin1.txt is not UTF-8"),
    ],
)
def test_read_own_text_explains_what_is_wrong(path, upload, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        read_own_text(path, upload)


def test_own_text_readout_trains_long_texts_and_explains_short_ones(tmp_path):
    calls = []

    def fit(text, steps):
        calls.append((len(text), steps))
        return 1.234, "SAMPLE"

    book = tmp_path / "book.txt"
    book.write_text("To be, or not to be.\n" * 200, encoding="utf-8")
    text = own_text_readout(str(book), (), 300, fit)
    assert text == (
        "Trained on book.txt (4,200 characters, 11 distinct) for 300 steps: "
        "validation loss 1.23\nSAMPLE"
    )
    assert calls == [(4200, 300)]
    book.write_text("Too short.", encoding="utf-8")
    assert "has 10 characters; give at least 2,000" in own_text_readout(str(book), (), 300, fit)
    assert own_text_readout("", (), 300, fit).startswith("Choose a file")
    assert len(calls) == 1  # fit never ran on a text it could not use
