# %% [markdown]
# # 06 · Prediction is a probability game
#
# Five notebooks built a tokenizer, embeddings, positions, attention, the causal mask
# and a training loop. This one assembles them into a small **GPT**, trains it on the
# project's corpus on a laptop CPU, and asks *what comes next?* The answer is a
# **probability for every word**: after `The cat sat`, bets on `on`, `down`, `suddenly`
# and more; after a wizard waves his wand, on `magically`.
#
# **Learning goals.** You will be able to
#
# 1. assemble a GPT from the earlier pieces plus a feed-forward layer, residual
#    connections and layer norm;
# 2. train it, measure it on sentences it never saw, and use dropout against overfitting;
# 3. read its output as a distribution over the next word, and show context reshaping it;
# 4. use temperature (and greedy decoding), top-k and top-p;
# 5. generate text one token at a time, with and without a key/value cache.

# %%
import math
from dataclasses import dataclass, replace

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.attention import MultiHeadAttention, keep_attention_weights
from minillm_helpers.checks import check_choice, check_prompt, check_sampling_settings
from minillm_helpers.embeddings import nearest_neighbours
from minillm_helpers.masking import causal_mask
from minillm_helpers.notebook_support.added_lines import show_added_lines
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.corpus import corpus_statistics, load_corpus_split
from minillm_helpers.notebook_support.diagram import draw_gpt_diagram
from minillm_helpers.notebook_support.exercises import nb06 as exercises
from minillm_helpers.notebook_support.plotting import bar_panels, heatmap, loss_curves
from minillm_helpers.notebook_support.widgets.nb06 import sampling_callback, sampling_controls
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer
from minillm_helpers.training import estimate_loss, train

# %% [markdown]
# ## 1. The pieces so far
#
# | step | piece | built in |
# | --- | --- | --- |
# | text → token IDs | `WordTokenizer` | 01 |
# | IDs → vectors that carry meaning | an embedding table | 02 |
# | + where each token stands | `sinusoidal_encoding` | 03 |
# | tokens gather context from each other | `MultiHeadAttention` | 04 |
# | ... but never from the future | `causal_mask` | 05 |
# | learn from examples | `get_batch` and the training loop (05), packaged as `train` | 05 |
# | vectors → scores → probabilities → a chosen token | this notebook | 06 |
#
# The tokens are words. The model learns from the **training text** and is measured on
# the **validation text**, whose sentences combine the same words and patterns in ways
# the training text never does (`The dog sat still on the mat.` only in validation). So
# the validation loss measures how well the model does on sentences it has never seen.

# %%
train_text, val_text = load_corpus_split()
tokenizer = WordTokenizer.from_text(train_text)
train_data, val_data = (torch.tensor(tokenizer.encode(text)) for text in (train_text, val_text))
stats = corpus_statistics(train_text, val_text)
print(*(f"{name}: {value:,}" for name, value in stats.items()), f"distinct words: {tokenizer.vocab_size}; the validation text begins: {val_text.split('.')[0]}.", sep="\n")
claim(f"all {stats['validation sentences']} validation sentences are new: none is in the training text", stats["validation sentences never in training"] == stats["validation sentences"])

# %% [markdown]
# ## 2. A new piece: the feed-forward layer
#
# Attention **mixes** tokens. The feed-forward layer then **processes** each token on
# its own: widen the vector four times, bend it with GELU (a smooth "keep the
# positives"), narrow it back. Without the bend, stacked linear layers would still be
# one linear layer. Attention lets tokens *talk*; the feed-forward layer lets each
# *think*. (Its `Dropout` is section 5's subject; `dropout=0.0` switches it off.)

# %%
class FeedForward(nn.Module):
    """Per-token thinking after the mixing: widen, bend (GELU), narrow back."""

    def __init__(self, width: int, dropout: float = 0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),  # (B, T, 4*width), bent
                                 nn.Linear(4 * width, width), nn.Dropout(dropout))  # (B, T, width)

    def forward(self, x):
        return self.net(x)


