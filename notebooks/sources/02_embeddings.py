# %% [markdown]
# # 02 · Embeddings: IDs are labels, meaning is learned coordinates
#
# Notebook 01 turned text into a list of integers: `led` became `[3, 1, 0]`. A model
# needs more than that. An ID is a *name tag*: it says which token we mean, and
# nothing about what the token means. This notebook gives every token a vector of
# numbers instead, an **embedding**, and lets a small model learn those numbers
# from text, until words used in the same ways end up pointing in the same direction.
#
#     raw text -> tokenizer -> token IDs -> [embeddings] -> ... -> next token
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. explain why feeding raw IDs to a model as numbers invents an order and a scale
#    that are not there;
# 2. build an embedding table and show that looking up a row is the same as multiplying
#    a one-hot vector by the table (and the same as PyTorch's `nn.Embedding`);
# 3. measure how alike two vectors are with cosine similarity, and see why random
#    vectors are all about equally unrelated;
# 4. train a tiny next-word model on the project's corpus in about a second, and watch
#    `king`/`queen`, `apple`/`orange` and `cat`/`dog` move together;
# 5. look at the learned space in 2-D and query it for nearest neighbours.

# %%
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.notebook_support.corpus import load_corpus
from minillm_helpers.notebook_support.exercises.nb02 import (
    check_cosine_by_hand,
    check_one_hot_lookup,
    check_table_size,
)
from minillm_helpers.notebook_support.plotting import heatmap
from minillm_helpers.notebook_support.widgets.nb02 import neighbours_readout
from minillm_helpers.tokenizer import CharTokenizer, WordTokenizer

_ = torch.manual_seed(0)  # fixed seed: the same "random" numbers every run

# %% [markdown]
# ## 1. An ID is a label, not a quantity
#
# Take the character tokenizer from notebook 01 with the article's vocabulary order:
# `d->0, e->1, h->2, l->3, o->4, r->5, w->6, space->7`.

# %%
chars = CharTokenizer(list("dehlorw "))
print({unit: i for unit, i in chars.unit_to_id.items()})
h, l, o = chars.encode("hlo")
print("h =", h, " l =", l, " o =", o)
assert (h, l, o) == (2, 3, 4)

# %% [markdown]
# These numbers were handed out in alphabetical order; any other consistent order
# would tokenize just as well. But if we give the IDs to a model *as numbers*, the
# model will treat them as quantities, and arithmetic on them says things that are
# plainly false about letters:
#
# * `l` is "greater than" `h`, and "halfway between" `h` and `o`;
# * `w` (6) is "six times" `e` (1).

