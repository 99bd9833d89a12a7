# %% [markdown]
# # 07 · Your mini LLM, trained on real text
#
# Six notebooks built a GPT piece by piece and trained it on a corpus written for the
# purpose: a little over a hundred words in simple sentences, where every demonstration
# was sure to hold. This notebook takes the same model to real text: **Tiny
# Shakespeare**, forty thousand lines of his plays in one file of about 1 MB, read one
# *character* at a time with the tokenizer of notebook 01.
#
# Nothing new is built but a yardstick and two training choices. A model that only counts
# which character follows which gives a loss to beat; then the GPT of notebook 06 trains
# for under a minute on your CPU, with a better optimizer and a falling learning rate
# (each explained, then measured), and you watch gibberish turn into names, line breaks
# and words.
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. fetch a real data set once, and know it is the right file by its checksum;
# 2. measure a baseline that needs no training (the bigram), so a loss means something;
# 3. train notebook 06's GPT on characters and watch language emerge while it trains;
# 4. look inside the trained model: its attention on a line of a play, and its
#    next-character bets at several temperatures;
# 5. sample it with your own settings, train it on your own text, and say what
#    separates it from GPT-2.

# %%
import copy
import dataclasses
import itertools
import math
import re
import time

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.datasets import DATASETS, dataset_path, sha256_of
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.exercises import nb07 as exercises
from minillm_helpers.notebook_support.explorer import explore
from minillm_helpers.notebook_support.plotting import heatmap
from minillm_helpers.notebook_support.widgets.nb07 import (
    LiveProgress,
    own_text_readout,
    sample_readout,
)
from minillm_helpers.sampling import generate, next_token_probabilities
from minillm_helpers.tokenizer import CharTokenizer
from minillm_helpers.training import estimate_loss, train

# %% [markdown]
# ## 1. Real text, fetched once
#
# The file is the one Andrej Karpathy's char-rnn and nanoGPT train on. `dataset_path`
# looks for it in the folder `$MINILLM_DATA_DIR` names (by default `data/datasets/` in
# this project, which git ignores: the text is never committed). If it is not there, it
# downloads it once, with a progress bar, and keeps it only if its SHA-256 checksum is
# the expected one; without internet it says in one line where to put the file.

# %% tags=["nbval-ignore-output"]
path = dataset_path("tinyshakespeare")  # the first time: a 1 MB download

# %%
text = path.read_text(encoding="utf-8")
print(f"{path.name}: {len(text):,} characters, {text.count(chr(10)):,} lines\n")
print("\n".join(text.splitlines()[:11]))
claim("it is the file char-rnn and nanoGPT use (same SHA-256)",
      sha256_of(path) == DATASETS["tinyshakespeare"].sha256)

# %% [markdown]
# ## 2. Characters meet the model
#
# Notebook 01's `CharTokenizer` reads the whole text and gives every distinct character
# an ID. The first 90% of the text is for training; the last 10% (the end of *The
# Taming of the Shrew* and scenes of *The Tempest*) is held back: the model never trains
# on a line of it, so its loss there measures what it learned about English and
# Shakespeare, not what it remembers.

# %%
tokenizer = CharTokenizer.from_text(text)
data = torch.tensor(tokenizer.encode(text))
split = int(0.9 * len(data))
train_data, val_data = data[:split], data[split:]
print(f"{tokenizer.vocab_size} characters: {''.join(tokenizer.vocabulary)!r}")
print(f"training on {len(train_data):,} characters, validating on {len(val_data):,}")
claim("65 characters are the whole vocabulary", tokenizer.vocab_size == 65)
claim("no speaker of The Tempest appears in the training text",
      "PROSPERO:" not in text[:split] and "PROSPERO:" in text[split:])

# %% [markdown]
# ## 3. A baseline first: the bigram
#
# Before training anything, how good is a model that looks at **one** character? Count,
# in the training text, how often each character follows each other one; divide every
# row by its total and you have the probability of the next character given the
# current one. That is a *bigram* model: no context, no attention, no training.
# Adding 1 to every count (smoothing) keeps a pair the training text never had from
# getting probability 0, which would make the loss infinite.

