# %% [markdown]
# # 08 · Taking the block apart
#
# Notebook 07 trained the GPT on Tiny Shakespeare and it beat the counted bigram by a
# clear margin. But the GPT's block is five ideas at once: attention, several heads, a
# feed-forward layer, residual connections and layer norm, stacked four deep. Which of
# them earned that margin?
#
# This notebook takes the block apart and puts it back together one piece at a time. Each
# step of the **ladder** is a model one idea richer than the one before, trained exactly
# like the others (same text, same steps, same batches, same learning rate), and measured
# on the same held-out Shakespeare. Then two experiments on a deep stack show what the
# last two pieces are for, which a single block hides: how residual connections carry the
# gradient down to the first block, and how layer norm keeps the activations at a steady
# size.
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. draw the whole GPT from IDs to probabilities, with the shape of the data at every
#    arrow, and say what the residual stream is;
# 2. build each smaller model from the package's pieces, with one class that has a switch
#    per piece, and train them all the same way;
# 3. say what each piece buys on real text, and where one buys nothing at this size, why;
# 4. show with measurements why a deep stack needs residual connections, and what layer
#    norm does to the size of the activations;
# 5. break the model yourself: no positions, no residuals, the norms in the wrong place.

# %%
import itertools
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import nn

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.bigram import bigram_counts, bigram_loss, bigram_probabilities
from minillm_helpers.datasets import dataset_path, read_text
from minillm_helpers.model import GPT, Block, GPTConfig
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.diagram import draw_gpt_diagram
from minillm_helpers.notebook_support.exercises import nb08 as exercises
from minillm_helpers.notebook_support.widgets.nb08 import stack_controls, stack_readout
from minillm_helpers.tokenizer import CharTokenizer
from minillm_helpers.training import estimate_loss, get_batch, train

# %% [markdown]
# ## 1. The same text, the same yardstick
#
# Tiny Shakespeare, read one character at a time, split as notebook 07 split it: the
# first 90% to train on, the last 10% held out. Every loss below is measured on that
# held-out part, which no model ever trains on. The yardstick is notebook 07's bigram,
# which only counts which character follows which.

# %% tags=["nbval-ignore-output"]
path = dataset_path("tinyshakespeare")  # notebook 07 fetched it; if not, a 1 MB download

# %%
text = read_text(path)
tokenizer = CharTokenizer.from_text(text)
data = torch.tensor(tokenizer.encode(text))
split = int(0.9 * len(data))
train_data, val_data = data[:split], data[split:]  # notebook 07's split
bigram_val = bigram_loss(bigram_probabilities(bigram_counts(train_data, tokenizer.vocab_size)),
                         val_data)
print(f"{len(train_data):,} characters to train on, {len(val_data):,} held out; "
      f"the bigram's validation loss: {bigram_val:.2f}")

# %% [markdown]
# ## 2. One picture of the whole model
#
# Before taking it apart, the whole GPT of notebooks 06 and 07 in one picture, read from
# top to bottom. The letters are the sizes of the data on each arrow: **B** sequences in
# a batch, each **T** characters long, **C** numbers per character (the width),
# **V** characters in the vocabulary.
#
# The yellow road down the middle is the **residual stream**: one vector of C numbers per
# character, from the embeddings to the output layer. A block never replaces it. Each of
# its two sub-layers reads a copy of the stream (through a layer norm), computes
# something, and *adds* its result back: attention adds what a character gathered from
# the ones before it, the feed-forward layer adds what it made of that. Whatever a block
# does not change travels on untouched.

# %%
config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=64, width=128,
                   num_heads=4, num_layers=4)  # notebook 07's model
draw_gpt_diagram(config)
plt.show()

# %% [markdown]
# The shapes in the picture are the model's own. Two windows of 64 characters go in;
# the stream, the attention weights of one layer and the scores come out with the shapes
# on the arrows.

