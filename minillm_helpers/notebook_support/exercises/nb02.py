"""Checkers for notebook 02's exercises (embeddings)."""

import torch

from minillm_helpers.notebook_support.exercises.feedback import NotYet, call, checker, number


@checker
def check_cosine_by_hand(answer) -> str:
    """Exercise 1: the cosine similarity of a = (1, 2, 2) and b = (2, 1, 2), worked by hand."""
    value = number(answer)
    if value is None:
        raise NotYet("give one number, e.g. 0.5 or 8 / 9.")
    if abs(value - 8 / 9) < 0.005:
        return ("a . b = 2 + 2 + 4 = 8, and both vectors have length 3, so cos = 8 / (3 * 3) "
                "= 0.889. They point in almost the same direction.")
    if abs(value - 8) < 1e-6:
        raise NotYet("8 is the dot product a . b. Divide it by the two lengths, |a| * |b|.")
    if abs(value - 8 / 3) < 0.005:
        raise NotYet("you divided by one length only: both |a| and |b| go under the line.")
    if not -1 <= value <= 1:
        raise NotYet(f"{value:g} cannot be a cosine: cosines lie between -1 and 1. Compute "
                     "a . b, then divide by |a| * |b|.")
    raise NotYet(f"{value:.3f} is off. Multiply the vectors position by position and add "
                 "(a . b), then divide by the product of their lengths, |a| = sqrt(1 + 4 + 4).")


@checker
def check_one_hot_lookup(lookup) -> str:
    """Exercise 2: lookup(ids, table) written as one-hot vectors times the table."""
    table = torch.randn(7, 3, generator=torch.Generator().manual_seed(2))
    for ids in ([4], [0, 6, 6, 2], [5, 1, 3, 0, 2]):
        result, expected = call(lookup, torch.tensor(ids), table), table[ids]
        if not torch.is_tensor(result):
            raise NotYet(f"return a tensor, got {type(result).__name__}.")
        if result.shape == (len(ids), len(table)):
            raise NotYet(f"for IDs {ids} you returned shape {tuple(result.shape)}: that is the "
                         "one-hot matrix itself. Multiply it by the table (@) to pick the rows.")
        if result.shape != expected.shape:
            raise NotYet(f"for IDs {ids} the result should have shape {tuple(expected.shape)} "
                         f"(one row of width 3 per ID), got {tuple(result.shape)}.")
        if not torch.allclose(result.float(), expected, atol=1e-6):
            raise NotYet(f"for IDs {ids} the rows are not the table's rows {ids}. Check that "
                         "the 1 of each one-hot vector sits at the ID's place.")
    return ("multiplying one-hot rows by the table picks out exactly the table's rows, "
            "repeated IDs included.")
