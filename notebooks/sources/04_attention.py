# %% [markdown]
# # 04 · Attention: letting tokens look at each other
#
# So far every token is on its own: `bank` has the same vector in *"The bank of the
# river was muddy"* and in *"The bank raised its rates"*. **Attention** lets every token
# look at every other, decide how relevant each is, and take in a weighted mix of what
# they carry, so that `bank` next to `river` becomes a different vector from `bank` next
# to `rates`.
#
# **Learning goals.** By the end you will be able to
#
# 1. say what a token's *query*, *key* and *value* are, with a search analogy;
# 2. compute attention by hand: `scores = Q Kᵀ`, `weights = softmax(scores)`, `output = weights V`;
# 3. explain why the scores are divided by `√d_k` (and see what goes wrong without it);
# 4. build a sentence where `bank` puts about 80% of its attention on `river`;
# 5. write multi-head attention from scratch and check it against PyTorch's own.

# %%
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.exercises import nb04 as exercises
from minillm_helpers.notebook_support.plotting import heatmap, show
from minillm_helpers.notebook_support.widgets.nb04 import attention_readout
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer

_ = torch.manual_seed(0)  # the same random numbers on every run

# %% [markdown]
# ## 1. Query, key, value: a search in a small library
#
# Think of each token as a reader in a library where every other token is an article.
#
# * The **query** is the reader's *search question*, "what am I looking for?" (for
#   `bank`: "which kind of bank am I?");
# * the **key** is an article's *title*, "what do I contain?" (`river`: "nature, water");
# * the **value** is the article's *content*, "what do I hand over if you pick me?".
#
# The reader compares its question with every title (a dot product: big when the two
# vectors point the same way), turns the match scores into shares that add up to 1
# (softmax), and takes each article's content in proportion: its **output** is a blend
# of values. Every token asks its own question and is an article for the others. In a
# trained model the three vectors come from learned matrices (section 6); first we
# write them by hand.

# %% [markdown]
# ## 2. The computation, one step at a time
#
# Three tokens, `The cat sat`, and vectors of width 2. The two query/key
# dimensions mean "is a thing" and "is an action":
#
# * keys (what each token is): `cat` is a thing, `sat` is an action, `The` is neither;
# * queries (what each token looks for): `The` looks for its thing, `cat` for what it
#   does, `sat` for who did it;
# * values (what each token hands over): `cat` hands over "animal", `sat` hands over "motion".

# %%
words = ["The", "cat", "sat"]
Q = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])  # (3 tokens, d_k = 2)
K = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])  # (3, 2)
V = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # (3, d_v = 2)
show("Q (what I look for)", Q, words, ["thing", "action"])
show("K (what I am)", K, words, ["thing", "action"])
show("V (what I hand over)", V, words, ["animal", "motion"])

# %% [markdown]
# **Step 1: scores = Q Kᵀ.** Row *i*, column *j* is the dot product of token *i*'s
# query with token *j*'s key: how well *j*'s title answers *i*'s question. One
# matrix product computes all of them at once.

# %%
scores = Q @ K.T  # (3, 3): row = the token asking, column = the token answering
show("scores = Q @ K.T", scores, words, words)
claim("sat's question (who?) scores 2 against cat's title (a thing)", scores[2, 1] == 2.0)

# %% [markdown]
# **Step 2: weights = softmax(scores), row by row.** Softmax turns any row of
# numbers into positive shares that add up to 1: `exp(s) / sum(exp(s))`. The
# largest score gets the largest share, but nobody gets exactly zero.

# %%
weights = torch.softmax(scores, dim=-1)  # (3, 3), softmax along each row
show("weights = softmax(scores)", weights, words, words, digits=3)
claim("every row shares out exactly 1, and no weight is 0", torch.allclose(weights.sum(-1), torch.ones(3)) and (weights > 0).all())
claim("sat looks mostly at cat", weights[2].argmax() == 1)

# %% [markdown]
# **Step 3: output = weights V.** Each token's output is the weighted average of
# all the values, with its own row of weights.

