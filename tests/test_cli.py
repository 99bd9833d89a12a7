"""`minillm train` / `minillm sample`: end to end on a tiny model and a text made here."""

import itertools
import os
import random
import signal
import subprocess
import sys

import pytest
import torch
from tiny_model import TINY_MODEL, as_flags

from minillm_helpers.cli.command import main
from minillm_helpers.cli.trainer import (
    TrainSettings,
    learning_rate_at,
    next_evaluation,
    run_training,
)

WORDS = "the cat sat on a mat and the dog ran to the red barn while birds sang".split()
SMALL_BATCHES = dict(batch_size=4, eval_batches=2, eval_batch_size=4)
TINY = [*as_flags(**TINY_MODEL, **SMALL_BATCHES), "--no-progress"]


@pytest.fixture
def text_file(tmp_path):
    rng = random.Random(0)
    path = tmp_path / "data.txt"
    path.write_text(" ".join(rng.choice(WORDS) for _ in range(400)) + ".\n", encoding="utf-8")
    return path


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code, err, pattern):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("minillm")
    assert pattern.lower() in lines[0].lower(), lines[0]


def settings(text_file, out, **changes):
    base = dict(
        data=str(text_file),
        out=str(out),
        **TINY_MODEL,
        **SMALL_BATCHES,
        steps=12,
        eval_every=4,
        warmup_steps=3,
        plot=False,
    )
    return TrainSettings(**{**base, **changes})


