# %% [markdown]
# # 08 · Taking the block apart
#
# Notebook 07's GPT beat the counted bigram on Tiny Shakespeare by a clear margin. Its
# block is five ideas at once: attention, several heads, a feed-forward layer, residual
# connections and layer norm, stacked four deep. Which of them earned the margin?
#
# Here we rebuild the model one idea at a time, a **ladder** of models trained the same
# way, each from three seeds, because one run can make a small gap look real. Then two
# experiments on a deep stack show what the last two pieces are for.
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. draw the GPT with the data's shape on every arrow, and say what the residual stream is;
# 2. build each smaller model from one class with a switch per piece;
# 3. say what each piece buys on real text, and tell a gain from the noise between seeds;
# 4. show why a deep stack needs residual connections, and what layer norm does to the
#    size of the activations;
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
# Tiny Shakespeare, one character at a time, split as in notebook 07: 90% to train on,
# 10% held out. The yardstick is notebook 07's bigram, which counts which character
# follows which.

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
# The GPT of notebooks 06 and 07, top to bottom. On each arrow, the data's size: **B**
# sequences of **T** characters, **C** numbers per character, **V** characters in the
# vocabulary. The yellow road is the **residual stream**: one vector per character, from
# the embeddings to the output layer. Each sub-layer reads it (through a layer norm) and
# *adds* its result back; what a block does not change travels on untouched.

# %%
config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=64, width=128,
                   num_heads=4, num_layers=4)  # notebook 07's model
draw_gpt_diagram(config)
plt.show()

# %% [markdown]
# The model's shapes, for two windows of 64 characters:

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
      [ids.shape, stream.shape, weights.shape, logits.shape]
      == [(2, 64), (2, 64, 128), (2, 4, 64, 64), (2, 64, 65)])


# %% [markdown]
# ## 3. A GPT with switches
#
# One block with a switch per piece, rather than six models: `LadderBlock` *is* the
# GPT's `Block` with three switches: `feed_forward=False` drops the feed-forward layer, `layer_norm=False`
# lets the sub-layers read the stream as it is, and `residual=False` makes each
# sub-layer's result *replace* the vector instead of being added to it.

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
# `Rung` is the GPT with its blocks swapped for `LadderBlock`s; its `layer_norm` switch
# also removes the final norm, and one more switch removes the positions. The rest is
# the GPT's own.

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
# With every switch on, a `Rung` is the GPT exactly: the GPT's weights load into it name
# for name (`load_state_dict` refuses any missing or extra one) and give the same scores.

# %%
full = Rung(config)
full.load_state_dict(gpt.state_dict())
claim("with every switch on, a Rung holds the GPT's weights and computes its scores",
      torch.allclose(full(ids)[0], logits, atol=1e-5))


# %% [markdown]
# ## 4. The ladder
#
# Seven rungs, each one idea richer than the one below:
#
# | rung | what it is |
# | --- | --- |
# | bigram | notebook 07's counted table: the current character, nothing else |
# | one head | embeddings and positions, one attention head, the output layer |
# | four heads | the same width split into four heads |
# | + feed-forward | per-character thinking after the mixing |
# | + residuals | each sub-layer adds to the stream instead of replacing it |
# | + layer norm | before each sub-layer and the output layer: the GPT's block, once |
# | four blocks | notebook 07's model, the package's `GPT` |
#
# Every rung but the bigram trains the same way, with the package's `train`: AdamW, its
# learning rate falling to 10% by the last step as in notebook 07, for 200 steps of 12
# windows of 32 characters, short so that each rung can train three times. The **seed**
# (0, 1 or 2) sets the starting weights and the order of the windows; we trust a gap only
# if it shows at every seed. Each model is measured on the same 49,152 held-out
# characters (24 batches of 64 windows): the same windows for every model, so the
# yardstick wobbles less than the gaps we read.