# %%
torch.manual_seed(0)
gpt = GPT(config)
ids = train_data[: 2 * 64].view(2, 64)  # (B, T) = (2, 64)
stream = gpt.token_embedding(ids) * math.sqrt(config.width) + gpt.positions[:64]
keep_attention_weights(gpt)  # the written-out attention, which keeps its weights
logits, _ = gpt(ids)
weights = gpt.blocks[0].attention.last_weights
keep_attention_weights(gpt, False)
print(f"IDs {tuple(ids.shape)}, stream {tuple(stream.shape)}, attention weights "
      f"{tuple(weights.shape)}, logits {tuple(logits.shape)}")
claim("(B, T), (B, T, C), (B, heads, T, T), (B, T, V), as on the arrows",
      ids.shape == (2, 64) and stream.shape == (2, 64, 128)
      and weights.shape == (2, 4, 64, 64) and logits.shape == (2, 64, 65))


# %% [markdown]
# ## 3. A GPT with switches
#
# To take the block apart we need the same model with pieces missing. Rather than write
# six models, we write one block with a switch per piece. `LadderBlock` *is* the GPT's
# `Block` (it inherits the same layer norms, attention and feed-forward layer, built the
# same way) with three switches: `feed_forward=False` drops the feed-forward layer,
# `layer_norm=False` lets the sub-layers read the stream as it is, and `residual=False`
# makes each sub-layer's result *replace* the vector instead of being added to it.

# %%
class LadderBlock(Block):
    """The GPT's Block with switches: no feed-forward layer, no residuals, no layer norms."""

    def __init__(self, config: GPTConfig, feed_forward=True, residual=True, layer_norm=True):
        super().__init__(config)  # norm1, attention, norm2, feed_forward: the GPT's pieces
        self.residual = residual
        if not layer_norm:
            self.norm1 = self.norm2 = nn.Identity()  # the sub-layers read x as it is
        if not feed_forward:
            self.feed_forward = None

    def add(self, x, update):
        """With a residual the sub-layer's update is added to x; without, it replaces x."""
        return x + update if self.residual else update

    def forward(self, x, *for_attention):  # what the GPT hands every block: mask, is_causal
        x = self.add(x, self.dropout(self.attention(self.norm1(x), *for_attention)))  # (B, T, C)
        if self.feed_forward is not None:
            x = self.add(x, self.feed_forward(self.norm2(x)))
        return x


# %% [markdown]
# `Rung` is the GPT with its blocks swapped for `LadderBlock`s; the `layer_norm` switch
# also removes the final norm before the output layer, and one more switch removes the
# positions. Everything else, the embeddings, the causal mask, the output layer and the
# forward pass, is the GPT's own, inherited unchanged.

# %%
class Rung(GPT):
    """The GPT with switchable blocks (and positions): one rung of the ladder."""

    def __init__(self, config: GPTConfig, *, feed_forward=True, residual=True,
                 layer_norm=True, positions=True):
        super().__init__(config)  # embeddings, positions, blocks, final norm, output layer
        self.blocks = nn.ModuleList(LadderBlock(config, feed_forward, residual, layer_norm)
                                    for _ in range(config.num_layers))
        if not layer_norm:
            self.final_norm = nn.Identity()
        if not positions:
            self.positions.zero_()  # every position adds nothing: the order is invisible


# %% [markdown]
# With every switch on, a `Rung` should be the GPT exactly. It is: the GPT's weights load
# into it name for name (`load_state_dict` refuses any missing or extra one), and it
# gives the same scores.

# %%
full = Rung(config)
full.load_state_dict(gpt.state_dict())
claim("with every switch on, a Rung holds the GPT's weights and computes its scores",
      torch.allclose(full(ids)[0], logits, atol=1e-5))


