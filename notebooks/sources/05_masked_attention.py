# %% [markdown]
# # 05 · Masked attention: no peeking
#
# In notebook 04 every token could look at every other token. That suits *reading* a
# sentence, and it ruins the job a GPT is trained for: **predict the next token**. If
# `sat` may look at everything, it can look at `on`, the very word it must guess.
#
# One small matrix, the **causal mask**, closes that loophole. This notebook builds it,
# proves it works, and trains a model without it to show what goes wrong.
#
# **Learning goals.** You will be able to
#
# 1. say why next-token training needs a mask;
# 2. build the causal mask, use it inside attention and check it against PyTorch's;
# 3. prove that tokens after position `t` cannot change any output at positions `≤ t`;
# 4. cut training examples (`get_batch`) and train a model in a loop of a few lines;
# 5. watch a model trained *without* the mask reach a far lower training loss, then fail
#    as soon as it has to write.

# %%
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.attention import MultiHeadAttention, scaled_dot_product_attention
from minillm_helpers.checks import check_data, check_int
from minillm_helpers.notebook_support.added_lines import show_added_lines
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.corpus import load_corpus, split_sentences
from minillm_helpers.notebook_support.examples import BANK_SENTENCE, bank_vectors
from minillm_helpers.notebook_support.exercises import nb05 as exercises
from minillm_helpers.notebook_support.plotting import heatmap, show
from minillm_helpers.notebook_support.widgets.nb05 import mask_readout
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer

_ = torch.manual_seed(0)  # the same random numbers on every run

# %% [markdown]
# ## 1. Why a mask? The exam with the answer sheet open
#
# A GPT learns by one game: *here are some words, what comes next?* Training asks the
# question at **every position of a window at once**: after `The`, predict `cat`;
# after `The cat`, predict `sat`; and so on. One pass through the model gives every
# guess. (The tokens are words: notebook 01's word tokenizer on the project's corpus.)

# %%
text = load_corpus()
tokenizer = WordTokenizer.from_text(text)
tokens = tokenizer.split("The cat sat on the mat")
for t in range(len(tokens) - 1):
    print(f"position {t}: knows {' '.join(tokens[: t + 1]):<20} must predict {tokens[t + 1]!r}")

# %% [markdown]
# The catch: the whole window sits in memory during that pass, answers included, and
# notebook 04's attention mixes **every** token of it into each output. Give the six
# tokens random queries, keys and values (only which weights are zero matters here)
# and look at the row of `sat`.

# %%
generator = torch.Generator().manual_seed(0)
queries, keys, values = (torch.randn(6, 8, generator=generator) for _ in range(3))  # (T, 8)
_, open_weights = scaled_dot_product_attention(queries, keys, values)  # no mask: (T, T)
show("Attention weights without a mask (row = who looks, column = at whom)", open_weights, tokens, tokens)
sat, on = tokens.index("sat"), tokens.index("on")
changed = values.clone()
changed[on] += 1.0  # change only what `on` hands over
sat_outputs = [scaled_dot_product_attention(queries, keys, v)[0][sat] for v in (values, changed)]
claim(f"sat puts {open_weights[sat, on]:.2f} of its attention on on, so changing on changes sat's output", not torch.allclose(*sat_outputs))

# %% [markdown]
# `sat`'s output is partly made of `on`: an exam with the answer sheet open. A model
# can learn to "predict" the next word by **copying** it from the next position. It
# would score brilliantly and learn nothing it can use, because when it writes new
# text the next word does not exist yet. Section 6 shows this happens.
#
# ## 2. The causal mask
#
# The rule: **position `t` may look at positions `0 … t`, never later.** As a yes/no
# table, one row per looking token and one column per looked-at token, "column ≤
# row" is the lower triangle, diagonal included. *Causal*: only the past may
# influence the present. (`device` says where the tensor lives, such as a GPU; these
# notebooks stay on the CPU.)

# %%
def causal_mask(length, device=None) -> torch.Tensor:
    """(length, length) booleans: row t is True at columns 0..t (itself and the past).

    >>> causal_mask(4).int()
    tensor([[1, 0, 0, 0],
            [1, 1, 0, 0],
            [1, 1, 1, 0],
            [1, 1, 1, 1]], dtype=torch.int32)
    """
    allowed = torch.ones(length, length, dtype=torch.bool, device=device)  # (T, T) all True
    return torch.tril(allowed)  # keep the diagonal and below: no column after the row


