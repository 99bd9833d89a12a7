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

from minillm_helpers.checks import check_choice, check_ids


def one_hot(ids, vocab_size: int) -> torch.Tensor:
    """Each ID becomes vocab_size numbers: all 0 except a single 1 at the ID's place.

    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    ids = check_ids(ids, vocab_size)  # integer IDs below vocab_size (checks.py), shape (...)
    return (ids[..., None] == torch.arange(vocab_size)).float()  # shape (..., vocab_size)


def embed(ids, table: torch.Tensor) -> torch.Tensor:
    """Look up one row of the table per ID: shape (...) -> (..., width)."""
    return table[check_ids(ids, table.shape[0])]  # integer IDs with a row (checks.py)


def cosine_similarity(a, b) -> torch.Tensor:
    """Cosine of the angle between vectors: 1 same direction, 0 unrelated, -1 opposite.

    It works along the last dimension, so tables compare row by row (with broadcasting).
    """
    return (a * b).sum(dim=-1) / (a.norm(dim=-1) * b.norm(dim=-1))


def nearest_neighbours(word: str, vocabulary, table: torch.Tensor, k: int = 5):
    """The k other words whose vectors point most nearly the same way: [(word, cosine), ...]."""
    vocabulary = list(vocabulary)
    check_choice("word", word, vocabulary, "pick a word of the vocabulary (it is lowercase)")
    index = vocabulary.index(word)
    with torch.no_grad():
        similarities = cosine_similarity(table[index], table)  # (vocab_size,)
        similarities[index] = -2.0  # below any cosine: never your own neighbour
        order = torch.argsort(similarities, descending=True, stable=True)[:k]
    return [(vocabulary[i], float(similarities[i])) for i in order]


def project_2d(vectors: torch.Tensor) -> torch.Tensor:
    """PCA: the 2-D view of a set of vectors that keeps as much of their spread as possible."""
    centred = vectors.detach() - vectors.detach().mean(dim=0)  # (N, width)
    _, _, directions = torch.linalg.svd(centred, full_matrices=False)  # rows: main directions
    directions = directions[:2]  # (2, width)
    flip = directions.gather(1, directions.abs().argmax(dim=1, keepdim=True)).sign()
    return centred @ (directions * flip).T  # (N, 2); signs fixed so the picture is stable


def next_word_examples(ids, context: int = 1):
    """Every (previous `context` IDs, next ID) pair in a 1-D list of token IDs."""
    ids = torch.as_tensor(ids)  # (N,)
    windows = ids.unfold(0, context + 1, 1)  # (N - context, context + 1), sliding by one
    return windows[:, :-1], windows[:, -1]  # inputs (N - context, context), targets (N - context,)


class NextWordModel(nn.Module):
    """Embedding table -> average of the context's vectors -> one score per word."""

    def __init__(self, vocab_size: int, width: int, context: int = 1):
        super().__init__()
        self.context = context
        self.embedding = nn.Embedding(vocab_size, width)  # the table we want to learn
        nn.init.normal_(self.embedding.weight, std=0.1)  # a small random start
        self.output = nn.Linear(width, vocab_size)  # scores (logits) for the next word

    def forward(self, contexts: torch.Tensor) -> torch.Tensor:
        vectors = self.embedding(contexts)  # (N, context, width)
        return self.output(vectors.mean(dim=1))  # (N, vocab_size)


def train_next_word_model(model, ids, steps=200, batch_size=512, lr=5.0, seed=0):
    """Show the model random (context, next word) examples, step each weight downhill,
    and return every step's loss (cross-entropy: low when the true next word was likely)."""
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