# %%
feed_forward, x = FeedForward(width=8), torch.randn(1, 4, 8)  # 1 sequence of 4 tokens of width 8
changed = torch.cat([x[:, :3], torch.randn(1, 1, 8)], dim=1)  # a different last token
claim(f"{tuple(x.shape)} in, {tuple(feed_forward(x).shape)} out; changing token 3 leaves tokens 0-2 untouched: each token is processed on its own", torch.equal(feed_forward(changed)[0, :3], feed_forward(x)[0, :3]))

# %% [markdown]
# ## 3. Stacking: residual connections and layer norm
#
# A GPT stacks rounds of "attend, then think". Two tricks from notebook 05's little
# model make a deep stack train well. A **residual connection** *adds* each sub-layer's
# result to its input, `x = x + attention(x)`: the block learns a correction, and
# information and gradients always have a straight path through. **Layer norm**
# rescales each token's vector to mean 0 and standard deviation 1 (then a learned scale
# and shift), so each sub-layer sees numbers at a steady scale, however they drift.

# %%
wild = torch.arange(100.0, 108).reshape(1, 8)
tame = nn.LayerNorm(8)(wild).detach()
claim(f"100, 101, ..., 107 comes out as {[round(v, 2) for v in tame[0].tolist()]}; a thousand times larger and shifted by 5, the same", torch.allclose(nn.LayerNorm(8)(1000 * wild - 5), tame, atol=1e-4))


# %% [markdown]
# All the sizes live in one `GPTConfig`, checked once up front (a width the heads do
# not divide fails with a clear message). A **block** is layer norm → masked multi-head
# attention → add, then layer norm → feed-forward → add.

# %%
from minillm_helpers.checks import check_gpt_config


@dataclass
class GPTConfig:
    """Every size the model needs, in one place (a checkpoint stores it as a dict)."""

    vocab_size: int
    context_length: int = 32
    width: int = 64
    num_heads: int = 4
    num_layers: int = 2
    dropout: float = 0.0
    causal: bool = True  # False only to show what the causal mask prevents

    def __post_init__(self):
        check_gpt_config(self)  # whole numbers >= 1, width a multiple of num_heads (checks.py)


# %%
class Block(nn.Module):
    """One Transformer block: attention mixes tokens, feed-forward transforms each."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(config.width)
        self.attention = MultiHeadAttention(config.width, config.num_heads)
        self.norm2 = nn.LayerNorm(config.width)
        self.feed_forward = FeedForward(config.width, config.dropout)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x, mask=None, is_causal=False):
        x = x + self.dropout(self.attention(self.norm1(x), mask, is_causal))  # residual: x + found
        return x + self.feed_forward(self.norm2(x))


# %% [markdown]
# ## 4. The whole model
#
# In the order a token meets the pieces: its ID picks a row of the embedding table
# (times `√width`, so meanings and positions share a scale, notebook 03); its position
# is added; `num_layers` masked blocks follow; a final layer norm and a linear layer give
# **one score per vocabulary word**, the *logits*. The causal mask is built once and
# each call takes its top-left corner. The forward pass checks nothing: IDs are checked
# where they come in (`generate`, `train`). `start`, `use_cache` and `cached_tokens`
# serve generation's key/value cache (section 10); until then `start` is 0.

# %%
class GPT(nn.Module):
    """The mini GPT: token IDs in, one score per vocabulary entry at every position out."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.width)
        # std 1/sqrt(width), times sqrt(width) in forward: meanings at the positions' scale
        nn.init.normal_(self.token_embedding.weight, std=1 / math.sqrt(config.width))
        positions = sinusoidal_encoding(config.context_length, config.width)  # (context, width)
        self.register_buffer("positions", positions, persistent=False)  # moves with the model
        self.register_buffer("mask", causal_mask(config.context_length), persistent=False)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.num_layers))
        self.final_norm = nn.LayerNorm(config.width)
        self.output = nn.Linear(config.width, config.vocab_size)

    def forward(self, ids, targets=None):
        """Return (logits, loss); loss is None without targets."""
        length, start = ids.shape[1], self.cached_tokens()  # start: 0 unless a cache holds tokens
        x = self.token_embedding(ids) * math.sqrt(self.config.width)  # (B, T, width)
        positions = self.positions[start : start + length]  # (T, width): start, start+1, ...
        is_causal = self.config.causal and not start  # after cached tokens: see them all, no mask
        mask = self.mask[:length, :length] if is_causal else None  # (T, T)
        x = self.dropout(x + positions)
        for block in self.blocks:
            x = block(x, mask, is_causal)  # (B, T, width)
        logits = self.output(self.final_norm(x))  # (B, T, vocab_size)
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.flatten(0, 1), targets.flatten())  # (B*T, V), (B*T,)

    def use_cache(self, on: bool = True) -> None:
        """Give every attention layer a new, empty KVCache (on=True), or none (on=False)."""
        for block in self.blocks:
            block.attention.cache = KVCache() if on else None

    def cached_tokens(self) -> int:
        """How many tokens the attention layers' KVCaches hold (0 without them)."""
        return len(self.blocks[0].attention.cache or ())

    def num_parameters(self) -> int:
        """How many numbers training can adjust."""
        return sum(p.numel() for p in self.parameters())