# %%
mask = causal_mask(len(tokens))  # (T, T) booleans
print(mask.int())
rows, columns = torch.arange(6)[:, None], torch.arange(6)[None, :]  # (6, 1), (1, 6)
claim("True exactly where column ≤ row: on and below the diagonal", torch.equal(mask, columns <= rows))
allowed = [token for token, ok in zip(tokens, mask[sat], strict=True) if ok]
claim(f"sat may attend to {allowed} only, never on, the, mat", allowed == ["The", "cat", "sat"])

# %% [markdown]
# ### Putting the mask into attention
#
# Notebook 04's `scaled_dot_product_attention` already takes a mask: it replaces every
# forbidden score by `-inf` before softmax, and since `exp(-inf) = 0`, those pairs get
# a weight of exactly zero while each row still adds up to 1. Causal attention is plain
# attention handed the causal mask.

# %%
def side_by_side(weights, titles, labels):  # two weight matrices as heatmaps
    for ax, w, title in zip(plt.subplots(1, 2, figsize=(12, 4.3))[1], weights, titles, strict=True):
        heatmap(w, row_labels=labels, col_labels=labels, ax=ax, vmin=0, vmax=1, title=title)
        ax.set(xlabel="looked at (key)", ylabel="looking (query)")
    plt.tight_layout()
    plt.show()


output, masked_weights = scaled_dot_product_attention(queries, keys, values, mask)  # (T, T)
side_by_side([open_weights, masked_weights], ["No mask", "Causal mask: only the past and itself"], tokens)
claim("every weight above the diagonal is exactly 0", (masked_weights[~mask] == 0).all())
claim("each row still adds up to 1", torch.allclose(masked_weights.sum(-1), torch.ones(6)))
old_row = open_weights[sat, : sat + 1]  # sat's weights on The, cat, sat without the mask
claim("sat's preferences among The, cat, sat are the old ones, rescaled to add up to 1",
      torch.allclose(masked_weights[sat, : sat + 1], old_row / old_row.sum()))

# %% [markdown]
# The first row is all `The`: the first token can look only at itself. Later rows
# spread over a longer past. So the mask also breaks notebook 03's symmetry: how many
# tokens a position sees depends on where it stands, and trained causal models with no
# position vectors at all do learn where each token stands (Haviv et al., 2022,
# *Transformer language models without positional encodings still learn positional
# information*). GPTs still add positions, as this series does. PyTorch has causal
# attention built in, `F.scaled_dot_product_attention(..., is_causal=True)`:

# %%
reference = F.scaled_dot_product_attention(queries, keys, values, is_causal=True)  # (T, 8)
claim("ours equals PyTorch's is_causal=True within 1e-5", torch.allclose(output, reference, atol=1e-5))

# %% [markdown]
# ## 3. What the mask does to `bank`
#
# In notebook 04, `bank` learned which bank it was from `river`, four tokens **later**.
# Here are notebook 04's hand-made vectors for *The bank of the river was muddy.* again.

# %%
bank_tokens = WordTokenizer.split(BANK_SENTENCE)
bank_queries, bank_keys, bank_values = bank_vectors()  # notebook 04's, kept in the package
_, open_bank = scaled_dot_product_attention(bank_queries, bank_keys, bank_values)  # (8, 8)
bank_out, bank_weights = scaled_dot_product_attention(bank_queries, bank_keys, bank_values, causal_mask(8))
side_by_side([open_bank, bank_weights], ["notebook 04: no mask", "causal mask"], bank_tokens)

# %%
bank, river, was, muddy = (bank_tokens.index(w) for w in ("bank", "river", "was", "muddy"))
claim("under the mask bank cannot see river: weight exactly 0", bank_weights[bank, river] == 0)
claim("bank's question finds nothing: 0.50 on The, 0.50 on itself", bank_weights[bank, 0] == bank_weights[bank, 1] == 0.5)
claim(f"so bank's output keeps its money sense ({bank_out[bank, 1]:.2f})", bank_out[bank, 1] > 0.2)
claim(f"muddy, after river, still looks back at it ({bank_weights[muddy, river]:.2f})", bank_weights[muddy, river] > 0.75)
claim(f"was looks back at the nouns before it: bank and river get {bank_weights[was, bank]:.2f} each",
      bank_weights[was, bank] == bank_weights[was, river] > 0.35)

