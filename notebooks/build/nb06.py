"""Build notebooks/06_prediction_and_sampling.ipynb (run from the repository root, then execute it).

    .venv/bin/python notebooks/build/nb06.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace \
        notebooks/06_prediction_and_sampling.ipynb

The stage's code is pasted from minillm_helpers/model.py (GPTConfig, FeedForward,
Block, GPT) and minillm_helpers/sampling.py (check_sampling_settings, probabilities,
next_token_probabilities, generate, entropy), so the notebook and the package are
the same code (tests/test_one_source.py compares them).

Widget contract (the browser test relies on it): a FloatSlider with description
"Temperature"; the first printed line is
"After 'The cat sat' at temperature 1.00: on 0.35, down 0.30, ..." and the second
starts with "Sample: ".
"""

from __future__ import annotations

from builder import code, md, pasted, write

# ---------------------------------------------------------------- title
md(r"""
# 06 · Prediction is a probability game

Five notebooks built five pieces: a tokenizer, embeddings, positions, attention and
the causal mask, plus a training loop. This notebook puts them together into a
small but complete **GPT**, trains it on the project's corpus in well under a
minute on a laptop CPU, and then asks it the question every language model answers:
*what comes next?*

The answer is never a single word. It is a **probability for every word** in the
vocabulary. After `The cat sat` the model spreads its bets over `on`, `down`,
`suddenly` and a few more; after `The wizard waved his wand and the cat sat` it
bets heavily on `magically`. Turning those bets into text is a choice of its own,
and temperature, top-k and top-p are the knobs of that choice.

**Learning goals.** By the end of this notebook you will be able to

1. assemble a GPT from the earlier pieces plus the two it still lacks: the
   feed-forward layer, and the residual connections with layer norm that let blocks stack;
2. train it and read its output as a probability distribution over the next word;
3. show how context reshapes that distribution;
4. explain and use temperature (and its limit, greedy decoding), top-k and top-p;
5. generate text one token at a time, and know how to train the same model on your own text.
""")

code(r"""
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
from minillm_helpers.corpus import load_corpus
from minillm_helpers.embeddings import nearest_neighbours
from minillm_helpers.exercises.nb06 import check_magic_prompt, check_temperature, check_top_p
from minillm_helpers.masking import causal_mask
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer
from minillm_helpers.training import estimate_loss, train
from minillm_helpers.widgets.nb06 import temperature_readout

_ = torch.manual_seed(0)  # the same random numbers on every run
""")

# ---------------------------------------------------------------- 1. the pieces
md(r"""
## 1. The pieces so far

A piece of text travels through the model like this; every step but the last
comes from an earlier notebook and is imported from `minillm_helpers`:

| step | piece | built in |
| --- | --- | --- |
| text → token IDs | `WordTokenizer` | 01 |
| IDs → vectors that carry meaning | an embedding table | 02 |
| + where each token stands | `sinusoidal_encoding` | 03 |
| tokens gather context from each other | `MultiHeadAttention` | 04 |
| ... but never from the future | `causal_mask` | 05 |
| learn from examples | `train`, `estimate_loss` | 05 |
| vectors → scores → probabilities → a chosen token | this notebook | 06 |

We work with words as tokens, as notebooks 02 and 05 did: the corpus is built
from a little over a hundred distinct words, so a small model learns it quickly.
The last 10% of the text is held back to check the model on sentences it never
trained on.
""")

code(r"""
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
""")

# ---------------------------------------------------------------- 2. feed-forward
md(r"""
## 2. A new piece: the feed-forward layer

Attention **mixes**: each token's new vector is a weighted blend of the vectors
around it. What it does not do is much *processing* of the blend. That is the job
of the feed-forward layer, applied to every token on its own:

1. widen the vector to four times its width (a linear layer),
2. bend it with a non-linearity (GELU, a smooth cousin of "keep the positives"),
3. narrow it back to the original width (another linear layer).

The bend matters: a stack of linear layers without one is still a single linear
layer, however deep. A useful way to hold the two apart is that attention lets
tokens *talk*, and the feed-forward layer lets each token *think* about what it heard.
""")

