"""Stage 6 (notebook 06): the mini GPT, assembled from every earlier piece.

    IDs -> token embeddings * sqrt(width) + sinusoidal positions
        -> num_layers x [layer norm -> masked multi-head attention -> + residual,
                         layer norm -> feed-forward -> + residual]
        -> layer norm -> output layer -> one score (logit) per vocabulary entry
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.attention import MultiHeadAttention
from minillm_helpers.checks import check_gpt_config
from minillm_helpers.masking import causal_mask
from minillm_helpers.positions import sinusoidal_encoding


@dataclass
class GPTConfig:
    """Every size the model needs, in one place (a checkpoint stores it as a dict)."""

    vocab_size: int
    context_length: int = 32
    width: int = 64
    num_heads: int = 4
    num_layers: int = 2
    dropout: float = 0.0
    causal: bool = True  # False only to show what the causal mask prevents

    def __post_init__(self):
        check_gpt_config(self)  # whole numbers >= 1, width a multiple of num_heads (checks.py)


def config_from_dict(data: dict) -> GPTConfig:
    """A GPTConfig from dataclasses.asdict(config); keys this version does not know are ignored."""
    known = {f.name for f in fields(GPTConfig)}
    return GPTConfig(**{k: v for k, v in data.items() if k in known})


class FeedForward(nn.Module):
    """Per-token thinking after the mixing: widen, bend (GELU), narrow back."""

    def __init__(self, width: int, dropout: float = 0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),  # (B, T, 4*width), bent
                                 nn.Linear(4 * width, width), nn.Dropout(dropout))  # (B, T, width)

    def forward(self, x):
        return self.net(x)


class Block(nn.Module):
    """One Transformer block: attention mixes tokens, feed-forward transforms each."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(config.width)
        self.attention = MultiHeadAttention(config.width, config.num_heads)
        self.norm2 = nn.LayerNorm(config.width)
        self.feed_forward = FeedForward(config.width, config.dropout)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x, mask=None, is_causal=False):
        x = x + self.dropout(self.attention(self.norm1(x), mask, is_causal))  # residual: x + found
        return x + self.feed_forward(self.norm2(x))


class KVCache:
    """One attention layer's keys and values of the tokens so far, kept by generation."""

    def __init__(self):
        self.keys = self.values = None  # (B, heads, tokens so far, head_width)

    def __len__(self):
        return 0 if self.keys is None else self.keys.shape[2]

    def append(self, keys, values):
        """Add the new tokens' keys and values; return those of all tokens so far."""
        if self.keys is not None:
            keys = torch.cat([self.keys, keys], dim=2)  # (B, heads, S, head_width)
            values = torch.cat([self.values, values], dim=2)
        self.keys, self.values = keys, values
        return keys, values


class GPT(nn.Module):
    """The mini GPT: token IDs in, one score per vocabulary entry at every position out."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.width)
        # std 1/sqrt(width), times sqrt(width) in forward: meanings at the positions' scale
        nn.init.normal_(self.token_embedding.weight, std=1 / math.sqrt(config.width))
        positions = sinusoidal_encoding(config.context_length, config.width)  # (context, width)
        self.register_buffer("positions", positions, persistent=False)  # moves with the model
        self.register_buffer("mask", causal_mask(config.context_length), persistent=False)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.num_layers))
        self.final_norm = nn.LayerNorm(config.width)
        self.output = nn.Linear(config.width, config.vocab_size)

    def forward(self, ids, targets=None):
        """Return (logits, loss); loss is None without targets."""
        length, start = ids.shape[1], self.cached_tokens()  # start: 0 unless a cache holds tokens
        x = self.token_embedding(ids) * math.sqrt(self.config.width)  # (B, T, width)
        positions = self.positions[start : start + length]  # (T, width): start, start+1, ...
        is_causal = self.config.causal and not start  # after cached tokens: see them all, no mask
        mask = self.mask[:length, :length] if is_causal else None  # (T, T)
        x = self.dropout(x + positions)
        for block in self.blocks:
            x = block(x, mask, is_causal)  # (B, T, width)
        logits = self.output(self.final_norm(x))  # (B, T, vocab_size)
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.flatten(0, 1), targets.flatten())  # (B*T, V), (B*T,)

    def use_cache(self, on: bool = True) -> None:
        """Give every attention layer a new, empty KVCache (on=True), or none (on=False)."""
        for block in self.blocks:
            block.attention.cache = KVCache() if on else None

    def cached_tokens(self) -> int:
        """How many tokens the attention layers' KVCaches hold (0 without them)."""
        return len(self.blocks[0].attention.cache or ())

    def num_parameters(self) -> int:
        """How many numbers training can adjust."""
        return sum(p.numel() for p in self.parameters())
