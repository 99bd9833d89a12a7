"""Notebook 02's exercise checkers accept right answers and reject wrong ones, kindly."""

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb02 import (
    check_cosine_by_hand,
    check_one_hot_lookup,
)

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


def test_lookup_accepts_one_hot_times_table(capsys):
    assert check_one_hot_lookup(one_hot_lookup) is True
    assert "Correct!" in capsys.readouterr().out


def test_lookup_accepts_the_notebooks_one_hot():
    from minillm_helpers.embeddings import one_hot

    assert check_one_hot_lookup(lambda ids, table: one_hot(ids, table.shape[0]) @ table)


def test_lookup_rejects_returning_the_one_hot_matrix(capsys):
    def one_hot_only(ids, table):
        return (ids[:, None] == torch.arange(table.shape[0])).float()

    assert check_one_hot_lookup(one_hot_only) is False
    assert "one-hot matrix itself" in capsys.readouterr().out


def test_lookup_rejects_an_off_by_one(capsys):
    def shifted(ids, table):
        return one_hot_lookup((ids + 1) % table.shape[0], table)

    assert check_one_hot_lookup(shifted) is False
    assert "not the table's rows" in capsys.readouterr().out


def test_lookup_rejects_a_wrong_shape(capsys):
    assert check_one_hot_lookup(lambda ids, table: table) is False
    assert "should have shape" in capsys.readouterr().out


def test_lookup_rejects_the_blank(capsys):
    assert check_one_hot_lookup(lambda ids, table: ...) is False
    assert "return a tensor" in capsys.readouterr().out


def test_lookup_reports_an_error_in_the_readers_code(capsys):
    def broken(ids, table):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    assert check_one_hot_lookup(broken) is False
    assert "your code raised RuntimeError: mat1 and mat2" in capsys.readouterr().out


def test_lookup_rejects_something_that_is_not_a_function(capsys):
    assert check_one_hot_lookup(one_hot_lookup(torch.tensor([1]), torch.eye(3))) is False
    assert "pass your function itself" in capsys.readouterr().out
