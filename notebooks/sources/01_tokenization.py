# %% [markdown]
# # 01 · Tokenization: text is not text to a model
#
# A language model is a big calculation on numbers; it cannot read the letter `h`. So
# text must first become a list of whole numbers, and the model's output numbers must
# become text again. The piece that does both is the **tokenizer**, and we build one here.
#
#     raw text -> [tokenizer] -> token IDs -> embeddings (+ positions) -> ... -> next token
#
# **Learning goals.** By the end you will be able to
#
# 1. build a character tokenizer from a training text: a vocabulary, one ID per character;
# 2. encode text to IDs, decode IDs back, and check that the round trip loses nothing;
# 3. explain why the vocabulary's order is a convention (IDs are labels, not amounts);
# 4. decide what happens to a character the tokenizer has never seen;
# 5. use words instead of characters, weigh vocabulary size against sequence length, and
#    see how real models pick their units (byte-pair merges).
#
# Each claim is checked in a code cell by `claim("...", condition)`: it prints `✓ ...` when
# the condition holds and stops the notebook when it does not.

# %%
import random
import re
from collections import Counter

import ipywidgets as widgets
import matplotlib.pyplot as plt

from minillm_helpers.checks import check_ids, check_text, check_vocabulary
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.corpus import CORPUS_PATH
from minillm_helpers.notebook_support.exercises import nb01 as exercises
from minillm_helpers.notebook_support.plotting import bar_panels, id_strips
from minillm_helpers.notebook_support.widgets.nb01 import show_ids

# %% [markdown]
# ## 1. The units: which characters exist?
#
# A tokenizer learns its alphabet from a **training text**. We start with the tiniest,
# `hello world`. A Python `set` keeps one copy of each character.

# %%
training_text = "hello world"
distinct = set(training_text)
claim(f"'hello world' has {len(training_text)} characters, {len(distinct)} of them distinct", (len(training_text), len(distinct)) == (11, 8))


# %% [markdown]
# A set has no order, but an ID will be a place in a list, so we sort. (An empty text has
# nothing to learn from: `check_vocabulary`, from the package's `checks` module, says so in
# one line, so the function stays the idea.)

# %%
def build_vocabulary(units) -> list[str]:
    """The distinct units of a training text, sorted; a unit's place in the list is its ID.

    >>> build_vocabulary("hello world")
    [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
    """
    vocabulary = sorted(set(units))
    check_vocabulary(vocabulary, "The training text")  # an empty text has no units
    return vocabulary


# %%
sorted_vocabulary = build_vocabulary(training_text)
print(list(enumerate(sorted_vocabulary)), " ord(' ') =", ord(" "), " ord('d') =", ord("d"))
claim("sorting puts the space first: it is character 32, before 'd' (100)", sorted_vocabulary == [" ", "d", "e", "h", "l", "o", "r", "w"])

# %% [markdown]
# ## 2. One alphabet, two numberings
#
# The article this series follows numbers the same eight characters alphabetically with
# the space *last*: `d->0, e->1, h->2, l->3, o->4, r->5, w->6, space->7`. Which is right?
# Both. An ID is a **label**, like a locker number: it says *which* character, nothing
# more. Any numbering works, as long as encoding and decoding use the same one.

# %%
article_vocabulary = list("dehlorw ")  # d, e, h, l, o, r, w, space
id_strips({"the article's order": article_vocabulary, "Python's sorted order": sorted_vocabulary})
plt.show()
claim("both numberings hold the same eight characters", sorted(article_vocabulary) == sorted_vocabulary)


# %% [markdown]
# ## 3. Encoding is a lookup
#
# To **encode**, turn a vocabulary into a dictionary character -> ID and look up each
# character. A character missing from it is an error that says which one and where
# (section 5).

# %%
def encode_units(units, unit_to_id: dict, unknown_id: int | None = None) -> list[int]:
    """Look up the ID of every unit, in order.

    A unit missing from `unit_to_id` is an error naming it and its position,
    unless `unknown_id` is given: then that ID stands in for every unseen unit.
    """
    ids = []
    for position, unit in enumerate(units):
        if unit in unit_to_id:
            ids.append(unit_to_id[unit])
        elif unknown_id is not None:
            ids.append(unknown_id)
        else:
            raise ValueError(
                f"{unit!r} at position {position} is not in the vocabulary. Build the "
                "tokenizer from a text that contains it, or pass unknown=... to map "
                "unseen units to one unknown token."
            )
    return ids


# %%
article_ids = {character: token_id for token_id, character in enumerate(article_vocabulary)}
sorted_ids = {character: token_id for token_id, character in enumerate(sorted_vocabulary)}
led = (encode_units("led", article_ids), encode_units("led", sorted_ids))
claim(f"'led' encodes to {led[0]} in the article's order, to {led[1]} in the sorted one", led == ([3, 1, 0], [4, 2, 1]))


