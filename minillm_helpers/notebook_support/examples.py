"""Hand-made examples that more than one notebook (or test) uses, kept in one place.

Notebook 04 builds them row by row, with a comment per token; a test checks that its
numbers are these.
"""

from __future__ import annotations

import torch

BANK_SENTENCE = "The bank of the river was muddy."


def bank_vectors() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Notebook 04's (queries, keys, values) for BANK_SENTENCE, one row per token
    (The, bank, of, the, river, was, muddy, .). Queries and keys have the features
    nature, thing, describes, grammar; values nature, money, grammar.

    >>> queries, keys, values = bank_vectors()
    >>> tuple(queries.shape), tuple(keys.shape), tuple(values.shape)
    ((8, 4), (8, 4), (8, 3))
    """
    queries = torch.tensor([[0, 1, 0, 0], [4, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0],
                            [0, 0, 2, 0], [0, 2, 0, 0], [2, 2, 0, 0], [0, 0, 0, 0]])
    keys = torch.tensor([[0, 0, 0, 2], [0, 2, 0, 0], [0, 0, 0, 2], [0, 0, 0, 2],
                         [2, 2, 0, 0], [0, 0, 2, 2], [1, 0, 2, 0], [0, 0, 0, 0]])
    values = torch.tensor([[0, 0, 1], [0.5, 0.5, 0], [0, 0, 1], [0, 0, 1],
                           [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]])
    return queries.float(), keys.float(), values.float()
