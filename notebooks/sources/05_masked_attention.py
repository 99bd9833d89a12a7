# %% [markdown]
# # 05 · Masked attention: no peeking
#
# Notebook 04 let every token look at every other token. That is exactly right for
# *understanding* a sentence, and exactly wrong for the job a GPT is trained to do:
# **predict the next token**. If the token `sat` may look at everything, it can
# look at `on`, the very word it is supposed to guess.
#
# This notebook closes that loophole with one small matrix, the **causal mask**,
# proves that it works, and then shows what happens to a model trained without it.
# Along the way it builds the training loop that notebook 06 will use for the full
# mini GPT.
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. explain why next-token training needs a mask (the exam with the answer sheet open);
# 2. build the causal mask and apply it inside attention, and check it against PyTorch's own;
# 3. prove that with the mask, tokens after position `t` cannot change any output at
#    positions `≤ t`;
# 4. write a training loop: random windows, targets shifted by one, loss, gradient step;
# 5. watch a model trained *without* the mask reach a far lower training loss, and fail
#    as soon as it has to generate text.

# %%
import math
from dataclasses import dataclass, field

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from minillm_helpers.attention import MultiHeadAttention, scaled_dot_product_attention
from minillm_helpers.notebook_support.corpus import load_corpus
from minillm_helpers.notebook_support.exercises.nb05 import (
    check_additive_mask,
    check_targets,
    check_visible_tokens,
)
from minillm_helpers.notebook_support.plotting import heatmap, show
from minillm_helpers.notebook_support.widgets.nb05 import mask_readout
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer

_ = torch.manual_seed(0)  # the same random numbers on every run

# %% [markdown]
# ## 1. Why a mask? The exam with the answer sheet open
#
# A GPT learns from plain text by playing one game over and over: *here are some
# words, what comes next?* Training does not play it one word at a time. It takes a
# whole window of text and asks the question at **every position at once**: after
# `The`, predict `cat`; after `The cat`, predict `sat`; after `The cat sat`, predict
# `on`; and so on. One pass through the model gives all the guesses, which is what
# makes training fast.
#
# We use the word tokenizer from notebook 01, built from the project's corpus.

# %%
text = load_corpus()
tokenizer = WordTokenizer.from_text(text)
sentence = "The cat sat on the mat"
tokens = tokenizer.split(sentence)
print("tokens:", tokens)
print("IDs:   ", tokenizer.encode(sentence))
for t in range(len(tokens) - 1):
    print(f"position {t}: knows {' '.join(tokens[: t + 1]):<20} must predict {tokens[t + 1]!r}")
assert tokens == ["The", "cat", "sat", "on", "the", "mat"]

# %% [markdown]
# The catch: the whole window sits in memory during that one pass, answers
# included. Attention from notebook 04 lets each token take a weighted mix of
# **every** token of the window. Let us give the six tokens some queries, keys and
# values (random ones: only which weights are zero matters here) and look at the
# row of `sat`.

# %%
width = 8
generator = torch.Generator().manual_seed(0)
queries = torch.randn(6, width, generator=generator)  # (T, width), one row per token
keys = torch.randn(6, width, generator=generator)
values = torch.randn(6, width, generator=generator)

_, open_weights = scaled_dot_product_attention(queries, keys, values)  # no mask: (T, T)
sat, on = tokens.index("sat"), tokens.index("on")
show("Attention weights without a mask (row = who looks, column = at whom)",
     open_weights, tokens, tokens)
print(f"\nsat -> on: {open_weights[sat, on]:.2f}")
assert (open_weights > 0).all()  # softmax gives every token a share of every other token
assert open_weights[sat, on] > 0  # sat's output contains part of on: the answer it must predict


# %% [markdown]
# `sat`'s output is partly made of `on`. That is an exam taken with the answer
# sheet open: during training, a model can learn to predict "the next word" by
# simply **copying** it from the next position. It would score brilliantly, and
# learn nothing it can use later, because when the model writes new text the next
# word does not exist yet. Section 5 shows this really happens.