# %% [markdown]
# ## 4. Decoding is the reverse lookup
#
# An ID is a place in the vocabulary list, so **decoding** is indexing the list (after a
# package check that every ID is a whole number inside the vocabulary).

# %%
def decode_ids(ids, vocabulary: list[str]) -> list[str]:
    """The reverse lookup: an ID is simply a position in the vocabulary list."""
    ids = check_ids(ids, len(vocabulary)).view(-1)  # whole numbers, 0 to V-1 (checks.py)
    return [vocabulary[token_id] for token_id in ids.tolist()]


# %%
he, ed = "".join(decode_ids([2, 1], article_vocabulary)), "".join(decode_ids([2, 1], sorted_vocabulary))
claim("[2, 1] decodes to 'he' in the article's order and to 'ed' in the sorted one", (he, ed) == ("he", "ed"))

# %% [markdown]
# The same IDs mean `he` under one vocabulary and `ed` under the other: a model trained
# with one numbering is lost with another, so **a tokenizer and its model travel together**.
#
# ### The round trip
#
# Decoding what we encoded must give back the text exactly, for *every* string over the
# vocabulary. We try a thousand random ones (the package's tests try many more).

# %%
rng = random.Random(0)  # fixed seed: the same random strings every run
samples = ["".join(rng.choices(article_vocabulary, k=rng.randint(0, 30))) for _ in range(1000)]
exact = all("".join(decode_ids(encode_units(s, article_ids), article_vocabulary)) == s for s in samples)
claim(f"decode(encode(s)) == s for 1000 random strings over the vocabulary, e.g. {samples[1]!r} -> {encode_units(samples[1], article_ids)}", exact)

# %% [markdown]
# ## 5. A character the tokenizer has never seen
#
# `hello world!` has a `!` the training text never had, so it has no ID. The tokenizer
# refuses, and says what went wrong and where:

# %%
try:
    encode_units("hello world!", article_ids)
except ValueError as error:
    message = str(error)
print(message)
claim("the error names the '!' and its position, 11", message.startswith("'!' at position 11 is not in the vocabulary"))

# %% [markdown]
# Refusing is a **design choice**. The alternative is an *unknown token*: one extra ID for
# anything unseen. We make the error the default, because silent replacement hides
# mistakes (a model fed Greek would see nothing but unknowns, and nobody would be told),
# and offer the unknown token as an opt-in for text typed by users. Its price: the round
# trip is no longer exact.
#
# ## 6. Putting it together: a `Tokenizer` class
#
# One object that remembers its vocabulary: `encode` and `decode` use the pieces above,
# `unknown=...` switches on the unknown token (it gets the last ID), and the `classmethod`
# `from_text` builds a tokenizer from a training text (it is called on the class, since
# there is no tokenizer yet). What a *unit* is, each subclass says with two
# `staticmethod`s: `split` (text to units) and `join` (units back to text).

# %%
class Tokenizer:
    """Text to IDs and back through one vocabulary; a subclass says what a unit is."""

    def __init__(self, vocabulary, unknown: str | None = None):
        vocabulary = list(vocabulary)
        if unknown is not None and unknown not in vocabulary:
            vocabulary.append(unknown)  # a stand-in for every unseen unit, with the last ID
        check_vocabulary(vocabulary)  # distinct, non-empty strings (checks.py)
        self.vocabulary, self.unknown = vocabulary, unknown
        self.vocab_size = len(vocabulary)
        self.unit_to_id = {unit: i for i, unit in enumerate(vocabulary)}

    @classmethod
    def from_text(cls, text: str, unknown: str | None = None):
        """Build the vocabulary from a training text: its distinct units, sorted."""
        check_text(text, "The training text")
        return cls(build_vocabulary(cls.split(text)), unknown=unknown)

    def encode(self, text: str) -> list[int]:
        check_text(text, "encode()'s input")
        unknown_id = self.unit_to_id.get(self.unknown)  # None when there is no unknown token
        return encode_units(self.split(text), self.unit_to_id, unknown_id)

    def decode(self, ids) -> str:
        return self.join(decode_ids(ids, self.vocabulary))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={self.vocab_size})"


# %%
class CharTokenizer(Tokenizer):
    """One ID per character."""

    kind = "char"

    @staticmethod
    def split(text: str) -> list[str]:
        return list(text)

    @staticmethod
    def join(units: list[str]) -> str:
        return "".join(units)


# %% [markdown]
# This is the code `minillm_helpers.tokenizer` keeps for the later notebooks. Both worked
# examples again: a vocabulary passed in gives the article's order, `from_text` the sorted one.

