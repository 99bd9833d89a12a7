"""Notebook 02's exercise checkers accept right answers and reject wrong ones, kindly."""

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb02 import (
    check_cosine_by_hand,
    check_one_hot_lookup,
    check_table_size,
)

# ---------------------------------------------------------------- exercise 1


@pytest.mark.parametrize("answer", [8 / 9, 0.889, torch.tensor(8 / 9)])
def test_cosine_accepts_eight_ninths(answer, capsys):
    assert check_cosine_by_hand(answer) is True
    assert "Right" in capsys.readouterr().out


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
    assert "Not quite (0.800)" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [..., None, "eight ninths", "0.889", float("nan"), True])
def test_cosine_rejects_non_numbers(answer, capsys):
    assert check_cosine_by_hand(answer) is False
    assert "Give one number" in capsys.readouterr().out


# ---------------------------------------------------------------- exercise 2


def one_hot_lookup(ids, table):
    return (ids[:, None] == torch.arange(table.shape[0])).float() @ table


def test_lookup_accepts_one_hot_times_table(capsys):
    assert check_one_hot_lookup(one_hot_lookup) is True
    assert "Right" in capsys.readouterr().out


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
    assert "Return a tensor" in capsys.readouterr().out


def test_lookup_reports_an_error_in_the_readers_code(capsys):
    def broken(ids, table):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    assert check_one_hot_lookup(broken) is False
    assert "raised RuntimeError: mat1 and mat2" in capsys.readouterr().out


def test_lookup_rejects_something_that_is_not_a_function(capsys):
    assert check_one_hot_lookup(one_hot_lookup(torch.tensor([1]), torch.eye(3))) is False
    assert "Pass your function itself" in capsys.readouterr().out


# ---------------------------------------------------------------- exercise 3


def test_table_size_accepts_the_product(capsys):
    assert check_table_size(50_000 * 768) is True
    assert "38,400,000" in capsys.readouterr().out


def test_table_size_rejects_the_sum(capsys):
    assert check_table_size(50_000 + 768) is False
    assert "multiply" in capsys.readouterr().out


@pytest.mark.parametrize("side", [50_000, 768])
def test_table_size_rejects_one_side(side, capsys):
    assert check_table_size(side) is False
    assert "one side of the table" in capsys.readouterr().out


def test_table_size_rejects_another_number(capsys):
    assert check_table_size(1_000_000) is False
    assert "Not quite (1,000,000)" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [..., None, "lots"])
def test_table_size_rejects_non_numbers(answer, capsys):
    assert check_table_size(answer) is False
    assert "Give one number" in capsys.readouterr().out