# %% [markdown]
# ## 4. The ladder
#
# Seven rungs, each one idea richer than the one below it:
#
# | rung | what it is |
# | --- | --- |
# | bigram | notebook 07's counted table: the current character, nothing else |
# | one head | embeddings and positions, one attention head over the window, the output layer |
# | four heads | the same width split into four heads, which can look at four different places |
# | + feed-forward | per-character thinking after the mixing |
# | + residuals | each sub-layer adds to the stream instead of replacing it |
# | + layer norm | before each sub-layer and before the output layer: the GPT's block, once |
# | four blocks | four such blocks: notebook 07's model, the package's `GPT` |
#
# Every rung but the bigram starts from the same seed and trains in exactly the same
# way, with the package's `train` (notebook 05's loop with input checks and evaluations,
# as in notebooks 06 and 07) and plain AdamW: none of the recipe options notebook 07
# switched on. The cell prints how. The four-block GPT takes most of the time.

# %%
def gpt_config(num_heads=4, num_layers=1):
    """Notebook 07's sizes, with the heads and blocks to choose."""
    return GPTConfig(vocab_size=tokenizer.vocab_size, context_length=64, width=128,
                     num_heads=num_heads, num_layers=num_layers)


ladder = {
    "one head": lambda: Rung(gpt_config(num_heads=1), feed_forward=False, residual=False,
                             layer_norm=False),
    "four heads": lambda: Rung(gpt_config(), feed_forward=False, residual=False, layer_norm=False),
    "+ feed-forward": lambda: Rung(gpt_config(), residual=False, layer_norm=False),
    "+ residuals": lambda: Rung(gpt_config(), layer_norm=False),
    "+ layer norm": lambda: Rung(gpt_config()),
    "four blocks": lambda: GPT(gpt_config(num_layers=4)),  # notebook 07's model
}

# %%
steps, batch_size, learning_rate = 500, 16, 2.5e-3  # the same for every rung
print(f"every rung: {steps} steps of {batch_size} windows of 64 characters, "
      f"learning rate {learning_rate}, seed 0")
val, models = {"bigram": bigram_val}, {}
for name, build in ladder.items():
    torch.manual_seed(0)
    models[name] = build()
    history = train(models[name], train_data, val_data, steps=steps, batch_size=batch_size,
                    learning_rate=learning_rate, eval_every=steps, eval_batches=10)
    val[name] = history.val_eval[-1]
    print(f"{name:>15}: {models[name].num_parameters():>7,} parameters, "
          f"validation loss {val[name]:.2f}")

# %%
fig, ax = plt.subplots(figsize=(9, 3.6))
bars = ax.bar(list(val), list(val.values()), color=["0.6"] + ["tab:blue"] * 5 + ["tab:green"])
ax.bar_label(bars, fmt="%.2f")
ax.set_ylim(1.8, 2.7)
ax.set_ylabel("validation loss (held out)")
ax.tick_params(axis="x", rotation=15)
ax.set_title(f"The ladder: every rung trained {steps} steps the same way")
plt.show()


# %% [markdown]
# Rung by rung, from the bottom.
#
# **One head is no better than counting.** Its 2.51 is a little above the bigram's 2.48.
# With one head and no residual, what comes out at each character is a blend of the
# characters the head looked at, and a single head has to choose where to look. The
# trained head spreads itself thin: 0.36 of its attention on the character itself, 0.19
# on the one before, the rest further back. **Four heads** of a quarter of the width each
# (the same number of weights) divide the work instead: one puts 0.53 on the character
# itself, another 0.43 on the one before it. That is the biggest step of the ladder.

# %%
@torch.no_grad()
def looks_back(model, distance):
    """Each head's average attention on the character `distance` places back (0: itself)."""
    keep_attention_weights(model)
    model(x_val)
    keep_attention_weights(model, False)
    weights = model.blocks[0].attention.last_weights  # (B, heads, T, T)
    return weights.diagonal(-distance, -2, -1)[:, :, 8:].mean((0, 2))  # (heads,)


x_val = val_data[: 16 * 64].view(16, 64)  # 16 held-out windows
one, four = models["one head"], models["four heads"]
print("one head on itself, on the one before:", f"{float(looks_back(one, 0)[0]):.2f},",
      f"{float(looks_back(one, 1)[0]):.2f}")