# %%
article = CharTokenizer("dehlorw ")
from_text = CharTokenizer.from_text("hello world")
claim("the class gives the article's example: led -> [3, 1, 0], [2, 1] -> he", (article.encode("led"), article.decode([2, 1])) == ([3, 1, 0], "he"))
claim("from_text gives the sorted one: led -> [4, 2, 1], [2, 1] -> ed", (from_text.encode("led"), from_text.decode([2, 1])) == ([4, 2, 1], "ed"))

# %% [markdown]
# The unknown token, switched on, as the Unicode *replacement character* `�` (U+FFFD),
# which exists to mean "a character I could not represent":

# %%
lenient = CharTokenizer.from_text("hello world", unknown="\ufffd")
ids = lenient.encode("hello world!?")
claim(f"{lenient}: both unseen characters get the ninth ID, 8 ({ids}), and decode to the stand-in: the round trip is no longer exact",
      ids[-2:] == [8, 8] and lenient.decode(ids) == "hello world\ufffd\ufffd")


# %% [markdown]
# ## 7. Words as units
#
# Nothing in the lookup cares what a unit is. If `split` cuts text into words and
# punctuation marks, the same class is a **word tokenizer**, which notebook 02 needs.

# %%
class WordTokenizer(Tokenizer):
    """One ID per word or punctuation mark; the spaces between them are not kept.

    >>> WordTokenizer.from_text("The cat sat. The dog sat.").encode("The dog sat.")
    [1, 3, 4, 0]
    """

    kind = "word"
    pattern = re.compile(r"\w+|[^\w\s]")  # a run of letters/digits, or one punctuation mark

    @staticmethod
    def split(text: str) -> list[str]:
        return WordTokenizer.pattern.findall(text)

    @staticmethod
    def join(units: list[str]) -> str:
        text = " ".join(units)
        return re.sub(r" ([^\w\s])(?=\s|$)", r"\1", text)  # no space before a punctuation mark


# %%
words = WordTokenizer.from_text("The cat ate the mouse. The mouse ran!")
print(words.vocabulary)
ids = words.encode("The mouse ate the cat.")
claim("the word tokenizer encodes 'The mouse ate the cat.' as [2, 5, 3, 7, 4, 1]", ids == [2, 5, 3, 7, 4, 1])
claim("and decodes it back, punctuation in place", words.decode(ids) == "The mouse ate the cat.")

# %% [markdown]
# `The` and `the` are different units, and the spaces are gone: `join` puts one space
# between units, except before a punctuation mark.
#
# ### Vocabulary size against sequence length
#
# Characters or words? The project's corpus, which the later notebooks train on, both ways:

# %%
corpus = CORPUS_PATH.read_text(encoding="utf-8")
by_char, by_word = CharTokenizer.from_text(corpus), WordTokenizer.from_text(corpus)
char_ids, word_ids = by_char.encode(corpus), by_word.encode(corpus)
bar_panels({"vocabulary size (IDs to learn)": [by_char.vocab_size, by_word.vocab_size],
            "corpus length (tokens to process)": [len(char_ids), len(word_ids)]},
           labels=["characters", "words"])
plt.show()
claim(f"words: a vocabulary over 3x bigger ({by_word.vocab_size} against {by_char.vocab_size})", by_word.vocab_size > 3 * by_char.vocab_size)
claim(f"and a sequence over 4x shorter ({len(word_ids):,} tokens against {len(char_ids):,})", len(char_ids) > 4 * len(word_ids))

# %% [markdown]
# Bigger units give **shorter sequences** (the model sees further back for the same cost),
# but a **bigger vocabulary** (a learned vector per unit, notebook 02, each seen fewer
# times) and **more unknowns**: new words turn up all the time, new letters rarely.

# %%
sentence = "The zebra sat on the mat."
unseen_words = [word for word in WordTokenizer.split(sentence) if word not in by_word.unit_to_id]
unseen_characters = [c for c in sentence if c not in by_char.unit_to_id]
claim(f"unseen words {unseen_words}, unseen characters {unseen_characters}", unseen_words == ["zebra"] and unseen_characters == [])

# %% [markdown]
# ## 8. How real models tokenize: byte-pair merges
#
# GPT-2, Llama and most large models use **sub-word pieces** found by *byte-pair encoding*
# (BPE). Start from single characters (real tokenizers start from bytes, so nothing is
# ever unknown) and repeat: glue the most frequent pair of neighbouring
# tokens into one new token. Frequent words end up as one token; rare ones stay in pieces.

# %%
def most_frequent_pair(tokens: list[str]) -> tuple[str, str]:
    """The two neighbouring tokens that occur together most often (the first on a tie)."""
    pairs = Counter(zip(tokens[:-1], tokens[1:], strict=True))  # (t0, t1), (t1, t2), ...
    return max(pairs, key=pairs.get)


