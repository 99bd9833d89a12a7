"""Notebook 04's hand-made bank example, kept here for notebook 05 and the tests (a test
checks that notebook 04 builds these very numbers)."""

import torch

BANK_SENTENCE = "The bank of the river was muddy."


def bank_vectors() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(queries, keys, values), one row per token of BANK_SENTENCE (The, bank, of, the, river,
    was, muddy, .): queries and keys have the features nature, thing, describes, grammar;
    values nature, money, grammar."""
    queries = torch.tensor([[0, 1, 0, 0], [4, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0],
                            [0, 0, 2, 0], [0, 2, 0, 0], [2, 2, 0, 0], [0, 0, 0, 0]])
    keys = torch.tensor([[0, 0, 0, 2], [0, 2, 0, 0], [0, 0, 0, 2], [0, 0, 0, 2],
                         [2, 2, 0, 0], [0, 0, 2, 2], [1, 0, 2, 0], [0, 0, 0, 0]])
    values = torch.tensor([[0, 0, 1], [0.5, 0.5, 0], [0, 0, 1], [0, 0, 1],
                           [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]])
    return queries.float(), keys.float(), values.float()
