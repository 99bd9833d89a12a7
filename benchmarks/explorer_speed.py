"""How long the model explorer takes to redraw after each interaction (a benchmark, not a test).

    .venv/bin/python benchmarks/explorer_speed.py --runs 9

Notebook 07's model size (GPTConfig(vocab_size=65, context_length=64, width=128,
num_heads=4, num_layers=4), random weights: the time does not depend on training) and
its 65 characters; the prompt fills the whole context, the slowest case. Each
interaction is done as a reader does it, through the panel's own controls (a value
set on a slider or drop-down, a button clicked), and timed until its callback has
redrawn every view it changes: the kernel's share of a redraw. Sending the HTML to
the page and drawing it there come on top (the browser tier shows it end to end).
Prints the median and the slowest of --runs repetitions per interaction, in ms, and
the size of what the page receives. On a shared machine the numbers are noisy: look
at the medians. --threads sets PyTorch's threads around the panel (2 is a notebook's
default here); its callbacks run on one thread either way (explorer.one_thread).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.notebook_support.explorer import explore
from minillm_helpers.tokenizer import CharTokenizer

# Tiny Shakespeare's 65 characters, in the tokenizer's (sorted) order.
CHARACTERS = "\n !$&',-.3:;?" + "".join(map(chr, range(65, 91))) + "".join(map(chr, range(97, 123)))
PROMPT = "ROMEO:\nBut soft, what light through yonder window breaks? It is th"  # 65 characters


def interactions(panel):
    """(name, action, afterwards) triples; each action changes one control to a new value,
    `afterwards` (untimed, or None) puts the panel back where the next action expects it."""
    settle = {"temperature": [0.7, 1.3], "top_k": [10, 0], "top_p": [0.9, 1.0]}

    def toggle(control, values):
        return lambda: setattr(control, "value", values[0] if control.value != values[0]
                               else values[1])

    def type_one_more():
        text = panel.prompt.value
        panel.prompt.value = text[:-1] if text.endswith("e") else text + "e"

    return [
        ("type a character", type_one_more, None),
        ("layer", toggle(panel.layer, [1, 2]), None),
        ("head", toggle(panel.head, [1, 2]), None),
        ("all heads", toggle(panel.head, [-1, 0]), None),
        ("token", toggle(panel.token, [10, 63]), None),
        ("temperature", toggle(panel.temperature, settle["temperature"]), None),
        ("top-k", toggle(panel.top_k, settle["top_k"]), None),
        ("top-p", toggle(panel.top_p, settle["top_p"]), None),
        ("Next token", panel.next_button.click, None),
        ("Most likely", panel.most_likely_button.click, None),
        ("Undo", panel.undo_button.click, None),
        ("unseen character", lambda: setattr(panel.prompt, "value", PROMPT + "é"),
         lambda: setattr(panel.prompt, "value", PROMPT)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    tokenizer = CharTokenizer(list(CHARACTERS))
    config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=64, width=128,
                       num_heads=4, num_layers=4)
    model = GPT(config).eval()
    started = time.perf_counter()
    panel = explore(model, tokenizer, prompt=PROMPT)
    built = time.perf_counter() - started
    actions = interactions(panel)
    times: dict[str, list[float]] = {name: [] for name, _, _ in actions}
    for run in range(args.runs + 1):  # run 0 warms up: first calls load libraries
        for name, action, afterwards in actions:
            if name == "Undo" and panel.undo_button.disabled:
                panel.most_likely_button.click()
            started = time.perf_counter()
            action()
            if run:
                times[name].append(1000 * (time.perf_counter() - started))
            if afterwards is not None:
                afterwards()
            if panel.problem.value or (name != "unseen character" and panel.next_button.disabled):
                raise SystemExit(f"after {name!r} the panel cannot show the prompt: "
                                 f"{panel.problem.value or panel.status.value}")
    print(f"explorer redraws, {config.num_layers} blocks x {config.num_heads} heads, width "
          f"{config.width}, context {config.context_length}, {config.vocab_size} characters; "
          f"{args.threads} thread(s), {args.runs} runs; panel built in {built:.1f} s")
    print(f"  {'interaction':<18} {'median ms':>9} {'slowest':>8}")
    for name, values in times.items():
        print(f"  {name:<18} {statistics.median(values):9.1f} {max(values):8.1f}")
    worst = max(statistics.median(values) for values in times.values())
    sizes = {name: len(widget.value) for name, widget in [
        ("chips", panel.chips), ("attention", panel.attention), ("looks", panel.looks),
        ("lens", panel.lens), ("next token", panel.bars)]}
    print(f"slowest median: {worst:.1f} ms (budget 200 ms)")
    print("HTML sent per view (characters): "
          + ", ".join(f"{name} {size:,}" for name, size in sizes.items()))


if __name__ == "__main__":
    main()