# %%
output = weights @ V  # (3, 2): one blended value per token
show("output = weights @ V", output, words, ["animal", "motion"], digits=3)
by_hand = weights[2, 0] * V[0] + weights[2, 1] * V[1] + weights[2, 2] * V[2]
claim("sat's output is its weights times the values, added up", torch.allclose(output[2], by_hand))

# %% [markdown]
# `sat`'s output is now mostly "animal": it has taken in *who* sat. Its own "motion"
# survives only as its 0.107 share; a real model also *adds* the attention output to
# the token's own vector (a **residual connection**, notebooks 05 and 06).
#
# One ingredient is missing, a division by `√d_k`. The next section shows why.

# %% [markdown]
# ## 3. Why divide by √d_k: softmax saturates
#
# Softmax cares about *differences* between scores, exponentially. Multiply a row of
# scores by 10: the ranking stays, but the shares collapse onto the winner.

# %%
small = torch.tensor([1.0, 2.0, 3.0])
for name, row in (("[1, 2, 3]   ", small), ("[10, 20, 30]", 10 * small)):
    print(f"softmax({name}) =", ", ".join(f"{w:.5f}" for w in torch.softmax(row, -1).tolist()))
claim("ten times the scores: practically one-hot", torch.softmax(10 * small, -1).max() > 0.9999)

# %% [markdown]
# Why would scores get big? A score is a sum of `d_k` products. With entries of size
# about 1, the sum spreads like `√d_k` (the variances add up), so at the `d_k` of real
# models (64 or 128) softmax ends up nearly one-hot. Dividing by `√d_k` brings the
# spread back to about 1. Measured on random vectors, 8 keys per query, 1000 queries per
# width; *top weight* is a query's largest weight, averaged: 1/8 is even, 1 one-hot.

# %%
def top_weight(scores):  # each row's largest weight, averaged: 1/8 is even, 1 is one-hot
    return torch.softmax(scores, -1).max(-1).values.mean().item()


torch.manual_seed(0)
measured = {}  # d_k -> (raw scores, scaled scores), each (1000 queries, 8 keys)
print("  d_k  raw spread  scaled spread  top weight raw  top weight scaled")
for d_k in [4, 16, 64, 256]:
    q, k = torch.randn(1000, 1, d_k), torch.randn(1000, 8, d_k)  # 1000 queries, 8 keys each
    raw = (q @ k.transpose(-2, -1)).squeeze(1)  # (1000, 8) raw scores
    measured[d_k] = raw, raw / math.sqrt(d_k)
    print(f"{d_k:5} {raw.std():11.1f} {measured[d_k][1].std():14.1f} {top_weight(raw):15.2f} {top_weight(measured[d_k][1]):18.2f}")
claim("raw scores spread like √d_k, scaled ones like 1, at every width",
      all(abs(raw.std() - math.sqrt(d)) < 0.1 * math.sqrt(d) and abs(scaled.std() - 1) < 0.1 for d, (raw, scaled) in measured.items()))
claim("at d_k = 256, unscaled attention puts over 90% on one key; scaled, the top weight stays under 0.45 at every width",
      top_weight(measured[256][0]) > 0.9 and all(top_weight(scaled) < 0.45 for _, scaled in measured.values()))

# %% [markdown]
# One-hot attention hurts twice: the token takes in only one other, and a saturated
# softmax barely reacts when its scores move, so the gradients that should teach the
# queries and keys fade. Measured: how strongly softmax passes a change back.

# %%
def score_gradient(scores):  # how much the weights react to the scores (gradient size)
    scores = scores.clone().requires_grad_()
    (torch.softmax(scores, -1) * torch.linspace(-1, 1, 8)).sum().backward()
    return scores.grad.abs().mean().item()


raw_grad, scaled_grad = (score_gradient(scores) for scores in measured[256])
claim(f"at d_k = 256 raw scores get over 4x weaker gradients: {raw_grad:.4f} vs {scaled_grad:.4f} scaled",
      raw_grad < scaled_grad / 4)

# %% [markdown]
# The full recipe is `weights = softmax(Q Kᵀ / √d_k)`. In our tiny example `d_k = 2`:

