"""Stage 6 (notebook 06): the mini GPT, assembled from every earlier piece.

    IDs -> token embeddings * sqrt(width) + sinusoidal positions
        -> num_layers x [layer norm -> masked multi-head attention -> + residual,
                         layer norm -> feed-forward -> + residual]
        -> layer norm -> output layer -> one score (logit) per vocabulary entry
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.attention import MultiHeadAttention
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
        for name in ("vocab_size", "context_length", "width", "num_heads", "num_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"GPTConfig.{name} must be a whole number of at least 1, got {value!r}."
                )
        if self.width % self.num_heads != 0:
            raise ValueError(
                f"GPTConfig.width {self.width} is not divisible by num_heads {self.num_heads}: "
                "choose a width that is a multiple of the number of heads."
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"GPTConfig.dropout must be in [0, 1), got {self.dropout!r}.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict):
        """The inverse of to_dict; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class FeedForward(nn.Module):
    """Per-token thinking after the mixing: widen, bend (GELU), narrow back."""

    def __init__(self, width: int, dropout: float = 0.0):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(width, 4 * width),  # (B, T, 4*width)
            nn.GELU(),
            nn.Linear(4 * width, width),  # (B, T, width)
            nn.Dropout(dropout),
        )

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

    def forward(self, x, mask=None):
        x = x + self.dropout(self.attention(self.norm1(x), mask))  # residual keeps the input
        return x + self.feed_forward(self.norm2(x))


class GPT(nn.Module):
    """The mini GPT: token IDs in, one score per vocabulary entry at every position out."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.width)
        # std 1/sqrt(width), times sqrt(width) in forward: meanings at the positions' scale
        nn.init.normal_(self.token_embedding.weight, std=1 / math.sqrt(config.width))
        self.register_buffer(
            "positions", sinusoidal_encoding(config.context_length, config.width), persistent=False
        )
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.num_layers))
        self.final_norm = nn.LayerNorm(config.width)
        self.output = nn.Linear(config.width, config.vocab_size)

    def check_input(self, ids) -> None:
        """Raise a clear error unless ids is a (batch, length) tensor of IDs the model knows."""
        integer = torch.is_tensor(ids) and ids.dtype in (torch.int64, torch.int32)
        if not integer or ids.dim() != 2:
            raise TypeError(
                "ids must be an integer tensor of shape (batch, length); wrap one sequence "
                "as torch.tensor([ids])."
            )
        length = ids.shape[1]
        if length > self.config.context_length:
            raise ValueError(
                f"The sequence has {length} tokens but the model's context is "
                f"{self.config.context_length}: keep only the last {self.config.context_length} "
                "(ids[:, -context_length:])."
            )
        if length == 0:
            raise ValueError("The sequence is empty: give at least one token ID.")
        low, high = int(ids.min()), int(ids.max())
        if low < 0 or high >= self.config.vocab_size:
            bad = low if low < 0 else high
            raise ValueError(
                f"Token ID {bad} is outside the vocabulary: valid IDs are 0 to "
                f"{self.config.vocab_size - 1}. Encode text with the tokenizer the model "
                "was built with."
            )

    def forward(self, ids, targets=None):
        """Return (logits, loss); loss is None without targets."""
        self.check_input(ids)
        batch, length = ids.shape
        scale = math.sqrt(self.config.width)
        x = self.token_embedding(ids) * scale + self.positions[:length]  # (B, T, width)
        x = self.dropout(x)
        mask = causal_mask(length, device=ids.device) if self.config.causal else None  # (T, T)
        for block in self.blocks:
            x = block(x, mask)  # (B, T, width)
        logits = self.output(self.final_norm(x))  # (B, T, vocab_size)
        loss = None
        if targets is not None:
            if not torch.is_tensor(targets) or targets.shape != ids.shape:
                raise ValueError(
                    f"targets must be a tensor of next-token IDs with the shape of ids "
                    f"{tuple(ids.shape)}, got {getattr(targets, 'shape', type(targets).__name__)}."
                )
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        return logits, loss

    def num_parameters(self) -> int:
        """How many numbers training can adjust."""
        return sum(p.numel() for p in self.parameters())
