# %% [markdown]
# # 02 · Embeddings: IDs are labels, meaning is learned coordinates
#
# Notebook 01 turned text into a list of integers: `led` became `[3, 1, 0]`. A model
# needs more than that. An ID is a *name tag*: it says which token we mean, and nothing
# about what the token means. This notebook gives every token a vector of numbers instead,
# an **embedding**, and lets a small model learn those numbers from text, until words used
# in the same ways end up pointing in the same direction.
#
#     raw text -> tokenizer -> token IDs -> [embeddings] -> ... -> next token
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. explain why feeding raw IDs to a model as numbers imposes an order and a scale that
#    are not there;
# 2. build an embedding table and show that looking up a row is the same as multiplying
#    a one-hot vector by the table (and the same as PyTorch's `nn.Embedding`);
# 3. measure how alike two vectors are with cosine similarity, and see why random
#    vectors are all about equally unrelated;
# 4. read a loss: the surprise `-ln p` of the true next word, averaged, between the
#    landmarks of blind guessing (`ln V`) and the text's own uncertainty (its entropy);
# 5. see what a gradient is, by nudging one weight, and how `w -= lr * grad` walks downhill;
# 6. train a tiny next-word model on the project's corpus in about a second, and watch
#    `king`/`queen`, `apple`/`orange` and `cat`/`dog` move together;
# 7. look at the learned space in 2-D and query it for nearest neighbours.
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
from minillm_helpers.notebook_support.corpus import load_corpus
from minillm_helpers.notebook_support.exercises import nb02 as exercises
from minillm_helpers.notebook_support.plotting import heatmap, word_scatter
from minillm_helpers.notebook_support.widgets.nb02 import neighbours_readout
from minillm_helpers.tokenizer import CharTokenizer, WordTokenizer

# %% [markdown]
# ## 1. An ID is a label, not a quantity
#
# Take the character tokenizer from notebook 01 with the article's vocabulary order:
# `d->0, e->1, h->2, l->3, o->4, r->5, w->6, space->7`.

# %%
chars = CharTokenizer("dehlorw ")
h, l, o, w, e = chars.encode("hlowe")
print("h =", h, " l =", l, " o =", o, " w =", w, " e =", e)
claim("h, l, o are 2, 3, 4", (h, l, o) == (2, 3, 4))

# %% [markdown]
# These numbers were handed out in alphabetical order; any other consistent order would
# tokenize just as well. But give the IDs to a model *as numbers* and arithmetic on them
# says things that are plainly false about letters:

