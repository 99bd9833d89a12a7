"""The cost of a lever per step: two settings' training steps, timed against each other.

    .venv/bin/python benchmarks/step_cost.py DATA --a "" --b "--optimizer muon" --blocks 6

builds a Trainer for each setting (train_speed.py's flags, its levers included), times
their steps in alternating blocks in one process, so both meet the same moments of a
shared machine, and prints the median ms per step of each and their ratio.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import time

import torch
import train_speed


def step_cost(args) -> None:
    """Median ms per training step of settings A and B, in alternating blocks."""
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