code(pasted("model", "FeedForward"))

code(r"""
feed_forward = FeedForward(width=8)
x = torch.randn(1, 4, 8)  # 1 sequence of 4 tokens, each a vector of width 8
y = feed_forward(x)
print("in:", tuple(x.shape), " hidden:", feed_forward.net[0].out_features, " out:", tuple(y.shape))

changed = x.clone()
changed[0, 3] = torch.randn(8)  # give the last token a different vector
assert y.shape == x.shape
assert torch.equal(feed_forward(changed)[0, :3], y[0, :3])  # the other tokens do not notice
print("changing token 3 leaves tokens 0-2 untouched: each token is processed on its own")
""")

# ---------------------------------------------------------------- 3. block
md(r"""
## 3. Stacking: residual connections and layer norm

A GPT stacks several rounds of "attend, then think". Two small tricks make the
stack train well.

**Residual connections.** Each sub-layer *adds* its result to its input,
`x = x + attention(x)`, instead of replacing it. The block only has to learn a
correction, the original information always has a straight path through, and
so do the gradients on their way back during training.

**Layer norm.** Before each sub-layer, every token's vector is rescaled to mean 0
and standard deviation 1 (followed by a learned scale and shift). However large
or small the numbers grow through the stack, each sub-layer sees them at a
steady scale.
""")

code(r"""
norm = nn.LayerNorm(8)
wild = torch.tensor([[100.0, 101, 102, 103, 104, 105, 106, 107]])
tame = norm(wild).detach()
print("before:", wild[0].tolist())
print("after: ", [round(v, 2) for v in tame[0].tolist()])
assert abs(float(tame.mean())) < 1e-5
assert abs(float(tame.std(unbiased=False)) - 1) < 1e-3
""")

md(r"""
One **block** is layer norm → masked multi-head attention → add, then
layer norm → feed-forward → add. All the sizes live in one small configuration
object, `GPTConfig`, which checks them once, up front, so a mistake (say a width
that the number of heads does not divide) fails with a clear message before any
tensor is built. `to_dict` and `from_dict` let a saved model remember its sizes.
""")

code(pasted("model", "GPTConfig"))

code(pasted("model", "Block"))

code(r"""
config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=16, width=64,
                   num_heads=4, num_layers=2)
print(config)

block = Block(config)
x = torch.randn(2, 5, config.width)  # 2 sequences of 5 tokens
out = block(x, causal_mask(5))
print("block:", tuple(x.shape), "->", tuple(out.shape))
assert out.shape == x.shape  # a block's output fits the next block's input: blocks stack
""")

# ---------------------------------------------------------------- 4. the GPT
md(r"""
## 4. The whole model

Now the GPT itself, in the order a token meets the pieces:

1. **Embeddings.** Each ID picks a row of a learned table (notebook 02), multiplied
   by `√width` so that meanings and positions are on the same scale (notebook 03).
2. **Positions.** The sinusoidal encoding (notebook 03) is added, so the model
   knows where each token stands.
3. **Blocks.** `num_layers` blocks, each with the causal mask (notebook 05), so a
   position never sees the tokens after it.
4. **Output layer.** A final layer norm, then one linear layer turns each position's
   vector into **one score per vocabulary word**. These scores are called *logits*.

`forward` also checks its input: a sequence longer than the context the positions
were made for, or an ID that is not in the vocabulary, is refused with a message
that says what to do.
""")

code(pasted("model", "GPT"))

code(r"""
torch.manual_seed(0)
model = GPT(config)
parts = {"token embeddings": model.token_embedding, "blocks": model.blocks,
         "final layer norm": model.final_norm, "output layer": model.output}
for name, part in parts.items():
    print(f"{name:<18}{sum(p.numel() for p in part.parameters()):>8,}")
print(f"{'total':<18}{model.num_parameters():>8,} parameters")
counted = sum(sum(p.numel() for p in part.parameters()) for part in parts.values())
assert counted == model.num_parameters()  # nothing left out
""")

