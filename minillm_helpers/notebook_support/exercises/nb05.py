"""Checkers for notebook 05's exercises (masking)."""

import math

import torch

from minillm_helpers.notebook_support.exercises.feedback import NotYet, call, checker


@checker
def check_flipped_mask(unchanged) -> str:
    """Exercise 1 (break it): with causal_mask(6).T, which six outputs stay the same when `cat`
    becomes `dog` in `The cat sat on the mat`? A list of six bools."""
    if hasattr(unchanged, "tolist"):
        unchanged = unchanged.tolist()
    if not (isinstance(unchanged, (list, tuple)) and len(unchanged) == 6
            and all(isinstance(u, bool) for u in unchanged)):
        raise NotYet("give six True/False values: True where the token's output stayed the same.")
    if list(unchanged) == [False, False, True, True, True, True]:
        return ("the flipped mask lets information flow backwards: The sees dog, so The and dog "
                "change, while sat, on, the, mat only see what comes after them, which did not "
                "change. A model trained like that would read the answer at every position.")
    if list(unchanged) == [True, False, False, False, False, False]:
        raise NotYet("that is the causal mask's answer: flipped, each token sees those *after* it.")
    raise NotYet("with causal_mask(6).T, row t is True at columns t..5: which outputs can change?")


@checker
def check_additive_mask(make_additive_mask) -> str:
    """Exercise 2: a function T -> (T, T) float mask, 0 where allowed, -inf above the diagonal."""
    for length in (1, 2, 5):
        mask = call(make_additive_mask, length)
        if not torch.is_tensor(mask) or mask.shape != (length, length):
            shape = tuple(mask.shape) if torch.is_tensor(mask) else type(mask).__name__
            raise NotYet(f"for length={length} return a ({length}, {length}) tensor, got {shape}.")
        if not mask.is_floating_point():
            raise NotYet(f"the mask should hold floats (0.0 and -inf), got dtype {mask.dtype}.")
        upper = torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1)
        if not bool((mask[~upper] == 0).all()):
            raise NotYet("on and below the diagonal the mask must be 0.0 (is -inf on the "
                         "diagonal? A token may look at itself).")
        if not bool((mask[upper] == -math.inf).all()):
            raise NotYet("above the diagonal the mask must be -inf: a large negative number gives "
                         "later tokens almost 0 weight, not 0.")
    return ("adding 0 keeps a score, adding -inf removes it, so softmax(scores + mask) equals "
            "the masked weights. Many libraries store the mask this way.")
