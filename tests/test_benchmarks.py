"""The benchmark's yardstick is nanoGPT's recipe: its size, schedule and whole-text loss."""

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from nanogpt_recipe import ReferenceGPT, learning_rate, whole_split_loss  # noqa: E402
from train_speed import first_time_at_or_below  # noqa: E402


def test_reference_model_has_nanogpts_parameter_count():
    model = ReferenceGPT(vocab_size=65)  # Tiny Shakespeare's 65 characters
    assert sum(p.numel() for p in model.parameters()) == 804_096  # tied matrix counted once
    assert model.head.weight is model.token_table.weight


def test_reference_schedule_warms_up_then_decays_to_the_floor():
    assert learning_rate(0) == pytest.approx(1e-3 / 101)
    assert learning_rate(100) == pytest.approx(1e-3)
    assert learning_rate(1050) == pytest.approx(1e-4 + 0.5 * (1e-3 - 1e-4))
    assert learning_rate(2000) == pytest.approx(1e-4)


def test_whole_split_loss_averages_every_window_once():
    data = torch.arange(64 * 5 + 3)  # 5 whole windows of 64, and a few spare tokens
    seen = []

    def mean_first_token(x, y):
        seen.extend(x[:, 0].tolist())
        assert torch.equal(y, x + 1)  # targets are the next tokens
        return x[:, 0].float().mean()

    loss = whole_split_loss(mean_first_token, data, chunk=2)  # chunks of 2, 2 and 1 windows
    assert seen == [0, 64, 128, 192, 256]
    assert loss == pytest.approx(128.0)


def test_first_time_at_or_below_reads_the_first_crossing():
    checks = [(50, 2.0, 5.0), (100, 1.9, 9.0), (150, 1.8, 14.0), (200, 1.7, 18.0)]
    assert first_time_at_or_below(checks, 1.85) == 14.0
    assert first_time_at_or_below(checks, 1.9) == 9.0
    assert first_time_at_or_below(checks, 1.0) is None
