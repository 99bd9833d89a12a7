"""Stage 5 (notebook 05): the causal mask, so no token sees the ones after it.

>>> causal_mask(3).int().tolist()
[[1, 0, 0], [1, 1, 0], [1, 1, 1]]
"""

from __future__ import annotations

import torch

from minillm_helpers.attention import scaled_dot_product_attention


def causal_mask(length: int, device=None) -> torch.Tensor:
    """(length, length) boolean: row t may look at columns 0..t only."""
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise ValueError(f"length must be a whole number of at least 1, got {length!r}.")
    return torch.tril(torch.ones(length, length, dtype=torch.bool, device=device))


def causal_attention(query, key, value):
    """Attention where position t only mixes values from positions 0..t."""
    mask = causal_mask(query.shape[-2], device=query.device)  # (T, T)
    return scaled_dot_product_attention(query, key, value, mask)
