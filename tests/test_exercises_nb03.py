"""Notebook 03's exercise checkers accept right answers and reject wrong ones."""

import math

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb03 import (
    check_normalized_positions,
    check_position_vector,
    check_scale_factor,
    reference_position_vector,
)
from minillm_helpers.positions import sinusoidal_encoding


def test_normalized_positions(capsys):
    assert check_normalized_positions((5 / 10, 5 / 50)) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (..., "give two numbers"),
    ((0.5,), "give two numbers"),
    ((0.5, 0.2), "one of the two is right"),
    ((2, 10), "not the length by the index"),
    ((5, 5), "index / length"),
])
def test_normalized_positions_rejects(capsys, answer, hint):
    assert check_normalized_positions(answer) is False
    assert hint in capsys.readouterr().out


def by_the_formula(position, width):
    values = []
    for i in range(0, width, 2):
        angle = position / 10000 ** (i / width)
        values += [math.sin(angle), math.cos(angle)]
    return values


def test_reference_agrees_with_the_package():
    for position, width in ((3, 8), (17, 6)):
        expected = sinusoidal_encoding(position + 1, width)[position].tolist()
        assert reference_position_vector(position, width) == pytest.approx(expected, abs=1e-5)


def test_position_vector(capsys):
    assert check_position_vector(by_the_formula) is True
    assert "Correct" in capsys.readouterr().out
    assert check_position_vector(lambda p, w: sinusoidal_encoding(p + 1, w)[p]) is True


def swapped_cosine(position, width):
    values = by_the_formula(position, width)
    values[1::2] = [-v for v in values[1::2]]
    return values


@pytest.mark.parametrize("answer, hint", [
    (swapped_cosine, "check the cosines"),
    (lambda p, w: [math.sin(p)] * w, "expected"),
    (lambda p, w: [0.0], "return"),
    (lambda p, w: torch.zeros(w) / None, "raised"),
    (42, "function itself"),
])
def test_position_vector_rejects(capsys, answer, hint):
    assert check_position_vector(answer) is False
    assert hint in capsys.readouterr().out


def test_scale_factor(capsys):
    assert check_scale_factor(math.sqrt(256)) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (256, "width itself"),
    (1 / 16, "bigger"),
    (8, "square root of the model width"),
    ("sixteen", "one number"),
])
def test_scale_factor_rejects(capsys, answer, hint):
    assert check_scale_factor(answer) is False
    assert hint in capsys.readouterr().out