# %% [markdown]
# ## 2. The causal mask
#
# The fix is a rule: **position `t` may look at positions `0 … t`, never later.**
# Written as a table of yes/no with one row per looking token and one column per
# looked-at token, "column ≤ row" is the lower triangle, diagonal included (a token
# may look at itself). It is called *causal* because only the past may influence
# the present.

# %%
def causal_mask(length, device=None) -> torch.Tensor:
    """(length, length) booleans: row t is True at columns 0..t (itself and the past).

    >>> causal_mask(4).int()
    tensor([[1, 0, 0, 0],
            [1, 1, 0, 0],
            [1, 1, 1, 0],
            [1, 1, 1, 1]], dtype=torch.int32)
    """
    if isinstance(length, bool) or not hasattr(length, "__index__"):
        raise TypeError(
            f"length must be a whole number (the number of tokens), got {length!r} "
            f"of type {type(length).__name__}."
        )
    length = length.__index__()
    if length < 1:
        raise ValueError(f"length must be at least 1 (one row per token), got {length}.")
    allowed = torch.ones(length, length, dtype=torch.bool, device=device)  # (T, T) all True
    return torch.tril(allowed)  # keep the diagonal and below: no column after the row


# %%
mask = causal_mask(len(tokens))  # (T, T) booleans
print(mask.int())
allowed = [token for token, ok in zip(tokens, mask[sat], strict=True) if ok]
print("sat may attend to:", allowed)

assert mask.shape == (6, 6) and mask.dtype == torch.bool
assert torch.equal(mask, torch.tril(mask))  # nothing above the diagonal
assert mask.diagonal().all()  # every token may look at itself
assert allowed == ["The", "cat", "sat"]  # never on, the, mat
assert mask.sum() == 6 * 7 // 2  # 1 + 2 + ... + 6 allowed pairs

# %%
fig, ax = plt.subplots(figsize=(5, 4))
heatmap(mask.int(), row_labels=tokens, col_labels=tokens, ax=ax, fmt="{:.0f}", cmap="Greys_r",
        title="Causal mask: 1 = may attend")
ax.set_xlabel("looked at (key)")
ax.set_ylabel("looking (query)")
plt.show()


# %% [markdown]
# ### Putting the mask into attention
#
# Attention computes a score for every (query, key) pair, then softmax turns each
# row of scores into weights. The mask acts in between: every forbidden score is
# replaced by `-inf`. Since `exp(-inf) = 0`, softmax gives those pairs a weight of
# exactly zero, and the remaining weights of the row still add up to 1.
# Notebook 04's `scaled_dot_product_attention` already accepts a boolean `mask`
# (True = allowed) and does exactly this with `masked_fill`; causal attention just
# passes it the causal mask.

# %%
def causal_attention(query, key, value):
    """Attention in which position t mixes only the values of positions 0..t.

    query, key, value have shape (..., T, width), one row per token of the same
    sequence. Returns (output, weights) like scaled_dot_product_attention; every
    weight above the diagonal is exactly 0.
    """
    if not all(torch.is_tensor(t) for t in (query, key, value)):
        raise TypeError("query, key and value must be tensors of shape (..., tokens, width).")
    if min(query.dim(), key.dim()) < 2 or query.shape[-2] != key.shape[-2]:
        raise ValueError(
            "causal attention needs one query per key (tokens of the same sequence), got "
            f"query shape {tuple(query.shape)} and key shape {tuple(key.shape)}."
        )
    mask = causal_mask(query.shape[-2], device=query.device)  # (T, T)
    return scaled_dot_product_attention(query, key, value, mask)


# %%
_, masked_weights = causal_attention(queries, keys, values)  # (T, T)
show("Attention weights with the causal mask", masked_weights, tokens, tokens)

assert torch.all(masked_weights[~mask] == 0)  # exactly zero above the diagonal
assert torch.allclose(masked_weights.sum(dim=-1), torch.ones(6))  # rows still sum to 1
assert masked_weights[sat, on] == 0  # sat no longer sees on
# Inside the allowed part nothing else changes: sat's preferences among The, cat, sat
# are the same as before, only rescaled to add up to 1.
kept = open_weights[sat, : sat + 1]
assert torch.allclose(masked_weights[sat, : sat + 1], kept / kept.sum())

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
heatmap(open_weights, row_labels=tokens, col_labels=tokens, ax=axes[0], vmin=0, vmax=1,
        title="No mask: everyone sees everyone")
