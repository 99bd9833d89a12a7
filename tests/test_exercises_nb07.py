"""Notebook 07's exercise checkers accept right answers and explain wrong ones."""

import math

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb07 import (
    check_choices,
    check_gpt2_embedding,
    check_uniform_loss,
)


def test_uniform_loss_accepts_log_65(capsys):
    assert check_uniform_loss(math.log(65))
    assert check_uniform_loss(4.17)
    assert check_uniform_loss(torch.tensor(65.0).log())
    assert "Right" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (1 / 65, "the probability itself"),
        (math.log10(65), "wrong logarithm"),
        (math.log2(65), "wrong logarithm"),
        (-4.17, "never negative"),
        (3.0, "Not quite"),
        ("4.17", "one number"),
        (None, "one number"),
        (True, "one number"),
        (math.nan, "one number"),
    ],
)
def test_uniform_loss_explains_wrong_answers(answer, hint, capsys):
    assert not check_uniform_loss(answer)
    assert hint in capsys.readouterr().out


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
        (20.0, "Not quite"),
        ([11.9], "one number"),
    ],
)
def test_choices_explains_wrong_answers(answer, hint, capsys):
    assert not check_choices(answer, 2.48)
    assert hint in capsys.readouterr().out


def test_gpt2_embedding_accepts_the_product(capsys):
    assert check_gpt2_embedding(50_257 * 768)
    assert check_gpt2_embedding(38_597_376.0)
    assert "38,597,376" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (65 * 768, "ours"),
        (50_257 * 128, "ours"),
        (50_257 + 768, "multiply"),
        (1_000_000, "Not quite"),
        ("many", "whole number"),
    ],
)
def test_gpt2_embedding_explains_wrong_answers(answer, hint, capsys):
    assert not check_gpt2_embedding(answer)
    assert hint in capsys.readouterr().out