print("four heads on itself:", " ".join(f"{w:.2f}" for w in looks_back(four, 0).tolist()),
      "| on the one before:", " ".join(f"{w:.2f}" for w in looks_back(four, 1).tolist()))
head = int(looks_back(four, 1).argmax())  # the head that looks back most
claim("one of the four heads looks at the character itself more than the single head does, "
      "another at the one before",
      looks_back(four, 0).max() > looks_back(one, 0)[0] and looks_back(four, 1)[head]
      > looks_back(one, 1)[0] and looks_back(four, 0).argmax() != head)

# %% [markdown]
# **The feed-forward layer** gives each character some thinking of its own after the
# mixing, and lowers the loss again. **Residual connections** lower it more: with them,
# attention's blend is *added* to the character's own vector instead of replacing it, so
# the block no longer has to spend attention on keeping the character itself.
#
# **Layer norm, at one block, buys nothing**: the loss even comes out a little higher.
# This is the honest result at this size, not a mistake: in one block the vectors' size
# can drift only once, on the way through that block, not compound from block to block
# (section 6 measures the trained rung), so there is little for a norm to fix. Its job
# shows in a deep stack, which section 6 builds.
#
# **Four blocks** beat every one-block rung: 0.06 below the single block with layer norm.
# Depth pays even in this short run, at nearly four times the weights (808,001 against
# 214,721).

# %%
gain = {rung: val[below] - val[rung] for below, rung in itertools.pairwise(val)}
print("lower than the rung below by:", ", ".join(f"{r} {g:.2f}" for r, g in gain.items()))
claim("one head is within 0.1 of the counted bigram", abs(gain["one head"]) < 0.1)
claim("four heads: at least 0.15 lower", gain["four heads"] > 0.15)
claim("+ feed-forward: at least 0.03 lower", gain["+ feed-forward"] > 0.03)
claim("+ residuals: at least 0.05 lower", gain["+ residuals"] > 0.05)
claim("+ layer norm: no gain at one block (within 0.05 either way)",
      abs(gain["+ layer norm"]) < 0.05)
one_block = [val[r] for r in ("+ feed-forward", "+ residuals", "+ layer norm")]
claim("four blocks: at least 0.02 lower than the best single block",
      val["four blocks"] < min(one_block) - 0.02)


# %% [markdown]
# ## 5. Why residuals: the gradient in a deep stack
#
# A single block hides what residual connections are for. Stack eight of the
# "+ feed-forward" blocks (no layer norm yet), and ask, before any training, how much of
# the loss's gradient reaches each block: the size of the nudge each block's weights
# would get from one step. `gradient_per_block` runs one batch backwards and measures it
# block by block.

# %%
def gradient_per_block(model, ids, targets) -> list[float]:
    """How big the loss's gradient is on each block's weights (its norm), first block first."""
    model.zero_grad(set_to_none=True)
    model(ids, targets)[1].backward()
    sizes = [torch.cat([p.grad.flatten() for p in block.parameters()]).norm()
             for block in model.blocks]
    model.zero_grad(set_to_none=True)
    return [float(size) for size in sizes]


# %%
deep = gpt_config(num_layers=8)
x, y = get_batch(train_data, 16, 64, torch.Generator().manual_seed(0))  # one batch, (16, 64)
reaching = {}
for residual in (False, True):
    torch.manual_seed(0)
    reaching[residual] = gradient_per_block(Rung(deep, residual=residual, layer_norm=False), x, y)
    print(f"{'with' if residual else 'without'} residuals, blocks 1 to 8: "
          + " ".join(f"{g:.1e}" for g in reaching[residual]))
first, last = reaching[False][0], reaching[False][-1]
claim(f"without residuals block 1 gets {last / first:.0e} times less gradient than block 8",
      first < 1e-6 * last)
claim("with them, block 1 gets at least half of what block 8 gets",
      reaching[True][0] > 0.5 * reaching[True][-1])


