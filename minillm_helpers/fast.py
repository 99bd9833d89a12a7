"""A faster forward pass for training: the same GPT, the same weights, fused attention.

`fused_forward(model, ids, targets)` runs a `minillm_helpers.model.GPT` through its
own submodules (embedding, positions buffer, norms, query/key/value/output layers,
feed-forward, output layer) but computes attention with PyTorch's fused
`torch.nn.functional.scaled_dot_product_attention` (no (T, T) weight matrix kept
for plots) and, optionally, inside bfloat16 autocast. `FastGPT` wraps a GPT so the
fused forward can be trained (and wrapped in DistributedDataParallel); its
parameters *are* the GPT's parameters. tests/test_kvcache.py checks that the fused
forward equals the plain one within float tolerance.
"""

from __future__ import annotations

import contextlib
import math

import torch
from torch import nn
from torch.nn import functional as F


def attention_sublayer(attention, x, causal=True):
    """Multi-head attention of `x` (B, T, width) with PyTorch's fused kernel."""
    batch, length, width = x.shape
    q = attention.split_heads(attention.query(x))  # (B, heads, T, head_width)
    k = attention.split_heads(attention.key(x))
    v = attention.split_heads(attention.value(x))
    out = attention_core(q, k, v, causal)  # (B, heads, T, head_width)
    out = out.transpose(1, 2).reshape(batch, length, width)  # (B, T, width): heads side by side
    return attention.output(out)


def attention_core(q, keys, values, causal=True):
    """Queries (B, h, T, d) for the last T of the keys (B, h, S, d): query t sees keys 0..S-T+t."""
    length, total = q.shape[2], keys.shape[2]
    if not causal or length == 1:
        return F.scaled_dot_product_attention(q, keys, values)
    if length == total:
        return F.scaled_dot_product_attention(q, keys, values, is_causal=True)
    allowed = torch.ones(length, total, dtype=torch.bool, device=q.device).tril(total - length)
    return F.scaled_dot_product_attention(q, keys, values, attn_mask=allowed)


def embed(model, ids, start: int = 0):
    """Token embeddings * sqrt(width) + positions start..start+T-1, as GPT.forward does."""
    length = ids.shape[1]
    scale = math.sqrt(model.config.width)
    x = model.token_embedding(ids) * scale + model.positions[start : start + length]
    return model.dropout(x)  # (B, T, width)


def block_forward(block, x, causal=True):
    x = x + block.dropout(attention_sublayer(block.attention, block.norm1(x), causal))
    return x + block.feed_forward(block.norm2(x))


def autocast_context(device_type: str, bf16: bool):
    if not bf16:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device_type, dtype=torch.bfloat16)


def fused_forward(model, ids, targets=None, bf16: bool = False):
    """Return (logits, loss) like GPT.forward, with fused attention (and bf16 if asked)."""
    model.check_input(ids)
    with autocast_context(ids.device.type, bf16):
        x = embed(model, ids)
        for block in model.blocks:
            x = block_forward(block, x, model.config.causal)
        logits = model.output(model.final_norm(x))  # (B, T, vocab)
    logits = logits.float()
    loss = None
    if targets is not None:
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    return logits, loss


class FastGPT(nn.Module):
    """Trainable wrapper: forward(ids, targets) = fused_forward(gpt, ...); same parameters."""

    def __init__(self, gpt, bf16: bool = False):
        super().__init__()
        self.gpt = gpt
        self.bf16 = bf16

    @property
    def config(self):
        return self.gpt.config

    def forward(self, ids, targets=None):
        return fused_forward(self.gpt, ids, targets, bf16=self.bf16)
