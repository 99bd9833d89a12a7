"""Tokens per second with and without the key/value cache (a benchmark, not a test).

    .venv/bin/python benchmarks/generate_speed.py --runs 5

A GPT with a 256-token context (4 layers, 4 heads, width 128, vocabulary 65,
random weights: speed does not depend on training) generates 255 tokens after a
1-token prompt, so the whole sequence fits the context and both paths give the
same tokens (checked here under greedy decoding). Prints the median over --runs
of each path's tokens per second and their ratio. On a shared machine the
numbers are noisy: look at the medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.sampling import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument("--new-tokens", type=int, default=255)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    config = GPTConfig(
        vocab_size=65, context_length=args.context, width=128, num_heads=4, num_layers=4
    )
    model = GPT(config).eval()
    prompt = [0]
    plain_ids = generate(model, prompt, args.new_tokens, temperature=0, use_cache=False)
    cached_ids = generate(model, prompt, args.new_tokens, temperature=0, use_cache=True)
    same = sum(a == b for a, b in zip(plain_ids, cached_ids, strict=False))
    print(f"greedy tokens identical: {same}/{args.new_tokens}")
    timings = {"plain": [], "cached": []}
    for _ in range(args.runs):
        for name, use_cache in (("plain", False), ("cached", True)):
            started = time.perf_counter()
            generate(model, prompt, args.new_tokens, temperature=1.0, seed=0, use_cache=use_cache)
            timings[name].append(time.perf_counter() - started)
    rates = {name: args.new_tokens / statistics.median(times) for name, times in timings.items()}
    print(
        f"context {args.context}, {args.new_tokens} new tokens, {args.threads} thread(s), "
        f"median of {args.runs} runs:"
    )
    print(f"  without cache: {rates['plain']:,.0f} tokens/s")
    print(f"  with cache:    {rates['cached']:,.0f} tokens/s")
    print(f"  speed-up:      {rates['cached'] / rates['plain']:.1f}x")


if __name__ == "__main__":
    main()
