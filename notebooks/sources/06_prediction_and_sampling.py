# %% [markdown]
# # 06 · Prediction is a probability game
#
# Five notebooks built five pieces: a tokenizer, embeddings, positions, attention and
# the causal mask, plus a training loop. This notebook puts them together into a
# small but complete **GPT**, trains it on the project's corpus in well under a
# minute on a laptop CPU, and then asks it the question every language model answers:
# *what comes next?*
#
# The answer is never a single word. It is a **probability for every word** in the
# vocabulary. After `The cat sat` the model spreads its bets over `on`, `down`,
# `suddenly` and a few more; after `The wizard waved his wand and the cat sat` it
# bets heavily on `magically`. Turning those bets into text is a choice of its own,
# and temperature, top-k and top-p are the knobs of that choice.
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. assemble a GPT from the earlier pieces plus the two it still lacks: the
#    feed-forward layer, and the residual connections with layer norm that let blocks stack;
# 2. train it and read its output as a probability distribution over the next word;
# 3. show how context reshapes that distribution;
# 4. explain and use temperature (and its limit, greedy decoding), top-k and top-p;
# 5. generate text one token at a time, and know how to train the same model on your own text.

# %%
import math
import numbers
import re
from collections import Counter
from dataclasses import asdict, dataclass, fields
from itertools import count

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.attention import MultiHeadAttention
from minillm_helpers.embeddings import nearest_neighbours
from minillm_helpers.masking import causal_mask
from minillm_helpers.notebook_support.corpus import load_corpus
from minillm_helpers.notebook_support.exercises.nb06 import (
    check_magic_prompt,
    check_temperature,
    check_top_p,
)
from minillm_helpers.notebook_support.widgets.nb06 import temperature_readout
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer
from minillm_helpers.training import estimate_loss, train

_ = torch.manual_seed(0)  # the same random numbers on every run

# %% [markdown]
# ## 1. The pieces so far
#
# A piece of text travels through the model like this; every step but the last
# comes from an earlier notebook and is imported from `minillm_helpers`:
#
# | step | piece | built in |
# | --- | --- | --- |
# | text → token IDs | `WordTokenizer` | 01 |
# | IDs → vectors that carry meaning | an embedding table | 02 |
# | + where each token stands | `sinusoidal_encoding` | 03 |
# | tokens gather context from each other | `MultiHeadAttention` | 04 |
# | ... but never from the future | `causal_mask` | 05 |
# | learn from examples | `train`, `estimate_loss` | 05 |
# | vectors → scores → probabilities → a chosen token | this notebook | 06 |
#
# We work with words as tokens, as notebooks 02 and 05 did: the corpus is built
# from a little over a hundred distinct words, so a small model learns it quickly.
# The last 10% of the text is held back to check the model on sentences it never
# trained on.

# %%
text = load_corpus()
tokenizer = WordTokenizer.from_text(text)
data = torch.tensor(tokenizer.encode(text))
split = int(0.9 * len(data))
train_data, val_data = data[:split], data[split:]
print(f"{len(data):,} word tokens, a vocabulary of {tokenizer.vocab_size} words")
print(f"training on {len(train_data):,} tokens, validating on {len(val_data):,}")

prompt = "The cat sat"
prompt_ids = tokenizer.encode(prompt)
print(f"{prompt!r} -> {prompt_ids}")
assert tokenizer.decode(prompt_ids) == prompt


# %% [markdown]
# ## 2. A new piece: the feed-forward layer
#
# Attention **mixes**: each token's new vector is a weighted blend of the vectors
# around it. What it does not do is much *processing* of the blend. That is the job
# of the feed-forward layer, applied to every token on its own:
#
# 1. widen the vector to four times its width (a linear layer),
# 2. bend it with a non-linearity (GELU, a smooth cousin of "keep the positives"),
# 3. narrow it back to the original width (another linear layer).
#
# The bend matters: a stack of linear layers without one is still a single linear
# layer, however deep. A useful way to hold the two apart is that attention lets
# tokens *talk*, and the feed-forward layer lets each token *think* about what it heard.

# %%
class FeedForward(nn.Module):
    """Per-token thinking after the mixing: widen, bend (GELU), narrow back."""

    def __init__(self, width: int, dropout: float = 0.0):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(width, 4 * width),  # (B, T, 4*width)
            nn.GELU(),
            nn.Linear(4 * width, width),  # (B, T, width)
            nn.Dropout(dropout),
        )

    def forward(self, x):
        return self.net(x)


