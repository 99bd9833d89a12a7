"""The benchmark's yardstick is nanoGPT's recipe: its size, schedule and whole-text loss;
and the benchmark's own loop drives the trainer's pieces as `minillm train` does."""

import itertools
import random
import sys
import time
from pathlib import Path

import pytest
import torch
from tiny_model import TINY_MODEL

from minillm_helpers.cli.trainer import Trainer, TrainSettings, read_data

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from nanogpt_recipe import ReferenceGPT, learning_rate, whole_split_loss  # noqa: E402
from train_speed import first_time_at_or_below, next_evaluation, race  # noqa: E402


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


def tiny_trainer(tmp_path) -> Trainer:
    rng = random.Random(0)
    words = "the cat sat on a mat and the dog ran to the red barn".split()
    data = tmp_path / "data.txt"
    data.write_text(" ".join(rng.choice(words) for _ in range(400)) + ".\n", encoding="utf-8")
    settings = TrainSettings(data=str(data), out=str(tmp_path / "unused"), **TINY_MODEL,
                             batch_size=4, eval_batches=2, eval_batch_size=4, steps=40,
                             eval_every=8, warmup_steps=3)  # fmt: skip
    return Trainer(settings, *read_data(settings))


def test_race_evaluates_sooner_near_the_target_and_stops_there(tmp_path):
    free = race(tiny_trainer(tmp_path), target=-1.0, started=time.perf_counter())
    assert [step for step, _ in free["evals"]] == [8, 16, 24, 32, 40]  # never reached
    assert free["target_s"] is None and len(free["durations"]) == 40
    target = free["evals"][-1][1]  # reached at the last step at the latest
    checked, trainer = [], tiny_trainer(tmp_path)
    run = race(trainer, target, time.perf_counter(),
               check=lambda model: checked.append(model) or 1.0)  # fmt: skip
    steps, losses = zip(*run["evals"], strict=True)
    for i, step in enumerate(steps[1:], start=1):
        assert step == min(next_evaluation(steps[:i], losses[:i], 8, target), 40)
    assert min(b - a for a, b in itertools.pairwise(steps)) < 8, steps
    assert losses[-1] <= target and 0 < run["target_s"] <= run["wall_s"]
    assert len(checked) == len(steps) and [s for s, *_ in run["whole_text"]] == list(steps)
    assert all(model is trainer.state.averaged for model in checked)  # the evaluated weights


def test_the_benchmarks_examples_hold():
    import doctest

    import train_speed

    assert doctest.testmod(train_speed).failed == 0