heatmap(masked_weights, row_labels=tokens, col_labels=tokens, ax=axes[1], vmin=0, vmax=1,
        title="Causal mask: only the past (and itself)")
for ax in axes:
    ax.set_xlabel("looked at (key)")
    ax.set_ylabel("looking (query)")
plt.tight_layout()
plt.show()

# %% [markdown]
# The first row is all `The`: the first token has nobody to look at but itself.
# Every later row spreads its weight over a longer past.
#
# PyTorch has the same operation built in, `F.scaled_dot_product_attention(...,
# is_causal=True)`. Our version must agree with it:

# %%
output, _ = causal_attention(queries, keys, values)  # (T, width)
reference = F.scaled_dot_product_attention(queries[None], keys[None], values[None],
                                           is_causal=True)[0]
print("output shape:", tuple(output.shape))
print("same as PyTorch's is_causal=True:", torch.allclose(output, reference, atol=1e-5))
assert torch.allclose(output, reference, atol=1e-5)

# %% [markdown]
# ## 3. Proof: the future changes nothing
#
# The promise of the mask, stated precisely: **if we change any tokens after
# position `t`, every output at positions `0 … t` stays the same.** Let us check it
# on a real attention layer: notebook 04's `MultiHeadAttention`, fed with token
# embeddings (a lookup table, notebook 02) plus sinusoidal positions (notebook 03).

# %%
torch.manual_seed(0)
embedding = nn.Embedding(tokenizer.vocab_size, 16)  # one vector per word
layer = MultiHeadAttention(16, num_heads=2)


@torch.no_grad()
def layer_outputs(ids, use_mask=True):
    # ids: a list of token IDs -> (T, 16): the attention layer's output at every position
    x = embedding(torch.tensor([ids])) + sinusoidal_encoding(len(ids), 16)  # (1, T, 16)
    mask = causal_mask(len(ids)) if use_mask else None
    return layer(x, mask)[0]


first = tokenizer.encode("The cat sat on the mat")
second = tokenizer.encode("The cat sat still and waited")  # same up to sat, then different
print(tokenizer.split("The cat sat still and waited"))
for use_mask in (True, False):
    a, b = layer_outputs(first, use_mask), layer_outputs(second, use_mask)
    unchanged = [bool(torch.allclose(a[i], b[i], atol=1e-6)) for i in range(6)]
    print(f"mask {'on ' if use_mask else 'off'}: output unchanged at positions 0-5: {unchanged}")
    if use_mask:
        assert unchanged == [True, True, True, False, False, False]
    else:
        assert not any(unchanged)  # without the mask even The's output depends on the future

# %% [markdown]
# One example is not a proof, so let us try many: random sentences of random
# lengths, a random position `t`, and every token after `t` replaced by a different
# random token.

# %%
generator = torch.Generator().manual_seed(1)
vocab_size = tokenizer.vocab_size
for trial in range(100):
    length = int(torch.randint(2, 13, (1,), generator=generator))
    ids = torch.randint(vocab_size, (length,), generator=generator)
    t = int(torch.randint(length - 1, (1,), generator=generator))  # keep 0..t, change the rest
    changed = ids.clone()
    shift = torch.randint(1, vocab_size, (length - t - 1,), generator=generator)
    changed[t + 1 :] = (ids[t + 1 :] + shift) % vocab_size  # a different token at each place
    before, after = layer_outputs(ids.tolist()), layer_outputs(changed.tolist())
    assert torch.allclose(before[: t + 1], after[: t + 1], atol=1e-6), (trial, t)
    open_before = layer_outputs(ids.tolist(), use_mask=False)
    open_after = layer_outputs(changed.tolist(), use_mask=False)
    assert not torch.allclose(open_before[t], open_after[t], atol=1e-6)  # no mask: it leaks
print("100 random checks: with the mask the future never changed the past; without it, always.")