# %%
torch.manual_seed(1)
config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=16, width=64, num_heads=4, num_layers=2)
model = GPT(config)
logits, _ = model(torch.tensor([tokenizer.encode("The cat sat")]))  # a batch of 1 sequence of 3 IDs
claim(f"{model.num_parameters():,} parameters; IDs (1, 3) -> logits {tuple(logits.shape)}; untrained, it is close to a blind guess: no next word gets more than 0.05", torch.softmax(logits[0, -1], -1).max() < 0.05)

# %% [markdown]
# The whole model with the shape along every arrow (`B` sequences of `T` tokens, width
# `C`, `V` words). The road down the middle is the **residual stream**: every block
# reads from it (through a layer norm) and adds its result back, refining what the
# stream holds instead of replacing it.

# %%
fig = draw_gpt_diagram(config)  # the figure shows below the cell

# %% [markdown]
# The whole model keeps notebook 05's promise: change every word after `sat`, and the
# scores at `The`, `cat` and `sat` do not move.

# %%
a, b = (model(torch.tensor([tokenizer.encode(text)]))[0][0].detach() for text in ("The cat sat on the mat by the door.", "The cat sat suddenly and hissed."))
claim("the scores at The, cat, sat ignore every later word (the next ones change)", torch.allclose(a[:3], b[:3], atol=1e-6) and not torch.allclose(a[3], b[3], atol=1e-3))

# %% [markdown]
# ## 5. Training
#
# The package's `train` is notebook 05's loop (`get_batch`, loss, `backward`, an AdamW
# step) plus input checks and, every `eval_every` steps, a loss estimate on both texts;
# it returns them as a history. One run: 400 steps of 64 random 16-word windows. The
# learning rate starts at 0.003 and glides down half a cosine to 5% of that
# (`final_rate=0.05`): big steps find the right region fast, small steps at the end let
# the model settle on the *average* of what it saw (how often each ending follows `The
# cat sat`) rather than on the last few batches. A blind guess scores `ln(vocabulary size)`.

# %%
recipe = dict(steps=400, batch_size=64, learning_rate=3e-3, final_rate=0.05, eval_every=100, eval_batches=5, seed=10)
history = train(model, train_data, val_data, **recipe)
blind_guess, train_loss, val_loss = math.log(tokenizer.vocab_size), history.train_eval[-1], history.val_eval[-1]
loss_curves(history, title="The mini GPT learns the corpus").set_ylim(0, blind_guess)
claim(f"training loss {train_loss:.2f}, validation loss {val_loss:.2f}: far below a blind guess ({blind_guess:.2f}), and higher on the sentences it never saw", val_loss < 0.3 * blind_guess and val_loss > train_loss)

# %% [markdown]
# Every validation sentence is a combination the model never trained on. When does the
# gap open?

# %%
falls, moves = history.train_eval[0] - train_loss, abs(history.val_eval[0] - val_loss)
claim(f"from step 100 (training {history.train_eval[0]:.2f}, validation {history.val_eval[0]:.2f}) to 400, training falls {falls:.2f} more, validation moves only {moves:.2f}", falls > 0.04 and moves < falls / 2)

