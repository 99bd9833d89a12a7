"""Notebook 06's widget callback: a temperature slider over the next-word distribution."""

import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from minillm_helpers.model import GPT, GPTConfig  # noqa: E402
from minillm_helpers.notebook_support.widgets.nb06 import temperature_readout  # noqa: E402
from minillm_helpers.sampling import generate, probabilities  # noqa: E402

WORDS = ["on", "down", "suddenly", "magically", "."]
# Scores whose softmax at temperature 1 is the article's illustration (plus a "." for the rest).
LOGITS = torch.tensor([0.35, 0.30, 0.15, 0.01, 0.19]).log()


def fake_sample(temperature):
    return f"The cat sat down (drawn at {temperature})"


def readout(temperature, **options):
    return temperature_readout(temperature, LOGITS, WORDS, probabilities, fake_sample, **options)


def test_first_line_is_the_contract_and_second_is_a_sample():
    lines = readout(1.0).splitlines()
    assert lines[0] == ("After 'The cat sat' at temperature 1.00: "
                        "on 0.35, down 0.30, . 0.19, suddenly 0.15, magically 0.01")
    assert lines[1] == "Sample: The cat sat down (drawn at 1.0)"
    assert len(lines) == 2


def test_temperature_zero_gives_everything_to_the_top_word():
    first = readout(0).splitlines()[0]
    assert first.startswith("After 'The cat sat' at temperature 0.00: on 1.00, down 0.00")


def test_higher_temperature_flattens_the_listed_numbers():
    def top_probability(temperature):
        first = readout(temperature).splitlines()[0]
        return float(re.search(r": on (\d\.\d\d)", first).group(1))

    assert top_probability(0.5) > top_probability(1.0) > top_probability(2.0)


def test_top_limits_the_words_listed():
    first = readout(1.0, top=2).splitlines()[0]
    assert first.endswith(": on 0.35, down 0.30")


def test_the_prompt_is_named_in_the_first_line():
    assert readout(1.0, prompt="The dog sat").startswith("After 'The dog sat' at temperature")


def test_drawing_makes_one_figure():
    plt.close("all")
    plt.show = lambda *args, **kwargs: None  # keep the figure open to inspect it
    readout(1.0, draw=True)
    assert len(plt.get_fignums()) == 1
    plt.close("all")


def test_with_a_real_model_and_generate():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=len(WORDS), context_length=8, width=8, num_heads=2,
                          num_layers=1)).eval()
    prompt = [0, 1]
    with torch.no_grad():
        logits = model(torch.tensor([prompt]))[0][0, -1]

    def sample(temperature):
        new = generate(model, prompt, 4, temperature=temperature, seed=1)
        return " ".join(WORDS[i] for i in prompt + new)

    text = temperature_readout(0.7, logits, WORDS, probabilities, sample, prompt="on down")
    first, second = text.splitlines()
    numbers = [float(x) for x in re.findall(r" (\d\.\d\d)", first.split(": ", 1)[1])]
    assert len(numbers) == 5 and math.isclose(sum(numbers), 1.0, abs_tol=0.03)
    assert second.startswith("Sample: on down ")


def test_a_bad_temperature_is_refused_by_the_probabilities_function():
    with pytest.raises(ValueError, match="temperature must be a finite number >= 0"):
        readout(-1.0)


def test_logits_that_do_not_match_the_vocabulary_are_refused():
    with pytest.raises(ValueError, match=r"one score per vocabulary word \(5\)"):
        temperature_readout(1.0, LOGITS[:3], WORDS, probabilities, fake_sample)


def test_a_bad_top_is_refused():
    with pytest.raises(ValueError, match="top must be a whole number from 1 to 5"):
        readout(1.0, top=0)
