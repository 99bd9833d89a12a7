"""The input checks of notebook 07's bigram baseline (minillm_helpers/bigram.py)."""

from __future__ import annotations

import torch

from minillm_helpers.checks.core import InputError, check_ids, check_int, check_tensor, fail


def check_bigram_ids(ids, vocab_size: int) -> torch.Tensor:
    """A 1-D sequence of at least two token IDs from 0 to vocab_size - 1, as a long tensor."""
    check_int("vocab_size", vocab_size)
    ids = check_ids(ids, vocab_size)
    if ids.dim() != 1 or len(ids) < 2:
        fail(InputError, "A bigram needs a 1-D sequence of at least two token IDs (a token and "
             f"the one after it), got shape {tuple(ids.shape)}",
             "pass torch.tensor(tokenizer.encode(text))")
    return ids


def check_bigram_table(probs) -> None:
    """Bigram probabilities: a square float tensor, one row per current token."""
    fix = "pass the (vocab_size, vocab_size) float tensor that bigram_probabilities() returns"
    check_tensor("probs", probs, "float", ("vocab_size", "vocab_size"), fix)
    if probs.shape[0] != probs.shape[1]:
        fail(InputError, f"probs must be square, got shape {tuple(probs.shape)}", fix)