# %%
w, e = chars.encode("we")
print("average of h and o:", (h + o) / 2, "-> decodes to", repr(chars.decode([(h + o) // 2])))
print("w / e =", w / e)
assert (h + o) / 2 == l and chars.decode([(h + o) // 2]) == "l"
assert w == 6 * e

# %% [markdown]
# Why does that matter? The simplest thing a model can do with one input number is
# to scale it and shift it: `f(id) = a · id + b`. Whatever `a` and `b` it learns, the
# outputs keep the order of the IDs, so `f(l)` is always stuck between `f(h)` and
# `f(o)`. A model reading raw IDs could never learn, say, that `h` and `o` behave alike
# while `l` behaves differently. Let's check that for a thousand random choices of
# `a` and `b`, and draw a few of them.

# %%
generator = torch.Generator().manual_seed(0)
a, b = torch.randn(1000, generator=generator), torch.randn(1000, generator=generator)
f_h, f_l, f_o = a * h + b, a * l + b, a * o + b
l_in_between = ((f_h <= f_l) & (f_l <= f_o)) | ((f_o <= f_l) & (f_l <= f_h))
print("f(l) lies between f(h) and f(o) in", int(l_in_between.sum()), "of 1000 random lines")
assert l_in_between.all()

ids = torch.arange(chars.vocab_size)
fig, ax = plt.subplots(figsize=(6, 3))
for i in range(5):
    ax.plot(ids, a[i] * ids + b[i], "o-", alpha=0.7)
ax.axvspan(h - 0.15, o + 0.15, color="gold", alpha=0.25)
ax.set_xticks(ids.tolist(), labels=[repr(u) for u in chars.vocabulary])
ax.set_xlabel("token (placed at its ID)")
ax.set_ylabel("f(id) = a·id + b")
ax.set_title("Any line through the IDs keeps l between h and o")
plt.show()


# %% [markdown]
# The scale is just as arbitrary: in a real vocabulary of 50,000 tokens, the last
# token would feed the model a number 50,000 times larger than token 1, for no reason
# except where it happened to land in the list.
#
# ## 2. One-hot vectors: no false order, but no meaning either
#
# The standard way out: turn ID `i` into a vector of `vocab_size` zeros with a single
# `1` at place `i`, a **one-hot** vector. Every token gets its own direction, and no
# token is "bigger" than another.
#
# The functions of this notebook check their inputs first, so that a mistake gives a
# clear message instead of a puzzling one later. Here are those small checks; skim
# them and move on.

# %%
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


# %%
def one_hot(ids, vocab_size: int) -> torch.Tensor:
    """Each ID becomes vocab_size numbers: all 0 except a single 1 at the ID's place.

    >>> one_hot([2, 0], 3)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    check_size("vocab_size", vocab_size)
    ids = check_ids(ids, vocab_size)  # shape (...)
    return (ids[..., None] == torch.arange(vocab_size)).float()  # shape (..., vocab_size)


# %%
hello = chars.encode("hello")
vectors = one_hot(hello, chars.vocab_size)
print("IDs:", hello)
print("one-hot shape:", tuple(vectors.shape))
print(vectors)
assert vectors.shape == (5, 8) and (vectors.sum(dim=1) == 1).all()
assert (vectors.argmax(dim=1) == torch.tensor(hello)).all()

# %% [markdown]
# Now every pair of different tokens is exactly the same distance apart, √2: `l` is
# no longer closer to `h` than `w` is. The false order is gone.

# %%
every = one_hot(range(chars.vocab_size), chars.vocab_size)  # (8, 8): one row per token
distances = torch.cdist(every, every)
different = ~torch.eye(chars.vocab_size, dtype=torch.bool)
found = sorted({round(d, 4) for d in distances[different].tolist()})
print("distances between different tokens:", found)
print("sqrt(2) =", round(2 ** 0.5, 4))
assert torch.allclose(distances[different], torch.tensor(2.0).sqrt())


# %% [markdown]
# But that is also the problem. One-hot vectors say that *every* pair of tokens is
# equally unrelated: `cat` is as far from `dog` as from `castle`. And they are as wide
# as the vocabulary: 50,000 numbers per token for a GPT-2-sized vocabulary, all but one
# of them zero.
#
# ## 3. An embedding is a table; looking up a row is a one-hot multiplication
#
# An **embedding table** has one row per token and a chosen number of columns, the
# *width* (here 4; 768 in GPT-2 small). The vector of token `i` is row `i`. These
# numbers will be *learned*; for now they are random.

# %%
def embed(ids, table: torch.Tensor) -> torch.Tensor:
    """Look up one row of the table per ID: shape (...) -> (..., width)."""
    check_table(table)
    return table[check_ids(ids, table.shape[0])]


# %%
table = torch.randn(chars.vocab_size, 4)  # (vocab_size, width)
looked_up = embed(hello, table)  # (5, 4): one row per ID
through_one_hot = one_hot(hello, chars.vocab_size) @ table  # (5, 8) @ (8, 4) -> (5, 4)
print("table:", tuple(table.shape), " looked up:", tuple(looked_up.shape))
print(looked_up.round(decimals=2))
assert torch.equal(looked_up, through_one_hot)

# %% [markdown]
# Multiplying a one-hot vector by the table adds up `0 × row` for every row except one
# and `1 × row` for the row of the ID: it *selects* that row. So an embedding layer is a
# linear layer whose input is one-hot. Nobody actually builds the one-hot vectors:
# looking up the row gives the same answer without `vocab_size × width` multiplications.
#
# PyTorch's `nn.Embedding` is exactly this table, stored as a weight the optimizer can
# train. Give it our table and it returns the same rows:

# %%
layer = nn.Embedding.from_pretrained(table)  # an nn.Embedding holding our table
print(layer)
assert torch.equal(layer(torch.tensor(hello)), looked_up)
assert torch.equal(layer.weight, table)


# %% [markdown]
# ## 4. How alike are two vectors? Cosine similarity
#
# Two vectors point the same way if their *angle* is small. The cosine of that angle is
#
# $$\cos(a, b) = \frac{a \cdot b}{\lVert a\rVert \, \lVert b\rVert},$$
#
# which is 1 for the same direction, 0 for vectors at right angles (unrelated), and −1
# for opposite ones. It ignores length, so only the direction counts.

# %%
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


# %%
x = torch.tensor([1.0, 2.0])
examples = {
    "same direction": torch.tensor([2.0, 4.0]),
    "right angle": torch.tensor([-2.0, 1.0]),
    "opposite": torch.tensor([-1.0, -2.0]),
}
for name, y in examples.items():
    print(f"{name:>15}: {float(cosine_similarity(x, y)):+.2f}")
assert torch.isclose(cosine_similarity(x, examples["same direction"]), torch.tensor(1.0))
assert torch.isclose(cosine_similarity(x, examples["right angle"]), torch.tensor(0.0))
assert torch.isclose(cosine_similarity(x, examples["opposite"]), torch.tensor(-1.0))
assert (cosine_similarity(every[:, None], every[None, :]) == torch.eye(8)).all()  # one-hot: all 0

# %% [markdown]
# The last line compares all eight one-hot vectors with each other at once
# (`every[:, None]` against `every[None, :]` broadcasts to every pair): cosine 0 for
# every different pair, just as the equal distances said.
#
# ## 5. Words, and a model that will learn their vectors
#
# Now the real thing: the project's corpus (`data/corpus.txt`, written by
# `minillm_helpers.notebook_support.corpus`), split into words with notebook 01's `WordTokenizer`.
#
# **A choice: we lowercase the text first.** A capital letter here only marks the start
# of a sentence, so `The` and `the` are the same word. Without lowercasing, `The` would get
# its own vector, learned from fewer examples, and `she`/`She`, `he`/`He` would be split
# the same way.

# %%
text = load_corpus()
cased = WordTokenizer.from_text(text)
text = text.lower()
tok = WordTokenizer.from_text(text)
ids = torch.tensor(tok.encode(text))
print("words in the vocabulary, with capitals:", cased.vocab_size, " lowercased:", tok.vocab_size)
print("only-capitalised words:", sorted(set(cased.vocabulary) - set(tok.vocabulary)))
print("tokens in the corpus:", len(ids))
print(tok.decode(ids[:18].tolist()))
assert tok.vocab_size < cased.vocab_size and "The" in cased.vocabulary
assert "the" in tok.vocabulary and "The" not in tok.vocabulary


# %% [markdown]
# The model is about as small as a language model can be. It reads one word, looks up
# that word's row of an embedding table, and turns the vector into one score per
# vocabulary word with a linear layer: a guess at the **next** word. (It can also average
# the vectors of a few previous words, `context > 1`; we keep `context = 1`.)
#
# The table starts random, with small numbers (standard deviation 0.1), so that what
# training writes into it soon outweighs where it started.

# %%
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


# %%
width = 128
torch.manual_seed(0)
model = NextWordModel(tok.vocab_size, width)
before = model.embedding.weight.detach().clone()  # the random table, kept for later
print(model)
print("embedding table:", tuple(before.shape))
scores = model(ids[:3, None])  # three one-word contexts -> (3, vocab_size) scores
print("scores for the next word:", tuple(scores.shape))
assert scores.shape == (3, tok.vocab_size)

# %% [markdown]
# ## 6. Random vectors are all about equally unrelated
#
# Before training, how alike are our six words? In a space of 128 dimensions, random
# directions are almost at right angles to each other: every pair has a cosine close to 0,
# related words included.

# %%
words = ["king", "queen", "apple", "orange", "cat", "dog"]
rows = [tok.unit_to_id[word] for word in words]
cos_before = cosine_similarity(before[rows][:, None], before[rows][None, :])  # (6, 6)
similarity_colours = {"vmin": -1, "vmax": 1, "cmap": "coolwarm"}
heatmap(cos_before, words, words, title="Cosine similarity, random start", **similarity_colours)
plt.show()
off_diagonal = ~torch.eye(len(words), dtype=torch.bool)
largest = cos_before[off_diagonal].abs().max()
print(f"largest |cosine| between two different words: {largest:.2f}")
assert (cos_before[off_diagonal].abs() < 0.3).all()


# %% [markdown]
# How close to 0? For random vectors of width `d`, the cosine of a pair spreads around 0
# with a standard deviation of about `1/√d`: each coordinate adds a small random
# amount to the dot product, and the pluses and minuses mostly cancel. The wider the
# vectors, the tighter the spread. Here is every pair of the 116 words, at our width and
# at two others:

# %%
def pair_cosines(vectors):
    # Every different pair's cosine: the upper triangle of the similarity matrix.
    upper = torch.triu_indices(len(vectors), len(vectors), offset=1)
    similarity = cosine_similarity(vectors[:, None], vectors[None, :])
    return similarity[upper[0], upper[1]]


generator = torch.Generator().manual_seed(1)
fig, ax = plt.subplots(figsize=(6, 3))
for d in (8, 32, width):
    vectors = before if d == width else torch.randn(tok.vocab_size, d, generator=generator)
    spread = pair_cosines(vectors).std()
    ax.hist(pair_cosines(vectors), bins=60, range=(-1, 1), alpha=0.5, label=f"width {d}")
    print(f"width {d:>3}: spread {spread:.3f}   1/sqrt(width) = {d ** -0.5:.3f}")
    assert abs(spread - d ** -0.5) < 0.2 * d ** -0.5
ax.set_xlabel("cosine similarity of a random pair")
ax.set_ylabel("pairs")
ax.legend()
plt.show()


# %% [markdown]
# ## 7. Training: guess the next word, a few hundred times
#
# The training data is every pair of neighbouring words in the corpus: the input is a
# word, the target is the word that follows it.

# %%
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


# %%
inputs, targets = next_word_examples(ids)
print("examples:", len(targets), " inputs:", tuple(inputs.shape), " targets:", tuple(targets.shape))
for (word,), following in zip(inputs[:5].tolist(), targets[:5].tolist(), strict=True):
    print(f"  {tok.vocabulary[word]!r:>10} -> {tok.vocabulary[following]!r}")
assert len(targets) == len(ids) - 1 and (inputs[1:, 0] == targets[:-1]).all()


# %% [markdown]
# Training repeats one small step. Take 512 random examples; let the model score every
# possible next word; measure how wrong it was with the **cross-entropy** loss (low
# when the true next word got a high probability); ask PyTorch for the gradient, which
# says how the loss changes as each weight changes; and move every weight a little
# against its gradient. The embedding rows of the words in the batch move too: that is
# how the table learns. (Notebook 05 looks closer at training loops.)

# %%
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


# %%
losses = train_next_word_model(model, ids)  # 200 steps of 512 examples, about a second
after = model.embedding.weight.detach()
print(f"loss at the start: {losses[0]:.1f}   (guessing uniformly: log({tok.vocab_size}) = "
      f"{math.log(tok.vocab_size):.1f})")
print(f"loss at the end (last 20 steps): {sum(losses[-20:]) / 20:.1f}")
assert sum(losses[-20:]) / 20 < losses[0] - 3

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(losses)
ax.set_xlabel("step")
ax.set_ylabel("cross-entropy loss")
ax.set_title("Learning to guess the next word")
plt.show()

# %% [markdown]
# How good is a loss of about 1.3? A model that sees one word can do no better than the
# corpus's own statistics: for each word, how often each other word follows it. We can
# count those and compute the best possible loss directly. Our model gets close to it.

# %%
pair_counts = torch.bincount(ids[:-1] * tok.vocab_size + ids[1:], minlength=tok.vocab_size**2)
pair_counts = pair_counts.reshape(tok.vocab_size, tok.vocab_size).float()  # [word, next word]
follows = pair_counts / pair_counts.sum(dim=1, keepdim=True).clamp(min=1)  # P(next | word)
best_possible = -(pair_counts * follows.clamp(min=1e-12).log()).sum() / pair_counts.sum()
with torch.no_grad():
    full_loss = F.cross_entropy(model(inputs), targets)
print(f"best possible loss with one word of context: {best_possible:.2f}")
print(f"our model on every example:                  {full_loss:.2f}")
assert best_possible <= full_loss < best_possible + 0.15

# %% [markdown]
# ## 8. After training: partners sit together
#
# Same six words, same cosine, the trained table:

# %%
cos_after = cosine_similarity(after[rows][:, None], after[rows][None, :])
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
fig.subplots_adjust(wspace=0.45)
heatmap(cos_before, words, words, title="random start", ax=axes[0], **similarity_colours)
heatmap(cos_after, words, words, title="after training", ax=axes[1], **similarity_colours)
plt.show()

# %% [markdown]
# Each word is now far more similar to its partner than to any word of the other two
# pairs. Let's assert exactly that, for every word, with a margin:

# %%
partners = {"king": "queen", "queen": "king", "apple": "orange", "orange": "apple",
            "cat": "dog", "dog": "cat"}
for word, partner in partners.items():
    i, j = words.index(word), words.index(partner)
    others = [k for k, other in enumerate(words) if other not in (word, partner)]
    closest_other = max(others, key=lambda k: float(cos_after[i, k]))
    print(f"{word:>6}: {partner} {cos_after[i, j]:.2f}   best of the rest: "
          f"{words[closest_other]} {cos_after[i, closest_other]:.2f}")
    assert cos_after[i, j] > cos_after[i, others].max() + 0.3


# %% [markdown]
# Nobody told the model that kings and queens are related. It learned it because of how
# the corpus *uses* them. The model must give `king` and `queen` the same guesses for the
# next word whenever the text after them is alike, and the easiest way to make the same
# guesses is to have the same vector. The counts show the texts after them are indeed
# alike: the share of next words that differ (the *total variation distance*, 0 for
# identical distributions, 1 for completely different ones) is tiny for partners and large
# across pairs.

# %%
def next_word_difference(first, second):
    # Half the summed differences of P(next | word): the share of next words that differ.
    p, q = follows[tok.unit_to_id[first]], follows[tok.unit_to_id[second]]
    return float((p - q).abs().sum() / 2)


for first, second in [("king", "queen"), ("apple", "orange"), ("cat", "dog"),
                      ("king", "apple"), ("king", "cat"), ("apple", "cat")]:
    print(f"{first:>6} vs {second:<7} {next_word_difference(first, second):.2f}")
for word, partner in partners.items():
    for other in words:
        if other not in (word, partner):
            assert next_word_difference(word, partner) < 0.1
            assert next_word_difference(word, other) > 0.5


# %% [markdown]
# ## 9. Nearest neighbours
#
# To explore the space, rank every word by its cosine with a chosen word.

# %%
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


# %%
for word in words:
    found = nearest_neighbours(word, tok.vocabulary, after, k=4)
    print(f"{word:>6}: " + ", ".join(f"{other} {cosine:.2f}" for other, cosine in found))
    assert found[0][0] == partners[word]

# %% [markdown]
# Beyond the partners, the neighbours are words that are *followed* by similar things:
# `apple` and `money`, for instance, are both often followed by `.` and by `at`. A
# one-word context only sees what comes next; bigger models see much more and learn
# richer neighbourhoods.

# %%
for word in ["apple", "money"]:
    row = follows[tok.unit_to_id[word]]
    full_stop, at = row[tok.unit_to_id["."]], row[tok.unit_to_id["at"]]
    print(f"after {word!r}: share of '.' {full_stop:.2f}, share of 'at' {at:.2f}")
    assert full_stop > 0.2 and at > 0.15


# %% [markdown]
# ## 10. A picture of the space
#
# 128 dimensions do not fit on a page. **PCA** (principal component analysis) finds the
# two directions along which a set of vectors spreads the most and draws them in those
# two directions, losing as little of the spread as possible. We compute it with an SVD.

# %%
def project_2d(vectors: torch.Tensor) -> torch.Tensor:
    """PCA: the 2-D view of a set of vectors that keeps as much of their spread as possible."""
    check_table(vectors)
    centred = vectors.detach() - vectors.detach().mean(dim=0)  # (N, width)
    _, _, directions = torch.linalg.svd(centred, full_matrices=False)  # rows: main directions
    directions = directions[:2]  # (2, width)
    flip = directions.gather(1, directions.abs().argmax(dim=1, keepdim=True)).sign()
    return centred @ (directions * flip).T  # (N, 2); signs fixed so the picture is stable


# %%
shown = words + ["he", "she", "boy", "girl", "wizard", "mouse", "river", "money"]
shown_rows = [tok.unit_to_id[word] for word in shown]
colours = ["tab:red"] * 2 + ["tab:orange"] * 2 + ["tab:blue"] * 2 + ["gray"] * (len(shown) - 6)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
tables = {"random start": before, "after training": after}
for ax, (title, table_now) in zip(axes, tables.items(), strict=True):
    points = project_2d(table_now[shown_rows])  # (14, 2)
    ax.scatter(points[:, 0], points[:, 1], c=colours)
    for n, ((x, y), word) in enumerate(zip(points.tolist(), shown, strict=True)):
        ax.annotate(word, (x, y), textcoords="offset points", xytext=(5, 5 if n % 2 else -12))
    ax.set_title(f"{title} (PCA to 2-D)")
plt.show()
assert project_2d(after[shown_rows]).shape == (len(shown), 2)


# %% [markdown]
# Before training the words are scattered at random. After, the partners sit on top of
# each other, and other groups appear too: `he` with `she`, and `boy`, `girl` and `wizard`,
# which are mostly followed by `waved`. A flat picture of 128 dimensions can also put dots
# close together that are not close in the full space, so we check the groups with cosines:

# %%
def share_followed_by(word, following):
    return float(follows[tok.unit_to_id[word], tok.unit_to_id[following]])


for word in ["he", "boy", "girl", "wizard"]:
    found = nearest_neighbours(word, tok.vocabulary, after, k=2)
    waved = share_followed_by(word, "waved")
    waved = "" if word == "he" else f"   (followed by 'waved': {waved:.2f})"
    print(f"{word:>6}: " + ", ".join(f"{other} {cosine:.2f}" for other, cosine in found) + waved)
assert nearest_neighbours("he", tok.vocabulary, after, k=1)[0][0] == "she"
groups = {"boy": {"girl", "wizard"}, "girl": {"boy", "wizard"}, "wizard": {"boy", "girl"}}
for word, group in groups.items():
    assert {other for other, _ in nearest_neighbours(word, tok.vocabulary, after, k=2)} == group
    assert share_followed_by(word, "waved") > 0.5

# %% [markdown]
# ## 11. Try it: nearest neighbours of any word
#
# Pick a word; the widget lists the five words whose trained vectors point most nearly
# the same way, with their cosines. (Its code is `neighbours_readout` in
# `minillm_helpers/widgets/nb02.py`; the search is the `nearest_neighbours` you wrote
# above.)

# %%
# NBVAL_IGNORE_OUTPUT
choices = [word for word in tok.vocabulary if word.isalpha()]


def show_neighbours(word):
    print(neighbours_readout(word, lambda w, k: nearest_neighbours(w, tok.vocabulary, after, k),
                             k=5, draw=True))


word_menu = widgets.Dropdown(options=choices, value="king", description="Word")
widgets.interact(show_neighbours, word=word_menu);

# %%
line = neighbours_readout("king", lambda w, k: nearest_neighbours(w, tok.vocabulary, after, k))
print(line)
assert line.startswith("Nearest to king: queen ")

# %% [markdown]
# ## Summary
#
# * A token ID is a **label**. Used as a number, it invents an order (`h < l < o`) and a
#   scale (`w = 6 × e`) that a model would have to fight against.
# * **One-hot** vectors remove the false order, but make every pair of tokens equally
#   unrelated and are as wide as the vocabulary.
# * An **embedding** is a table with one row of `width` numbers per token. Looking up row
#   `i` equals multiplying the one-hot vector of `i` by the table, and equals PyTorch's
#   `nn.Embedding`.
# * **Cosine similarity** compares directions: 1 alike, 0 unrelated, −1 opposite. Random
#   vectors of width `d` have cosines near 0, spread about `1/√d`.
# * A tiny **next-word model** trained for about a second moves words that are followed
#   by the same words together: `king`/`queen`, `apple`/`orange`, `cat`/`dog`. Meaning, here,
#   is learned coordinates.
#
# Next, notebook 03: an embedding says *what* a token is, but not *where* it stands in the
# sentence. Positions come next.
#
# ## Exercises
#
# Each exercise has a blank for you and a checker that gives instant feedback. A worked
# solution follows each one; try it yourself before reading it.
#
# **Exercise 1.** Work out by hand the cosine similarity of `a = (1, 2, 2)` and
# `b = (2, 1, 2)`. (Then check it with `cosine_similarity`.)

# %%
# Your answer: a number
answer = ...
# check_cosine_by_hand(answer)

# %%
# One solution: dot product 2 + 2 + 4 = 8; both lengths are sqrt(1 + 4 + 4) = 3
answer = 8 / (3 * 3)
assert check_cosine_by_hand(answer)
assert torch.isclose(cosine_similarity(torch.tensor([1.0, 2, 2]), torch.tensor([2.0, 1, 2])),
                     torch.tensor(answer))


# %% [markdown]
# **Exercise 2.** Write `lookup(ids, table)` that returns the rows of `table` for the
# given IDs *without indexing the table*: build one-hot vectors and multiply.

# %%
# Your turn: uncomment, fill in the body, and run the checker
# def lookup(ids, table):
#     ...
# check_one_hot_lookup(lookup)

# %%
# One solution
def lookup(ids, table):
    return one_hot(ids, table.shape[0]) @ table


assert check_one_hot_lookup(lookup)

# %% [markdown]
# **Exercise 3.** A model has a vocabulary of 50,000 tokens and an embedding width of
# 768. How many learned numbers does its embedding table hold?

# %%
# Your answer: a whole number
table_size = ...
# check_table_size(table_size)

# %%
# One solution: one row per token, `width` numbers in each row
table_size = 50_000 * 768
assert check_table_size(table_size)

# %% [markdown]
# **Going further.** Train `NextWordModel(tok.vocab_size, width, context=2)` (it averages
# the vectors of the two previous words) and compare the nearest neighbours. Or give the
# table a large random start (`nn.init.normal_(model.embedding.weight, std=1.0)`) and see
# how much less the same training moves the cosines.
