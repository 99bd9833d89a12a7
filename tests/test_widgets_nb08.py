"""Notebook 08's widget callback: a deep stack with or without residuals and layer norm."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from minillm_helpers.ladder import Rung, activation_scales, gradient_per_block  # noqa: E402
from minillm_helpers.model import GPTConfig  # noqa: E402
from minillm_helpers.notebook_support.widgets.nb08 import stack_controls, stack_readout  # noqa: E402

IDS = torch.randint(11, (4, 9), generator=torch.Generator().manual_seed(0))


def build(num_blocks, residual, layer_norm):
    torch.manual_seed(0)
    config = GPTConfig(vocab_size=11, context_length=8, width=16, num_heads=2,
                       num_layers=num_blocks)
    return Rung(config, residual=residual, layer_norm=layer_norm)


def readout(num_blocks, residual, layer_norm, **options):
    return stack_readout(num_blocks, residual, layer_norm, build,
                         lambda m: gradient_per_block(m, IDS[:, :-1], IDS[:, 1:]),
                         lambda m: activation_scales(m, IDS[:, :-1]), **options)


LINE = re.compile(r"gradient at block 1: (\S+) \(block (\d+): (\S+), (\S+) times more\); "
                  r"activations (\d+\.\d\d) entering, (\d+\.\d\d) leaving block (\d+)")


def test_the_readout_names_the_stack_and_gives_its_numbers():
    title, line = readout(6, False, False).splitlines()
    assert title == "6 blocks, residuals off, layer norm off"
    match = LINE.fullmatch(line)
    assert match, line
    first, blocks, last, ratio = (match.group(i) for i in range(1, 5))
    assert blocks == match.group(7) == "6"
    grads = gradient_per_block(build(6, False, False), IDS[:, :-1], IDS[:, 1:])
    assert float(first) == pytest.approx(grads[0], rel=0.06)
    assert float(last) == pytest.approx(grads[-1], rel=0.06)
    assert float(ratio) == pytest.approx(grads[-1] / grads[0], rel=0.06)


def test_residuals_show_up_as_gradient_reaching_block_1():
    without = LINE.fullmatch(readout(8, False, False).splitlines()[1])
    with_them = LINE.fullmatch(readout(8, True, False).splitlines()[1])
    assert float(without.group(4)) > 1e3  # block 8 gets far more than block 1
    assert float(with_them.group(4)) < 3
    assert readout(8, True, True).splitlines()[0] == "8 blocks, residuals on, layer norm on"


def test_draw_makes_two_charts(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    readout(3, True, True, draw=True)
    assert len(shown) == 1
    left, right = shown[0].axes
    assert left.get_yscale() == "log" and len(left.patches) == 3
    assert len(right.lines[0].get_xdata()) == 4  # the embeddings, then three blocks
    plt.close("all")


def test_the_controls_are_the_callbacks_arguments():
    controls = stack_controls(max_blocks=12)
    assert set(controls) == {"num_blocks", "residual", "layer_norm"}
    assert controls["num_blocks"].max == 12 and controls["num_blocks"].value == 8
    assert controls["residual"].value is False


@pytest.mark.parametrize("blocks, error, message", [
    (0, ValueError, "num_blocks must be at least 1, got 0"),
    (-1, ValueError, "num_blocks must be at least 1, got -1"),
    (2.5, TypeError, "num_blocks must be a whole number"),
    (True, TypeError, "num_blocks must be a whole number"),
    ("8", TypeError, "num_blocks must be a whole number"),
])
def test_a_bad_number_of_blocks_is_refused(blocks, error, message):
    with pytest.raises(error, match=message):
        readout(blocks, True, True)


def test_measurements_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="gradients must give 2 numbers and scales 3"):
        stack_readout(2, True, True, build, lambda m: [1.0], lambda m: [1.0, 1.0, 1.0])
