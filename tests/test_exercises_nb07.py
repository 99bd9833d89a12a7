"""Notebook 07's exercise checkers accept right answers and explain wrong ones."""

import math

import pytest
import torch

from minillm_helpers.model import GPTConfig
from minillm_helpers.notebook_support.exercises.nb06 import check_mask_off
from minillm_helpers.notebook_support.exercises.nb07 import (
    KEPT,
    NOTEBOOK_SHAPE,
    TARGET_LOSS,
    check_choices,
    check_no_positions,
    check_shape_on_budget,
)
from minillm_helpers.training import TrainingHistory

BUDGET = 10.0  # seconds


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


def shape(**sizes):
    """A GPTConfig of the notebook's sizes, with some changed."""
    return GPTConfig(**{**KEPT, "num_heads": 4, **NOTEBOOK_SHAPE, **sizes})


def reached(loss):
    """A history as train(...) returns it, whose last validation loss is `loss`."""
    return TrainingHistory(val_eval=[3.0, loss])


def test_shape_on_budget_accepts_another_shape_under_the_target_in_time(capsys):
    assert check_shape_on_budget(
        shape(width=64, num_layers=1), reached(TARGET_LOSS - 0.05), BUDGET / 2, BUDGET
    )
    out = capsys.readouterr().out
    assert out.startswith("Correct! 1 block of width 64") and "smaller model wins" in out
    assert check_shape_on_budget(shape(num_layers=6), reached(TARGET_LOSS), BUDGET, BUDGET)
    assert "no cheaper" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ((shape(), reached(2.0), 1.0, BUDGET), "notebook's own shape"),
        ((shape(width=64), reached(2.0), BUDGET + 0.5, BUDGET), "over the budget"),
        ((shape(width=64), reached(TARGET_LOSS + 0.01), 1.0, BUDGET), "above the target"),
        ((shape(width=64, context_length=32), reached(2.0), 1.0, BUDGET), "change only width"),
        ((shape(width=64), TrainingHistory(), 1.0, BUDGET), "holds a validation loss"),
        ((shape(width=64), 2.0, 1.0, BUDGET), "holds a validation loss"),
        ((shape(width=64), reached(2.0), "fast", BUDGET), "positive number of seconds"),
        ((shape(width=64), reached(2.0), -1.0, BUDGET), "positive number of seconds"),
        ((shape(width=64), reached(2.0), 1.0, ...), "the budget as one positive number"),
        (({"width": 64, "num_layers": 1}, reached(2.0), 1.0, BUDGET), "pass the GPTConfig"),
        ((..., ..., ..., ...), "pass the GPTConfig"),
    ],
)
def test_shape_on_budget_explains_wrong_answers(answer, hint, capsys):
    assert not check_shape_on_budget(*answer)
    out = capsys.readouterr().out
    assert out.startswith("Not yet: ") and hint in out
    assert ". " not in out.strip()  # one sentence