# %%
def bigram_counts(ids, vocab_size: int):
    """counts[a, b]: how often token b directly follows token a in ids."""
    counts = torch.zeros(vocab_size, vocab_size)  # (current, next)
    counts.index_put_((ids[:-1], ids[1:]), torch.ones(len(ids) - 1), accumulate=True)
    return counts


def bigram_probabilities(counts, smoothing: float = 1.0):
    """P(next | current): each row of counts, plus `smoothing` per pair, divided by its sum."""
    smoothed = counts + smoothing  # a pair never seen in training keeps a little probability
    return smoothed / smoothed.sum(dim=1, keepdim=True)  # (vocab, vocab), rows sum to 1


# %% [markdown]
# Its loss is the one every model in this series reports: the average of
# `-log P(the true next character)`. A model that guesses blindly among 65 characters
# scores `log 65 ≈ 4.17`; a perfect one, 0.

# %%
def bigram_loss(probs, ids) -> float:
    """The mean of -log P(next | current) over ids: the same loss a GPT reports."""
    return float(-probs[ids[:-1], ids[1:]].log().mean())


def bigram_generate(probs, first_id: int, length: int, seed: int = 0) -> list[int]:
    """Draw `length` tokens after first_id, each from the row of the token before it."""
    generator = torch.Generator().manual_seed(seed)
    ids = [first_id]
    for _ in range(length):
        ids.append(int(torch.multinomial(probs[ids[-1]], 1, generator=generator)))
    return ids[1:]


# %%
counts = bigram_counts(train_data, tokenizer.vocab_size)
bigram = bigram_probabilities(counts)
bigram_val = bigram_loss(bigram, val_data)
print(f"bigram: training loss {bigram_loss(bigram, train_data):.2f}, "
      f"validation loss {bigram_val:.2f} (blind guessing: {math.log(65):.2f})")
claim("the bigram's validation loss is about 2.5", 2.4 < bigram_val < 2.6)

print(tokenizer.decode(bigram_generate(bigram, tokenizer.unit_to_id["\n"], 160, seed=0)))

# %% [markdown]
# The sample has Shakespeare's letter frequencies and little else: after every
# character the bigram starts afresh. The table shows all it knows, here for a few
# characters: after `q` comes `u`, after a colon a newline, after a newline another
# newline or a capital (the blank line and the speaker's name of the next speech).

# %%
shown = "\n :,.aehnoqrstu"
rows, labels = tokenizer.encode(shown), [repr(c)[1:-1] for c in shown]
heatmap(bigram[rows][:, rows], labels, labels, "Bigram: P(next | current)", cmap="Blues",
        annotate=False).set(xlabel="next character", ylabel="current character")
plt.show()
q, u = tokenizer.unit_to_id["q"], tokenizer.unit_to_id["u"]
claim("every q in the training text is followed by a u", counts[q, u] == counts[q].sum())

# %% [markdown]
# ## 4. The GPT of notebook 06, at laptop size
#
# The same `GPT` class, now with 65 characters in, a context of 64 characters, four
# blocks of width 128 with four heads each: the size of nanoGPT's CPU recipe.
# Untrained, it does no better than a blind guess (a little worse, in fact: its random
# scores are confidently wrong here and there), and it writes noise.

# %%
config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=64, width=128,
                   num_heads=4, num_layers=4)
torch.manual_seed(0)
model = GPT(config)
untrained = estimate_loss(model, val_data, batch_size=16, context_length=64)
print(f"{model.num_parameters():,} parameters; untrained validation loss {untrained:.1f}")
claim("untrained, it is no better than blind guessing", untrained > math.log(65) - 0.2)


def write(model, prompt="\n", length=400, seed=0, temperature=0.8, **cuts):
    """prompt + `length` characters sampled from the model (generate from notebook 06)."""
    ids = generate(model, tokenizer.encode(prompt), length, temperature, seed=seed,
                   use_cache=True, **cuts)
    return prompt + tokenizer.decode(ids)