md(r"""
Feed it `The cat sat`: three IDs in, and for each of the three positions a score
for every one of the vocabulary's words. The scores at the **last** position are
the model's opinion about the word that comes next.
""")

code(r"""
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
""")

code(r"""
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
""")

md(r"""
Notebook 05 proved that masked attention never looks ahead. The whole model must
keep that promise, through both blocks, the feed-forward layers and the norms:
change every word after `sat`, and the scores at `The`, `cat` and `sat` must not move.
""")

code(r"""
original = tokenizer.encode("The cat sat on the mat by the door.")
changed = tokenizer.encode("The cat sat suddenly and hissed.")
with torch.no_grad():
    a = model(torch.tensor([original]))[0][0]  # (9 positions, vocab)
    b = model(torch.tensor([changed]))[0][0]  # (6 positions, vocab)
same_past = torch.allclose(a[:3], b[:3], atol=1e-6)
print("scores at The, cat, sat unchanged:", same_past)
print("scores at the next position changed:", not torch.allclose(a[3], b[3], atol=1e-3))
assert same_past
""")

# ---------------------------------------------------------------- 5. training
md(r"""
## 5. Training

Training is notebook 05's loop, unchanged: cut random 16-word windows from the
corpus, ask the model for the next word at every position, and nudge all the
weights to make the true next words more likely. The **loss** is the
cross-entropy: the average of `-log(probability the model gave the true next word)`.
A blind guess among 118 words scores `log(118) ≈ 4.77`.

We train for 300 steps, then 100 more with a six times smaller learning rate.
Big steps get the model into the right region quickly; small steps at the end let
it settle on the *average* of what it has seen rather than on whatever the last
few batches said. Expect 10 to 30 seconds on a laptop CPU.
""")

code(r"""
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
""")

code(r"""
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
""")

md(r"""
The loss flattens out well above 0, and it has to. The corpus is not a fixed
script: after `The cat sat` its generator picks `on`, `down`, `suddenly` and
others at random. No model, however large, can know which one comes next; the
best it can do is know *how likely* each one is. That is the whole game.
""")

# ---------------------------------------------------------------- 6. probabilities
md(r"""
## 6. From scores to probabilities

The output layer gives scores that can be any real numbers. **Softmax** turns
them into probabilities: exponentiate each score (making it positive), then
divide by the total (making them add up to 1). A higher score always means a
higher probability, and only the *differences* between scores matter.

`probabilities` below does that, and takes three optional settings that sections 8
and 9 explain: `temperature`, `top_k` and `top_p`. Impossible settings are caught
first by `check_sampling_settings`. `next_token_probabilities` runs the model on a
list of IDs (at most the last `context_length` of them: that is all the model can
see) and returns the distribution for the next token. `entropy` measures how
spread out a distribution is: 0 when one word is certain, `log(n)` when `n` words
are equally likely.
""")

code(pasted("sampling", "check_sampling_settings", "probabilities"))

code(pasted("sampling", "next_token_probabilities", "entropy"))

code(r"""
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
""")

md(r"""
Several candidates, not one answer. Where do these numbers come from? From the
corpus: let us count what actually follows `The cat sat` in the training text and
put the counts next to the model's probabilities.
""")

code(r"""
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
""")

# ---------------------------------------------------------------- 7. context
md(r"""
## 7. Context changes the odds

The corpus has wizards in it, and when a wizard waves his wand, the cat that sits
does so *magically* most of the time. An ordinary boy waving his hand changes
nothing. Both sentences end in exactly the same three words, `the cat sat`, so
the difference has to come from words further back, reached through attention.
""")

code(r"""
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
""")

code(r"""
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
""")

md(r"""
The model also learned notebook 02's lesson along the way. Nobody asked it to,
but its embedding table now puts words that are used in the same ways close
together, because that helps it predict.
""")

