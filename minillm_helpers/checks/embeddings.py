"""The input checks of notebook 02's embeddings (minillm_helpers/embeddings.py)."""

from __future__ import annotations

import torch

from minillm_helpers.checks.core import InputError, InputTypeError, check_int, check_tensor, fail


def check_sizes(**sizes) -> None:
    """check_int for each name=value given, e.g. check_sizes(vocab_size=116, width=128)."""
    for name, value in sizes.items():
        check_int(name, value)


def check_table(table) -> None:
    """An embedding table is a 2-D float tensor: one row per token, one column per feature."""
    check_tensor("The table", table, "float", ("vocab_size", "width"))


def check_vectors(a, b) -> tuple[torch.Tensor, torch.Tensor]:
    """Two (stacks of) vectors as float tensors of the same width, none of them all zeros."""
    try:
        a, b = torch.as_tensor(a).float(), torch.as_tensor(b).float()
    except (TypeError, ValueError, RuntimeError):
        fail(InputTypeError, f"cosine_similarity compares vectors, got {a!r} and {b!r}",
             "pass lists or tensors of numbers")
    if a.dim() == 0 or b.dim() == 0 or a.shape[-1] != b.shape[-1]:
        fail(InputError, "cosine_similarity needs vectors of the same width, got shapes "
             f"{tuple(a.shape)} and {tuple(b.shape)}")
    if (a.norm(dim=-1) == 0).any() or (b.norm(dim=-1) == 0).any():
        fail(InputError, "A vector of all zeros has no direction, so it has no cosine similarity")
    return a, b


def check_id_sequence(ids, context: int) -> torch.Tensor:
    """A 1-D list of more than `context` token IDs, as a tensor, to cut examples from."""
    check_int("context", context)
    ids = torch.as_tensor(ids)
    if ids.dim() != 1 or len(ids) <= context:
        fail(InputError, f"Need a 1-D list of more than {context} token IDs to cut examples "
             f"from, got shape {tuple(ids.shape)}")
    return ids


def check_contexts(contexts, context: int) -> None:
    """A batch of contexts for the next-word model: IDs of shape (examples, context)."""
    check_tensor("contexts", contexts, "integer", ("examples", context))


def check_neighbour_query(word: str, vocabulary: list, table, k) -> None:
    """nearest_neighbours' inputs: a table row per word, a known word, 1 <= k < vocabulary."""
    check_table(table)
    if table.shape[0] != len(vocabulary):
        fail(InputError, f"The table has {table.shape[0]} rows but the vocabulary has "
             f"{len(vocabulary)} words", "pass the table and the vocabulary of the same tokenizer")
    if not isinstance(word, str) or word not in vocabulary:
        fail(InputError if isinstance(word, str) else InputTypeError, f"{word!r} is not in the "
             f"vocabulary ({len(vocabulary)} words)", "pick one of them (the notebook's "
             "vocabulary is lowercase)")
    check_int("k", k, 1, len(vocabulary) - 1)