# %%
scaled_weights = torch.softmax(Q @ K.T / math.sqrt(2), dim=-1)
show("softmax(Q @ K.T / sqrt(2))", scaled_weights, words, words, digits=3)
claim("smaller scores, softer attention: sat -> cat drops", scaled_weights[2, 1] < weights[2, 1])

# %% [markdown]
# ## 4. All of it in one function
#
# The function the package keeps (`minillm_helpers/attention.py`), with one addition: a
# **mask**, `True` where token *i* may look at token *j*. Forbidden scores become `-inf`,
# and `exp(-inf) = 0` (notebook 05 uses it against peeking at the future). The `...` in
# the shapes means any leading dimensions: a sentence, a batch, a batch of heads. We
# check it against PyTorch's own `F.scaled_dot_product_attention`.

# %%
def scaled_dot_product_attention(query, key, value, mask=None):
    """Return (output, weights); mask is boolean, True where attending is allowed.

    >>> q = k = v = torch.eye(2)
    >>> out, w = scaled_dot_product_attention(q, k, v)
    >>> w.sum(-1).tolist()
    [1.0, 1.0]
    """
    scores = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])  # (..., T_q, T_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))  # forbidden pairs get zero weight
    weights = torch.softmax(scores, dim=-1)  # (..., T_q, T_k), each row sums to 1
    return weights @ value, weights  # (..., T_q, d_v), (..., T_q, T_k)


# %%
out, w = scaled_dot_product_attention(Q, K, V)
claim(f"weights {tuple(w.shape)}, output {tuple(out.shape)}: its output equals PyTorch's F.scaled_dot_product_attention", torch.allclose(out, F.scaled_dot_product_attention(Q, K, V), atol=1e-6))

# %% [markdown]
# ## 5. Worked example: *The bank of the river was muddy.*
#
# `bank` is a riverbank or a money bank; attention is how it can find out which. For
# each token of the sentence (split by notebook 01's word tokenizer) we write by hand a
# key and a query over four features (nature, thing, describes, grammar) and a value over
# three (nature, money, grammar); a trained model finds its own, rarely this readable.
# First the keys, what each token *is*:

# %%
sentence = "The bank of the river was muddy."
tokens = WordTokenizer.split(sentence)
qk_features = ["nature", "thing", "describes", "grammar"]  # the four columns below
keys = torch.tensor([[0.0, 0.0, 0.0, 2.0],   # The    - a grammar word
                     [0.0, 2.0, 0.0, 0.0],   # bank   - a thing
                     [0.0, 0.0, 0.0, 2.0],   # of
                     [0.0, 0.0, 0.0, 2.0],   # the
                     [2.0, 2.0, 0.0, 0.0],   # river  - a thing, from nature
                     [0.0, 0.0, 2.0, 2.0],   # was    - describes, grammar
                     [1.0, 0.0, 2.0, 0.0],   # muddy  - describes, a bit of nature
                     [0.0, 0.0, 0.0, 0.0]])  # .      - nothing
show("keys (what each token is)", keys, tokens, qk_features, digits=1)

# %% [markdown]
# Then the queries, what each token *looks for*. The row that matters is `bank`'s: "I
# look for *nature*". Then the values:

# %%
queries = torch.tensor([[0.0, 1.0, 0.0, 0.0],   # The   looks for its thing
                        [4.0, 0.0, 0.0, 0.0],   # bank  looks for nature: which bank am I?
                        [0.0, 1.0, 0.0, 0.0],   # of    looks for a thing
                        [0.0, 1.0, 0.0, 0.0],   # the   looks for its thing
                        [0.0, 0.0, 2.0, 0.0],   # river looks for what describes it
                        [0.0, 2.0, 0.0, 0.0],   # was   looks for its subject
                        [2.0, 2.0, 0.0, 0.0],   # muddy looks for a natural thing
                        [0.0, 0.0, 0.0, 0.0]])  # .     looks for nothing in particular