# %%
feed_forward = FeedForward(width=8)
x = torch.randn(1, 4, 8)  # 1 sequence of 4 tokens, each a vector of width 8
y = feed_forward(x)
print("in:", tuple(x.shape), " hidden:", feed_forward.net[0].out_features, " out:", tuple(y.shape))

changed = x.clone()
changed[0, 3] = torch.randn(8)  # give the last token a different vector
assert y.shape == x.shape
assert torch.equal(feed_forward(changed)[0, :3], y[0, :3])  # the other tokens do not notice
print("changing token 3 leaves tokens 0-2 untouched: each token is processed on its own")

# %% [markdown]
# ## 3. Stacking: residual connections and layer norm
#
# A GPT stacks several rounds of "attend, then think". Two small tricks make the
# stack train well.
#
# **Residual connections.** Each sub-layer *adds* its result to its input,
# `x = x + attention(x)`, instead of replacing it. The block only has to learn a
# correction, the original information always has a straight path through, and
# so do the gradients on their way back during training.
#
# **Layer norm.** Before each sub-layer, every token's vector is rescaled to mean 0
# and standard deviation 1 (followed by a learned scale and shift). However large
# or small the numbers grow through the stack, each sub-layer sees them at a
# steady scale.

# %%
norm = nn.LayerNorm(8)
wild = torch.tensor([[100.0, 101, 102, 103, 104, 105, 106, 107]])
tame = norm(wild).detach()
print("before:", wild[0].tolist())
print("after: ", [round(v, 2) for v in tame[0].tolist()])
assert abs(float(tame.mean())) < 1e-5
assert abs(float(tame.std(unbiased=False)) - 1) < 1e-3


# %% [markdown]
# One **block** is layer norm → masked multi-head attention → add, then
# layer norm → feed-forward → add. All the sizes live in one small configuration
# object, `GPTConfig`, which checks them once, up front, so a mistake (say a width
# that the number of heads does not divide) fails with a clear message before any
# tensor is built. `to_dict` and `from_dict` let a saved model remember its sizes.

# %%
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
        for name in ("vocab_size", "context_length", "width", "num_heads", "num_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"GPTConfig.{name} must be a whole number of at least 1, got {value!r}."
                )
        if self.width % self.num_heads != 0:
            raise ValueError(
                f"GPTConfig.width {self.width} is not divisible by num_heads {self.num_heads}: "
                "choose a width that is a multiple of the number of heads."
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"GPTConfig.dropout must be in [0, 1), got {self.dropout!r}.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict):
        """The inverse of to_dict; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


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

    def forward(self, x, mask=None):
        x = x + self.dropout(self.attention(self.norm1(x), mask))  # residual keeps the input
        return x + self.feed_forward(self.norm2(x))


# %%
config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=16, width=64,
                   num_heads=4, num_layers=2)
print(config)

block = Block(config)
x = torch.randn(2, 5, config.width)  # 2 sequences of 5 tokens
out = block(x, causal_mask(5))
print("block:", tuple(x.shape), "->", tuple(out.shape))
assert out.shape == x.shape  # a block's output fits the next block's input: blocks stack


# %% [markdown]
# ## 4. The whole model
#
# Now the GPT itself, in the order a token meets the pieces:
#
# 1. **Embeddings.** Each ID picks a row of a learned table (notebook 02), multiplied
#    by `√width` so that meanings and positions are on the same scale (notebook 03).
# 2. **Positions.** The sinusoidal encoding (notebook 03) is added, so the model
#    knows where each token stands.
# 3. **Blocks.** `num_layers` blocks, each with the causal mask (notebook 05), so a
#    position never sees the tokens after it.
# 4. **Output layer.** A final layer norm, then one linear layer turns each position's
#    vector into **one score per vocabulary word**. These scores are called *logits*.
#
# `forward` also checks its input: a sequence longer than the context the positions
# were made for, or an ID that is not in the vocabulary, is refused with a message
# that says what to do.

# %%
class GPT(nn.Module):
    """The mini GPT: token IDs in, one score per vocabulary entry at every position out."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.width)
        # std 1/sqrt(width), times sqrt(width) in forward: meanings at the positions' scale
        nn.init.normal_(self.token_embedding.weight, std=1 / math.sqrt(config.width))
        self.register_buffer(
            "positions", sinusoidal_encoding(config.context_length, config.width), persistent=False
        )
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.num_layers))
        self.final_norm = nn.LayerNorm(config.width)
        self.output = nn.Linear(config.width, config.vocab_size)

    def check_input(self, ids) -> None:
        """Raise a clear error unless ids is a (batch, length) tensor of IDs the model knows."""
        integer = torch.is_tensor(ids) and ids.dtype in (torch.int64, torch.int32)
        if not integer or ids.dim() != 2:
            raise TypeError(
                "ids must be an integer tensor of shape (batch, length); wrap one sequence "
                "as torch.tensor([ids])."
            )
        length = ids.shape[1]
        if length > self.config.context_length:
            raise ValueError(
                f"The sequence has {length} tokens but the model's context is "
                f"{self.config.context_length}: keep only the last {self.config.context_length} "
                "(ids[:, -context_length:])."
            )
        if length == 0:
            raise ValueError("The sequence is empty: give at least one token ID.")
        low, high = int(ids.min()), int(ids.max())
        if low < 0 or high >= self.config.vocab_size:
            bad = low if low < 0 else high
            raise ValueError(
                f"Token ID {bad} is outside the vocabulary: valid IDs are 0 to "
                f"{self.config.vocab_size - 1}. Encode text with the tokenizer the model "
                "was built with."
            )

    def forward(self, ids, targets=None):
        """Return (logits, loss); loss is None without targets."""
        self.check_input(ids)
        batch, length = ids.shape
        scale = math.sqrt(self.config.width)
        x = self.token_embedding(ids) * scale + self.positions[:length]  # (B, T, width)
        x = self.dropout(x)
        mask = causal_mask(length, device=ids.device) if self.config.causal else None  # (T, T)
        for block in self.blocks:
            x = block(x, mask)  # (B, T, width)
        logits = self.output(self.final_norm(x))  # (B, T, vocab_size)
        loss = None
        if targets is not None:
            if not torch.is_tensor(targets) or targets.shape != ids.shape:
                raise ValueError(
                    f"targets must be a tensor of next-token IDs with the shape of ids "
                    f"{tuple(ids.shape)}, got {getattr(targets, 'shape', type(targets).__name__)}."
                )
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        return logits, loss

    def num_parameters(self) -> int:
        """How many numbers training can adjust."""
        return sum(p.numel() for p in self.parameters())


