"""Stage 5 (notebook 05), shared with 06-08: the notebooks' small training loop, and the
recipe it shares with `minillm train` (whose own loop, `minillm_helpers.cli.trainer`, adds
checkpoints, resume and several processes): the optimizer (`configure_optimizer`), the
learning-rate schedule (`learning_rate_factor`) and the moving average of the weights
(`average_weights`). Both loops record a `TrainingHistory`.

Training shows the model many (context, next-token) examples cut from one long
list of token IDs and nudges its weights so that the true next tokens become
likelier. A model here is any torch module whose forward(ids, targets) returns
(logits, loss).

>>> x, y = get_batch(torch.arange(10), 2, 4, torch.Generator().manual_seed(0))
>>> bool((y[:, :-1] == x[:, 1:]).all())
True
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import torch

from minillm_helpers.checks import (
    check_data,
    check_int,
    check_loss,
    check_recipe,
    check_training,
)


def get_batch(data, batch_size: int, context_length: int, generator=None):
    """Cut batch_size random windows of context_length tokens; targets are shifted by one.

    >>> x, y = get_batch(torch.arange(100, 110), 1, 4, torch.Generator().manual_seed(0))
    >>> x.tolist(), y.tolist()
    ([[102, 103, 104, 105]], [[103, 104, 105, 106]])
    """
    check_data(data, context_length)  # token IDs longer than the context (checks.py)
    check_int("batch_size", batch_size)
    data, targets = data if isinstance(data, tuple) else (data, None)  # + notebook 09: or a pair
    starts = torch.randint(len(data) - context_length, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(context_length)  # (T,)
    x = data[starts[:, None] + offsets]  # (B, T): the windows the model reads
    y = data[starts[:, None] + offsets + 1]  # (B, T): each position's next token
    if targets is not None:  # + notebook 09: (ids, targets): the targets say what to learn
        y = targets[starts[:, None] + offsets]  # (B, T), cut where x is; -100: not learned
    return x, y


@torch.no_grad()
def estimate_loss(model, data, batch_size: int, context_length: int, num_batches: int = 10,
                  seed: int = 1234) -> float:
    """Mean loss over fixed random batches (the same batches every call, so numbers compare)."""
    check_data(data, context_length, model=model)  # IDs in the vocabulary, read once (checks.py)
    check_int("num_batches", num_batches)
    generator = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()  # no dropout while measuring
    device = next(model.parameters()).device
    losses = []
    for _ in range(num_batches):
        x, y = get_batch(data, batch_size, context_length, generator)
        losses.append(float(model(x.to(device), y.to(device))[1]))
    model.train(was_training)
    return sum(losses) / len(losses)


FUSED_ADAMW_DEVICES = ("cpu", "cuda")  # where torch.optim.AdamW(fused=True) has a kernel


class Optimizers:
    """Several torch.optim optimizers stepped as one: Muon for some weights, AdamW for the
    rest. The trainer sees one object: param_groups, zero_grad, step, state_dict."""

    def __init__(self, *optimizers):
        self.optimizers = optimizers

    @property
    def param_groups(self) -> list[dict]:
        return [group for optimizer in self.optimizers for group in optimizer.param_groups]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for optimizer in self.optimizers:
            optimizer.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        for optimizer in self.optimizers:
            optimizer.step()

    def state_dict(self) -> dict:
        return {"optimizers": [optimizer.state_dict() for optimizer in self.optimizers]}

    def load_state_dict(self, state: dict) -> None:
        saved = state["optimizers"]  # a KeyError for another optimizer's state
        if len(saved) != len(self.optimizers):
            raise ValueError("the saved state is for another set of optimizers")
        for optimizer, part in zip(self.optimizers, saved, strict=True):
            optimizer.load_state_dict(part)


def newton_schulz(updates, steps: int = 5, eps: float = 1e-7):
    """An approximately orthogonal matrix for each matrix of `updates` (a stack of matrices
    of one shape): torch.optim.Muon's quintic Newton-Schulz iteration, with its coefficients
    and bfloat16 arithmetic, as batched products."""
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
    """torch.optim.Muon's update with adjust_lr_fn="match_rms_adamw" (Nesterov momentum, the
    Newton-Schulz orthogonalisation, decoupled weight decay), all matrices of one shape
    orthogonalised together. PyTorch's Muon takes one matrix at a time (it has no
    multi-tensor path yet); the model's 24 matrices come in three shapes, so each product of
    the iteration runs 3 times instead of 24, and a step of the benchmark's model takes
    about 30% less time on a CPU. tests/test_training.py checks its updates equal
    torch.optim.Muon's."""

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


