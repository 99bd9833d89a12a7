# %% [markdown]
# # 02 · Embeddings: IDs are labels, meaning is learned coordinates
#
# Notebook 01 turned `led` into `[3, 1, 0]`. An ID is a *name tag*: it says which token we
# mean, and nothing about what it means. This notebook gives every token a vector of
# numbers instead, an **embedding**, and lets a small model learn those numbers from text.
#
#     raw text -> tokenizer -> token IDs -> [embeddings] -> ... -> next token
#
# **Learning goals.** By the end you will be able to
#
# 1. explain why raw IDs fed in as numbers impose a false order and scale;
# 2. build an embedding table, and show that looking up a row is multiplying a one-hot
#    vector by the table;
# 3. compare vectors with cosine similarity, and see that random vectors are all unrelated;
# 4. read a loss: the average surprise `-ln p` of the true next word, between blind
#    guessing (`ln V`) and the text's own uncertainty (its entropy);
# 5. see a gradient by nudging one weight, and how `w -= lr * grad` walks downhill;
# 6. train a tiny next-word model in seconds, watch `king`/`queen`, `apple`/`orange` and
#    `cat`/`dog` move together, and say why they do on our corpus.
#
# As in notebook 01, each claim is checked where you read it: `✓ ...` means it held.

# %%
import copy
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.checks import check_choice, check_ids
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.corpus import load_corpus, load_corpus_split
from minillm_helpers.notebook_support.exercises import nb02 as exercises
from minillm_helpers.notebook_support.plotting import word_scatter
from minillm_helpers.notebook_support.widgets.nb02 import neighbours_readout
from minillm_helpers.tokenizer import CharTokenizer, WordTokenizer

# %% [markdown]
# ## 1. An ID is a label, not a quantity
#
# Notebook 01's character tokenizer with the article's order,
# `d->0, e->1, h->2, l->3, o->4, r->5, w->6, space->7`:

# %%
chars = CharTokenizer("dehlorw ")
h, l, o, w, e = chars.encode("hlowe")
claim(f"h, l, o, w, e are {h}, {l}, {o}, {w}, {e}", (h, l, o, w, e) == (2, 3, 4, 6, 1))

# %% [markdown]
# Any other consistent order would tokenize as well. But give the IDs to a model *as
# numbers*, and arithmetic says things that are false about letters:

# %%
claim(f"as numbers, l is 'halfway between' h and o ((h + o) / 2 = {(h + o) / 2}), and w is 'six times' e", (h + o) / 2 == l and w == 6 * e)

# %% [markdown]
# The simplest thing a model can do with one number is scale and shift it,
# `f(id) = a · id + b`, and whatever `a` and `b` are, `f(l)` stays between `f(h)` and
# `f(o)`. A demonstration on a thousand random lines:

# %%
a, b = torch.randn(2, 1000, generator=torch.Generator().manual_seed(0))  # 1000 random lines
f_h, f_l, f_o = a * h + b, a * l + b, a * o + b
print("f(l) lies between f(h) and f(o) for", int(((f_h - f_l) * (f_o - f_l) <= 0).sum()), "of 1000 lines")

# %% [markdown]
# A nonlinear model could bend the line, but it would spend capacity undoing an order
# and a scale that mean nothing. Better to hand it no false order at all.
#
# ## 2. One-hot vectors: no false order, but no meaning either
#
# Turn ID `i` into `vocab_size` zeros with a single `1` at place `i`, a **one-hot** vector:
# every token gets its own direction. (The first line checks the inputs with the
# package's `checks`.)

