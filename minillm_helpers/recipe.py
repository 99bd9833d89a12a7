"""The training recipe, said once: what the notebooks' `train` and `minillm train` do after
each loss.backward(): Muon and AdamW (`configure_optimizers`), a warm-up then half a cosine
(`learning_rate_factor`) and a moving average of the weights (`mean_then_ema`), stepped
together by `Recipe`. No notebook writes it; `stages.py` says why it sits after the series."""

from __future__ import annotations

import functools
import math

import torch
from torch.optim.lr_scheduler import LambdaLR
from torch.optim.swa_utils import AveragedModel

FUSED_ADAMW_DEVICES = ("cpu", "cuda")  # where torch.optim.AdamW(fused=True) has a kernel


def newton_schulz(updates, steps: int = 5, eps: float = 1e-7):
    """torch.optim.Muon's quintic Newton-Schulz iteration, in bfloat16, on a stack of matrices."""
    a, b, c = 3.4445, -4.7750, 2.0315
    x = updates.bfloat16()
    wide = x.size(-2) <= x.size(-1)
    x = x if wide else x.mT  # iterate on the smaller Gram matrix (x @ x.mT)
    x = x / x.norm(dim=(-2, -1), keepdim=True).clamp(min=eps)  # spectral norm <= 1
    for _ in range(steps):
        gram = x @ x.mT
        x = torch.baddbmm(x, torch.baddbmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
    return x if wide else x.mT


class BatchedMuon(torch.optim.Optimizer):
    """torch.optim.Muon's update (adjust_lr_fn="match_rms_adamw"), the matrices of one shape
    orthogonalised together: torch's Muon takes one at a time, and the model's 24 matrices
    come in 3 shapes, so a step of the benchmark's model takes about 30% less CPU time."""

    def __init__(self, params, lr: float, weight_decay: float = 0.1, momentum: float = 0.95,
                 ns_steps: int = 5):
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay,
                                  "momentum": momentum, "ns_steps": ns_steps})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, momentum, by_shape = group["lr"], group["momentum"], {}
            for p in group["params"]:
                if p.grad is not None:
                    buffer = self.state[p].setdefault("momentum_buffer", torch.zeros_like(p))
                    buffer.lerp_(p.grad, 1 - momentum)
                    nesterov = p.grad.lerp(buffer, momentum)
                    by_shape.setdefault(p.shape, []).append((p, nesterov))
            for shape, pairs in by_shape.items():
                ortho = newton_schulz(torch.stack([u for _, u in pairs]), group["ns_steps"])
                scaled = lr * 0.2 * math.sqrt(max(shape))  # the update's RMS as AdamW's
                for (p, _), o in zip(pairs, ortho, strict=True):
                    p.mul_(1 - lr * group["weight_decay"])
                    p.add_(o.to(p.dtype), alpha=-scaled)


def muon_matrices(model) -> list:
    """The blocks' weight matrices (hidden vector to hidden vector): what Muon is made for."""
    return [p for name, p in model.named_parameters()
            if p.requires_grad and name.startswith("blocks.") and p.dim() == 2]


def adamw(params, learning_rate: float, weight_decay: float = 0.1, betas=(0.9, 0.99)):
    """AdamW as nanoGPT sets it up: weight decay on the matrices only, and PyTorch's fused
    kernel (about 5x faster than a loop) where the device has one."""
    params = list(params)
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    fused = params[0].device.type in FUSED_ADAMW_DEVICES
    return torch.optim.AdamW(groups, lr=learning_rate, betas=betas, fused=fused)


def configure_optimizers(model, learning_rate: float, weight_decay: float = 0.1,
                         muon_learning_rate: float | None = None) -> list:
    """[AdamW], or with muon_learning_rate [Muon for muon_matrices, AdamW for the rest]: Muon
    reaches the same loss in about half the steps here."""
    matrices = muon_matrices(model) if muon_learning_rate is not None else []
    taken = {id(p) for p in matrices}
    rest = [p for p in model.parameters() if p.requires_grad and id(p) not in taken]
    if not matrices:
        return [adamw(rest, learning_rate, weight_decay)]
    # momentum 0.85, not torch's 0.95: a shorter memory of past gradients reached the
    # benchmark's loss in about a fifth fewer steps (benchmarks/README.md)
    muon = BatchedMuon(matrices, lr=muon_learning_rate, weight_decay=weight_decay, momentum=0.85)
    return [muon, adamw(rest, learning_rate, weight_decay)]


