"""How fast does `minillm train` reach nanoGPT's validation loss? (a benchmark, not a test)

    .venv/bin/python benchmarks/train_speed.py tinyshakespeare.txt --runs 3

Trains nanoGPT's CPU-recipe size (4 layers, 4 heads, width 128, context 64,
character level, 90/10 split) with `minillm train`'s own pieces (its Trainer:
train_step and loss estimate) until the validation loss reaches --target (1.8857,
what nanoGPT's recipe reaches at its last step, 2000) or --steps run out. Its defaults
are the choices benchmarks/README.md measures: batch 12 (nanoGPT's), learning rate 4e-3 with
cosine decay over 1000 steps, no gradient clipping, the moving average of the weights
(decay 0.98) evaluated, evaluations at most every 100 steps and sooner as the loss
nears the target (`next_evaluation`). Each run is a fresh process (so its peak memory
is its own); the script prints per run and the median over runs: ms per training step
(median), tokens per second, validation loss at every evaluation, wall time from the
first training step to the target (the set-up before it, reading the text and building the
model and optimizer, is printed apart: nanoGPT's recipe starts its clock there too), and peak
resident memory
(ru_maxrss). The machine may be shared: take medians over several runs, and expect noise.

    .venv/bin/python benchmarks/train_speed.py DATA.txt --runs 3 --threads 2 --against-nanogpt

also runs nanoGPT's CPU recipe (benchmarks/nanogpt_recipe.py) before each of our runs,
so both are timed at the same moments on the same machine, and prints the ratio of
the wall times to the target.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

NANOGPT = {"wall_s": 67.6, "ms_per_step": 30.7, "peak_mib": 361, "val": 1.8857}


def next_evaluation(eval_steps: list, val_losses: list, every: int, target: float | None) -> int:
    """The step of the next evaluation: `every` steps after the last one, or sooner when
    a target loss is set and the validation loss, falling as fast as it did between the
    last two evaluations, would reach it sooner (never sooner than every / 4).

    The loss falls ever more slowly, so the straight line predicts the target early:
    the evaluation comes at, or before, the step where it is reached.

    >>> next_evaluation([], [], 100, 1.9)
    100
    >>> next_evaluation([100, 200], [2.5, 2.3], 100, 1.9)  # 200 steps away
    300
    >>> next_evaluation([500, 600], [2.0, 1.94], 100, 1.9)  # about 67 away
    675
    >>> next_evaluation([600, 675], [1.94, 1.91], 100, 1.9)  # 25 at least
    700
    """
    last = eval_steps[-1] if eval_steps else 0
    if target is None or len(eval_steps) < 2:
        return last + every
    rate = (val_losses[-2] - val_losses[-1]) / (eval_steps[-1] - eval_steps[-2])  # per step
    if not rate > 0:  # not falling (or noise): no prediction
        return last + every
    finest = max(1, every // 4)
    predicted = (val_losses[-1] - target) / rate
    return last + min(every, max(finest, finest * math.ceil(predicted / finest)))


def race(trainer, target: float, started: float, check=None) -> dict:
    """Train until the validation estimate is <= target or the steps run out, evaluating
    at next_evaluation's steps. check(model), if given, runs after each evaluation off the
    clock (its time is subtracted). Times are seconds since `started`."""
    s, state = trainer.settings, trainer.state
    durations, evals, checks, paused, target_s = [], [], [], 0.0, None
    evaluate_at = next_evaluation([], [], s.eval_every, target)
    while state.step < s.steps:
        began = time.perf_counter()
        trainer.train_step()
        durations.append(time.perf_counter() - began)
        if state.step < evaluate_at and state.step < s.steps:
            continue
        evals.append((state.step, trainer.loss_on(trainer.val_data)))
        if check is not None:
            began = time.perf_counter()
            checks.append((state.step, check(state.evaluated), began - started - paused))
            paused += time.perf_counter() - began
        if evals[-1][1] <= target:
            target_s = time.perf_counter() - started - paused
            break
        evaluate_at = next_evaluation(*zip(*evals, strict=True), s.eval_every, target)
    wall = time.perf_counter() - started - paused
    return {"durations": durations, "evals": evals, "whole_text": checks,
            "target_s": target_s, "wall_s": wall}  # fmt: skip


def child(args) -> None:
    import torch
    from nanogpt_recipe import whole_split_loss

    from minillm_helpers.cli.trainer import Trainer, TrainSettings, read_data

    torch.set_num_threads(args.threads)
    settings = TrainSettings(
        data=args.data, context_length=64, width=128, num_heads=4, num_layers=4,
        steps=args.steps, batch_size=args.batch_size, learning_rate=args.learning_rate,
        min_learning_rate=args.learning_rate / 10, warmup_steps=args.warmup_steps,
        grad_clip=args.grad_clip, ema_decay=args.ema_decay,
        eval_every=args.eval_every, eval_batches=args.eval_batches,
        eval_batch_size=args.eval_batch_size, target_loss=args.target, device="cpu",
        threads=args.threads, fused=not args.no_fused, bf16=args.bf16, seed=args.seed,
    )  # fmt: skip
    began = time.perf_counter()
    trainer = Trainer(settings, *read_data(settings))
    # Both clocks start once the data, model and optimizer exist, as nanoGPT's recipe starts
    # its own: creating torch.optim.AdamW imports PyTorch's compiler stack (seconds, in both).
    started = time.perf_counter()
    setup_s = started - began

    def whole_text_loss(model) -> float:
        """The model's loss on every window of the validation text: no sampling noise."""
        was_training = model.training
        model.eval()
        loss = whole_split_loss(lambda x, y: model(x, y)[1], trainer.val_data, chunk=16)
        model.train(was_training)
        return loss

    run = race(trainer, args.target, started, whole_text_loss if args.whole_text_check else None)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    whole = run["whole_text"]
    final_checked = whole and whole[-1][0] == trainer.state.step
    print(json.dumps({
        "steps": trainer.state.step,
        "val_whole": whole[-1][1] if final_checked else whole_text_loss(trainer.state.evaluated),
        "whole_text": whole,
        "ms_per_step": 1000 * statistics.median(run["durations"]),
        "tokens_per_step": args.batch_size * 64,
        "evals": run["evals"],
        "target_s": run["target_s"],
        "wall_s": run["wall_s"],
        "peak_mib": peak_mib,
        "setup_s": setup_s,
    }))  # fmt: skip


