"""The levers train_speed.py can pull on `minillm train`'s Trainer without changing the
package: another optimizer (torch.optim.Muon, or the package's BatchedMuon with other
settings, for the blocks' matrices), another learning-rate shape, torch.compile, a
batch-size ramp. Each builds on the package's recipe (`minillm_helpers.recipe`): a lever
assembles a `Recipe` from other parts. benchmarks/README.md records what each did;
step_cost.py times the steps of two settings against each other.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools

import torch

from minillm_helpers.recipe import (
    BatchedMuon,
    Recipe,
    adamw,
    configure_optimizers,
    learning_rate_factor,
    muon_matrices,
)


def split_for_muon(model, only: str = "") -> tuple[list, list]:
    """(the recipe's matrices for Muon whose name holds `only`, everything else): only
    "attention" or "feed_forward" leaves the other matrices to AdamW.

    >>> from minillm_helpers.model import GPT, GPTConfig
    >>> model = GPT(GPTConfig(vocab_size=5, context_length=4, width=8, num_heads=2, num_layers=2))
    >>> [len(split_for_muon(model, only)[0]) for only in ("", "attention", "feed_forward")]
    [12, 8, 4]
    """
    named = {id(p) for name, p in model.named_parameters() if only in name}
    matrices = [p for p in muon_matrices(model) if id(p) in named]
    chosen = {id(p) for p in matrices}
    return matrices, [p for p in model.parameters() if id(p) not in chosen]


def muon_and_adamw(model, muon_lr: float, adamw_lr: float, *, adjust="match_rms_adamw",
                   momentum: float = 0.95, muon_weight_decay: float = 0.1,
                   weight_decay: float = 0.1, ns_steps: int = 5, batched: bool = False,
                   only: str = "") -> list:
    """torch.optim.Muon (or the package's BatchedMuon) for split_for_muon's matrices; the
    recipe's AdamW for the rest."""
    matrices, rest = split_for_muon(model, only)
    if batched:
        assert adjust == "match_rms_adamw", "BatchedMuon scales as match_rms_adamw does"
        muon = BatchedMuon(matrices, lr=muon_lr, weight_decay=muon_weight_decay,
                           momentum=momentum, ns_steps=ns_steps)
    else:
        muon = torch.optim.Muon(matrices, lr=muon_lr, weight_decay=muon_weight_decay,
                                momentum=momentum, adjust_lr_fn=adjust or None,
                                ns_steps=ns_steps)
    return [muon, adamw(rest, adamw_lr, weight_decay)]


def lr_shape(name: str, steps: int, warmup: int, floor: float, decay_fraction: float = 0.3):
    """The learning rate as a fraction of its peak at step 1..steps: a linear warm-up over
    `warmup` steps, then
    - cosine: half a cosine down to `floor` at the last step (the recipe's schedule);
    - linear: a straight line down to `floor`;
    - wsd: the peak until the last `decay_fraction` of the steps, then a line to `floor`.

    >>> [round(lr_shape("cosine", 10, 2, 0.1)(s), 3) for s in (1, 2, 6, 10)]
    [0.5, 1.0, 0.55, 0.1]
    >>> [round(lr_shape("wsd", 10, 0, 0.0, 0.5)(s), 3) for s in (1, 5, 8, 10)]
    [1.0, 1.0, 0.4, 0.0]
    """
    if name == "cosine":
        return functools.partial(learning_rate_factor, steps=steps, warmup_steps=warmup,
                                 floor=floor)
    if name not in ("linear", "wsd"):
        raise ValueError(f"unknown learning-rate shape {name!r}")

    def shape(step: int) -> float:
        if step <= warmup:
            return step / max(1, warmup)
        if name == "linear":
            return 1 - (1 - floor) * min(1.0, (step - warmup) / max(1, steps - warmup))
        start = steps - decay_fraction * steps
        return 1 - (1 - floor) * max(0.0, min(1.0, (step - start) / (steps - start)))

    return shape


def add_lever_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("levers (benchmarks/levers.py)")
    group.add_argument("--optimizer", choices=("adamw", "muon", "batched-muon"), default="adamw",
                       help="muon: torch.optim.Muon for the blocks' matrices, AdamW for "
                       "the rest; batched-muon: the same update, one product per shape")
    group.add_argument("--muon-lr", type=float, default=4e-3, help="Muon's peak learning rate")
    group.add_argument("--muon-adjust", default="match_rms_adamw",
                       help="Muon's adjust_lr_fn: match_rms_adamw, original or ''")
    group.add_argument("--muon-momentum", type=float, default=0.95)
    group.add_argument("--muon-weight-decay", type=float, default=0.1)
    group.add_argument("--muon-only", default="", metavar="PART",
                       help="Muon for the blocks' matrices whose name holds PART only "
                       "(attention, feed_forward); AdamW for the rest")
    group.add_argument("--ns-steps", type=int, default=5, help="Muon's Newton-Schulz steps")
    group.add_argument("--lr-shape", choices=("cosine", "linear", "wsd"), default="cosine")
    group.add_argument("--lr-floor", type=float, default=0.1,
                       help="the last step's learning rate as a fraction of the peak")
    group.add_argument("--decay-fraction", type=float, default=0.3, help="wsd: the decay's share")
    group.add_argument("--compile", action="store_true",
                       help="torch.compile the training forward (on the clock)")
    group.add_argument("--batch-ramp", type=int, default=0, metavar="STEPS",
                       help="grow the batch from half of --batch-size to all of it, linearly "
                       "over the first STEPS steps; 0: no ramp")


def pull_levers(trainer, args) -> None:
    """Apply the levers that args choose to a freshly built Trainer (before the clock): a
    new Recipe, when the optimizer or the learning-rate shape is another than the trainer's
    (train_speed.py's trainer decays to a tenth along the cosine)."""
    s = trainer.settings
    trainers_shape = args.lr_shape == "cosine" and args.lr_floor == 0.1
    if args.optimizer != "adamw" or not trainers_shape:
        if args.optimizer in ("muon", "batched-muon"):
            optimizers = muon_and_adamw(trainer.model, args.muon_lr, s.learning_rate,
                                        adjust=args.muon_adjust, momentum=args.muon_momentum,
                                        muon_weight_decay=args.muon_weight_decay,
                                        weight_decay=s.weight_decay, ns_steps=args.ns_steps,
                                        batched=args.optimizer == "batched-muon",
                                        only=args.muon_only)
        else:  # the trainer's own optimizers, along another shape
            optimizers = configure_optimizers(trainer.model, s.learning_rate, s.weight_decay,
                                              s.muon_learning_rate or None)
        shape = lr_shape(args.lr_shape, s.steps, s.warmup_steps, args.lr_floor,
                         args.decay_fraction)
        trainer.recipe = Recipe(trainer.model, optimizers, shape, s.ema_decay)
    if args.compile:
        trainer.parallel_model = torch.compile(trainer.parallel_model)
    if args.batch_ramp:
        ramp_batch(trainer, args.batch_ramp)


def ramp_batch(trainer, steps: int) -> None:
    """Before each step, set the trainer's batch size: half of its own at the first step,
    growing linearly to all of it at step `steps` and after."""
    full, train_step = trainer.settings.batch_size, trainer.train_step

    def ramped_step():
        grown = min(1.0, trainer.step / steps)  # 0 at the first step
        size = max(1, round(full * (0.5 + 0.5 * grown)))
        trainer.settings = dataclasses.replace(trainer.settings, batch_size=size)
        return train_step()

    trainer.train_step = ramped_step
