"""`minillm train` / `minillm sample`: end to end on a tiny model and a text made here."""

import ast
import hashlib
import os
import random
import re
import signal
import subprocess
import sys

import pytest
import torch
from tiny_model import TINY_MODEL, as_flags, interrupt_after_step

from minillm_helpers.checks import InputError
from minillm_helpers.cli.command import main
from minillm_helpers.cli.settings import TrainSettings, read_data, type_of
from minillm_helpers.cli.trainer import Trainer, run_training
from minillm_helpers.model import GPT

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


def train_quietly(run_settings, **options):
    return run_training(run_settings, progress=False, say=lambda *a: None, **options)


def test_train_writes_a_checkpoint_folder_and_sample_reads_it(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    code, stdout, _ = run_cli(
        capsys, "train", text_file, "--out", out, "--steps", "6", "--eval-every", "3", *TINY
    )
    assert code == 0
    assert re.fullmatch(r"Done: step 6, validation loss \d\.\d{4}; checkpoint in .*",
                        stdout.splitlines()[-1]), stdout
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
    train_quietly(settings(text_file, out, steps=4))
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


@pytest.mark.parametrize("muon", [0.0, 0.01], ids=["adamw", "muon"])
def test_interrupted_and_resumed_equals_uninterrupted(text_file, tmp_path, monkeypatch, muon):
    """With dropout, so the random state must be restored too (bit for bit); with Muon,
    both optimizers' states."""
    chosen = dict(dropout=0.1, muon_learning_rate=muon)
    straight = train_quietly(settings(text_file, tmp_path / "a", **chosen))
    with monkeypatch.context() as patch:
        interrupt_after_step(patch, 5)
        first = train_quietly(settings(text_file, tmp_path / "b", **chosen))
    assert first.interrupted and first.step == 5
    torch.manual_seed(12345)  # whatever happens in between must not matter
    resumed = train_quietly(settings(text_file, tmp_path / "b", **chosen), resume=True)
    assert resumed.step == 12 and not resumed.interrupted
    for key, value in straight.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[key], value), key
    assert resumed.history == straight.history
    a, b = (
        torch.load(p / "checkpoint.pt", weights_only=True) for p in (tmp_path / "a", tmp_path / "b")
    )
    for weights in ("model", "training_model"):  # the averaged and the trained weights
        for key, value in a[weights].items():
            assert torch.equal(b[weights][key], value), (weights, key)
    assert not torch.equal(a["model"]["output.weight"], a["training_model"]["output.weight"])
    # every moment estimate, step count and rate; the schedules; the average's count
    assert_same(a["optimizer"], b["optimizer"])
    assert len(a["optimizer"]["optimizers"]) == (2 if muon else 1)  # Muon's and AdamW's
    assert [s["last_epoch"] for s in a["optimizer"]["schedules"]] == [12] * (2 if muon else 1)
    assert a["optimizer"]["averaged_updates"] == 12


