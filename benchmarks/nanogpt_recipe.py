"""nanoGPT's CPU recipe, run here and now: the yardstick for benchmarks/train_speed.py.

    .venv/bin/python benchmarks/nanogpt_recipe.py tinyshakespeare.txt

nanoGPT's run was first timed (67.6 s to validation loss 1.8857) on another machine;
a CPU of another kind or a busier moment changes such figures two-fold. So
`train_speed.py --against-nanogpt` runs this script and ours alternately and compares
the two at the same moment. It is our own re-implementation of the documented run
(`python train.py config/train_shakespeare_char.py --device=cpu --compile=False
--eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4
--n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0`):

- model: learned position table, one fused query/key/value layer, no biases, the
  token embedding shared with the output layer, weights drawn with std 0.02
  (residual projections 0.02 / sqrt(2 * layers)), exact GELU, fused attention;
- loop: seed 1337, 12 random windows of 64 characters per step, torch.optim.AdamW
  (lr 1e-3, betas 0.9 / 0.99, weight decay 0.1 on matrices only), 100 warm-up steps
  then cosine decay to 1e-4 at step 2000, gradients clipped at norm 1.0, and every
  250 steps the mean loss of 20 random batches of the training and validation text.

It prints one JSON line in train_speed.py's format: median ms per step (evaluations
not counted), validation losses, seconds from the start of training to the first
validation loss <= --target, wall time and peak resident memory; and, for the yardstick
both recipes share (benchmarks/yardstick.py), the last weights' loss on the whole
validation text and the step and training seconds (steps only, every evaluation off the
clock) from which the snapshots taken every --check-every steps score at or below it
("settled": [level, step, seconds] for that loss and for --target).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F
from yardstick import Snapshots, whole_split_loss

CONTEXT, BATCH, WIDTH, HEADS, LAYERS = 64, 12, 128, 4, 4
STEPS, WARMUP, LR, MIN_LR = 2000, 100, 1e-3, 1e-4
EVAL_EVERY, EVAL_BATCHES = 250, 20


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(WIDTH, bias=False)
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH, bias=False)  # queries, keys, values in one matmul
        self.attention_out = nn.Linear(WIDTH, WIDTH, bias=False)
        self.norm2 = nn.LayerNorm(WIDTH, bias=False)
        self.widen = nn.Linear(WIDTH, 4 * WIDTH, bias=False)
        self.narrow = nn.Linear(4 * WIDTH, WIDTH, bias=False)

    def forward(self, x):
        batch, length, _ = x.shape
        heads = self.qkv(self.norm1(x)).view(batch, length, 3, HEADS, WIDTH // HEADS)
        q, k, v = heads.permute(2, 0, 3, 1, 4)  # each (B, heads, T, head_width)
        mixed = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, heads, T, hw)
        x = x + self.attention_out(mixed.transpose(1, 2).reshape(batch, length, WIDTH))
        return x + self.narrow(F.gelu(self.widen(self.norm2(x))))


class ReferenceGPT(nn.Module):
    def __init__(self, vocab_size: int):
        super().__init__()
        self.token_table = nn.Embedding(vocab_size, WIDTH)
        self.position_table = nn.Embedding(CONTEXT, WIDTH)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.final_norm = nn.LayerNorm(WIDTH, bias=False)
        self.head = nn.Linear(WIDTH, vocab_size, bias=False)
        self.head.weight = self.token_table.weight  # tied: one matrix reads and writes tokens
        for module in self.modules():  # in nanoGPT's order, so the tied matrix is drawn twice
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, std=0.02)
        for block in self.blocks:  # smaller residual writes keep the stream's scale steady
            for layer in (block.attention_out, block.narrow):
                nn.init.normal_(layer.weight, std=0.02 / math.sqrt(2 * LAYERS))

    def forward(self, ids, targets):
        x = self.token_table(ids) + self.position_table.weight[: ids.shape[1]]  # (B, T, width)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.final_norm(x))  # (B, T, vocab)
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def learning_rate(step: int) -> float:
    if step < WARMUP:
        return LR * (step + 1) / (WARMUP + 1)
    progress = min(1.0, (step - WARMUP) / (STEPS - WARMUP))
    return MIN_LR + 0.5 * (1 + math.cos(math.pi * progress)) * (LR - MIN_LR)


def batch(data):
    starts = torch.randint(len(data) - CONTEXT, (BATCH,)).tolist()
    x = torch.stack([data[s : s + CONTEXT] for s in starts])  # (B, T)
    y = torch.stack([data[s + 1 : s + 1 + CONTEXT] for s in starts])  # (B, T): next characters
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--target", type=float, default=1.8857)
    parser.add_argument(
        "--check-every",
        type=int,
        default=25,
        help="snapshot the weights every this many steps (scored after the run)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    text = open(args.data, encoding="utf-8").read()
    alphabet = sorted(set(text))
    index = {c: i for i, c in enumerate(alphabet)}
    data = torch.tensor([index[c] for c in text], dtype=torch.long)
    split = int(0.9 * len(data))
    splits = {"train": data[:split], "val": data[split:]}

    torch.manual_seed(1337)
    model = ReferenceGPT(len(alphabet))
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": matrices, "weight_decay": 0.1}, {"params": vectors, "weight_decay": 0.0}],
        lr=LR,
        betas=(0.9, 0.99),
    )

    @torch.no_grad()
    def evaluate():
        # the training split too, as nanoGPT does: its batches take random draws (so later
        # training batches match nanoGPT's) and time (so the wall clock does)
        model.eval()
        losses = {k: statistics.fmean(float(model(*batch(d))) for _ in range(EVAL_BATCHES))
                  for k, d in splits.items()}
        model.train()
        return losses

    def whole_text_loss(scored) -> float:
        scored.eval()
        return whole_split_loss(scored, splits["val"], CONTEXT)

    snapshots = Snapshots(args.check_every, model, whole_text_loss)
    evals, durations, target_s, paused = [], [], None, 0.0
    started = time.perf_counter()
    x, y = batch(splits["train"])
    for step in range(STEPS + 1):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step)
        if step % EVAL_EVERY == 0:
            val = evaluate()["val"]
            evals.append((step, val, time.perf_counter() - started - paused))
            # nanoGPT prints 1.8857 (4 places); this recipe's own value is 1.885731
            if target_s is None and round(val, 4) <= args.target:
                target_s = evals[-1][2]
            if step == STEPS:
                break
        step_started = time.perf_counter()
        loss = model(x, y)
        x, y = batch(splits["train"])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        durations.append(time.perf_counter() - step_started)
        if snapshots.due(step + 1):  # off the clock
            began = time.perf_counter()
            snapshots.take(step + 1, sum(durations))
            paused += time.perf_counter() - began
    wall = time.perf_counter() - started - paused
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the checks
    snapshots.finish()
    final = snapshots.loss(STEPS)  # the last weights, as nanoGPT evaluates them
    settled = [[level, *(snapshots.settled_at_or_below(level) or (None, None))]
               for level in (final, args.target)]
    print(json.dumps({
        "steps": STEPS,
        "val_whole": final,
        "whole_text": snapshots.scored(),
        "settled": settled,
        "train_s": sum(durations),
        "ms_per_step": 1000 * statistics.median(durations),
        "tokens_per_step": BATCH * CONTEXT,
        "evals": evals,
        "target_s": target_s,
        "wall_s": wall,
        "peak_mib": peak_mib,
    }))


if __name__ == "__main__":
    main()