def run_child(command: list[str]) -> dict:
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{finished.stderr.strip()}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def describe(name: str, result: dict, target: float) -> str:
    evals = ", ".join(f"{e[0]}:{e[1]:.4f}" for e in result["evals"])
    whole = ", ".join(f"{step}:{loss:.4f}" for step, loss, _ in result.get("whole_text", []))
    reached = f"{result['target_s']:.1f} s" if result["target_s"] is not None else "not reached"
    return (
        f"{name}: {result['ms_per_step']:.1f} ms/step, "
        f"{1000 * result['tokens_per_step'] / result['ms_per_step']:,.0f} tokens/s, "
        f"target {target} at step {result['steps']}: {reached}, "
        f"peak {result['peak_mib']:.0f} MiB, whole validation text {result['val_whole']:.4f}; "
        + (f"set-up before the clock {result['setup_s']:.1f} s; " if "setup_s" in result else "")
        +
        f"val: {evals}"
        + (f"; whole text: {whole}" if whole else "")
    )


def summary(name: str, runs: list[dict]) -> tuple[str, float | None]:
    ms = statistics.median(r["ms_per_step"] for r in runs)
    reached = [r["target_s"] for r in runs if r["target_s"] is not None]
    wall = statistics.median(reached) if len(reached) == len(runs) else None
    text = (
        f"{name}, median over {len(runs)} runs: {ms:.1f} ms/step, "
        f"{1000 * runs[0]['tokens_per_step'] / ms:,.0f} tokens/s, "
        f"peak {statistics.median(r['peak_mib'] for r in runs):.0f} MiB, "
        f"whole validation text {statistics.median(r['val_whole'] for r in runs):.4f}, "
        + (
            f"target reached in {wall:.1f} s wall ({', '.join(f'{t:.1f}' for t in reached)})"
            if wall is not None
            else f"target reached in {len(reached)} of {len(runs)} runs"
        )
    )
    return text, wall


def first_time_at_or_below(whole_text: list, level: float) -> float | None:
    """Seconds (on the run's clock) at the first whole-text check at or below `level`."""
    return next((seconds for _, loss, seconds in whole_text if loss <= level), None)


