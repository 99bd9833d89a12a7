"""Checkers for notebook 05's exercises (masking): each prints a verdict, returns a bool."""

from __future__ import annotations

import math

SENTENCE = ["The", "cat", "sat", "on", "the", "mat"]


def check_visible_tokens(answer, word="on") -> bool:
    """Exercise 1: with the causal mask, which tokens of `The cat sat on the mat` may `word` see?"""
    if word not in SENTENCE:
        raise ValueError(f"word must be one of {SENTENCE}, got {word!r}.")
    position = SENTENCE.index(word)
    expected = SENTENCE[: position + 1]
    if isinstance(answer, str) or not isinstance(answer, (list, tuple)):
        print(f"Give a list of tokens, like {SENTENCE[:2]!r}.")
        return False
    answer = list(answer)
    if answer == expected:
        print(f"Right: {word!r} sees {expected} - the tokens before it and itself, never "
              f"{SENTENCE[position + 1:]}.")
        return True
    later = [t for t in answer if t in SENTENCE[position + 1 :] and t not in expected]
    if [str(t).lower() for t in answer] == [t.lower() for t in expected]:
        print("Almost: mind the capitals. The sentence starts with 'The'; 'the' is a different "
              "token that comes later.")
    elif later:
        print(f"{later} come after {word!r}: at generation time they do not exist yet, so the "
              "mask hides them.")
    elif word not in answer:
        print(f"Almost: a token may also look at itself (the diagonal of the mask is True), so "
              f"{word!r} belongs in the list.")
    elif sorted(answer) == sorted(expected):
        print("Those are the right tokens; list them in sentence order.")
    else:
        missing = [t for t in expected if t not in answer]
        print(f"Not quite: {word!r} may see every earlier token. Missing: {missing}.")
    return False


def check_targets(answer) -> bool:
    """Exercise 2: the targets of the window [103, 104, 105, 106] of torch.arange(100, 110)."""
    inputs = [103, 104, 105, 106]
    expected = [104, 105, 106, 107]
    try:
        values = [int(v) for v in (answer.tolist() if hasattr(answer, "tolist") else answer)]
    except (TypeError, ValueError):
        print("Give a list of four whole numbers, like [1, 2, 3, 4].")
        return False
    if values == expected:
        print("Right: each input position's target is the token just after it, so the targets "
              "are the window shifted by one.")
        return True
    if values == inputs:
        print("Those are the inputs. The target of each position is the *next* token.")
    elif values == [102, 103, 104, 105]:
        print("That is shifted the wrong way: the target is the token after, not before.")
    elif len(values) != 4:
        print(f"There is one target per input position: give 4 numbers, not {len(values)}.")
    else:
        print("Not quite: write down the token that follows each of 103, 104, 105, 106.")
    return False


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
