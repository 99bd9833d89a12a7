"""The bigram baseline of notebook 07: counted, smoothed, scored like a GPT, sampled."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from minillm_helpers.bigram import bigram_counts, bigram_generate, bigram_loss, bigram_probabilities
from minillm_helpers.datasets import data_dir
from minillm_helpers.tokenizer import CharTokenizer

id_lists = st.integers(2, 6).flatmap(
    lambda v: st.tuples(st.just(v), st.lists(st.integers(0, v - 1), min_size=2, max_size=60))
)


def test_counts_on_a_word():
    tokenizer = CharTokenizer.from_text("banana")  # a b n
    counts = bigram_counts(torch.tensor(tokenizer.encode("banana")), tokenizer.vocab_size)
    a, b, n = (tokenizer.unit_to_id[c] for c in "abn")
    assert counts[b, a] == 1 and counts[a, n] == 2 and counts[n, a] == 2
    assert counts.sum() == len("banana") - 1  # one count per neighbouring pair


@settings(max_examples=50, deadline=None)
@given(id_lists)
def test_counts_and_probabilities_add_up(case):
    vocab_size, ids = case
    counts = bigram_counts(torch.tensor(ids), vocab_size)
    assert counts.sum() == len(ids) - 1
    for smoothing in (0.5, 1.0):
        probs = bigram_probabilities(counts, smoothing)
        assert torch.allclose(probs.sum(dim=1), torch.ones(vocab_size))
        assert (probs > 0).all()  # smoothing: no pair is impossible


def test_loss_is_the_cross_entropy_a_model_reports():
    ids = torch.tensor([0, 1, 2, 1, 0, 2, 2, 1])
    probs = bigram_probabilities(bigram_counts(ids, 3))
    logits = probs.log()[ids[:-1]]  # the bigram's "scores" at every position
    expected = torch.nn.functional.cross_entropy(logits, ids[1:])
    assert bigram_loss(probs, ids) == pytest.approx(float(expected), abs=1e-6)


def test_uniform_table_scores_log_vocab():
    probs = torch.full((4, 4), 0.25)
    assert bigram_loss(probs, torch.tensor([0, 3, 2, 1])) == pytest.approx(math.log(4))


def test_without_smoothing_an_unseen_pair_is_impossible():
    probs = bigram_probabilities(bigram_counts(torch.tensor([0, 1, 0, 1]), 2), smoothing=0)
    assert bigram_loss(probs, torch.tensor([1, 1])) == math.inf
    smoothed = bigram_probabilities(bigram_counts(torch.tensor([0, 1, 0, 1]), 2))
    assert math.isfinite(bigram_loss(smoothed, torch.tensor([1, 1])))


def test_generate_follows_the_table_and_its_seed():
    probs = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # 0->1->2->0
    assert bigram_generate(probs, 0, 5) == [1, 2, 0, 1, 2]
    mixed = bigram_probabilities(bigram_counts(torch.tensor([0, 1, 2, 0, 2, 1, 0]), 3))
    assert bigram_generate(mixed, 0, 30, seed=3) == bigram_generate(mixed, 0, 30, seed=3)
    assert bigram_generate(mixed, 0, 30, seed=3) != bigram_generate(mixed, 0, 30, seed=4)


def test_on_tiny_shakespeare_the_baseline_is_about_two_and_a_half():
    """Where the file is on this machine (CI seeds it): the figure notebook 07 prints."""
    path = data_dir() / "tinyshakespeare.txt"
    if not path.exists():
        pytest.skip(f"{path} is not here (this test never downloads)")
    text = path.read_text(encoding="utf-8")
    tokenizer = CharTokenizer.from_text(text)
    ids = torch.tensor(tokenizer.encode(text))
    split = int(0.9 * len(ids))
    probs = bigram_probabilities(bigram_counts(ids[:split], tokenizer.vocab_size))
    assert bigram_loss(probs, ids[split:]) == pytest.approx(2.48, abs=0.01)