def assert_same(a, b, where="optimizer"):
    """Two saved states are equal: tensors bit for bit, everything else by ==."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif torch.is_tensor(a):
        assert torch.equal(a, b), where
    else:
        assert a == b, where


def test_ctrl_c_saves_and_exits_with_status_130(text_file, tmp_path, capsys, monkeypatch):
    interrupt_after_step(monkeypatch, 5)
    out = tmp_path / "run"
    code, stdout, err = run_cli(capsys, "train", text_file, "--out", out, "--steps", "50",
                                "--no-plot", *TINY)
    assert code == 130
    assert "Saved step 5" in stdout and "continue with --resume" in stdout
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 5


def test_after_ctrl_c_done_says_at_which_step_the_loss_was_measured(text_file, tmp_path,
                                                                    capsys, monkeypatch):
    interrupt_after_step(monkeypatch, 5)
    code, stdout, _ = run_cli(capsys, "train", text_file, "--out", tmp_path / "run", "--steps",
                              "50", "--eval-every", "4", "--no-plot", *TINY)
    assert code == 130
    done = stdout.splitlines()[-1]
    assert re.fullmatch(r"Done: step 5, validation loss \d\.\d{4} \(at step 4, the last "
                        r"evaluation\); checkpoint in .*", done), done


def test_ctrl_c_on_the_real_command(text_file, tmp_path):
    """The whole program in its own process: Ctrl-C in the middle of training."""
    out = tmp_path / "run"
    command = [sys.executable, "-u", "-m", "minillm_helpers", "train", str(text_file),
               "--out", str(out), "--steps", "1000000", "--eval-every", "1", "--no-plot",
               *TINY]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline()  # the run's description: the loop starts next
        assert process.stdout.readline().startswith("step 1:")  # the handler is installed
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "continue with --resume" in stdout
    saved = torch.load(out / "checkpoint.pt", weights_only=True)
    assert 1 <= saved["step"] < 1_000_000


def test_without_averaging_the_checkpoint_holds_the_trained_weights(text_file, tmp_path):
    averaged = train_quietly(settings(text_file, tmp_path / "a"))
    last = train_quietly(settings(text_file, tmp_path / "b", ema_decay=0.0))
    saved = torch.load(tmp_path / "b" / "checkpoint.pt", weights_only=True)
    assert "training_model" not in saved
    for key, value in last.model.state_dict().items():
        assert torch.equal(saved["model"][key], value), key
    # the same training steps, so the trained weights agree; the averaged ones lag behind them
    trained = torch.load(tmp_path / "a" / "checkpoint.pt", weights_only=True)["training_model"]
    assert torch.equal(trained["output.weight"], saved["model"]["output.weight"])
    assert not torch.equal(averaged.model.output.weight, last.model.output.weight)


def test_a_target_loss_stops_the_run_at_an_evaluation(text_file, tmp_path):
    free = train_quietly(settings(text_file, tmp_path / "a")).history
    assert free.eval_steps == [4, 8, 12]  # every eval_every steps and at the end
    target = free.val_eval[1]  # reached at step 8
    stopped = train_quietly(settings(text_file, tmp_path / "b", target_loss=target))
    assert stopped.reached_target and stopped.step == 8
    assert torch.load(tmp_path / "b" / "checkpoint.pt", weights_only=True)["step"] == 8


def test_the_target_loss_stop_is_agreed_by_all_processes(text_file, tmp_path, monkeypatch):
    """train_loop stops when *any* process reached --target-loss (distributed.any_process),
    not on this process's own loss: here another process "reached" it at the first
    evaluation while this one's loss is far above the target, and the run stops there."""
    from minillm_helpers.cli import distributed
    from minillm_helpers.cli.trainer import train_loop

    just_evaluated = []  # an evaluation whose stop decision has not been asked yet
    evaluate = Trainer.evaluate

    def evaluate_and_note(self):
        just_evaluated.append(True)
        return evaluate(self)

    def another_process_reached_it(flag, process):  # the question right after an evaluation
        return just_evaluated.pop() if just_evaluated else flag

    monkeypatch.setattr(Trainer, "evaluate", evaluate_and_note)
    monkeypatch.setattr(distributed, "any_process", another_process_reached_it)
    chosen = settings(text_file, tmp_path / "run", target_loss=0.01)
    result = train_loop(Trainer(chosen, *read_data(chosen)), progress=False, say=lambda *a: None)
    assert result.reached_target and result.step == chosen.eval_every == 4
    assert result.history.val_eval[-1] > chosen.target_loss  # this process had not reached it


def test_the_training_steps_never_read_the_loss(text_file, tmp_path, monkeypatch):
    """Trainer.train_step keeps each loss as a tensor: reading one (.item(), .tolist(),
    float()) makes the CPU wait for a GPU to finish the step. Only read_losses reads them,
    all at once; the spy sees that read, so it would see one in a step."""
    chosen = settings(text_file, tmp_path / "run")
    trainer = Trainer(chosen, *read_data(chosen))
    reads = []

    def count(name):
        read = getattr(torch.Tensor, name)

        def counted(tensor, *args):
            reads.append(name)
            return read(tensor, *args)

        monkeypatch.setattr(torch.Tensor, name, counted)

    for name in ("item", "tolist", "__float__"):
        count(name)
    for _ in range(5):
        trainer.train_step()
    assert reads == []
    trainer.read_losses()
    assert reads and len(trainer.history.losses) == 5


