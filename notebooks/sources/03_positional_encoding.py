# %% [markdown]
# # 03 · Positional encoding: the order problem
#
# `The cat ate the mouse.` and `The mouse ate the cat.` use exactly the same six tokens.
# One is a normal Tuesday; the other is news. The only difference is **order**.
#
# Notebook 02 gave every token a vector that says *what* it is. Nothing in that vector
# says *where* the token stands. And the part of a GPT that reads a sentence (attention,
# notebook 04) treats its input as a bag of vectors: shuffle them and it gives the same
# answers, shuffled. This notebook adds the missing piece, a **positional encoding**: a
# second vector per token, which depends only on its position, added to its embedding.
#
#     raw text -> tokenizer -> token IDs -> embeddings [+ positions] -> attention -> ... -> next
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. show that, without positions, two sentences with the same words in a different
#    order cannot be told apart;
# 2. explain why the plain index (0, 1, 2, ...) drowns the meaning, and why dividing it
#    by the length makes one position mean different things in different sentences;
# 3. build the sinusoidal encoding of the original Transformer: sines and cosines of the
#    position at many frequencies, bounded and independent of the sentence's length;
# 4. read its heatmap, and check that every position gets its own signature and that
#    nearby positions look more alike than distant ones;
# 5. explain why embeddings are multiplied by `√width` before the positions are added,
#    and watch a tiny model learn worse without it;
# 6. say how real models do it: learned position tables and rotary embeddings.
#
# As before, each claim is checked where you read it: `✓ ...` means it held.

# %%
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from minillm_helpers.embeddings import cosine_similarity, embed
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.exercises import nb03 as exercises
from minillm_helpers.notebook_support.plotting import heatmap
from minillm_helpers.notebook_support.widgets.nb03 import wave_readout
from minillm_helpers.tokenizer import WordTokenizer

_ = torch.manual_seed(0)  # fixed seed: the same "random" numbers every run

# %% [markdown]
# ## 1. Without positions, a sentence is a bag of words
#
# Two sentences, one tokenizer from notebook 01, and one random embedding table from
# notebook 02 (values of order 0.1, like the table notebook 02's model started from).

# %%
first, second = "The cat ate the mouse.", "The mouse ate the cat."
tok = WordTokenizer.from_text(first + " " + second)
ids_1, ids_2 = tok.encode(first), tok.encode(second)
print(first, "->", ids_1, "\n" + second, "->", ids_2)
claim("the two sentences hold the same tokens in another order", sorted(ids_1) == sorted(ids_2) and ids_1 != ids_2)

# %%
width = 8
table = 0.1 * torch.randn(tok.vocab_size, width)  # (vocab_size, width)
x_1, x_2 = embed(ids_1, table), embed(ids_2, table)  # (6, width) each
print("sentence 1:", tuple(x_1.shape), " sentence 2:", tuple(x_2.shape))


# %% [markdown]
# Now a stand-in for what comes next. Notebook 04's attention lets every token look at
# every other and take a weighted average of them, with weights that depend only on how
# alike the vectors are. The bare bones of that idea (no learned parts yet):

# %%
def mix(vectors):
    # Each output: an average of all the vectors, weighted by similarity to this one.
    weights = torch.softmax(vectors @ vectors.T / math.sqrt(vectors.shape[-1]), dim=-1)
    return weights @ vectors  # (T, T) @ (T, width) -> (T, width)


mixed_1, mixed_2 = mix(x_1), mix(x_2)
print("mixed:", tuple(mixed_1.shape))

# %% [markdown]
# `cat` is token 1 of the first sentence and token 4 of the second. Its output is the same
# in both, and so is every other token's: swapping the words only swaps the rows. Anything
# that summarises the sentence (here, the average row) is identical. For this computation
# the two sentences are the same sentence.

