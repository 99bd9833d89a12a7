"""Notebook 04's widget callback: pick a query word, read where its attention goes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from minillm_helpers.attention import scaled_dot_product_attention  # noqa: E402
from minillm_helpers.notebook_support.examples import BANK_SENTENCE, bank_vectors  # noqa: E402
from minillm_helpers.notebook_support.widgets.nb04 import attention_readout  # noqa: E402
from minillm_helpers.tokenizer import WordTokenizer  # noqa: E402

# The notebook's hand-built vectors for "The bank of the river was muddy."
TOKENS = WordTokenizer.split(BANK_SENTENCE)
QUERIES, KEYS, VALUES = bank_vectors()


def readout(word, **options):
    attention = scaled_dot_product_attention
    return attention_readout(word, TOKENS, QUERIES, KEYS, VALUES, attention, **options)


def test_bank_attends_to_river_first_line_is_the_contract():
    lines = readout("bank").splitlines()
    assert lines[0] == "bank attends to: river 0.80, muddy 0.11, The 0.01"
    assert lines[1] == "bank's output: [0.92, 0.01, 0.07] (its own value: [0.50, 0.50, 0.00])"


def test_another_query_word():
    assert readout("river").splitlines()[0] == "river attends to: was 0.36, muddy 0.36, The 0.05"


def test_scale_zero_gives_uniform_weights_in_sentence_order():
    first = readout("bank", scale=0.0).splitlines()[0]
    assert first == "bank attends to: The 0.12, bank 0.12, of 0.12"


def test_a_bigger_query_sharpens_attention():
    first = readout("bank", scale=2.0).splitlines()[0]
    assert first.startswith("bank attends to: river 0.98")


def test_top_controls_how_many_words_are_listed():
    assert readout("bank", top=1).splitlines()[0] == "bank attends to: river 0.80"
    assert readout("bank", top=8).splitlines()[0].count(",") == 7


def test_the_callback_uses_the_attention_function_it_is_given():
    calls = []

    def fake_attention(query, key, value):
        calls.append((tuple(query.shape), tuple(key.shape), tuple(value.shape)))
        weights = torch.zeros(1, len(TOKENS))
        weights[0, 2] = 1.0  # everything on "of"
        return weights @ value, weights

    text = attention_readout("bank", TOKENS, QUERIES, KEYS, VALUES, fake_attention, top=1)
    assert text.splitlines()[0] == "bank attends to: of 1.00"
    assert calls == [((1, 4), (8, 4), (8, 3))]


def test_draw_makes_one_bar_per_token():
    plt.close("all")
    readout("bank", draw=True)
    figure = plt.gcf()
    assert len(figure.axes[0].patches) == len(TOKENS)
    plt.close("all")


def test_a_word_not_in_the_sentence():
    with pytest.raises(ValueError, match="'money' is not one of the tokens"):
        readout("money")


def test_rows_that_do_not_match_the_tokens():
    with pytest.raises(ValueError, match="got 7 tokens, 8 queries"):
        attention_readout("bank", TOKENS[:-1], QUERIES, KEYS, VALUES, scaled_dot_product_attention)


def test_top_below_one():
    with pytest.raises(ValueError, match="top must be at least 1, got 0"):
        readout("bank", top=0)