def rates_of(trainer, steps: int) -> list[list[float]]:
    """Every optimizer's learning rate at each of the next `steps` steps, training them."""
    rates = []
    for _ in range(steps):
        rates.append([o.param_groups[0]["lr"] for o in trainer.recipe.optimizers])
        trainer.train_step()
    return rates


def test_learning_rate_warms_up_then_decays(text_file, tmp_path):
    chosen = settings(text_file, tmp_path / "run", steps=10, warmup_steps=4, learning_rate=1e-2,
                      min_learning_rate=1e-3, muon_learning_rate=2e-2)
    rates = rates_of(Trainer(chosen, *read_data(chosen)), 10)
    assert [muon for muon, _ in rates] == pytest.approx([2 * adamw for _, adamw in rates])
    adamw = [rate for _, rate in rates]
    assert adamw[:4] == pytest.approx([2.5e-3, 5e-3, 7.5e-3, 1e-2])  # the warm-up
    assert adamw[6] == pytest.approx(5.5e-3)  # half-way down the cosine
    assert adamw[-1] == pytest.approx(1e-3)


def test_a_resumed_run_given_more_steps_follows_the_longer_schedule(text_file, tmp_path):
    """The checkpoint holds the rate the 4-step schedule chose for step 5 (its floor); the
    resumed 8-step run takes its own schedule's from step 5 on, as a fresh one would."""
    quiet = dict(progress=False, say=lambda *a: None)
    run_training(settings(text_file, tmp_path / "run", steps=4, warmup_steps=0), **quiet)
    longer = settings(text_file, tmp_path / "run", steps=8, warmup_steps=0)
    fresh = Trainer(longer, *read_data(longer))
    checkpoint = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)
    resumed = Trainer(longer, *read_data(longer), checkpoint=checkpoint)
    expected = rates_of(fresh, 8)[4:]
    assert rates_of(resumed, 4) == expected and expected[0] > expected[-1]


def test_the_trainer_and_the_notebooks_train_build_one_recipe(text_file, tmp_path, monkeypatch):
    import minillm_helpers.cli.trainer
    from minillm_helpers.recipe import build_recipe

    made = []

    def spy(model, **options):
        made.append(options)
        return build_recipe(model, **options)

    monkeypatch.setattr(minillm_helpers.cli.trainer, "build_recipe", spy)
    chosen = settings(text_file, tmp_path / "run", learning_rate=0.02, weight_decay=0.3,
                      min_learning_rate=0.004, muon_learning_rate=0.0, ema_decay=0.5)
    trainer = Trainer(chosen, *read_data(chosen))
    assert made == [dict(steps=12, learning_rate=0.02, weight_decay=0.3, muon_learning_rate=None,
                         warmup_steps=3, final_rate=pytest.approx(0.2), ema_decay=0.5)]
    [adamw] = trainer.recipe.optimizers
    decayed, plain = adamw.param_groups
    assert decayed["weight_decay"] == 0.3 and plain["weight_decay"] == 0.0
    assert trainer.recipe.evaluated is trainer.recipe.averaged.module


def test_python_dash_m_runs_the_command(text_file, tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "minillm_helpers", "train", str(text_file), "--out", str(out),
               "--steps", "2", "--no-plot", *TINY]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "checkpoint.pt").is_file()


# --- bad input: one clear line on stderr, exit status 2, no checkpoint damaged ---


def test_a_data_set_name_stands_for_its_file(text_file, tmp_path, capsys, monkeypatch):
    from minillm_helpers import datasets

    folder = tmp_path / "datasets"
    folder.mkdir()
    (folder / "tiny.txt").write_bytes(text_file.read_bytes())
    known = datasets.Dataset("tiny.txt", "file:///nowhere", datasets.sha256_of(text_file),
                             text_file.stat().st_size)
    monkeypatch.setitem(datasets.DATASETS, "tiny", known)
    monkeypatch.setenv("MINILLM_DATA_DIR", str(folder))
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "train", "tiny", "--out", out, "--steps", "2", "--no-plot",
                           *TINY)
    assert code == 0, err
    assert (out / "checkpoint.pt").is_file()


