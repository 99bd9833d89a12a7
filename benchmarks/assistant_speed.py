"""How long notebook 09's training takes, and its measurements (a benchmark, not a test).

    .venv/bin/python benchmarks/assistant_speed.py --runs 3 --threads 2

Repeats notebook 09's training with its settings: pretraining on the seeded world (300
steps of 32 windows of 48 words), then every fine-tuning run the notebook makes (the
assistant and the control, 80 steps each; the sweep over 1, 3, 10, 30 and 100 people at
two seeds, 60 steps each; exercise 2's unmasked assistant, 80 steps), each with the
package's `train`. Between them, off the training clock, it measures what the notebook
measures, all questions of a set at once (`ask_all`); --one-by-one also times `ask`, one
question after another, on the assistant's 600 questions. Prints each run's steps and
seconds, the medians over --runs, the load average before and after (the machine may be
shared: compare medians, and the load), and the first run's accuracies.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import time

import torch

from minillm_helpers.assistant import (
    ANSWER,
    END,
    QUESTION,
    ChatTokenizer,
    ask,
    ask_all,
    conversation_targets,
    greedy_batch,
)
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.notebook_support.world import make_world
from minillm_helpers.training import train

SIZES, SEEDS = (1, 3, 10, 30, 100), (0, 1)


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def training_seconds(seconds: dict) -> float:
    """Every training part of a run: not the evaluations, not the timed question sets."""
    return sum(s for k, s in seconds.items() if k != "evaluation" and "questions" not in k)


def one_run(args) -> tuple[dict, dict]:
    """Notebook 09's training, in its order: (seconds of each part, accuracies)."""
    world = make_world(people=200, strangers=20, seed=0)
    asked = " ".join(q for q, _ in world.questions(world.people[:1]))
    tokenizer = ChatTokenizer.from_text(f"{world.text} {asked} {QUESTION} {ANSWER} {END}")
    taught, held_out = world.people[:100], world.people[100:]

    def completes(model, pairs) -> float:
        nexts = greedy_batch(model, [tokenizer.encode(s) for s, _ in pairs], 1)
        words = [tokenizer.vocabulary[new[0]] for new in nexts]
        return sum(w == word for w, (_, word) in zip(words, pairs, strict=True)) / len(pairs)

    def answers(model, pairs) -> float:
        replies = ask_all(model, tokenizer, [q for q, _ in pairs])
        return sum(r == a for r, (_, a) in zip(replies, pairs, strict=True)) / len(pairs)

    def fine_tune(model, people, steps, seed=0):
        tuned = copy.deepcopy(model)
        pairs = conversation_targets(tokenizer, world.questions(people))
        train(tuned, pairs, steps=steps, batch_size=16, context_length=24, learning_rate=1e-3,
              seed=seed)
        return tuned

    seconds, found, evaluation = {}, {}, 0.0
    torch.manual_seed(0)
    config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=48, width=128,
                       num_heads=4, num_layers=4)
    base = GPT(config)
    text_ids = torch.tensor(tokenizer.encode(world.text))
    _, seconds["pretraining"] = timed(lambda: train(
        base, text_ids, steps=args.pretrain_steps, batch_size=32, learning_rate=3e-3,
        muon_learning_rate=1e-2, final_rate=0.1))
    started = time.perf_counter()
    for fact in ("city", "food", "pet"):
        found[f"completions {fact}"] = completes(base, world.completions(world.people, fact))
    found["base, all questions"] = completes(base, world.questions(world.people))
    evaluation += time.perf_counter() - started
    assistant, seconds["assistant"] = timed(lambda: fine_tune(base, taught, args.tune_steps))
    control, seconds["control"] = timed(lambda: fine_tune(GPT(config), taught, args.tune_steps))
    started = time.perf_counter()
    for name, model in (("base", base), ("assistant", assistant), ("control", control)):
        found[f"{name}, taught"] = answers(model, world.questions(taught))
        found[f"{name}, held out"] = answers(model, world.questions(held_out))
    evaluation += time.perf_counter() - started
    if args.one_by_one:
        questions = [q for q, _ in world.questions(world.people)]
        batched, seconds["ask_all, 600 questions"] = timed(
            lambda: ask_all(assistant, tokenizer, questions))
        single, seconds["ask one by one, 600 questions"] = timed(
            lambda: [ask(assistant, tokenizer, q) for q in questions])
        found["ask_all == ask, share of 600"] = sum(
            a == b for a, b in zip(batched, single, strict=True)) / len(questions)
    for seed in SEEDS:
        for n in SIZES:
            tuned, seconds[f"sweep {n} people seed {seed}"] = timed(
                lambda n=n, seed=seed: fine_tune(base, taught[:n], args.sweep_steps, seed))
            started = time.perf_counter()
            found[f"sweep {n} seed {seed}: held out"] = answers(tuned, world.questions(held_out))
            found[f"sweep {n} seed {seed}: completions"] = completes(
                tuned, world.completions(world.people))
            evaluation += time.perf_counter() - started
    cities = {p.city for p in world.people}
    guesses = ask_all(assistant, tokenizer, [f"where was {n} born ?" for n in world.strangers])
    found["strangers given a city"] = sum(g in cities for g in guesses) / len(guesses)
    ids, _ = conversation_targets(tokenizer, world.questions(taught))
    unmasked = copy.deepcopy(base)
    _, seconds["unmasked (exercise 2)"] = timed(lambda: train(
        unmasked, ids, steps=args.tune_steps, batch_size=16, context_length=24,
        learning_rate=1e-3))
    seconds["evaluation"] = evaluation
    return seconds, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pretrain-steps", type=int, default=300)
    parser.add_argument("--tune-steps", type=int, default=80, help="the assistant, the control "
                        "and exercise 2")
    parser.add_argument("--sweep-steps", type=int, default=60)
    parser.add_argument("--one-by-one", action="store_true",
                        help="also time ask, one question after another, against ask_all")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"{args.threads} thread(s), {args.runs} runs; steps: pretraining {args.pretrain_steps}, "
          f"assistant, control and exercise 2 {args.tune_steps} each, sweep 10 x "
          f"{args.sweep_steps}; load average {os.getloadavg()[0]:.2f}", flush=True)
    runs = []
    for run in range(args.runs):
        seconds, found = one_run(args)
        runs.append(seconds)
        training = training_seconds(seconds)
        sweep = sum(s for k, s in seconds.items() if k.startswith("sweep"))
        print(f"run {run + 1}: pretraining {seconds['pretraining']:.1f} s, assistant "
              f"{seconds['assistant']:.1f} s, control {seconds['control']:.1f} s, sweep "
              f"{sweep:.1f} s, exercise 2 {seconds['unmasked (exercise 2)']:.1f} s; training "
              f"{training:.1f} s; evaluation {seconds['evaluation']:.1f} s; load average "
              f"{os.getloadavg()[0]:.2f}", flush=True)
        if run == 0:
            for name, share in found.items():
                print(f"  {name}: {share:.1%}")
    print(f"median of {args.runs} runs (seconds):")
    for name in runs[0]:
        print(f"  {name}: {statistics.median(r[name] for r in runs):.2f}")
    totals = [training_seconds(r) for r in runs]
    print(f"  training, all of it: {statistics.median(totals):.1f} "
          f"({', '.join(f'{t:.1f}' for t in totals)})")


if __name__ == "__main__":
    main()