# %% tags=["nbval-ignore-output"]
snapshots = {0: write(model)}  # a sample before training
print(snapshots[0][:120])

# %% [markdown]
# ## 5. Train it, watching
#
# The training loop is the package's `train`, as in notebook 06: random windows of 64
# characters, the loss on fixed batches of both texts every 125 steps. Two choices make it
# reach a good loss in under a minute:
#
# * **Muon** updates the blocks' weight matrices. AdamW (notebook 06) sizes each number's
#   step by that number's own history; a matrix's update then tends to be dominated by a
#   few directions. Muon takes the whole update of a matrix and replaces it by the nearest
#   *orthogonal* one (a few matrix products, the Newton-Schulz iteration), so every
#   direction the matrix can move in moves by the same amount. AdamW keeps the embedding
#   table, the output layer and the norms: they are not maps from one hidden vector to
#   another, which is what Muon is made for.
# * **A falling learning rate at the end.** Big steps reach the right region fast; small
#   ones let the model settle instead of bouncing around it. The model trains 250 steps
#   at the peak rate, then a second `train` call goes on for 125 steps with the rate
#   falling along half a cosine to a tenth of the peak (notebook 06 did the same by hand,
#   in three phases). Several recent LLMs train this way (warm-up, stable, decay): a run
#   can be continued from a checkpoint taken before the decay. The second call starts its
#   optimizers' memory of past gradients afresh; the comparison below includes that.
#
# (`minillm train` lets the rate fall over the whole run after a short warm-up, and keeps
# a moving average of the weights, which helps longer runs; this notebook leaves both
# out.) To watch training, we hand `train` a function to call after every step
# (`on_step`): `LiveProgress` counts both calls as one run, redraws the curve below every
# 75 steps and keeps a sample after step 100. The dashed line is the bigram: once the
# curve is under it, context and attention are paying off.

# %% tags=["nbval-ignore-output"]
stable, decay = 250, 125  # steps at the peak rate, then steps with the rate falling
steps = stable + decay
progress = LiveProgress(steps, every=75, baseline=bigram_val, snapshots=[100], sample=write)
recipe = dict(batch_size=16, learning_rate=4e-3, muon_learning_rate=1.2e-2, eval_every=125)
train(model, train_data, val_data, steps=stable, on_step=progress, **recipe)
at_peak = copy.deepcopy(model)  # kept for the next section: it goes on at the peak rate
train(model, train_data, val_data, steps=decay, final_rate=0.1,  # the rate falls to 10%
      seed=1, on_step=progress, **recipe)  # seed 1: new windows, not the first call's again
print(progress.finish())  # the last redraw, with the validation losses
gpt_val = progress.history.val_eval[-1]  # the two calls' history as one run

# %%
claim("the GPT's validation loss (printed above) is at most 1.85", gpt_val <= 1.85)
claim("context and attention take it at least 0.6 below the bigram's", bigram_val - gpt_val >= 0.6)

# %% [markdown]
# **What each choice buys.** Each answer compares two runs that differ in that one choice
# only: the same start, the same windows, the same peak rates. For the falling rate, the
# copy taken at step 250 trains the last 125 steps on the same windows as the run above,
# at the peak rate. Muon pays off from the start, so two fresh runs of 60 steps do for it:
# AdamW for every weight against Muon, both with the rate falling to 10%.

# %% tags=["nbval-ignore-output"]
def rerun(run_steps, shape=config, **choices):  # a fresh model: same seed, same windows
    torch.manual_seed(0)
    return train(GPT(shape), train_data, val_data, steps=run_steps, learning_rate=4e-3,
                 eval_every=run_steps, eval_batches=10, **choices)

