"""Checkers for notebook 03's exercises (positional encoding)."""

import torch

from minillm_helpers.notebook_support.exercises.feedback import (
    NotYet,
    call,
    checker,
    close,
    number,
    numbers,
)
from minillm_helpers.positions import sinusoidal_encoding

TOLERANCE = 1e-4  # how far a reader's vector may sit from the formula's


@checker
def check_position_vector(encode_position) -> str:
    """Exercise 1: a function giving one position's sinusoidal vector, written with math only."""
    cases = ((0, 4), (1, 4), (2, 2), (7, 6), (50, 8))
    answers = {(p, w): numbers(call(encode_position, p, w), count=w, hint=f"for position {p}, "
                               f"width {w} return {w} numbers.") for p, w in cases}
    expected = {(p, w): sinusoidal_encoding(p + 1, w)[p].tolist() for p, w in cases}
    wrong = [case for case in cases if not close(answers[case], expected[case], TOLERANCE)]
    if not wrong:
        return "your vectors match the sinusoidal encoding, column for column."
    if all(close(answers[case][0::2], expected[case][0::2], TOLERANCE) for case in cases):
        raise NotYet("the sines are right; check the cosines in the odd places.")
    case = wrong[0]
    got, want = ([round(v, 3) for v in vector] for vector in (answers[case], expected[case]))
    raise NotYet(f"position {case[0]}, width {case[1]}: expected {want}, got {got}. The frequency "
                 "of pair i is 10000 ** (-i / width) for i = 0, 2, 4, ...")


# The word tokenizer of notebook 03's section 1 numbers the two sentences' words
# ., The, ate, cat, mouse, the -> 0..5; these are the two sentences in those IDs.
CAT_ATE_MOUSE = [1, 3, 2, 5, 4, 0]  # The cat ate the mouse .
MOUSE_ATE_CAT = [1, 4, 2, 5, 3, 0]  # The mouse ate the cat .


@checker
def check_without_positions(model_input) -> str:
    """Exercise 2: model_input(ids, table) with no positions: the sentences' vectors reordered."""
    table = 0.1 * torch.randn(6, 8, generator=torch.Generator().manual_seed(3))  # 6 words, width 8
    first, second = (call(model_input, torch.tensor(ids), table)
                     for ids in (CAT_ATE_MOUSE, MOUSE_ATE_CAT))
    if not all(torch.is_tensor(x) and x.shape == (6, 8) for x in (first, second)):
        raise NotYet("return a tensor of shape (number of tokens, width), here (6, 8).")
    order = [CAT_ATE_MOUSE.index(token) for token in MOUSE_ATE_CAT]
    if not torch.allclose(second, first[order], atol=1e-6):
        raise NotYet("'cat' still gets one vector at position 1 and another at position 4: the "
                     "difference is the position, and with it the model can tell who ate "
                     "whom. Take the positions out.")
    if (torch.cdist(first, first) + torch.eye(6)).min() < 1e-6:  # two different words alike
        raise NotYet("now different words get the same vector: drop only the positions.")
    return ("without positions every token's vector depends only on the word, so 'The mouse "
            "ate the cat.' is 'The cat ate the mouse.' reordered: any mixing that treats its "
            "input as a set gives the same outputs, reordered, and cannot tell who ate whom.")


# Section 7's race, the mean of the last 10 of 60 losses (seed 0), measured with 1 and 2
# threads alike; tests/test_exercises_nb03_retrain.py reruns the race and checks them.
RACE_BIG_STEPS = 0.0375  # unscaled, table_lr = 0.2 * 64
RACE_UNSCALED = 2.0451  # unscaled, table_lr = 0.2
RACE_SCALED = 0.0282  # scaled by sqrt(64), table_lr = 0.2 / 64


@checker
def check_bigger_steps(last_losses) -> str:
    """Exercise 3: the unscaled race rerun with 64 times larger table steps."""
    loss = number(last_losses, "give one number: sum(losses[-10:]) / 10 of your run.")
    if abs(loss - RACE_UNSCALED) < 0.05:
        raise NotYet(f"{loss:.2f} is the race with ordinary steps: pass table_lr=0.2 * 64.")
    if abs(loss - RACE_SCALED) < 0.002:
        raise NotYet(f"{loss:.3f} is the scaled run: keep the scale at 1.0.")
    if abs(loss - RACE_BIG_STEPS) > 0.01:
        raise NotYet(f"I expect about {RACE_BIG_STEPS:.2f} from read_back_losses(1.0, "
                     f"table_lr=0.2 * 64), you got {loss:.3f}. Keep the other arguments.")
    return (f"{loss:.2f}: unscaled, with table steps 64 times larger, it catches up too (the "
            f"scaled run ends at {RACE_SCALED:.2f}, the unscaled one with ordinary steps at "
            f"{RACE_UNSCALED:.2f}). The factor sqrt(width) starts the meaning at the "
            "positions' scale and makes each table step count more; here either job alone is "
            "enough.")