# %% [markdown]
# Without residuals, the gradient reaching block 1 is smaller than block 8's by eight
# orders of magnitude: block 1 would not learn at all. The reason is a chain. The
# gradient reaches block 1 only by going back through blocks 8, 7, ..., 2, and each of
# them, at the start, shrinks what passes through it (section 6 shows the same shrinking
# on the way forward): eight shrinkings multiply. A residual connection, `x + f(x)`, gives
# the gradient a second way back: through the `+` it passes unchanged, whatever `f` does.
# The residual stream is that road, and it runs both ways.

# %% [markdown]
# ## 6. What layer norm does: the size of the activations
#
# Now the size of the vectors themselves, on the way forward: the root mean square of the
# numbers entering block 1 (what the embeddings and positions hand over), then leaving
# each block. Four stacks of eight, untrained: with and without residuals, with and
# without layer norm.

# %%
def root_mean_square(x) -> float:
    """The typical size of the numbers in x, whatever their sign."""
    return float(x.pow(2).mean().sqrt())


@torch.no_grad()
def activation_scales(model, ids) -> list[float]:
    """The typical size of the vectors entering the first block, then leaving each block."""
    sizes = []

    def measure(block, inputs, output):
        if block is model.blocks[0]:
            sizes.append(root_mean_square(inputs[0]))  # what the embeddings hand to block 1
        sizes.append(root_mean_square(output))

    hooks = [block.register_forward_hook(measure) for block in model.blocks]
    model(ids)
    for hook in hooks:
        hook.remove()
    return sizes


# %%
scales = {}
for residual in (False, True):
    for layer_norm in (False, True):
        torch.manual_seed(0)
        stack = Rung(deep, residual=residual, layer_norm=layer_norm)
        scales[residual, layer_norm] = activation_scales(stack, x)
        print(f"residuals {'on ' if residual else 'off'}, layer norm {'on ' if layer_norm else 'off'}:"
              + " ".join(f"{s:5.2f}" for s in scales[residual, layer_norm]))

# %% [markdown]
# Without residuals, everything rests on the norm. Without it, the first block shrinks
# the signal from 1.21 to 0.05 and the rest hold it near 0.03, little more than the size
# of their own biases (the feed-forward layer's last bias, 0.025 on average, printed
# below): what the embeddings said is gone. With layer norm, every sub-layer reads its
# input rescaled, however faded, and every block's output keeps the same size, about 0.2,
# from the first block to the last.
#
# With residuals, the stream keeps the embeddings either way and grows as blocks add to
# it. Without layer norm, each block adds an amount proportional to what the stream
# already holds, so the growth compounds (1.73 after eight blocks); with it, each block
# reads a rescaled copy and adds about the same amount whatever the stream's size (1.44).
# Training makes those additions larger, and in a deep stack without norms, compounding
# growth is how the numbers run away.

# %%
size = {key: values[-1] for key, values in scales.items()}  # after block 8
claim("no residuals, no norm: the first block shrinks the signal below a tenth",
      scales[False, False][1] < 0.1 * scales[False, False][0])
claim("no residuals, layer norm: all eight blocks' outputs within a factor 1.5 of each other",
      max(scales[False, True][1:]) < 1.5 * min(scales[False, True][1:]))
growth = {ln: size[True, ln] - scales[True, ln][0] for ln in (False, True)}
claim("with residuals, the stream grows more than 1.5 times as much without layer norm",
      growth[False] > 1.5 * growth[True])
torch.manual_seed(0)
biases = [root_mean_square(block.feed_forward.net[2].bias.detach())  # its last bias's size
          for block in Rung(deep, residual=False, layer_norm=False).blocks]  # the same stack
print(f"residuals off, layer norm off: each block's last bias {sum(biases) / 8:.3f} on average")
claim("no residuals, no norm: blocks 2 to 8 put out under 1.5 times their own last bias",
      all(s < 1.5 * b for s, b in zip(scales[False, False][2:], biases[1:], strict=True)))

# %% [markdown]
# And the one block of section 4, trained: in the "+ residuals" rung (no layer norm) the
# vectors enter the block at 1.1 and leave it at 1.7, a single step of growth that the
# output layer, trained with it, learns to read. One block has nothing to compound.

