"""Stage 6 (notebook 06): turning scores into a choice, one token at a time.

>>> probabilities(torch.tensor([2.0, 1.0, 0.0]), temperature=0).tolist()
[1.0, 0.0, 0.0]
"""

from __future__ import annotations

import math

import torch


def check_sampling_settings(temperature=1.0, top_k=None, top_p=None, max_new_tokens=0) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a number, got {temperature!r}.")
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(
            f"temperature must be a finite number >= 0, got {temperature}: 0 picks the most "
            "likely token, 1 samples the model's own probabilities, larger values flatten them."
        )
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a whole number >= 1 (or None for no cut), got {top_k!r}.")
    if top_p is not None and (
        isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or not 0 < top_p <= 1
    ):
        raise ValueError(f"top_p must be in (0, 1] (or None for no cut), got {top_p!r}.")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be a whole number >= 0, got {max_new_tokens!r}.")


def probabilities(logits, temperature=1.0, top_k=None, top_p=None):
    """Next-token probabilities from a (vocab,) or (batch, vocab) tensor of scores.

    temperature divides the scores (0 means all mass on the top score); top_k keeps
    the k best; top_p keeps the smallest set of best tokens whose mass reaches p.
    """
    check_sampling_settings(temperature, top_k, top_p)
    logits = logits.float()
    if temperature == 0:
        greedy = torch.zeros_like(logits)
        return greedy.scatter_(-1, logits.argmax(-1, keepdim=True), 1.0)
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth_best = torch.topk(logits, top_k, dim=-1).values[..., -1:]  # (..., 1)
        logits = logits.masked_fill(logits < kth_best, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    if top_p is not None and top_p < 1:
        sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
        mass_before = sorted_probs.cumsum(-1) - sorted_probs  # mass of the better tokens
        drop_sorted = mass_before >= top_p  # p was already reached without this token
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        probs = probs.masked_fill(drop, 0.0)
        probs = probs / probs.sum(-1, keepdim=True)
    return probs


@torch.no_grad()
def generate(model, ids, max_new_tokens, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Extend a list of token IDs one sampled token at a time; returns the new IDs only.

    The context is cropped to the model's last `context_length` tokens before each step.
    """
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    ids = list(ids)
    if not ids:
        raise ValueError("generate() needs at least one prompt token to start from.")
    device = next(model.parameters()).device
    generator = torch.Generator(device="cpu")
    generator.manual_seed(0 if seed is None else seed)
    was_training = model.training
    model.eval()
    new_ids = []
    context = model.config.context_length
    for _ in range(max_new_tokens):
        window = torch.tensor([(ids + new_ids)[-context:]], device=device)  # (1, <=context)
        logits, _ = model(window)  # (1, T, vocab)
        probs = probabilities(logits[0, -1], temperature, top_k, top_p).cpu()  # (vocab,)
        new_ids.append(int(torch.multinomial(probs, 1, generator=generator)))
    model.train(was_training)
    return new_ids


def entropy(probs) -> float:
    """Spread of a distribution in nats: 0 for a sure thing, log(n) for n equal choices."""
    probs = probs[probs > 0]
    return float(-(probs * probs.log()).sum())