# %% [markdown]
# Stack as many masked layers as you like: each one only mixes positions `≤ t` into
# position `t`, so the whole model keeps the promise. That is how notebook 06's GPT
# will be built.

# %% [markdown]
# ## 4. The training loop
#
# To see what the mask is worth we have to train a model, so here is the training
# loop (notebook 06 reuses it). It has four pieces.
#
# **Examples.** The corpus becomes one long tensor of token IDs. A training example
# is a random window of `context_length` tokens; its targets are the same window
# shifted one token to the right, so that `targets[t]` is the token that follows
# `inputs[t]`. A batch is several windows stacked. First, two small guards that
# turn bad arguments into clear messages:

# %%
def require_count(name: str, value) -> None:
    """Raise a clear error unless value is a whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}.")


def check_data(data, context_length: int, what: str = "the data") -> None:
    """Raise a clear error unless data is a 1-D tensor of token IDs longer than the context."""
    require_count("context_length", context_length)
    if not torch.is_tensor(data) or data.dim() != 1:
        raise TypeError(
            f"{what} must be a 1-D tensor of token IDs, "
            "e.g. torch.tensor(tokenizer.encode(text))."
        )
    if data.dtype != torch.long:
        raise TypeError(
            f"{what} holds {data.dtype} values, but token IDs must be whole numbers of "
            "type torch.long: use torch.tensor(ids) or data.long()."
        )
    if len(data) < context_length + 1:
        raise ValueError(
            f"{what} has {len(data)} tokens, too short for a context of {context_length}: "
            f"it needs at least {context_length + 1} (the window plus its next token). "
            "Use more text or a shorter context."
        )


def get_batch(data, batch_size: int, context_length: int, generator=None):
    """Cut batch_size random windows of context_length tokens; targets are shifted by one.

    >>> x, y = get_batch(torch.arange(100, 110), 1, 4, torch.Generator().manual_seed(0))
    >>> x.tolist(), y.tolist()
    ([[102, 103, 104, 105]], [[103, 104, 105, 106]])
    """
    check_data(data, context_length)
    require_count("batch_size", batch_size)
    starts = torch.randint(len(data) - context_length, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(context_length)  # (T,)
    x = data[starts[:, None] + offsets]  # (B, T): the windows the model reads
    y = data[starts[:, None] + offsets + 1]  # (B, T): each position's next token
    return x, y


# %%
data = torch.tensor(tokenizer.encode(text))  # the whole corpus as IDs
print(f"{len(data):,} tokens, {tokenizer.vocab_size} different words")

x, y = get_batch(data, batch_size=2, context_length=8, generator=torch.Generator().manual_seed(0))
print("x:", tuple(x.shape), " y:", tuple(y.shape))
print("inputs: ", tokenizer.decode(x[0].tolist()))
print("targets:", tokenizer.decode(y[0].tolist()))
assert x.shape == y.shape == (2, 8)
assert torch.equal(y[:, :-1], x[:, 1:])  # the targets are the inputs shifted by one


# %% [markdown]
# **Loss.** The model gives a score (*logit*) for every word of the vocabulary at
# every position; softmax turns the scores into probabilities. The loss is the
# *cross-entropy*: minus the log of the probability the model gave to the true next
# token, averaged over all positions. Certain and right gives 0; a blind guess
# among 118 words gives `ln 118 ≈ 4.77`. Every model in this series has a
# `forward(ids, targets)` that returns `(logits, loss)`.
#
# **Measuring.** The loss of a single batch jumps around, so `estimate_loss`
# averages it over a few fixed batches (the same ones every time, so two numbers
# compare fairly). `TrainingHistory` keeps what was measured.

# %%
@torch.no_grad()
def estimate_loss(model, data, batch_size: int, context_length: int, num_batches: int = 10,
                  seed: int = 1234) -> float:
    """Mean loss over fixed random batches (the same batches every call, so numbers compare)."""
    require_count("num_batches", num_batches)
    generator = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()  # no dropout while measuring
    device = next(model.parameters()).device
    losses = []
    for _ in range(num_batches):
        x, y = get_batch(data, batch_size, context_length, generator)
        losses.append(float(model(x.to(device), y.to(device))[1]))
    model.train(was_training)
    return sum(losses) / len(losses)


@dataclass
class TrainingHistory:
    """What train() measured: every step's loss, and evaluated losses every eval_every steps."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)  # training loss of every step's batch
    eval_steps: list[int] = field(default_factory=list)
    train_eval: list[float] = field(default_factory=list)  # estimate_loss on the training data
    val_eval: list[float] = field(default_factory=list)  # ... and on the validation data


