"""Notebook 04's exercise checkers accept right answers and reject wrong ones, kindly."""

import pytest

from minillm_helpers.notebook_support.exercises.nb04 import (
    check_head_shapes,
    check_query_factor,
    check_score_spread,
)


def test_score_spread_accepts_the_right_answer(capsys):
    assert check_score_spread(16.1, 1.01) is True
    assert "Right" in capsys.readouterr().out


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
    assert "Give two numbers" in capsys.readouterr().out


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


def test_head_shapes_accepts_the_right_answer(capsys):
    assert check_head_shapes(8, (2, 6, 10, 10)) is True
    assert "Right" in capsys.readouterr().out


def test_head_shapes_rejects_a_wrong_head_width(capsys):
    assert check_head_shapes(48, (2, 6, 10, 10)) is False
    assert "head_width 48 is off" in capsys.readouterr().out


def test_head_shapes_rejects_weights_without_heads(capsys):
    assert check_head_shapes(8, (2, 10, 10)) is False
    assert "(batch, heads, tokens, tokens)" in capsys.readouterr().out


def test_head_shapes_rejects_a_blank(capsys):
    assert check_head_shapes(..., ...) is False
    out = capsys.readouterr().out
    assert "head_width Ellipsis is off" in out and "weights shape Ellipsis is off" in out