def merge_pair(tokens: list[str], pair: tuple[str, str]) -> list[str]:
    """Every occurrence of `pair`, left to right, glued into one token: a, n -> an."""
    merged = []
    for token in tokens:
        if merged and (merged[-1], token) == pair:
            merged[-1] += token  # the last token kept and this one form the pair: glue them
        else:
            merged.append(token)
    return merged


# %% [markdown]
# Thirty merges on the first 20,000 characters of the corpus:

# %%
tokens, lengths, merges = list(corpus[:20_000]), [20_000], []  # start from characters
for _ in range(30):
    pair = most_frequent_pair(tokens)
    tokens, merges = merge_pair(tokens, pair), merges + [pair[0] + pair[1]]
    lengths.append(len(tokens))
print("first merges:", merges[:12])
claim("merging loses nothing: the tokens still spell the text", "".join(tokens) == corpus[:20_000])
claim("'the ' (with its space) became a single token", "the " in merges)
claim(f"every merge made the text shorter ({lengths[::10]} tokens after 0, 10, 20, 30 merges), to under 55% of its characters after 30", all(a > b for a, b in zip(lengths[:-1], lengths[1:], strict=True)) and lengths[-1] < 0.55 * lengths[0])

# %% [markdown]
# Do not expect half as long from real English: our corpus is generated from templates,
# so a few phrases (`the `, `. The `) repeat thousands of times and each merge removes
# thousands of tokens. Natural text spreads over many more words, so each merge saves
# less, and real tokenizers learn tens of thousands of merges from web-sized text.
#
# In this series, notebooks 02 to 06 use **words** (our corpus has a small, fixed
# vocabulary, so each word's meaning can be learned and looked at), and the character
# tokenizer returns in notebook 07, on real text.
#
# ## 9. Try it: text in, IDs out
#
# Type in the box. The tokenizer is the article's eight-character one, so most letters
# are unknown: tick **unknown_token** to map them to ID 8 instead of an error.

# %% tags=["nbval-ignore-output"]
def on_change(text, unknown_token):
    print(show_ids(text, CharTokenizer("dehlorw ", unknown="\ufffd" if unknown_token else None)))


widgets.interact(on_change, text=widgets.Text("led", description="Text"), unknown_token=False);

# %% [markdown]
# ## Summary
#
# - A character tokenizer is two lookups: character -> ID, from the vocabulary of a
#   training text, and ID -> character, by indexing that list.
# - With the article's order `d, e, h, l, o, r, w, space`, `led` encodes to `[3, 1, 0]` and
#   `[2, 1]` decodes to `he`; Python's `sorted` puts the space first and gives other IDs.
#   IDs are labels: any consistent order works, and a model travels with its tokenizer.
# - `decode(encode(s)) == s` for every string over the vocabulary.
# - An unseen character is an error naming it and its position; an optional unknown token
#   trades the error for an inexact round trip.
# - Words: a bigger vocabulary, shorter sequences, more unknowns. Real models use sub-word
#   pieces learned by byte-pair merges.
#
# `minillm_helpers.tokenizer` now holds this code; notebook 02 starts from it.
#
# ## Exercises
#
# Each exercise has a `check_...` helper that says at once whether your answer is right:
# replace the `...` and run the cell. Worked solutions are at the end; try first.
#
# **Exercise 1.** With the article's vocabulary (`d->0, e->1, h->2, l->3, o->4, r->5,
# w->6, space->7`), what are the IDs of `hold`? Work it out by hand.

# %%
my_ids = ...  # e.g. [1, 2, 3, 4]
exercises.check_hold_ids(my_ids)


# %% [markdown]
# **Exercise 2.** Write `first_seen(text)`, listing the distinct characters in the order
# they *first appear* (for `hello world`: `h, e, l, o, space, w, r, d`). Is a tokenizer
# built on it still valid?

# %%
def my_first_seen(text):
    ...  # your code here


exercises.check_first_seen_vocabulary(my_first_seen)

# %% [markdown]
# ## Solutions
#
# **Exercise 1.** `h` is 2, `o` is 4, `l` is 3, `d` is 0; the article's tokenizer agrees:

# %%
exercises.check_hold_ids(article.encode("hold"))
claim("the article's tokenizer encodes 'hold' as the answer worked by hand", article.encode("hold") == [2, 4, 3, 0])


# %% [markdown]
# **Exercise 2.** A dict keeps each key once, in insertion order. And yes: any consistent
# order gives a valid tokenizer.

# %%
def first_seen(text):
    return list(dict.fromkeys(text))


exercises.check_first_seen_vocabulary(first_seen)