# %% [markdown]
# That is **overfitting**: after step 100 the model mostly memorises training sentences,
# which does nothing for new ones. More text helps most (notebook 07 has a million
# characters), and so may **dropout**. Neither loss can reach 0: after `The cat sat` the
# corpus picks `on`, `down`, `suddenly`... at random, so a model can at best know *how
# likely* each is. (The corpus's program uses the article's percentages; the model only
# sees how often each ending occurs.)
#
# ### Dropout
#
# In training mode, `nn.Dropout(p)` sets a random fraction `p` of the numbers passing
# through to zero and multiplies the rest by `1 / (1 - p)`, so their average stays; in
# eval mode (`estimate_loss` and `generate` switch to it) it lets everything through.
#
# A network that cannot count on any one number being there cannot lean on the exact
# paths that store one sentence; it has to spread what it knows. Our GPT has dropout
# in three places (after embeddings plus positions, after attention, at the end of
# the feed-forward layer), switched off so far. Train the same model from the same
# starting weights the same way, with `dropout=0.2`, and compare the gaps:

# %%
torch.manual_seed(1)  # the starting weights of `model` (dropout has no weights)
dropped_history = train(GPT(replace(config, dropout=0.2)), train_data, val_data, **recipe)  # the same sizes, dropout 0.2
gaps = {p: h.val_eval[-1] - h.train_eval[-1] for p, h in ((0.0, history), (0.2, dropped_history))}
claim(f"dropout 0.2 narrows the gap from {gaps[0.0]:.2f} to {gaps[0.2]:.2f} and lowers the validation loss from {val_loss:.2f} to {dropped_history.val_eval[-1]:.2f}; most of the gap stays", 0.02 < gaps[0.0] - gaps[0.2] < gaps[0.0] / 2 and dropped_history.val_eval[-1] < val_loss)

# %% [markdown]
# Dropout helps, a little: the validation loss falls and the gap narrows. Most of the
# gap stays, because the validation text joins the corpus's parts in ways the training
# text never shows. The rest of this notebook uses `model`, trained without dropout.

# %% [markdown]
# ## 6. From scores to probabilities
#
# **Softmax** turns scores into probabilities: exponentiate each (making it positive),
# divide by the total (making them add up to 1). Only differences between scores matter.
# `temperature`, `top_k` and `top_p` are sections 8 and 9 (bad settings are refused
# where a person gives them, in `generate`).

# %%
def probabilities(logits, temperature=1.0, top_k=None, top_p=None):
    """Next-token probabilities from (vocab,) or (batch, vocab) scores: temperature divides the
    scores (0: all on the top one), top_k keeps the k best, top_p the fewest best reaching p."""
    logits = logits if logits.dtype == torch.float64 else logits.float()  # no half precision
    if temperature == 0:  # greedy: the top score gets everything
        return torch.zeros_like(logits).scatter_(-1, logits.argmax(-1, keepdim=True), 1.0)
    # minus the top score: the same softmax, but a tiny temperature cannot overflow
    scores = (logits - logits.max(-1, keepdim=True).values) / temperature
    if top_k is not None and top_k < scores.shape[-1]:
        best = torch.topk(scores, top_k, dim=-1).indices  # (..., k)
        keep = torch.zeros_like(scores, dtype=torch.bool).scatter(-1, best, True)
        scores = scores.masked_fill(~keep, float("-inf"))  # exactly k survive, even with ties
    probs = torch.softmax(scores, dim=-1)
    if top_p is not None and top_p < 1:
        sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
        mass_before = sorted_probs.cumsum(-1) - sorted_probs  # mass of the better tokens
        drop_sorted = mass_before >= top_p  # p was already reached without this token
        drop = drop_sorted.gather(-1, order.argsort(-1))  # back in vocabulary order
        probs = probs.masked_fill(drop, 0.0)
        probs = probs / probs.sum(-1, keepdim=True)  # the survivors share all the mass
    return probs


