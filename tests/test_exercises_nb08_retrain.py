"""Notebook 08's Going further checker: a verdict must hold at every seed."""

import pytest
import torch

from minillm_helpers.notebook_support.exercises.nb08 import check_every_seed


def test_every_seed_accepts_helps_when_lower_at_every_seed(capsys):
    assert check_every_seed([2.20, 2.23, 2.25], [2.15, 2.18, 2.21], True)
    assert "+0.05, +0.05, +0.04" in capsys.readouterr().out


def test_every_seed_accepts_no_verdict_when_the_seeds_disagree(capsys):
    assert check_every_seed([2.20, 2.21, 2.19], torch.tensor([2.19, 2.22, 2.18]), False)
    assert "noise between seeds" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("without", "with_", "helps", "hint"),
    [
        ([2.20, 2.21, 2.19], [2.19, 2.22, 2.18], True, "not at every seed"),  # lower on average
        ([2.20, 2.23, 2.25], [2.15, 2.18, 2.21], False, "swap"),
        ([2.20, 2.23], [2.15, 2.18, 2.21], True, "same seed order"),
        ([2.20], [2.15], True, "at least two seeds"),
        (2.20, 2.15, True, "two lists"),
        (["2.2", "2.3"], [2.1, 2.2], True, "two lists"),
        ([2.20, 2.23], [2.15, 2.18], "yes", "True or False"),
        ([2.20, 2.23], [2.15, 2.18], 1, "True or False"),
    ],
)
def test_every_seed_rejects_a_verdict_the_seeds_do_not_support(without, with_, helps, hint, capsys):
    assert not check_every_seed(without, with_, helps)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and hint in out