adamw_60 = rerun(60, final_rate=0.1).val_eval[-1]
muon_60 = rerun(60, muon_learning_rate=1.2e-2, final_rate=0.1).val_eval[-1]
constant = train(at_peak, train_data, val_data, steps=decay, seed=1, **recipe).val_eval[-1]
print(f"60 steps with the rate falling: AdamW {adamw_60:.2f}, Muon {muon_60:.2f}")
print(f"the last {decay} steps: at the peak rate {constant:.2f}, falling (above) {gpt_val:.2f}")

# %%
claim("after 60 steps, Muon's loss is at least 0.05 lower than AdamW's", adamw_60 - muon_60 > 0.05)
claim("the falling rate ends at least 0.05 lower than the peak rate", constant - gpt_val > 0.05)

# %% [markdown]
# ## 6. Watch language emerge
#
# Three samples from the same prompt (a newline), at temperature 0.8, with the same
# random draws: before training, after 100 steps, after all of them. The first is
# noise; the second has the rhythm of words and spaces; the last has names from the plays,
# line breaks and lines of verse, most of its words real, put together without sense.
# (A model this small, trained for under a minute, stops there.) The checks after them
# read four more samples drawn with other seeds too: one sample of 400 characters may
# happen to hold no speaker's name.

# %% tags=["nbval-ignore-output"]
snapshots.update(progress.samples)
snapshots[steps] = write(model)
for step, sample in snapshots.items():
    print(f"----- after {step} steps -----{sample}\n")

# %%
words = set(re.findall(r"[a-z]+", text.lower()))
def real_words(sample):
    found = re.findall(r"[a-z]+", sample.lower())
    return sum(w in words for w in found) / max(1, len(found))

late = snapshots[steps]
samples = [late] + [write(model, seed=seed) for seed in range(1, 5)]  # four more draws
speakers = [bool(re.search(r"^[A-Z][A-Z ]+:$", s, re.MULTILINE)) for s in samples]
claim("after training: a speaker's name in capitals and a colon, on a line of its own, "
      "in at least two of five samples", sum(speakers) >= 2)
claim("line breaks: at least eight lines", late.count("\n") >= 8)
claim("most of its words are real words, far more than before training",
      real_words(late) > 0.55 and real_words(late) > real_words(snapshots[0]) + 0.3)

# %% [markdown]
# ## 7. Look inside: attention on a line of the play
#
# Give the trained model a line from the validation text, which it never trained on,
# and look at the attention weights of its heads: each row is a character, and its
# squares show how much it takes from each earlier character (the causal mask leaves
# the upper triangle empty). The heads of the first block look at the last two or
# three characters: the word being spelled. Those of the last block reach further
# back, and one of them keeps going back to the line break that starts the line, from
# every character after it: several times the share it would get if the head spread its
# attention evenly over the characters so far.

# %%
line = "BAPTISTA:\nGood morrow, neighbour Gremio."
keep_attention_weights(model)  # the written-out attention, which keeps its weights
with torch.no_grad():
    model(torch.tensor([tokenizer.encode(line)]))
keep_attention_weights(model, False)  # back to the fused kernel
labels = [repr(c)[1:-1] for c in line]
fig, axes = plt.subplots(2, 4, figsize=(16, 8.6))
for block, row in zip([0, 3], axes, strict=True):
    weights = model.blocks[block].attention.last_weights[0]  # (heads, T, T)
    for head, ax in enumerate(row):
        ax.imshow(weights[head], cmap="viridis")
        ax.set_title(f"block {block + 1}, head {head + 1}")
        ax.set_xticks(range(len(line)), labels, fontsize=6)
        ax.set_yticks(range(len(line)), labels, fontsize=6)
plt.tight_layout()
plt.show()

# %%
back = torch.arange(len(line))[:, None] - torch.arange(len(line))  # how far back, row - column
def reach(block):
    """How far back a block's heads look, on average (characters)."""
    weights = model.blocks[block].attention.last_weights[0]  # (heads, T, T)
    return float((weights * back.clamp(min=0)).sum(-1)[:, 8:].mean())

claim("no head takes anything from a later character",
      all(torch.triu(b.attention.last_weights, 1).max() == 0 for b in model.blocks))
