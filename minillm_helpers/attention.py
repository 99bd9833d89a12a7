"""Stage 4 (notebook 04): attention, the step where tokens look at each other.

Each token asks a question (its query), advertises what it holds (its key) and
hands over content (its value). How well a query matches each key decides how
much of each value the token takes.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def check_attention_inputs(query, key, value, mask=None):
    """Raise a clear error if query, key, value (and mask) cannot be attended together."""
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        if not torch.is_tensor(tensor):
            raise TypeError(f"{name} must be a tensor, got {type(tensor).__name__}.")
        if tensor.dim() < 2:
            raise ValueError(
                f"{name} must have shape (..., tokens, width), got shape {tuple(tensor.shape)}."
            )
    if query.shape[-1] != key.shape[-1]:
        raise ValueError(
            f"query and key must have the same width to be compared (dot product), got "
            f"query width {query.shape[-1]} and key width {key.shape[-1]}."
        )
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"key and value must have one row per token of the same sequence, got "
            f"{key.shape[-2]} keys and {value.shape[-2]} values."
        )
    if mask is not None:
        if not torch.is_tensor(mask) or mask.dtype != torch.bool:
            raise TypeError(
                "mask must be a boolean tensor (True where attending is allowed), got "
                f"{getattr(mask, 'dtype', type(mask).__name__)}; convert with mask.bool()."
            )
        scores_shape = (*query.shape[:-1], key.shape[-2])  # (..., T_q, T_k)
        extra = len(scores_shape) - mask.dim()  # broadcasting lines the shapes up from the right
        if extra < 0 or any(
            m not in (1, s) for m, s in zip(mask.shape, scores_shape[extra:], strict=True)
        ):
            raise ValueError(
                f"mask of shape {tuple(mask.shape)} does not fit the attention scores of shape "
                f"{scores_shape} (one entry per query token and key token)."
            )


def scaled_dot_product_attention(query, key, value, mask=None):
    """Return (output, weights); mask is boolean, True where attending is allowed.

    >>> q = k = v = torch.eye(2)
    >>> out, w = scaled_dot_product_attention(q, k, v)
    >>> w.sum(-1).tolist()
    [1.0, 1.0]
    """
    check_attention_inputs(query, key, value, mask)
    d_k = query.shape[-1]
    scores = query @ key.transpose(-2, -1) / math.sqrt(d_k)  # (..., T_q, T_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))  # forbidden pairs get zero weight
    weights = torch.softmax(scores, dim=-1)  # (..., T_q, T_k), each row sums to 1
    return weights @ value, weights  # (..., T_q, d_v), (..., T_q, T_k)


class MultiHeadAttention(nn.Module):
    """Several attentions side by side, each on its own slice of the width."""

    def __init__(self, width: int, num_heads: int, bias: bool = False):
        super().__init__()
        for name, number in (("width", width), ("num_heads", num_heads)):
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {number!r}.")
        if width % num_heads != 0:
            raise ValueError(
                f"width {width} is not divisible by num_heads {num_heads}: each head gets "
                "width // num_heads dimensions, so pick a width that is a multiple of the heads."
            )
        self.width = width
        self.num_heads = num_heads
        self.head_width = width // num_heads
        self.query = nn.Linear(width, width, bias=bias)  # all heads' queries at once
        self.key = nn.Linear(width, width, bias=bias)
        self.value = nn.Linear(width, width, bias=bias)
        self.output = nn.Linear(width, width, bias=bias)  # mixes the heads' results
        self.last_weights = None  # (B, heads, T, T) from the latest call, for plots

    def split_heads(self, x):
        batch, length, width = x.shape
        x = x.view(batch, length, self.num_heads, self.head_width)  # (B, T, heads, head_width)
        return x.transpose(1, 2)  # (B, heads, T, head_width)

    def forward(self, x, mask=None):
        if not torch.is_tensor(x):
            raise TypeError(f"x must be a tensor (batch, tokens, width), got {type(x).__name__}.")
        if x.dim() != 3 or x.shape[-1] != self.width:
            raise ValueError(
                f"x must have shape (batch, tokens, {self.width}), got {tuple(x.shape)}."
            )
        batch, length, width = x.shape
        q = self.split_heads(self.query(x))  # (B, heads, T, head_width)
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, heads, T, head_width)
        self.last_weights = weights.detach()
        out = out.transpose(1, 2).reshape(batch, length, width)  # (B, T, width): heads side by side
        return self.output(out)