def test_train_writes_a_checkpoint_folder_and_sample_reads_it(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    code, stdout, _ = run_cli(
        capsys, "train", text_file, "--out", out, "--steps", "6", "--eval-every", "3", *TINY
    )
    assert code == 0 and "validation loss" in stdout
    assert {"checkpoint.pt", "config.json", "loss.png"} <= {p.name for p in out.iterdir()}
    args = [
        "sample",
        out,
        "--prompt",
        "the ",
        "--max-new-tokens",
        "20",
        "--seed",
        "3",
        "--device",
        "cpu",
    ]
    code, first, _ = run_cli(capsys, *args)
    assert code == 0 and first.startswith("the ") and len(first) == len("the ") + 20 + 1
    assert run_cli(capsys, *args)[1] == first  # same seed, same text


def test_sample_with_and_without_cache_agree_greedily(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    run_training(settings(text_file, out, steps=4), progress=False, say=lambda *a: None)
    args = [
        "sample",
        out / "checkpoint.pt",
        "--prompt",
        "a",
        "--temperature",
        "0",
        "--max-new-tokens",
        "20",
    ]
    cached, plain = run_cli(capsys, *args)[1], run_cli(capsys, *args, "--no-cache")[1]
    assert cached == plain


def test_interrupted_and_resumed_equals_uninterrupted(text_file, tmp_path):
    quiet = dict(progress=False, say=lambda *a: None)
    straight = run_training(settings(text_file, tmp_path / "a"), **quiet)

    def ctrl_c_at_step_5(step, model):
        if step == 5:
            os.kill(os.getpid(), signal.SIGINT)  # the real signal; the handler finishes the step

    first = run_training(settings(text_file, tmp_path / "b"), on_step=ctrl_c_at_step_5, **quiet)
    assert first.stopped_early and first.step == 5
    resumed = run_training(settings(text_file, tmp_path / "b"), resume=True, **quiet)
    assert resumed.step == 12
    for key, value in straight.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[key], value), key
    assert resumed.history["losses"] == straight.history["losses"]
    a, b = (
        torch.load(p / "checkpoint.pt", weights_only=True) for p in (tmp_path / "a", tmp_path / "b")
    )
    for weights in ("model", "training_model"):  # the averaged and the trained weights
        for key, value in a[weights].items():
            assert torch.equal(b[weights][key], value), (weights, key)
    assert not torch.equal(a["model"]["output.weight"], a["training_model"]["output.weight"])
    states = zip(a["optimizer"]["state"].values(), b["optimizer"]["state"].values(), strict=True)
    for state_a, state_b in states:
        for k in state_a:
            same = torch.equal(state_a[k], state_b[k]) if torch.is_tensor(state_a[k]) else None
            assert same if same is not None else state_a[k] == state_b[k], k


def test_without_averaging_the_checkpoint_holds_the_trained_weights(text_file, tmp_path):
    quiet = dict(progress=False, say=lambda *a: None)
    averaged = run_training(settings(text_file, tmp_path / "a"), **quiet)
    last = run_training(settings(text_file, tmp_path / "b", ema_decay=0.0), **quiet)
    saved = torch.load(tmp_path / "b" / "checkpoint.pt", weights_only=True)
    assert "training_model" not in saved
    for key, value in last.model.state_dict().items():
        assert torch.equal(saved["model"][key], value), key
    # the same training steps, so the trained weights agree; the averaged ones lag behind them
    trained = torch.load(tmp_path / "a" / "checkpoint.pt", weights_only=True)["training_model"]
    assert torch.equal(trained["output.weight"], saved["model"]["output.weight"])
    assert not torch.equal(averaged.model.output.weight, last.model.output.weight)


def test_evaluations_come_sooner_as_the_loss_nears_the_target(text_file, tmp_path):
    quiet = dict(progress=False, say=lambda *a: None)
    base = dict(steps=40, eval_every=8, save=False)
    free = run_training(settings(text_file, tmp_path, **base), **quiet).history
    assert free["eval_steps"] == [8, 16, 24, 32, 40]  # no target: every eval_every steps
    target = free["val_eval"][-1]  # reached at the last step
    run = settings(text_file, tmp_path, target_loss=target, **base)
    history = run_training(run, **quiet).history
    evaluated = history["eval_steps"]
    for i, step in enumerate(evaluated[1:], start=1):
        seen = {key: history[key][:i] for key in ("eval_steps", "val_eval")}
        assert step == min(next_evaluation(seen, run), 40)
    assert min(b - a for a, b in itertools.pairwise(evaluated)) < 8, evaluated
    assert history["val_eval"][-1] <= target


def test_learning_rate_warms_up_then_decays():
    s = TrainSettings(steps=100, warmup_steps=10, learning_rate=1e-2, min_learning_rate=1e-3)
    assert learning_rate_at(5, s) == pytest.approx(5e-3)
    assert learning_rate_at(10, s) == pytest.approx(1e-2)
    assert learning_rate_at(100, s) == pytest.approx(1e-3)


def test_python_dash_m_runs_the_command(text_file, tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "minillm_helpers", "train", str(text_file), "--out", str(out),
               "--steps", "2", "--no-plot", *TINY]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "checkpoint.pt").is_file()


# --- bad input: one clear line on stderr, exit status 2, no checkpoint damaged ---


def test_missing_data_file(tmp_path, capsys):
    code, _, err = run_cli(capsys, "train", tmp_path / "nope.txt", "--out", tmp_path / "run", *TINY)
    assert_one_line_error(code, err, "does not exist")