# %% [markdown]
# `bank`'s question, *"a word about nature near me?"*, can no longer be answered:
# `river` has not been read yet. A GPT works the other way round: **later tokens
# gather context from earlier ones**. `was` looks back for its subject, `muddy` at
# `river`, and a trained model's `river` can look back at `bank`. "This is a riverbank"
# is assembled at the later positions, exactly where a GPT makes its guesses. (Models
# that only *read*, like BERT, attend both ways; they do not write word by word.)
#
# ## 4. Proof: the future changes nothing
#
# The promise: **change any tokens after position `t`, and every output at positions
# `0 … t` stays the same.** Check it on notebook 04's `MultiHeadAttention`, fed token
# embeddings (notebook 02) plus sinusoidal positions (notebook 03).

# %%
torch.manual_seed(0)
embedding = nn.Embedding(tokenizer.vocab_size, 16)  # one vector per word
layer = MultiHeadAttention(16, num_heads=2)


@torch.no_grad()
def layer_outputs(ids, mask=causal_mask):  # token IDs (T,) -> outputs (T, 16); mask: T -> (T, T)
    x = embedding(ids)[None] + sinusoidal_encoding(len(ids), 16)  # (1, T, 16)
    return layer(x, mask(len(ids)) if mask else None)[0]


sentences = ["The cat sat on the mat", "The cat sat still and waited"]  # the same up to sat
a, b = (layer_outputs(torch.tensor(tokenizer.encode(s))) for s in sentences)
unchanged = [bool(torch.allclose(a[i], b[i], atol=1e-6)) for i in range(6)]
claim(f"The, cat and sat keep their outputs; on, the, mat change (unchanged: {unchanged})", unchanged == [True] * 3 + [False] * 3)

# %% [markdown]
# One example is not a proof, so try many: random sequences of random lengths, a random
# position `t`, every token after `t` replaced by a different one.

# %%
generator = torch.Generator().manual_seed(1)
kept = leaked = 0  # trials where the past stayed the same (mask) / changed (no mask)
for _ in range(100):
    length = int(torch.randint(2, 13, (1,), generator=generator))
    ids = torch.randint(tokenizer.vocab_size, (length,), generator=generator)
    t = int(torch.randint(length - 1, (1,), generator=generator))  # keep 0..t, change the rest
    shift = torch.randint(1, tokenizer.vocab_size, (length,), generator=generator) * (torch.arange(length) > t)
    changed = (ids + shift) % tokenizer.vocab_size  # a different token after t, the same before
    kept += torch.allclose(layer_outputs(ids)[: t + 1], layer_outputs(changed)[: t + 1], atol=1e-6)
    leaked += not torch.allclose(layer_outputs(ids, None)[t], layer_outputs(changed, None)[t], atol=1e-6)
claim("100 of 100 random trials: with the mask, the future never changed the past", kept == 100)
claim("and without the mask it changed position t every time", leaked == 100)

# %% [markdown]
# Stacked masked layers keep the promise too: each mixes only positions `≤ t` into
# position `t`. Notebook 06's GPT is built so.
#
# PyTorch's fused kernel knows the causal pattern: told `is_causal=True` it need not
# read our mask (on a GPU that picks the fastest, "flash", kernel). The lines this adds
# to notebook 04's `MultiHeadAttention`, marked `+`:

# %%
show_added_lines(MultiHeadAttention, notebook=5)
inputs = embedding(torch.tensor([tokenizer.encode(sentences[0])])) + sinusoidal_encoding(6, 16)
told, masked, unmasked = layer(inputs, causal_mask(6), is_causal=True), layer(inputs, causal_mask(6)), layer(inputs)
claim("told is_causal=True, the kernel gives what the mask gives (and not what no mask gives)", torch.allclose(told, masked, atol=1e-6) and not torch.allclose(told, unmasked, atol=1e-3))

