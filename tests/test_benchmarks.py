"""The benchmark's yardstick is nanoGPT's recipe: its size, schedule and whole-text loss,
read the same way for both recipes; the benchmark's own loop drives the trainer's pieces
as `minillm train` does, and its levers change only what they say."""

import itertools
import random
import sys
import time
from pathlib import Path

import pytest
import torch
from tiny_model import TINY_MODEL

from minillm_helpers.cli.settings import TrainSettings, read_data
from minillm_helpers.cli.trainer import Trainer
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.recipe import Recipe, configure_optimizers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from levers import lr_shape, muon_and_adamw, ramp_batch, split_for_muon  # noqa: E402
from nanogpt_recipe import ReferenceGPT, learning_rate  # noqa: E402
from train_speed import build_trainer, headline, next_evaluation, parser, race  # noqa: E402
from yardstick import Snapshots, matrix_peak, model_flops_per_token, whole_split_loss  # noqa: E402


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


def snapshots_of(losses: list, every: int = 25):
    """Snapshots of a one-number model whose weight is its 'loss', taken every `every`
    steps with those losses, one training second per step."""
    model = torch.nn.Linear(1, 1, bias=False)
    scored = []

    def loss_of(m):
        scored.append(m.weight.item())
        return m.weight.item()

    snapshots = Snapshots(every, model, loss_of)
    for i, loss in enumerate(losses, start=1):
        torch.nn.init.constant_(model.weight, loss)
        snapshots.take(i * every, float(i * every))
    return snapshots, scored


def test_snapshots_settle_where_the_last_crossing_is_scoring_back_from_the_end():
    # dips below 1.9 at step 50, back above at 75, below from 100 on
    snapshots, scored = snapshots_of([2.0, 1.89, 1.95, 1.88, 1.87])
    assert snapshots.loss(125) == pytest.approx(1.87)  # the latest: the model holds it
    with pytest.raises(AssertionError):
        snapshots.loss(25)  # earlier ones only after the run
    snapshots.finish()
    assert snapshots.settled_at_or_below(1.9) == (100, 100.0)
    assert scored == pytest.approx([1.87, 1.88, 1.95])  # from the end back to the first above
    assert snapshots.settled_at_or_below(1.8) is None  # the last is above: none settled
    assert snapshots.settled_at_or_below(2.5) == (25, 25.0)
    assert [row[0] for row in snapshots.scored()] == [25, 50, 75, 100, 125]
    assert len(scored) == 5  # each snapshot scored once
    snapshots.close()


def tiny_trainer(tmp_path) -> Trainer:
    rng = random.Random(0)
    words = "the cat sat on a mat and the dog ran to the red barn".split()
    data = tmp_path / "data.txt"
    data.write_text(" ".join(rng.choice(words) for _ in range(400)) + ".\n", encoding="utf-8")
    settings = TrainSettings(
        data=str(data),
        out=str(tmp_path / "unused"),
        **TINY_MODEL,
        batch_size=4,
        eval_batches=2,
        eval_batch_size=4,
        steps=40,
        eval_every=8,
        warmup_steps=3,
        grad_clip=0.0,
        muon_learning_rate=0.0,  # AdamW: the levers add their own optimizers
    )
    return Trainer(settings, *read_data(settings))


def test_race_evaluates_sooner_near_the_target_and_stops_there(tmp_path):
    free = race(tiny_trainer(tmp_path), target=-1.0, started=time.perf_counter())
    assert [step for step, _ in free["evals"]] == [8, 16, 24, 32, 40]  # never reached
    assert free["target_s"] is None and len(free["durations"]) == 40
    assert free["train_s"] == pytest.approx(sum(free["durations"]))
    target = free["evals"][-1][1]  # reached at the last step at the latest
    run = race(tiny_trainer(tmp_path), target, time.perf_counter())
    steps, losses = zip(*run["evals"], strict=True)
    for i, step in enumerate(steps[1:], start=1):
        assert step == min(next_evaluation(steps[:i], losses[:i], 8, target), 40)
    assert min(b - a for a, b in itertools.pairwise(steps)) < 8, steps
    assert losses[-1] <= target and 0 < run["target_s"] <= run["wall_s"]
    assert len(run["durations"]) == steps[-1]  # stopped at the crossing


def test_race_goes_on_until_the_whole_text_too_is_below_every_level(tmp_path):
    trainer = tiny_trainer(tmp_path)
    scored_steps = []

    def loss_of(model):
        assert model is trainer.recipe.averaged.module  # the evaluated weights
        scored_steps.append(trainer.step)
        return 10.0 if trainer.step < 30 else 0.0  # "reached" from step 30 on

    snapshots = Snapshots(5, trainer.recipe.evaluated, loss_of)
    run = race(
        trainer, target=99.0, started=time.perf_counter(), snapshots=snapshots, levels=(1.0, 2.0)
    )
    assert run["evals"][0][0] == 8 and len(run["evals"]) == 1  # the estimate: at once
    assert scored_steps == [10, 15, 20, 25, 30]  # then the whole text at each snapshot
    assert trainer.step == 30 and sorted(snapshots.seconds) == [5, 10, 15, 20, 25, 30]
    assert snapshots.seconds[30] == pytest.approx(run["train_s"])
    assert trainer.history.steps == list(range(1, 31))  # each loss read as it came
    snapshots.finish()
    assert snapshots.settled_at_or_below(1.0) == (30, pytest.approx(run["train_s"]))
    snapshots.close()