# %% [markdown]
# So what does the trained model expect after `The cat sat`? `next_words` asks it and
# returns its distribution as `{word: probability}`.

# %%
def next_words(prompt, **settings):
    logits, _ = model(torch.tensor([tokenizer.encode(prompt)]))  # (1, T, vocab)
    return dict(zip(tokenizer.vocabulary, probabilities(logits[0, -1].detach(), **settings).tolist(), strict=True))

# %% [markdown]
# Next to the model's answer: how often each ending follows `The cat sat` in the training
# text, and the article's figures.

# %%
article = {"on": 0.35, "down": 0.30, "suddenly": 0.15, "furiously": 0.05, "magically": 0.01}
cat_sat = next_words("The cat sat")
ranked = sorted(cat_sat, key=cat_sat.get, reverse=True)
endings = [e.split()[0].strip(".") for e in train_text.split("The cat sat ")[1:]]  # what follows
print(*(f"{word:>10}: model {cat_sat[word]:.2f}, training text {endings.count(word) / len(endings):.2f}" for word in ranked[:7]), sep="\n")
claim("the model's seven likeliest words are the seven endings in the training text", set(ranked[:7]) == set(endings))
claim("it ranks on, down, suddenly, furiously, magically in the article's order, each within 0.05 of its 0.35, 0.30, 0.15, 0.05, 0.01", [w for w in ranked if w in article] == list(article) and all(abs(cat_sat[w] - p) <= 0.05 for w, p in article.items()))
claim("no single answer: the top word gets less than 0.6, three words more than 0.1", cat_sat[ranked[0]] < 0.6 and cat_sat[ranked[2]] > 0.1)

# %% [markdown]
# ## 7. Context changes the odds
#
# In the corpus, when a wizard waves his wand, the cat that sits mostly does so
# *magically*; a boy waving his hand changes nothing. The three prompts end in the same
# words, so any difference comes from words further back, reached through attention.

# %%
plain, boy, wizard = "The cat sat", "The boy waved his hand and the cat sat", "The wizard waved his wand and the cat sat"
magic = {p: next_words(p)["magically"] for p in (plain, boy, wizard)}
fig = bar_panels({p if p == plain else " ".join(p.split()[:5]) + " ...": [next_words(p)[w] for w in ranked[:7]] for p in magic}, ranked[:7], ["tab:purple" if w == "magically" else "tab:blue" for w in ranked[:7]])
plt.setp([ax.get_xticklabels() for ax in fig.axes], rotation=60)
claim(f"after the wizard 'magically' is the likeliest word, {magic[wizard]:.2f}: more than 10 times its {magic[plain]:.2f} after 'The cat sat'", max(next_words(wizard).values()) == magic[wizard] > 10 * magic[plain])
claim(f"waving alone does no magic: after the boy, {magic[boy]:.2f}", magic[boy] < 0.1 < magic[wizard])

# %% [markdown]
# Where did the model look? `keep_attention_weights` switches every layer from PyTorch's
# fused kernel to notebook 04's written-out attention, which keeps its weights. Each row
# is one head of one layer: what the last word, `sat`, whose vector predicts the next
# word, attends to.

# %%
keep_attention_weights(model)  # written-out attention: every layer keeps its weights
model(torch.tensor([tokenizer.encode(wizard)]))
rows = torch.cat([block.attention.last_weights[0, :, -1] for block in model.blocks])  # (2 * 4 heads, T)
heatmap(rows, [f"layer {i // 4}, head {i % 4}" for i in range(8)], wizard.split(), title="What 'sat' looks at, head by head")
claim("one head puts more than half of sat's attention on the wizard and his wand", (rows[:, 1] + rows[:, 4]).max() > 0.5)
keep_attention_weights(model, False)  # back to PyTorch's fused kernel

# %% [markdown]
# Heads that reach back to `wand` or `wizard` are the path by which a spell changes the
# odds of `magically`. (A real model's dozens of heads are much harder to read.) The
# model also relearned notebook 02's lesson: words used alike sit close in its table.