# %%
torch.manual_seed(0)
model = GPT(config)
parts = {"token embeddings": model.token_embedding, "blocks": model.blocks,
         "final layer norm": model.final_norm, "output layer": model.output}
for name, part in parts.items():
    print(f"{name:<18}{sum(p.numel() for p in part.parameters()):>8,}")
print(f"{'total':<18}{model.num_parameters():>8,} parameters")
counted = sum(sum(p.numel() for p in part.parameters()) for part in parts.values())
assert counted == model.num_parameters()  # nothing left out

# %% [markdown]
# Feed it `The cat sat`: three IDs in, and for each of the three positions a score
# for every one of the vocabulary's words. The scores at the **last** position are
# the model's opinion about the word that comes next.

# %%
ids = torch.tensor([prompt_ids])  # (batch 1, 3 tokens)
with torch.no_grad():
    logits, loss = model(ids)
print("IDs", tuple(ids.shape), "-> logits", tuple(logits.shape))
assert logits.shape == (1, 3, tokenizer.vocab_size) and loss is None

untrained = torch.softmax(logits[0, -1], dim=-1)  # scores -> probabilities (section 6)
spread = float(-(untrained * untrained.log()).sum())
print(f"untrained: the likeliest next word gets {untrained.max():.3f}; "
      f"uniform guessing would give each word {1 / tokenizer.vocab_size:.3f}")
assert spread > 0.9 * math.log(tokenizer.vocab_size)  # before training: close to a blind guess


