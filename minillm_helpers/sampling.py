"""Stage 6 (notebook 06): turning scores into a choice, one token at a time.

The model gives one score (logit) per vocabulary entry. Softmax turns the scores
into probabilities; temperature, top-k and top-p reshape them before a token is
drawn; generation repeats that draw, feeding each new token back in. The same
seed gives the same tokens (seed=None: fresh randomness every call).

generate(..., use_cache=True) keeps every layer's keys and values (model.use_cache()),
so a step computes only the newest token: while prompt and new tokens fit the
context, the tokens are exactly those without the cache, greedy or sampled.
Past the context the cached keys sit at the wrong positions (positions are added
at the input), so a cache cannot simply slide; past_context says what to do:

* "recompute" (default): every step re-encodes the last context_length tokens,
  as generation without the cache does: the same tokens, at its speed.
* "halve": start a new cache from the last context_length // 2 tokens and go on
  caching. Much faster for long outputs, but the model then sees between half
  and all of the context, so the tokens can differ.

>>> probabilities(torch.tensor([2.0, 1.0, 0.0]), temperature=0).tolist()
[1.0, 0.0, 0.0]
>>> [round(p, 3) for p in probabilities(torch.tensor([2.0, 1.0, 0.0])).tolist()]
[0.665, 0.245, 0.09]
"""

from __future__ import annotations

import torch

from minillm_helpers.checks import check_choice, check_ids, check_prompt, check_sampling_settings

PAST_CONTEXT_CHOICES = ("recompute", "halve")  # generate(use_cache=True) past the context


def probabilities(logits, temperature=1.0, top_k=None, top_p=None):
    """Next-token probabilities from (vocab,) or (batch, vocab) scores: temperature divides the
    scores (0: all on the top one), top_k keeps the k best, top_p the fewest best reaching p."""
    logits = logits if logits.dtype == torch.float64 else logits.float()  # no half precision
    if temperature == 0:  # greedy: the top score gets everything
        return torch.zeros_like(logits).scatter_(-1, logits.argmax(-1, keepdim=True), 1.0)
    # minus the top score: the same softmax, but a tiny temperature cannot overflow
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
        drop = drop_sorted.gather(-1, order.argsort(-1))  # back in vocabulary order
        probs = probs.masked_fill(drop, 0.0)
        probs = probs / probs.sum(-1, keepdim=True)  # the survivors share all the mass
    return probs


@torch.no_grad()
def next_token_probabilities(model, ids, temperature=1.0, top_k=None, top_p=None):
    """The model's distribution (a (vocab,) tensor) for the token after a list of IDs;
    only the last `context_length` IDs are read: that is all the model can see."""
    check_prompt(ids, model)  # at least one ID, each in the model's vocabulary (checks.py)
    check_sampling_settings(temperature, top_k, top_p)
    window = list(ids)[-model.config.context_length :]
    window = torch.tensor([window], device=model.positions.device)  # (1, T)
    was_training = model.training
    logits, _ = model.eval()(window)  # (1, T, vocab); eval: no dropout
    model.train(was_training)  # the mode as it was
    return probabilities(logits[0, -1], temperature, top_k, top_p).cpu()  # (vocab,)


@torch.no_grad()
def generate(model, ids, max_new_tokens, temperature=1.0, top_k=None, top_p=None, seed=None,
             use_cache=False, past_context="recompute",
             stop=None,  # + notebook 09: a token ID that ends the text (an end of turn)
             ):
    """Extend a list of token IDs one sampled token at a time; return the new IDs only."""
    check_prompt(ids, model)  # at least one ID, each in the model's vocabulary (checks.py)
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    check_choice("past_context", past_context, PAST_CONTEXT_CHOICES)
    if stop is not None:  # + notebook 09: the stop token must be an ID of the vocabulary
        check_ids([stop], model.config.vocab_size)
    generator = torch.Generator().manual_seed(torch.Generator().seed() if seed is None else seed)
    context, sequence, was_training = model.config.context_length, list(ids), model.training
    model.eval()  # no dropout while writing
    try:
        for _ in range(max_new_tokens):
            window = sequence[-context:]  # all the model can see
            if 0 < model.cached_tokens() < context:
                window = sequence[-1:]  # the caches hold the keys and values of the others
            elif use_cache:  # the first step, or the caches are full: new ones
                if model.cached_tokens() and past_context == "halve":
                    window = sequence[-max(1, context // 2) :]
                model.use_cache()
            logits, _ = model(torch.tensor([window], device=model.positions.device))
            probs = probabilities(logits[0, -1], temperature, top_k, top_p).cpu()  # (vocab,)
            sequence.append(int(torch.multinomial(probs, 1, generator=generator)))  # one draw
            if sequence[-1] == stop:  # + notebook 09: the answer is over: stop, keep the token
                break
    finally:  # even after an error or an interrupt: no caches left, the mode as it was
        model.train(was_training).use_cache(False)
    return sequence[len(ids) :]


def entropy(probs) -> float:
    """Spread of a 1-D distribution in nats: 0 for a sure thing, log(n) for n equal choices.

    >>> round(entropy(torch.tensor([0.25, 0.25, 0.25, 0.25])), 4)  # log(4)
    1.3863
    """
    probs = probs[probs > 0]  # 0 * log(0) counts as 0
    return float(-(probs * probs.log()).sum())
