"""Instant feedback for notebook 03's exercises (positional encoding)."""

from __future__ import annotations

import math

import torch

from minillm_helpers.notebook_support.exercises.feedback import close, numbers, say

TOLERANCE = 1e-4  # how far a reader's vector may sit from the formula's


def reference_position_vector(position: int, width: int) -> list[float]:
    """sin and cos of position * 10000^(-i/width) for i = 0, 2, 4, ... interleaved."""
    values = []
    for i in range(0, width, 2):
        angle = position * 10000 ** (-i / width)
        values += [math.sin(angle), math.cos(angle)]
    return values[:width]


def check_position_vector(encode_position) -> bool:
    """Exercise 1: a function giving one position's sinusoidal vector, written with math only."""
    if not callable(encode_position):
        return say(False, "pass your function itself (no brackets).")
    cases = ((0, 4), (1, 4), (2, 2), (7, 6), (50, 8))
    answers = {}
    for position, width in cases:
        try:
            result = encode_position(position, width)
        except Exception as error:  # the reader's code may fail in any way
            return say(False, f"your function raised {type(error).__name__}: {error}.")
        answers[position, width] = numbers(result, count=width)
        if answers[position, width] is None:
            return say(False, f"for position {position}, width {width} return {width} numbers.")
    for (position, width), got in answers.items():
        expected = reference_position_vector(position, width)
        if close(got, expected, TOLERANCE):
            continue
        sines = [(answers[case][0::2], reference_position_vector(*case)[0::2]) for case in cases]
        if all(close(mine, right, TOLERANCE) for mine, right in sines):
            return say(False, "the sines are right; check the cosines in the odd places.")
        return say(False, f"position {position}, width {width}: expected "
                          f"{[round(v, 3) for v in expected]}, got {[round(v, 3) for v in got]}. "
                          "The frequency of pair i is 10000 ** (-i / width) for i = 0, 2, 4, ...")
    return say(True, "your vectors match the sinusoidal encoding, column for column.")


# The word tokenizer of notebook 03's section 1 numbers the two sentences' words
# ., The, ate, cat, mouse, the -> 0..5; these are the two sentences in those IDs.
CAT_ATE_MOUSE = [1, 3, 2, 5, 4, 0]  # The cat ate the mouse .
MOUSE_ATE_CAT = [1, 4, 2, 5, 3, 0]  # The mouse ate the cat .


def check_without_positions(model_input) -> bool:
    """Exercise 2: model_input(ids, table), changed to give the model no positions at all.

    The checker reads both sentences through it: without positions, each token's vector must
    depend only on the token, so the second sentence is the first one's vectors reordered.
    """
    if not callable(model_input):
        return say(False, "pass your function itself (no brackets).")
    table = 0.1 * torch.randn(6, 8, generator=torch.Generator().manual_seed(3))  # 6 words, width 8
    try:
        first = model_input(torch.tensor(CAT_ATE_MOUSE), table)
        second = model_input(torch.tensor(MOUSE_ATE_CAT), table)
    except Exception as error:  # the reader's code may fail in any way
        return say(False, f"your function raised {type(error).__name__}: {error}.")
    tensors = torch.is_tensor(first) and torch.is_tensor(second)
    if not tensors or tuple(first.shape) != (6, 8) or tuple(second.shape) != (6, 8):
        return say(False, "return one vector per token: a tensor of shape (number of tokens, "
                          "width), here (6, 8).")
    order = [CAT_ATE_MOUSE.index(token) for token in MOUSE_ATE_CAT]
    if not torch.allclose(second, first[order], atol=1e-6):
        return say(False, "'cat' still gets one vector at position 1 and another at position "
                          "4: the difference is the position, and with it the model can tell "
                          "who ate whom. Take the positions out.")
    if (torch.cdist(first, first) + torch.eye(6)).min() < 1e-6:  # two different words alike
        return say(False, "now different words get the same vector: keep the embeddings, "
                          "drop only the positions.")
    return say(True, "without positions every token's vector depends only on the word, so "
                     "'The mouse ate the cat.' is 'The cat ate the mouse.' reordered: any "
                     "mixing that treats its input as a set gives the same outputs, "
                     "reordered, and cannot tell who ate whom.")


# Section 7's race, the mean of the last 10 of 60 losses (seed 0), measured with 1 and 2
# threads alike; tests/test_exercises_nb03_retrain.py reruns the race and checks them.
RACE_BIG_STEPS = 0.0375  # unscaled, table_lr = 0.2 * 64
RACE_UNSCALED = 2.0451  # unscaled, table_lr = 0.2
RACE_SCALED = 0.0282  # scaled by sqrt(64), table_lr = 0.2 / 64


def check_bigger_steps(last_losses) -> bool:
    """Exercise 3: the unscaled race rerun with 64 times larger table steps."""
    from minillm_helpers.notebook_support.exercises.feedback import number

    loss = number(last_losses)
    if loss is None:
        return say(False, "give one number: sum(losses[-10:]) / 10 of your run.")
    if abs(loss - RACE_UNSCALED) < 0.05:
        return say(False, f"{loss:.2f} is the unscaled race with ordinary steps: pass "
                          "table_lr=0.2 * 64 to read_back_losses.")
    if abs(loss - RACE_SCALED) < 0.002:
        return say(False, f"{loss:.3f} is the scaled run; keep the scale at 1.0 and make the "
                          "table's steps 64 times larger.")
    if abs(loss - RACE_BIG_STEPS) > 0.01:
        return say(False, f"I expect about {RACE_BIG_STEPS:.2f} from read_back_losses(1.0, "
                          f"table_lr=0.2 * 64), you got {loss:.3f}. Keep the other arguments.")
    return say(True, f"{loss:.2f}: unscaled, with table steps 64 times larger, it catches up "
                     f"too (the scaled run ends at {RACE_SCALED:.2f}, the unscaled one with "
                     f"ordinary steps at {RACE_UNSCALED:.2f}). The factor sqrt(width) starts "
                     "the meaning at the positions' scale and makes each table step count "
                     "more; here either job alone is enough.")