@pytest.mark.parametrize(
    ("content", "pattern"),
    [(None, "does not exist"), (b" \n", "is empty"),
     ("café crème".encode("latin-1") * 50, "not UTF-8"),
     (b"hello there, general", "too short for a context of 8")],
    ids=["missing", "empty", "latin-1", "short"],
)
def test_a_data_file_that_cannot_be_learned_from(tmp_path, capsys, content, pattern):
    data = tmp_path / "data.txt"
    if content is not None:
        data.write_bytes(content)
    code, _, err = run_cli(capsys, "train", data, "--out", tmp_path / "run", *TINY)
    assert_one_line_error(code, err, pattern)


@pytest.mark.parametrize(
    ("flags", "pattern"),
    [
        (["--width", "-16"], "argument --width: must be at least 1"),
        (["--steps", "0"], "argument --steps: must be at least 1"),
        (["--batch-size", "many"], "expected a whole number"),
        (["--width", "10", "--num-heads", "3"], "not divisible by num_heads"),
        (["--learning-rate", "-1"], "argument --learning-rate: must be a finite number > 0"),
        (["--learning-rate", "0"], "must be a finite number > 0, got 0.0: e.g. 5e-3"),
        (["--val-fraction", "1.5"], "argument --val-fraction: must be in (0, 1), got 1.5"),
        (["--ema-decay", "1"], "argument --ema-decay: must be in [0, 1), got 1.0"),
        (["--grad-clip", "inf"], "argument --grad-clip: must be a finite number >= 0, got inf"),
        (["--target-loss", "nan"], "argument --target-loss: must be a finite number > 0, got nan"),
        (["--seed", str(2**63)], f"argument --seed: must be from 0 to {2**63 - 1}, got {2**63}"),
        (["--seed", "-1"], "argument --seed: must be from 0 to"),
        (["--device", "tpu"], "Unknown device"),
    ],
)
def test_nonsense_flags(text_file, tmp_path, capsys, flags, pattern):
    code, _, err = run_cli(capsys, "train", text_file, "--out", tmp_path / "run", *TINY, *flags)
    assert_one_line_error(code, err, pattern)
    assert not (tmp_path / "run").exists()


def test_bad_settings_are_refused_by_the_same_checks_from_python():
    for changes, pattern in [({"target_loss": float("nan")}, "--target-loss must be a finite"),
                             ({"seed": 2**63}, "--seed must be from 0 to"),
                             ({"ema_decay": 1.0}, "--ema-decay must be in [0, 1)"),
                             ({"threads": 0}, "--threads must be at least 1")]:
        with pytest.raises(InputError, match=re.escape(pattern)):
            TrainSettings(**changes).check()


@pytest.mark.parametrize("inside", [False, True], ids=["a-file", "inside-a-file"])
def test_an_out_that_is_a_file_is_refused_before_training(text_file, tmp_path, capsys,
                                                          monkeypatch, inside):
    (tmp_path / "notes").write_text("my notes")
    out = tmp_path / "notes" / "run" if inside else tmp_path / "notes"
    monkeypatch.setattr(Trainer, "train_step", no_training)
    code, stdout, err = run_cli(capsys, "train", text_file, "--out", out, *TINY)
    assert_one_line_error(code, err, f"--out {out} ")
    assert "which is a file, not a folder" in err if inside else "is a file, not a folder" in err
    assert stdout == "" and (tmp_path / "notes").read_text() == "my notes"


def no_training(self):
    raise AssertionError("training started")


