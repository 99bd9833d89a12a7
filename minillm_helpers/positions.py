"""Stage 3 (notebook 03): telling the model where each token stands.

Three encodings, each a (num_positions, width) tensor to add to the embeddings:
raw indexes (unbounded), indexes divided by the length (depend on the length),
and sines and cosines of the index at many frequencies (bounded, length-free).
`rotate_pairs` is notebook 03's look at rotary embeddings (RoPE), what most current
models do instead: turn query and key vectors by position-dependent angles.

>>> round(float(sinusoidal_encoding(3, 2)[2, 0]), 3)   # sin(2 * 1.0)
0.909
"""

from __future__ import annotations

import torch


def raw_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p is the vector (p, p, ..., p): it grows without bound."""
    positions = torch.arange(num_positions, dtype=torch.float32)  # (T,)
    return positions[:, None].expand(num_positions, width).clone()  # (T, width)


def normalized_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p of a sequence of length T is p / T: the same p, a value that depends on T."""
    return raw_index_encoding(num_positions, width) / num_positions  # (T, width)


def frequencies(width: int, base: float = 10000.0) -> torch.Tensor:
    """One frequency per sine/cosine pair: 1 (fast) down towards 1/base (slow)."""
    pair_index = torch.arange(0, width, 2, dtype=torch.float32)  # 0, 2, 4, ...
    return base ** (-pair_index / width)  # (ceil(width / 2),)


def sinusoidal_encoding(num_positions: int, width: int, base: float = 10000.0) -> torch.Tensor:
    """Even columns sin(p * f_i), odd columns cos(p * f_i), as in the original Transformer."""
    positions = torch.arange(num_positions, dtype=torch.float32)[:, None]  # (T, 1)
    angles = positions * frequencies(width, base)[None, :]  # (T, ceil(width / 2))
    encoding = torch.zeros(num_positions, width)  # (T, width)
    encoding[:, 0::2] = torch.sin(angles)
    encoding[:, 1::2] = torch.cos(angles[:, : width // 2])  # an odd width has one sine more
    return encoding


def rotate_pairs(vectors: torch.Tensor, positions: torch.Tensor, base: float = 10000.0):
    """RoPE: turn pair i (columns 2i, 2i+1) of the vector at position p by the angle p * f_i."""
    angles = positions[:, None] * frequencies(vectors.shape[-1], base)  # (T, width / 2)
    cos, sin = torch.cos(angles), torch.sin(angles)
    even, odd = vectors[..., 0::2], vectors[..., 1::2]  # the pairs (x, y), each (T, width / 2)
    rotated = torch.empty_like(vectors)  # (T, width)
    rotated[..., 0::2] = even * cos - odd * sin  # a 2-D rotation of (x, y) by the angle
    rotated[..., 1::2] = even * sin + odd * cos
    return rotated