# %%
for word, partner in [("king", "queen"), ("apple", "orange"), ("cat", "dog")]:
    claim(f"the nearest word to {word!r} is {partner!r}", nearest_neighbours(word, tokenizer.vocabulary, model.token_embedding.weight.detach(), k=1)[0][0] == partner)

# %% [markdown]
# ## 8. Choosing a word: temperature
#
# A distribution is not yet text: we must pick a word. Always taking the likeliest
# (**greedy** decoding) is safe and dull; drawing by the probabilities is livelier.
# **Temperature** `T` divides every score before softmax. `T = 1` keeps the model's
# probabilities; `T < 1` strengthens the favourite, and `temperature=0` gives it
# everything (greedy); `T > 1` flattens the distribution. The *order* never changes.
# **Entropy** measures the spread: the average surprise `-ln p` of a draw, 0 when one
# word is certain, `ln n` for `n` equal choices (`torch.special.entr(p)` is `-p ln p`,
# with 0 for `p = 0`).

# %%
panels = {T: next_words(plain, temperature=T) for T in (0.25, 0.5, 1, 2)}
spreads = [float(torch.special.entr(torch.tensor(list(probs.values()))).sum()) for probs in panels.values()]
fig = bar_panels({f"T = {T}  (entropy {h:.2f})": [probs[w] for w in ranked[:10]] for (T, probs), h in zip(panels.items(), spreads, strict=True)}, ranked[:10], ["tab:blue"])
plt.setp([ax.get_xticklabels() for ax in fig.axes], rotation=70)
claim("a higher temperature flattens the distribution: the entropy grows; at T = 100 no word gets twice 1/vocabulary", spreads == sorted(spreads) and max(next_words(plain, temperature=100).values()) < 2 / tokenizer.vocab_size)
claim(f"T = 0 gives all the probability to the top word, {ranked[0]!r}; T = 0.001 more than 0.99", next_words(plain, temperature=0)[ranked[0]] == 1.0 and next_words(plain, temperature=0.001)[ranked[0]] > 0.99)

# %% [markdown]
# ## 9. Cutting the tail: top-k and top-p
#
# A good model still leaves a little probability on absurd words (`The cat sat
# kingdom`), and a long text draws many times. Two cuts remove that tail and share its
# probability among the survivors: **top-k** keeps the `k` best words; **top-p**
# (*nucleus sampling*) keeps the fewest best words whose probabilities reach `p`.

# %%
by_k, by_p = next_words(plain, top_k=3), next_words(plain, top_p=0.9)
kept_k, kept_p = ({w: round(probs[w], 2) for w in ranked if probs[w] > 0} for probs in (by_k, by_p))
claim(f"top-k 3 keeps three words, {kept_k}; top-p 0.9 the fewest best words that reach 0.9, {kept_p}", len(kept_k) == 3 and sum(cat_sat[w] for w in kept_p) >= 0.9 > sum(cat_sat[w] for w in list(kept_p)[:-1]))
absurd = [sum(p for w, p in next_words(plain, temperature=1.5, **cut).items() if w not in endings) for cut in ({}, {"top_p": 0.9})]
claim(f"at T = 1.5 a word that never follows 'The cat sat' has a {absurd[0]:.2f} chance; top-p 0.9 makes it {absurd[1]:.0f}", absurd[0] > 0.01 and absurd[1] == 0)

# %% [markdown]
# ## 10. Generation: one token at a time
#
# A GPT writes by repeating one step: predict the distribution, draw a token, append it,
# go again, reading at most the last 16 words (the context). Each step would recompute
# the keys and values of every earlier token, though under the causal mask they never
# change. A **key/value cache** keeps them, so a step feeds in only the newest token. A
# `KVCache` holds one attention layer's:

# %%
PAST_CONTEXT_CHOICES = ("recompute", "halve")  # generate(use_cache=True) past the context


class KVCache:
    """One attention layer's keys and values of the tokens so far, kept by generation."""

    def __init__(self):
        self.keys = self.values = None  # (B, heads, tokens so far, head_width)

    def __len__(self):
        return 0 if self.keys is None else self.keys.shape[2]

    def append(self, keys, values):
        """Add the new tokens' keys and values; return those of all tokens so far."""
        if self.keys is not None:
            keys = torch.cat([self.keys, keys], dim=2)  # (B, heads, S, head_width)
            values = torch.cat([self.values, values], dim=2)
        self.keys, self.values = keys, values
        return keys, values


