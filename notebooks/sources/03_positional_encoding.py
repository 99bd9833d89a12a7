# %% [markdown]
# # 03 · Positional encoding: the order problem
#
# `The cat ate the mouse.` and `The mouse ate the cat.` use the same six tokens. One is a
# normal Tuesday; the other is news. The only difference is **order**.
#
# Notebook 02's vectors say *what* a token is, not *where* it stands, and attention
# (notebook 04) treats its input as a bag: shuffle the vectors and its answers are
# shuffled the same way. The missing piece is a **positional encoding**: a second vector
# per token, depending only on its position, added to its embedding.
#
#     raw text -> tokenizer -> token IDs -> embeddings [+ positions] -> attention -> ... -> next
#
# **Learning goals.** By the end you will be able to
#
# 1. show that without positions two sentences with the same words in another order
#    cannot be told apart;
# 2. explain why the raw index drowns the meaning, and why dividing it by the length
#    makes one position mean different things in different sentences;
# 3. build the original Transformer's sinusoidal encoding, bounded and independent of
#    the length, and read its heatmap;
# 4. explain why embeddings are multiplied by `√width` before positions are added;
# 5. say how real models do it: learned position tables and rotary embeddings.
#
# As before, each claim is checked where you read it: `✓ ...` means it held.

# %%
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
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
# Two sentences, notebook 01's word tokenizer, and a random embedding table with values
# of order 0.1, like the one notebook 02's model started from.

# %%
first, second = "The cat ate the mouse.", "The mouse ate the cat."
tok = WordTokenizer.from_text(first + " " + second)
ids_1, ids_2 = tok.encode(first), tok.encode(second)
print(first, "->", ids_1, "\n" + second, "->", ids_2)
width = 8
table = 0.1 * torch.randn(tok.vocab_size, width)  # (vocab_size, width)
x_1, x_2 = embed(ids_1, table), embed(ids_2, table)  # (6, width) each
claim("the two sentences hold the same tokens in another order", sorted(ids_1) == sorted(ids_2) and ids_1 != ids_2)


# %% [markdown]
# A stand-in for notebook 04's attention: every token takes an average of all the
# vectors, weighted by how alike they are to its own (no learned parts yet).

# %%
def mix(vectors):
    # Each output: an average of all the vectors, weighted by similarity to this one.
    weights = torch.softmax(vectors @ vectors.T / math.sqrt(vectors.shape[-1]), dim=-1)
    return weights @ vectors  # (T, T) @ (T, width) -> (T, width)


mixed_1, mixed_2 = mix(x_1), mix(x_2)
cat_1, cat_2 = ids_1.index(tok.unit_to_id["cat"]), ids_2.index(tok.unit_to_id["cat"])
order = [ids_1.index(i) for i in ids_2]  # where each token of sentence 2 sits in sentence 1
claim("sentence 2's outputs are sentence 1's, reordered", torch.allclose(mixed_2, mixed_1[order], atol=1e-6))
claim(f"cat's output is the same in both sentences (at position {cat_1} and at {cat_2})", torch.allclose(mixed_1[cat_1], mixed_2[cat_2], atol=1e-6))

# %% [markdown]
# For this computation the two sentences are one sentence, shuffled. The fix: add to each
# token's vector a second vector that depends on its **position**, so `cat` at 1 and `cat`
# at 4 become different inputs. Which vector? We try three answers and keep the third.
#
# ## 2. First try: the index itself
#
# Position `p` adds `p` to every value of the token's vector.