# %%
cat_1, cat_2 = ids_1.index(tok.unit_to_id["cat"]), ids_2.index(tok.unit_to_id["cat"])
order = [ids_1.index(i) for i in ids_2]  # where each token of sentence 2 sits in sentence 1
print("cat stands at", cat_1, "and at", cat_2)
claim("sentence 2's outputs are sentence 1's, reordered", torch.allclose(mixed_2, mixed_1[order], atol=1e-6))
claim("cat's output is the same in both sentences", torch.allclose(mixed_1[cat_1], mixed_2[cat_2], atol=1e-6))
claim("the average output cannot tell the sentences apart", torch.allclose(mixed_1.mean(dim=0), mixed_2.mean(dim=0), atol=1e-6))


# %% [markdown]
# The fix: before mixing, add to each token's vector a second vector that depends on its
# **position**. Then `cat` at position 1 and `cat` at position 4 are different inputs. What
# should that position vector be? We try three answers, and keep the third.
#
# ## 2. First try: the index itself
#
# The simplest idea: position `p` adds `p` to every value of the token's vector.

# %%
def raw_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p is the vector (p, p, ..., p): it grows without bound."""
    positions = torch.arange(num_positions, dtype=torch.float32)  # (T,)
    return positions[:, None].expand(num_positions, width).clone()  # (T, width)


# %%
raw = raw_index_encoding(2000, width)  # (positions, width)
print("raw encoding:", tuple(raw.shape), " position 2:", raw[2].tolist(), " position 1999:", raw[1999, :2].tolist(), "...")
claim("position 1999 adds 1999 to every value", raw[1999].tolist() == [1999.0] * width)

# %% [markdown]
# It does tell the two sentences apart. But look at the sizes. The embedding values are
# about 0.1; a token at position 1999 gets 1999 added to each of them. The meaning is a
# ripple on top of a tower. Two *different* words at that position become almost the same
# vector:

# %%
cat, mouse = embed(tok.encode("cat mouse"), table)  # two (width,) vectors
before = float(cosine_similarity(cat, mouse))
after = float(cosine_similarity(cat + raw[1999], mouse + raw[1999]))
print(f"largest embedding value: {float(table.abs().max()):.2f}")
print(f"cosine(cat, mouse) alone: {before:+.3f}   both at position 1999: {after:.6f}")
claim("at position 1999, cat and mouse point the same way (cosine > 0.99999)", after > 0.99999 and abs(before) < 0.9)

fig, axes = plt.subplots(1, 2, figsize=(9, 3.3), layout="constrained")
for ax, shift, title in ((axes[0], 0.0, "no position"), (axes[1], raw[1999], "+ raw index 1999")):
    ax.bar(torch.arange(width) - 0.2, cat + shift, width=0.4, label="cat")
    ax.bar(torch.arange(width) + 0.2, mouse + shift, width=0.4, label="mouse")
    ax.set(title=title, xlabel="dimension")
axes[0].legend()
fig.suptitle("The raw index drowns the meaning: at 1999 the two words look the same")
plt.show()


# %% [markdown]
# There is a second problem: the numbers grow without bound. A model trained on sentences
# of 50 tokens has never seen the value 1999, and large inputs make training unstable.
#
# ## 3. Second try: divide by the length
#
# Keep the values between 0 and 1: position `p` of a sentence of `T` tokens gets `p / T`.

# %%
def normalized_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p of a sequence of length T is p / T: the same p, a value that depends on T."""
    return raw_index_encoding(num_positions, width) / num_positions  # (T, width)


# %%
short, long = normalized_index_encoding(3, width), normalized_index_encoding(100, width)
print(f"index 2 of a 3-token sentence:   2/3   = {float(short[2, 0]):.3f}")
print(f"index 2 of a 100-token sentence: 2/100 = {float(long[2, 0]):.3f}")
claim("the same index 2 gives 0.667 in 3 tokens and 0.02 in 100", (round(float(short[2, 0]), 3), round(float(long[2, 0]), 3)) == (0.667, 0.02))
claim("but the values stay in [0, 1)", 0 <= float(long.min()) and float(long.max()) < 1)