# %% [markdown]
# **Learning.** Each step: cut a batch, run the model to get the loss, compute the
# gradient of the loss with respect to every weight (`loss.backward()`), and let the
# optimizer move every weight a little in the direction that lowers the loss
# (`optimizer.step()`). AdamW is the optimizer nearly every GPT uses.
# `progress=True` shows a progress bar; in these notebooks we switch it off.

# %%
def train(
    model,
    train_data,
    val_data=None,
    *,
    steps: int,
    batch_size: int = 16,
    context_length: int | None = None,
    learning_rate: float = 3e-3,
    eval_every: int | None = None,
    eval_batches: int = 10,
    seed: int = 0,
    progress: bool = True,
) -> TrainingHistory:
    """Train with AdamW on random windows; evaluate every eval_every steps (and at the end).

    model(ids, targets) must return (logits, loss). context_length defaults to
    model.config.context_length. progress=True shows a tqdm bar.
    """
    if context_length is None:
        if not hasattr(model, "config"):
            raise TypeError("Pass context_length=...: the model has no .config to read it from.")
        context_length = model.config.context_length
    check_data(train_data, context_length, "the training data")
    if val_data is not None:
        check_data(val_data, context_length, "the validation data")
    require_count("steps", steps)
    require_count("batch_size", batch_size)
    require_count("eval_batches", eval_batches)
    if eval_every is not None:
        require_count("eval_every", eval_every)
    if not (isinstance(learning_rate, (int, float)) and 0 < learning_rate < math.inf):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")

    torch.manual_seed(seed)  # dropout and anything else random in the model
    generator = torch.Generator().manual_seed(seed)  # which windows, in which order
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    device = next(model.parameters()).device
    history = TrainingHistory()
    model.train()
    bar = tqdm(range(1, steps + 1), disable=not progress, desc="training")
    for step in bar:
        x, y = get_batch(train_data, batch_size, context_length, generator)  # (B, T), (B, T)
        output = model(x.to(device), y.to(device))  # (logits, loss)
        loss = output[1] if isinstance(output, tuple) and len(output) == 2 else None
        if not (torch.is_tensor(loss) and loss.dim() == 0):  # how wrong the guesses are
            raise TypeError("model(ids, targets) must return (logits, loss) with a scalar loss.")
        if not torch.isfinite(loss):
            raise ValueError(f"The loss became {loss.item()} at step {step}: lower learning_rate.")
        optimizer.zero_grad(set_to_none=True)  # forget the previous step's gradients
        loss.backward()  # which way each weight should move to lower the loss
        optimizer.step()  # move them a little
        history.steps.append(step)
        history.losses.append(loss.item())
        if eval_every and (step % eval_every == 0 or step == steps):
            history.eval_steps.append(step)
            history.train_eval.append(
                estimate_loss(model, train_data, batch_size, context_length, eval_batches)
            )
            if val_data is not None:
                history.val_eval.append(
                    estimate_loss(model, val_data, batch_size, context_length, eval_batches)
                )
            bar.set_postfix(loss=f"{history.train_eval[-1]:.3f}")
    model.eval()
    return history


# %% [markdown]
# ## 5. The cheating experiment
#
# Now a tiny language model, built only from pieces of the earlier notebooks:
#
# * a token embedding table (notebook 02), scaled by `√width` as notebook 03 recommends,
#   plus sinusoidal positions (notebook 03);
# * **one** multi-head attention layer (notebook 04), with a residual connection
#   (the layer's output is *added* to its input), and a layer norm before it that
#   keeps the numbers at a steady scale;
# * an output layer that turns each position's vector into one score per word.
#
# The only switch is `causal`: with or without the mask. We use words as tokens:
# the corpus's sentences are short and built from 118 words, so a model this small
# learns them in a few hundred steps. (Characters would work too, but then the model
# must first learn to spell, which takes far longer.)

