"""Stage 5 (notebook 05), shared with 06: the notebooks' small training loop.

(The `minillm train` command has its own loop, with checkpoints and a learning-rate
schedule: `minillm_helpers.cli.trainer`. Both record a `TrainingHistory`.)

Training shows the model many (context, next-token) examples cut from one long
list of token IDs and nudges its weights so that the true next tokens become
likelier. A model here is any torch module whose forward(ids, targets) returns
(logits, loss).

>>> x, y = get_batch(torch.arange(10), 2, 4, torch.Generator().manual_seed(0))
>>> bool((y[:, :-1] == x[:, 1:]).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from minillm_helpers.checks import (
    check_batch_request,
    check_model_data,
    check_model_output,
    check_training,
)


def get_batch(data, batch_size: int, context_length: int, generator=None):
    """Cut batch_size random windows of context_length tokens; targets are shifted by one.

    >>> x, y = get_batch(torch.arange(100, 110), 1, 4, torch.Generator().manual_seed(0))
    >>> x.tolist(), y.tolist()
    ([[102, 103, 104, 105]], [[103, 104, 105, 106]])
    """
    check_batch_request(data, batch_size, context_length)
    starts = torch.randint(len(data) - context_length, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(context_length)  # (T,)
    x = data[starts[:, None] + offsets]  # (B, T): the windows the model reads
    y = data[starts[:, None] + offsets + 1]  # (B, T): each position's next token
    return x, y


@torch.no_grad()
def estimate_loss(model, data, batch_size: int, context_length: int, num_batches: int = 10,
                  seed: int = 1234) -> float:
    """Mean loss over fixed random batches (the same batches every call, so numbers compare)."""
    # long enough, IDs in the model's vocabulary (read once, not per batch), counts >= 1
    check_model_data(model, data, context_length, batch_size=batch_size, num_batches=num_batches)
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


def configure_optimizer(model, learning_rate: float, weight_decay: float = 0.1,
                        betas=(0.9, 0.99)) -> torch.optim.AdamW:
    """AdamW as nanoGPT's configure_optimizers sets it up, for the notebooks' `train` and
    `minillm train` alike: weight decay pulls the matrices (2-D and up) towards zero,
    never the biases and layer-norm scales; PyTorch's fused kernel, which updates all of
    a group's tensors in one call (about 5x faster than a loop), where the device has one.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    fused = next(model.parameters()).device.type in FUSED_ADAMW_DEVICES
    return torch.optim.AdamW(groups, lr=learning_rate, betas=betas, fused=fused)


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
          eval_every: int | None = None, eval_batches: int = 10, seed: int = 0) -> TrainingHistory:
    """Train with AdamW on random windows; every eval_every steps (and at the end) estimate
    the loss on the training and validation data. model(ids, targets) -> (logits, loss)."""
    check_training(model, train_data, val_data, context_length, learning_rate, steps=steps,
                   batch_size=batch_size, eval_every=eval_every, eval_batches=eval_batches)
    context_length = context_length or model.config.context_length  # the model's, by default
    torch.manual_seed(seed)  # dropout and anything else random in the model
    generator = torch.Generator().manual_seed(seed)  # which windows, in which order
    optimizer = configure_optimizer(model, learning_rate)  # AdamW, nanoGPT's recipe
    device = next(model.parameters()).device
    history = TrainingHistory()
    model.train()
    for step in range(1, steps + 1):
        x, y = get_batch(train_data, batch_size, context_length, generator)  # (B, T), (B, T)
        output = model(x.to(device), y.to(device))  # (logits, loss)
        check_model_output(output, step)  # a finite loss: how wrong the guesses were
        loss = output[1]
        optimizer.zero_grad(set_to_none=True)  # forget the previous step's gradients
        loss.backward()  # which way each weight should move to lower the loss
        optimizer.step()  # move them a little
        history.record_step(step, loss.item())
        if eval_every and (step % eval_every == 0 or step == steps):
            losses = [estimate_loss(model, data, batch_size, context_length, eval_batches)
                      for data in (train_data, val_data) if data is not None]
            history.record_evaluation(step, *losses)
    model.eval()
    return history