def configure_optimizer(model, learning_rate: float, weight_decay: float = 0.1,
                        betas=(0.9, 0.99), muon_learning_rate: float | None = None):
    """AdamW as nanoGPT's configure_optimizers sets it up, for the notebooks' `train` and
    `minillm train` alike: weight decay pulls the matrices (2-D and up) towards zero,
    never the biases and layer-norm scales; PyTorch's fused kernel, which updates all of
    a group's tensors in one call (about 5x faster than a loop), where the device has one.

    With muon_learning_rate, Muon (torch.optim.Muon's update, batched) takes the blocks'
    weight matrices instead: it orthogonalises each update (every direction of a matrix
    moves by the same amount), which reaches the same loss in about half the steps here;
    AdamW keeps the embedding table, the output layer, the norms and the biases, which Muon
    is not made for. Every group remembers its peak rate as "initial_lr", for a schedule
    to scale.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    matrices = []
    if muon_learning_rate is not None:
        matrices = [p for name, p in model.named_parameters()
                    if p.requires_grad and name.startswith("blocks.") and p.dim() == 2]
    taken = {id(p) for p in matrices}
    rest = [p for p in params if id(p) not in taken]
    groups = [
        {"params": [p for p in rest if p.dim() >= 2], "weight_decay": weight_decay},
        {"params": [p for p in rest if p.dim() < 2], "weight_decay": 0.0},
    ]
    fused = next(model.parameters()).device.type in FUSED_ADAMW_DEVICES
    optimizer = torch.optim.AdamW(groups, lr=learning_rate, betas=betas, fused=fused)
    if matrices:
        # momentum 0.85, not torch's 0.95: a shorter memory of past gradients reached the
        # benchmark's loss in about a fifth fewer steps (benchmarks/README.md)
        muon = BatchedMuon(matrices, lr=muon_learning_rate, weight_decay=weight_decay,
                           momentum=0.85)
        optimizer = Optimizers(muon, optimizer)
    for group in optimizer.param_groups:
        group["initial_lr"] = group["lr"]
    return optimizer


def learning_rate_factor(step: int, steps: int, warmup_steps: int = 0, floor: float = 1.0):
    """The schedule, as a fraction of the peak rate at step 1..steps: a linear warm-up over
    warmup_steps, then half a cosine down to `floor` at the last step (floor 1: constant).

    >>> [round(learning_rate_factor(s, 10, 2, 0.1), 3) for s in (1, 2, 6, 10)]
    [0.5, 1.0, 0.55, 0.1]
    """
    if step <= warmup_steps:
        return step / max(1, warmup_steps)
    progress = min(1.0, (step - warmup_steps) / max(1, steps - warmup_steps))
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def set_learning_rate(optimizer, factor: float) -> None:
    """Every group's rate: its peak ("initial_lr") times the schedule's factor."""
    for group in optimizer.param_groups:
        group["lr"] = group["initial_lr"] * factor


def average_weights(averaged, trained, step: int, decay: float) -> None:
    """Move each averaged weight towards its trained one: a <- a + (1 - d) (p - a).

    d is `decay`, except early on: d = (step - 1) / step while that is smaller, so for the
    first 1 / (1 - decay) steps the average is the plain mean of the weights so far
    instead of remembering the random initial ones.

    >>> a, p = torch.nn.Linear(1, 1), torch.nn.Linear(1, 1)
    >>> _ = torch.nn.init.zeros_(a.weight), torch.nn.init.ones_(p.weight)
    >>> average_weights(a, p, step=1, decay=0.9); a.weight.item()  # step 1: a copy
    1.0
    >>> _ = torch.nn.init.constant_(p.weight, 3.0)
    >>> average_weights(a, p, step=2, decay=0.9); a.weight.item()  # the mean of 1 and 3
    2.0
    >>> _ = torch.nn.init.zeros_(p.weight)
    >>> average_weights(a, p, step=100, decay=0.9); round(a.weight.item(), 6)  # 0.9 * 2
    1.8
    """
    weight = 1 - min(decay, (step - 1) / step)
    with torch.no_grad():
        for a, p in zip(averaged.parameters(), trained.parameters(), strict=True):
            a.lerp_(p, weight)


@dataclass
class TrainingHistory:
    """What a training run measured: every step's loss, and the losses evaluated now and then."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)  # training loss of every step's batch
    eval_steps: list[int] = field(default_factory=list)
    train_eval: list[float] = field(default_factory=list)  # estimate_loss on the training data
    val_eval: list[float] = field(default_factory=list)  # ... and on the validation data

    def record_step(self, step: int, loss: float) -> None:
        self.steps.append(step)
        self.losses.append(loss)

    def record_evaluation(self, step: int, train_loss: float, val_loss=None) -> None:
        self.eval_steps.append(step)
        self.train_eval.append(train_loss)
        if val_loss is not None:
            self.val_eval.append(val_loss)