# %%
class TinyModel(nn.Module):
    # embeddings + positions -> one attention layer (masked or not) -> scores per word

    def __init__(self, vocab_size, width, context_length, num_heads, causal):
        super().__init__()
        self.width, self.causal = width, causal
        self.token_embedding = nn.Embedding(vocab_size, width)
        nn.init.normal_(self.token_embedding.weight, std=1 / math.sqrt(width))
        self.register_buffer("positions", sinusoidal_encoding(context_length, width),
                             persistent=False)
        self.norm = nn.LayerNorm(width)
        self.attention = MultiHeadAttention(width, num_heads)
        self.output = nn.Linear(width, vocab_size)

    def forward(self, ids, targets=None):
        length = ids.shape[1]
        x = self.token_embedding(ids) * math.sqrt(self.width) + self.positions[:length]
        mask = causal_mask(length) if self.causal else None  # the only difference
        x = x + self.attention(self.norm(x), mask)  # (B, T, width)
        logits = self.output(x)  # (B, T, vocab_size)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        return logits, loss


context_length = 16
models = {}
for name, causal in (("masked", True), ("unmasked", False)):
    torch.manual_seed(0)  # the same starting weights for both
    models[name] = TinyModel(tokenizer.vocab_size, 32, context_length, 2, causal)
masked_model, unmasked_model = models["masked"], models["unmasked"]

num_parameters = sum(p.numel() for p in masked_model.parameters())
print(f"{num_parameters:,} parameters each")
for a, b in zip(masked_model.parameters(), unmasked_model.parameters(), strict=True):
    assert torch.equal(a, b)  # identical twins, apart from the mask

# %% [markdown]
# Both models get the same data, the same batches in the same order, the same
# number of steps and the same learning rate: a few seconds of training each.

# %%
settings = dict(steps=300, batch_size=32, context_length=context_length, learning_rate=1e-2,
                eval_every=50, progress=False)
histories = {name: train(model, data, **settings) for name, model in models.items()}

final = {name: history.train_eval[-1] for name, history in histories.items()}
for name, loss in final.items():
    print(f"training loss, {name:>8}: {loss:.2f}")
print(f"blind guess:             {math.log(tokenizer.vocab_size):.2f}")
assert final["masked"] < 1.5  # the honest model learned a lot...
assert final["unmasked"] < 0.5 * final["masked"]  # ...but the cheater looks far better

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
for name, history in histories.items():
    line, = ax.plot(history.steps, history.losses, alpha=0.3)
    ax.plot(history.eval_steps, history.train_eval, "o-", color=line.get_color(),
            label=f"{name} (evaluated)")
ax.axhline(math.log(tokenizer.vocab_size), color="grey", linestyle=":", label="blind guess")
ax.set_xlabel("step")
ax.set_ylabel("training loss (cross-entropy)")
ax.set_title("Same model, same data: without the mask the loss falls far lower")
ax.legend()
plt.show()

# %% [markdown]
# ### How does it get so good? It reads the answer.
#
# Give both models `The cat sat ___ the mat` with different words in the gap, and
# ask each what follows `sat`. The masked model cannot see the gap, so it gives the
# same guess every time. The unmasked one "predicts" whatever word we put there.

# %%
guesses = {"masked": set(), "unmasked": set()}
with torch.no_grad():
    for word in ["on", "down", "suddenly", "quietly"]:
        ids = torch.tensor([tokenizer.encode(f"The cat sat {word} the mat")])
        line = f"next word is {word!r:<11}"
        for name, model in models.items():
            probs = torch.softmax(model(ids)[0][0, sat], dim=-1)  # prediction at sat
            guess = tokenizer.vocabulary[int(probs.argmax())]
            guesses[name].add(guess)
            line += f"  {name} guesses {guess!r} ({probs.max():.2f})"
            if name == "unmasked":
                assert guess == word  # it copies the word it was supposed to predict
        print(line)