# %% [markdown]
# Notebook 04's attention layer holds a `cache` (`None` unless generating) and attends
# to the cached keys and values too (`S`: the tokens so far). The lines, marked `+`:

# %%
show_added_lines(MultiHeadAttention, notebook=6)

# %% [markdown]
# Section 4's `GPT` did its part already: `use_cache()` gives every layer an empty
# `KVCache`, `cached_tokens()` counts what they hold, and `forward` gives a new token the
# position after them, with no mask. `generate` switches the caches on at the first step,
# with its own random generator (seeded, or fresh for `seed=None`). Past the context the
# cached keys sit at the wrong positions, so it starts over: `past_context="recompute"`
# re-reads the last 16 tokens each step (the same text), `"halve"` starts new caches from
# the last 8 (less work, a possibly different text). `finally` removes the caches and
# restores the mode, even after an interrupt.

# %%
@torch.no_grad()
def generate(model, ids, max_new_tokens, temperature=1.0, top_k=None, top_p=None, seed=None,
             use_cache=False, past_context="recompute"):
    """Extend a list of token IDs one sampled token at a time; return the new IDs only."""
    check_prompt(ids, model)  # at least one ID, each in the model's vocabulary (checks.py)
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    check_choice("past_context", past_context, PAST_CONTEXT_CHOICES)
    generator = torch.Generator().manual_seed(torch.Generator().seed() if seed is None else seed)
    context, sequence, was_training = model.config.context_length, list(ids), model.training
    model.eval()  # no dropout while writing
    try:
        for _ in range(max_new_tokens):
            window = sequence[-context:]  # all the model can see
            if 0 < model.cached_tokens() < context:
                window = sequence[-1:]  # the caches hold the keys and values of the others
            elif use_cache:  # the first step, or the caches are full: new ones
                if model.cached_tokens() and past_context == "halve":
                    window = sequence[-max(1, context // 2) :]
                model.use_cache()
            logits, _ = model(torch.tensor([window], device=model.positions.device))
            probs = probabilities(logits[0, -1], temperature, top_k, top_p).cpu()  # (vocab,)
            sequence.append(int(torch.multinomial(probs, 1, generator=generator)))  # one draw
    finally:  # even after an error or an interrupt: no caches left, the mode as it was
        model.train(was_training).use_cache(False)
    return sequence[len(ids) :]


# %%
ids = tokenizer.encode(plain)
print(*(f"T = {T}: {tokenizer.decode(ids + generate(model, ids, 24, T, seed=seed))}\n" for seed, T in enumerate([0, 0.5, 1.0, 1.5])), sep="\n")
claim("the same seed gives the same text; greedy decoding ignores the seed", generate(model, ids, 24, seed=5) == generate(model, ids, 24, seed=5) and generate(model, ids, 9, 0, seed=1) == generate(model, ids, 9, 0, seed=2))
claim("with the key/value cache, the same text", generate(model, ids, 24, seed=3, use_cache=True) == generate(model, ids, 24, seed=3))
variety = [len({generate(model, ids, 1, T, seed=s)[0] for s in range(30)}) for T in (0, 0.5, 1, 2)]
claim(f"greedy always draws the same word; hotter draws vary more ({variety} different words in 30 draws at T = 0, 0.5, 1, 2)", variety[0] == 1 and variety == sorted(variety))

# %% [markdown]
# What the cache saves is work, counted here in tokens read to write 13 new ones after
# `The cat sat` (16 in all: they fit the context). The time saved grows with the text;
# `benchmarks/generate_speed.py` measures it.

# %%
read = []  # the length of every input the model is given: a hook PyTorch calls before each forward
counting = model.register_forward_pre_hook(lambda module, inputs: read.append(inputs[0].shape[1]))
generate(model, ids, 13, seed=3)
without = sum(read)
generate(model, ids, 13, seed=3, use_cache=True)
counting.remove()
claim(f"to write 13 new tokens the model reads {without} without the cache, {sum(read) - without} with it: each token once, the prompt's 3, then each new one but the last", sum(read) - without == 3 + 12 and without == sum(range(3, 16)))

# %% [markdown]
# ## Try it: prompt, temperature, top-k, top-p
#
# Pick a prompt and move the sliders: the chart shows the next-word distribution (grey
# bars can no longer be drawn) and every move draws a fresh sample. Try the wizard at
# `T = 0`, then at 2 with and without top-p. (The callback calls this notebook's
# `probabilities` and `generate`.)

# %% tags=["nbval-ignore-output"]
widgets.interact(sampling_callback(model, tokenizer, probabilities, generate), **sampling_controls([plain, wizard, boy, "The queen"]));

# %% [markdown]
# ## Summary
#
# * A GPT is the earlier pieces in a row: embeddings (× √width) + positions → blocks of
#   [layer norm → masked attention → add, layer norm → feed-forward → add] → layer norm
#   → one score per word.
# * On sentences it never saw its loss is higher: an honest gap, which **dropout**
#   (random numbers zeroed in training) narrowed a little.
# * Softmax turns the scores into a distribution: after `The cat sat`, the article's
#   order; after a wizard and a wand, `magically`, with heads looking back at them.
# * **Temperature** divides the scores (near 0: greedy; above 1: flatter); **top-k** and
#   **top-p** cut the tail. **Generation** repeats predict → draw → append, and a
#   **key/value cache** gives the same text for less work.
#
# **Next: notebook 07** trains the same GPT on Shakespeare with notebook 01's character
# tokenizer, and on your own text. The `minillm` command does it for any UTF-8 file:
#
# ```bash
# minillm train DATA.txt --out runs/mine
# minillm sample runs/mine --prompt "Once upon a time" --temperature 0.8 --top-k 20
# ```

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** A model scores three words `[2.0, 1.0, 0.0]`. What are their
# probabilities at temperature `2`? Use `math.exp`, not `probabilities`.

# %%
answer = ...  # your three probabilities; then run exercises.check_temperature(answer)

# %% [markdown]
# **Exercise 2.** Write a prompt of your own, not section 7's, after which the model's
# likeliest next word is `magically` (corpus words only: the tokenizer refuses others).

# %%
my_prompt = ...  # then run exercises.check_magic_prompt(my_prompt, next_words)

# %% [markdown]
# **Exercise 3: break it, lift the mask.** Switch the trained model's mask off
# (`model.config.causal = False`), measure `estimate_loss(model, val_data, 16, 16, 20)`,
# switch it back on. It may now see the answer: does it do better than with the mask?
# Check with `exercises.check_mask_off(with_mask, without_mask)`.

# %%
with_mask, without_mask = ..., ...  # two validation losses

# %% [markdown]
# **Exercise 4: dropout against the gap.** Train a fresh `GPT` with a dropout of your
# choice from `torch.manual_seed(1)`, with `train(..., **recipe)` as in section 5 (under
# a minute), and check whether its gap between validation and training loss is
# narrower than the model's without dropout:
# `exercises.check_dropout_gap(your_dropout, your_history, history)`.

# %%
your_dropout, your_history = ..., ...  # a dropout, and what train(...) returned

# %% [markdown]
# ## Solutions
#
# Try the exercises first. Each worked solution runs and asks its checker.

# %%
exercises.check_temperature([math.exp(s / 2) / sum(math.exp(t / 2) for t in (2, 1, 0)) for s in (2, 1, 0)])  # divide by T, exponentiate, normalise

# %%
exercises.check_magic_prompt("The wizard waved his wand and the dog sat", next_words)  # a dog, not a cat

# %%
losses = {}
for causal in (False, True):  # the same weights with the future let in, then back as trained
    model.config.causal = causal
    losses[causal] = estimate_loss(model, val_data, 16, 16, 20)
exercises.check_mask_off(losses[True], losses[False])

# %%
exercises.check_dropout_gap(0.2, dropped_history, history)  # section 5's run is one answer