def test_empty_data_file(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    code, _, err = run_cli(
        capsys, "train", tmp_path / "empty.txt", "--out", tmp_path / "run", *TINY
    )
    assert_one_line_error(code, err, "is empty")


def test_non_utf8_data_file(tmp_path, capsys):
    (tmp_path / "latin1.txt").write_bytes("café crème".encode("latin-1") * 50)
    code, _, err = run_cli(
        capsys, "train", tmp_path / "latin1.txt", "--out", tmp_path / "run", *TINY
    )
    assert_one_line_error(code, err, "not UTF-8")


def test_text_shorter_than_the_context(tmp_path, capsys):
    (tmp_path / "short.txt").write_text("hello there, general")
    code, _, err = run_cli(
        capsys, "train", tmp_path / "short.txt", "--out", tmp_path / "run", *TINY
    )
    assert_one_line_error(code, err, "too short for a context of 8")


@pytest.mark.parametrize(
    ("flags", "pattern"),
    [
        (["--width", "-16"], "argument --width: must be at least 1"),
        (["--steps", "0"], "argument --steps: must be at least 1"),
        (["--batch-size", "many"], "expected a whole number"),
        (["--width", "10", "--num-heads", "3"], "not divisible by num_heads"),
        (["--learning-rate", "-1"], "--learning-rate must be"),
        (["--val-fraction", "1.5"], "--val-fraction must be between 0 and 1"),
        (["--ema-decay", "1"], "--ema-decay must be at least 0 and below 1"),
        (["--device", "tpu"], "Unknown device"),
    ],
)
def test_nonsense_flags(text_file, tmp_path, capsys, flags, pattern):
    code, _, err = run_cli(capsys, "train", text_file, "--out", tmp_path / "run", *TINY, *flags)
    assert_one_line_error(code, err, pattern)
    assert not (tmp_path / "run").exists()


def test_an_existing_checkpoint_is_not_overwritten(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    run_training(settings(text_file, out, steps=2), progress=False, say=lambda *a: None)
    before = (out / "checkpoint.pt").read_bytes()
    code, _, err = run_cli(capsys, "train", text_file, "--out", out, *TINY)
    assert_one_line_error(code, err, "already holds a checkpoint")
    assert (out / "checkpoint.pt").read_bytes() == before


def test_resume_refuses_a_corrupted_checkpoint_and_leaves_it_alone(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "checkpoint.pt").write_bytes(b"\x80\x04garbage that is not a checkpoint")
    before = (out / "checkpoint.pt").read_bytes()
    code, _, err = run_cli(capsys, "train", text_file, "--out", out, "--resume", *TINY)
    assert_one_line_error(code, err, "not a minillm checkpoint that can be loaded safely")
    assert (out / "checkpoint.pt").read_bytes() == before


def test_resume_with_text_holding_new_characters(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    run_training(settings(text_file, out, steps=2), progress=False, say=lambda *a: None)
    other = tmp_path / "other.txt"
    other.write_text(text_file.read_text() + "QUIZ!")
    code, _, err = run_cli(capsys, "train", other, "--out", out, "--resume", *TINY)
    assert_one_line_error(code, err, "never saw")


def test_sample_a_foreign_checkpoint(tmp_path, capsys):
    torch.save({"state_dict": {"w": torch.zeros(2)}}, tmp_path / "foreign.pt")
    code, _, err = run_cli(capsys, "sample", tmp_path / "foreign.pt")
    assert_one_line_error(code, err, "not a minillm checkpoint")


def test_sample_a_missing_checkpoint(tmp_path, capsys):
    code, _, err = run_cli(capsys, "sample", tmp_path / "nothing")
    assert_one_line_error(code, err, "No checkpoint file")


def test_sample_prompt_with_unseen_characters_lists_them(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    run_training(settings(text_file, out, steps=2), progress=False, say=lambda *a: None)
    code, _, err = run_cli(capsys, "sample", out, "--prompt", "the Zebra é")
    assert_one_line_error(code, err, "2 character(s) the model never saw: 'Z', 'é'")


def test_sample_bad_settings(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    run_training(settings(text_file, out, steps=2), progress=False, say=lambda *a: None)
    code, _, err = run_cli(capsys, "sample", out, "--top-p", "2")
    assert_one_line_error(code, err, "top_p must be in (0, 1]")
    code, _, err = run_cli(capsys, "sample", out, "--temperature", "-1")
    assert_one_line_error(code, err, "temperature must be")


def test_no_command(capsys):
    code, _, err = run_cli(capsys)
    assert_one_line_error(code, err, "required")


def test_sample_a_truncated_checkpoint(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    run_training(settings(text_file, out, steps=2), progress=False, say=lambda *a: None)
    path = out / "checkpoint.pt"
    path.write_bytes(path.read_bytes()[:1000])
    code, _, err = run_cli(capsys, "sample", out)
    assert_one_line_error(code, err, "can be loaded safely")
