"""Stage 5 (notebook 05), shared with 06: the small training loop.

Training shows the model many (context, next-token) examples cut from a long
list of token IDs and nudges its weights to make the true next tokens likelier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from tqdm.auto import tqdm


def check_data(data, context_length: int, what: str = "the data") -> None:
    if not torch.is_tensor(data) or data.dim() != 1:
        raise TypeError(f"{what} must be a 1-D tensor of token IDs, e.g. torch.tensor(tok.encode(text)).")
    if len(data) < context_length + 1:
        raise ValueError(
            f"{what} has {len(data)} tokens, too short for a context of {context_length}: "
            f"it needs at least {context_length + 1}. Use more text or a shorter context."
        )


def get_batch(data, batch_size: int, context_length: int, generator=None):
    """Cut batch_size random windows; the targets are the same windows shifted by one.

    >>> x, y = get_batch(torch.arange(10), 2, 4, torch.Generator().manual_seed(0))
    >>> bool((y == x + 1).all())
    True
    """
    starts = torch.randint(len(data) - context_length, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(context_length)  # (T,)
    x = data[starts[:, None] + offsets]  # (B, T)
    y = data[starts[:, None] + offsets + 1]  # (B, T): each position's next token
    return x, y


@torch.no_grad()
def estimate_loss(model, data, batch_size: int, context_length: int, num_batches: int = 10, seed: int = 1234) -> float:
    """Mean loss over fixed random batches (the same batches every call, so curves compare)."""
    generator = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    losses = []
    for _ in range(num_batches):
        x, y = get_batch(data, batch_size, context_length, generator)
        losses.append(float(model(x.to(device), y.to(device))[1]))
    model.train(was_training)
    return sum(losses) / len(losses)


@dataclass
class TrainingHistory:
    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)  # training loss of every step
    eval_steps: list[int] = field(default_factory=list)
    train_eval: list[float] = field(default_factory=list)
    val_eval: list[float] = field(default_factory=list)


def train(
    model,
    train_data,
    val_data=None,
    *,
    steps: int,
    batch_size: int = 16,
    context_length: int | None = None,
    learning_rate: float = 3e-3,
    eval_every: int | None = None,
    eval_batches: int = 10,
    seed: int = 0,
    progress: bool = True,
) -> TrainingHistory:
    """Train with AdamW on random windows; evaluate every eval_every steps (and at the end)."""
    context_length = context_length or model.config.context_length
    check_data(train_data, context_length, "the training data")
    if val_data is not None:
        check_data(val_data, context_length, "the validation data")
    if steps < 1 or batch_size < 1:
        raise ValueError(f"steps and batch_size must be at least 1, got {steps} and {batch_size}.")
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    device = next(model.parameters()).device
    history = TrainingHistory()
    model.train()
    bar = tqdm(range(1, steps + 1), disable=not progress, desc="training")
    for step in bar:
        x, y = get_batch(train_data, batch_size, context_length, generator)
        _, loss = model(x.to(device), y.to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        history.steps.append(step)
        history.losses.append(loss.item())
        if eval_every and (step % eval_every == 0 or step == steps):
            history.eval_steps.append(step)
            history.train_eval.append(estimate_loss(model, train_data, batch_size, context_length, eval_batches))
            if val_data is not None:
                history.val_eval.append(estimate_loss(model, val_data, batch_size, context_length, eval_batches))
            bar.set_postfix(loss=f"{history.train_eval[-1]:.3f}")
    model.eval()
    return history