# %%
def gpt_config(num_heads=4, num_layers=1):
    """Notebook 07's width, with the heads and blocks to choose and a context of 32."""
    return GPTConfig(vocab_size=tokenizer.vocab_size, context_length=32, width=128,
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

# %% tags=["nbval-ignore-output"]
steps, batch_size, learning_rate, seeds = 200, 12, 3e-3, (0, 1, 2)  # the same for every rung
val, models = {"bigram": [bigram_val] * 3}, {}  # the bigram is counted: no seed
print(f"{'':>15}  parameters   seed 0, 1, 2      mean  spread (highest - lowest)")
for name, build in ladder.items():
    for seed in seeds:
        torch.manual_seed(seed)  # the starting weights
        models[name, seed] = build()
        train(models[name, seed], train_data, steps=steps, batch_size=batch_size,
              learning_rate=learning_rate, final_rate=0.1, seed=seed)  # seed: the windows
    val[name] = [estimate_loss(models[name, s], val_data, 64, 32, 24) for s in seeds]
    print(f"{name:>15}: {models[name, 0].num_parameters():>9,}   "
          + ", ".join(f"{v:.2f}" for v in val[name])
          + f"   {sum(val[name]) / 3:.2f}  {max(val[name]) - min(val[name]):.2f}")

# %%
fig, ax = plt.subplots(figsize=(10.5, 3.6))
ax.bar(list(val), [sum(v) / 3 for v in val.values()], color="0.85")  # the mean of the seeds
for i, losses in enumerate(val.values()):
    ax.plot([i - 0.2, i, i + 0.2], losses, "o", color="tab:blue")  # seeds 0, 1, 2
ax.set_ylim(2.0, 2.65)
ax.set_ylabel("validation loss (held out)")
ax.set_title(f"The ladder, {steps} steps per rung: each seed a dot, their mean a bar")
plt.show()


# %% [markdown]
# **One head is worse than counting**, at every seed. Without a residual, what comes out
# at each character is a blend of what the head looked at, and one head must choose: it
# puts half its attention or more on the character itself and little on the one before.
# **Four heads** of a quarter of the width each (the same number of weights) divide the
# work: at every seed one of them looks at the character before more than the single head
# does. It is one of the ladder's two big steps.

# %% tags=["nbval-ignore-output"]
@torch.no_grad()
def looks_back(model, distance):
    """Each head's average attention on the character `distance` places back (0: itself)."""
    keep_attention_weights(model)
    model(x_val)
    keep_attention_weights(model, False)
    weights = model.blocks[0].attention.last_weights  # (B, heads, T, T)
    return weights.diagonal(-distance, -2, -1)[:, :, 8:].mean((0, 2))  # (heads,)


x_val = val_data[: 16 * 32].view(16, 32)  # 16 held-out windows
for seed in seeds:
    one, four = models["one head", seed], models["four heads", seed]
    print(f"seed {seed}: one head on itself {float(looks_back(one, 0)[0]):.2f}, on the one "
          f"before {float(looks_back(one, 1)[0]):.2f}; four heads' most on the one before "
          f"{float(looks_back(four, 1).max()):.2f}")

# %%
claim("at every seed, one of four heads looks at the character before at least 1.2 times as "
      "much as the single head", all(looks_back(models["four heads", s], 1).max()
                                     > 1.2 * looks_back(models["one head", s], 1)[0] for s in seeds))

# %% [markdown]
# **The feed-forward layer**, a little thinking per character after the mixing, lowers
# the loss at every seed. **Residual connections**, the other big step, lower it at least
# 0.1: attention's blend is *added* to the character's own vector instead of replacing it.
#
# **Layer norm, at one block, does not help**: the loss is higher at every seed, by more
# than the seeds' spread. In one block the vectors' size can drift only once, not compound
# from block to block, so there is little for a norm to fix (section 6), and in a run this
# short it costs more than it fixes.
#
# **Four blocks**, at nearly four times the weights, are no better than one in a run this
# short: the gaps are below 0.01 either way, within the noise. Depth needs a
# longer run; the going-further exercise below is a start.

# %% tags=["nbval-ignore-output"]
gain = {rung: [b - r for b, r in zip(val[below], val[rung], strict=True)]
        for below, rung in itertools.pairwise(val)}
for rung, gains in gain.items():  # round(g, 2) + 0 prints -0.00 as +0.00
    print(f"{rung:>15}: lower than the rung below by",
          ", ".join(f"{round(g, 2) + 0:+.2f}" for g in gains))

# %%
claim("one head is above the counted bigram at every seed, by less than 0.15",
      all(-0.15 < g < 0 for g in gain["one head"]))
claim("four heads: at least 0.08 lower at every seed", min(gain["four heads"]) > 0.08)
claim("+ feed-forward: lower at every seed", min(gain["+ feed-forward"]) > 0)
claim("+ residuals: at least 0.1 lower at every seed", min(gain["+ residuals"]) > 0.1)
spread = max(val["+ residuals"]) - min(val["+ residuals"])  # the seeds' spread, one block
claim(f"+ layer norm: higher at every seed, by more than the seeds' spread ({spread:.2f})",
      max(gain["+ layer norm"]) < -spread)
claim(f"four blocks, in {steps} steps: within 0.01 of one block at every seed, either way",
      max(abs(g) for g in gain["four blocks"]) < 0.01)


# %% [markdown]
# ## 5. Why residuals: the gradient in a deep stack
#
# A single block hides what residual connections are for. Stack eight "+ feed-forward"
# blocks (no layer norm yet) and ask, before any training, how much of the loss's
# gradient reaches each block: the size of the nudge its weights would get from one step.

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
x, y = get_batch(train_data, 16, 32, torch.Generator().manual_seed(0))  # one batch, (16, 32)
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
# Without residuals, block 1 gets eight orders of magnitude less gradient than block 8:
# it would not learn at all. The gradient reaches block 1 only back through blocks 8 to 2,
# and each of them, at the start, shrinks what passes through it (section 6 shows it on
# the way forward): eight shrinkings multiply. A residual, `x + f(x)`, gives the gradient
# a second way back: through the `+` it passes unchanged. The stream is that road.

# %% [markdown]
# ## 6. What layer norm does: the size of the activations
#
# Now the size of the vectors on the way forward: the root mean square of the numbers
# entering block 1, then leaving each block, in four untrained stacks of eight: with and
# without residuals, with and without layer norm.

# %%
def root_mean_square(x) -> float:
    """The typical size of the numbers in x, whatever their sign."""
    return float(x.pow(2).mean().sqrt())


@torch.no_grad()
def activation_scales(model, ids) -> list[float]:
    """The typical size of the vectors entering the first block, then leaving each block."""
    vectors = []  # what the embeddings hand to block 1, then what each block hands on
    hooks = [model.blocks[0].register_forward_pre_hook(lambda block, args: vectors.append(args[0]))]
    hooks += [block.register_forward_hook(lambda block, args, output: vectors.append(output))
              for block in model.blocks]
    model(ids)
    for hook in hooks:
        hook.remove()
    return [root_mean_square(vector) for vector in vectors]


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
# the signal from 1.21 to 0.06 and the rest hold it near 0.03, little more than their own
# biases (the feed-forward layer's last bias, 0.025 on average, printed below): what the
# embeddings said is gone. With layer norm, every sub-layer reads its input rescaled,
# however faded, and every block's output keeps about the same size, 0.2.
#
# With residuals, the stream keeps the embeddings and grows as blocks add to it. Without
# layer norm, each block adds an amount proportional to what the stream holds, so the
# growth compounds (1.82 after eight blocks); with it, each block reads a rescaled copy
# and adds about the same amount whatever the stream's size (1.47). Training makes those
# additions larger: in a deep stack without norms, compounding is how numbers run away.

# %%
claim("no residuals, no norm: the first block shrinks the signal below a tenth",
      scales[False, False][1] < 0.1 * scales[False, False][0])
claim("no residuals, layer norm: all eight blocks' outputs within a factor 1.5 of each other",
      max(scales[False, True][1:]) < 1.5 * min(scales[False, True][1:]))
growth = {ln: scales[True, ln][-1] - scales[True, ln][0] for ln in (False, True)}  # 8 blocks
claim("with residuals, the stream grows more than 1.5 times as much without layer norm",
      growth[False] > 1.5 * growth[True])
torch.manual_seed(0)
biases = [root_mean_square(block.feed_forward.net[2].bias.detach())  # its last bias's size
          for block in Rung(deep, residual=False, layer_norm=False).blocks]  # the same stack
print(f"residuals off, layer norm off: each block's last bias {sum(biases) / 8:.3f} on average")
claim("no residuals, no norm: blocks 2 to 8 put out under 1.5 times their own last bias",
      all(s < 1.5 * b for s, b in zip(scales[False, False][2:], biases[1:], strict=True)))

# %% [markdown]
# And section 4's trained "+ residuals" rung (no layer norm)? Its one block grows the
# vectors less than twofold at every seed, a single step of growth that the output layer
# learns to read. One block has nothing to compound.

# %%
trained = [activation_scales(models["+ residuals", s], x_val) for s in seeds]  # section 4's
print("entering its block -> leaving it, seeds 0, 1, 2:",
      ", ".join(f"{t[0]:.1f} -> {t[1]:.1f}" for t in trained))
claim("at every seed, its one block less than doubles the vectors' size",
      all(t[1] < 2 * t[0] for t in trained))

# %% [markdown]
# So does layer norm replace residuals? At the start it keeps the signal alive, and the
# gradient reaches block 1 even without residuals. Ten training steps say otherwise: two
# eight-block stacks with layer norm, without and with residuals, and block 1's gradient
# as a share of block 8's, before and after.

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
# Choose the blocks and switches: the gradient reaching each block of the untrained stack
# and the vectors' size between blocks. Try 16 blocks with neither, then add one at a time.

# %% tags=["nbval-ignore-output"]
def show_stack(num_blocks, residual, layer_norm):
    torch.manual_seed(0)  # the same starting weights whatever you choose
    stack = Rung(gpt_config(num_layers=num_blocks), residual=residual, layer_norm=layer_norm)
    print(stack_readout(num_blocks, residual, layer_norm, lambda *switches: stack, draw=True,
                        gradients=lambda model: gradient_per_block(model, x[:8], y[:8]),
                        scales=lambda model: activation_scales(model, x[:8])))


widgets.interact(show_stack, **stack_controls());

# %% [markdown]
# ## 8. Where real models differ
#
# Our block is GPT-2's: layer norm *before* each sub-layer (pre-norm) and before the
# output layer. The 2017 Transformer put the norms *after* the additions (post-norm;
# exercise 3 tries it). Real models are much deeper, where residuals and norms matter most:
#
# | | notebook 07 | GPT-2 small | GPT-2 XL |
# | --- | --- | --- | --- |
# | blocks | 4 | 12 | 48 |
# | width | 128 | 768 | 1,600 |
# | positions | sinusoids, fixed | learned, 1,024 rows | learned, 1,024 rows |
# | layer norm | pre-norm + final | pre-norm + final | pre-norm + final |

# %% [markdown]
# ## Summary
#
# * The GPT is a **residual stream** that every block reads through a layer norm and
#   writes back to with a `+`.
# * Trust a gap only if it holds at every seed. Trained the same way from three seeds:
#   one head alone is worse than counting pairs; **several heads** give the biggest gain;
#   the **feed-forward layer** lowers the loss a little and **residuals** a lot; **layer
#   norm** in one block does not help (higher at every seed, beyond the seeds' spread);
#   **four blocks** do not pay in 200 steps.
# * **Residuals** keep the gradient's road open: in eight blocks without them, block 1 gets
#   eight orders of magnitude less gradient than block 8; with them, about as much.
# * **Layer norm** keeps the activations' size steady: without it (and without residuals)
#   the signal fades to the size of the biases; with residuals, it stops the stream's
#   growth from compounding. It does not replace residuals: ten training steps close the
#   road again without them.

# %% [markdown]
# ## Exercises
#
# **Exercise 1: break it, no positions at all.** Build two untrained rungs with
# `positions=False`, of one block and of two, and give each `ROMEO:` and `MOREO:` (the
# same letters, in another order). Are the scores for the character after the colon the
# same? Predict, measure, and run `exercises.check_bag_of_characters(same_one, same_two)`.

# %%
same_one, same_two = ..., ...

# %% [markdown]
# **Exercise 2: break it, take the residuals out.** Load the trained four-block GPT's
# weights (`models["four blocks", 0]`) into a `Rung` of four blocks with `residual=False`,
# and measure both with `estimate_loss(model, val_data, 16, 32, 10)`. What happens when
# trained blocks lose the stream they were writing onto?

# %%
with_residuals, without_residuals = ..., ...


# %% [markdown]
# **Exercise 3: break it, move the norms.** Write a `PostNormBlock`, a `LadderBlock` with
# the norms after each addition, as in 2017: `x = norm1(x + attention(x))`, then
# `x = norm2(x + feed_forward(x))`. The checker tests your block, then trains eight-block
# stacks of yours and of the GPT's pre-norm at a high learning rate.

# %%
class PostNormBlock(LadderBlock):
    def forward(self, x, *for_attention):
        ...


# %% [markdown]
# **Going further: does layer norm pay at depth?** Train
# `Rung(gpt_config(num_layers=4), layer_norm=False)` from the three seeds as section 4
# does, measure each the same way, and decide whether layer norm helps at four blocks:
# `exercises.check_every_seed(without_norm, val["four blocks"], helps)` with your three
# losses and your verdict (a bool).
#
# ## Solutions
#
# Try the exercises first. Each solution runs and asks its checker.
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
broken.load_state_dict(models["four blocks", 0].state_dict())  # the trained weights, all of them
with_residuals = estimate_loss(models["four blocks", 0], val_data, 16, 32, 10)
without_residuals = estimate_loss(broken, val_data, 16, 32, 10)
exercises.check_no_residuals(with_residuals, without_residuals)


# %% [markdown]
# **Exercise 3.** Add first, then normalise the sum; each sub-layer reads `x` as it is:

# %%
class PostNormBlock(LadderBlock):  # noqa: F811 (replaces the blank above)
    def forward(self, x, *for_attention):
        x = self.norm1(x + self.attention(x, *for_attention))
        return self.norm2(x + self.feed_forward(x))


exercises.check_post_norm(PostNormBlock, train_data, val_data)
