"""Checkers for notebook 05's exercises (masking): each prints a verdict, returns a bool."""

from __future__ import annotations

import math

from minillm_helpers.notebook_support.exercises.feedback import say

SENTENCE = ["The", "cat", "sat", "on", "the", "mat"]


def check_flipped_mask(unchanged) -> bool:
    """Exercise 1 (break it): with the mask flipped (causal_mask(6).T: each token sees itself
    and what comes after), which of the six outputs stay the same when `The cat sat on the
    mat` becomes `The dog sat on the mat`? A list of six bools."""
    expected = [False, False, True, True, True, True]
    causal = [True, False, False, False, False, False]
    if hasattr(unchanged, "tolist"):
        unchanged = unchanged.tolist()
    if not isinstance(unchanged, (list, tuple)) or len(unchanged) != 6 or not all(
        isinstance(u, bool) for u in unchanged
    ):
        print("Give six True/False values, one per token: True where the output stayed the same.")
        return False
    if list(unchanged) == expected:
        return say(True, "the flipped mask lets information flow backwards: The sees dog, so "
                         "The and dog change, while sat, on, the, mat only see what comes after "
                         "them, which did not change. A model trained like that would read the "
                         "answer at every position.")
    if list(unchanged) == causal:
        return say(False, "that is the causal mask's answer (only The is safe from the change). "
                          "Flipped, each token sees the tokens *after* it.")
    return say(False, "print the outputs' changes token by token: with causal_mask(6).T, row t "
                      "is True at columns t..5.")


def check_additive_mask(make_additive_mask) -> bool:
    """Exercise 3: a function T -> (T, T) float mask, 0 where allowed and -inf above the diagonal.

    Added to the scores before softmax it must give the same weights as masking with booleans.
    """
    import torch

    for length in (1, 2, 5):
        try:
            mask = make_additive_mask(length)
        except Exception as error:  # the reader's code: report, don't crash
            print(f"Calling it with length={length} raised {type(error).__name__}: {error}")
            return False
        if not torch.is_tensor(mask) or tuple(mask.shape) != (length, length):
            shape = tuple(mask.shape) if torch.is_tensor(mask) else type(mask).__name__
            print(f"For length={length} it should return a ({length}, {length}) tensor, "
                  f"got {shape}.")
            return False
        if not mask.is_floating_point():
            print(f"The mask should hold floats (0.0 and -inf), got dtype {mask.dtype}.")
            return False
        upper = torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1)
        if not bool((mask[~upper] == 0).all()):
            print("On and below the diagonal the mask must be 0.0: adding 0 leaves those scores "
                  "alone. (Did you put -inf on the diagonal? A token may look at itself.)")
            return False
        if not bool((mask[upper] == -math.inf).all()):
            print("Above the diagonal the mask must be -inf, so that softmax gives exactly 0 "
                  "weight to later tokens (a large negative number only gives almost 0).")
            return False
    scores = torch.randn(4, 4, generator=torch.Generator().manual_seed(0))
    weights = torch.softmax(scores + make_additive_mask(4), dim=-1)
    lower = torch.tril(torch.ones(4, 4, dtype=torch.bool))
    reference = torch.softmax(scores.masked_fill(~lower, -math.inf), dim=-1)
    if not torch.allclose(weights, reference):  # pragma: no cover - implied by the checks above
        print("Adding your mask to the scores does not give the masked weights.")
        return False
    print("Right: adding 0 keeps a score, adding -inf removes it, so softmax(scores + mask) "
          "equals the masked weights. Many libraries store the mask this way.")
    return True
