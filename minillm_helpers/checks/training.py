"""The input checks of notebook 05's training loop (minillm_helpers/training.py)."""

from __future__ import annotations

import torch

from minillm_helpers.checks.core import (
    InputError,
    InputTypeError,
    check_ids,
    check_int,
    check_number,
    check_tensor,
    fail,
)


def check_data(data, context_length: int, what: str = "the data") -> None:
    """Raise a clear error unless data is a 1-D tensor of token IDs longer than the context."""
    check_int("context_length", context_length)
    check_tensor(what, data, "torch.long", ("tokens",), fix="token IDs in one row: "
                 "torch.tensor(tokenizer.encode(text)), or data.long()")
    if len(data) < context_length + 1:
        fail(InputError, f"{what} has {len(data)} tokens, too short for a context of "
             f"{context_length}: it needs at least {context_length + 1} (the window plus its "
             "next token)", "use more text or a shorter context")


def check_model_data(model, data, context_length: int, what="the data", **counts) -> None:
    """Data for a model (train, estimate_loss): longer than the context, IDs in the model's
    vocabulary (read once here, where they enter, not in every forward), counts >= 1."""
    check_data(data, context_length, what)
    if hasattr(getattr(model, "config", None), "vocab_size"):
        check_ids(data, model.config.vocab_size)
    for name, value in counts.items():
        check_int(name, value)


def check_training(model, train_data, val_data, context_length, learning_rate, **counts):
    """train()'s inputs: data for the model (check_model_data; context_length None: the
    model's), counts (steps=...; eval_every may be None) >= 1, a positive learning rate."""
    if context_length is None:
        if not hasattr(model, "config"):
            fail(InputTypeError, "Pass context_length=...: the model has no .config to read it")
        context_length = model.config.context_length
    for what, data in (("the training data", train_data), ("the validation data", val_data)):
        if data is not None:
            check_model_data(model, data, context_length, what)
    for name, value in counts.items():
        if value is not None or name != "eval_every":
            check_int(name, value)
    check_number("learning_rate", learning_rate, above=0)


def check_recipe(muon_learning_rate, warmup_steps, final_rate, ema_decay) -> None:
    """train()'s recipe settings: a positive Muon rate (or None), a warm-up of 0 or more
    steps, a final rate from 0 to 1 times the peak, a moving-average decay in [0, 1)."""
    if muon_learning_rate is not None:
        check_number("muon_learning_rate", muon_learning_rate, above=0, fix="None: AdamW only")
    check_int("warmup_steps", warmup_steps, 0)
    check_number("final_rate", final_rate, at_least=0, at_most=1, fix="1 keeps the rate")
    check_number("ema_decay", ema_decay, at_least=0, below=1, fix="0 turns averaging off")


def check_model_output(output, step: int) -> None:
    """A model's forward(ids, targets) returns (logits, loss) with a finite scalar loss."""
    loss = output[1] if isinstance(output, tuple) and len(output) == 2 else None
    if not (torch.is_tensor(loss) and loss.dim() == 0):
        fail(InputTypeError, "model(ids, targets) must return (logits, loss) with a scalar loss")
    if not torch.isfinite(loss):
        fail(InputError, f"The loss became {loss.item()} at step {step}", "lower learning_rate")


def check_batch_request(data, batch_size: int, context_length: int) -> None:
    """get_batch's inputs: token IDs longer than the context, and at least one window."""
    check_data(data, context_length)
    check_int("batch_size", batch_size)