# %% [markdown]
# ## 5. Training examples: windows shifted by one
#
# To see what the mask is worth we train a model, so we need examples. The corpus
# becomes one long tensor of token IDs. An example is a random window of
# `context_length` tokens; its targets are the same window shifted one token right, so
# `targets[t]` follows `inputs[t]`. A batch is several windows stacked.

# %%
def get_batch(data, batch_size: int, context_length: int, generator=None):
    """Cut batch_size random windows of context_length tokens; targets are shifted by one.

    >>> x, y = get_batch(torch.arange(100, 110), 1, 4, torch.Generator().manual_seed(0))
    >>> x.tolist(), y.tolist()
    ([[102, 103, 104, 105]], [[103, 104, 105, 106]])
    """
    check_data(data, context_length)  # token IDs longer than the context (checks.py)
    check_int("batch_size", batch_size)
    starts = torch.randint(len(data) - context_length, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(context_length)  # (T,)
    x = data[starts[:, None] + offsets]  # (B, T): the windows the model reads
    y = data[starts[:, None] + offsets + 1]  # (B, T): each position's next token
    return x, y


# %%
data = torch.tensor(tokenizer.encode(text))  # the whole corpus as IDs
x, y = get_batch(data, batch_size=2, context_length=8, generator=torch.Generator().manual_seed(0))
print(f"{len(data):,} tokens, {tokenizer.vocab_size} different words; x: {tuple(x.shape)}, y: {tuple(y.shape)}")
print(f"inputs:  {tokenizer.decode(x[0].tolist())}\ntargets: {tokenizer.decode(y[0].tolist())}")
claim("the targets are the inputs shifted by one", torch.equal(y[:, :-1], x[:, 1:]))

# %% [markdown]
# ## 6. The cheating experiment
#
# A tiny language model from the earlier pieces: token embeddings (notebook 02) scaled
# by `√width`, plus sinusoidal positions (notebook 03); **one** multi-head attention
# layer (notebook 04) whose output is *added* to its input (a **residual connection**:
# each token keeps its vector and gains context), after a **layer norm** that scales
# each token's vector to mean 0 and spread 1 (notebook 06 says more about both); and an
# output layer giving one score per word. The only switch is `causal`.

# %%
class TinyModel(nn.Module):
    # embeddings + positions -> one attention layer (masked or not) -> scores per word

    def __init__(self, vocab_size, width, context_length, num_heads, causal):
        super().__init__()
        self.width, self.causal = width, causal
        self.token_embedding = nn.Embedding(vocab_size, width)
        nn.init.normal_(self.token_embedding.weight, std=1 / math.sqrt(width))
        self.positions = sinusoidal_encoding(context_length, width)  # fixed, not learned
        self.norm = nn.LayerNorm(width)
        self.attention = MultiHeadAttention(width, num_heads)
        self.output = nn.Linear(width, vocab_size)

    def forward(self, ids, targets=None):
        length = ids.shape[1]
        x = self.token_embedding(ids) * math.sqrt(self.width) + self.positions[:length]
        mask = causal_mask(length) if self.causal else None  # the only difference
        x = x + self.attention(self.norm(x), mask)  # residual: (B, T, width)
        logits = self.output(x)  # (B, T, vocab_size)
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.flatten(0, 1), targets.flatten())  # (B*T, vocab) vs (B*T,)


# %%
context_length = 16
models = {}
for name, causal in (("masked", True), ("unmasked", False)):
    torch.manual_seed(0)  # the same seed: both start from the same weights
    models[name] = TinyModel(tokenizer.vocab_size, 32, context_length, 2, causal)

# %% [markdown]
# **Training.** The loss is notebook 02's *cross-entropy*: minus the log of the
# probability given to the true next token, averaged over all positions (`ln(vocabulary
# size)` for a blind guess). Each step cuts a batch, computes the loss, lets
# `loss.backward()` find which way each weight should move, and lets AdamW move them a
# little. That loop is all of training; the package's `train` is this loop plus input
# checks and a loss estimate every few steps, and notebook 06 imports it. Both models get
# the same batches, steps and learning rate; then each is measured the way training sees
# it, on 64 fixed windows.

