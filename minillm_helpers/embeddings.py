"""Stage 2 (notebook 02): token IDs become vectors, and the vectors learn meaning.

An embedding is a table with one row (a vector) per token. Looking up row i is
the same as multiplying the one-hot vector of i by the table. The rows start
random; a small next-word model trained on text moves words that are used in
the same ways close together, which cosine similarity measures.

>>> table = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
>>> embed([2, 0], table)
tensor([[4., 5.],
        [0., 1.]])
>>> torch.equal(one_hot([2, 0], 3) @ table, embed([2, 0], table))
True
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def check_size(name: str, value) -> None:
    """Sizes (vocabulary, width, context) are whole numbers of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")


def check_ids(ids, vocab_size: int) -> torch.Tensor:
    """Token IDs as an integer tensor, each one checked to name a row of the table."""
    try:
        ids = torch.as_tensor(ids)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"Token IDs must be whole numbers, got {ids!r}.") from None
    if ids.numel() == 0:
        return ids.long()
    if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
        raise TypeError(f"Token IDs must be whole numbers, got dtype {ids.dtype}; use .long().")
    outside = ((ids < 0) | (ids >= vocab_size)).nonzero()
    if len(outside):
        where = tuple(outside[0].tolist())
        raise ValueError(
            f"ID {int(ids[where])} at position {where[0] if len(where) == 1 else where} is "
            f"outside the vocabulary: valid IDs are 0 to {vocab_size - 1}."
        )
    return ids.long()


def check_table(table) -> None:
    """An embedding table is a 2-D float tensor: one row per token, one column per feature."""
    if not torch.is_tensor(table) or not table.is_floating_point():
        raise TypeError(f"The table must be a float tensor, got {type(table).__name__}.")
    if table.dim() != 2:
        raise ValueError(
            f"The table must be 2-D (vocab_size, width), got shape {tuple(table.shape)}."
        )


def one_hot(ids, vocab_size: int) -> torch.Tensor:
    """Each ID becomes vocab_size numbers: all 0 except a single 1 at the ID's place.

    >>> one_hot([2, 0], 3)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    check_size("vocab_size", vocab_size)
    ids = check_ids(ids, vocab_size)  # shape (...)
    return (ids[..., None] == torch.arange(vocab_size)).float()  # shape (..., vocab_size)


def embed(ids, table: torch.Tensor) -> torch.Tensor:
    """Look up one row of the table per ID: shape (...) -> (..., width)."""
    check_table(table)
    return table[check_ids(ids, table.shape[0])]


def cosine_similarity(a, b) -> torch.Tensor:
    """Cosine of the angle between vectors: 1 same direction, 0 unrelated, -1 opposite.

    It works along the last dimension, so tables compare row by row (with broadcasting).

    >>> float(cosine_similarity(torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0])))
    0.7071067690849304
    """
    a, b = torch.as_tensor(a).float(), torch.as_tensor(b).float()
    if a.dim() == 0 or b.dim() == 0 or a.shape[-1] != b.shape[-1]:
        raise ValueError(
            "cosine_similarity needs vectors of the same width, got shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )
    lengths = a.norm(dim=-1) * b.norm(dim=-1)
    if (lengths == 0).any():
        raise ValueError("A vector of all zeros has no direction, so it has no cosine similarity.")
    return (a * b).sum(dim=-1) / lengths


def nearest_neighbours(word: str, vocabulary, table: torch.Tensor, k: int = 5):
    """The k other words whose vectors point most nearly the same way: [(word, cosine), ...]."""
    vocabulary = list(vocabulary)
    check_table(table)
    if table.shape[0] != len(vocabulary):
        raise ValueError(
            f"The table has {table.shape[0]} rows but the vocabulary has {len(vocabulary)} "
            "words: pass the table and the vocabulary of the same tokenizer."
        )
    if word not in vocabulary:
        raise ValueError(
            f"{word!r} is not in the vocabulary ({len(vocabulary)} words); pick one of them "
            "(the notebook's vocabulary is lowercase)."
        )
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < len(vocabulary):
        raise ValueError(f"k must be a whole number from 1 to {len(vocabulary) - 1}, got {k!r}.")
    index = vocabulary.index(word)
    with torch.no_grad():
        similarities = cosine_similarity(table[index], table)  # (vocab_size,)
        similarities[index] = -2.0  # below any cosine: never your own neighbour
        order = torch.argsort(similarities, descending=True, stable=True)[:k]
    return [(vocabulary[i], float(similarities[i])) for i in order]


def project_2d(vectors: torch.Tensor) -> torch.Tensor:
    """PCA: the 2-D view of a set of vectors that keeps as much of their spread as possible."""
    check_table(vectors)
    centred = vectors.detach() - vectors.detach().mean(dim=0)  # (N, width)
    _, _, directions = torch.linalg.svd(centred, full_matrices=False)  # rows: main directions
    directions = directions[:2]  # (2, width)
    flip = directions.gather(1, directions.abs().argmax(dim=1, keepdim=True)).sign()
    return centred @ (directions * flip).T  # (N, 2); signs fixed so the picture is stable


def next_word_examples(ids, context: int = 1):
    """Every (previous `context` IDs, next ID) pair in a 1-D list of token IDs.

    >>> next_word_examples(torch.tensor([5, 6, 7]))
    (tensor([[5],
            [6]]), tensor([6, 7]))
    """
    check_size("context", context)
    ids = torch.as_tensor(ids)
    if ids.dim() != 1 or len(ids) <= context:
        raise ValueError(
            f"Need a 1-D list of more than {context} token IDs to cut examples from, "
            f"got shape {tuple(ids.shape)}."
        )
    windows = ids.unfold(0, context + 1, 1)  # (N - context, context + 1), sliding by one
    return windows[:, :-1], windows[:, -1]  # inputs (N - context, context), targets (N - context,)


class NextWordModel(nn.Module):
    """Embedding table -> average of the context's vectors -> one score per word."""

    def __init__(self, vocab_size: int, width: int, context: int = 1):
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("width", width), ("context", context)):
            check_size(name, value)
        self.context = context
        self.embedding = nn.Embedding(vocab_size, width)  # the table we want to learn
        nn.init.normal_(self.embedding.weight, std=0.1)  # a small random start
        self.output = nn.Linear(width, vocab_size)  # scores (logits) for the next word

    def forward(self, contexts: torch.Tensor) -> torch.Tensor:
        if contexts.dim() != 2 or contexts.shape[1] != self.context:
            raise ValueError(
                f"Expected IDs of shape (examples, {self.context}), got {tuple(contexts.shape)}."
            )
        vectors = self.embedding(contexts)  # (N, context, width)
        return self.output(vectors.mean(dim=1))  # (N, vocab_size)


def train_next_word_model(model, ids, steps=200, batch_size=512, lr=5.0, seed=0):
    """Show the model random (context, next word) examples; step each weight downhill.

    Returns the loss of every step: the cross-entropy, which falls as the model
    gives the true next words more probability.
    """
    ids = check_ids(ids, model.embedding.num_embeddings)
    inputs, targets = next_word_examples(ids, model.context)
    generator = torch.Generator().manual_seed(seed)  # the same batches every run
    losses = []
    for _ in range(steps):
        batch = torch.randint(len(targets), (batch_size,), generator=generator)
        loss = F.cross_entropy(model(inputs[batch]), targets[batch])
        model.zero_grad()
        loss.backward()  # each weight's gradient: how the loss changes as it changes
        with torch.no_grad():
            for weight in model.parameters():
                weight -= lr * weight.grad  # a small step against the gradient
        losses.append(loss.item())
    return losses