assert len(guesses["masked"]) == 1  # the future cannot change the masked model's guess


# %% [markdown]
# ## 6. Generation: the future does not exist yet
#
# When a model writes text, it sees the words so far and must produce the next
# one; there is nothing after it to copy. We can measure that situation directly:
# for each position `t` of a window, feed the model **only tokens `0 … t`** and score
# its prediction for token `t + 1`. That is the honest exam, the one generation
# takes. (For the masked model it gives exactly the training-style loss: section 3
# proved that the later tokens never mattered.)

# %%
@torch.no_grad()
def honest_losses(model, x, y):
    # Loss at each position t when the model sees only tokens 0..t, as in generation.
    losses = []
    for t in range(x.shape[1]):
        logits, _ = model(x[:, : t + 1])  # the future is simply not there
        losses.append(F.cross_entropy(logits[:, -1], y[:, t]))
    return torch.stack(losses)  # (T,): one average loss per position


x, y = get_batch(data, 64, context_length, generator=torch.Generator().manual_seed(5))
with torch.no_grad():
    peeking = {name: float(model(x, y)[1]) for name, model in models.items()}
per_position = {name: honest_losses(model, x, y) for name, model in models.items()}
honest = {name: float(losses.mean()) for name, losses in per_position.items()}
for name in models:
    print(f"{name:>8}: whole window visible {peeking[name]:.2f}   only the past {honest[name]:.2f}")

assert abs(honest["masked"] - peeking["masked"]) < 1e-4  # the mask made it honest all along
assert honest["unmasked"] > 2 * honest["masked"]  # the cheater fails the honest exam
assert honest["unmasked"] > 10 * peeking["unmasked"]

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
names = list(models)
axes[0].bar([0, 3], [peeking[n] for n in names], label="whole window visible (training)")
axes[0].bar([1, 4], [honest[n] for n in names], label="only the past (generation)")
axes[0].set_xticks([0.5, 3.5], labels=names)
axes[0].set_ylabel("loss")
axes[0].set_title("The same models, two exams")
axes[0].legend()
for name in names:
    axes[1].plot(per_position[name].numpy(), "o-", label=name)
axes[1].axhline(math.log(tokenizer.vocab_size), color="grey", linestyle=":", label="blind guess")
axes[1].set_xlabel("position t (the model sees tokens 0..t)")
axes[1].set_ylabel("loss")
axes[1].set_title("Honest loss at each position")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# The right-hand plot tells the whole story. The cheater's loss is worst at
# position 0, worse even than a blind guess: it learned to trust the next position
# so completely that without one it is confidently wrong. Its loss is good at one
# place only, the **last** position of the window. In training, that position never
# had a next token in view (its target lies outside the window), so it was the one
# place the cheater had to learn honestly.

# %%
cheater = per_position["unmasked"]
print(f"unmasked, position 0: {cheater[0]:.1f}   last position: {cheater[-1]:.1f}")
assert cheater[0] > math.log(tokenizer.vocab_size)  # worse than guessing blindly
assert cheater[-1] < 0.5 * cheater[:-1].mean()  # the only position trained without a peek


# %% [markdown]
# Finally, let both models write. The simplest way is *greedy* decoding: take the
# likeliest next word, append it, repeat (notebook 06 does better with sampling).

# %%
@torch.no_grad()
def greedy_continuation(model, prompt, new_words=12):
    ids = torch.tensor([tokenizer.encode(prompt)])  # (1, T)
    for _ in range(new_words):
        logits, _ = model(ids[:, -context_length:])  # only the past exists
        next_id = logits[:, -1].argmax(dim=-1, keepdim=True)  # (1, 1)
        ids = torch.cat([ids, next_id], dim=1)
    return tokenizer.decode(ids[0].tolist())


