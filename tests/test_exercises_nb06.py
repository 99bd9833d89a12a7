"""Notebook 06's exercise checkers accept right answers and explain wrong ones."""

import math

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb06 import check_magic_prompt, check_temperature


# ---------------------------------------------------------------- exercise 1
def right_temperature_answer():
    exps = [math.exp(s / 2) for s in (2.0, 1.0, 0.0)]
    return [e / sum(exps) for e in exps]


def test_temperature_accepts_the_right_numbers(capsys):
    assert check_temperature(right_temperature_answer())
    assert "Correct!" in capsys.readouterr().out
    assert check_temperature([0.51, 0.31, 0.19])  # two decimals are close enough
    assert check_temperature(torch.softmax(torch.tensor([2.0, 1.0, 0.0]) / 2, dim=-1))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (torch.softmax(torch.tensor([2.0, 1.0, 0.0]), -1).tolist(), "temperature 1"),
        (torch.softmax(torch.tensor([4.0, 2.0, 0.0]), -1).tolist(), "multiplied"),
        ([1.0, 0.5, 0.0], "add up to 1.500"),
        ([0.5, 0.5], "give 3 numbers"),
        ([0.4, 0.35, 0.25], "divide each score by 2"),
        ("0.5, 0.3, 0.2", "list of numbers"),
        (None, "list of numbers"),
        ([0.5, "x", 0.2], "list of numbers"),
    ],
)
def test_temperature_rejects_wrong_answers(answer, hint, capsys):
    assert not check_temperature(answer)
    assert hint in capsys.readouterr().out


# ---------------------------------------------------------------- exercise 2
def fake_model(prompt):
    """Stands in for the trained model: only a wizard makes 'magically' win."""
    if "x" in prompt:
        raise ValueError("'x' at position 0 is not in the vocabulary.")
    if "wizard" in prompt:
        return {"magically": 0.6, "down": 0.2, "on": 0.2}
    return {"magically": 0.02, "down": 0.5, "on": 0.48}


def test_magic_prompt_accepts_a_new_prompt_where_magically_wins(capsys):
    assert check_magic_prompt("The wizard waved his wand and the dog sat", fake_model)
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("prompt", "hint"),
    [
        ("The cat sat", "expects 'down'"),
        ("The wizard waved his wand and the cat sat", "notebook's own example"),
        ("the  wizard waved his wand and the cat sat", "notebook's own example"),
        ("x marks the spot", "could not read that prompt"),
        ("", "as a string"),
        (42, "as a string"),
    ],
)
def test_magic_prompt_rejects_and_hints(prompt, hint, capsys):
    assert not check_magic_prompt(prompt, fake_model)
    assert hint in capsys.readouterr().out
