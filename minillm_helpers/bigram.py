"""Stage 7 (notebook 07): the bigram baseline, counted rather than trained.

The simplest guess at the next character reads only the current one: count how often
each character follows each other one in the training text, and turn every row of
counts into probabilities. No context, no attention, no training; whatever loss a
GPT reaches below this model's is what its context and attention buy.

>>> counts = bigram_counts(torch.tensor([0, 1, 0, 1, 1]), vocab_size=2)
>>> counts.tolist()   # 0 -> 1 twice; 1 -> 0 once, 1 -> 1 once
[[0.0, 2.0], [1.0, 1.0]]
>>> bigram_probabilities(counts, smoothing=0).tolist()
[[0.0, 1.0], [0.5, 0.5]]
"""

from __future__ import annotations

import torch


def bigram_counts(ids, vocab_size: int):
    """counts[a, b]: how often token b directly follows token a in ids."""
    counts = torch.zeros(vocab_size, vocab_size)  # (current, next)
    counts.index_put_((ids[:-1], ids[1:]), torch.ones(len(ids) - 1), accumulate=True)
    return counts


def bigram_probabilities(counts, smoothing: float = 1.0):
    """P(next | current): each row of counts, plus `smoothing` per pair, divided by its sum."""
    smoothed = counts + smoothing  # a pair never seen in training keeps a little probability
    return smoothed / smoothed.sum(dim=1, keepdim=True)  # (vocab, vocab), rows sum to 1


def bigram_loss(probs, ids) -> float:
    """The mean of -log P(next | current) over ids: the same loss a GPT reports."""
    return float(-probs[ids[:-1], ids[1:]].log().mean())


def bigram_generate(probs, first_id: int, length: int, seed: int = 0) -> list[int]:
    """Draw `length` tokens after first_id, each from the row of the token before it."""
    generator = torch.Generator().manual_seed(seed)
    ids = [first_id]
    for _ in range(length):
        ids.append(int(torch.multinomial(probs[ids[-1]], 1, generator=generator)))
    return ids[1:]
