"""Stage 4 (notebook 04): attention, the step where tokens look at each other.

Each token asks a question (its query), advertises what it holds (its key) and
hands over content (its value). How well a query matches each key decides how
much of each value the token takes.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def scaled_dot_product_attention(query, key, value, mask=None):
    """Return (output, weights); mask is boolean, True where attending is allowed.

    >>> q = k = v = torch.eye(2)
    >>> out, w = scaled_dot_product_attention(q, k, v)
    >>> w.sum(-1).tolist()
    [1.0, 1.0]
    """
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
        if width % num_heads != 0:
            raise ValueError(
                f"width {width} is not divisible by num_heads {num_heads}: each head gets "
                "width // num_heads dimensions, so pick a width that is a multiple of the heads."
            )
        self.num_heads = num_heads
        self.head_width = width // num_heads
        self.query = nn.Linear(width, width, bias=bias)
        self.key = nn.Linear(width, width, bias=bias)
        self.value = nn.Linear(width, width, bias=bias)
        self.output = nn.Linear(width, width, bias=bias)
        self.last_weights = None  # (B, heads, T, T) from the latest call, for plots

    def split_heads(self, x):
        batch, length, width = x.shape
        x = x.view(batch, length, self.num_heads, self.head_width)  # (B, T, heads, head_width)
        return x.transpose(1, 2)  # (B, heads, T, head_width)

    def forward(self, x, mask=None):
        batch, length, width = x.shape
        q = self.split_heads(self.query(x))  # (B, heads, T, head_width)
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, heads, T, head_width)
        self.last_weights = weights.detach()
        out = out.transpose(1, 2).reshape(batch, length, width)  # (B, T, width): heads side by side
        return self.output(out)