claim("the first block looks back under 4 characters on average, the last one over 6",
      reach(0) < 4 < 6 < reach(3))

# %% tags=["nbval-ignore-output"]
on_break = model.blocks[3].attention.last_weights[0, :, 12:, line.index("\n")].mean(-1)
even = (1 / torch.arange(13, len(line) + 1)).mean()  # each character's share, spread evenly
print(f"the last block's heads on the line break: {[round(float(w), 2) for w in on_break]}; "
      f"spread evenly: {float(even):.2f}")
claim("a head of the last block looks at the line break over three times as much as an even "
      "spread would", on_break.max() > 3 * even)

# %% [markdown]
# **Explore it yourself.** The panel below is your own model, opened up: type a prompt
# and see its characters with their IDs; pick a block and a head (or all heads) to see
# which earlier characters each one looks at; watch the next-character guess form
# block by block (the *logit lens*: the final layer norm and output layer applied to the
# residual stream after each block, so the last row is the model's real prediction);
# move temperature, top-k and top-p over the bars; and grow the text one character at a
# time. Try `ROMEO:` and a line break, then a name it never saw in that place, or a
# rare word. The same panel opens any run of `minillm train`: `explore("runs/book")`.

# %% tags=["nbval-ignore-output"]
explore(model, tokenizer, prompt="ROMEO:\n")

# %% [markdown]
# ## 8. What comes next, at three temperatures
#
# After `To be, or not to b` the model should be fairly sure of the next character.
# Notebook 06's temperature divides its scores before softmax: at 0.5 the favourite
# takes nearly everything, at 1.5 the other characters get more of a chance.

# %%
prompt = "To be, or not to b"
prompt_ids = tokenizer.encode(prompt)
fig, axes = plt.subplots(1, 3, figsize=(14, 3.2), sharey=True)
bets = {}
for ax, temperature in zip(axes, [0.5, 1.0, 1.5], strict=True):
    bets[temperature] = next_token_probabilities(model, prompt_ids, temperature=temperature)
    best = bets[temperature].argsort(descending=True)[:8].tolist()
    ax.bar([repr(tokenizer.vocabulary[i])[1:-1] for i in best], bets[temperature][best])
    ax.set_title(f"temperature {temperature}")
axes[0].set_ylabel(f"P(next character | {prompt!r})")
plt.show()
favourite = tokenizer.vocabulary[int(bets[1.0].argmax())]
claim("the favourite is 'e'", favourite == "e")
claim("a lower temperature makes it surer", bets[0.5].max() > bets[1.0].max() > bets[1.5].max())

# %% [markdown]
# ## Try it: sample your own
#
# Type a prompt (a speaker's name and a colon works well), then move the sliders:
# **temperature** as above, **top-k** keeps only the k likeliest characters (0: all),
# **top-p** the smallest set that covers probability p (1: all), and **length**. Every
# change draws a fresh sample.

# %% tags=["nbval-ignore-output"]
seeds = itertools.count(1)  # a fresh sample for every change
style = {"description_width": "initial"}


def show_sample(prompt, temperature, top_k, top_p, length):
    def continuation(prompt, length, temperature, top_k, top_p):
        return write(model, prompt, length, next(seeds), temperature=temperature,
                     top_k=top_k, top_p=top_p)[len(prompt):]
    print(sample_readout(prompt, temperature, top_k, top_p, length, tokenizer, continuation))


widgets.interact(
    show_sample,
    prompt=widgets.Text("ROMEO:", description="Prompt", continuous_update=False, style=style),
    temperature=widgets.FloatSlider(0.8, min=0.05, max=2.0, step=0.05, description="Temperature",
                                    continuous_update=False, style=style),
    top_k=widgets.IntSlider(20, min=0, max=65, description="Top-k (0 = off)", continuous_update=False,
                            style=style),
    top_p=widgets.FloatSlider(1.0, min=0.05, max=1.0, step=0.05, description="Top-p (1 = off)",
                              continuous_update=False, style=style),
    length=widgets.IntSlider(300, min=50, max=1000, step=50, description="Length",
                             continuous_update=False, style=style));