# %% [markdown]
# (The article writes 2/3 as 0.666, the digits cut off after three places; we round to
# three places and print 0.667. The same 0.6666..., written two ways.)
#
# Bounded, yes. But the *same* position, the third token, gets 0.667 in one sentence and
# 0.02 in another. And the same value means different positions: 0.5 is token 1 of 2 and
# token 50 of 100. The model could never learn "the word right after the first one" as a
# fixed pattern, and the value of every position changes each time a token is generated and
# the sentence grows.
#
# ## 4. Third try: a wave
#
# We want a number that is bounded *and* depends on the position alone. A sine does both:
# `sin(p × f)` stays in [-1, 1] for any position `p`, and a fixed frequency `f` sets how fast
# it turns. With `f = 0.5`, position 2 gets `sin(2 × 0.5) = sin(1) = 0.841`, in a sentence of
# 3 tokens or of 100.

# %%
def wave(position, frequency):
    return math.sin(position * frequency)


print(f"sin(2 × 0.5) = {wave(2, 0.5):.3f}")
claim("sin(2 × 0.5) = sin(1) = 0.841, whatever the length", round(wave(2, 0.5), 3) == round(math.sin(1), 3) == 0.841)


# %% [markdown]
# Try it: move the frequency and the index. The grey curve is the wave, the dots are the
# positions a sentence can have (only whole numbers), the red dot is the chosen one. (The
# code is `wave_readout` in `minillm_helpers/notebook_support/widgets/nb03.py`; the wave is
# the `wave` you just wrote.)

# %% tags=["nbval-ignore-output"]
def show_wave(frequency, index):
    print(wave_readout(frequency, index, wave, length=20, draw=True))


style = {"description_width": "initial"}
frequency_slider = widgets.FloatSlider(value=0.5, min=0.0, max=3.0, step=0.05, description="Frequency", style=style)
index_slider = widgets.IntSlider(value=2, min=0, max=19, description="Index", style=style)
widgets.interact(show_wave, frequency=frequency_slider, index=index_slider);


# %% [markdown]
# One wave has a weakness, which the slider shows: it repeats. With frequency 1 the wave
# comes round every 2π ≈ 6.28 positions, so positions 0 and 44 (seven turns later) get
# nearly the same value. Another weakness: a sine goes up and comes back down, so on its
# way down it hands out the values of earlier positions again.
#
# ## 5. Many waves: the sinusoidal encoding
#
# The original Transformer (Vaswani et al., 2017) fixes both with *many* waves. The vector
# of position `p` has `width` numbers, in pairs: pair `i` holds `sin(p × fᵢ)` and
# `cos(p × fᵢ)`. The cosine is the same wave shifted a quarter turn, so where the sine is
# going up or coming down, the cosine tells which. The frequencies fall from 1 (a full turn
# every 2π ≈ 6.3 positions) towards `1/10000` (a turn every 2π × 10000 ≈ 63,000 positions):
#
# $$f_i = 10000^{-i/\text{width}}, \quad i = 0, 2, 4, \ldots$$

# %%
def frequencies(width: int, base: float = 10000.0) -> torch.Tensor:
    """One frequency per sine/cosine pair: 1 (fast) down towards 1/base (slow)."""
    pair_index = torch.arange(0, width, 2, dtype=torch.float32)  # 0, 2, 4, ...
    return base ** (-pair_index / width)  # (ceil(width / 2),)


# %%
f = frequencies(16)
print("frequencies:", [round(value, 4) for value in f.tolist()])
print("a full turn every", [round(2 * math.pi / value) for value in f.tolist()], "positions")
claim("the frequencies fall from 1 towards 1/10000", f[0] == 1 and bool((f[1:] < f[:-1]).all()) and float(f[-1]) > 1 / 10000)