def learning_rate_factor(step: int, steps: int, warmup_steps: int = 0, floor: float = 1.0):
    """The fraction of the peak rate at step 1..steps: a linear warm-up, then half a cosine
    down to `floor` at the last step (floor 1: constant)."""
    if step <= warmup_steps:
        return step / max(1, warmup_steps)
    progress = min(1.0, (step - warmup_steps) / max(1, steps - warmup_steps))
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def mean_then_ema(decay: float):
    """AveragedModel's multi_avg_fn: a <- a + (1 - d) (p - a), with d = min(decay, n / (n + 1))
    after n updates, so the first 1 / (1 - decay) steps average plainly instead of
    remembering the random initial weights (tests/test_recipe.py checks it bit for bit)."""

    @torch.no_grad()
    def update(averaged: list, current: list, num_averaged) -> None:
        # in float64 as Python's arithmetic, but a tensor: reading it would make a GPU wait
        n = num_averaged.double()
        weight = (1 - torch.clamp(n / (n + 1), max=decay)).float()
        for a, p in zip(averaged, current, strict=True):
            a.lerp_(p, weight)

    return update


class Recipe:
    """After loss.backward(): step each optimizer, its learning rates along schedule(step) (a
    fraction of each group's peak at step 1, 2, ...; None: the peak) and the moving average
    (when ema_decay > 0) towards the new weights."""

    def __init__(self, model, optimizers, schedule=None, ema_decay: float = 0.0):
        self.model, self.optimizers = model, list(optimizers)
        schedule = schedule or (lambda step: 1.0)
        # LambdaLR counts the steps taken (0 before the first); the schedule counts from 1
        self.schedules = [LambdaLR(optimizer, lambda taken: schedule(taken + 1))
                          for optimizer in self.optimizers]
        self.averaged = None
        if ema_decay > 0:
            self.averaged = AveragedModel(model, multi_avg_fn=mean_then_ema(ema_decay))
            self.averaged.requires_grad_(False)

    @property
    def evaluated(self):
        """The model to evaluate, save and sample: the averaged weights, if kept."""
        return self.model if self.averaged is None else self.averaged.module

    def zero_grad(self) -> None:
        for optimizer in self.optimizers:
            optimizer.zero_grad(set_to_none=True)

    def step(self) -> None:
        for optimizer, schedule in zip(self.optimizers, self.schedules, strict=True):
            optimizer.step()
            schedule.step()  # the next step's rate
        if self.averaged is not None:
            self.averaged.update_parameters(self.model)

    def state_dict(self) -> dict:
        """All but the weights (a checkpoint keeps those apart, to sample from)."""
        return {
            "optimizers": [optimizer.state_dict() for optimizer in self.optimizers],
            "schedules": [schedule.state_dict() for schedule in self.schedules],
            "averaged_updates": 0 if self.averaged is None else int(self.averaged.n_averaged),
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue where state_dict() was taken; ValueError for another set of optimizers."""
        parts = (self.optimizers, self.schedules, state["optimizers"], state["schedules"])
        if len({len(part) for part in parts}) != 1:
            raise ValueError("the saved state is for another set of optimizers")
        for optimizer, schedule, saved, saved_schedule in zip(*parts, strict=True):
            optimizer.load_state_dict(saved)
            schedule.load_state_dict(saved_schedule)
            # the saved rate is the saved schedule's; this run's may be another (a resumed
            # run given more steps): the next step takes this run's
            for group, peak, factor in zip(optimizer.param_groups, schedule.base_lrs,
                                           schedule.lr_lambdas, strict=True):
                group["lr"] = peak * factor(schedule.last_epoch)
        if self.averaged is not None:
            self.averaged.n_averaged.fill_(state["averaged_updates"])


def build_recipe(model, *, steps: int, learning_rate: float, weight_decay: float = 0.1,
                 muon_learning_rate: float | None = None, warmup_steps: int = 0,
                 final_rate: float = 1.0, ema_decay: float = 0.0) -> Recipe:
    """The recipe as `train` and `minillm train` both set it up (final_rate: the last step's
    fraction of each peak; ema_decay 0: no average)."""
    optimizers = configure_optimizers(model, learning_rate, weight_decay, muon_learning_rate)
    schedule = functools.partial(learning_rate_factor, steps=steps, warmup_steps=warmup_steps,
                                 floor=final_rate)
    return Recipe(model, optimizers, schedule, ema_decay)
