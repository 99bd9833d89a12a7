"""Stage 3 (notebook 03): telling the model where each token stands.

Three encodings, each a (num_positions, width) tensor to add to the embeddings:
raw indexes (unbounded), indexes divided by the length (depend on the length),
and sines and cosines of the index at many frequencies (bounded, length-free).

>>> round(float(sinusoidal_encoding(3, 2)[2, 0]), 3)   # sin(2 * 1.0)
0.909
"""

from __future__ import annotations

import torch


def _check_sizes(num_positions, width) -> None:
    for name, value in (("num_positions", num_positions), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be a whole number, got {value!r}.")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}: a sequence needs positions and each needs a vector.")


def raw_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p is the vector (p, p, ..., p): grows without bound."""
    _check_sizes(num_positions, width)
    positions = torch.arange(num_positions, dtype=torch.float32)  # (T,)
    return positions[:, None].expand(num_positions, width).clone()  # (T, width)


def normalized_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p of a sequence of length T is p / T: the same p gives different values."""
    return raw_index_encoding(num_positions, width) / num_positions


def frequencies(width: int, base: float = 10000.0) -> torch.Tensor:
    """One frequency per sine/cosine pair, from 1 (fast) down to about 1/base (slow)."""
    pair_index = torch.arange(0, width, 2, dtype=torch.float32)  # (ceil(width/2),)
    return base ** (-pair_index / width)


def sinusoidal_encoding(num_positions: int, width: int, base: float = 10000.0) -> torch.Tensor:
    """Even columns sin(p * f_i), odd columns cos(p * f_i), as in the original Transformer."""
    _check_sizes(num_positions, width)
    positions = torch.arange(num_positions, dtype=torch.float32)[:, None]  # (T, 1)
    angles = positions * frequencies(width, base)[None, :]  # (T, ceil(width/2))
    encoding = torch.zeros(num_positions, width)
    encoding[:, 0::2] = torch.sin(angles)
    encoding[:, 1::2] = torch.cos(angles[:, : width // 2])  # an odd width has one sine more
    return encoding