code(r"""
table = model.token_embedding.weight.detach()
for word, partner in [("king", "queen"), ("apple", "orange"), ("cat", "dog")]:
    (nearest, cosine), = nearest_neighbours(word, tokenizer.vocabulary, table, k=1)
    print(f"nearest to {word!r:<8} is {nearest!r}")
    assert nearest == partner
""")

# ---------------------------------------------------------------- 8. temperature
md(r"""
## 8. Choosing a word: temperature

A distribution is not yet text: we must pick a word. Always taking the likeliest
one (**greedy** decoding) is safe and dull; it writes the same continuation every
time. Drawing at random according to the probabilities is livelier. **Temperature**
sits between the two: it divides every score by a number `T` before softmax.

* `T = 1`: the model's own probabilities.
* `T < 1`: differences between scores grow, so the favourite gains; as `T` approaches
  0 all the probability moves to the top score, which is greedy decoding.
  (`temperature=0` means exactly that.)
* `T > 1`: differences shrink, the distribution flattens, rare words get a chance:
  more surprising text, and more mistakes.

Dividing by `T` never changes the *order* of the words, only how far apart their
probabilities are.
""")

code(r"""
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
""")

code(r"""
greedy = probabilities(cat_logits, temperature=0)
nearly_greedy = probabilities(cat_logits, temperature=0.01)
best_id = int(cat_logits.argmax())
print("the top score belongs to:", tokenizer.vocabulary[best_id])
print(f"T = 0 gives it {greedy[best_id]:.2f}, T = 0.01 gives it {nearly_greedy[best_id]:.2f}")
assert int(greedy.argmax()) == best_id and float(greedy.max()) == 1.0
assert int(nearly_greedy.argmax()) == best_id and float(nearly_greedy.max()) > 0.99
very_hot = probabilities(cat_logits, temperature=100.0)
assert entropy(very_hot) > 0.95 * math.log(tokenizer.vocab_size)  # nearly a blind guess
""")

code(r"""
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
""")

# ---------------------------------------------------------------- 9. top-k / top-p
md(r"""
## 9. Cutting the tail: top-k and top-p

Even a good model leaves a little probability on absurd words (`The cat sat
kingdom`). Each one is unlikely, but there are many of them and a long text
draws many times, so sooner or later one gets picked. Two common cuts remove the
tail before drawing and share its probability among the survivors:

* **top-k** keeps the `k` highest-scoring words;
* **top-p** (also called *nucleus sampling*) keeps the smallest set of best words
  whose probabilities add up to at least `p`. When the model is sure, that set is
  small; when it hesitates, it grows.
""")

code(r"""
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
""")

code(r"""
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
""")

# ---------------------------------------------------------------- 10. generation
md(r"""
## 10. Generation: one token at a time

A GPT writes by repeating one step: predict the next token's distribution, draw a
token from it, append it, and go again with the longer text. When the text grows
past the context (16 words here), the model simply reads the last 16: it cannot
see further back. A seeded random generator makes every draw reproducible.
""")

code(pasted("sampling", "generate"))

code(r"""
for seed, T in enumerate([0, 0.5, 1.0, 1.5]):
    new_ids = generate(model, prompt_ids, 24, temperature=T, seed=seed)
    print(f"T = {T}: {tokenizer.decode(prompt_ids + new_ids)}\n")

assert len(new_ids) == 24  # 3 + 24 words: longer than the context, so the window slid along
assert generate(model, prompt_ids, 24, seed=5) == generate(model, prompt_ids, 24, seed=5)
assert generate(model, prompt_ids, 10, temperature=0, seed=1) == generate(
    model, prompt_ids, 10, temperature=0, seed=2)  # greedy ignores the seed
""")

md(r"""
Low temperatures retell the corpus's most common sentences; `T = 1.5` starts to
produce sentences the corpus never had, some of them broken. How varied are the
choices? Draw the word after `The cat sat` thirty times at each temperature and
count the different words.
""")

