"""Stage 5 (notebook 05): the causal mask, so no token sees the ones after it.

A GPT learns to predict the next token at every position of a window at once.
Plain attention would let position t read token t + 1, the very answer it must
guess. The causal mask forbids every look ahead: row t may attend to columns
0..t only, so the weight matrix becomes lower-triangular.

>>> causal_mask(3).int().tolist()
[[1, 0, 0], [1, 1, 0], [1, 1, 1]]
"""

from __future__ import annotations

import torch


def causal_mask(length, device=None) -> torch.Tensor:
    """(length, length) booleans: row t is True at columns 0..t (itself and the past).

    >>> causal_mask(4).int()
    tensor([[1, 0, 0, 0],
            [1, 1, 0, 0],
            [1, 1, 1, 0],
            [1, 1, 1, 1]], dtype=torch.int32)
    """
    allowed = torch.ones(length, length, dtype=torch.bool, device=device)  # (T, T) all True
    return torch.tril(allowed)  # keep the diagonal and below: no column after the row