def train(model, train_data, val_data=None, *, steps: int, batch_size: int = 16,
          context_length: int | None = None, learning_rate: float = 3e-3,
          eval_every: int | None = None, eval_batches: int = 10, seed: int = 0,
          muon_learning_rate: float | None = None, warmup_steps: int = 0,
          final_rate: float = 1.0, ema_decay: float = 0.0) -> TrainingHistory:
    """Train with AdamW on random windows; every eval_every steps (and at the end) estimate
    the loss on the training and validation data. model(ids, targets) -> (logits, loss).

    The rest of `minillm train`'s recipe, each off by default: muon_learning_rate (Muon
    for the blocks' matrices, configure_optimizer), a warm-up over warmup_steps and a
    cosine decay to final_rate x the peak (learning_rate_factor), and ema_decay > 0: the
    losses are measured on a moving average of the weights (average_weights), which the
    model holds at the end."""
    check_training(model, train_data, val_data, context_length, learning_rate, steps=steps,
                   batch_size=batch_size, eval_every=eval_every, eval_batches=eval_batches)
    check_recipe(muon_learning_rate, warmup_steps, final_rate, ema_decay)
    context_length = context_length or model.config.context_length  # the model's, by default
    torch.manual_seed(seed)  # dropout and anything else random in the model
    generator = torch.Generator().manual_seed(seed)  # which windows, in which order
    optimizer = configure_optimizer(model, learning_rate, muon_learning_rate=muon_learning_rate)
    averaged = copy.deepcopy(model).requires_grad_(False) if ema_decay > 0 else model
    device = next(model.parameters()).device
    history = TrainingHistory()
    model.train()
    for step in range(1, steps + 1):
        set_learning_rate(optimizer, learning_rate_factor(step, steps, warmup_steps, final_rate))
        x, y = get_batch(train_data, batch_size, context_length, generator)  # (B, T), (B, T)
        _, loss = model(x.to(device), y.to(device))  # how wrong the guesses were
        check_loss(loss, step)  # finite, or the weights have diverged
        optimizer.zero_grad(set_to_none=True)  # forget the previous step's gradients
        loss.backward()  # which way each weight should move to lower the loss
        optimizer.step()  # move them a little
        if averaged is not model:
            average_weights(averaged, model, step, ema_decay)
        history.record_step(step, loss.item())
        if eval_every and (step % eval_every == 0 or step == steps):
            losses = [estimate_loss(averaged, data, batch_size, context_length, eval_batches)
                      for data in (train_data, val_data) if data is not None]
            history.record_evaluation(step, *losses)
    if averaged is not model:
        model.load_state_dict(averaged.state_dict())  # the model keeps the averaged weights
    model.eval()
    return history