code(r"""
variety = {}
for T in [0, 0.5, 1.0, 2.0]:
    draws = [generate(model, prompt_ids, 1, temperature=T, seed=s)[0] for s in range(30)]
    variety[T] = len(set(draws))
    print(f"T = {T}: {variety[T]:>2} different words in 30 draws")
assert variety[0] == 1  # greedy: always the same word
counts = list(variety.values())
assert counts == sorted(counts) and counts[-1] > counts[1]  # hotter: more variety
""")

# ---------------------------------------------------------------- widget
md(r"""
## Try it: the temperature slider

Move **Temperature** and watch the distribution after `The cat sat` sharpen or
flatten; each move also draws a fresh sample at that temperature. At 0 every
sample is the same; near 2 the model starts to babble.
""")

code(r"""
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
""")

# ---------------------------------------------------------------- summary
md(r"""
## Summary

* A GPT is the earlier pieces in a row: tokenizer → embeddings (× √width) +
  sinusoidal positions → blocks of [layer norm → masked multi-head attention → add,
  layer norm → feed-forward → add] → layer norm → output layer. The feed-forward
  layer lets each token process what attention gathered; residual connections and
  layer norm let blocks stack.
* Its output is a **score for every word**, and softmax turns the scores into a
  probability distribution over the next word. After `The cat sat` that
  distribution matches the corpus: several endings, none certain.
* Context reshapes it: words several positions back (a wizard, a wand) made
  `magically` more than ten times likelier, while an ordinary wave did not.
* **Temperature** divides the scores before softmax: near 0 it becomes greedy
  (argmax), above 1 it flattens the distribution (the entropy grows).
  **Top-k** and **top-p** cut the unlikely tail before drawing.
* **Generation** repeats predict → draw → append, reading at most the last
  `context_length` tokens.

That closes the loop of the series: raw text → token IDs → vectors → attention
→ scores → probabilities → a sampled token, every piece written and checked by you.

**Your own text.** The same model trains on any UTF-8 text file. The `minillm`
command, installed with this project, builds a character-level tokenizer from your
file, trains, saves a checkpoint, and samples from it:

```bash
minillm train DATA.txt --out runs/mine
minillm sample runs/mine --prompt "Once upon a time" --temperature 0.8 --top-k 20
```

A few hundred kilobytes of text (a book, your notes, a codebase) and a few minutes
of CPU are enough to see it pick up the style. Try the temperatures again there.
""")

# ---------------------------------------------------------------- exercises
md(r"""
## Exercises

**Exercise 1.** A model gives the scores `[2.0, 1.0, 0.0]` to three words. What
are the three probabilities at temperature `2`? Work them out with `math.exp`
(not with `probabilities`).
""")

code(r"""
# Your turn: replace the ... and run check_temperature(answer).
answer = ...
""")

code(r"""
# One solution: divide by the temperature, exponentiate, normalise
divided = [s / 2 for s in [2.0, 1.0, 0.0]]
exps = [math.exp(s) for s in divided]
answer = [e / sum(exps) for e in exps]
print([round(p, 3) for p in answer])
assert check_temperature(answer)
""")

md(r"""
**Exercise 2.** The corpus generator's recipe for what follows `The cat sat` is
`on 0.35, down 0.30, suddenly 0.15, quietly 0.08, still 0.06, furiously 0.05,
magically 0.01` (the article's illustration plus two quieter endings). Which words
survive **top-p with p = 0.75**?
""")

code(r"""
# Your turn: replace the ... with a list of words and run check_top_p(kept).
kept = ...
""")

code(r"""
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
""")

md(r"""
**Exercise 3.** Write a prompt of your own, different from the wizard prompt of
section 7, after which the trained model's single likeliest next word is
`magically`. Use only words from the corpus (the tokenizer refuses others).
""")

code(r"""
# Your turn: replace the ... and run check_magic_prompt(my_prompt, next_words).
my_prompt = ...
""")

code(r"""
# One solution: keep the wizard, change the animal
my_prompt = "The wizard waved his wand and the dog sat"
assert check_magic_prompt(my_prompt, next_words)
""")


if __name__ == "__main__":
    write("06_prediction_and_sampling.ipynb")
