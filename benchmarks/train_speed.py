"""How fast does `minillm train` reach nanoGPT's validation loss? (a benchmark, not a test)

    .venv/bin/python benchmarks/train_speed.py tinyshakespeare.txt --runs 3

Trains nanoGPT's CPU-recipe size (4 layers, 4 heads, width 128, context 64, character
level, 90/10 split) with `minillm train`'s own pieces (its Trainer: train_step and loss
estimate) until the validation loss reaches --target (1.8857, what nanoGPT's recipe
reaches at its last step, 2000) or --steps run out. Its defaults are the choices
benchmarks/README.md measures: batch 12 (nanoGPT's), minillm train's Muon for the blocks'
matrices (1.2e-2, momentum 0.85) and AdamW at 4e-3 for the rest, cosine decay over 500
steps, no gradient clipping, the moving average of the weights (decay 0.98) evaluated,
evaluations at most every 100 steps and sooner as the loss nears the target
(`next_evaluation`). Each run is a fresh process (so its peak memory is its own); the
script prints per run and the median over runs: ms per training step (median), tokens per
second, validation loss at every evaluation, wall time from the first training step to the
target (the set-up before it, reading the text and building the model and optimizer, is
printed apart: nanoGPT's recipe starts its clock there too), and peak resident memory
(ru_maxrss). The machine may be shared: take medians over several runs, and expect noise.

    .venv/bin/python benchmarks/train_speed.py DATA.txt --runs 3 --threads 2 --against-nanogpt

also runs nanoGPT's CPU recipe (benchmarks/nanogpt_recipe.py) before each of our runs,
so both are timed at the same moments on the same machine, and prints the ratio of
the wall times to the target.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

# nanoGPT's CPU recipe as first measured; val_whole: its last weights on the whole validation
# text (benchmarks/README.md), the headline's level when the recipe is not run alongside
NANOGPT = {"wall_s": 67.6, "ms_per_step": 30.7, "peak_mib": 361, "val": 1.8857, "val_whole": 1.8982}


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


def race(trainer, target: float, started: float, snapshots=None, levels=()) -> dict:
    """Train until the validation estimate is <= target and, with snapshots, the latest
    snapshot's whole-text loss is <= every one of `levels` (checked once the estimate is
    there), or until the steps run out. The estimates come at next_evaluation's steps, on
    the clock (the trainer evaluates as it trains); snapshots every snapshots.every steps
    and their scoring are off the clock (their time is subtracted). Times are seconds since
    `started`; "train_s" counts the training steps alone."""
    s = trainer.settings
    durations, evals, paused, target_s = [], [], 0.0, None
    evaluate_at = next_evaluation([], [], s.eval_every, target)
    while trainer.step < s.steps:
        began = time.perf_counter()
        trainer.train_step()
        # the loss as a number at once, as the old train_step did: a run of kept 0-d tensors
        # fragments the heap (about 0.4 MiB more resident memory per step here)
        trainer.read_losses()
        durations.append(time.perf_counter() - began)
        last = trainer.step == s.steps
        if target_s is None and (trainer.step >= evaluate_at or last):
            evals.append((trainer.step, trainer.loss_on(trainer.val_data)))
            if evals[-1][1] <= target:
                target_s = time.perf_counter() - started - paused
            evaluate_at = next_evaluation(*zip(*evals, strict=True), s.eval_every, target)
        if snapshots is None:
            if target_s is not None:
                break
            continue
        if snapshots.due(trainer.step) or last:
            began = time.perf_counter()
            snapshots.take(trainer.step, sum(durations))
            done = target_s is not None and all(
                snapshots.loss(trainer.step) <= level for level in levels
            )
            paused += time.perf_counter() - began
            if done:
                break
    wall = time.perf_counter() - started - paused
    return {"durations": durations, "evals": evals, "target_s": target_s, "wall_s": wall,
            "train_s": sum(durations)}


def build_trainer(args):
    """The Trainer for args (train_speed.py's flags), with the levers they choose pulled."""
    from levers import pull_levers

    from minillm_helpers.cli.settings import TrainSettings, read_data
    from minillm_helpers.cli.trainer import Trainer

    settings = TrainSettings(
        data=args.data, context_length=64, width=128, num_heads=4, num_layers=4,
        steps=args.steps, batch_size=args.batch_size, learning_rate=args.learning_rate,
        min_learning_rate=args.learning_rate / 10, warmup_steps=args.warmup_steps,
        grad_clip=args.grad_clip, ema_decay=args.ema_decay,
        eval_every=args.eval_every, eval_batches=args.eval_batches,
        eval_batch_size=args.eval_batch_size, target_loss=args.target, device="cpu",
        threads=args.threads, fused_attention=not args.no_fused, bf16=args.bf16, seed=args.seed,
    )
    if args.muon_learning_rate is not None:  # else minillm train's default rate
        settings = dataclasses.replace(settings, muon_learning_rate=args.muon_learning_rate)
    trainer = Trainer(settings, *read_data(settings))
    pull_levers(trainer, args)
    return trainer


def child(args) -> None:
    import torch
    from yardstick import Snapshots, whole_split_loss

    torch.set_num_threads(args.threads)
    began = time.perf_counter()
    trainer = build_trainer(args)
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

    levels = (args.whole_target, args.target)
    snapshots = None
    if args.check_every:
        snapshots = Snapshots(args.check_every, trainer.recipe.evaluated, whole_text_loss)
    run = race(trainer, args.target, started, snapshots, levels)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the scoring
    settled, whole, val_whole = [], [], None
    if snapshots is not None:
        snapshots.finish()
        settled = [[level, *(snapshots.settled_at_or_below(level) or (None, None))]
                   for level in levels]
        val_whole = snapshots.loss(max(snapshots.seconds))
        whole = snapshots.scored()
        snapshots.close()
    print(json.dumps({
        "steps": trainer.step,
        "val_whole": val_whole,
        "whole_text": whole,
        "settled": settled,
        "train_s": run["train_s"],
        "ms_per_step": 1000 * statistics.median(run["durations"]),
        "tokens_per_step": args.batch_size * 64,
        "evals": run["evals"],
        "target_s": run["target_s"],
        "wall_s": run["wall_s"],
        "peak_mib": peak_mib,
        "setup_s": setup_s,
    }))


def run_child(command: list[str]) -> dict:
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{finished.stderr.strip()}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def describe(name: str, result: dict, target: float) -> str:
    evals = ", ".join(f"{e[0]}:{e[1]:.4f}" for e in result["evals"])
    whole = ", ".join(f"{step}:{loss:.4f}" for step, loss, _ in result.get("whole_text", []))
    reached = f"{result['target_s']:.1f} s" if result["target_s"] is not None else "not reached"
    settled = "; ".join(
        f"whole text <= {level:.4f} from step {step} ({seconds:.1f} s of training)"
        if step is not None else f"whole text <= {level:.4f} not reached"
        for level, step, seconds in result.get("settled", [])
    )
    return (
        f"{name}: {result['ms_per_step']:.1f} ms/step, "
        f"{1000 * result['tokens_per_step'] / result['ms_per_step']:,.0f} tokens/s, "
        f"estimate <= {target} at step {result['steps']}: {reached}, "
        f"peak {result['peak_mib']:.0f} MiB; {settled}; "
        + (f"set-up before the clock {result['setup_s']:.1f} s; " if "setup_s" in result else "")
        + f"val: {evals}"
        + (f"; whole text: {whole}" if whole else "")
    )


def summary(name: str, runs: list[dict]) -> tuple[str, float | None]:
    ms = statistics.median(r["ms_per_step"] for r in runs)
    reached = [r["target_s"] for r in runs if r["target_s"] is not None]
    wall = statistics.median(reached) if len(reached) == len(runs) else None
    finals = [r["val_whole"] for r in runs if r.get("val_whole") is not None]
    text = (
        f"{name}, median over {len(runs)} runs: {ms:.1f} ms/step, "
        f"{1000 * runs[0]['tokens_per_step'] / ms:,.0f} tokens/s, "
        f"peak {statistics.median(r['peak_mib'] for r in runs):.0f} MiB, "
        + (f"last weights on the whole validation text {statistics.median(finals):.4f}, "
           if finals else "")
        + (
            f"estimate <= target in {wall:.1f} s wall ({', '.join(f'{t:.1f}' for t in reached)})"
            if wall is not None
            else f"estimate <= target in {len(reached)} of {len(runs)} runs"
        )
    )
    return text, wall


def settled_seconds(runs: list[dict], index: int) -> list:
    """Each run's (step, training seconds) from which its whole-text loss stays <= its
    index-th level (None where it never does)."""
    return [tuple(r["settled"][index][1:]) if r["settled"][index][1] is not None else None
            for r in runs]


def headline(runs: list[dict], references: list[dict]) -> str:
    """The yardstick's one line: training seconds until the whole validation text scores
    at or below the recipe's own final whole-text loss (each of our runs gets its own
    recipe run's), as the ratio of the medians, our runs against the recipe's.

    >>> ours = [{"settled": [[1.9, 800, 20.0]]}, {"settled": [[1.9, 850, 22.0]]}]
    >>> recipe = [{"settled": [[1.9, 2000, 80.0]]}, {"settled": [[1.9, 2000, 90.0]]}]
    >>> print(headline(ours, recipe))
    same loss on the whole validation text, minillm / nanoGPT recipe: 0.25 of the medians (21.0 / 85.0 s of training to the recipe's final 1.9000; steps 800, 850 vs 2000, 2000; run by run 0.25, 0.24)
    """  # noqa: E501
    ours, theirs = settled_seconds(runs, 0), settled_seconds(references, 0)
    level = statistics.median(r["settled"][0][0] for r in references)
    if None in ours or None in theirs:
        return (f"same loss on the whole validation text, minillm / nanoGPT recipe: not "
                f"reached in every run (steps {[o and o[0] for o in ours]})")
    mine, recipe = (statistics.median(s for _, s in runs) for runs in (ours, theirs))
    ratios = ", ".join(f"{o[1] / t[1]:.2f}" for o, t in zip(ours, theirs, strict=True))
    return (
        f"same loss on the whole validation text, minillm / nanoGPT recipe: "
        f"{mine / recipe:.2f} of the medians ({mine:.1f} / {recipe:.1f} s of training to the "
        f"recipe's final {level:.4f}; steps {', '.join(str(o[0]) for o in ours)} vs "
        f"{', '.join(str(t[0]) for t in theirs)}; run by run {ratios})"
    )


def arithmetic(name: str, runs: list[dict], flops_per_token: float, peak: float) -> str:
    """Achieved GFLOP/s (the model's forward and backward arithmetic at the median step),
    its share of the matrix peak, and how long the arithmetic to the headline loss (the
    first level) would take at that peak, against the training seconds it took."""
    ms = statistics.median(r["ms_per_step"] for r in runs)
    achieved = flops_per_token * runs[0]["tokens_per_step"] / ms / 1e6
    reached = settled_seconds(runs, 0)
    line = (f"{name}: {flops_per_token / 1e6:.2f} MFLOP per token (forward and backward), "
            f"{achieved:.0f} GFLOP/s at the median step, {achieved / peak:.0%} of the float32 "
            f"matrix peak")
    if None not in reached:
        steps = statistics.median(step for step, _ in reached)
        tokens = steps * runs[0]["tokens_per_step"]
        line += (f"; the arithmetic to the headline loss ({tokens / 1e6:.2f} M tokens) would "
                 f"take {flops_per_token * tokens / peak / 1e9:.1f} s at that peak, took "
                 f"{statistics.median(s for _, s in reached):.1f} s")
    return line


def whole_text_summary(runs: list[dict], references: list[dict], target: float) -> None:
    """When does the whole validation text stay at or below --target (our runs' second
    level), and how does that compare with the recipe's whole run?"""
    reached = settled_seconds(runs, 1)
    if None in reached:
        print(f"whole validation text <= {target}: not reached in every run "
              f"(steps {[r and r[0] for r in reached]})")
        return
    seconds = statistics.median(s for _, s in reached)
    each = ", ".join(f"{s:.1f}" for _, s in reached)
    line = (f"whole validation text <= {target}: from steps {[step for step, _ in reached]}, "
            f"{seconds:.1f} s of training ({each})")
    if references:
        nanogpt = statistics.median(r["train_s"] for r in references)
        line += f"; {seconds / nanogpt:.2f} of the recipe's whole run ({nanogpt:.1f} s)"
    print(line)


def parser() -> argparse.ArgumentParser:
    from levers import add_lever_flags

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="1 is robust on a shared machine")
    parser.add_argument("--steps", type=int, default=500, help="length of the schedule")
    parser.add_argument("--batch-size", type=int, default=12)
    parser.add_argument("--learning-rate", type=float, default=4e-3)
    parser.add_argument("--warmup-steps", type=int, default=50)
    parser.add_argument("--grad-clip", type=float, default=0.0, help="0 turns clipping off")
    parser.add_argument("--ema-decay", type=float, default=0.98, help="0: no weight averaging")
    parser.add_argument("--muon-learning-rate", type=float, default=None,
                        help="the rate of minillm train's Muon for the blocks' matrices "
                        "(default: minillm train's); 0: AdamW everywhere, as before Muon")
    parser.add_argument(
        "--eval-every", type=int, default=100, help="at most; sooner near the target"
    )
    # the trainer's own: 320 validation windows as 20 batches of 16 (8 of 40 take as long
    # and raise the peak memory by about 10 MiB)
    parser.add_argument("--eval-batches", type=int, default=20)
    parser.add_argument("--eval-batch-size", type=int, default=16)
    parser.add_argument("--target", type=float, default=NANOGPT["val"],
                        help="the estimate's target (and a second whole-text level)")
    parser.add_argument(
        "--whole-target", type=float, default=NANOGPT["val_whole"],
        help="the whole-text level of the headline; with --against-nanogpt, each run takes "
        "its recipe run's final whole-text loss",
    )
    parser.add_argument(
        "--check-every", type=int, default=25,
        help="snapshot the evaluated weights every this many steps, for both recipes, to score "
        "them on the whole validation text off the clock; 0: none",
    )
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--no-fused", action="store_true")
    parser.add_argument(
        "--against-nanogpt",
        action="store_true",
        help="before each run, run nanoGPT's CPU recipe (benchmarks/nanogpt_recipe.py) "
        "with the same threads, and compare the two at the same moment",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    add_lever_flags(parser)
    return parser


def measure_machine(args) -> tuple[float, dict]:
    """This machine's float32 matrix peak now (GFLOP/s) and both recipes' arithmetic per
    token (counted on fresh models of the benchmark's size)."""
    import torch
    from nanogpt_recipe import ReferenceGPT
    from yardstick import matrix_peak, model_flops_per_token

    from minillm_helpers.model import GPT, GPTConfig

    torch.set_num_threads(args.threads)
    peak = matrix_peak()
    vocab = len(set(Path(args.data).read_text(encoding="utf-8")))
    ours = GPT(GPTConfig(vocab_size=vocab, context_length=64, width=128, num_heads=4,
                         num_layers=4))
    flops = {
        "minillm": model_flops_per_token(lambda x, y: ours(x, y)[1], args.batch_size, 64, 128, 4),
        "nanoGPT recipe": model_flops_per_token(ReferenceGPT(vocab), 12, 64, 128, 4),
    }
    return peak, flops


def main() -> None:
    args = parser().parse_args()
    if args.child:
        child(args)
        return
    print(
        f"settings: {' '.join(sys.argv[2:]) or '(defaults)'}; batch {args.batch_size} x 64 tokens, "
        f"{args.threads} thread(s), fused={not args.no_fused}, bf16={args.bf16}",
        flush=True,
    )
    peak, flops = measure_machine(args)
    print(f"float32 matrix peak now: {peak:.0f} GFLOP/s (fastest of 10 products of 1024 x 1024, "
          f"{args.threads} thread(s))", flush=True)
    recipe = [sys.executable, str(Path(__file__).with_name("nanogpt_recipe.py")), args.data,
              "--threads", str(args.threads), "--target", str(args.target),
              "--check-every", str(args.check_every or 25)]
    runs, references = [], []
    for run in range(args.runs):
        ours = [sys.executable, __file__, *sys.argv[1:], "--child", "--seed", str(args.seed + run)]
        if args.against_nanogpt:
            references.append(run_child(recipe))
            print(describe(f"nanoGPT recipe {run + 1}", references[-1], args.target), flush=True)
            ours += ["--whole-target", repr(references[-1]["val_whole"])]
        runs.append(run_child(ours))
        print(describe(f"run {run + 1}", runs[-1], args.target), flush=True)
    if args.against_nanogpt and args.check_every:
        print(headline(runs, references))
    text, wall = summary("minillm train", runs)
    print(text)
    if args.check_every:
        if not args.against_nanogpt:
            level = runs[0]["settled"][0][0]
            reached = settled_seconds(runs, 0)
            print(f"whole validation text <= {level} (nanoGPT's recipe's final, as measured "
                  f"before): from steps {[r and r[0] for r in reached]}")
        print(arithmetic("minillm", runs, flops["minillm"], peak))
        if references:
            print(arithmetic("nanoGPT recipe", references, flops["nanoGPT recipe"], peak))
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
            f"estimate <= target, minillm / nanoGPT: {wall / reference_wall:.2f} of the medians; "
            f"run by run {', '.join(f'{x:.2f}' for x in ratios)} (wall time, each side's own "
            "estimates on the clock; below 1: minillm is faster)"
        )


if __name__ == "__main__":
    main()