# %% [markdown]
# ## Try it: train on your own text
#
# The same model, trained the same way on a text of yours: upload a UTF-8 file (or type
# its path), choose the steps and press the button. A few hundred kilobytes (a book, your
# notes, some code) shows its style after a few hundred steps.

# %%
def fit(own_text, own_steps):
    """Train a fresh GPT on own_text as above; return its validation loss and a sample."""
    own = CharTokenizer.from_text(own_text)
    ids = torch.tensor(own.encode(own_text))
    cut = int(0.9 * len(ids))
    torch.manual_seed(0)
    own_model = GPT(dataclasses.replace(config, vocab_size=own.vocab_size))  # config, own IDs
    own_progress = LiveProgress(own_steps, every=50)
    own_history = train(own_model, ids[:cut], ids[cut:], steps=own_steps, final_rate=0.1,
                        on_step=own_progress, **recipe)  # the rate falls over the whole run
    own_progress.finish()
    sample = own.decode(generate(own_model, ids[:1].tolist(), 300, temperature=0.8, seed=0))
    return own_history.val_eval[-1], own.decode(ids[:1].tolist()) + sample


# %% tags=["nbval-ignore-output"]
own_path = widgets.Text(description="Path of a text file", style=style)
own_upload = widgets.FileUpload(accept=".txt,text/*", description="Upload")
own_steps = widgets.IntSlider(300, min=100, max=2000, step=100, description="Steps", style=style)
own_button = widgets.Button(description="Train on my text", button_style="primary")
own_output = widgets.Output()


def on_train_clicked(_):
    with own_output:
        own_output.clear_output()
        print(own_text_readout(own_path.value, own_upload.value, own_steps.value, fit))


own_button.on_click(on_train_clicked)
widgets.VBox([widgets.HBox([own_path, own_upload]), own_steps, own_button, own_output])

# %% [markdown]
# ## 9. Where next
#
# **Longer runs from the command line.** `minillm` trains this same model with what a
# long run needs: a warm-up and a cosine schedule over the whole run, a moving average of
# the weights, checkpoints written atomically, Ctrl-C to stop and `--resume` to continue
# exactly where it stopped, and several processes with `torchrun`:
#
# ```bash
# minillm train tinyshakespeare --out runs/shakespeare --steps 2000
# minillm train tinyshakespeare --out runs/shakespeare --steps 4000 --resume
# minillm sample runs/shakespeare --prompt "ROMEO:" --temperature 0.8 --top-k 20
# torchrun --standalone --nproc_per_node 2 -m minillm_helpers train my_book.txt --out runs/book
# ```
#
# **What separates it from GPT-2.** Not the ideas: GPT-2 is this model's recipe, larger
# in every direction and trained on far more text.

# %%
ours = {"tokens": f"{tokenizer.vocab_size} characters",
        "parameters": f"{model.num_parameters() / 1e6:.2f} million",
        "context": f"{config.context_length} tokens",
        "blocks x width x heads": f"{config.num_layers} x {config.width} x {config.num_heads}",
        "training text": f"{len(text.encode()) / 1e6:.1f} MB"}
gpt2 = {"tokens": "50,257 byte-pair tokens", "parameters": "124 million",
        "context": "1,024 tokens", "blocks x width x heads": "12 x 768 x 12",
        "training text": "about 40 GB (WebText)"}
print(f"{'':<24}{'this notebook':<18}GPT-2 small (2019)")
for key in ours:
    print(f"{key:<24}{ours[key]:<18}{gpt2[key]}")
print(f"GPT-2 small: {124e6 / model.num_parameters():.0f} times the parameters, "
      f"{round(40e9 / len(text.encode()), -3):,.0f} times the text")

