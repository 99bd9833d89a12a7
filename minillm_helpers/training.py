"""Stage 5 (notebook 05), shared with 06: the small training loop.

Training shows the model many (context, next-token) examples cut from one long
list of token IDs and nudges its weights so that the true next tokens become
likelier. A model here is any torch module whose forward(ids, targets) returns
(logits, loss).

>>> x, y = get_batch(torch.arange(10), 2, 4, torch.Generator().manual_seed(0))
>>> bool((y[:, :-1] == x[:, 1:]).all())
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from tqdm.auto import tqdm


def require_count(name: str, value) -> None:
    """Raise a clear error unless value is a whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}.")


def check_data(data, context_length: int, what: str = "the data") -> None:
    """Raise a clear error unless data is a 1-D tensor of token IDs longer than the context."""
    require_count("context_length", context_length)
    if not torch.is_tensor(data) or data.dim() != 1:
        raise TypeError(
            f"{what} must be a 1-D tensor of token IDs, "
            "e.g. torch.tensor(tokenizer.encode(text))."
        )
    if data.dtype != torch.long:
        raise TypeError(
            f"{what} holds {data.dtype} values, but token IDs must be whole numbers of "
            "type torch.long: use torch.tensor(ids) or data.long()."
        )
    if len(data) < context_length + 1:
        raise ValueError(
            f"{what} has {len(data)} tokens, too short for a context of {context_length}: "
            f"it needs at least {context_length + 1} (the window plus its next token). "
            "Use more text or a shorter context."
        )


def get_batch(data, batch_size: int, context_length: int, generator=None):
    """Cut batch_size random windows of context_length tokens; targets are shifted by one.

    >>> x, y = get_batch(torch.arange(100, 110), 1, 4, torch.Generator().manual_seed(0))
    >>> x.tolist(), y.tolist()
    ([[102, 103, 104, 105]], [[103, 104, 105, 106]])
    """
    check_data(data, context_length)
    require_count("batch_size", batch_size)
    starts = torch.randint(len(data) - context_length, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(context_length)  # (T,)
    x = data[starts[:, None] + offsets]  # (B, T): the windows the model reads
    y = data[starts[:, None] + offsets + 1]  # (B, T): each position's next token
    return x, y


@torch.no_grad()
def estimate_loss(model, data, batch_size: int, context_length: int, num_batches: int = 10,
                  seed: int = 1234) -> float:
    """Mean loss over fixed random batches (the same batches every call, so numbers compare)."""
    require_count("num_batches", num_batches)
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


@dataclass
class TrainingHistory:
    """What train() measured: every step's loss, and evaluated losses every eval_every steps."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)  # training loss of every step's batch
    eval_steps: list[int] = field(default_factory=list)
    train_eval: list[float] = field(default_factory=list)  # estimate_loss on the training data
    val_eval: list[float] = field(default_factory=list)  # ... and on the validation data


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
    """Train with AdamW on random windows; evaluate every eval_every steps (and at the end).

    model(ids, targets) must return (logits, loss). context_length defaults to
    model.config.context_length. progress=True shows a tqdm bar.
    """
    if context_length is None:
        if not hasattr(model, "config"):
            raise TypeError("Pass context_length=...: the model has no .config to read it from.")
        context_length = model.config.context_length
    check_data(train_data, context_length, "the training data")
    if val_data is not None:
        check_data(val_data, context_length, "the validation data")
    require_count("steps", steps)
    require_count("batch_size", batch_size)
    require_count("eval_batches", eval_batches)
    if eval_every is not None:
        require_count("eval_every", eval_every)
    if not (isinstance(learning_rate, (int, float)) and 0 < learning_rate < math.inf):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")

    torch.manual_seed(seed)  # dropout and anything else random in the model
    generator = torch.Generator().manual_seed(seed)  # which windows, in which order
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    device = next(model.parameters()).device
    history = TrainingHistory()
    model.train()
    bar = tqdm(range(1, steps + 1), disable=not progress, desc="training")
    for step in bar:
        x, y = get_batch(train_data, batch_size, context_length, generator)  # (B, T), (B, T)
        output = model(x.to(device), y.to(device))  # (logits, loss)
        loss = output[1] if isinstance(output, tuple) and len(output) == 2 else None
        if not (torch.is_tensor(loss) and loss.dim() == 0):  # how wrong the guesses are
            raise TypeError("model(ids, targets) must return (logits, loss) with a scalar loss.")
        if not torch.isfinite(loss):
            raise ValueError(f"The loss became {loss.item()} at step {step}: lower learning_rate.")
        optimizer.zero_grad(set_to_none=True)  # forget the previous step's gradients
        loss.backward()  # which way each weight should move to lower the loss
        optimizer.step()  # move them a little
        history.steps.append(step)
        history.losses.append(loss.item())
        if eval_every and (step % eval_every == 0 or step == steps):
            history.eval_steps.append(step)
            history.train_eval.append(
                estimate_loss(model, train_data, batch_size, context_length, eval_batches)
            )
            if val_data is not None:
                history.val_eval.append(
                    estimate_loss(model, val_data, batch_size, context_length, eval_batches)
                )
            bar.set_postfix(loss=f"{history.train_eval[-1]:.3f}")
    model.eval()
    return history