# %%
def one_hot(ids, vocab_size: int) -> torch.Tensor:
    """Each ID becomes vocab_size numbers: all 0 except a single 1 at the ID's place.

    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    ids = check_ids(ids, vocab_size)  # integer IDs below vocab_size (checks.py), shape (...)
    return (ids[..., None] == torch.arange(vocab_size)).float()  # shape (..., vocab_size)

# %%
hello = chars.encode("hello")
vectors = one_hot(hello, chars.vocab_size)  # (5, 8)
print("IDs:", hello, " one-hot shape:", tuple(vectors.shape))
print(vectors)
claim("our one_hot equals PyTorch's F.one_hot", torch.equal(vectors, F.one_hot(torch.tensor(hello), 8).float()))

# %% [markdown]
# Now `l` is no closer to `h` than `w` is. But every pair of tokens is *equally* unrelated
# (`cat` as far from `dog` as from `castle`), and the vectors are as wide as the
# vocabulary: 50,000 numbers per token for a GPT-2-sized one, all but one zero.
#
# ## 3. An embedding is a table; looking up a row is a one-hot multiplication
#
# An **embedding table** has one row per token and a chosen *width* of columns (here 4;
# 768 in GPT-2 small). The vector of token `i` is row `i`, random for now, learned later.

# %%
def embed(ids, table: torch.Tensor) -> torch.Tensor:
    """Look up one row of the table per ID: shape (...) -> (..., width)."""
    return table[check_ids(ids, table.shape[0])]  # integer IDs with a row (checks.py)

# %%
table = torch.randn(chars.vocab_size, 4, generator=torch.Generator().manual_seed(0))  # (vocab_size, width)
looked_up = embed(hello, table)  # (5, 4): one row per ID
print(f"table {tuple(table.shape)}, looked up {tuple(looked_up.shape)}:\n{looked_up.round(decimals=2)}")
layer = nn.Embedding.from_pretrained(table)  # PyTorch's embedding layer, holding our table
claim("embed returns the rows PyTorch's nn.Embedding returns", torch.equal(looked_up, layer(torch.tensor(hello))))
claim("and PyTorch's one-hot vectors times the table give the same rows", torch.equal(F.one_hot(torch.tensor(hello), 8).float() @ table, looked_up))

# %% [markdown]
# Multiplying a one-hot vector by the table adds `1 × row i` and `0 ×` every other row: it
# *selects* row `i`. An embedding layer is a linear layer fed one-hot vectors, computed as
# a lookup, with the table as a weight the optimizer can train.
#
# ## 4. How alike are two vectors? Cosine similarity
#
# $$\cos(a, b) = \frac{a \cdot b}{\lVert a\rVert \, \lVert b\rVert}$$
#
# is 1 for the same direction, 0 at right angles (unrelated), −1 for opposite ones; length
# does not count.

# %%
def cosine_similarity(a, b) -> torch.Tensor:
    """Cosine of the angle between vectors: 1 same direction, 0 unrelated, -1 opposite.

    It works along the last dimension, so tables compare row by row (with broadcasting).
    """
    return (a * b).sum(dim=-1) / (a.norm(dim=-1) * b.norm(dim=-1))

# %%
x = torch.tensor([1.0, 2.0])
examples = {"same direction": [2.0, 4.0], "right angle": [-2.0, 1.0], "opposite": [-1.0, -2.0]}
found = {name: round(float(cosine_similarity(x, torch.tensor(y))), 6) for name, y in examples.items()}
claim("cosines 1, 0 and -1 for the same direction, a right angle and the opposite one", list(found.values()) == [1, 0, -1])
claim("one-hot vectors of different tokens are unrelated (cosine 0)", (cosine_similarity(vectors[:, None], vectors[None, :]) == (torch.tensor(hello)[:, None] == torch.tensor(hello))).all())

# %% [markdown]
# (`vectors[:, None]` against `vectors[None, :]` broadcasts to every pair; equal IDs give 1.)
#
# ## 5. Words, and a model that will learn their vectors
#
# Now the project's corpus, split into words by notebook 01's `WordTokenizer`. **A
# choice: we lowercase it first**, since a capital here only marks a sentence's start;
# otherwise `The` would get its own vector, learned from fewer examples.

# %%
text = load_corpus()
cased, tok = WordTokenizer.from_text(text), WordTokenizer.from_text(text.lower())
V, ids = tok.vocab_size, torch.tensor(tok.encode(text.lower()))  # V, the vocabulary size, is in many shapes below
print(f"vocabulary with capitals {cased.vocab_size}, lowercased {V}; {len(ids):,} tokens, e.g.", repr(tok.decode(ids[:12].tolist())))
claim("lowercasing merges 'The' into 'the'", "The" in cased.vocabulary and "The" not in tok.vocabulary)


# %% [markdown]
# The model is as small as a language model gets: it looks up the row of the word it
# reads and turns that vector into one score per vocabulary word with a linear layer, a
# guess at the **next** word. (With `context > 1` it averages the rows of a few previous
# words; exercise 2 tries it.) The table starts random and small.

# %%
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

# %%
width = 128
torch.manual_seed(0)
model = NextWordModel(V, width)
before = model.embedding.weight.detach().clone()  # the random table, kept for later
print(model, "\nscores for three one-word contexts:", tuple(model(ids[:3, None]).shape))

# %% [markdown]
# ## 6. Random vectors are all about equally unrelated
#
# In 128 dimensions random directions are nearly at right angles: before training every
# pair of our six words has a cosine near 0, related words included. For random vectors
# of width `d` the cosines spread about `1/√d` around 0 (the products' pluses and minuses
# mostly cancel); every pair of the vocabulary shows it.

# %%
words = ["king", "queen", "apple", "orange", "cat", "dog"]
rows = [tok.unit_to_id[word] for word in words]
cos_before = cosine_similarity(before[rows][:, None], before[rows][None, :])  # (6, 6)
largest = cos_before[~torch.eye(6, dtype=torch.bool)].abs().max()
spread = cosine_similarity(before[:, None], before[None, :])[torch.triu_indices(V, V, offset=1).unbind()].std()
print(f"largest |cosine| among the six: {largest:.2f}; spread of all pairs {spread:.3f}, 1/sqrt(128) = {128 ** -0.5:.3f}")
claim("every pair of the six starts with |cosine| < 0.3, and the spread is within 10% of 1/sqrt(width)", largest < 0.3 and abs(spread - 128 ** -0.5) < 0.1 * 128 ** -0.5)


# %% [markdown]
# ## 7. Training data, and how wrong a guess is
#
# The training examples are every pair of neighbouring words: the input is a word, the
# target the word that follows it.

# %%
def next_word_examples(ids, context: int = 1):
    """Every (previous `context` IDs, next ID) pair in a 1-D list of token IDs."""
    ids = torch.as_tensor(ids)  # (N,)
    windows = ids.unfold(0, context + 1, 1)  # (N - context, context + 1), sliding by one
    return windows[:, :-1], windows[:, -1]  # inputs (N - context, context), targets (N - context,)

# %%
inputs, targets = next_word_examples(ids)
print("inputs:", tuple(inputs.shape), " targets:", tuple(targets.shape), [f"{tok.vocabulary[a]} -> {tok.vocabulary[b]}" for a, b in zip(inputs[:3, 0].tolist(), targets[:3].tolist(), strict=True)])
walked_pairs = [(ids[i].item(), ids[i + 1].item()) for i in range(len(ids) - 1)]  # a plain loop along the text
claim("the examples are the text's neighbouring pairs, in order", list(zip(inputs[:, 0].tolist(), targets.tolist(), strict=True)) == walked_pairs)

# %% [markdown]
# For each input the model scores every word; *softmax* turns scores into probabilities
# that add up to 1 (notebook 06 looks closer). The **surprise** of a guess is `-ln p`,
# with `p` the probability it gave the word that really came: 0 when sure and right,
# larger the less likely it thought that word. The article's example: after `The cat sat`,
# a model gives `on` 35% and `magically` 1%.

# %%
surprise = {word: round(-math.log(p), 2) for word, p in {"on": 0.35, "magically": 0.01}.items()}  # -ln p
claim("on at 35% costs -ln 0.35 = 1.05, magically at 1% costs -ln 0.01 = 4.61", surprise == {"on": 1.05, "magically": 4.61})

# %% [markdown]
# The **loss** training lowers is the average surprise, the **cross-entropy**. A model
# that knows nothing gives each of the `V` words `1/V` and pays `ln V` every time; our
# untrained model, whose scores start nearly equal, is such a blind guesser:

# %%
untrained = F.cross_entropy(model(inputs), targets).item()  # the average surprise, every example
claim(f"untrained, the model guesses blind: its loss {untrained:.2f} is within 0.05 of ln V = ln {V} = {math.log(V):.2f}", abs(untrained - math.log(V)) < 0.05)

# %% [markdown]
# ## 8. Gradients: which way is downhill?
#
# Training moves every weight a little in the direction that lowers the loss. Take one
# weight, the output bias of `the` (added to the score of `the` after every word). Nudge
# it by 0.01 and the loss on a batch (the first 512 examples) moves by about **gradient ×
# 0.01**, the *gradient* being the loss's slope along that weight. `loss.backward()`
# computes every weight's slope at once into `.grad`. We work on a float64 copy, so the
# tiny change is measured precisely. `loss_at` sets the weight and returns loss and slope:

# %%
probe = copy.deepcopy(model).double()  # a float64 copy: the model itself stays as it is
bias, the = probe.output.bias, tok.unit_to_id["the"]  # our weight is bias[the]


def loss_at(value):
    with torch.no_grad():
        bias[the] = value
    probe.zero_grad()
    loss = F.cross_entropy(probe(inputs[:512]), targets[:512])  # the first 512 examples
    loss.backward()  # fills .grad of every weight
    return loss.item(), bias.grad[the].item()

# %%
w0, nudge = bias[the].item(), 0.01
start, gradient = loss_at(w0)
moved = loss_at(w0 + nudge)[0] - start
claim(f"gradient {gradient:.4f} × nudge {nudge} = {gradient * nudge:.6f}; the loss moved by {moved:.6f}: they agree to within 0.1%", abs(moved - gradient * nudge) < 0.001 * abs(gradient * nudge))
claim(f"'the' is the next word in {(targets[:512] == the).float().mean():.0%} of the batch, far more often than 1/V = {1 / V:.1%}", (targets[:512] == the).float().mean() > 10 / V)

# %% [markdown]
# The gradient is negative: raising the weight lowers the loss, because the untrained
# model gives `the` about `1/V` while `the` comes next far more often. The picture: the
# loss as this one weight moves, all others held still; the dashed *tangent* has the
# gradient's slope and hugs the curve only near the start. So training takes a small
# step, `w -= lr * grad`, and asks again. The red dots are five such steps with this
# notebook's `lr = 5.0`: long strides where the slope is steep, shorter as it flattens.

# %%
values = [w0 + step / 10 for step in range(-15, 51)]  # the weight from w0 - 1.5 to w0 + 5
walk = [w0]
for _ in range(5):
    walk.append(walk[-1] - 5.0 * loss_at(walk[-1])[1])  # w -= lr * grad
walked = [loss_at(value)[0] for value in walk]
plt.figure(figsize=(6.5, 3.2)).gca().set(xlabel="bias of 'the'", ylabel="loss on the batch", title="Downhill along one weight")
plt.plot(values, [loss_at(value)[0] for value in values], label="loss, as this one weight changes")
plt.plot(values, [start + gradient * (value - w0) for value in values], "--", label="tangent: slope = .grad at the start")
plt.plot(walk, walked, "o-", color="tab:red", label="5 steps of w -= 5.0 × grad")
plt.legend()
plt.show()
claim("every step went downhill", all(a > b for a, b in zip(walked[:-1], walked[1:], strict=True)))

# %% [markdown]
# **Two ways to step.** `w -= lr * grad` is **stochastic gradient descent** (SGD;
# *stochastic* because each step sees a random batch). Its step is the gradient times
# `lr`, and gradients are small, so it needs a large `lr`. Notebooks 05 to 08 use
# **AdamW**, as nearly every GPT does (notebook 07 adds **Muon** for the blocks' matrices):
# it keeps running averages of each weight's gradients and of their squares and steps by
# the first over the root of the second, so every weight moves about `lr` per step,
# whatever its gradient's size (the W, *weight decay*, also shrinks weights a little).
# Its learning rates are therefore much smaller than SGD's.
#
# ## 9. The training loop
#
# Repeat one step: take 512 random examples, score every next word, measure the
# cross-entropy, `backward()`, and move every weight against its gradient. The rows of
# the batch's words move too: that is how the table learns.

# %%
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

# %%
losses = train_next_word_model(model, ids)  # 200 steps of 512 examples, seconds on a CPU
after = model.embedding.weight.detach()
final = sum(losses[-20:]) / 20  # the last 20 steps
plt.figure(figsize=(6, 3)).gca().set(xlabel="step", ylabel="cross-entropy loss", title="Learning to guess the next word")
plt.plot(losses)
plt.show()
claim(f"training lowers the loss from {losses[0]:.1f} to {final:.1f}, by more than 3", final < losses[0] - 3)

# %% [markdown]
# Six of the surprises the loss averages, on the corpus's first six examples:

# %%
p_true = torch.softmax(model(inputs[:6]), dim=-1)[torch.arange(6), targets[:6]].detach()  # (6,)
for word, next_word, p in zip(inputs[:6, 0].tolist(), targets[:6].tolist(), p_true.tolist(), strict=True):
    print(f"{tok.vocabulary[word]:>9} -> {tok.vocabulary[next_word]:<9} p = {p:.2f}   surprise {-math.log(p):.2f}")
print(f"their average surprise {-p_true.log().mean():.2f}; F.cross_entropy on them {F.cross_entropy(model(inputs[:6]), targets[:6]):.2f}")
claim("after '.' the guess costs little (under 0.5); after 'the' it cannot (over 1.5)", -math.log(p_true[4]) < 0.5 < 1.5 < -math.log(p_true[0]))

# %% [markdown]
# After a full stop comes `the`, nearly free. After `the` come dozens of nouns: even the
# best model must spread its bets. That sets the floor. A model that sees one word can do
# no better than the text's own uncertainty about the next word, the **entropy**
# $H = -\sum P(\text{word}, \text{next}) \ln P(\text{next} \mid \text{word})$,
# which we count from the pairs:

# %%
pair_counts = torch.bincount(ids[:-1] * V + ids[1:], minlength=V * V).reshape(V, V).float()
follows = pair_counts / pair_counts.sum(dim=1, keepdim=True).clamp(min=1)  # P(next | word)
entropy = -(pair_counts * follows.clamp(min=1e-12).log()).sum() / pair_counts.sum()  # the floor
full_loss = F.cross_entropy(model(inputs), targets).item()  # on every example
print(f"blind guessing ln V = {math.log(V):.2f}, our model {full_loss:.2f}, the entropy of the next word {entropy:.2f}")
claim("our model is within 0.15 of the floor", entropy <= full_loss < entropy + 0.15)

# %% [markdown]
# A loss is easier to feel as a **perplexity**, `e^loss`: the number of equally likely
# words a model that unsure would be choosing among.

# %%
ours, floor = math.exp(full_loss), math.exp(float(entropy))  # perplexities e^loss
claim(f"perplexity: blind guessing {V} words, our model {ours:.1f}, the floor {floor:.1f}; ours is under 4", ours < 4)

# %% [markdown]
# ## 10. After training: partners sit together
#
# To explore the trained space, rank every word by its cosine with a chosen word.

# %%
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

# %%
partners = {"king": "queen", "queen": "king", "apple": "orange", "orange": "apple", "cat": "dog", "dog": "cat"}
neighbours = {word: nearest_neighbours(word, tok.vocabulary, after, k=4) for word in words}
for word, found in neighbours.items():
    print(f"{word:>6}: " + ", ".join(f"{other} {cosine:.2f}" for other, cosine in found))
claim("every word's nearest neighbour is its partner, by more than 0.3 in cosine", all(found[0][0] == partners[word] and found[0][1] > found[1][1] + 0.3 for word, found in neighbours.items()))

# %% [markdown]
# Nobody told the model that kings and queens are related. It learned it because the
# model must make the same guesses after `king` as after `queen` when the words that
# follow them are alike, and the cheapest way is to give them the same vector. How alike
# are their followers? The *total variation distance* between two words' next-word
# distributions is the share of next words that differ (0: identical, 1: nothing shared):

# %%
def next_word_difference(first, second):
    # Half the summed differences of P(next | word): the share of next words that differ.
    p, q = follows[tok.unit_to_id[first]], follows[tok.unit_to_id[second]]
    return float((p - q).abs().sum() / 2)


compared = [("king", "queen"), ("apple", "orange"), ("cat", "dog"), ("king", "apple"), ("queen", "cat"), ("orange", "dog")]
difference = {f"{a}/{b}": round(next_word_difference(a, b), 2) for a, b in compared}
print(difference)
claim("partners' next words differ by less than 0.1, other words' by more than 0.5", max(list(difference.values())[:3]) < 0.1 < 0.5 < min(list(difference.values())[3:]))

# %% [markdown]
# That is the secret, and our corpus planted it: its generator writes `king` and `queen`
# into the very same sentence patterns (`the {} wore a golden crown`, for both; likewise
# the fruits and the pets), so their next words differ by only 0.04, against 0.91 for
# `king` and `apple`. The model found a pattern we put there, in seconds. Real text is
# far less tidy, and embeddings that capture real likeness are learned from billions of
# words (the word2vec vectors of 2013 from about 100 billion words of news). The method
# is the same; the data is what makes the meaning.
#
# ## 11. A picture of the space
#
# 128 dimensions do not fit on a page. **PCA** (principal component analysis) draws a
# set of vectors along the two directions in which they spread the most; we compute it
# with an SVD.

# %%
def project_2d(vectors: torch.Tensor) -> torch.Tensor:
    """PCA: the 2-D view of a set of vectors that keeps as much of their spread as possible."""
    centred = vectors.detach() - vectors.detach().mean(dim=0)  # (N, width)
    _, _, directions = torch.linalg.svd(centred, full_matrices=False)  # rows: main directions
    directions = directions[:2]  # (2, width)
    flip = directions.gather(1, directions.abs().argmax(dim=1, keepdim=True)).sign()
    return centred @ (directions * flip).T  # (N, 2); signs fixed so the picture is stable

# %%
shown = words + ["he", "she", "boy", "girl", "wizard", "mouse", "river", "money"]
shown_rows = [tok.unit_to_id[word] for word in shown]
dots = ["tab:red"] * 2 + ["tab:orange"] * 2 + ["tab:blue"] * 2 + ["gray"] * (len(shown) - 6)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
word_scatter(project_2d(before[shown_rows]), shown, dots, axes[0], "random start (PCA to 2-D)")
word_scatter(project_2d(after[shown_rows]), shown, dots, axes[1], "after training (PCA to 2-D)")
plt.show()

# %% [markdown]
# Before training the words are scattered; after, the partners sit on top of each other,
# and other words followed by the same things gather too. (A flat picture can put dots
# together that are apart in 128 dimensions: the cosines above are the check.)
#
# ## 12. Try it: nearest neighbours of any word
#
# Pick a word: the widget lists the five whose trained vectors point most nearly the
# same way (its code is `neighbours_readout` in `notebook_support/widgets/nb02.py`; the
# search is your `nearest_neighbours`).

# %% tags=["nbval-ignore-output"]
def show_neighbours(word):
    print(neighbours_readout(word, lambda w, k: nearest_neighbours(w, tok.vocabulary, after, k), k=5, draw=True))


widgets.interact(show_neighbours, word=widgets.Dropdown(options=[w for w in tok.vocabulary if w.isalpha()], value="king", description="Word", style={"description_width": "initial"}));
# %% [markdown]
# ## Summary
#
# * A token ID is a **label**; used as a number it imposes an order (`h < l < o`) and a
#   scale (`w = 6 × e`) that mean nothing.
# * **One-hot** vectors remove the false order, but make all tokens equally unrelated
#   and are as wide as the vocabulary.
# * An **embedding** is a table with one row per token; looking up row `i` is
#   multiplying the one-hot vector of `i` by the table, as `nn.Embedding` does.
# * **Cosine similarity** compares directions; random vectors of width `d` have cosines
#   near 0, spread about `1/√d`.
# * The **loss** is the average surprise `-ln p`, between `ln V` (blind) and the text's
#   entropy (the floor); `e^loss` is a perplexity. A gradient is the slope a nudge
#   measures, and `w -= lr * grad` walks downhill.
# * A tiny **next-word model** moves words with the same followers together:
#   `king`/`queen`, `apple`/`orange`, `cat`/`dog`, whose followers our corpus makes
#   nearly identical. Real embeddings need billions of words of real text.
#
# Next, notebook 03: an embedding says *what* a token is, not *where* it stands.
#
# ## Exercises
#
# Each exercise has a blank for you and a checker that answers at once. Worked solutions
# are at the end; try first.
#
# **Exercise 1.** Work out by hand the cosine similarity of `a = (1, 2, 2)` and
# `b = (2, 1, 2)`.

# %%
answer = ...  # a number
exercises.check_cosine_by_hand(answer)

# %% [markdown]
# **Exercise 2. A wider context: change the model and retrain.** Our model reads one
# word. `NextWordModel(V, width, context=2)` averages the vectors of the two previous
# words. Train one as in section 9 (first `torch.manual_seed(0)`, then
# `train_next_word_model(wider, ids)`: seconds) and measure its loss on the **validation
# text**, sentences the training text never contains, with `validation_loss` below. Does
# a second word help? Try `context=3` too, and predict first.

# %%
val_ids = torch.tensor(tok.encode(load_corpus_split()[1].lower()))  # the held-out sentences


def validation_loss(model):  # the average surprise on sentences the model never trained on
    val_inputs, val_targets = next_word_examples(val_ids, model.context)
    return F.cross_entropy(model(val_inputs), val_targets).item()


print(f"one word of context: validation loss {validation_loss(model):.2f}")
my_context, my_loss = 2, ...  # the context you chose, and your model's validation_loss(...)
exercises.check_wider_context(my_context, my_loss)

# %% [markdown]
# ## Solutions
#
# **Exercise 1.** The dot product is 2 + 2 + 4 = 8; both lengths are √(1 + 4 + 4) = 3.

# %%
exercises.check_cosine_by_hand(8 / (3 * 3))
claim("cosine_similarity gives the same 8 / 9", math.isclose(cosine_similarity(torch.tensor([1.0, 2, 2]), torch.tensor([2.0, 1, 2])).item(), 8 / 9, rel_tol=1e-6))

# %% [markdown]
# **Exercise 2.** Two words of context, the same start and training:

# %%
torch.manual_seed(0)  # the same start as section 5
wider = NextWordModel(V, width, context=2)
_ = train_next_word_model(wider, ids)  # 200 steps, seconds
exercises.check_wider_context(2, validation_loss(wider))