# %%
def raw_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p is the vector (p, p, ..., p): it grows without bound."""
    positions = torch.arange(num_positions, dtype=torch.float32)  # (T,)
    return positions[:, None].expand(num_positions, width).clone()  # (T, width)

# %%
raw = raw_index_encoding(2000, width)  # (positions, width)
claim(f"raw encoding {tuple(raw.shape)}: position 2 is {raw[2].tolist()}, position 1999 adds 1999 to every value", raw[1999].tolist() == [1999.0] * width)

# %% [markdown]
# The embedding values are about 0.1 (the largest is printed below); at position 1999
# each gets 1999 added. The meaning becomes a ripple on a tower, and two *different*
# words there look alike:

# %%
cat, mouse = embed(tok.encode("cat mouse"), table)  # two (width,) vectors
before = float(cosine_similarity(cat, mouse))
after = float(cosine_similarity(cat + raw[1999], mouse + raw[1999]))
print(f"largest embedding value: {float(table.abs().max()):.2f};  cosine(cat, mouse) alone: {before:+.3f}, both at position 1999: {after:.6f}")
claim("at position 1999, cat and mouse point the same way (cosine > 0.99999)", after > 0.99999 and abs(before) < 0.9)


# %% [markdown]
# And the numbers grow without bound: a model trained on 50-token sentences has never
# seen 1999, and large inputs make training unstable.
#
# ## 3. Second try: divide by the length
#
# Position `p` of a sentence of `T` tokens gets `p / T`, between 0 and 1.

# %%
def normalized_index_encoding(num_positions: int, width: int) -> torch.Tensor:
    """Position p of a sequence of length T is p / T: the same p, a value that depends on T."""
    return raw_index_encoding(num_positions, width) / num_positions  # (T, width)

# %%
short, long = normalized_index_encoding(3, width), normalized_index_encoding(100, width)
print(f"index 2: 2/3 = {float(short[2, 0]):.3f} in 3 tokens, 2/100 = {float(long[2, 0]):.3f} in 100")
claim("the same index 2 gives 0.667 in 3 tokens and 0.02 in 100", (round(float(short[2, 0]), 3), round(float(long[2, 0]), 3)) == (0.667, 0.02))


# %% [markdown]
# (The article writes 2/3 as 0.666, cut after three digits; rounded it is 0.667.)
#
# Bounded, but the *same* third token gets 0.667 in one sentence and 0.02 in another, and
# 0.5 means token 1 of 2 or token 50 of 100. No fixed pattern such as "the word after the
# first" could be learned, and every value changes each time generation adds a token.
#
# ## 4. Third try: a wave
#
# `sin(p × f)` stays in [-1, 1] for any position `p`, and depends only on `p` and a fixed
# frequency `f`. With `f = 0.5`, position 2 gets `sin(2 × 0.5) = sin(1) = 0.841`, in a
# sentence of 3 tokens or of 100.

# %%
def wave(position, frequency):
    return math.sin(position * frequency)


claim("sin(2 × 0.5) = sin(1) = 0.841, whatever the length", round(wave(2, 0.5), 3) == 0.841)


# %% [markdown]
# Try it: move the frequency and the index. The grey curve is the wave, the dots the
# whole-number positions, the red dot the chosen one (the code is `wave_readout` in
# `notebook_support/widgets/nb03.py`; the wave is your `wave`).

# %% tags=["nbval-ignore-output"]
def show_wave(frequency, index):
    print(wave_readout(frequency, index, wave, length=20, draw=True))


style = {"description_width": "initial"}
frequency_slider = widgets.FloatSlider(value=0.5, min=0.0, max=3.0, step=0.05, description="Frequency", style=style)
index_slider = widgets.IntSlider(value=2, min=0, max=19, description="Index", style=style)
widgets.interact(show_wave, frequency=frequency_slider, index=index_slider);

# %% [markdown]
# One wave repeats: with frequency 1 it comes round every 2π ≈ 6.28 positions, so
# positions 0 and 44 (seven turns later) get nearly the same value. And on its way down
# it hands out the values of earlier positions again.
#
# ## 5. Many waves: the sinusoidal encoding
#
# The original Transformer (Vaswani et al., 2017) uses *many* waves. Pair `i` of the
# `width` numbers of position `p` holds `sin(p × fᵢ)` and `cos(p × fᵢ)` (the cosine, a
# quarter turn ahead, tells whether the sine is rising or falling). The frequencies fall
# from 1 towards `1/10000`:
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
print(f"largest value over 2000 positions: raw index {raw.max():.0f}, sinusoidal {sinusoidal_encoding(2000, 64).abs().max():.2f}")
claim("position 0 is sin 0 = 0 and cos 0 = 1, alternating", encoding[0, 0::2].eq(0).all() and encoding[0, 1::2].eq(1).all())

# %% [markdown]
# The worked example is in there: with a width of 4 and a base of 4, the frequencies are
# 1 and `4^(-2/4) = 0.5`, so column 2 is `sin(p × 0.5)` and position 2 reads 0.841 at
# any length. The same test that `p / T` failed, the encodings of a 3-token and a
# 100-token sentence compared on their shared positions, the sinusoids pass:

# %%
values = [round(float(sinusoidal_encoding(length, 4, base=4.0)[2, 2]), 3) for length in (3, 100)]
agree = {name: torch.equal(encode(3, 64), encode(100, 64)[:3]) for name, encode in (("p / T", normalized_index_encoding), ("sinusoidal", sinusoidal_encoding))}
claim("position 2 reads 0.841 in a 3-token and a 100-token sentence", values == [0.841, 0.841])
claim("the sinusoids agree on the shared positions, where p / T did not", agree == {"p / T": False, "sinusoidal": True})

# %% [markdown]
# ## 6. What the encoding looks like
#
# One row per position, one column per dimension. Over 50 positions (left) the left
# columns flicker (fast waves) and the right ones barely move; over 2,000 (right) the slow
# columns rise and fall too.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 5), layout="constrained")
for ax, shown, title in ((axes[0], encoding, "50 positions"), (axes[1], sinusoidal_encoding(2000, 16), "2,000 positions")):
    heatmap(shown, ax=ax, annotate=False, cmap="coolwarm", vmin=-1, vmax=1, title=f"Sinusoidal encoding: {title} × 16 dimensions")
    ax.set(xlabel="dimension (even: sin, odd: cos)", ylabel="position")
plt.show()

# %% [markdown]
# Fast waves separate **neighbours**; slow waves separate **distant** positions: column 0
# has come round again by position 44, column 4 (frequency 0.1) has not.

# %%
plt.figure(figsize=(7, 2.8)).gca().set(xlabel="position p")
for column in (0, 4, 14):
    plt.plot(encoding[:, column], ".-", label=f"column {column}: sin(p × {float(f[column // 2]):.4f})")
plt.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
plt.show()
gaps = (encoding[:, None] - encoding[None, :]).abs()  # (50, 50, 16): every two positions, every column
print(f"0 and 1: column 0 {gaps[0, 1, 0]:.3f}, column 14 {gaps[0, 1, 14]:.4f};  0 and 44: column 0 {gaps[0, 44, 0]:.3f}, column 4 {gaps[0, 44, 4]:.3f}")
claim("neighbours differ in the fast column, not the slowest; 0 and 44 look alike in the fast one, not in column 4",
      gaps[0, 1, 0] > 0.8 and gaps[0, 1, 14] < 0.001 and gaps[0, 44, 0] < 0.02 and gaps[0, 44, 4] > 0.9)

# %% [markdown]
# Together the waves give every position its own **signature**. And two positions'
# dot product depends only on their **distance**: each pair of columns gives
# `sin(p f)·sin(q f) + cos(p f)·cos(q f) = cos((p − q) f)`. It is largest (`width / 2`)
# at distance 0 and, wiggles aside, falls as positions move apart.

# %%
signatures = sinusoidal_encoding(200, 32)  # (200, 32)
closest = float((torch.cdist(signatures, signatures) + 100 * torch.eye(200)).min())  # p vs p ignored
dots = signatures[0] @ signatures.T  # (200,): position 0 against positions 0..199
shifted = [float(signatures[p] @ signatures[p + 5]) for p in range(190)]  # always 5 apart
print(f"smallest distance between two positions: {closest:.2f};  dot products at distances 0, 1, 5, 20, 100:", [round(float(dots[k]), 1) for k in (0, 1, 5, 20, 100)])
plt.figure(figsize=(7, 2.8)).gca().set(xlabel="distance between two positions", ylabel="dot product", title="Nearby positions look alike; distant ones less so")
plt.plot(dots, ".-", markersize=3)
plt.show()
claim("every one of 200 positions has a distinct signature (distance > 0.5); the dot product depends only on the distance (5 apart: spread < 0.001)", closest > 0.5 and max(shifted) - min(shifted) < 1e-3)
claim("it is largest, width / 2 = 16, at distance 0, and falls with distance on average", float(dots[0]) == dots.max() == 16 and dots[1:10].mean() > dots[10:50].mean() > dots[50:200].mean())

# %% [markdown]
# ## 7. Scale still matters
#
# Bounded is not small. Each column pair adds `sin² + cos² = 1` to the squared length, so
# every position vector has length `√(width/2)`, 5.66 at width 64. Embedding tables often
# start with values spread about `1/√width` (notebook 06's does): rows of length about 1.
# Add the two, and the position does most of the talking.

# %%
width = 64
meanings = torch.randn(10, width, generator=torch.Generator().manual_seed(0)) / math.sqrt(width)  # 10 tokens
positions = sinusoidal_encoding(10, width)  # token t stands at position t
print(f"typical length: meaning {float(meanings.norm(dim=1).mean()):.2f}, position {float(positions.norm(dim=1).mean()):.2f}")
claim("every position vector has length sqrt(64 / 2) = 5.66", torch.allclose(positions.norm(dim=1), torch.tensor(math.sqrt(width / 2))))

kept = {}  # scale -> how much the input still points at its meaning
for scale in (1, 8):  # 8 = sqrt(width)
    kept[scale] = float(cosine_similarity(meanings * scale + positions, meanings).mean())
    print(f"embeddings × {scale}: the input's cosine with its meaning {kept[scale]:.2f}")
claim("unscaled, the position drowns the word; scaled by sqrt(width) = 8, the word is heard again", kept[1] < 0.3 < 0.7 < kept[8])


# %% [markdown]
# That is the original Transformer's fix: **multiply the embeddings by `√width`** before
# adding positions, so meaning and position share the vector at the same scale. Notebook
# 06 does exactly this: `token_embedding(ids) * sqrt(width) + sinusoidal_encoding(...)`.
#
# Couldn't training make the embeddings bigger? Eventually, after spending steps on it. A
# race that tests only whether the meaning survives: read each token back from its
# `meaning × scale + position` (64 positions, 16 tokens, a linear read-out, 60 gradient
# steps, same data and start). To keep it fair, the scaled table steps with `lr / 64`:
# scaling it by 8 also multiplies its gradient by 8, so a plain step would move the input
# 8 × 8 = 64 times further.

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
        "embedding + position": read_back_losses(1.0, table_lr=0.2)}
plt.figure(figsize=(6, 3)).gca().set(xlabel="step", ylabel="cross-entropy loss", title="Reading each token back from its input vector")
for label, losses in runs.items():
    plt.plot(losses, label=label)
plt.axhline(math.log(16), color="gray", linestyle=":", label="guessing (log 16)")
plt.legend(fontsize=8)
plt.show()
end_scaled, end_unscaled = (sum(losses[-10:]) / 10 for losses in runs.values())
claim("scaled, in a fair race, the tokens are read back almost perfectly (loss < 0.1)", end_scaled < 0.1)
claim("unscaled, it is still nearer guessing than knowing", math.log(16) / 2 < end_unscaled < math.log(16) and end_unscaled > 10 * end_scaled)

# %% [markdown]
# The scale lets the model tell which token it reads almost at once. It does two jobs,
# though: it starts the meaning at the positions' scale, and it makes each step of the
# table count more (exercise 3 races the second job alone). In a real model every later
# layer pays for the confusion while it lasts.
#
# ## 8. How real models do it
#
# - **Learned position tables.** GPT-2 and nanoGPT keep a second embedding table, one
#   trained row per position up to the longest context (1,024 for GPT-2). Simple, but a
#   position past the last row has no vector.
# - **Rotary embeddings (RoPE).** Most current models (Llama, Mistral, Qwen, ...) add
#   nothing: inside attention they *rotate* each query and key, turning pair `i` of its
#   numbers by the angle `p × fᵢ`, with section 5's frequencies. A query at `m` against a
#   key at `n` then scores by the distance `m − n` only. The function is in the package;
#   the picture is the proof.

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
claim("with RoPE the same query and key score the same at every pair of positions the same distance apart",
      all(torch.allclose(scores.diagonal(d), scores.diagonal(d)[0].expand(12 - abs(d)), atol=1e-4) for d in range(-11, 12)))

# %% [markdown]
# Each diagonal is one distance, and along it the colour never changes. Sinusoids come
# first in this series because they need no training, so each property can be checked on
# its own, and their frequencies are exactly RoPE's angles. Notebook 06 uses them,
# scaled as in section 7.
#
# ## Summary
#
# * Without positions a sentence is a **bag** of vectors: `The cat ate the mouse.` and
#   `The mouse ate the cat.` give the same outputs, reordered.
# * The **raw index** drowns the meaning (at 1999, `cat` and `mouse` have cosine
#   0.99999...) and grows without bound.
# * The **normalized index** `p / T` is bounded but depends on the length: index 2 is
#   2/3 = 0.667 in 3 tokens and 2/100 = 0.02 in 100.
# * A **sine** depends only on the index and a fixed frequency: `sin(2 × 0.5) = 0.841` at
#   any length, within [-1, 1].
# * The **sinusoidal encoding** pairs sines and cosines at frequencies from 1 towards
#   1/10000: fast waves separate neighbours, slow ones distant positions, every position
#   has its own signature, and the dot product of two depends only on their distance.
# * **Scale**: a position vector has length `√(width/2)`; embeddings near `1/√width` are
#   multiplied by `√width` so the meaning is heard.
# * **In practice**: learned position tables (GPT-2) or rotary embeddings (most current
#   models).
#
# Next, notebook 04: attention, where tokens look at each other, knowing where they stand.
#
# ## Exercises
#
# Each exercise has a blank for you and a checker that answers at once. Worked solutions
# are at the end; try first.
#
# **Exercise 1.** Write `encode_position(position, width)`, the sinusoidal vector of one
# position as a list of `width` numbers, with `math` only: `sin` in the even places, `cos`
# in the odd ones, frequency `10000 ** (-i / width)` for `i = 0, 2, 4, ...`.

# %%
def my_encode_position(position, width):
    ...  # your code here


exercises.check_position_vector(my_encode_position)

# %% [markdown]
# **Exercise 2. Take the positions away.** Notebook 06's model reads each token as
# `embed(ids, table) * √width + sinusoidal_encoding(len(ids), width)`, as `my_inputs`
# below does. Change it to give no positions at all, and read what the checker finds
# when it feeds in `The cat ate the mouse.` and `The mouse ate the cat.`. Predict first.

# %%
def my_inputs(ids, table):
    width = table.shape[1]
    return embed(ids, table) * math.sqrt(width) + sinusoidal_encoding(len(ids), width)  # change me


exercises.check_without_positions(my_inputs)

# %% [markdown]
# **Exercise 3. Bigger steps instead of a scale (retrain).** Rerun section 7's race for
# the unscaled table with 64 times larger table steps, `read_back_losses(1.0, table_lr=0.2
# * 64)`, and pass the mean of its last 10 losses. Does it catch up with the scaled run?

# %%
my_last_losses = ...  # sum(losses[-10:]) / 10 of your run
exercises.check_bigger_steps(my_last_losses)

# %% [markdown]
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
# **Exercise 2.** Drop the `+ sinusoidal_encoding(...)`: each vector then depends only on
# its token, so the second sentence is the first one's vectors reordered, and the model
# cannot tell who ate whom.

# %%
def inputs_without_positions(ids, table):
    return embed(ids, table) * math.sqrt(table.shape[1])


exercises.check_without_positions(inputs_without_positions)

# %% [markdown]
# **Exercise 3.** The same race, no scale, table steps × 64:

# %%
big_steps = read_back_losses(1.0, table_lr=0.2 * width)
exercises.check_bigger_steps(sum(big_steps[-10:]) / 10)