# %%
trained = activation_scales(models["+ residuals"], x_val)  # section 4's rung, trained
print(f"trained '+ residuals' rung: {trained[0]:.1f} entering its block, {trained[1]:.1f} leaving")
claim("trained, its one block less than doubles the vectors' size", trained[1] < 2 * trained[0])

# %% [markdown]
# So is layer norm a replacement for residuals? At the start it looks like one: it keeps
# the signal alive, and with it the gradient reaches block 1 even without residuals. Ten
# steps of training are enough to see that it is not. Below, two eight-block stacks with
# layer norm, one without residuals and one with them: the gradient block 1 gets, as a
# share of block 8's, before and after ten steps.

# %%
share = {}
for residual in (False, True):
    torch.manual_seed(0)
    stack = Rung(deep, residual=residual)  # layer norm on, as in the GPT
    before = gradient_per_block(stack, x, y)
    train(stack, train_data, steps=10, batch_size=batch_size, learning_rate=learning_rate)
    after = gradient_per_block(stack, x, y)
    share[residual] = before[0] / before[-1], after[0] / after[-1]
    print(f"layer norm, residuals {'on ' if residual else 'off'}: block 1 gets "
          f"{share[residual][0]:.2f} of block 8's gradient before, {share[residual][1]:.0e} after")
claim("without residuals, layer norm gets the gradient to block 1 only until training starts",
      share[False][0] > 0.1 and share[False][1] < 1e-3)
claim("with residuals it still reaches block 1 after ten steps", share[True][1] > 0.5)


# %% [markdown]
# Layer norm keeps the *scale* steady; the residual keeps the *road* open. A deep GPT needs
# both, which is why every block of notebook 06's GPT has two of each.
#
# ## 7. Try it: build a deep stack
#
# Choose the number of blocks and switch residuals and layer norm on or off: the charts
# show the gradient reaching each block of the untrained stack (on a log scale) and the
# size of the vectors between blocks. Try 16 blocks with neither, then add one at a time.

# %% tags=["nbval-ignore-output"]
def build_stack(num_blocks, residual, layer_norm):
    torch.manual_seed(0)
    return Rung(gpt_config(num_layers=num_blocks), residual=residual, layer_norm=layer_norm)


def show_stack(num_blocks, residual, layer_norm):
    print(stack_readout(num_blocks, residual, layer_norm, build_stack,
                        gradients=lambda model: gradient_per_block(model, x[:8], y[:8]),
                        scales=lambda model: activation_scales(model, x[:8]), draw=True))


widgets.interact(show_stack, **stack_controls());

# %% [markdown]
# ## 8. Where real models differ
#
# Our GPT's block is GPT-2's: layer norm *before* each sub-layer (pre-norm) and once more
# before the output layer, with the residual stream running clean from the embeddings to
# the end. The 2017 Transformer put the norms *after* the additions (post-norm; exercise 3
# tries it). GPT-2 learns its positions, one trained row per position, where we add
# notebook 03's fixed sinusoids. And real models are much deeper, which is where residuals
# and norms stop being details:

# %%
print(f"{'':<22}{'this notebook':<22}{'GPT-2 small':<22}GPT-2 XL")
for what, ours, small, xl in [
    ("blocks", config.num_layers, 12, 48),
    ("width", config.width, 768, 1600),
    ("positions", "sinusoids, fixed", "learned, 1,024 rows", "learned, 1,024 rows"),
    ("layer norm", "pre-norm + final", "pre-norm + final", "pre-norm + final"),
]:
    print(f"{what:<22}{ours!s:<22}{small!s:<22}{xl}")

