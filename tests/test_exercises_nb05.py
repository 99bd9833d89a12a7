"""Notebook 05's exercise checkers accept right answers and explain wrong ones."""

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb05 import (
    check_additive_mask,
    check_targets,
    check_visible_tokens,
)


# ---------------------------------------------------------------- exercise 1
def test_visible_tokens_accepts_the_right_list(capsys):
    assert check_visible_tokens(["The", "cat", "sat", "on"])
    assert "Right" in capsys.readouterr().out
    assert check_visible_tokens(("The", "cat", "sat"), word="sat")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (["The", "cat", "sat", "on", "the"], "come after"),
        (["The", "cat", "sat"], "look at itself"),
        (["on", "sat", "cat", "The"], "sentence order"),
        (["the", "cat", "sat", "on"], "capital"),
        ("The cat sat on", "list of tokens"),
        (None, "list of tokens"),
    ],
)
def test_visible_tokens_rejects_wrong_answers(answer, hint, capsys):
    assert not check_visible_tokens(answer)
    assert hint in capsys.readouterr().out


def test_visible_tokens_needs_a_word_of_the_sentence():
    with pytest.raises(ValueError, match="word must be one of"):
        check_visible_tokens(["The"], word="dog")


# ---------------------------------------------------------------- exercise 2
def test_targets_accepts_a_list_or_a_tensor():
    assert check_targets([104, 105, 106, 107])
    assert check_targets(torch.tensor([104, 105, 106, 107]))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([103, 104, 105, 106], "Those are the inputs"),
        ([102, 103, 104, 105], "wrong way"),
        ([104, 105, 106], "give 4 numbers"),
        ([104, 105, 106, 108], "Not quite"),
        (..., "list of four whole numbers"),
        (["a", "b", "c", "d"], "list of four whole numbers"),
    ],
)
def test_targets_rejects_wrong_answers(answer, hint, capsys):
    assert not check_targets(answer)
    assert hint in capsys.readouterr().out


# ---------------------------------------------------------------- exercise 3
def right_mask(length):
    lower = torch.tril(torch.ones(length, length, dtype=torch.bool))
    return torch.zeros(length, length).masked_fill(~lower, float("-inf"))


def test_additive_mask_accepts_a_right_function(capsys):
    assert check_additive_mask(right_mask)
    assert "Right" in capsys.readouterr().out


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
    ],
)
def test_additive_mask_rejects_wrong_functions(function, hint, capsys):
    assert not check_additive_mask(function)
    assert hint in capsys.readouterr().out