def test_headline_is_the_ratio_of_the_median_training_seconds():
    ours = [{"settled": [[1.9, 500, s]]} for s in (10.0, 30.0, 20.0)]
    recipe = [{"settled": [[1.9, 2000, s]]} for s in (100.0, 50.0, 80.0)]
    line = headline(ours, recipe)
    assert line.startswith(
        "same loss on the whole validation text, minillm / nanoGPT recipe: 0.25 of the medians"
    )
    assert "run by run 0.10, 0.60, 0.25" in line
    ours[1]["settled"][0][1:] = [None, None]
    assert "not reached in every run" in headline(ours, recipe)


def test_flops_per_token_are_six_per_weight_plus_attention():
    config = GPTConfig(vocab_size=11, context_length=8, width=16, num_heads=2, num_layers=2)
    model = GPT(config)
    weights = sum(m.weight.numel() for m in model.modules() if isinstance(m, torch.nn.Linear))
    attention = 12 * config.num_layers * config.context_length * config.width
    flops = model_flops_per_token(lambda x, y: model(x, y)[1], 3, 8, 16, 2)
    assert flops == pytest.approx(6 * weights + attention, rel=0.01)  # biases: a few adds
    assert flops >= 6 * weights + attention


def test_matrix_peak_times_a_product():
    assert 0.01 < matrix_peak(size=64, repeats=2) < 1e6  # GFLOP/s


def test_muon_takes_the_blocks_matrices_and_adamw_the_rest():
    model = GPT(GPTConfig(vocab_size=11, context_length=8, width=16, num_heads=2, num_layers=2))
    matrices, rest = split_for_muon(model)
    assert len(matrices) == 2 * (4 + 2)  # per block: queries, keys, values, output; 2 feed-forward
    assert all(p.dim() == 2 for p in matrices)
    kept = {id(p) for p in rest}
    assert id(model.token_embedding.weight) in kept and id(model.output.weight) in kept
    assert {id(p) for p in matrices + rest} == {id(p) for p in model.parameters()}
    assert len(matrices) + len(rest) == len(list(model.parameters()))
    muon, adamw = muon_and_adamw(model, 0.02, 0.003)
    assert isinstance(muon, torch.optim.Muon) and muon.param_groups[0]["params"] == matrices
    assert [g["weight_decay"] for g in adamw.param_groups] == [0.1, 0.0]
    assert all(p.dim() < 2 for p in adamw.param_groups[1]["params"])


def test_a_recipe_of_the_trainers_parts_along_the_cosine_shape_trains_as_the_trainer(tmp_path):
    """The levers assemble a Recipe from parts; the trainer's own parts along lr_shape's
    cosine make the trainer's steps, bit for bit."""
    plain, wrapped = tiny_trainer(tmp_path), tiny_trainer(tmp_path)
    s = wrapped.settings
    shape = lr_shape("cosine", s.steps, s.warmup_steps, s.min_learning_rate / s.learning_rate)
    optimizers = configure_optimizers(wrapped.model, s.learning_rate, s.weight_decay)
    wrapped.recipe = Recipe(wrapped.model, optimizers, shape, s.ema_decay)
    for _ in range(12):
        assert torch.equal(plain.train_step(), wrapped.train_step())
    assert [o.param_groups[0]["lr"] for o in optimizers] == [
        o.param_groups[0]["lr"] for o in plain.recipe.optimizers]


def test_the_muon_lever_with_the_recipes_settings_trains_as_the_trainers_muon(tmp_path):
    """--optimizer batched-muon with minillm train's momentum, rate and weight decay is
    the trainer's own Muon: the levers change only what they say."""
    data = tiny_trainer(tmp_path).settings.data
    flags = [data, "--steps", "40", "--warmup-steps", "3", "--batch-size", "4",
             "--eval-batches", "2", "--ema-decay", "0.9"]
    own = build_trainer(parser().parse_args([*flags, "--muon-learning-rate", "0.01"]))
    lever = build_trainer(parser().parse_args(
        [*flags, "--muon-learning-rate", "0", "--optimizer", "batched-muon", "--muon-lr", "0.01",
         "--muon-momentum", "0.85"]))
    assert [type(o) for o in lever.recipe.optimizers] == [
        type(o) for o in own.recipe.optimizers]
    for _ in range(6):
        assert torch.equal(own.train_step(), lever.train_step())
    for ours, theirs in zip(own.recipe.evaluated.parameters(), lever.recipe.evaluated.parameters(),
                            strict=True):
        assert torch.equal(ours, theirs)


def test_the_benchmarks_examples_hold():
    import doctest

    import levers
    import notebook_time
    import train_speed

    for module in (train_speed, levers, notebook_time):  # each has examples
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__


def test_the_batch_ramp_grows_from_half_to_the_whole_batch(tmp_path, monkeypatch):
    trainer = tiny_trainer(tmp_path)  # batch 4
    sizes = []
    monkeypatch.setattr(trainer, "train_step", lambda: sizes.append(trainer.settings.batch_size))
    ramp_batch(trainer, steps=4)
    for step in range(6):
        trainer.step = step
        trainer.train_step()
    assert sizes == [2, 2, 3, 4, 4, 4]  # half, then linearly to all of it at step 4