# %%
for model in models.values():
    generator = torch.Generator().manual_seed(0)  # the same windows, in the same order, for both
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    for _ in range(300):  # 300 steps
        x, y = get_batch(data, 32, context_length, generator)  # (B, T), (B, T)
        _, loss = model(x, y)  # how wrong the next-token guesses were
        optimizer.zero_grad()  # forget the previous step's gradients
        loss.backward()  # which way each weight should move to lower the loss
        optimizer.step()  # move them a little
x, y = get_batch(data, 64, context_length, generator=torch.Generator().manual_seed(5))
peeking = {name: model(x, y)[1].item() for name, model in models.items()}  # loss as training sees it
blind = math.log(tokenizer.vocab_size)  # the loss of a blind guess among all words
claim(f"the masked model learned a lot: training loss {peeking['masked']:.1f}", peeking["masked"] < 1.5)
claim(f"the unmasked one looks far better: {peeking['unmasked']:.1f}, under half that", peeking["unmasked"] < 0.5 * peeking["masked"])

# %% [markdown]
# ### How does it get so good? It reads the answer.
#
# Ask both what follows `sat` in `The cat sat ___ the mat`, with different words in the
# gap. The masked model cannot see the gap; the unmasked one "predicts" whatever is there.

# %%
gaps = ["on", "down", "suddenly", "quietly"]
prompts = torch.tensor([tokenizer.encode(f"The cat sat {word} the mat") for word in gaps])  # (4, 6)
guesses = {}
with torch.no_grad():
    for name, model in models.items():
        guesses[name] = [tokenizer.vocabulary[i] for i in model(prompts)[0][:, sat].argmax(-1).tolist()]
        print(f"{name:>8} model, its guess after sat for each gap: {guesses[name]}")
claim("the unmasked model copies the word in the gap", guesses["unmasked"] == gaps)
claim("the future cannot change the masked model's guess", len(set(guesses["masked"])) == 1)

# %% [markdown]
# ## 7. Generation: the future does not exist yet
#
# A model writing text sees only the words so far; there is nothing after them to
# copy. Measure exactly that: for each position `t`, feed **only tokens `0 … t`** and
# score the prediction of token `t + 1`. That honest exam is the one generation takes.

# %%
@torch.no_grad()
def honest_losses(model, x, y):  # loss at each position t when only tokens 0..t exist
    return torch.stack([F.cross_entropy(model(x[:, : t + 1])[0][:, -1], y[:, t])
                        for t in range(x.shape[1])])  # (T,)


per_position = {name: honest_losses(model, x, y) for name, model in models.items()}
honest = {name: losses.mean().item() for name, losses in per_position.items()}
claim("for the masked model both exams agree: it was honest all along", abs(honest["masked"] - peeking["masked"]) < 1e-4)
claim(f"the cheater fails the honest exam: {honest['unmasked']:.1f}, over twice the masked {honest['masked']:.1f}", honest["unmasked"] > 2 * honest["masked"])
claim("and over ten times its own training-style loss", honest["unmasked"] > 10 * peeking["unmasked"])

# %%
for name in models:
    plt.plot(per_position[name].numpy(), "o-", label=name)
plt.axhline(blind, color="grey", linestyle=":", label="blind guess")
plt.gca().set(xlabel="position t (the model sees tokens 0..t)", ylabel="loss", title="The honest exam, position by position")
plt.legend()
plt.show()
cheater = per_position["unmasked"]
claim(f"at position 0 the cheater ({cheater[0]:.1f}) is worse than a blind guess ({blind:.1f})", cheater[0] > blind)
claim(f"at the last position it does well ({cheater[-1]:.1f}), under half its average elsewhere", cheater[-1] < 0.5 * cheater[:-1].mean())

# %% [markdown]
# At position 0 the cheater is worse than a blind guess: it trusts the next position so
# completely that without one it is confidently wrong. At the **last** position, whose
# target always lay outside the window, it had to learn honestly, and it does well.
#
# Finally, let both write, *greedily*: take the likeliest next word, append, repeat.

# %%
@torch.no_grad()
def greedy_continuation(model, prompt, new_words=12):
    ids = torch.tensor([tokenizer.encode(prompt)])  # (1, T)
    for _ in range(new_words):
        logits, _ = model(ids[:, -context_length:])  # only the past exists
        ids = torch.cat([ids, logits[:, -1].argmax(dim=-1, keepdim=True)], dim=1)
    return tokenizer.decode(ids[0].tolist())


