"""Notebook 04's exercise checkers accept right answers and reject wrong ones, kindly."""

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb04 import (
    check_query_factor,
    check_score_spread,
    check_unscaled_entropy,
)


def test_score_spread_accepts_the_right_answer(capsys):
    assert check_score_spread(16.1, 1.01) is True
    assert "Correct!" in capsys.readouterr().out


def test_score_spread_rejects_the_variance_for_the_spread(capsys):
    assert check_score_spread(256.0, 1.0) is False
    assert "variance" in capsys.readouterr().out


def test_score_spread_rejects_a_wrong_raw_spread(capsys):
    assert check_score_spread(4.0, 1.0) is False
    assert "Raw scores: 4.00 is off" in capsys.readouterr().out


def test_score_spread_rejects_an_unscaled_scaled_spread(capsys):
    assert check_score_spread(16.0, 16.0) is False
    assert "Scaled scores: 16.00 is off" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [..., None, "sixteen", float("nan")])
def test_score_spread_rejects_non_numbers(answer, capsys):
    assert check_score_spread(answer, 1.0) is False
    assert "give two numbers" in capsys.readouterr().out


def test_query_factor_accepts_two(capsys):
    assert check_query_factor(2) is True
    assert "0.980" in capsys.readouterr().out


def test_query_factor_rejects_one_as_not_enough(capsys):
    assert check_query_factor(1) is False
    assert "Not yet" in capsys.readouterr().out


def test_query_factor_rejects_a_factor_that_is_not_the_smallest(capsys):
    assert check_query_factor(3) is False
    assert "smaller one does too" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [0, -2])
def test_query_factor_rejects_shrinking_factors(answer, capsys):
    assert check_query_factor(answer) is False
    assert "flatter" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [1.5, ..., "2x"])
def test_query_factor_rejects_non_whole_numbers(answer, capsys):
    assert check_query_factor(answer) is False
    assert "whole number" in capsys.readouterr().out


def mean_row_entropy(scale: bool) -> float:
    """What the notebook's solution computes: 8 random queries and keys of width 64."""
    generator = torch.Generator().manual_seed(0)
    q, k = (torch.randn(8, 64, generator=generator) for _ in range(2))
    weights = torch.softmax(q @ k.T / (8 if scale else 1), dim=-1)
    return float(-(weights * weights.clamp_min(1e-30).log()).sum(-1).mean())


def test_unscaled_entropy_accepts_what_the_computation_gives(capsys):
    scaled, unscaled = mean_row_entropy(True), mean_row_entropy(False)
    assert check_unscaled_entropy(scaled, unscaled)
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ((0.2, 1.7), "swapped"),
        ((1.7, 1.5), "spread about 1"),
        ((3.0, 0.1), "between 0"),
        ((..., 0.1), "two numbers"),
        (("1.7", "0.1"), "two numbers"),
    ],
)
def test_unscaled_entropy_explains_wrong_answers(answer, hint, capsys):
    assert not check_unscaled_entropy(*answer)
    assert hint in capsys.readouterr().out
