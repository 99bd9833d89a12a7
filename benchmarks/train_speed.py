"""How fast does `minillm train` reach nanoGPT's validation loss? (a benchmark, not a test)

    .venv/bin/python benchmarks/train_speed.py ../shared/data/tinyshakespeare.txt --runs 3

Trains nanoGPT's CPU-recipe size (4 layers, 4 heads, width 128, context 64,
character level, 90/10 split, sinusoidal positions) with `minillm train`'s loop
until the validation loss reaches --target (1.8857, nanoGPT's at step 2000) or
--steps run out. Its defaults are the choices the README's "How fast?" measures:
batch 16, learning rate 5e-3 with cosine decay over 850 steps, no gradient clipping,
the moving average of the weights (decay 0.98) evaluated, evaluations at most every
100 steps and sooner as the loss nears the target. Each run is a fresh process (so
its peak memory is its own); the script prints per run and the median over runs:
ms per training step (median), tokens per second, validation loss at every
evaluation, wall time from the start of training to the target, and peak resident
memory (ru_maxrss).
The machine may be shared: medians over several runs, and expect noise.

    .venv/bin/python benchmarks/train_speed.py DATA.txt --runs 3 --threads 2 --against-nanogpt

also runs nanoGPT's CPU recipe (benchmarks/nanogpt_recipe.py) before each of our runs,
so both are timed at the same moments on the same machine, and prints the ratio of
the wall times to the target (the issue's goal: 0.50 or less).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

NANOGPT = {"wall_s": 67.6, "ms_per_step": 30.7, "peak_mib": 361, "val": 1.8857}


def child(args) -> None:
    import torch
    from nanogpt_recipe import whole_split_loss

    from minillm_helpers.cli.trainer import TrainSettings, read_text, run_training, split_data
    from minillm_helpers.tokenizer import CharTokenizer

    torch.set_num_threads(args.threads)
    settings = TrainSettings(
        data=args.data, context_length=64, width=128, num_heads=4, num_layers=4,
        steps=args.steps, batch_size=args.batch_size, learning_rate=args.learning_rate,
        min_learning_rate=args.learning_rate / 10, warmup_steps=args.warmup_steps,
        grad_clip=args.grad_clip, ema_decay=args.ema_decay,
        eval_every=args.eval_every, eval_batches=args.eval_batches,
        eval_batch_size=args.eval_batch_size,
        target_loss=args.target, eval_train=False, save=False, plot=False, device="cpu",
        threads=args.threads,
        fused=not args.no_fused, bf16=args.bf16, seed=args.seed,
    )  # fmt: skip
    text = read_text(args.data)
    ids = torch.tensor(CharTokenizer.from_text(text).encode(text), dtype=torch.long)
    _, val_data = split_data(ids, settings)  # the validation text the trainer holds out

    def whole_text_loss(model) -> float:
        """The model's loss on every window of the validation text: no sampling noise."""
        was_training = model.training
        model.eval()
        loss = whole_split_loss(lambda x, y: model(x, y)[1], val_data, chunk=16)
        model.train(was_training)
        return loss

    stamps, whole = [], []  # whole: (step, loss, seconds on the run's clock)
    paused = 0.0  # time spent on whole-text checks, which are not part of the run

    def on_step(step, model):
        stamps.append(time.perf_counter())

    def on_evaluate(step, model):
        nonlocal paused
        if args.whole_text_check:
            began = time.perf_counter()
            whole.append((step, whole_text_loss(model), began - started - paused))
            paused += time.perf_counter() - began

    started = time.perf_counter()
    result = run_training(
        settings, progress=False, say=lambda *a, **k: None, on_step=on_step,
        on_evaluate=on_evaluate,
    )  # fmt: skip
    wall = time.perf_counter() - started - paused
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # step durations without the evaluation pauses: differences between consecutive steps,
    # skipping those right after an evaluation
    evals = set(result.history["eval_steps"])
    gaps = [b - a for i, (a, b) in enumerate(itertools.pairwise(stamps), start=1) if i not in evals]
    h = result.history
    target_seconds = None
    if result.reached_target_at is not None:  # the whole-text checks all came before it
        target_seconds = result.loop_started + result.reached_target_at - started - paused
    final_checked = whole and whole[-1][0] == result.step
    print(json.dumps({
        "steps": result.step,
        "val_whole": whole[-1][1] if final_checked else whole_text_loss(result.model),
        "whole_text": whole,
        "ms_per_step": 1000 * statistics.median(gaps) if gaps else None,
        "tokens_per_step": args.batch_size * 64,
        "evals": list(zip(h["eval_steps"], h["val_eval"], strict=False)),
        "target_s": target_seconds,
        "wall_s": wall,
        "peak_mib": peak_mib,
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
    parser.add_argument("--steps", type=int, default=850, help="length of the schedule")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=5e-3)
    parser.add_argument("--warmup-steps", type=int, default=50)
    parser.add_argument("--grad-clip", type=float, default=0.0, help="0 turns clipping off")
    parser.add_argument("--ema-decay", type=float, default=0.98, help="0: no weight averaging")
    parser.add_argument(
        "--eval-every", type=int, default=100, help="at most; sooner near the target"
    )
    # the trainer's 320 validation windows (20 batches of 16) in fewer, larger products
    parser.add_argument("--eval-batches", type=int, default=8)
    parser.add_argument("--eval-batch-size", type=int, default=40)
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
            f"nanoGPT reference (another machine, issue 4): {NANOGPT['wall_s']} s wall, "
            f"{NANOGPT['ms_per_step']} ms/step (2 threads), {NANOGPT['peak_mib']} MiB peak"
        )
        return
    reference_text, reference_wall = summary("nanoGPT recipe, same moments", references)
    print(reference_text)
    if wall is not None and reference_wall is not None:
        ratios = [r["target_s"] / n["target_s"] for r, n in zip(runs, references, strict=True)]
        print(
            f"time to target, minillm / nanoGPT: {wall / reference_wall:.2f} of the medians; "
            f"run by run {', '.join(f'{x:.2f}' for x in ratios)} (goal: 0.50 or less)"
        )

if __name__ == "__main__":
    main()