# %% [markdown]
# * **Tokenizer.** GPT-2 reads byte-pair tokens (notebook 01's last section): common
#   words are one token, rare ones a few pieces. A context of 1,024 of them holds pages,
#   where our 64 characters hold a line or two.
# * **Size.** Twelve blocks of width 768: 124 million numbers to learn, 153 times ours.
#   Its positions come from a learned table rather than sinusoids.
# * **Data.** About 8 million web pages: 40 GB of text, some 36,000 times Tiny
#   Shakespeare. More text than a model can memorise is what makes a large one generalise.
#
# From here, nanoGPT (`github.com/karpathy/nanoGPT`) reproduces GPT-2 small with the same
# ideas in about 300 lines of model code. You have written nearly all of them; what it
# adds is small: a learned table of positions instead of sinusoids, the output layer
# sharing the embedding table's weights (*weight tying*), and a short warm-up before a
# cosine schedule over the whole run (`minillm train` has that one too).

# %% [markdown]
# ## Summary
#
# * Real data sets are fetched once and checked by checksum, never committed.
# * A **baseline** gives a loss meaning: the bigram, which only counts pairs, scores
#   about 2.5 on held-out Shakespeare; blind guessing scores 4.17.
# * The **GPT of notebook 06**, trained by the package's `train` for under a minute on a
#   CPU (Muon and a falling learning rate, each measured), gets below 1.85: what context and
#   attention buy, in one number.
# * While it trains, language **emerges** in stages: letter frequencies, word shapes,
#   then names, line breaks and verse-like lines.
# * Inside, attention never looks ahead; temperature sharpens or flattens the bets.

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** A loss is easier to feel as a number of choices: if the model picked
# uniformly among `n` characters, its loss would be `log n`. As how many equally likely
# characters does the bigram's validation loss `bigram_val` feel?

# %%
choices = ...  # your number; then run exercises.check_choices(choices, bigram_val)

# %% [markdown]
# **Exercise 2: break it, take the positions away.** Set the trained model's position
# vectors to zero (`model.positions.zero_()`: the buffer the sinusoids live in), measure
# the validation loss with `estimate_loss(model, val_data, 16, 64, 10)`, and put them
# back (`model.positions.copy_(saved)`). How much of what it learned needs to know
# where each character stands? Compare with the loss measured the same way before, and
# run `exercises.check_no_positions(with_positions, without_positions)`.

# %%
with_positions, without_positions = ..., ...  # two validation losses

# %% [markdown]
# **Exercise 3: width or depth, against the clock.** The main run gave four blocks of width
# 128 under a minute. With a fifth of that time, is that still the best shape? Your budget is
# `budget` below, a fifth of the main run's time on your machine (time the `train(...)` call
# with `time.perf_counter()`), and the target a validation loss of 2.4 at most. Change the width (`width`, a multiple of
# `num_heads`) or the depth (`num_layers`) of `config` with `dataclasses.replace(config,
# ...)`, choose the steps, train it with the recipe above and run
# `exercises.check_shape_on_budget(your_config, your_history, seconds, budget)`. Which way
# wins a short race?

# %%
budget = progress.seconds / 5  # a fifth of the main run's time, on this machine
your_config, your_history, seconds = ..., ..., ...  # a new shape, train(...)'s history, time

# %% [markdown]
# ## Solutions

# %%
choices = math.exp(bigram_val)  # invert loss = log(choices)
exercises.check_choices(choices, bigram_val)

# %%
saved = model.positions.clone()
with_positions = estimate_loss(model, val_data, 16, 64, 10)
model.positions.zero_()  # every character looks the same wherever it stands
without_positions = estimate_loss(model, val_data, 16, 64, 10)
model.positions.copy_(saved)  # back as it was trained
exercises.check_no_positions(with_positions, without_positions)


# %% tags=["nbval-ignore-output"]
small = dataclasses.replace(config, width=64, num_layers=1)  # half as wide, a quarter as deep
start = time.perf_counter()
small_history = rerun(200, small, muon_learning_rate=1.2e-2, final_rate=0.1)  # as above
seconds = time.perf_counter() - start
accepted = exercises.check_shape_on_budget(small, small_history, seconds, budget)

# %%
claim("the checker accepts one block of width 64, trained for 200 steps", accepted)
