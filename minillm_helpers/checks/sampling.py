"""The input checks of notebook 06's sampling (minillm_helpers/sampling.py)."""

from __future__ import annotations

import torch

from minillm_helpers.checks.core import (
    InputError,
    check_ids,
    check_int,
    check_number,
    check_tensor,
    fail,
)


def check_sampling_settings(temperature=1.0, top_k=None, top_p=None, max_new_tokens=0) -> None:
    """Raise a clear error for a setting that cannot work; do nothing when all are fine."""
    check_number("temperature", temperature, at_least=0, fix="0 picks the most likely token, 1 "
                 "samples the model's own probabilities, larger values flatten them")
    if top_k is not None:
        check_int("top_k", top_k, fix="the k likeliest tokens are kept (None keeps all)")
    if top_p is not None:
        check_number("top_p", top_p, above=0, at_most=1, fix="the likeliest tokens that reach "
                     "probability p are kept (None keeps all)")
    check_int("max_new_tokens", max_new_tokens, 0, fix="how many tokens to add")


def check_logits(logits) -> None:
    """Scores to sample from: a float tensor of shape (vocab,) or (batch, vocab), each row with
    a finite top score (no NaN, no +inf, not all -inf: else no token can be drawn)."""
    check_tensor("logits", logits, "float", (..., "vocab"))
    top = logits.detach().amax(-1)  # NaN if a score is, +inf if one is, -inf if all are -inf
    if not bool(torch.isfinite(top).all()):
        what = ("NaN" if logits.isnan().any() else "+inf" if logits.isposinf().any()
                else "a row of only -inf")
        fail(InputError, f"The scores (logits) hold {what}, so no token can be drawn from them",
             "the model's weights have probably diverged: train it again with a lower learning "
             "rate (or load an earlier checkpoint)")


def check_prompt(ids, model=None) -> None:
    """A prompt to continue has at least one token ID, each in the model's vocabulary."""
    if len(ids) == 0:
        fail(InputError, "The prompt is empty: give at least one prompt token ID; the model "
             "predicts what comes after it")
    if hasattr(getattr(model, "config", None), "vocab_size"):
        check_ids(ids, model.config.vocab_size)


def check_generation(ids, max_new_tokens, temperature, top_k, top_p, past_context, model=None):
    """generate()'s inputs: a prompt, workable sampling settings, a known past_context."""
    from minillm_helpers.sampling import PAST_CONTEXT_CHOICES  # sampling's own (it imports us)

    check_prompt(ids, model)
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    if past_context not in PAST_CONTEXT_CHOICES:
        fail(InputError, f"past_context must be one of {PAST_CONTEXT_CHOICES}, got "
             f"{past_context!r}")
