"""Notebook 03's retraining exercise: the race rerun with bigger table steps, checked at once.

The checker knows what section 7's seeded race gives; one test reruns it (with the
notebook's own read_back_losses, copied from its source) and checks the checker agrees."""

import math
from pathlib import Path

import pytest
import torch
from torch.nn import functional as F

from minillm_helpers.notebook_support.exercises.nb03 import (
    RACE_BIG_STEPS,
    RACE_SCALED,
    RACE_UNSCALED,
    check_bigger_steps,
)
from minillm_helpers.positions import sinusoidal_encoding

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks" / "sources" / "03_positional_encoding.py"


def test_accepts_the_bigger_steps_loss(capsys):
    assert check_bigger_steps(RACE_BIG_STEPS + 0.004) is True
    assert "catches up" in capsys.readouterr().out


def test_accepts_a_tensor():
    assert check_bigger_steps(torch.tensor(RACE_BIG_STEPS)) is True


def test_rejects_the_ordinary_steps(capsys):
    assert check_bigger_steps(RACE_UNSCALED) is False
    assert "table_lr=0.2 * 64" in capsys.readouterr().out


def test_rejects_the_scaled_run(capsys):
    assert check_bigger_steps(RACE_SCALED) is False
    assert "the scaled run" in capsys.readouterr().out


def test_rejects_another_number(capsys):
    assert check_bigger_steps(0.5) is False
    assert "I expect about 0.04" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [..., None, "0.04", float("nan"), [0.04]])
def test_rejects_what_is_not_a_number(answer, capsys):
    assert check_bigger_steps(answer) is False
    assert "give one number" in capsys.readouterr().out


def notebook_read_back_losses():
    """The notebook's read_back_losses, run from its source with the names it uses."""
    text = SOURCE.read_text(encoding="utf-8")
    start = text.index("def read_back_losses(")
    end = text.index("    return losses\n", start) + len("    return losses\n")
    names = {"math": math, "torch": torch, "F": F, "sinusoidal_encoding": sinusoidal_encoding,
             "width": 64}
    exec(text[start:end], names)  # the project's own notebook source
    return names["read_back_losses"]


def test_the_race_gives_what_the_checker_knows(capsys):
    read_back_losses = notebook_read_back_losses()
    last = {}
    for name, scale, table_lr in (("big", 1.0, 0.2 * 64), ("plain", 1.0, 0.2),
                                  ("scaled", math.sqrt(64), 0.2 / 64)):
        last[name] = sum(read_back_losses(scale, table_lr=table_lr)[-10:]) / 10
    assert abs(last["big"] - RACE_BIG_STEPS) < 1e-3
    assert abs(last["plain"] - RACE_UNSCALED) < 1e-3
    assert abs(last["scaled"] - RACE_SCALED) < 1e-3
    assert check_bigger_steps(last["big"]) is True
