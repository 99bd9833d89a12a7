"""Two CPU processes under torchrun (gloo) take the same first step as one process."""

import subprocess
import sys
from dataclasses import replace

import torch
from tiny_model import TINY_MODEL, as_flags

from minillm_helpers.checkpoint import load_checkpoint
from minillm_helpers.cli.distributed import Process, any_process, batch_change, my_slice
from minillm_helpers.cli.settings import TrainSettings
from minillm_helpers.cli.trainer import run_training
from minillm_helpers.model import GPT, GPTConfig

SIZES = dict(
    **TINY_MODEL, eval_batches=1, eval_batch_size=2, warmup_steps=0, learning_rate=1e-2, seed=3
)


def test_each_process_takes_its_own_rows_of_the_global_batch():
    batch = torch.arange(12).view(6, 2)
    rows = [my_slice(batch, Process(rank=r, world_size=3)) for r in range(3)]
    assert torch.equal(torch.cat(rows), batch)
    assert any_process(True, Process()) and not any_process(False, Process())


def test_a_resume_on_another_number_of_processes_says_how_the_step_changes():
    two_of_three = {"rng": {"processes": [{}, {}]}, "settings": {"batch_size": 3}}
    assert batch_change(two_of_three, 3, Process()) == (
        "The run trained on 2 process(es), 6 windows a step; on 1 a step now takes 3 "
        "(--batch-size 6 keeps 6).")
    assert batch_change(two_of_three, 6, Process()) is None  # the same 6 windows a step
    assert batch_change(two_of_three, 3, Process(world_size=2)) is None
    assert "no whole --batch-size keeps 6" in batch_change(two_of_three, 3,
                                                            Process(world_size=4))


def test_two_processes_first_update_equals_one_process_on_the_combined_batch(tmp_path):
    data = tmp_path / "data.txt"
    data.write_text("abcdefghij klmnop, qrstuv wxyz.\n" * 20, encoding="utf-8")
    done = torchrun(data, tmp_path / "ddp", *as_flags(**SIZES, steps=1), "--batch-size", "3")
    assert done.stdout.count("Done: step 1") == 1  # the first process speaks, the other not
    two = load_checkpoint(tmp_path / "ddp", training=True)
    assert two["settings"]["batch_size"] == 3

    single = TrainSettings(
        data=str(data), out=str(tmp_path / "one"), batch_size=6, steps=1, plot=False, **SIZES
    )
    one = run_training(single, progress=False, say=lambda *a: None)

    torch.manual_seed(3)  # the same initial weights both runs started from
    start = GPT(
        GPTConfig(vocab_size=one.model.config.vocab_size, **single.model_fields())
    ).state_dict()
    for key, value in one.model.state_dict().items():
        torch.testing.assert_close(two["model"][key], value, atol=1e-6, rtol=1e-5)
        if key.endswith("weight") and "norm" not in key:
            assert not torch.equal(value, start[key]), f"{key} did not change"

    said = []  # the two-process run resumed on one process says its step halves
    resumed = replace(single, out=str(tmp_path / "ddp"), steps=2)
    run_training(resumed, resume=True, progress=False, say=said.append, given={"steps"})
    assert said[0] == ("The run trained on 2 process(es), 6 windows a step; on 1 a step now "
                       "takes 3 (--batch-size 6 keeps 6).")


def torchrun(data, out, *flags) -> subprocess.CompletedProcess:
    """`minillm train` on two processes under torchrun; on failure, the processes' own
    words first (torchrun's summary of who failed comes after them)."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node", "2", "-m", "minillm_helpers", "train", str(data),
               "--out", str(out), "--no-progress", "--no-plot", *flags]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    own_words = done.stderr.split("Traceback (most recent call last)")[0]
    said = done.stdout[-1000:] + own_words[-3000:]
    assert done.returncode == 0, said + "\n" + done.stderr[-1000:]
    return done


def torchrun_train(data, out, *flags):
    torchrun(data, out, *flags)
    return load_checkpoint(out, training=True)


def test_two_processes_stopped_and_resumed_equal_two_processes_straight(tmp_path):
    """With dropout 0.1, each process's own random state must come back on resume; a
    constant learning rate, so stopping at step 3 changes nothing but the stop."""
    data = tmp_path / "data.txt"
    data.write_text("abcdefghij klmnop, qrstuv wxyz.\n" * 20, encoding="utf-8")
    flags = as_flags(**SIZES, dropout=0.1, min_learning_rate=1e-2, batch_size=2, eval_every=3)
    straight = torchrun_train(data, tmp_path / "straight", *flags, "--steps", "6")
    torchrun_train(data, tmp_path / "stopped", *flags, "--steps", "3")
    resumed = torchrun_train(data, tmp_path / "stopped", *flags, "--steps", "6", "--resume")
    assert resumed["step"] == straight["step"] == 6
    ranks = [p["torch"] for p in straight["rng"]["processes"]]
    assert len(ranks) == 2 and not torch.equal(*ranks)  # each process its own dropout
    for weights in ("model", "training_model"):
        for key, value in straight[weights].items():
            assert torch.equal(resumed[weights][key], value), (weights, key)