corpus_sentences = set(split_sentences(text))  # "The cat sat down.", ...
found = {}  # for each model, for each finished sentence: is it a sentence of the corpus?
for name, model in models.items():
    written = [greedy_continuation(model, prompt) for prompt in ["The", "She"]]
    print(f"{name:>8}:", "\n          ".join(written))
    found[name] = [s.strip() + "." in corpus_sentences for w in written for s in w.split(".")[:-1]]
claim("every sentence the masked model finished is a sentence of the corpus", found["masked"] and all(found["masked"]))
claim(f"the cheater writes fewer of them: {sum(found['unmasked'])} against {sum(found['masked'])}", sum(found["unmasked"]) < sum(found["masked"]))

# %% [markdown]
# Greedy text repeats itself (notebook 06 samples instead), but the masked model writes
# sentences of the corpus; the cheater, with nothing to copy, falls apart. A low
# training loss without a mask means nothing: a GPT is always trained with the mask.
#
# ## Try it: switch the mask
#
# Tick and untick **Causal mask**: the first printed line adds up the weight that lands
# above the diagonal, on future tokens.

# %% tags=["nbval-ignore-output"]
widgets.interact(lambda mask_on: print(mask_readout(mask_on, tokens, queries, keys, values, scaled_dot_product_attention, causal_mask, draw=True)),
                 mask_on=widgets.Checkbox(value=True, description="Causal mask", style={"description_width": "initial"}));

# %% [markdown]
# ## Summary
#
# * Next-token training asks every position at once; plain attention lets each read
#   its answer.
# * The **causal mask** `tril(ones(T, T))` lets position `t` attend to `0 … t`: the
#   forbidden weights are exactly 0, each row still sums to 1, as PyTorch's
#   `is_causal=True`.
# * Under it `bank` cannot see `river`; later tokens gather context from earlier ones.
# * Changing tokens after `t` leaves outputs at `≤ t` unchanged: one example, 100 random.
# * Training: windows with targets shifted by one (`get_batch`), cross-entropy,
#   `backward()`, an AdamW step, repeated.
# * Without the mask the model's training loss falls below half the masked one's by
#   copying, and it fails when it must predict from the past alone, as in generation.
#
# Next, notebook 06 stacks masked blocks into a mini GPT and samples from it.

# %% [markdown]
# ## Exercises
#
# **Exercise 1: break it, flip the mask.** `causal_mask(6).T` lets each token see
# itself and the tokens *after* it. Run section 4's `layer_outputs` with it on `The cat
# sat on the mat` and `The dog sat on the mat`. Which of the six outputs stay the same?
# Check six `True`/`False` values with `exercises.check_flipped_mask(unchanged)`.

# %%
# Your turn: replace the ... and run exercises.check_flipped_mask(unchanged).
unchanged = ...

# %% [markdown]
# **Exercise 2.** Many libraries store the mask as floats **added** to the scores before
# softmax: `0.0` where attending is allowed, `-inf` where not. Write
# `additive_causal_mask(length)`.

# %%
# Your turn: complete the function and run exercises.check_additive_mask(additive_causal_mask).
def additive_causal_mask(length):
    ...


# %% [markdown]
# ## Solutions
#
# Try the exercises first. Each solution runs and asks its checker.
#
# **Exercise 1.** Section 4's layer, with the mask turned over:

# %%
flipped = lambda length: causal_mask(length).T  # noqa: E731 (each token sees itself and later ones)
a, b = (layer_outputs(torch.tensor(tokenizer.encode(s)), flipped) for s in ("The cat sat on the mat", "The dog sat on the mat"))
unchanged = [bool(torch.allclose(a[i], b[i], atol=1e-6)) for i in range(6)]
exercises.check_flipped_mask(unchanged)

# %% [markdown]
# **Exercise 2.** Zeros, with `-inf` in the forbidden places:

# %%
def additive_causal_mask(length):  # noqa: F811 (replaces the blank above)
    return torch.zeros(length, length).masked_fill(~causal_mask(length), float("-inf"))


print(additive_causal_mask(3))
exercises.check_additive_mask(additive_causal_mask)