# %%
print("average of h and o:", (h + o) / 2, "-> decodes to", repr(chars.decode([(h + o) // 2])))
print("w / e =", w / e)
claim("as numbers, l is 'halfway between' h and o", (h + o) / 2 == l)
claim("and w is 'six times' e", w == 6 * e)

# %% [markdown]
# Does that matter to a model? The simplest thing it can do with one input number is to
# scale and shift it, `f(id) = a · id + b`. Whatever `a` and `b` it learns, the outputs keep
# the order of the IDs: `f(l)` is always stuck between `f(h)` and `f(o)`. We check a thousand
# random lines and draw five.

# %%
generator = torch.Generator().manual_seed(0)  # fixed seed: the same lines every run
a, b = torch.randn(1000, generator=generator), torch.randn(1000, generator=generator)
f_h, f_l, f_o = a * h + b, a * l + b, a * o + b
between = ((f_h <= f_l) & (f_l <= f_o)) | ((f_o <= f_l) & (f_l <= f_h))
ids = torch.arange(chars.vocab_size)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(ids, (a[:5, None] * ids + b[:5, None]).T, "o-", alpha=0.7)
ax.axvspan(h - 0.15, o + 0.15, color="gold", alpha=0.25)
ax.set(xticks=ids.tolist(), xticklabels=[repr(u) for u in chars.vocabulary],
       xlabel="token (placed at its ID)", title="Any line through the IDs keeps l between h and o")
plt.show()
claim("f(l) lies between f(h) and f(o) for all 1000 random lines", between.all())

# %% [markdown]
# A *nonlinear* model could bend that line and learn that `h` and `o` behave alike while
# `l` does not. But it would have to spend its capacity undoing an order and a scale that
# mean nothing: neighbouring IDs start out alike, and in a vocabulary of 50,000 tokens the
# last one feeds in a number 50,000 times larger than token 1, only because of where it
# landed in the list. Better to hand the model no false order at all.
#
# ## 2. One-hot vectors: no false order, but no meaning either
#
# The standard way out: turn ID `i` into a vector of `vocab_size` zeros with a single `1`
# at place `i`, a **one-hot** vector. Every token gets its own direction. (The function's
# first lines check its inputs with the package's `checks`, so a mistake gets a clear message.)

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
claim("each row has a single 1, at the place of its ID", (vectors.sum(dim=1) == 1).all() and vectors.argmax(dim=1).tolist() == hello)

# %% [markdown]
# Now every pair of different tokens is the same distance apart, √2: `l` is no longer
# closer to `h` than `w` is. The false order is gone.

# %%
every = one_hot(range(chars.vocab_size), chars.vocab_size)  # (8, 8): one row per token
distances = torch.cdist(every, every)[~torch.eye(chars.vocab_size, dtype=torch.bool)]
print("distances between different tokens:", sorted({round(d, 4) for d in distances.tolist()}))
claim("every pair of different tokens is sqrt(2) = 1.4142 apart", torch.allclose(distances, torch.tensor(2.0).sqrt()))


# %% [markdown]
# But that is also the problem. One-hot vectors say that *every* pair of tokens is equally
# unrelated: `cat` is as far from `dog` as from `castle`. And they are as wide as the
# vocabulary: 50,000 numbers per token for a GPT-2-sized vocabulary, all but one zero.
#
# ## 3. An embedding is a table; looking up a row is a one-hot multiplication
#
# An **embedding table** has one row per token and a chosen number of columns, the *width*
# (here 4; 768 in GPT-2 small). The vector of token `i` is row `i`. These numbers will be
# *learned*; for now they are random.

# %%
def embed(ids, table: torch.Tensor) -> torch.Tensor:
    """Look up one row of the table per ID: shape (...) -> (..., width)."""
    return table[check_ids(ids, table.shape[0])]  # integer IDs with a row (checks.py)


# %%
table = torch.randn(chars.vocab_size, 4, generator=torch.Generator().manual_seed(0))  # (vocab_size, width)
looked_up = embed(hello, table)  # (5, 4): one row per ID
print("table:", tuple(table.shape), " looked up:", tuple(looked_up.shape))
print(looked_up.round(decimals=2))
claim("looking up rows equals one-hot vectors times the table", torch.equal(looked_up, one_hot(hello, 8) @ table))

# %% [markdown]
# Multiplying a one-hot vector by the table adds `0 × row` for every row except one and
# `1 × row` for the row of the ID: it *selects* that row. So an embedding layer is a linear
# layer whose input is one-hot; looking the row up gives the same answer without
# `vocab_size × width` multiplications. PyTorch's `nn.Embedding` is exactly this table,
# stored as a weight the optimizer can train:

# %%
layer = nn.Embedding.from_pretrained(table)  # an nn.Embedding holding our table
claim("nn.Embedding returns the same rows", torch.equal(layer(torch.tensor(hello)), looked_up))


# %% [markdown]
# ## 4. How alike are two vectors? Cosine similarity
#
# Two vectors point the same way if their *angle* is small. The cosine of that angle is
#
# $$\cos(a, b) = \frac{a \cdot b}{\lVert a\rVert \, \lVert b\rVert},$$
#
# 1 for the same direction, 0 at right angles (unrelated), −1 for opposite ones. It
# ignores length: only the direction counts.

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
print(found)
claim("cosines 1, 0 and -1 for the same direction, a right angle and the opposite one", list(found.values()) == [1, 0, -1])
claim("all eight one-hot vectors are unrelated (cosine 0)", (cosine_similarity(every[:, None], every[None, :]) == torch.eye(8)).all())

# %% [markdown]
# (`every[:, None]` against `every[None, :]` broadcasts to every pair at once.)
#
# ## 5. Words, and a model that will learn their vectors
#
# Now the real thing: the project's corpus, split into words with notebook 01's
# `WordTokenizer`. **A choice: we lowercase the text first.** A capital letter here only
# marks the start of a sentence, so `The` and `the` are the same word; without lowercasing
# `The` would get its own vector, learned from fewer examples.

# %%
text = load_corpus()
cased, tok = WordTokenizer.from_text(text), WordTokenizer.from_text(text.lower())
V = tok.vocab_size  # the vocabulary size, used in many shapes below
ids = torch.tensor(tok.encode(text.lower()))
print("vocabulary with capitals:", cased.vocab_size, " lowercased:", tok.vocab_size)
print("tokens in the corpus:", len(ids), " e.g.", repr(tok.decode(ids[:12].tolist())))
claim("lowercasing merges 'The' into 'the'", "The" in cased.vocabulary and "The" not in tok.vocabulary)


# %% [markdown]
# The model is about as small as a language model can be. It reads one word, looks up
# that word's row of an embedding table, and turns the vector into one score per
# vocabulary word with a linear layer: a guess at the **next** word. (It can also average
# the vectors of a few previous words, `context > 1`; we keep `context = 1`.) The table
# starts random with small numbers, so that what training writes soon outweighs the start.

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
model = NextWordModel(tok.vocab_size, width)
before = model.embedding.weight.detach().clone()  # the random table, kept for later
scores = model(ids[:3, None])  # three one-word contexts
print(model, "\nscores for the next word:", tuple(scores.shape))
claim("one score per vocabulary word for each context", scores.shape == (3, tok.vocab_size))

# %% [markdown]
# ## 6. Random vectors are all about equally unrelated
#
# Before training, how alike are our six words? In 128 dimensions random directions are
# almost at right angles: every pair has a cosine close to 0, related words included.
# (Section 10 draws these cosines next to the trained ones.)

# %%
words = ["king", "queen", "apple", "orange", "cat", "dog"]
rows = [tok.unit_to_id[word] for word in words]
cos_before = cosine_similarity(before[rows][:, None], before[rows][None, :])  # (6, 6)
off_diagonal = ~torch.eye(len(words), dtype=torch.bool)
print(f"largest |cosine| between two different words: {cos_before[off_diagonal].abs().max():.2f}")
claim("every pair of different words starts with |cosine| < 0.3", (cos_before[off_diagonal].abs() < 0.3).all())


# %% [markdown]
# How close to 0? For random vectors of width `d` the cosine spreads around 0 with a
# standard deviation of about `1/√d`: each coordinate adds a small random amount to the dot
# product, and the pluses and minuses mostly cancel. Every pair of our words, at our width
# and at two others:

# %%
def pair_cosines(vectors):
    # Every different pair's cosine: the upper triangle of the similarity matrix.
    upper = torch.triu_indices(len(vectors), len(vectors), offset=1)
    return cosine_similarity(vectors[:, None], vectors[None, :])[upper[0], upper[1]]


random_tables = {8: torch.randn(V, 8, generator=generator), 32: torch.randn(V, 32, generator=generator), width: before}
plt.figure(figsize=(6, 3)).gca().set(xlabel="cosine similarity of a random pair", ylabel="pairs")
spreads = {}
for d, vectors in random_tables.items():
    spreads[d] = float(pair_cosines(vectors).std())
    plt.hist(pair_cosines(vectors), bins=60, range=(-1, 1), alpha=0.5, label=f"width {d}")
    print(f"width {d:>3}: spread {spreads[d]:.3f}   1/sqrt(width) = {d ** -0.5:.3f}")
plt.legend()
plt.show()
claim("the spread is within 20% of 1/sqrt(width) at each width", all(abs(s - d ** -0.5) < 0.2 * d ** -0.5 for d, s in spreads.items()))


# %% [markdown]
# ## 7. Training: guess the next word, a few hundred times
#
# The training data is every pair of neighbouring words in the corpus: the input is a
# word, the target is the word that follows it.

# %%
def next_word_examples(ids, context: int = 1):
    """Every (previous `context` IDs, next ID) pair in a 1-D list of token IDs."""
    ids = torch.as_tensor(ids)  # (N,)
    windows = ids.unfold(0, context + 1, 1)  # (N - context, context + 1), sliding by one
    return windows[:, :-1], windows[:, -1]  # inputs (N - context, context), targets (N - context,)


# %%
inputs, targets = next_word_examples(ids)
print("inputs:", tuple(inputs.shape), " targets:", tuple(targets.shape))
print([f"{tok.vocabulary[a]} -> {tok.vocabulary[b]}" for a, b in zip(inputs[:4, 0].tolist(), targets[:4].tolist(), strict=True)])
claim("each target is the next input: the examples slide along the text", (inputs[1:, 0] == targets[:-1]).all())


# %% [markdown]
# ### How wrong is a guess? Surprise
#
# For every context the model gives each word of the vocabulary a score; *softmax*
# turns the scores into probabilities that add up to 1 (notebook 06 looks at it closely).
# How wrong was a guess? Look at the probability `p` it gave the word that really came
# next. The **surprise** is `-ln p`: 0 when the model was sure and right (`p = 1`), and
# larger the less likely it thought that word was. The article's example: after
# `The cat sat`, a model gives `on` 35% and `magically` 1%. If the next word is `on`,
# the surprise is `-ln 0.35 = 1.05`; if it is `magically`, `-ln 0.01 = 4.61`.

# %%
surprise = {word: round(-math.log(p), 2) for word, p in {"on": 0.35, "magically": 0.01}.items()}  # -ln p
claim("on at 35% costs -ln 0.35 = 1.05, magically at 1% costs -ln 0.01 = 4.61", surprise == {"on": 1.05, "magically": 4.61})

# %% [markdown]
# The **loss** that training lowers, the number every notebook of this series prints, is
# the average surprise over many examples, called the **cross-entropy**. One landmark
# tells what a loss means: a model that knows nothing gives each of the `V` words the
# same probability `1/V` and is surprised by `-ln(1/V) = ln V` every time. Our untrained
# model is such a blind guesser, since its scores start almost equal:

# %%
untrained = F.cross_entropy(model(inputs), targets).item()  # the average surprise, every example
claim(f"untrained, the model guesses blind: its loss {untrained:.2f} is within 0.05 of ln V = ln {V} = {math.log(V):.2f}", abs(untrained - math.log(V)) < 0.05)

# %% [markdown]
# ## 8. Gradients: which way is downhill?
#
# Training changes every weight a little, each in the direction that lowers the loss. How
# does it know the direction? Take one weight and nudge it: the bias of `the` in the
# output layer, a number added to the score of `the` after every word. Raise it by 0.01
# and the loss on a batch of examples (the first 512) changes by about
# **gradient × 0.01**, where the *gradient* is the slope of the loss along that weight.
# `loss.backward()` computes the slope for every weight at once and stores it in the
# weight's `.grad`. We try it on a float64 copy of the untrained model, so that a change
# of a few thousandths in the loss is measured to many more digits than we need.
# `loss_at` sets the weight, computes the loss and the gradient:

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
print(f"gradient {gradient:.4f} × nudge {nudge} = {gradient * nudge:.6f}; the loss moved by {moved:.6f} ({abs(moved / (gradient * nudge) - 1):.3%} apart)")
claim("the nudge and PyTorch's gradient agree to within 0.1%", abs(moved - gradient * nudge) < 0.001 * abs(gradient * nudge))
claim(f"'the' is the next word in {(targets[:512] == the).float().mean():.0%} of the batch, far more often than 1/V = {1 / V:.1%}", (targets[:512] == the).float().mean() > 10 / V)

# %% [markdown]
# The gradient is negative: raising the weight lowers the loss, because the untrained
# model gives `the` about `1/V` of its probability while `the` is the next word far more
# often than that (the second line above). The picture shows the loss as this one weight moves, every other
# weight held still. The dashed line is the *tangent*, the straight line whose slope is
# the gradient: near the start it hugs the curve (that is "the loss moves by about
# gradient × nudge"), further away the curve bends from it. So training takes a small
# step, `w -= lr * grad`, and then asks for the gradient again. The red dots are five such
# steps with the learning rate this notebook trains with, `lr = 5.0`: each goes
# downhill, long strides where the slope is steep, shorter ones as it flattens out.

# %%
values = [w0 + step / 10 for step in range(-15, 51)]  # the weight from w0 - 1.5 to w0 + 5
curve = [loss_at(value)[0] for value in values]
walk = [w0]
for _ in range(5):
    walk.append(walk[-1] - 5.0 * loss_at(walk[-1])[1])  # w -= lr * grad
walked = [loss_at(value)[0] for value in walk]
plt.figure(figsize=(6.5, 3.2)).gca().set(xlabel="bias of 'the'", ylabel="loss on the batch", title="Downhill along one weight")
plt.plot(values, curve, label="loss, as this one weight changes")
plt.plot(values, [start + gradient * (value - w0) for value in values], "--", label="tangent: slope = .grad at the start")
plt.plot(walk, walked, "o-", color="tab:red", label="5 steps of w -= 5.0 × grad")
plt.legend()
plt.show()
claim("every step went downhill", all(a > b for a, b in zip(walked[:-1], walked[1:], strict=True)))

# %% [markdown]
# **Two ways to step.** `w -= lr * grad` for every weight is **stochastic gradient
# descent** (SGD; *stochastic* because each step sees a random batch), and it is what
# this notebook trains with. Its step is the gradient times `lr`, and gradients are small
# numbers (this one is -0.2), so it needs a large `lr = 5.0` to move at a useful pace.
# Notebooks 05, 06 and 08 train with **AdamW**, as nearly every GPT does; notebook 07 hands
# the blocks' weight matrices to a newer optimizer, **Muon**, and keeps AdamW for the rest.
# AdamW keeps, for each weight, a running average of its recent gradients and of their
# squares, and steps by the first divided by the square root of the second. That makes
# every weight's step about `lr` in size, whether its gradients are large or tiny, and
# smaller for a weight whose gradients keep changing sign. (The W is *weight decay*: it
# also shrinks every weight a little towards zero at each step.) Since its steps are about
# `lr` itself rather than `lr` times a small gradient, AdamW's learning rates are a few
# thousandths: about a thousand times smaller than SGD's 5.0 here.
#
# ## 9. The training loop
#
# Training repeats one small step. Take 512 random examples; let the model score every
# possible next word; measure the cross-entropy loss; call `backward()` for the gradients;
# and move every weight a little against its gradient. The rows of the words in the batch
# move too: that is how the table learns. (Notebook 05 looks closer at training loops.)

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
losses = train_next_word_model(model, ids)  # 200 steps of 512 examples, about a second
after = model.embedding.weight.detach()
final = sum(losses[-20:]) / 20  # the last 20 steps
print(f"loss at the start {losses[0]:.1f} (blind guessing: ln V = {math.log(V):.1f}), at the end {final:.1f}")
plt.figure(figsize=(6, 3)).gca().set(xlabel="step", ylabel="cross-entropy loss", title="Learning to guess the next word")
plt.plot(losses)
plt.show()
claim("training lowers the loss by more than 3", final < losses[0] - 3)

# %% [markdown]
# The loss is an average; here are six of the surprises in it, the first six examples of
# the corpus, with what the trained model gave the word that really came next:

# %%
p_true = torch.softmax(model(inputs[:6]), dim=-1)[torch.arange(6), targets[:6]].detach()  # (6,)
for word, next_word, p in zip(inputs[:6, 0].tolist(), targets[:6].tolist(), p_true.tolist(), strict=True):
    print(f"{tok.vocabulary[word]:>9} -> {tok.vocabulary[next_word]:<9} p = {p:.2f}   surprise {-math.log(p):.2f}")
claim("their cross-entropy is their average surprise", torch.isclose(F.cross_entropy(model(inputs[:6]), targets[:6]), -p_true.log().mean()))
claim("after '.' the guess costs little (under 0.5); after 'the' it cannot (over 1.5)", -math.log(p_true[4]) < 0.5 < 1.5 < -math.log(p_true[0]))

# %% [markdown]
# A full stop is almost always followed by `the`, so that guess is nearly free. After
# `the` comes one of dozens of nouns: the model must spread its bets, and even the best
# possible model would. That is the other landmark. A model that sees one word can do no
# better than the text's own uncertainty about the next word: for each word, how often
# each other word follows it. That average uncertainty,
# $H = -\sum P(\text{word}, \text{next}) \ln P(\text{next} \mid \text{word})$,
# is the **entropy** of the next word, the floor no such model can go below. We count
# the pairs, compute it, and find our model close to the floor:

# %%
pair_counts = torch.bincount(ids[:-1] * V + ids[1:], minlength=V * V).reshape(V, V).float()
follows = pair_counts / pair_counts.sum(dim=1, keepdim=True).clamp(min=1)  # P(next | word)
entropy = -(pair_counts * follows.clamp(min=1e-12).log()).sum() / pair_counts.sum()  # the floor
full_loss = F.cross_entropy(model(inputs), targets).item()  # on every example
print(f"blind guessing ln V = {math.log(V):.2f}, our model {full_loss:.2f}, the entropy of the next word {entropy:.2f}")
claim("our model is within 0.15 of the floor", entropy <= full_loss < entropy + 0.15)

# %% [markdown]
# A loss is easier to feel as a **perplexity**, `e^loss`: the number of equally likely
# words a model would be choosing among, if it were that unsure. Blind guessing is
# choosing among all `V` words; our trained model is about as unsure as choosing among
# fewer than four; and the floor is not much lower.

# %%
ours, floor = math.exp(full_loss), math.exp(float(entropy))  # perplexities e^loss
claim(f"perplexity: blind guessing {V} words, our model {ours:.1f}, the floor {floor:.1f}; ours is under 4", ours < 4)

# %% [markdown]
# ## 10. After training: partners sit together
#
# Same six words, same cosine, the trained table:

# %%
cos_after = cosine_similarity(after[rows][:, None], after[rows][None, :])
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"wspace": 0.45})
for ax, (title, cosines) in zip(axes, {"random start": cos_before, "after training": cos_after}.items(), strict=True):
    heatmap(cosines, words, words, title=title, ax=ax, vmin=-1, vmax=1, cmap="coolwarm")
plt.show()

# %% [markdown]
# Each word is now far more similar to its partner than to any word of the other pairs:

# %%
pairs = [("king", "queen"), ("apple", "orange"), ("cat", "dog")]
partners = {a: b for pair in pairs for a, b in (pair, pair[::-1])}  # king -> queen, queen -> king, ...
margins = {}
for word, partner in partners.items():
    i, j = words.index(word), words.index(partner)
    others = [k for k, other in enumerate(words) if other not in (word, partner)]
    margins[word] = float(cos_after[i, j] - cos_after[i, others].max())
    print(f"{word:>6}: {partner} {cos_after[i, j]:.2f}, best of the rest {cos_after[i, others].max():.2f}")
claim("each word beats the other pairs' words by more than 0.3 in cosine with its partner", min(margins.values()) > 0.3)


# %% [markdown]
# Nobody told the model that kings and queens are related. It learned it from how the
# corpus *uses* them: the model must make the same guesses after `king` and after `queen`
# whenever the words that follow them are alike, and the easiest way to make the same
# guesses is to have the same vector. The counts show the followers are alike: the share
# of next words that differ (the *total variation distance*, 0 for identical
# distributions, 1 for completely different ones) is small for partners, large across pairs.

# %%
def next_word_difference(first, second):
    # Half the summed differences of P(next | word): the share of next words that differ.
    p, q = follows[tok.unit_to_id[first]], follows[tok.unit_to_id[second]]
    return float((p - q).abs().sum() / 2)


within = [next_word_difference(a, b) for a, b in pairs]
across = [next_word_difference(a, b) for a in words for b in words if words.index(a) // 2 < words.index(b) // 2]
print("partners:", [round(value, 2) for value in within], f"  across pairs: {min(across):.2f} to {max(across):.2f}")
claim("partners' next words differ by less than 0.1", max(within) < 0.1)
claim("words of different pairs differ by more than 0.5", min(across) > 0.5)


# %% [markdown]
# ## 11. Nearest neighbours
#
# To explore the space, rank every word by its cosine with a chosen word.

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
neighbours = {word: nearest_neighbours(word, tok.vocabulary, after, k=4) for word in words}
for word, found in neighbours.items():
    print(f"{word:>6}: " + ", ".join(f"{other} {cosine:.2f}" for other, cosine in found))
claim("every word's nearest neighbour is its partner", all(found[0][0] == partners[word] for word, found in neighbours.items()))


# %% [markdown]
# Beyond the partners, the neighbours are words *followed* by similar things. A one-word
# context only sees what comes next; bigger models see much more and learn richer
# neighbourhoods.
#
# ## 12. A picture of the space
#
# 128 dimensions do not fit on a page. **PCA** (principal component analysis) finds the two
# directions along which a set of vectors spreads the most and draws them in those two
# directions, losing as little of the spread as possible. We compute it with an SVD.

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
# Before training the words are scattered at random. After, the partners sit on top of
# each other, and other groups appear too: `he` with `she`, and `boy`, `girl` and `wizard`,
# which are mostly followed by `waved`. A flat picture of 128 dimensions can put dots close
# together that are not close in the full space, so we check the groups with cosines:

# %%
groups = {"he": {"she"}, "boy": {"girl", "wizard"}, "girl": {"boy", "wizard"}, "wizard": {"boy", "girl"}}
found = {word: {other for other, _ in nearest_neighbours(word, tok.vocabulary, after, k=len(group))} for word, group in groups.items()}
waved = {word: round(float(follows[tok.unit_to_id[word], tok.unit_to_id["waved"]]), 2) for word in ["boy", "girl", "wizard"]}
print("nearest:", {word: sorted(near) for word, near in found.items()}, "\nshare followed by 'waved':", waved)
claim("he's nearest word is she; boy, girl and wizard are each other's two nearest", found == groups)
claim("boy, girl and wizard are each followed by 'waved' more than half the time", min(waved.values()) > 0.5)

# %% [markdown]
# ## 13. Try it: nearest neighbours of any word
#
# Pick a word; the widget lists the five words whose trained vectors point most nearly the
# same way, with their cosines. (Its code is `neighbours_readout` in
# `minillm_helpers/notebook_support/widgets/nb02.py`; the search is your `nearest_neighbours`.)

# %% tags=["nbval-ignore-output"]
def show_neighbours(word):
    print(neighbours_readout(word, lambda w, k: nearest_neighbours(w, tok.vocabulary, after, k), k=5, draw=True))


widgets.interact(show_neighbours, word=widgets.Dropdown(options=[w for w in tok.vocabulary if w.isalpha()], value="king", description="Word", style={"description_width": "initial"}));

# %% [markdown]
# ## Summary
#
# * A token ID is a **label**. Used as a number, it imposes an order (`h < l < o`) and a
#   scale (`w = 6 × e`) that mean nothing; a model would spend capacity undoing them.
# * **One-hot** vectors remove the false order, but make every pair of tokens equally
#   unrelated and are as wide as the vocabulary.
# * An **embedding** is a table with one row of `width` numbers per token. Looking up row
#   `i` equals multiplying the one-hot vector of `i` by the table, and equals `nn.Embedding`.
# * **Cosine similarity** compares directions: 1 alike, 0 unrelated, −1 opposite. Random
#   vectors of width `d` have cosines near 0, spread about `1/√d`.
# * A tiny **next-word model** trained for about a second moves words that are followed by
#   the same words together: `king`/`queen`, `apple`/`orange`, `cat`/`dog`. Meaning, here, is
#   learned coordinates.
#
# Next, notebook 03: an embedding says *what* a token is, but not *where* it stands in the
# sentence. Positions come next.
#
# ## Exercises
#
# Each exercise has a blank for you and a checker that gives instant feedback. Worked
# solutions are at the end of the notebook; try first.
#
# **Exercise 1.** Work out by hand the cosine similarity of `a = (1, 2, 2)` and
# `b = (2, 1, 2)`.

# %%
answer = ...  # a number
exercises.check_cosine_by_hand(answer)


# %% [markdown]
# **Exercise 2.** Write `lookup(ids, table)` that returns the rows of `table` for the
# given IDs *without indexing the table*: build one-hot vectors and multiply.

# %%
def my_lookup(ids, table):
    ...  # your code here


exercises.check_one_hot_lookup(my_lookup)

# %% [markdown]
# **Going further.** Train `NextWordModel(tok.vocab_size, width, context=2)` (it averages
# the vectors of the two previous words) and compare the nearest neighbours. Or give the
# table a large random start (`nn.init.normal_(model.embedding.weight, std=1.0)`) and see
# how much less the same training moves the cosines. Or repeat section 8's nudge on a
# weight of the embedding table, `probe.embedding.weight[tok.unit_to_id["king"], 0]`:
# which rows of the table get a gradient from a batch, and which get none?
#
# ## Solutions
#
# **Exercise 1.** The dot product is 2 + 2 + 4 = 8; both lengths are √(1 + 4 + 4) = 3.

# %%
exercises.check_cosine_by_hand(8 / (3 * 3))
claim("cosine_similarity gives the same 8 / 9", math.isclose(cosine_similarity(torch.tensor([1.0, 2, 2]), torch.tensor([2.0, 1, 2])).item(), 8 / 9, rel_tol=1e-6))


# %% [markdown]
# **Exercise 2.** One-hot rows times the table pick out the table's rows.

# %%
def lookup(ids, table):
    return one_hot(ids, table.shape[0]) @ table


exercises.check_one_hot_lookup(lookup)
claim("it gives the rows embed looks up", torch.equal(lookup(hello, table), embed(hello, table)))