# %%
def sinusoidal_encoding(num_positions: int, width: int, base: float = 10000.0) -> torch.Tensor:
    """Even columns sin(p * f_i), odd columns cos(p * f_i), as in the original Transformer."""
    positions = torch.arange(num_positions, dtype=torch.float32)[:, None]  # (T, 1)
    angles = positions * frequencies(width, base)[None, :]  # (T, ceil(width / 2))
    encoding = torch.zeros(num_positions, width)  # (T, width)
    encoding[:, 0::2] = torch.sin(angles)
    encoding[:, 1::2] = torch.cos(angles[:, : width // 2])  # an odd width has one sine more
    return encoding


# %%
encoding = sinusoidal_encoding(50, 16)  # (positions, width)
print("encoding:", tuple(encoding.shape), " position 0:", encoding[0].tolist())
claim("position 0 is sin 0 = 0 and cos 0 = 1, alternating", encoding[0, 0::2].eq(0).all() and encoding[0, 1::2].eq(1).all())
claim("each cosine column is its sine shifted a quarter turn", torch.allclose(encoding[:, 1], torch.sin(torch.arange(50.0) + math.pi / 2), atol=1e-5))

# %% [markdown]
# The worked example is in there too. With a width of 4 and a base of 4 instead of 10000,
# the two frequencies are 1 and `4^(-2/4) = 0.5`, so column 2 is `sin(p × 0.5)`: position 2
# reads 0.841, in the 3-token sentence and in the 100-token one. In fact the two encodings
# agree on every shared position, at the usual base too: no value depends on the length.
# And the values stay in [-1, 1] however far we go.

# %%
values = [float(sinusoidal_encoding(length, 4, base=4.0)[2, 2]) for length in (3, 100)]
print("frequencies with base 4:", frequencies(4, base=4.0).tolist(), " position 2, column 2:", [round(v, 3) for v in values])
claim("position 2 reads 0.841 in a 3-token and a 100-token sentence", [round(v, 3) for v in values] == [0.841, 0.841])
claim("the encodings of 3 and 100 positions agree on the shared positions", torch.equal(sinusoidal_encoding(3, 64), sinusoidal_encoding(100, 64)[:3]))
claim("2000 positions stay within [-1, 1]", sinusoidal_encoding(2000, 64).abs().max() <= 1)

# %% [markdown]
# ## 6. What the encoding looks like
#
# One row per position, one column per dimension. On the left, 50 positions: the left
# columns flicker from row to row (fast waves), and further right they change ever more
# slowly, until the last columns look constant. They are not constant, only slow: the
# slowest pair turns once every `2π × 10000^(14/16)` positions, about 19,869, so over 50
# positions it hardly moves. On the right the same 16 columns over 2,000 positions: now
# the slow columns visibly rise and fall, while the fast ones flicker faster than the
# picture can show.

# %%
long_view = sinusoidal_encoding(2000, 16)
fig, axes = plt.subplots(1, 2, figsize=(11, 5), layout="constrained")
for ax, shown, title in ((axes[0], encoding, "50 positions"), (axes[1], long_view, "2,000 positions")):
    heatmap(shown, ax=ax, annotate=False, cmap="coolwarm", vmin=-1, vmax=1, title=f"Sinusoidal encoding: {title} × 16 dimensions")
    ax.set(xlabel="dimension (even: sin, odd: cos)", ylabel="position")
plt.show()
slowest = [float(view[:, 14].max() - view[:, 14].min()) for view in (encoding, long_view)]
print(f"one turn of the slowest pair every {2 * math.pi / float(f[-1]):,.0f} positions; column 14 moves by {slowest[0]:.3f} over 50 positions, {slowest[1]:.2f} over 2,000")
claim("the slowest column is slow, not constant: it moves by under 0.02 over 50 positions, over 0.5 over 2,000", slowest[0] < 0.02 and slowest[1] > 0.5)

# %% [markdown]
# The fast and the slow waves do different jobs. Fast waves separate **neighbours**:
# positions 0 and 1 differ by 0.84 in column 0 but by almost nothing in the slowest column.
# Slow waves separate **distant** positions: column 0 has come round again by position 44,
# but column 4 (frequency 0.1) has not.

# %%
fig, ax = plt.subplots(figsize=(7, 2.8))
for column in (0, 4, 14):
    ax.plot(encoding[:, column], ".-", label=f"column {column}: sin(p × {float(f[column // 2]):.4f})")
ax.set_xlabel("position p")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
plt.show()


# %%
def gap(p, q, column):
    return abs(float(encoding[p, column] - encoding[q, column]))


print(f"neighbours 0 and 1:  column 0 {gap(0, 1, 0):.3f}, column 14 {gap(0, 1, 14):.4f}")
print(f"distant 0 and 44:    column 0 {gap(0, 44, 0):.3f}, column 4  {gap(0, 44, 4):.3f}")
claim("neighbours 0 and 1 differ in the fast column, not the slowest", gap(0, 1, 0) > 0.8 and gap(0, 1, 14) < 0.001)
claim("positions 0 and 44 look alike in the fast column, not in column 4", gap(0, 44, 0) < 0.02 and gap(0, 44, 4) > 0.9)

# %% [markdown]
# Together the waves give every position its own **signature**. Among 200 positions, no two
# rows are close: the smallest distance between two of them is well away from 0.

# %%
signatures = sinusoidal_encoding(200, 32)  # (200, 32)
closest = float((torch.cdist(signatures, signatures) + 100 * torch.eye(200)).min())  # p vs p ignored
print(f"smallest distance between two different positions: {closest:.2f}")
claim("every one of 200 positions has a distinct signature (distance > 0.5)", closest > 0.5)

# %% [markdown]
# How alike are two positions? Take the dot product of their vectors. Each pair of columns
# contributes `sin(p f)·sin(q f) + cos(p f)·cos(q f) = cos((p − q) f)`, so the dot product
# depends only on the **distance** `p − q`, not on where the two positions are. It is largest
# (`width / 2`) at distance 0 and, wiggles aside, falls as the positions move apart.

# %%
dots = signatures[0] @ signatures.T  # (200,): position 0 against positions 0..199
shifted = [float(signatures[p] @ signatures[p + 5]) for p in range(190)]  # always 5 apart
print("dot product at distances 0, 1, 5, 20, 100:", [round(float(dots[k]), 1) for k in (0, 1, 5, 20, 100)])
plt.figure(figsize=(7, 2.8)).gca().set(xlabel="distance between two positions", ylabel="dot product", title="Nearby positions look alike; distant ones less so")
plt.plot(dots, ".-", markersize=3)
plt.show()
claim("the dot product depends only on the distance (5 apart: spread < 0.001)", max(shifted) - min(shifted) < 1e-3)
claim("it is largest, width / 2 = 16, at distance 0", float(dots[0]) == dots.max() == 32 / 2)
claim("and falls with distance on average", dots[1:10].mean() > dots[10:50].mean() > dots[50:200].mean())

# %% [markdown]
# ## 7. Scale still matters
#
# Sines and cosines are bounded, but they are not small. Each pair of columns contributes
# `sin² + cos² = 1` to the squared length, so every position vector has length `√(width/2)`:
# 5.66 for a width of 64. A common way to start an embedding table, and the one notebook 06
# uses, is random values spread about `1/√width`: then every row has length about 1. Add
# the two, and the position still does most of the talking.

# %%
width = 64
meanings = torch.randn(10, width, generator=torch.Generator().manual_seed(0)) / math.sqrt(width)  # 10 tokens
positions = sinusoidal_encoding(10, width)  # token t stands at position t
print(f"typical length: meaning {float(meanings.norm(dim=1).mean()):.2f}, position {float(positions.norm(dim=1).mean()):.2f}")
claim("every position vector has length sqrt(64 / 2) = 5.66", torch.allclose(positions.norm(dim=1), torch.tensor(math.sqrt(width / 2))))


# %%
def how_much_meaning_survives(scale):
    inputs = meanings * scale + positions  # (10, width): what the model would read
    kept = float(cosine_similarity(inputs, meanings).mean())  # input still points at meaning?
    swapped = meanings[[1, 0]] * scale + positions[:2]  # two words, positions kept
    alike = float(cosine_similarity(inputs[:2], swapped).mean())  # other word, same place
    return kept, alike


(kept_1, alike_1), (kept_8, alike_8) = how_much_meaning_survives(1), how_much_meaning_survives(math.sqrt(width))
print(f"scale 1: cosine with its meaning {kept_1:.2f}, with another word at the same place {alike_1:.2f}")
print(f"scale 8: cosine with its meaning {kept_8:.2f}, with another word at the same place {alike_8:.2f}")
claim("unscaled, the position drowns the word", kept_1 < 0.3 and alike_1 > 0.9)
claim("scaled by sqrt(width) = 8, the word is heard again", kept_8 > 0.7 and alike_8 < 0.5)


# %% [markdown]
# The fix the original Transformer used is the second line: **multiply the embeddings by
# `√width`** (√64 = 8) before adding the positions. Values that start near `1/√width` become
# values near 1, the same scale as the sines and cosines, so meaning and position share the
# vector fairly. Notebook 06's model does exactly this:
# `token_embedding(ids) * sqrt(width) + sinusoidal_encoding(...)`.
#
# Couldn't training just make the embeddings bigger? Eventually, but it has to spend its
# steps on that first. A task that tests only whether the meaning survives: read each token
# back from its `meaning × scale + position` vector (64 positions, 16 tokens, a linear
# read-out, 60 small gradient steps). Same data, same steps, same start.
#
# One care makes the race fair. Multiplying the table by 8 also multiplies its gradient by
# 8, so each plain gradient step (notebook 02's `w -= lr * grad`) would move the model's
# input 8 × 8 = 64 times further: as if the embeddings had a 64 times larger learning
# rate. So the scaled run steps its table with `lr / 64`, and a step moves the input as far
# in both runs; the one difference left is where the meaning starts. A third run shows the
# other effect alone: no scale, but table steps 64 times larger.

# %%
def read_back_losses(scale, table_lr, vocab_size=16, length=64, steps=60, lr=0.2, seed=0):
    generator = torch.Generator().manual_seed(seed)
    table = (torch.randn(vocab_size, width, generator=generator) / math.sqrt(width)).requires_grad_()
    readout = torch.zeros(width, vocab_size, requires_grad=True)
    losses = []
    for _ in range(steps):
        ids = torch.randint(vocab_size, (8, length), generator=generator)  # (8, length)
        scores = (table[ids] * scale + sinusoidal_encoding(length, width)) @ readout  # (8, length, vocab)
        loss = F.cross_entropy(scores.reshape(-1, vocab_size), ids.reshape(-1))
        table.grad = readout.grad = None
        loss.backward()
        with torch.no_grad():
            table -= table_lr * table.grad
            readout -= lr * readout.grad
        losses.append(loss.item())
    return losses


# %%
runs = {"embedding × √width + position (table lr / 64)": read_back_losses(math.sqrt(width), table_lr=0.2 / width),
        "embedding + position": read_back_losses(1.0, table_lr=0.2),
        "embedding + position (table lr × 64)": read_back_losses(1.0, table_lr=0.2 * width)}
plt.figure(figsize=(6, 3)).gca().set(xlabel="step", ylabel="cross-entropy loss", title="Reading each token back from its input vector")
for label, losses in runs.items():
    plt.plot(losses, label=label)
plt.axhline(math.log(16), color="gray", linestyle=":", label="guessing (log 16)")
plt.legend(fontsize=8)
plt.show()
end_scaled, end_unscaled, end_big_steps = (sum(losses[-10:]) / 10 for losses in runs.values())
claim("scaled, in a fair race, the tokens are read back almost perfectly (loss < 0.1)", end_scaled < 0.1)
claim("unscaled, it is still nearer guessing than knowing", math.log(16) / 2 < end_unscaled < math.log(16) and end_unscaled > 10 * end_scaled)
claim("unscaled with 64 times larger table steps, it catches up too (loss < 0.1)", end_big_steps < 0.1)

# %% [markdown]
# With the scale, the model can tell which token it is reading almost at once; without it,
# after the same 60 steps it is still much closer to guessing than to knowing. The third
# curve is the honest footnote: the ×√width does two jobs at once, and either alone is
# enough here. It starts the meaning at the positions' scale, and it makes every step of
# the table count more, so that one learning rate suits both the small embeddings and the
# rest of the model. In a real model every later layer pays for the confusion while it
# lasts.
#
# ## 8. How real models do it
#
# Sinusoids are where the story of positions starts, not where it ends.
#
# - **Learned position tables.** GPT-2 and nanoGPT keep a second embedding table, one row
#   per position up to the longest context (1,024 for GPT-2), trained like the token table
#   and added to it. Simple and effective, but a position past the table's last row has no
#   vector at all.
# - **Rotary embeddings (RoPE).** Most current models (Llama, Mistral, Qwen, ...) add nothing
#   to the embeddings. Inside attention they *rotate* each query and key vector: pair `i` of
#   its numbers, seen as a point in a plane, turns by the angle `p × fᵢ`, with the very
#   frequencies of section 5. The score of a query at `m` against a key at `n` then depends
#   only on the distance `m − n`, because turning both by their own angles leaves the
#   difference. The function is kept in the package; the picture is the proof.

# %%
def rotate_pairs(vectors: torch.Tensor, positions: torch.Tensor, base: float = 10000.0):
    """RoPE: turn pair i (columns 2i, 2i+1) of the vector at position p by the angle p * f_i."""
    angles = positions[:, None] * frequencies(vectors.shape[-1], base)  # (T, width / 2)
    cos, sin = torch.cos(angles), torch.sin(angles)
    even, odd = vectors[..., 0::2], vectors[..., 1::2]  # the pairs (x, y), each (T, width / 2)
    rotated = torch.empty_like(vectors)  # (T, width)
    rotated[..., 0::2] = even * cos - odd * sin  # a 2-D rotation of (x, y) by the angle
    rotated[..., 1::2] = even * sin + odd * cos
    return rotated


# %%
query, key = torch.randn(2, 16, generator=torch.Generator().manual_seed(1))  # one query, one key
T = torch.arange(12.0)  # positions 0..11
scores = rotate_pairs(query.expand(12, 16), T) @ rotate_pairs(key.expand(12, 16), T).T  # (12, 12)
heatmap(scores, annotate=False, cmap="coolwarm", title="RoPE: score of a query at m and a key at n").set(ylabel="query position m", xlabel="key position n")
plt.show()
same_along_diagonals = all(torch.allclose(scores.diagonal(d), scores.diagonal(d)[0].expand(12 - abs(d)), atol=1e-4) for d in range(-11, 12))
gpt2_table = nn.Embedding(1024, 768)  # GPT-2 small's learned positions: one trained row each
print(f"GPT-2 small's position table: {tuple(gpt2_table.weight.shape)}, {gpt2_table.weight.numel():,} learned numbers")
claim("with RoPE the same query and key score the same at every pair of positions the same distance apart", same_along_diagonals)

# %% [markdown]
# Each diagonal of the picture is one distance `m − n`, and along it the colour never
# changes. So why does this series teach sinusoids first? They need no training, so every
# property can be seen and checked on its own; they are the original Transformer's choice,
# still a fair baseline; and their frequencies, `10000^(-i/width)`, are exactly the angles
# RoPE turns by. Learned tables are one `nn.Embedding` more; RoPE is a rotation you now know
# how to read. (Notebook 06 uses the sinusoids, scaled as in section 7.)
#
# ## Summary
#
# * Without positions, a sentence is a **bag** of vectors: `The cat ate the mouse.` and
#   `The mouse ate the cat.` give the same outputs, reordered. A position vector added to each
#   embedding fixes that.
# * The **raw index** drowns the meaning: at position 1999, `cat` and `mouse` have cosine
#   0.99999... And it grows without bound.
# * The **normalized index** `p / T` is bounded but depends on the length: index 2 is
#   2/3 = 0.667 in 3 tokens and 2/100 = 0.02 in 100.
# * A **sine** depends only on the index and a fixed frequency: `sin(2 × 0.5) = 0.841` at any
#   length, always within [-1, 1].
# * The **sinusoidal encoding** uses sine/cosine pairs at frequencies from 1 down towards
#   1/10000: fast waves separate neighbours, slow waves separate distant positions, every
#   position gets a distinct signature, and the dot product of two positions depends only on
#   their distance, falling (with wiggles) as it grows.
# * **Scale**: a position vector has length `√(width/2)`; embeddings that start near
#   `1/√width` per value are multiplied by `√width` so the meaning is not drowned. The
#   factor also scales their gradients, so a fair comparison divides their learning rate
#   by `width`; even then the scaled model reads its tokens back far sooner.
# * **In practice**: learned position tables (GPT-2, nanoGPT) or rotary embeddings (most
#   current models), which turn queries and keys so that scores depend on relative distance.
#
# Next, notebook 04: attention, where tokens finally look at each other, and now know where
# they each stand.
#
# ## Exercises
#
# Each exercise has a blank for you and a checker that gives instant feedback. Worked
# solutions are at the end of the notebook; try first.
#
# **Exercise 1.** Write `encode_position(position, width)` that returns the sinusoidal vector
# of one position as a list of `width` numbers, using only `math` (no torch): `sin` in the
# even places, `cos` in the odd ones, frequency `10000 ** (-i / width)` for `i = 0, 2, 4, ...`.

# %%
def my_encode_position(position, width):
    ...  # your code here


exercises.check_position_vector(my_encode_position)

# %% [markdown]
# **Exercise 2. Take the positions away.** Notebook 06's model reads each token as
# `embed(ids, table) * √width + sinusoidal_encoding(len(ids), width)`; `my_inputs` below
# does the same. Change it so the model gets no positions at all, run the cell, and read
# what the checker finds when it feeds in `The cat ate the mouse.` and
# `The mouse ate the cat.`. Predict first: what can the model still tell apart?

# %%
def my_inputs(ids, table):
    width = table.shape[1]
    return embed(ids, table) * math.sqrt(width) + sinusoidal_encoding(len(ids), width)  # change me


exercises.check_without_positions(my_inputs)

# %% [markdown]
# **Going further.** Rerun `read_back_losses(1.0, table_lr=0.2, steps=600)` and see how
# long the unscaled model takes to catch up. Or make the encoding's `base` small (say 10)
# and look at the heatmap and at the smallest distance between two of 200 positions: what
# goes wrong when even the slowest wave turns quickly?
#
# ## Solutions
#
# **Exercise 1.** One pair of numbers per frequency; an odd width ends with a sine.

# %%
def encode_position(position, width):
    values = []
    for i in range(0, width, 2):
        angle = position * 10000 ** (-i / width)
        values += [math.sin(angle), math.cos(angle)]
    return values[:width]


exercises.check_position_vector(encode_position)
claim("and it matches sinusoidal_encoding", torch.allclose(torch.tensor(encode_position(7, 6)), sinusoidal_encoding(8, 6)[7]))

# %% [markdown]
# **Exercise 2.** Drop the `+ sinusoidal_encoding(...)`. Each token's vector then depends
# only on which token it is, never on where it stands, so the two sentences are the same
# bag of vectors in another order. Section 1's `mix` confirms it: its outputs for the
# second sentence are those for the first, reordered. The model could not tell who ate
# whom.

# %%
def inputs_without_positions(ids, table):
    return embed(ids, table) * math.sqrt(table.shape[1])


exercises.check_without_positions(inputs_without_positions)
mixed_a, mixed_b = mix(inputs_without_positions(ids_1, table)), mix(inputs_without_positions(ids_2, table))
claim("without positions, mix gives sentence 2 the outputs of sentence 1, reordered", torch.allclose(mixed_b, mixed_a[order], atol=1e-6))
