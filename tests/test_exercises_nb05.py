"""Notebook 05's exercise checkers accept right answers and explain wrong ones."""

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb05 import check_additive_mask, check_flipped_mask


# ---------------------------------------------------------------- exercise 1 (break it)
def flipped_mask_answer():
    """What the notebook's solution computes: the layer with the mask transposed."""
    from minillm_helpers.attention import MultiHeadAttention
    from minillm_helpers.masking import causal_mask

    torch.manual_seed(0)
    layer = MultiHeadAttention(4, 1)
    a = torch.randn(1, 6, 4)
    b = a.clone()
    b[0, 1] += 1.0  # cat -> dog
    with torch.no_grad():
        outs = [layer(x, causal_mask(6).T)[0] for x in (a, b)]
    return [bool(torch.allclose(p, q)) for p, q in zip(*outs, strict=True)]


def test_flipped_mask_accepts_what_the_flipped_layer_does(capsys):
    assert check_flipped_mask(flipped_mask_answer())
    assert "Correct!" in capsys.readouterr().out
    assert check_flipped_mask(torch.tensor([False, False, True, True, True, True]))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([True, False, False, False, False, False], "causal mask's answer"),
        ([False] * 6, "row t is True at columns t..5"),
        ([False, False, True], "six True/False"),
        ("no", "six True/False"),
        ([0, 0, 1, 1, 1, 1], "six True/False"),
    ],
)
def test_flipped_mask_explains_wrong_answers(answer, hint, capsys):
    assert not check_flipped_mask(answer)
    assert hint in capsys.readouterr().out


# ---------------------------------------------------------------- exercise 2
def right_mask(length):
    lower = torch.tril(torch.ones(length, length, dtype=torch.bool))
    return torch.zeros(length, length).masked_fill(~lower, float("-inf"))


def test_additive_mask_accepts_a_right_function(capsys):
    assert check_additive_mask(right_mask)
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("function", "hint"),
    [
        (lambda n: right_mask(n).T, "must be 0.0"),  # upper-triangular: blocks the past
        (lambda n: torch.triu(torch.full((n, n), float("-inf"))), "diagonal"),
        (lambda n: right_mask(n).clamp(min=-1e4), "-inf"),  # large negative, not -inf
        (lambda n: torch.tril(torch.ones(n, n, dtype=torch.bool)), "floats"),  # booleans
        (lambda n: right_mask(n + 1), "tensor"),  # wrong shape
        (lambda n: None, "tensor"),  # the blank left in
        (lambda n: 1 / 0, "raised ZeroDivisionError"),
        (right_mask(4), "pass your function itself"),  # called, not passed
    ],
)
def test_additive_mask_rejects_wrong_functions(function, hint, capsys):
    assert not check_additive_mask(function)
    assert hint in capsys.readouterr().out
