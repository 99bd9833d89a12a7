"""Stage 4 (notebook 04): attention, the step where tokens look at each other.

Each token asks a question (its query), advertises what it holds (its key) and
hands over content (its value). How well a query matches each key decides how
much of each value the token takes.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


def scaled_dot_product_attention(query, key, value, mask=None):
    """Return (output, weights); mask is boolean, True where attending is allowed.

    >>> q = k = v = torch.eye(2)
    >>> out, w = scaled_dot_product_attention(q, k, v)
    >>> w.sum(-1).tolist()
    [1.0, 1.0]
    """
    scores = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])  # (..., T_q, T_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))  # forbidden pairs get zero weight
    weights = torch.softmax(scores, dim=-1)  # (..., T_q, T_k), each row sums to 1
    return weights @ value, weights  # (..., T_q, d_v), (..., T_q, T_k)


class MultiHeadAttention(nn.Module):
    """Several attentions side by side, each on its own slice of the width.

    keep_weights=True runs the written-out attention above and keeps its weights in
    last_weights (for plots); otherwise PyTorch's fused kernel computes the same output.
    """

    def __init__(self, width: int, num_heads: int, bias: bool = False):
        super().__init__()
        self.width = width
        self.num_heads = num_heads
        self.head_width = width // num_heads
        self.query = nn.Linear(width, width, bias=bias)  # all heads' queries at once
        self.key = nn.Linear(width, width, bias=bias)
        self.value = nn.Linear(width, width, bias=bias)
        self.output = nn.Linear(width, width, bias=bias)  # mixes the heads' results
        self.keep_weights = False  # True: written-out attention, weights kept for plots
        self.last_weights = None  # (B, heads, T, T) from the latest call, when kept
        self.cache = None  # + notebook 06: a KVCache while generating with one, else None

    def split_heads(self, x):
        batch, length, width = x.shape
        x = x.view(batch, length, self.num_heads, self.head_width)  # (B, T, heads, head_width)
        return x.transpose(1, 2)  # (B, heads, T, head_width)

    def forward(
        self, x, mask=None,
        is_causal=False,  # + notebook 05: True says mask is the causal one
    ):
        q = self.split_heads(self.query(x))  # (B, heads, T, head_width)
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        if self.cache is not None:  # + notebook 06: keys and values of the cached tokens too
            k, v = self.cache.append(k, v)  # (B, heads, S, head_width): the cached, then these
        if self.keep_weights:  # the written-out attention above, weights kept for plots
            out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, heads, T, head_width)
            self.last_weights = weights.detach()  # (B, heads, T, T)
        elif is_causal:  # + notebook 05: the fused kernel builds the causal mask itself
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (flash on a GPU)
        else:  # PyTorch's fused kernel: the same output, faster, no weights kept
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        out = out.transpose(1, 2).reshape(x.shape)  # (B, T, width): heads side by side
        return self.output(out)


def keep_attention_weights(model: nn.Module, keep: bool = True) -> None:
    """Switch every MultiHeadAttention in model to the written-out attention that keeps
    last_weights (keep=True, for plots) or back to PyTorch's fused kernel (keep=False)."""
    for module in model.modules():
        if isinstance(module, MultiHeadAttention):
            module.keep_weights = keep
