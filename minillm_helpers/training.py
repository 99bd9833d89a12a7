"""Stage 5 (notebook 05), shared with 06-08: the notebooks' small training loop. Its
options turn on the recipe it shares with `minillm train` (`minillm_helpers.recipe`: Muon,
the learning-rate schedule, the moving average of the weights), whose own loop
(`minillm_helpers.cli.trainer`) adds checkpoints, resume and several processes. Both loops
record a `TrainingHistory`.

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

from minillm_helpers.checks import check_data, check_int, check_loss, check_recipe, check_training
from minillm_helpers.recipe import build_recipe


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
          final_rate: float = 1.0, ema_decay: float = 0.0, on_step=None) -> TrainingHistory:
    """Train with AdamW on random windows; every eval_every steps (and at the end) estimate
    the loss on the training and validation data. model(ids, targets) -> (logits, loss).
    on_step(step, model, history), if given, is called after every step (and its
    evaluation), e.g. to redraw a plot.

    The rest of `minillm train`'s recipe (minillm_helpers.recipe), each off by default:
    muon_learning_rate (Muon for the blocks' matrices), a warm-up over warmup_steps and a
    cosine decay to final_rate x the peak, and ema_decay > 0: the losses are measured on a
    moving average of the weights, which the model holds at the end."""
    check_training(model, train_data, val_data, context_length, learning_rate, steps=steps,
                   batch_size=batch_size, eval_every=eval_every, eval_batches=eval_batches)
    check_recipe(muon_learning_rate, warmup_steps, final_rate, ema_decay)
    context_length = context_length or model.config.context_length  # the model's, by default
    torch.manual_seed(seed)  # dropout and anything else random in the model
    generator = torch.Generator().manual_seed(seed)  # which windows, in which order
    recipe = build_recipe(model, steps=steps, learning_rate=learning_rate,
                          muon_learning_rate=muon_learning_rate, warmup_steps=warmup_steps,
                          final_rate=final_rate, ema_decay=ema_decay)
    device = next(model.parameters()).device
    history = TrainingHistory()
    model.train()
    for step in range(1, steps + 1):
        x, y = get_batch(train_data, batch_size, context_length, generator)  # (B, T), (B, T)
        _, loss = model(x.to(device), y.to(device))  # how wrong the guesses were
        check_loss(loss, step)  # finite, or the weights have diverged
        recipe.zero_grad()  # forget the previous step's gradients
        loss.backward()  # which way each weight should move to lower the loss
        recipe.step()  # move them a little (and the learning rate and the average)
        history.record_step(step, loss.item())
        if eval_every and (step % eval_every == 0 or step == steps):
            losses = [estimate_loss(recipe.evaluated, data, batch_size, context_length,
                                    eval_batches)
                      for data in (train_data, val_data) if data is not None]
            history.record_evaluation(step, *losses)
        if on_step is not None:
            on_step(step, model, history)
    if recipe.evaluated is not model:  # the model keeps the averaged weights
        model.load_state_dict(recipe.evaluated.state_dict())
    model.eval()
    return history
