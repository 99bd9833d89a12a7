"""Notebook 02's widget callback: pick a word, read its nearest neighbours."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from minillm_helpers.embeddings import nearest_neighbours  # noqa: E402
from minillm_helpers.notebook_support.widgets.nb02 import neighbours_readout  # noqa: E402

WORDS = ["king", "queen", "apple", "orange", "cat", "dog"]
TABLE = torch.tensor([[1.0, 0.0, 0.1], [0.9, 0.1, 0.1], [0.0, 1.0, 0.0],
                      [0.1, 0.9, 0.0], [0.2, 0.1, 1.0], [0.3, 0.0, 0.9]])
# The pattern the browser test reads (tests/browser/test_widgets_in_browser.py).
CONTRACT = re.compile(r"^Nearest to (\S+): \S+ -?\d+(?:\.\d+)?(, \S+ -?\d+(?:\.\d+)?)*$")


def nearest(word, k):
    return nearest_neighbours(word, WORDS, TABLE, k)


def test_first_line_is_the_contract():
    line = neighbours_readout("king", nearest).splitlines()[0]
    assert CONTRACT.match(line), line
    assert line.startswith("Nearest to king: queen 0.99, ")


def test_lists_k_neighbours_with_two_decimal_cosines():
    line = neighbours_readout("apple", nearest, k=3)
    listing = line.removeprefix("Nearest to apple: ").split(", ")
    assert len(listing) == 3
    expected = nearest("apple", 3)
    for item, (word, cosine) in zip(listing, expected, strict=True):
        assert item == f"{word} {cosine:.2f}"


def test_uses_the_function_it_is_given():
    calls = []

    def fake(word, k):
        calls.append((word, k))
        return [("b", 0.5), ("c", -0.25)]

    assert neighbours_readout("a", fake, k=2) == "Nearest to a: b 0.50, c -0.25"
    assert calls == [("a", 2)]


def test_draw_makes_a_bar_chart(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    plt.close("all")
    line = neighbours_readout("cat", nearest, k=4, draw=True)
    assert line.startswith("Nearest to cat: dog ")
    axes = plt.gcf().axes[0]
    assert len(axes.patches) == 4
    assert axes.get_title() == "Nearest to 'cat'"
    plt.close("all")


def test_an_unknown_word_gets_the_searchs_clear_error():
    with pytest.raises(ValueError, match=r"word must be one of \('king', .*\), got 'emperor'"):
        neighbours_readout("emperor", nearest)


@pytest.mark.parametrize("word", ["", None, 3])
def test_rejects_a_word_that_is_not_a_word(word):
    with pytest.raises(TypeError, match="Pick a word"):
        neighbours_readout(word, nearest)


@pytest.mark.parametrize("k, error, message", [
    (0, ValueError, "k must be at least 1, got 0"),
    (-1, ValueError, "k must be at least 1, got -1"),
    (1.5, TypeError, "k must be a whole number"),
    (True, TypeError, "k must be a whole number"),
])
def test_rejects_a_bad_k(k, error, message):
    with pytest.raises(error, match=message):
        neighbours_readout("king", nearest, k=k)


def test_rejects_an_empty_answer():
    with pytest.raises(ValueError, match="found no neighbours"):
        neighbours_readout("king", lambda word, k: [])