# %% [markdown]
# ## Summary
#
# * The GPT is a **residual stream** (one vector per character, from the embeddings to the
#   output layer) that every block reads from through a layer norm and writes back to with
#   a `+`: attention adds what a character gathered from earlier ones, the feed-forward
#   layer what it made of it.
# * On Tiny Shakespeare, trained the same way: one head alone does no better than counting
#   pairs; **several heads** give the biggest gain, because they can look at different
#   places; the **feed-forward layer** and **residuals** each lower the loss again;
#   **layer norm** buys nothing in a single block; **four blocks** beat one.
# * **Residuals** keep the gradient's road open: in eight blocks without them, block 1 gets
#   eight orders of magnitude less gradient than block 8; with them, about as much.
# * **Layer norm** keeps the activations' size steady through the stack: without it (and
#   without residuals) the signal fades to the size of the biases in one block; with
#   residuals, it stops the stream's growth from compounding. It does not replace
#   residuals: ten training steps close the road again without them.

# %% [markdown]
# ## Exercises
#
# **Exercise 1: break it, no positions at all.** Build two untrained rungs without
# positions (`positions=False`), one of one block and one of two, and give each `ROMEO:`
# and `MOREO:` (the same letters before the colon, in another order). For each, are the
# scores for the character after the colon the same? Predict first, then measure, and
# run `exercises.check_bag_of_characters(same_one, same_two)` with two bools.

# %%
# Your turn: replace the ... and run exercises.check_bag_of_characters(same_one, same_two).
same_one, same_two = ..., ...

# %% [markdown]
# **Exercise 2: break it, take the residuals out.** Load the trained four-block GPT's
# weights (`models["four blocks"]`) into a `Rung` of four blocks with `residual=False`,
# and measure both models' validation loss with `estimate_loss(model, val_data, 16, 64,
# 10)`. What happens when trained blocks lose the stream they were writing onto?

# %%
# Your turn: replace the ... and run exercises.check_no_residuals(with_residuals, without_residuals).
with_residuals, without_residuals = ..., ...


# %% [markdown]
# **Exercise 3: break it, move the norms.** Write a `PostNormBlock`, a `LadderBlock` whose
# forward puts the layer norms where the 2017 Transformer had them: after each addition,
# `x = norm1(x + attention(x))`, then `x = norm2(x + feed_forward(x))`. The checker tests
# your block, then trains two small eight-block stacks, yours and the GPT's pre-norm, at a
# high learning rate.

# %%
# Your turn: complete forward, then run
# exercises.check_post_norm(PostNormBlock, train_data, val_data).
class PostNormBlock(LadderBlock):
    def forward(self, x, *for_attention):
        ...


# %% [markdown]
# ## Solutions
#
# Try the exercises before you read on. Each solution below runs and asks its checker,
# whose verdict is printed under it.
#
# **Exercise 1.** The scores at the last position, for both names, in both rungs:

# %%
def last_scores(model, text):
    return model(torch.tensor([tokenizer.encode(text)]))[0][0, -1]  # what follows the text


torch.manual_seed(0)
one_block, two_blocks = (Rung(gpt_config(num_layers=n), positions=False) for n in (1, 2))
same_one, same_two = (bool(torch.allclose(last_scores(m, "ROMEO:"), last_scores(m, "MOREO:"),
                                          atol=1e-5)) for m in (one_block, two_blocks))
exercises.check_bag_of_characters(same_one, same_two)

# %% [markdown]
# **Exercise 2.** The same weights, residuals off:

# %%
broken = Rung(gpt_config(num_layers=4), residual=False)
broken.load_state_dict(models["four blocks"].state_dict())  # the trained weights, all of them
with_residuals = estimate_loss(models["four blocks"], val_data, 16, 64, 10)
without_residuals = estimate_loss(broken, val_data, 16, 64, 10)
exercises.check_no_residuals(with_residuals, without_residuals)


# %% [markdown]
# **Exercise 3.** Add first, then normalise the sum; each sub-layer reads `x` as it is:

# %%
class PostNormBlock(LadderBlock):  # noqa: F811 (replaces the blank above)
    def forward(self, x, *for_attention):
        x = self.norm1(x + self.attention(x, *for_attention))
        return self.norm2(x + self.feed_forward(x))


exercises.check_post_norm(PostNormBlock, train_data, val_data)
