"""Notebook 07's exercise checkers accept right answers and explain wrong ones."""

import math

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb06 import check_mask_off
from minillm_helpers.notebook_support.exercises.nb07 import check_choices, check_no_positions


def test_choices_accepts_exp_of_the_loss(capsys):
    assert check_choices(math.exp(2.48), 2.48)
    assert check_choices(11.9, 2.48)
    assert "perplexity" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (math.log(2.48), "other way"),
        (1 / 2.48, "other way"),
        (2**2.48, "wrong base"),
        (10**2.48, "wrong base"),
        (20.0, "solve for n"),
        ([11.9], "one number"),
    ],
)
def test_choices_explains_wrong_answers(answer, hint, capsys):
    assert not check_choices(answer, 2.48)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize(
    ("check", "margin"), [(check_no_positions, 0.3), (check_mask_off, 0.1)], ids=["07", "06"]
)
def test_break_it_checkers_accept_a_clear_rise(check, margin, capsys):
    assert check(1.85, 1.85 + margin + 0.05)
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ((2.9, 1.85), "swap"),
        ((1.85, 1.86), "too close"),
        ((1.85, ...), "give two losses"),
        ((True, 2.5), "give two losses"),
        ((torch.tensor(1.85), torch.tensor(3.0)), "Correct!"),
    ],
)
def test_break_it_checkers_explain_wrong_answers(answer, hint, capsys):
    result = check_no_positions(*answer)
    assert result == (hint == "Correct!")
    assert hint in capsys.readouterr().out
