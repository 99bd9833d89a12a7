"""The levers train_speed.py can pull on `minillm train`'s Trainer without changing the
package: another optimizer (torch.optim.Muon for the blocks' matrices), another learning-
rate shape, torch.compile. benchmarks/README.md records what each did.

    .venv/bin/python benchmarks/levers.py DATA --a "" --b "--optimizer muon" --blocks 6

times training steps of two settings (train_speed.py's flags) in alternating blocks of
steps in one process, so both meet the same moments of a shared machine, and prints the
median ms per step of each and their ratio.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import shlex
import statistics
import time

import torch

from minillm_helpers.training import BatchedMuon


class Optimizers:
    """Several torch optimizers that the trainer steps as one.

    The trainer writes its scheduled learning rate into `param_groups` (one group) before
    each step; here each real group instead gets its own peak rate (its "lr" when built)
    times shape(step), step counting from 1, so that Muon and AdamW keep rates of their own
    conventions. shape=None follows the trainer's schedule: the rate it wrote / `peak`.
    """

    def __init__(self, optimizers, peak: float, shape=None):
        self.optimizers, self.peak, self.shape, self.steps = list(optimizers), peak, shape, 0
        for optimizer in self.optimizers:
            for group in optimizer.param_groups:
                group["peak_lr"] = group["lr"]
        # the trainer writes its rate here ("initial_lr": the peak its schedule scales)
        self.param_groups = [{"lr": peak, "initial_lr": peak}]

    def factor(self) -> float:
        if self.shape is None:
            return self.param_groups[0]["lr"] / self.peak
        return self.shape(self.steps)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for optimizer in self.optimizers:
            optimizer.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        self.steps += 1
        factor = self.factor()
        for optimizer in self.optimizers:
            for group in optimizer.param_groups:
                group["lr"] = group["peak_lr"] * factor
            optimizer.step()

    def state_dict(self) -> dict:
        return {"steps": self.steps, "optimizers": [o.state_dict() for o in self.optimizers]}


def split_for_muon(model, only: str = "") -> tuple[list, list]:
    """(the blocks' 2-D weight matrices, everything else): Muon orthogonalises updates of
    matrices that map one hidden vector to another; the embedding table, the output layer,
    the norms and the biases stay with AdamW. only: just the matrices whose name holds it
    ("attention", "feed_forward").

    >>> from minillm_helpers.model import GPT, GPTConfig
    >>> model = GPT(GPTConfig(vocab_size=5, context_length=4, width=8, num_heads=2, num_layers=2))
    >>> [len(split_for_muon(model, only)[0]) for only in ("", "attention", "feed_forward")]
    [12, 8, 4]
    """
    matrices = [p for name, p in model.named_parameters()
                if name.startswith("blocks.") and p.dim() == 2 and only in name]
    chosen = {id(p) for p in matrices}
    return matrices, [p for p in model.parameters() if id(p) not in chosen]


def muon_and_adamw(model, muon_lr: float, adamw_lr: float, *, adjust="match_rms_adamw",
                   momentum: float = 0.95, muon_weight_decay: float = 0.1,
                   weight_decay: float = 0.1, ns_steps: int = 5, fused: bool = True,
                   batched: bool = False, only: str = "") -> list:
    """torch.optim.Muon (or the package's BatchedMuon) for split_for_muon's matrices; AdamW
    (the trainer's betas, weight decay on 2-D tensors only) for the rest."""
    matrices, rest = split_for_muon(model, only)
    if batched:
        assert adjust == "match_rms_adamw", "BatchedMuon scales as match_rms_adamw does"
        muon = BatchedMuon(matrices, lr=muon_lr, weight_decay=muon_weight_decay,
                           momentum=momentum, ns_steps=ns_steps)
    else:
        muon = torch.optim.Muon(matrices, lr=muon_lr, weight_decay=muon_weight_decay,
                                momentum=momentum, adjust_lr_fn=adjust or None,
                                ns_steps=ns_steps)
    groups = [{"params": [p for p in rest if p.dim() >= 2], "weight_decay": weight_decay},
              {"params": [p for p in rest if p.dim() < 2], "weight_decay": 0.0}]
    adamw = torch.optim.AdamW(groups, lr=adamw_lr, betas=(0.9, 0.99), fused=fused)
    return [muon, adamw]


def lr_shape(name: str, steps: int, warmup: int, floor: float, decay_fraction: float = 0.3):
    """The learning rate as a fraction of its peak at step 1..steps: a linear warm-up over
    `warmup` steps, then
    - cosine: half a cosine down to `floor` at the last step (the trainer's schedule);
    - linear: a straight line down to `floor`;
    - wsd: the peak until the last `decay_fraction` of the steps, then a line to `floor`.

    >>> [round(lr_shape("cosine", 10, 2, 0.1)(s), 3) for s in (1, 2, 6, 10)]
    [0.5, 1.0, 0.55, 0.1]
    >>> [round(lr_shape("wsd", 10, 0, 0.0, 0.5)(s), 3) for s in (1, 5, 8, 10)]
    [1.0, 1.0, 0.4, 0.0]
    """

    def shape(step: int) -> float:
        if step <= warmup:
            return step / max(1, warmup)
        progress = min(1.0, (step - warmup) / max(1, steps - warmup))
        if name == "cosine":
            return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
        if name == "linear":
            return 1 - (1 - floor) * progress
        if name == "wsd":
            start = steps - decay_fraction * steps
            return 1 - (1 - floor) * max(0.0, min(1.0, (step - start) / (steps - start)))
        raise ValueError(f"unknown learning-rate shape {name!r}")

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
    """Apply the levers that args choose to a freshly built Trainer (before the clock)."""
    s, state = trainer.settings, trainer.state
    default_shape = args.lr_shape == "cosine" and args.lr_floor == 0.1
    if args.optimizer in ("muon", "batched-muon"):
        optimizers = muon_and_adamw(state.model, args.muon_lr, s.learning_rate,
                                    adjust=args.muon_adjust, momentum=args.muon_momentum,
                                    muon_weight_decay=args.muon_weight_decay,
                                    weight_decay=s.weight_decay, ns_steps=args.ns_steps,
                                    fused=trainer.device.type in ("cpu", "cuda"),
                                    batched=args.optimizer == "batched-muon",
                                    only=args.muon_only)
    elif not default_shape:
        optimizers = [state.optimizer]
        for group in state.optimizer.param_groups:
            group["lr"] = s.learning_rate
    else:
        optimizers = None
    if optimizers is not None:
        shape = lr_shape(args.lr_shape, s.steps, s.warmup_steps, args.lr_floor,
                         args.decay_fraction)
        state.optimizer = Optimizers(optimizers, s.learning_rate, shape)
    if args.compile:
        trainer.parallel_model = torch.compile(trainer.parallel_model)
    if args.batch_ramp:
        ramp_batch(trainer, args.batch_ramp)


def ramp_batch(trainer, steps: int) -> None:
    """Before each step, set the trainer's batch size: half of its own at the first step,
    growing linearly to all of it at step `steps` and after."""
    full, train_step = trainer.settings.batch_size, trainer.train_step

    def ramped_step():
        grown = min(1.0, trainer.state.step / steps)  # 0 at the first step
        size = max(1, round(full * (0.5 + 0.5 * grown)))
        trainer.settings = dataclasses.replace(trainer.settings, batch_size=size)
        return train_step()

    trainer.train_step = ramped_step


def step_cost(args) -> None:
    """Median ms per training step of settings A and B, in alternating blocks."""
    import train_speed

    trainers = {}
    for name, extra in (("A", args.a), ("B", args.b)):
        child_args = train_speed.parser().parse_args([args.data, *shlex.split(extra)])
        torch.set_num_threads(child_args.threads)
        trainers[name] = train_speed.build_trainer(child_args)
    warmup_s = {}
    for name, trainer in trainers.items():  # first steps allocate, compile, fill caches
        began = time.perf_counter()
        for _ in range(args.warmup):
            trainer.train_step()
            trainer.read_losses()
        warmup_s[name] = time.perf_counter() - began
    times = {name: [] for name in trainers}
    for _ in range(args.blocks):
        for name, trainer in trainers.items():
            for _ in range(args.steps):
                began = time.perf_counter()
                trainer.train_step()
                trainer.read_losses()
                times[name].append(time.perf_counter() - began)
    ms = {name: 1000 * statistics.median(t) for name, t in times.items()}
    print(f"A ({args.a or 'defaults'}): {ms['A']:.1f} ms/step; B ({args.b or 'defaults'}): "
          f"{ms['B']:.1f} ms/step; B / A = {ms['B'] / ms['A']:.3f} "
          f"({args.blocks} alternating blocks of {args.steps} steps each); the first "
          f"{args.warmup} steps took {warmup_s['A']:.1f} s (A) and {warmup_s['B']:.1f} s (B)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("--a", default="", help="train_speed.py flags of setting A")
    parser.add_argument("--b", default="", help="train_speed.py flags of setting B")
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--steps", type=int, default=10, help="steps per block")
    parser.add_argument("--warmup", type=int, default=10, help="untimed steps of each first")
    step_cost(parser.parse_args())


if __name__ == "__main__":
    main()
