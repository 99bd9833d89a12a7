"""The yardstick both recipes are read with (benchmarks/train_speed.py, nanogpt_recipe.py).

- `whole_split_loss`: the mean loss over every window of the validation text (1,742 for
  Tiny Shakespeare): no sampling noise, so a run's loss at a step is one number.
- `Snapshots`: the evaluated weights every few steps (25 by default, the same cadence for
  both recipes), written to a temporary folder off the clock; their whole-text losses are
  computed after the run, when its peak memory has been read, and only for as many
  snapshots as the question needs (`settled_at_or_below`).
- `matrix_peak`: this machine's float32 matrix-product rate now, the ceiling for a step.
- `model_flops_per_token`: the arithmetic of one token's forward and backward pass.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode


@torch.no_grad()
def whole_split_loss(loss_of, data, context: int = 64, chunk: int = 64) -> float:
    """Mean loss over every non-overlapping window of `context` tokens of a split, `chunk`
    windows at a time; loss_of(x, y) is the mean loss of a batch."""
    count = (len(data) - 1) // context
    x = data[: count * context].view(count, context)
    y = data[1 : count * context + 1].view(count, context)
    total = sum(float(loss_of(x[i : i + chunk], y[i : i + chunk])) * len(x[i : i + chunk])
                for i in range(0, count, chunk))
    return total / count


class Snapshots:
    """The weights of `model` every `every` steps (`take`), with the training seconds at that
    step; `loss(step)` is loss_of(model) with those weights (computed once).

    While training goes on only the latest snapshot can be scored (the model holds its
    weights); after `finish()` any one can: it is loaded into `model`."""

    def __init__(self, every: int, model, loss_of):
        self.every, self.model, self.loss_of = every, model, loss_of
        self.folder = tempfile.TemporaryDirectory(prefix="minillm-snapshots-")
        self.seconds: dict[int, float] = {}  # step -> training seconds at that step
        self.losses: dict[int, float] = {}
        self.holding = None  # the step whose weights `model` holds
        self.finished = False

    def due(self, step: int) -> bool:
        return step % self.every == 0

    def path(self, step: int) -> Path:
        return Path(self.folder.name) / f"{step}.pt"

    def take(self, step: int, seconds: float) -> None:
        torch.save(self.model.state_dict(), self.path(step))
        self.seconds[step], self.holding = seconds, step

    def loss(self, step: int) -> float:
        if step not in self.losses:
            if step != self.holding:
                assert self.finished, "earlier snapshots are scored after the run"
                self.model.load_state_dict(torch.load(self.path(step), weights_only=True))
                self.holding = step
            self.losses[step] = self.loss_of(self.model)
        return self.losses[step]

    def finish(self) -> None:
        self.finished = True

    def settled_at_or_below(self, level: float):
        """(step, seconds) of the first snapshot from which every later one, to the last,
        scores <= level; None if the last one scores above it. Scored from the last
        snapshot backwards, so only the snapshots from that step on are scored.

        The loss need not fall every step: a run that dips below the level and comes back
        up counts from its last time across."""
        first = None
        for step in sorted(self.seconds, reverse=True):
            if self.loss(step) > level:
                break
            first = step
        return None if first is None else (first, self.seconds[first])

    def scored(self) -> list:
        """[step, loss, seconds] of every snapshot scored so far, in step order."""
        return [[step, self.losses[step], self.seconds[step]] for step in sorted(self.losses)]

    def close(self) -> None:
        self.folder.cleanup()


def matrix_peak(size: int = 1024, repeats: int = 10) -> float:
    """GFLOP/s of the fastest of `repeats` float32 size x size products, at torch's current
    thread count: what this machine's matrix units give right now."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up: threads started, memory touched
    fastest = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / fastest / 1e9


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def model_flops_per_token(loss_of, batch: int, context: int, width: int, layers: int) -> float:
    """Floating-point operations of one token's forward and backward pass: the matrix
    products torch's FlopCounterMode counts in loss_of(x, y).backward(), plus attention's
    (scores and mixing: 12 x layers x context x width per token, as PaLM's appendix counts
    them) when the counter does not see the fused attention kernel (on the CPU it does not)."""
    x = torch.zeros(batch, context, dtype=torch.long)
    with FlopCounterMode(display=False) as counter:
        loss_of(x, x).backward()
    counted = counter.get_total_flops()
    seen = {str(op) for op in counter.get_flop_counts().get("Global", {})}
    attention = 0 if any("attention" in op for op in seen) else 12 * layers * context * width
    return counted / (batch * context) + attention