def whole_text_summary(runs: list[dict], references: list[dict], target: float) -> None:
    """The same question without sampling noise: when is the loss on every window of the
    validation text at or below the target, and at or below nanoGPT's final model's?"""
    levels = [(f"{target}", target)]
    if references:
        final = statistics.median(r["val_whole"] for r in references)
        levels.append((f"{final:.4f} (nanoGPT's final model on the whole text)", final))
    for name, level in levels:
        times = [first_time_at_or_below(r["whole_text"], level) for r in runs]
        steps = [next((s for s, loss, _ in r["whole_text"] if loss <= level), None) for r in runs]
        if None in times:
            print(f"whole validation text <= {name}: not reached in every run ({steps})")
            continue
        line = (
            f"whole validation text <= {name}: at steps {steps}, "
            f"{statistics.median(times):.1f} s ({', '.join(f'{t:.1f}' for t in times)})"
        )
        if references:
            nanogpt = statistics.median(r["wall_s"] for r in references)
            line += f"; {statistics.median(times) / nanogpt:.2f} of nanoGPT's whole run"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="1 is robust on a shared machine")
    parser.add_argument("--steps", type=int, default=1000, help="length of the schedule")
    parser.add_argument("--batch-size", type=int, default=12)
    parser.add_argument("--learning-rate", type=float, default=4e-3)
    parser.add_argument("--warmup-steps", type=int, default=50)
    parser.add_argument("--grad-clip", type=float, default=0.0, help="0 turns clipping off")
    parser.add_argument("--ema-decay", type=float, default=0.98, help="0: no weight averaging")
    parser.add_argument(
        "--eval-every", type=int, default=100, help="at most; sooner near the target"
    )
    # the trainer's own: 320 validation windows as 20 batches of 16 (8 of 40 take as long
    # and raise the peak memory by about 10 MiB)
    parser.add_argument("--eval-batches", type=int, default=20)
    parser.add_argument("--eval-batch-size", type=int, default=16)
    parser.add_argument("--target", type=float, default=NANOGPT["val"])
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--no-fused", action="store_true")
    parser.add_argument(
        "--against-nanogpt",
        action="store_true",
        help="before each run, run nanoGPT's CPU recipe (benchmarks/nanogpt_recipe.py) "
        "with the same threads, and compare the two at the same moment",
    )
    parser.add_argument(
        "--whole-text-check",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="at each evaluation also measure the loss on the whole validation text, off the clock",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(
        f"settings: {' '.join(sys.argv[2:]) or '(defaults)'}; batch {args.batch_size} x 64 tokens, "
        f"{args.threads} thread(s), fused={not args.no_fused}, bf16={args.bf16}",
        flush=True,
    )
    recipe = [sys.executable, str(Path(__file__).with_name("nanogpt_recipe.py")), args.data,
              "--threads", str(args.threads), "--target", str(args.target)]  # fmt: skip
    runs, references = [], []
    for run in range(args.runs):
        if args.against_nanogpt:
            references.append(run_child(recipe))
            print(describe(f"nanoGPT recipe {run + 1}", references[-1], args.target), flush=True)
        ours = [sys.executable, __file__, *sys.argv[1:], "--child", "--seed", str(args.seed + run)]
        runs.append(run_child(ours))
        print(describe(f"run {run + 1}", runs[-1], args.target), flush=True)
    text, wall = summary("minillm train", runs)
    print(text)
    if args.whole_text_check:
        whole_text_summary(runs, references, args.target)
    if not args.against_nanogpt:
        print(
            f"nanoGPT's CPU recipe as first measured (another machine, with bfloat16 matrix "
            f"units): {NANOGPT['wall_s']} s wall, {NANOGPT['ms_per_step']} ms/step (2 threads), "
            f"{NANOGPT['peak_mib']} MiB peak; add --against-nanogpt to time it here and now"
        )
        return
    reference_text, reference_wall = summary("nanoGPT recipe, same moments", references)
    print(reference_text)
    if wall is not None and reference_wall is not None:
        ratios = [r["target_s"] / n["target_s"] for r, n in zip(runs, references, strict=True)]
        print(
            f"time to target, minillm / nanoGPT: {wall / reference_wall:.2f} of the medians; "
            f"run by run {', '.join(f'{x:.2f}' for x in ratios)} (below 1: minillm is faster)"
        )


if __name__ == "__main__":
    main()
