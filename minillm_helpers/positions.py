"""Stage 3 (notebook 03): telling the model where each token stands.

Three encodings, each a (num_positions, width) tensor to add to the embeddings:
raw indexes (unbounded), indexes divided by the length (depend on the length),
and sines and cosines of the index at many frequencies (bounded, length-free).

>>> round(float(sinusoidal_encoding(3, 2)[2, 0]), 3)   # sin(2 * 1.0)
0.909
"""

from __future__ import annotations

import math

import torch


def require_sizes(num_positions, width) -> None:
    """Both sizes must be whole numbers of at least 1; say which one is wrong and why."""
    for name, value in (("num_positions", num_positions), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be a whole number (an int), got {value!r}.")
        if value < 1:
            raise ValueError(
                f"{name} must be at least 1, got {value}: "
                "a sequence needs positions, and each position needs a vector."
            )


def raw_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p is the vector (p, p, ..., p): it grows without bound."""
    require_sizes(num_positions, width)
    positions = torch.arange(num_positions, dtype=torch.float32)  # (T,)
    return positions[:, None].expand(num_positions, width).clone()  # (T, width)


def normalized_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p of a sequence of length T is p / T: the same p, a value that depends on T."""
    return raw_index_encoding(num_positions, width) / num_positions  # (T, width)


def frequencies(width: int, base: float = 10000.0) -> torch.Tensor:
    """One frequency per sine/cosine pair: 1 (fast) down towards 1/base (slow)."""
    require_sizes(1, width)
    if isinstance(base, bool) or not isinstance(base, (int, float)) or not base > 1:
        raise ValueError(f"base must be a number above 1, got {base!r}: the usual one is 10000.")
    if math.isinf(base):
        raise ValueError("base must be finite: the usual one is 10000.")
    pair_index = torch.arange(0, width, 2, dtype=torch.float32)  # 0, 2, 4, ...
    return base ** (-pair_index / width)  # (ceil(width / 2),)


def sinusoidal_encoding(num_positions: int, width: int, base: float = 10000.0) -> torch.Tensor:
    """Even columns sin(p * f_i), odd columns cos(p * f_i), as in the original Transformer."""
    require_sizes(num_positions, width)
    positions = torch.arange(num_positions, dtype=torch.float32)[:, None]  # (T, 1)
    angles = positions * frequencies(width, base)[None, :]  # (T, ceil(width / 2))
    encoding = torch.zeros(num_positions, width)  # (T, width)
    encoding[:, 0::2] = torch.sin(angles)
    encoding[:, 1::2] = torch.cos(angles[:, : width // 2])  # an odd width has one sine more
    return encoding
