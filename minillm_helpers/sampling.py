"""Stage 6 (notebook 06): turning scores into a choice, one token at a time.

The model gives one score (logit) per vocabulary entry. Softmax turns the scores
into probabilities; temperature, top-k and top-p reshape them before a token is
drawn; generation repeats that draw, feeding each new token back in.

>>> probabilities(torch.tensor([2.0, 1.0, 0.0]), temperature=0).tolist()
[1.0, 0.0, 0.0]
>>> [round(p, 3) for p in probabilities(torch.tensor([2.0, 1.0, 0.0])).tolist()]
[0.665, 0.245, 0.09]
"""

from __future__ import annotations

import math
import numbers

import torch


def check_sampling_settings(temperature=1.0, top_k=None, top_p=None, max_new_tokens=0) -> None:
    """Raise a clear error for a setting that cannot work; do nothing when all are fine."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number, got {temperature!r}.")
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(
            f"temperature must be a finite number >= 0, got {temperature}: 0 picks the most "
            "likely token, 1 samples the model's own probabilities, larger values flatten them."
        )
    if top_k is not None and (
        isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1
    ):
        raise ValueError(f"top_k must be a whole number >= 1 (or None for no cut), got {top_k!r}.")
    if top_p is not None and (
        isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or not 0 < top_p <= 1
    ):
        raise ValueError(f"top_p must be in (0, 1] (or None for no cut), got {top_p!r}.")
    if (
        isinstance(max_new_tokens, bool)
        or not isinstance(max_new_tokens, numbers.Integral)
        or max_new_tokens < 0
    ):
        raise ValueError(
            f"max_new_tokens must be a whole number >= 0 (how many tokens to add), "
            f"got {max_new_tokens!r}."
        )


def probabilities(logits, temperature=1.0, top_k=None, top_p=None):
    """Next-token probabilities from a (vocab,) or (batch, vocab) tensor of scores.

    temperature divides the scores before softmax (0 puts all the probability on
    the top score); top_k keeps only the k best tokens; top_p keeps the smallest
    set of best tokens whose probability adds up to at least p.
    """
    check_sampling_settings(temperature, top_k, top_p)
    if not torch.is_tensor(logits) or not logits.is_floating_point() or logits.dim() == 0:
        raise TypeError("logits must be a float tensor of shape (vocab,) or (batch, vocab).")
    if logits.dtype != torch.float64:
        logits = logits.float()  # half-precision scores are computed on in float32
    if temperature == 0:  # greedy: the top score gets everything
        greedy = torch.zeros_like(logits)
        return greedy.scatter_(-1, logits.argmax(-1, keepdim=True), 1.0)
    # Subtracting the top score changes nothing after softmax, but keeps a tiny
    # temperature from overflowing the division.
    scores = (logits - logits.max(-1, keepdim=True).values) / temperature
    if top_k is not None and top_k < scores.shape[-1]:
        best = torch.topk(scores, top_k, dim=-1).indices  # (..., k)
        keep = torch.zeros_like(scores, dtype=torch.bool).scatter(-1, best, True)
        scores = scores.masked_fill(~keep, float("-inf"))  # exactly k survive, even with ties
    probs = torch.softmax(scores, dim=-1)
    if top_p is not None and top_p < 1:
        sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
        mass_before = sorted_probs.cumsum(-1) - sorted_probs  # mass of the better tokens
        drop_sorted = mass_before >= top_p  # p was already reached without this token
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        probs = probs.masked_fill(drop, 0.0)
        probs = probs / probs.sum(-1, keepdim=True)  # the survivors share all the mass
    return probs


@torch.no_grad()
def next_token_probabilities(model, ids, temperature=1.0, top_k=None, top_p=None):
    """The model's distribution (a (vocab,) tensor) for the token after a list of IDs.

    Only the last `context_length` IDs are read: that is all the model can see.
    """
    ids = list(ids)
    if not ids:
        raise ValueError("Give at least one token ID: the model predicts what comes after it.")
    device = next(model.parameters()).device
    window = torch.tensor([ids[-model.config.context_length :]], device=device)  # (1, T)
    was_training = model.training
    model.eval()  # no dropout while predicting
    logits, _ = model(window)  # (1, T, vocab)
    model.train(was_training)
    return probabilities(logits[0, -1], temperature, top_k, top_p).cpu()  # (vocab,)


@torch.no_grad()
def generate(model, ids, max_new_tokens, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Extend a list of token IDs one sampled token at a time; return the new IDs only.

    Each step predicts from the last `context_length` tokens, draws one token
    and appends it. The same seed (None means 0) gives the same tokens.
    """
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    ids = list(ids)
    if not ids:
        raise ValueError("generate() needs at least one prompt token to start from.")
    generator = torch.Generator(device="cpu")
    generator.manual_seed(0 if seed is None else seed)
    new_ids = []
    for _ in range(max_new_tokens):
        probs = next_token_probabilities(model, ids + new_ids, temperature, top_k, top_p)
        new_ids.append(int(torch.multinomial(probs, 1, generator=generator)))  # one draw
    return new_ids


def entropy(probs) -> float:
    """Spread of a 1-D distribution in nats: 0 for a sure thing, log(n) for n equal choices.

    >>> round(entropy(torch.tensor([0.25, 0.25, 0.25, 0.25])), 4) == round(math.log(4), 4)
    True
    """
    probs = probs[probs > 0]  # 0 * log(0) counts as 0
    return float(-(probs * probs.log()).sum())
