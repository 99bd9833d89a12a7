"""Notebook 02's exercise checkers accept right answers and reject wrong ones, kindly."""

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb02 import check_cosine_by_hand

# ---------------------------------------------------------------- exercise 1


@pytest.mark.parametrize("answer", [8 / 9, 0.889, torch.tensor(8 / 9)])
def test_cosine_accepts_eight_ninths(answer, capsys):
    assert check_cosine_by_hand(answer) is True
    assert "Correct!" in capsys.readouterr().out


def test_cosine_rejects_the_bare_dot_product(capsys):
    assert check_cosine_by_hand(8) is False
    assert "dot product" in capsys.readouterr().out


def test_cosine_rejects_dividing_by_one_length(capsys):
    assert check_cosine_by_hand(8 / 3) is False
    assert "one length only" in capsys.readouterr().out


def test_cosine_rejects_a_number_outside_minus_one_to_one(capsys):
    assert check_cosine_by_hand(-3) is False
    assert "between -1 and 1" in capsys.readouterr().out


def test_cosine_rejects_a_near_miss(capsys):
    assert check_cosine_by_hand(0.8) is False
    assert "0.800 is off" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [..., None, "eight ninths", "0.889", float("nan"), True])
def test_cosine_rejects_non_numbers(answer, capsys):
    assert check_cosine_by_hand(answer) is False
    assert "give one number" in capsys.readouterr().out


# ---------------------------------------------------------------- exercise 2


def one_hot_lookup(ids, table):
    return (ids[:, None] == torch.arange(table.shape[0])).float() @ table