def test_an_existing_checkpoint_is_not_overwritten(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
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
    train_quietly(settings(text_file, out, steps=2))
    other = tmp_path / "other.txt"
    other.write_text(text_file.read_text() + "QUIZ!")
    code, stdout, err = run_cli(capsys, "train", other, "--out", out, "--resume", "--fine-tune",
                                "--steps", "4", *TINY)
    assert_one_line_error(code, err, "never saw")
    assert stdout == ""  # no "Fine-tuning on ..." before the refusal


@pytest.mark.parametrize("flags", [["--fine-tune"], [], ["--fine-tune", "--steps", "1"]],
                         ids=["fine-tune", "resume", "fewer-steps"])
def test_resuming_a_finished_run_without_more_steps_is_refused(text_file, tmp_path, capsys,
                                                                monkeypatch, flags):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    before = (out / "checkpoint.pt").read_bytes()
    other = lines_reversed(text_file, tmp_path)
    monkeypatch.setattr(Trainer, "train_step", no_training)
    code, stdout, err = run_cli(capsys, "train", other if flags[:1] == ["--fine-tune"] else
                                text_file, "--out", out, "--resume", *flags, "--no-progress")
    what = flags[0] if flags[:1] == ["--fine-tune"] else "--resume"
    steps = flags[-1] if "--steps" in flags else "2"
    assert_one_line_error(code, err, f"minillm: error: {what}: the run in {out} is at step 2 "
                          f"and --steps is {steps}, so there is nothing to train: pass --steps "
                          "above 2.")
    assert stdout == "" and (out / "checkpoint.pt").read_bytes() == before


def lines_reversed(text_file, tmp_path):
    """Another text with exactly the same characters: the run's text, lines reversed."""
    other = tmp_path / "reversed.txt"
    lines = text_file.read_text().split(" ")
    other.write_text(" ".join(reversed(lines)), encoding="utf-8")
    assert set(other.read_text()) == set(text_file.read_text())
    return other


def test_resume_on_another_text_names_both_files(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    before = (out / "checkpoint.pt").read_bytes()
    other = lines_reversed(text_file, tmp_path)
    code, _, err = run_cli(capsys, "train", other, "--out", out, "--resume", "--steps", "4",
                           *TINY)
    assert_one_line_error(code, err, "--fine-tune")
    for path in (text_file, other):
        digits = hashlib.sha256(path.read_bytes()).hexdigest()[:16]  # sha256sum's
        assert f"{path} (SHA-256 {digits}...)" in err
    assert (out / "checkpoint.pt").read_bytes() == before


def test_fine_tune_continues_on_another_text_and_says_so(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    other = lines_reversed(text_file, tmp_path)
    code, stdout, err = run_cli(capsys, "train", other, "--out", out, "--resume", "--fine-tune",
                                "--steps", "4", *TINY)
    assert code == 0, err
    digits = [hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in (other, text_file)]
    assert stdout.splitlines()[0] == (
        f"Fine-tuning on {other} (SHA-256 {digits[0]}...), a different text from the one this "
        f"run began with, {text_file} (SHA-256 {digits[1]}...).")
    assert sum(line.startswith("Fine-tuning on") for line in stdout.splitlines()) == 1
    saved = torch.load(out / "checkpoint.pt", weights_only=True)
    assert saved["step"] == 4
    assert saved["text_sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()
    code, _, err = run_cli(capsys, "train", other, "--out", out, "--resume", "--steps", "5", *TINY)
    assert code == 0, err  # from now on the run's text is the new one


def test_fine_tune_needs_resume(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "train", text_file, "--out", out, "--fine-tune", *TINY)
    assert_one_line_error(code, err, "add --resume")


def test_sample_without_a_seed_says_which_it_used(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    args = ["sample", out, "--max-new-tokens", "30", "--device", "cpu"]
    code, first, err = run_cli(capsys, *args)
    assert code == 0
    seed = re.fullmatch(r"minillm: seed (\d+) \(pass --seed \1 to get this text again\)\n", err)
    assert seed, err
    assert run_cli(capsys, *args, "--seed", seed[1])[1] == first
    texts = {first, *(run_cli(capsys, *args)[1] for _ in range(3))}
    assert len(texts) > 1  # fresh seeds, fresh texts


def test_sample_refuses_a_seed_no_generator_takes(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    code, _, err = run_cli(capsys, "sample", out, "--seed", str(2**64))
    assert_one_line_error(code, err, "argument --seed: must be from 0 to 9223372036854775807")
    code, text, _ = run_cli(capsys, "sample", out, "--seed", str(2**63 - 1),
                            "--max-new-tokens", "3")
    assert code == 0 and len(text) == len("\n") + 3 + 1  # the largest seed works


def test_sample_a_foreign_checkpoint(tmp_path, capsys):
    torch.save({"state_dict": {"w": torch.zeros(2)}}, tmp_path / "foreign.pt")
    code, _, err = run_cli(capsys, "sample", tmp_path / "foreign.pt")
    assert_one_line_error(code, err, "not a minillm checkpoint")


def test_sample_a_missing_checkpoint(tmp_path, capsys):
    code, _, err = run_cli(capsys, "sample", tmp_path / "nothing")
    assert_one_line_error(code, err, "No checkpoint file")


def test_sample_prompt_with_unseen_characters_lists_them(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    code, _, err = run_cli(capsys, "sample", out, "--prompt", "the Zebra é")
    assert_one_line_error(code, err, "characters the model never saw: 'Z', 'é'. Remove them")


def test_sample_bad_settings(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    code, _, err = run_cli(capsys, "sample", out, "--top-p", "2")
    assert_one_line_error(code, err, "argument --top-p: must be in (0, 1], got 2.0")
    code, _, err = run_cli(capsys, "sample", out, "--temperature", "-1")
    assert_one_line_error(code, err, "argument --temperature: must be a finite number >= 0")


def test_no_command(capsys):
    code, _, err = run_cli(capsys)
    assert_one_line_error(code, err, "required")


def test_sample_a_truncated_checkpoint(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    path = out / "checkpoint.pt"
    path.write_bytes(path.read_bytes()[:1000])
    code, _, err = run_cli(capsys, "sample", out)
    assert_one_line_error(code, err, "can be loaded safely")


# --- resuming: the checkpoint's settings, unless given; the model's shape never changes ---


def test_resume_takes_the_settings_not_given_from_the_checkpoint(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    flags = ["--steps", "4", "--eval-every", "2", "--learning-rate", "0.01", "--no-plot"]
    assert run_cli(capsys, "train", text_file, "--out", out, *flags, *TINY)[0] == 0
    # no model flags, no --learning-rate: the checkpoint's; --steps given: 4 more steps
    code, stdout, err = run_cli(capsys, "train", text_file, "--out", out, "--resume",
                                "--steps", "8", "--no-progress")
    assert code == 0, err
    saved = torch.load(out / "checkpoint.pt", weights_only=True)
    assert saved["step"] == 8 and "Resuming from step 4 of 8" in stdout
    assert saved["settings"]["learning_rate"] == 0.01 and saved["settings"]["eval_every"] == 2
    assert saved["settings"]["width"] == TINY_MODEL["width"]


def test_resume_with_other_model_flags_names_each_difference(text_file, tmp_path, capsys):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    before = (out / "checkpoint.pt").read_bytes()
    code, _, err = run_cli(capsys, "train", text_file, "--out", out, "--resume", *TINY,
                           "--width", "32", "--num-layers", "2")
    assert_one_line_error(code, err, "--resume continues the run")
    assert "--width 32 differs (the checkpoint has 16)" in err
    assert "--num-layers 2 differs (the checkpoint has 1)" in err
    assert "--num-heads" not in err  # given, but the same as the checkpoint's
    assert (out / "checkpoint.pt").read_bytes() == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[:1000]),  # cut short
        lambda path: path.write_bytes(b"\x80\x04garbage that is not a checkpoint"),
        lambda path: torch.save({"format": "minillm-checkpoint-1", "x": os.terminal_size((1, 2))},
                                path),  # an object: refused by weights_only
    ],
)
def test_loader_errors_are_one_short_line_of_ours(text_file, tmp_path, capsys, damage):
    out = tmp_path / "run"
    train_quietly(settings(text_file, out, steps=2))
    damage(out / "checkpoint.pt")
    for command in (["sample", out], ["train", text_file, "--out", out, "--resume", *TINY]):
        code, _, err = run_cli(capsys, *command)
        assert_one_line_error(code, err, "refused without running any of its contents")
        for internal in ("miniz", "weights_only", "PytorchStreamReader", "Unpickl", "torch.load"):
            assert internal not in err, err
        assert len(err) < 300 + len(str(out)), err


# --- the code itself --------------------------------------------------------------------


def test_every_setting_is_a_flag_and_flags_left_out_stay_unset():
    from dataclasses import fields

    from minillm_helpers.cli.command import build_parser

    parser = build_parser()
    assert vars(parser.parse_args(["train", "x.txt"])) == {
        "command": "train", "data": "x.txt", "resume": False, "fine_tune": False, "progress": True,
    }
    for f in fields(TrainSettings):
        if f.name == "data":
            continue
        if isinstance(f.default, bool):
            flag = f"--{'no-' if f.default else ''}{f.name.replace('_', '-')}"
            assert vars(parser.parse_args(["train", "x.txt", flag]))[f.name] is not f.default
        else:  # a value within every setting's limits
            flag, given = f"--{f.name.replace('_', '-')}", "3" if type_of(f) is int else "0.5"
            parsed = vars(parser.parse_args(["train", "x.txt", flag, given]))[f.name]
            assert parsed == type_of(f)(given) and type(parsed) is type_of(f), f.name


def test_no_function_in_the_trainer_is_over_60_lines():
    from pathlib import Path

    import minillm_helpers.cli.trainer

    tree = ast.parse(Path(minillm_helpers.cli.trainer.__file__).read_text())
    lengths = {
        node.name: node.end_lineno - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    assert max(lengths.values()) <= 60, {k: v for k, v in lengths.items() if v > 60}


def test_no_module_of_the_command_line_trainer_is_over_300_lines():
    """CONTRIBUTING's layout rule: each module in minillm_helpers/cli/ reads in one sitting."""
    from pathlib import Path

    import minillm_helpers.cli

    folder = Path(minillm_helpers.cli.__file__).parent
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines())
               for path in folder.glob("*.py")}
    assert max(lengths.values()) <= 300, {k: v for k, v in lengths.items() if v > 300}


def test_no_fused_trains_the_same_model_with_the_written_out_attention(text_file, tmp_path):
    adamw = dict(steps=3, muon_learning_rate=0.0)  # Muon's orthogonalisation magnifies 1e-7s
    fused = train_quietly(settings(text_file, tmp_path / "a", **adamw))
    plain = train_quietly(settings(text_file, tmp_path / "b", fused_attention=False, **adamw))
    assert plain.model.blocks[0].attention.last_weights is not None  # written out, kept
    assert fused.model.blocks[0].attention.last_weights is None  # PyTorch's kernel
    for key, value in fused.model.state_dict().items():
        torch.testing.assert_close(plain.model.state_dict()[key], value, atol=1e-5, rtol=1e-4)


def test_bf16_autocast_wraps_the_training_forward(text_file, tmp_path):
    run = train_quietly(settings(text_file, tmp_path / "run", steps=2, bf16=True))
    assert all(torch.isfinite(torch.tensor(run.history.losses)))
    assert run.model.output.weight.dtype == torch.float32  # the weights stay in float32


def test_compile_trains_a_compiled_model_on_the_same_weights(text_file, tmp_path, monkeypatch):
    compiled, compile_ = [], torch.compile

    def spy(module, **options):  # inductor's own compile is tested in test_model.py
        compiled.append(module)
        return compile_(module, backend="aot_eager", **options)

    monkeypatch.setattr(torch, "compile", spy)
    plain = train_quietly(settings(text_file, tmp_path / "plain", steps=3))
    assert compiled == []
    run = train_quietly(settings(text_file, tmp_path / "run", steps=3, compile=True))
    assert len(compiled) == 1 and isinstance(compiled[0], GPT)
    for key, value in plain.model.state_dict().items():
        torch.testing.assert_close(run.model.state_dict()[key], value, atol=1e-5, rtol=1e-4)


def test_encoding_in_pieces_equals_encoding_at_once():
    from minillm_helpers.cli.settings import encode
    from minillm_helpers.tokenizer import CharTokenizer, WordTokenizer

    text = "ROMEO:\nBut soft, what light\nthrough yonder window breaks?\n\nIt is the east.\n" * 5
    for tokenizer in (CharTokenizer.from_text(text), WordTokenizer.from_text(text)):
        for piece in (1, 7, 50, 10_000):
            ids = encode(tokenizer, text, piece=piece)
            assert ids.dtype == torch.long and ids.tolist() == tokenizer.encode(text), piece


def test_the_progress_bar_shows_a_validation_loss_only_once_there_is_one(text_file, tmp_path):
    from minillm_helpers.cli.trainer import ProgressBar

    run_settings = settings(text_file, tmp_path / "run")
    trainer = Trainer(run_settings, *read_data(run_settings)[:3])
    bar = ProgressBar(trainer, True, print, read_every=1)
    trainer.train_step()
    bar.update(0.01)
    assert "val" not in bar.bar.postfix and "loss=" in bar.bar.postfix
    bar.val_loss = trainer.evaluate()
    trainer.train_step()
    bar.update(0.01)
    assert f"val={bar.val_loss:.3f}" in bar.bar.postfix
    bar.bar.close()
