"""Notebook 06's widget: prompt, temperature, top-k and top-p over the next word."""

import math
import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from minillm_helpers.model import GPT, GPTConfig  # noqa: E402
from minillm_helpers.notebook_support.widgets.nb06 import (  # noqa: E402
    describe_settings,
    sampling_callback,
    sampling_controls,
    sampling_readout,
)
from minillm_helpers.sampling import generate, probabilities  # noqa: E402

WORDS = ["on", "down", "suddenly", "magically", ".", "cat", "wizard", "sat", "The"]
# After "... cat sat" the article's illustration (plus a "." for the rest); a wizard means magic.
SCORES = {
    "cat": [0.35, 0.30, 0.15, 0.01, 0.19],
    "wizard": [0.10, 0.10, 0.05, 0.70, 0.05],
}


class WordList:
    """A stand-in tokenizer: one ID per word of WORDS."""

    vocabulary = WORDS

    @staticmethod
    def encode(text):
        return [WORDS.index(word) for word in text.split()]

    @staticmethod
    def decode(ids):
        return " ".join(WORDS[i] for i in ids)


class FixedModel:
    """A stand-in model: its scores depend on who sat (cat or wizard)."""

    config = SimpleNamespace(context_length=8)

    def __call__(self, ids):
        who = "wizard" if WORDS.index("wizard") in ids[0].tolist() else "cat"
        probs = torch.tensor(SCORES[who] + [1e-9] * 4)
        logits = probs.log().expand(1, ids.shape[1], len(WORDS))  # (1, T, vocab)
        return logits, None


drawn = []


def fake_generate(model, ids, n, temperature, top_k, top_p, seed):
    drawn.append((temperature, top_k, top_p, seed))
    return [WORDS.index("down")] * n


def readout(prompt="The cat sat", temperature=1.0, top_k=0, top_p=1.0, **options):
    return sampling_readout(prompt, temperature, top_k, top_p, FixedModel(), WordList,
                            probabilities, fake_generate, **options)


def listed(first_line):
    """{word: probability} from the readout's first line."""
    return {w: float(p) for w, p in re.findall(r"(\S+) (\d\.\d\d)", first_line.split("): ")[1])}


def test_three_lines_the_distribution_how_many_words_remain_and_a_sample():
    lines = readout(new_tokens=2).splitlines()
    assert lines == [
        "After 'The cat sat' (temperature 1.00, top-k off, top-p off): "
        "on 0.35, down 0.30, . 0.19, suddenly 0.15, magically 0.01",
        "9 of 9 words can be drawn",
        "Sample: The cat sat down down",
    ]


def test_the_prompt_changes_the_distribution():
    first = readout("The wizard sat").splitlines()[0]
    assert first.startswith("After 'The wizard sat' (")
    assert max(listed(first), key=listed(first).get) == "magically"


def test_temperature_zero_gives_everything_to_the_top_word():
    lines = readout(temperature=0).splitlines()
    assert lines[0].endswith("): on 1.00, down 0.00, . 0.00, suddenly 0.00, magically 0.00")
    assert lines[1] == "1 of 9 words can be drawn"


def test_higher_temperature_flattens_the_listed_numbers():
    def top_probability(temperature):
        return listed(readout(temperature=temperature).splitlines()[0])["on"]

    assert top_probability(0.5) > top_probability(1.0) > top_probability(2.0)


def test_top_k_keeps_k_words_and_reaches_generate_as_a_number():
    drawn.clear()
    lines = readout(top_k=2, seed=7).splitlines()
    assert "top-k 2" in lines[0] and lines[1] == "2 of 9 words can be drawn"
    assert listed(lines[0]) == {"on": 0.54, "down": 0.46, ".": 0.0, "suddenly": 0.0,
                                "magically": 0.0}
    assert drawn == [(1.0, 2, None, 7)]


def test_top_p_keeps_the_smallest_set_that_reaches_p():
    drawn.clear()
    lines = readout(top_p=0.6).splitlines()
    assert "top-p 0.60" in lines[0] and lines[1] == "2 of 9 words can be drawn"
    assert drawn == [(1.0, None, 0.6, 0)]


def test_the_off_positions_reach_generate_as_none():
    drawn.clear()
    readout(top_k=0, top_p=1.0)
    assert drawn == [(1.0, None, None, 0)]


def test_top_limits_the_words_listed():
    first = readout(top=2).splitlines()[0]
    assert first.endswith("): on 0.35, down 0.30")


def test_describe_settings():
    assert describe_settings(0.5, 0, 1.0) == "temperature 0.50, top-k off, top-p off"
    assert describe_settings(2, 10, 0.95) == "temperature 2.00, top-k 10, top-p 0.95"


def test_controls_have_full_labels_and_start_with_no_cut():
    controls = sampling_controls(["The cat sat", "The wizard sat"])
    assert list(controls) == ["prompt", "temperature", "top_k", "top_p"]
    assert [c.description for c in controls.values()] == [
        "Prompt", "Temperature", "Top-k (0 = off)", "Top-p (1 = off)"]
    assert all(c.style.description_width == "initial" for c in controls.values())
    assert controls["prompt"].options == ("The cat sat", "The wizard sat")
    assert (controls["temperature"].value, controls["top_k"].value, controls["top_p"].value) == (
        1.0, 0, 1.0)


def test_drawing_makes_one_figure_with_cut_words_in_grey(monkeypatch):
    plt.close("all")
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)  # keep the figure open
    readout(top_k=2, top=3, draw=True)
    assert len(plt.get_fignums()) == 1
    bars = plt.gca().patches
    assert len(bars) == 6
    grey = [bar.get_facecolor() == matplotlib.colors.to_rgba("lightgrey") for bar in bars]
    assert grey == [False, False, True, True, True, True]
    plt.close("all")


def test_with_a_real_model_and_generate():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=len(WORDS), context_length=8, width=8, num_heads=2,
                          num_layers=1)).eval()
    text = sampling_readout("The cat sat", 0.7, 3, 1.0, model, WordList, probabilities, generate,
                            seed=1, new_tokens=4)
    first, second, third = text.splitlines()
    numbers = list(listed(first).values())
    assert len(numbers) == 5 and math.isclose(sum(numbers), 1.0, abs_tol=0.03)
    assert second == "3 of 9 words can be drawn"
    assert third.startswith("Sample: The cat sat ") and len(third.split()) == 1 + 3 + 4
    again = sampling_readout("The cat sat", 0.7, 3, 1.0, model, WordList, probabilities,
                             generate, seed=1, new_tokens=4)
    assert again == text  # the same seed draws the same sample


def test_a_bad_temperature_is_refused_in_one_sentence():
    with pytest.raises(ValueError, match="temperature must be a finite number >= 0"):
        readout(temperature=-1.0)


def test_a_bad_top_is_refused():
    with pytest.raises(ValueError, match="top must be from 1 to 9, got 0"):
        readout(top=0)


def test_the_callback_prints_the_readout_with_a_new_seed_each_time(capsys):
    drawn.clear()
    show = sampling_callback(FixedModel(), WordList, probabilities, fake_generate, draw=False)
    show("The cat sat", 1.0, 0, 1.0)
    show("The wizard sat", 0.5, 2, 0.9)
    printed = capsys.readouterr().out.splitlines()
    assert drawn == [(1.0, None, None, 1), (0.5, 2, 0.9, 2)]
    assert len(printed) == 6
    assert printed[0] == readout().splitlines()[0] and printed[3].startswith("After 'The wizard")