corpus_sentences = {s.strip() + "." for s in text.replace("\n", " ").split(".") if s.strip()}
found = {name: [] for name in models}  # for each finished sentence: is it a corpus sentence?
for prompt in ["The", "She"]:
    for name, model in models.items():
        written = greedy_continuation(model, prompt)
        finished = [s.strip() + "." for s in written.split(".")[:-1]]  # drop the unfinished end
        found[name] += [s in corpus_sentences for s in finished]
        print(f"{name:>8}: {written}")
for name, hits in found.items():
    print(f"{name}: {sum(hits)} of {len(hits)} finished sentences are sentences of the corpus")
assert all(found["masked"])  # the honest model writes sentences it has learned
assert sum(found["unmasked"]) < len(found["unmasked"]) / 2  # the cheater mostly makes them up


# %% [markdown]
# Greedy decoding repeats itself in both cases (notebook 06 fixes that), but the
# masked model writes real sentences of the corpus, while most of the cheater's
# sentences, written without an answer sheet, never occur in its training text.
# A low training loss without a mask means nothing: a GPT is always trained with
# the causal mask.

# %% [markdown]
# ## Try it: switch the mask
#
# Tick and untick **Causal mask** to see the weight matrix of `The cat sat on the
# mat` change. The first printed line adds up all the weight that lands above the
# diagonal, that is, on tokens in the future.

# %%
# NBVAL_IGNORE_OUTPUT
def update(mask_on):
    print(mask_readout(mask_on, tokens, queries, keys, values, scaled_dot_product_attention,
                       causal_mask, draw=True))


widgets.interact(update, mask_on=widgets.Checkbox(value=True, description="Causal mask"));

# %% [markdown]
# ## Summary
#
# * A GPT is trained to predict the next token at every position of a window at
#   once. Plain attention would let each position read its own answer.
# * The **causal mask** is the lower-triangular matrix `tril(ones(T, T))`: position
#   `t` may attend to `0 … t`. In attention the forbidden scores become `-inf`, so
#   their weights are exactly 0 and each row still sums to 1. It equals PyTorch's
#   `is_causal=True`.
# * With the mask, changing tokens after `t` leaves every output at positions `≤ t`
#   unchanged: checked on an example and on 100 random ones.
# * The training loop: random windows, targets shifted by one, cross-entropy loss,
#   `backward()`, `optimizer.step()`, and `estimate_loss` on fixed batches.
# * Trained without the mask, the same model reaches a training loss less than half
#   the masked one's by copying the next token, and is far worse when it must
#   predict from the past alone, which is all generation ever offers.
#
# Next, notebook 06 stacks masked attention blocks into a full mini GPT, trains it
# with this loop and turns its scores into probabilities to sample from.

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** With the causal mask, which tokens of `The cat sat on the mat`
# may `on` attend to? Give them as a list, in sentence order.

# %%
# Your turn: replace the ... and run check_visible_tokens(visible).
visible = ...

# %%
# One solution: read row `on` of the mask
visible = [token for token, ok in zip(tokens, causal_mask(6)[on], strict=True) if ok]
assert check_visible_tokens(visible)

# %% [markdown]
# **Exercise 2.** `data = torch.arange(100, 110)` is a tiny "corpus". A training
# window of 4 tokens starting at index 3 has the inputs `[103, 104, 105, 106]`.
# What are its targets?

# %%
# Your turn: replace the ... and run check_targets(targets).
targets = ...

# %%
# One solution: the same window, one token later
tiny = torch.arange(100, 110)
targets = tiny[3 + 1 : 3 + 4 + 1].tolist()
assert check_targets(targets)


# %% [markdown]
# **Exercise 3.** Many libraries store the mask as numbers instead of booleans: a
# float matrix that is `0.0` where attending is allowed and `-inf` where it is not,
# simply **added** to the scores before softmax. Write
# `additive_causal_mask(length)` that returns it.

# %%
# Your turn: complete the function and run check_additive_mask(additive_causal_mask).
def additive_causal_mask(length):
    ...


# %%
# One solution: start from zeros and fill the forbidden places with -inf
def additive_causal_mask(length):  # noqa: F811 (replaces the blank above)
    return torch.zeros(length, length).masked_fill(~causal_mask(length), float("-inf"))


print(additive_causal_mask(3))
assert check_additive_mask(additive_causal_mask)