value_features = ["nature", "money", "grammar"]
values = torch.tensor([[0.0, 0.0, 1.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0],
                       [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
show("values (what each token hands over)", values, tokens, value_features, digits=1)

# %% [markdown]
# `river` and `muddy` hand over "nature", `bank` is half river, half money, the rest is
# grammar. `bank`'s query scores 4 × 2 = 8 against `river`'s key, 4 × 1 = 4 against
# `muddy`'s, 0 against the others; divided by √4 = 2: 4, 2 and 0. Softmax makes that:

# %%
output, weights = scaled_dot_product_attention(queries, keys, values)  # (8, 3), (8, 8)
bank, river, muddy = tokens.index("bank"), tokens.index("river"), tokens.index("muddy")
print("bank ->", ", ".join(f"{token} {weights[bank, j]:.3f}" for j, token in enumerate(tokens)))
share = weights[bank, river].item()
claim(f"bank puts {share:.0%} of its attention on river", 0.75 <= share <= 0.85 and weights[bank].argmax() == river)
claim("that is e⁴ / (e⁴ + e² + 6), as worked out by hand", math.isclose(share, math.exp(4) / (math.exp(4) + math.exp(2) + 6), rel_tol=1e-6))
unscaled = torch.softmax(queries @ keys.T, dim=-1)[bank, river].item()  # no division by √4
claim(f"without the division by √4 it would be {unscaled:.0%}: nearly one-hot", unscaled > 0.95)

# %% [markdown]
# And the point: `bank`'s output moves from "half river, half money" toward `river`'s value.

# %%
show("values before and after attention", torch.stack([values[bank], output[bank], values[river]]),
     ["bank's value", "bank's output", "river's value"], value_features)
before, after = (torch.dist(vector, values[river]).item() for vector in (values[bank], output[bank]))
claim(f"bank moved most of the way toward river: distance {before:.2f} before, {after:.2f} after", after < before / 4)
claim("the money sense has all but vanished (under 0.05)", output[bank, 1] < 0.05)

# %% [markdown]
# The whole weight matrix: row = the token asking, column = the token looked at.

# %%
ax = heatmap(weights, row_labels=tokens, col_labels=tokens, title="Attention weights: The bank of the river was muddy.")
ax.set(xlabel="looked at (key)", ylabel="looking (query)")
plt.show()
claim("every row adds up to 1", torch.allclose(weights.sum(-1), torch.ones(len(tokens))))
claim("muddy finds the natural thing it describes, river", weights[muddy].argmax() == river)
claim("'.' matches nothing, so it spreads 1/8 on each token", torch.allclose(weights[-1], torch.full((8,), 1 / 8)))

# %% [markdown]
# `bank` and `muddy` look at `river`; `river` at what describes it (`was`, `muddy`);
# `was` at `bank` and `river` equally (these hand-made keys cannot tell the subject from
# the noun in its phrase). The `.` matches nothing, so it averages: a query that matches
# nothing is not "off".
#
# ### Try it: pick a query
#
# Choose the token that asks: the bars show where its attention goes, the text its
# output. *Query scale* multiplies the query: longer is sharper, 0 is uniform.

# %%
readout = attention_readout("bank", tokens, queries, keys, values, scaled_dot_product_attention)
print(readout)
claim("the widget reads bank -> river 0.80", readout.startswith("bank attends to: river 0.80"))


# %% tags=["nbval-ignore-output"]
def update(word, scale):
    print(attention_readout(word, tokens, queries, keys, values, scaled_dot_product_attention,
                            scale=scale, draw=True))


wide = {"description_width": "initial"}  # so that the labels are not cut off
widgets.interact(update, word=widgets.Dropdown(options=tokens, value="bank", description="Query", style=wide),
                 scale=widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25, description="Query scale", style=wide));


# %% [markdown]
# ## 6. Multi-head attention
#
# One query per token is one question. `bank` would like to ask several ("which kind
# of bank am I?", "who owns me?"). **Multi-head attention** runs several attentions side
# by side, each a *head* with its own queries, keys and values, on its own slice of the
# width (width 16, 4 heads: 4 dimensions each), and mixes their answers:
#
# 1. three linear layers turn each vector `x` into its query, key and value (where a
#    trained model learns what to ask and advertise);
# 2. `split_heads` reshapes `(batch, tokens, width)` into `(batch, heads, tokens,
#    head_width)`, so attention handles all heads at once;
# 3. the heads' outputs are put side by side and a last linear layer mixes them.
#
# With `keep_weights = True` step 2 runs our function and keeps the weights for plots;
# by default it runs PyTorch's fused `F.scaled_dot_product_attention`, the same output
# faster (as nanoGPT does). Notebooks 05 and 06 add a few lines and print them there.

# %%
class MultiHeadAttention(nn.Module):
    """Several attentions side by side, each on its own slice of the width.

    keep_weights=True runs the written-out attention above and keeps its weights in
    last_weights (for plots); otherwise PyTorch's fused kernel computes the same output.
    """

    def __init__(self, width: int, num_heads: int, bias: bool = False):
        super().__init__()
        self.width = width
        self.num_heads = num_heads
        self.head_width = width // num_heads
        self.query = nn.Linear(width, width, bias=bias)  # all heads' queries at once
        self.key = nn.Linear(width, width, bias=bias)
        self.value = nn.Linear(width, width, bias=bias)
        self.output = nn.Linear(width, width, bias=bias)  # mixes the heads' results
        self.keep_weights = False  # True: written-out attention, weights kept for plots
        self.last_weights = None  # (B, heads, T, T) from the latest call, when kept

    def split_heads(self, x):
        batch, length, width = x.shape
        x = x.view(batch, length, self.num_heads, self.head_width)  # (B, T, heads, head_width)
        return x.transpose(1, 2)  # (B, heads, T, head_width)

    def forward(self, x, mask=None):
        q = self.split_heads(self.query(x))  # (B, heads, T, head_width)
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        if self.keep_weights:  # the written-out attention above, weights kept for plots
            out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, heads, T, head_width)
            self.last_weights = weights.detach()  # (B, heads, T, S)
        else:  # PyTorch's fused kernel: the same output, faster, no weights kept
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        out = out.transpose(1, 2).reshape(x.shape)  # (B, T, width): heads side by side
        return self.output(out)


# %% [markdown]
# On real input, the series' path so far: IDs, embeddings (notebook 02), positions
# (notebook 03). The layers are untrained; we are after the shapes and the proof that
# the code is right.

# %%
torch.manual_seed(0)
tokenizer = WordTokenizer.from_text(sentence)
ids = torch.tensor([tokenizer.encode(sentence)])  # (1 sentence, 8 tokens)
width, num_heads = 16, 4
embedding = nn.Embedding(tokenizer.vocab_size, width)
x = embedding(ids) + sinusoidal_encoding(ids.shape[1], width)  # (1, 8, 16)
attention = MultiHeadAttention(width, num_heads)
attention.keep_weights = True  # our written-out attention, so we can look at the weights
y = attention(x)
print("x", tuple(x.shape), "-> queries in heads", tuple(attention.split_heads(attention.query(x)).shape),
      "-> weights", tuple(attention.last_weights.shape), "-> y", tuple(y.shape))
claim("y has x's shape, and each head's rows of weights add up to 1", y.shape == x.shape and torch.allclose(attention.last_weights.sum(-1), torch.ones(1, 4, 8)))

# %% [markdown]
# ### Is it right? Compare with PyTorch
#
# Our written-out attention must give PyTorch's fused kernel's outputs, up to rounding:
# without a mask, and with a boolean mask letting each token see only itself and its
# two neighbours (notebook 05 builds the mask a GPT needs).

# %%
positions = torch.arange(len(tokens))
neighbours = (positions[:, None] - positions[None, :]).abs() <= 1  # (8, 8), True = may look
outputs = {}
for keep in (False, True):  # PyTorch's fused kernel, then ours (which keeps the weights)
    attention.keep_weights = keep
    outputs[keep] = [attention(x), attention(x, neighbours)]
claim("without a mask, ours equals PyTorch's within 1e-5", torch.allclose(outputs[True][0], outputs[False][0], atol=1e-5))
claim("with the mask too, and masked pairs get weight exactly 0", torch.allclose(outputs[True][1], outputs[False][1], atol=1e-5) and (attention.last_weights[..., ~neighbours] == 0).all())

# %% [markdown]
# ## Summary
#
# * Each token has a **query** (what it looks for), a **key** (what it is) and a
#   **value** (what it hands over).
# * `scores = Q Kᵀ / √d_k`, `weights = softmax(scores)` row by row (each row adds
#   up to 1), `output = weights V`: each output is a blend of values, weighted by
#   how well the keys answer the query.
# * Without the `/ √d_k`, scores spread like `√d_k`, softmax saturates into one-hot
#   rows and the gradients fade; with it, the spread stays near 1 at any width.
# * In *The bank of the river was muddy*, `bank`'s query matched `river`'s key, it
#   put 80% of its attention on `river`, and its output moved from "half river,
#   half money" to almost pure river.
# * A boolean **mask** sets forbidden scores to `-inf`, so they get exactly zero weight.
# * **Multi-head attention** runs several attentions on slices of the width and mixes
#   them; our written-out version agrees with PyTorch's fused kernel within 1e-5, with
#   and without a mask.
# * The weight matrix has one entry per pair of tokens: its cost grows with the square
#   of the sequence length.
#
# Next, notebook 05: a GPT must not peek at the token it predicts. The mask sees to it,
# and we will see what it does to `bank`, whose clue `river` comes later.

# %% [markdown]
# ## Exercises
#
# Each exercise has a blank for you and a checker that answers at once. Worked solutions
# are at the end; try first.
#
# **Exercise 1: the spread of a score.** Draw 10,000 random queries and keys of
# width `d_k = 256` (entries from `torch.randn`). What is the standard deviation
# of their dot products (`raw_std`)? And after dividing by `√d_k` (`scaled_std`)?

# %%
raw_std, scaled_std = ..., ...  # two numbers
exercises.check_score_spread(raw_std, scaled_std)

# %% [markdown]
# **Exercise 2: a sharper question.** Multiply `bank`'s query by a whole number
# `factor`. What is the smallest factor for which `bank` puts at least 95% of its
# attention on `river`?

# %%
factor = ...  # a whole number
exercises.check_query_factor(factor)

# %% [markdown]
# **Exercise 3: break it, drop the scale.** Draw 8 random queries and 8 random keys
# of width 64 (`torch.randn`, seed 0). Compute the attention weights twice, with the
# division by `√64` and without it, and for each the mean entropy of the rows,
# `-(w * w.log()).sum(-1).mean()` (0: every row one-hot; `log 8 = 2.08`: even). What
# does the scale buy?

# %%
scaled, unscaled = ..., ...  # two mean entropies
exercises.check_unscaled_entropy(scaled, unscaled)

# %% [markdown]
# ## Solutions
#
# **Exercise 1.** Multiply and add up, 10,000 times at once:

# %%
torch.manual_seed(1)
q, k = torch.randn(10_000, 256), torch.randn(10_000, 256)
dots = (q * k).sum(dim=-1)  # 10,000 dot products
raw_std, scaled_std = dots.std().item(), (dots / math.sqrt(256)).std().item()
exercises.check_score_spread(raw_std, scaled_std)

# %% [markdown]
# **Exercise 2.** Try 1, 2, 3, ... until the share reaches 0.95:

# %%
for factor in range(1, 10):
    _, w = scaled_dot_product_attention(queries[bank : bank + 1] * factor, keys, values)  # (1, 8)
    print(f"factor {factor}: {w[0, river].item():.3f} on river")
    if w[0, river] >= 0.95:
        break
exercises.check_query_factor(factor)

# %% [markdown]
# **Exercise 3.** The same scores, divided by 8 or not:

# %%
generator = torch.Generator().manual_seed(0)
q, k = (torch.randn(8, 64, generator=generator) for _ in range(2))  # (8, 64) each
rows = [torch.softmax(q @ k.T / divisor, dim=-1) for divisor in (math.sqrt(64), 1)]  # (8, 8)
# clamp_min: a weight of exactly 0 would give 0 * log(0) = nan; it should count as 0
scaled, unscaled = (float(-(w * w.clamp_min(1e-30).log()).sum(-1).mean()) for w in rows)
exercises.check_unscaled_entropy(scaled, unscaled)
