"""Generation with a key/value cache: each new token costs one token's work, not T tokens'.

Plain generation (`minillm_helpers.sampling.generate`) runs the whole window
through the model for every new token. But in a causal model the keys and values
of earlier tokens never change when a token is appended, so we keep them per
layer (the *cache*) and only compute the newest token's query, key and value.
The code below runs a `GPT`'s own submodules (the same weights, no second model).

While prompt + generated tokens fit in the context (`context_length`), the cached
path picks exactly the tokens the plain path picks (greedy decoding; tests check
it). Past the context the plain path crops the window to the last
`context_length` tokens and recomputes it; since positions are added at the input,
every cached key depends on its position, so a cache cannot simply slide. Two
documented choices (`past_context=`):

* ``"recompute"`` (default): each step past the context re-encodes the cropped
  window of the last `context_length` tokens, exactly like the plain path, so the
  tokens stay identical; those steps are as slow as the plain path.
* ``"halve"``: when the cache is full, keep only the last `context_length // 2`
  tokens, re-encode them once and continue with the cache. Much faster for long
  outputs, but the model then sees between half and all of the context, so the
  tokens can differ from the plain path's.
"""

from __future__ import annotations

import torch

from minillm_helpers.fast import attention_core, embed
from minillm_helpers.sampling import check_sampling_settings, probabilities

PAST_CONTEXT_CHOICES = ("recompute", "halve")


class KVCache:
    """Per-layer key and value tensors (B, heads, context, head_width), filled from 0."""

    def __init__(self, model, batch_size: int = 1):
        config = model.config
        parameter = next(model.parameters())
        head_width = config.width // config.num_heads
        shape = (batch_size, config.num_heads, config.context_length, head_width)
        self.keys = [parameter.new_zeros(shape) for _ in model.blocks]
        self.values = [parameter.new_zeros(shape) for _ in model.blocks]
        self.capacity = config.context_length
        self.length = 0

    def reset(self) -> None:
        self.length = 0


def forward_cached(model, ids, cache: KVCache):
    """Logits (B, T, vocab) for new tokens `ids` (B, T) after the cached ones; fills the cache."""
    if not model.config.causal:
        raise ValueError("A key/value cache needs a causal model (config.causal=True).")
    if not torch.is_tensor(ids) or ids.dim() != 2 or ids.shape[1] == 0:
        raise TypeError("ids must be an integer tensor of shape (batch, length) with length >= 1.")
    start, length = cache.length, ids.shape[1]
    if start + length > cache.capacity:
        raise ValueError(
            f"The cache holds {start} tokens; {length} more would exceed the context of "
            f"{cache.capacity}. Reset it and re-encode a cropped window."
        )
    model.check_input(ids)  # vocabulary range
    end = start + length
    x = embed(model, ids, start)  # (B, T, width)
    for layer, block in enumerate(model.blocks):
        attention = block.attention
        h = block.norm1(x)
        q = attention.split_heads(attention.query(h))  # (B, heads, T, head_width)
        cache.keys[layer][:, :, start:end] = attention.split_heads(attention.key(h))
        cache.values[layer][:, :, start:end] = attention.split_heads(attention.value(h))
        out = attention_core(q, cache.keys[layer][:, :, :end], cache.values[layer][:, :, :end])
        out = out.transpose(1, 2).reshape(x.shape)  # (B, T, width)
        x = x + block.dropout(attention.output(out))
        x = x + block.feed_forward(block.norm2(x))
    cache.length = end
    return model.output(model.final_norm(x))  # (B, T, vocab)


@torch.no_grad()
def generate_cached(
    model,
    ids,
    max_new_tokens,
    temperature=1.0,
    top_k=None,
    top_p=None,
    seed=None,
    past_context: str = "recompute",
):
    """Like sampling.generate (same arguments, same random draws), with a key/value cache."""
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    if past_context not in PAST_CONTEXT_CHOICES:
        raise ValueError(
            f"past_context must be one of {PAST_CONTEXT_CHOICES}, got {past_context!r}."
        )
    ids = list(ids)
    if not ids:
        raise ValueError("generate_cached() needs at least one prompt token to start from.")
    device = next(model.parameters()).device
    generator = torch.Generator(device="cpu")
    generator.manual_seed(0 if seed is None else seed)
    was_training = model.training
    model.eval()
    context = model.config.context_length
    cache = KVCache(model)

    def encode_window(tokens):
        cache.reset()
        return forward_cached(model, torch.tensor([tokens], device=device), cache)

    logits = encode_window(ids[-context:])
    new_ids = []
    for step in range(max_new_tokens):
        probs = probabilities(logits[0, -1], temperature, top_k, top_p).cpu()  # (vocab,)
        token = int(torch.multinomial(probs, 1, generator=generator))
        new_ids.append(token)
        if step == max_new_tokens - 1:
            break
        if cache.length < context:
            logits = forward_cached(model, torch.tensor([[token]], device=device), cache)
        elif past_context == "recompute":
            logits = encode_window((ids + new_ids)[-context:])
        else:
            logits = encode_window((ids + new_ids)[-max(1, context // 2) :])
    model.train(was_training)
    return new_ids