# %%
def error_of(call):
    # Run call() and return the error it raises, as text.
    try:
        call()
    except (TypeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return "no error"


too_long = error_of(lambda: model(torch.zeros(1, 17, dtype=torch.long)))
unknown_id = error_of(lambda: model(torch.tensor([[5, 999]])))
print(too_long)
print(unknown_id)
assert too_long.startswith("ValueError: The sequence has 17 tokens but the model's context is 16")
assert unknown_id.startswith("ValueError: Token ID 999 is outside the vocabulary")

# %% [markdown]
# Notebook 05 proved that masked attention never looks ahead. The whole model must
# keep that promise, through both blocks, the feed-forward layers and the norms:
# change every word after `sat`, and the scores at `The`, `cat` and `sat` must not move.

# %%
original = tokenizer.encode("The cat sat on the mat by the door.")
changed = tokenizer.encode("The cat sat suddenly and hissed.")
with torch.no_grad():
    a = model(torch.tensor([original]))[0][0]  # (9 positions, vocab)
    b = model(torch.tensor([changed]))[0][0]  # (6 positions, vocab)
same_past = torch.allclose(a[:3], b[:3], atol=1e-6)
print("scores at The, cat, sat unchanged:", same_past)
print("scores at the next position changed:", not torch.allclose(a[3], b[3], atol=1e-3))
assert same_past

# %% [markdown]
# ## 5. Training
#
# Training is notebook 05's loop, unchanged: cut random 16-word windows from the
# corpus, ask the model for the next word at every position, and nudge all the
# weights to make the true next words more likely. The **loss** is the
# cross-entropy: the average of `-log(probability the model gave the true next word)`.
# A blind guess among 118 words scores `log(118) ≈ 4.77`.
#
# We train for 300 steps, then 100 more with a six times smaller learning rate.
# Big steps get the model into the right region quickly; small steps at the end let
# it settle on the *average* of what it has seen rather than on whatever the last
# few batches said. Expect 10 to 30 seconds on a laptop CPU.

# %%
blind_guess = math.log(tokenizer.vocab_size)
before = estimate_loss(model, val_data, 32, config.context_length, num_batches=5)
settings = dict(batch_size=32, eval_every=100, eval_batches=5, progress=False)
main = train(model, train_data, val_data, steps=300, learning_rate=3e-3, seed=0, **settings)
cool = train(model, train_data, val_data, steps=100, learning_rate=5e-4, seed=1, **settings)
after = cool.val_eval[-1]

print(f"validation loss: {before:.1f} before training, {after:.2f} after "
      f"(a blind guess: {blind_guess:.2f})")
assert before > 0.9 * blind_guess
assert after < 0.8

# %%
steps = main.steps + [300 + s for s in cool.steps]
eval_steps = main.eval_steps + [300 + s for s in cool.eval_steps]
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(steps, main.losses + cool.losses, alpha=0.35, label="training batch")
ax.plot(eval_steps, main.train_eval + cool.train_eval, "o-", label="training (evaluated)")
ax.plot(eval_steps, main.val_eval + cool.val_eval, "s-", label="validation")
ax.axhline(blind_guess, color="grey", linestyle=":", label="blind guess")
ax.axvline(300, color="black", linestyle="--", linewidth=0.8)
ax.text(305, 3.2, "smaller steps", fontsize=9)
ax.set_xlabel("step")
ax.set_ylabel("cross-entropy loss")
ax.set_title("The mini GPT learns the corpus")
ax.legend()
plt.show()


# %% [markdown]
# The loss flattens out well above 0, and it has to. The corpus is not a fixed
# script: after `The cat sat` its generator picks `on`, `down`, `suddenly` and
# others at random. No model, however large, can know which one comes next; the
# best it can do is know *how likely* each one is. That is the whole game.

# %% [markdown]
# ## 6. From scores to probabilities
#
# The output layer gives scores that can be any real numbers. **Softmax** turns
# them into probabilities: exponentiate each score (making it positive), then
# divide by the total (making them add up to 1). A higher score always means a
# higher probability, and only the *differences* between scores matter.
#
# `probabilities` below does that, and takes three optional settings that sections 8
# and 9 explain: `temperature`, `top_k` and `top_p`. Impossible settings are caught
# first by `check_sampling_settings`. `next_token_probabilities` runs the model on a
# list of IDs (at most the last `context_length` of them: that is all the model can
# see) and returns the distribution for the next token. `entropy` measures how
# spread out a distribution is: 0 when one word is certain, `log(n)` when `n` words
# are equally likely.

# %%
def check_sampling_settings(temperature=1.0, top_k=None, top_p=None, max_new_tokens=0) -> None:
    """Raise a clear error for a setting that cannot work; do nothing when all are fine."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number, got {temperature!r}.")
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(
            f"temperature must be a finite number >= 0, got {temperature}: 0 picks the most "
            "likely token, 1 samples the model's own probabilities, larger values flatten them."
        )
    if top_k is not None and (
        isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1
    ):
        raise ValueError(f"top_k must be a whole number >= 1 (or None for no cut), got {top_k!r}.")
    if top_p is not None and (
        isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or not 0 < top_p <= 1
    ):
        raise ValueError(f"top_p must be in (0, 1] (or None for no cut), got {top_p!r}.")
    if (
        isinstance(max_new_tokens, bool)
        or not isinstance(max_new_tokens, numbers.Integral)
        or max_new_tokens < 0
    ):
        raise ValueError(
            f"max_new_tokens must be a whole number >= 0 (how many tokens to add), "
            f"got {max_new_tokens!r}."
        )


def probabilities(logits, temperature=1.0, top_k=None, top_p=None):
    """Next-token probabilities from a (vocab,) or (batch, vocab) tensor of scores.

    temperature divides the scores before softmax (0 puts all the probability on
    the top score); top_k keeps only the k best tokens; top_p keeps the smallest
    set of best tokens whose probability adds up to at least p.
    """
    check_sampling_settings(temperature, top_k, top_p)
    if not torch.is_tensor(logits) or not logits.is_floating_point() or logits.dim() == 0:
        raise TypeError("logits must be a float tensor of shape (vocab,) or (batch, vocab).")
    if logits.dtype != torch.float64:
        logits = logits.float()  # half-precision scores are computed on in float32
    if temperature == 0:  # greedy: the top score gets everything
        greedy = torch.zeros_like(logits)
        return greedy.scatter_(-1, logits.argmax(-1, keepdim=True), 1.0)
    # Subtracting the top score changes nothing after softmax, but keeps a tiny
    # temperature from overflowing the division.
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
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        probs = probs.masked_fill(drop, 0.0)
        probs = probs / probs.sum(-1, keepdim=True)  # the survivors share all the mass
    return probs


# %%
@torch.no_grad()
def next_token_probabilities(model, ids, temperature=1.0, top_k=None, top_p=None):
    """The model's distribution (a (vocab,) tensor) for the token after a list of IDs.

    Only the last `context_length` IDs are read: that is all the model can see.
    """
    ids = list(ids)
    if not ids:
        raise ValueError("Give at least one token ID: the model predicts what comes after it.")
    device = next(model.parameters()).device
    window = torch.tensor([ids[-model.config.context_length :]], device=device)  # (1, T)
    was_training = model.training
    model.eval()  # no dropout while predicting
    logits, _ = model(window)  # (1, T, vocab)
    model.train(was_training)
    return probabilities(logits[0, -1], temperature, top_k, top_p).cpu()  # (vocab,)


def entropy(probs) -> float:
    """Spread of a 1-D distribution in nats: 0 for a sure thing, log(n) for n equal choices.

    >>> round(entropy(torch.tensor([0.25, 0.25, 0.25, 0.25])), 4) == round(math.log(4), 4)
    True
    """
    probs = probs[probs > 0]  # 0 * log(0) counts as 0
    return float(-(probs * probs.log()).sum())


# %%
def next_words(prompt, **settings):
    # The trained model's next-word distribution after a prompt, as {word: probability}.
    probs = next_token_probabilities(model, tokenizer.encode(prompt), **settings)
    return dict(zip(tokenizer.vocabulary, probs.tolist(), strict=True))


def ranked(distribution, n=7):
    # The n likeliest words, best first.
    return sorted(distribution.items(), key=lambda item: -item[1])[:n]


cat_sat = next_words("The cat sat")
print("After 'The cat sat':")
for word, p in ranked(cat_sat):
    print(f"  {word:<10} {p:.2f}  {'#' * round(100 * p)}")
rest = 1 - sum(p for _, p in ranked(cat_sat))
print(f"  (all other {tokenizer.vocab_size - 7} words together: {rest:.3f})")

best_word, best = ranked(cat_sat, 1)[0]
assert best < 0.6  # no single answer...
assert sum(p > 0.04 for p in cat_sat.values()) >= 3  # ...but several real candidates

# %% [markdown]
# Several candidates, not one answer. Where do these numbers come from? From the
# corpus: let us count what actually follows `The cat sat` in the training text and
# put the counts next to the model's probabilities.

# %%
endings = Counter(re.findall(r"The cat sat (\w+)", text))
total = sum(endings.values())
corpus_share = {word: n / total for word, n in endings.items()}
words = [word for word, _ in ranked(cat_sat)]
print(f"'The cat sat' appears {total} times in the corpus")

fig, ax = plt.subplots(figsize=(7.5, 3.4))
positions = torch.arange(len(words)).float()
ax.bar(positions - 0.2, [cat_sat[w] for w in words], width=0.4, label="model's probability")
ax.bar(positions + 0.2, [corpus_share.get(w, 0.0) for w in words], width=0.4,
       label="share in the corpus")
ax.set_xticks(positions.tolist(), labels=words)
ax.set_ylabel("probability")
ax.set_title("What comes after 'The cat sat'?")
ax.legend()
plt.show()

assert set(words) == set(corpus_share)  # the same seven endings the corpus uses
assert all(abs(cat_sat[w] - corpus_share[w]) < 0.1 for w in words)  # in about the same proportions

# %% [markdown]
# ## 7. Context changes the odds
#
# The corpus has wizards in it, and when a wizard waves his wand, the cat that sits
# does so *magically* most of the time. An ordinary boy waving his hand changes
# nothing. Both sentences end in exactly the same three words, `the cat sat`, so
# the difference has to come from words further back, reached through attention.

# %%
plain = "The cat sat"
boy = "The boy waved his hand and the cat sat"
wizard = "The wizard waved his wand and the cat sat"
magic = {p: next_words(p)["magically"] for p in (plain, boy, wizard)}
for p, value in magic.items():
    print(f"P(magically | {p!r:<44}) = {value:.3f}")
ratio = magic[wizard] / magic[plain]
print(f"the wizard makes 'magically' more than {10 * int(ratio // 10)} times more likely")

assert ratio > 10  # much more likely after the wizard...
assert ranked(next_words(wizard), 1)[0][0] == "magically"  # ...the single likeliest word
assert magic[boy] < 0.1 < magic[wizard]  # waving alone does no magic

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.4), sharey=True)
for ax, p in zip(axes, (plain, boy, wizard), strict=True):
    distribution = next_words(p)
    bars = ax.bar(words, [distribution[w] for w in words], color="tab:blue")
    bars[words.index("magically")].set_color("tab:purple")
    ax.set_title(f"... {' '.join(p.split()[-6:])}" if len(p.split()) > 6 else p, fontsize=10)
    ax.tick_params(axis="x", rotation=60)
axes[0].set_ylabel("probability of the next word")
plt.tight_layout()
plt.show()

# %% [markdown]
# The model also learned notebook 02's lesson along the way. Nobody asked it to,
# but its embedding table now puts words that are used in the same ways close
# together, because that helps it predict.

# %%
table = model.token_embedding.weight.detach()
for word, partner in [("king", "queen"), ("apple", "orange"), ("cat", "dog")]:
    (nearest, cosine), = nearest_neighbours(word, tokenizer.vocabulary, table, k=1)
    print(f"nearest to {word!r:<8} is {nearest!r}")
    assert nearest == partner

# %% [markdown]
# ## 8. Choosing a word: temperature
#
# A distribution is not yet text: we must pick a word. Always taking the likeliest
# one (**greedy** decoding) is safe and dull; it writes the same continuation every
# time. Drawing at random according to the probabilities is livelier. **Temperature**
# sits between the two: it divides every score by a number `T` before softmax.
#
# * `T = 1`: the model's own probabilities.
# * `T < 1`: differences between scores grow, so the favourite gains; as `T` approaches
#   0 all the probability moves to the top score, which is greedy decoding.
#   (`temperature=0` means exactly that.)
# * `T > 1`: differences shrink, the distribution flattens, rare words get a chance:
#   more surprising text, and more mistakes.
#
# Dividing by `T` never changes the *order* of the words, only how far apart their
# probabilities are.

# %%
with torch.no_grad():
    cat_logits = model(torch.tensor([prompt_ids]))[0][0, -1]  # the scores after 'The cat sat'

temperatures = [0.25, 0.5, 1.0, 2.0]
spreads = []
for T in temperatures:
    probs = probabilities(cat_logits, temperature=T)
    spreads.append(entropy(probs))
    best_four = probs.argsort(descending=True)[:4].tolist()
    top = ", ".join(f"{tokenizer.vocabulary[i]} {probs[i]:.2f}" for i in best_four)
    print(f"T = {T:<4}  entropy {spreads[-1]:.2f}   {top}")

assert all(a < b for a, b in zip(spreads, spreads[1:], strict=False))  # higher T: flatter

# %%
greedy = probabilities(cat_logits, temperature=0)
nearly_greedy = probabilities(cat_logits, temperature=0.01)
best_id = int(cat_logits.argmax())
print("the top score belongs to:", tokenizer.vocabulary[best_id])
print(f"T = 0 gives it {greedy[best_id]:.2f}, T = 0.01 gives it {nearly_greedy[best_id]:.2f}")
assert int(greedy.argmax()) == best_id and float(greedy.max()) == 1.0
assert int(nearly_greedy.argmax()) == best_id and float(nearly_greedy.max()) > 0.99
very_hot = probabilities(cat_logits, temperature=100.0)
assert entropy(very_hot) > 0.95 * math.log(tokenizer.vocab_size)  # nearly a blind guess

# %%
fig, axes = plt.subplots(1, len(temperatures), figsize=(14, 3.2), sharey=True)
order = cat_logits.argsort(descending=True)[:10].tolist()  # the same words in every panel
for ax, T, spread in zip(axes, temperatures, spreads, strict=True):
    probs = probabilities(cat_logits, temperature=T)
    ax.bar([tokenizer.vocabulary[i] for i in order], [float(probs[i]) for i in order])
    ax.set_title(f"T = {T}  (entropy {spread:.2f})")
    ax.tick_params(axis="x", rotation=70)
axes[0].set_ylabel("probability")
plt.tight_layout()
plt.show()


# %% [markdown]
# ## 9. Cutting the tail: top-k and top-p
#
# Even a good model leaves a little probability on absurd words (`The cat sat
# kingdom`). Each one is unlikely, but there are many of them and a long text
# draws many times, so sooner or later one gets picked. Two common cuts remove the
# tail before drawing and share its probability among the survivors:
#
# * **top-k** keeps the `k` highest-scoring words;
# * **top-p** (also called *nucleus sampling*) keeps the smallest set of best words
#   whose probabilities add up to at least `p`. When the model is sure, that set is
#   small; when it hesitates, it grows.

# %%
def survivors(**settings):
    probs = probabilities(cat_logits, **settings)
    kept = probs.argsort(descending=True)[: int((probs > 0).sum())].tolist()
    return {tokenizer.vocabulary[i]: round(float(probs[i]), 2) for i in kept}


by_k = survivors(top_k=3)
by_p = survivors(top_p=0.9)
print("top_k=3:  ", by_k)
print("top_p=0.9:", by_p)
assert len(by_k) == 3

full = probabilities(cat_logits)
kept_mass = sorted((float(full[tokenizer.unit_to_id[w]]) for w in by_p), reverse=True)
assert sum(kept_mass) >= 0.9 > sum(kept_mass[:-1])  # reaches 0.9, and one word fewer would not

# %%
absurd_words = torch.ones(tokenizer.vocab_size, dtype=torch.bool)
absurd_words[[tokenizer.unit_to_id[w] for w in words]] = False  # all but the seven real endings
for settings in ({"temperature": 1.5}, {"temperature": 1.5, "top_p": 0.9}):
    probs = probabilities(cat_logits, **settings)
    absurd = float(probs[absurd_words].sum())
    print(f"{settings}: chance of an absurd next word {absurd:.3f}")
    if "top_p" in settings:
        assert absurd == 0
    else:
        assert absurd > 0.01  # a hot temperature alone lets the tail in


# %% [markdown]
# ## 10. Generation: one token at a time
#
# A GPT writes by repeating one step: predict the next token's distribution, draw a
# token from it, append it, and go again with the longer text. When the text grows
# past the context (16 words here), the model simply reads the last 16: it cannot
# see further back. A seeded random generator makes every draw reproducible.

# %%
@torch.no_grad()
def generate(model, ids, max_new_tokens, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Extend a list of token IDs one sampled token at a time; return the new IDs only.

    Each step predicts from the last `context_length` tokens, draws one token
    and appends it. The same seed (None means 0) gives the same tokens.
    """
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    ids = list(ids)
    if not ids:
        raise ValueError("generate() needs at least one prompt token to start from.")
    generator = torch.Generator(device="cpu")
    generator.manual_seed(0 if seed is None else seed)
    new_ids = []
    for _ in range(max_new_tokens):
        probs = next_token_probabilities(model, ids + new_ids, temperature, top_k, top_p)
        new_ids.append(int(torch.multinomial(probs, 1, generator=generator)))  # one draw
    return new_ids


# %%
for seed, T in enumerate([0, 0.5, 1.0, 1.5]):
    new_ids = generate(model, prompt_ids, 24, temperature=T, seed=seed)
    print(f"T = {T}: {tokenizer.decode(prompt_ids + new_ids)}\n")

assert len(new_ids) == 24  # 3 + 24 words: longer than the context, so the window slid along
assert generate(model, prompt_ids, 24, seed=5) == generate(model, prompt_ids, 24, seed=5)
assert generate(model, prompt_ids, 10, temperature=0, seed=1) == generate(
    model, prompt_ids, 10, temperature=0, seed=2)  # greedy ignores the seed

# %% [markdown]
# Low temperatures retell the corpus's most common sentences; `T = 1.5` starts to
# produce sentences the corpus never had, some of them broken. How varied are the
# choices? Draw the word after `The cat sat` thirty times at each temperature and
# count the different words.

# %%
variety = {}
for T in [0, 0.5, 1.0, 2.0]:
    draws = [generate(model, prompt_ids, 1, temperature=T, seed=s)[0] for s in range(30)]
    variety[T] = len(set(draws))
    print(f"T = {T}: {variety[T]:>2} different words in 30 draws")
assert variety[0] == 1  # greedy: always the same word
counts = list(variety.values())
assert counts == sorted(counts) and counts[-1] > counts[1]  # hotter: more variety

# %% [markdown]
# ## Try it: the temperature slider
#
# Move **Temperature** and watch the distribution after `The cat sat` sharpen or
# flatten; each move also draws a fresh sample at that temperature. At 0 every
# sample is the same; near 2 the model starts to babble.

# %%
# NBVAL_IGNORE_OUTPUT
seeds = count(1)  # a new seed for every redraw, so each sample is fresh


def fresh_sample(temperature):
    new_ids = generate(model, prompt_ids, 12, temperature=temperature, seed=next(seeds))
    return tokenizer.decode(prompt_ids + new_ids)


def update(temperature):
    print(temperature_readout(temperature, cat_logits, tokenizer.vocabulary, probabilities,
                              fresh_sample, prompt=prompt, draw=True))


widgets.interact(update, temperature=widgets.FloatSlider(
    value=1.0, min=0.0, max=2.0, step=0.05, description="Temperature"));

# %% [markdown]
# ## Summary
#
# * A GPT is the earlier pieces in a row: tokenizer → embeddings (× √width) +
#   sinusoidal positions → blocks of [layer norm → masked multi-head attention → add,
#   layer norm → feed-forward → add] → layer norm → output layer. The feed-forward
#   layer lets each token process what attention gathered; residual connections and
#   layer norm let blocks stack.
# * Its output is a **score for every word**, and softmax turns the scores into a
#   probability distribution over the next word. After `The cat sat` that
#   distribution matches the corpus: several endings, none certain.
# * Context reshapes it: words several positions back (a wizard, a wand) made
#   `magically` more than ten times likelier, while an ordinary wave did not.
# * **Temperature** divides the scores before softmax: near 0 it becomes greedy
#   (argmax), above 1 it flattens the distribution (the entropy grows).
#   **Top-k** and **top-p** cut the unlikely tail before drawing.
# * **Generation** repeats predict → draw → append, reading at most the last
#   `context_length` tokens.
#
# That closes the loop of the series: raw text → token IDs → vectors → attention
# → scores → probabilities → a sampled token, every piece written and checked by you.
#
# **Your own text.** The same model trains on any UTF-8 text file. The `minillm`
# command, installed with this project, builds a character-level tokenizer from your
# file, trains, saves a checkpoint, and samples from it:
#
# ```bash
# minillm train DATA.txt --out runs/mine
# minillm sample runs/mine --prompt "Once upon a time" --temperature 0.8 --top-k 20
# ```
#
# A few hundred kilobytes of text (a book, your notes, a codebase) and a few minutes
# of CPU are enough to see it pick up the style. Try the temperatures again there.

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** A model gives the scores `[2.0, 1.0, 0.0]` to three words. What
# are the three probabilities at temperature `2`? Work them out with `math.exp`
# (not with `probabilities`).

# %%
# Your turn: replace the ... and run check_temperature(answer).
answer = ...

# %%
# One solution: divide by the temperature, exponentiate, normalise
divided = [s / 2 for s in [2.0, 1.0, 0.0]]
exps = [math.exp(s) for s in divided]
answer = [e / sum(exps) for e in exps]
print([round(p, 3) for p in answer])
assert check_temperature(answer)

# %% [markdown]
# **Exercise 2.** The corpus generator's recipe for what follows `The cat sat` is
# `on 0.35, down 0.30, suddenly 0.15, quietly 0.08, still 0.06, furiously 0.05,
# magically 0.01` (the article's illustration plus two quieter endings). Which words
# survive **top-p with p = 0.75**?

# %%
# Your turn: replace the ... with a list of words and run check_top_p(kept).
kept = ...

# %%
# One solution: walk down from the likeliest word until the running total reaches p
illustration = {"on": 0.35, "down": 0.30, "suddenly": 0.15, "quietly": 0.08, "still": 0.06,
                "furiously": 0.05, "magically": 0.01}
kept, total = [], 0.0
for word, p in sorted(illustration.items(), key=lambda item: -item[1]):
    if total >= 0.75:
        break
    kept.append(word)
    total += p
print(kept)
assert check_top_p(kept)

# %% [markdown]
# **Exercise 3.** Write a prompt of your own, different from the wizard prompt of
# section 7, after which the trained model's single likeliest next word is
# `magically`. Use only words from the corpus (the tokenizer refuses others).

# %%
# Your turn: replace the ... and run check_magic_prompt(my_prompt, next_words).
my_prompt = ...

# %%
# One solution: keep the wizard, change the animal
my_prompt = "The wizard waved his wand and the dog sat"
assert check_magic_prompt(my_prompt, next_words)
