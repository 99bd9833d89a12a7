# %% [markdown]
# # 01 · Tokenization: text is not text to a model
#
# A language model is a big calculation: multiplications and additions on numbers.
# It cannot read the letter `h`. Before anything else can happen, text has to become
# a list of whole numbers, and the model's output numbers have to become text again.
# The piece that does this is the **tokenizer**, and this notebook builds one.
#
#     raw text -> [tokenizer] -> token IDs -> embeddings (+ positions) -> ... -> next token
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. build a character tokenizer from a training text: a vocabulary, one ID per character;
# 2. encode text to IDs and decode IDs back, and check that the round trip loses nothing;
# 3. explain why the order of the vocabulary is a convention (IDs are labels, not amounts);
# 4. decide what should happen to a character the tokenizer has never seen;
# 5. use words instead of characters, weigh vocabulary size against sequence length,
#    and see how real models pick their units (byte-pair merges).
#
# Every claim the text makes is checked in a code cell by a line like
# `claim("...", condition)`, which prints `✓ ...` when it holds and stops the notebook
# when it does not. If the notebook runs to the end, the claims hold.

# %%
import random
import re
from collections import Counter

import ipywidgets as widgets
import matplotlib.pyplot as plt

from minillm_helpers.checks import check_decodable_ids, check_text, check_vocabulary
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.corpus import CORPUS_PATH
from minillm_helpers.notebook_support.exercises import nb01 as exercises
from minillm_helpers.notebook_support.plotting import bar_panels, id_strips
from minillm_helpers.notebook_support.widgets.nb01 import show_ids

# %% [markdown]
# ## 1. The units: which characters exist?
#
# A tokenizer learns its alphabet from a **training text**. We start with the tiniest
# one possible, `hello world`, and ask which distinct characters it uses. A Python `set`
# keeps one copy of each.

# %%
training_text = "hello world"
distinct = set(training_text)
print(len(training_text), "characters,", len(distinct), "distinct ones")
claim("'hello world' has 11 characters, 8 of them distinct", (len(training_text), len(distinct)) == (11, 8))


# %% [markdown]
# A set has no order, but IDs need one: the ID of a character will be its place in a
# list. The simplest rule is "sort them". That is the first piece of our tokenizer.
# (An empty text has nothing to learn from; `check_vocabulary`, from the package's
# `checks` module, says so in a clear message. The notebook's functions call such checks
# in one line, so their code stays the idea.)

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
print(list(enumerate(sorted_vocabulary)))
print("ord(' ') =", ord(" "), " ord('d') =", ord("d"))
claim("sorting puts the space first: it is character 32, before 'd' (100)", sorted_vocabulary[0] == " ")

# %% [markdown]
# ## 2. One alphabet, two numberings
#
# The article this series follows numbers the same eight characters differently,
# alphabetically with the space last: `d->0, e->1, h->2, l->3, o->4, r->5, w->6, space->7`.
#
# Which one is right? Both. An ID is a **label**, like a locker number: it tells us
# *which* character, and nothing else. Any numbering works, as long as encoding and
# decoding use the same one.

# %%
article_vocabulary = list("dehlorw ")  # d, e, h, l, o, r, w, space
id_strips({"the article's order": article_vocabulary, "Python's sorted order": sorted_vocabulary})
plt.show()
claim("both numberings hold the same eight characters", sorted(article_vocabulary) == sorted_vocabulary)

# %% [markdown]
# To look IDs up quickly we turn each list into a dictionary, character -> ID. Side by
# side, the two dictionaries agree on nothing: every character has another number in each.

# %%
article_ids = {character: token_id for token_id, character in enumerate(article_vocabulary)}
sorted_ids = {character: token_id for token_id, character in enumerate(sorted_vocabulary)}
print(article_ids)
print(sorted_ids)
claim("the two numberings give every one of the eight characters a different ID", all(article_ids[c] != sorted_ids[c] for c in article_ids))


# %% [markdown]
# ## 3. Encoding is a lookup
#
# To **encode** a text we walk through it and look up each character's ID. A character
# missing from the dictionary stops us with an error that says which one and where
# (section 5 is about that error).

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
print("led ->", encode_units("led", article_ids), "with the article's order")
print("led ->", encode_units("led", sorted_ids), "with the sorted order")
claim("'led' encodes to [3, 1, 0] in the article's order", encode_units("led", article_ids) == [3, 1, 0])
claim("and to [4, 2, 1] in the sorted order", encode_units("led", sorted_ids) == [4, 2, 1])


# %% [markdown]
# ## 4. Decoding is the reverse lookup
#
# An ID is a place in the vocabulary list, so **decoding** is indexing the list. A check
# from the package first makes sure every ID is a whole number inside the vocabulary.

# %%
def decode_ids(ids, vocabulary: list[str]) -> list[str]:
    """The reverse lookup: an ID is simply a position in the vocabulary list."""
    ids = check_decodable_ids(ids, len(vocabulary))  # whole numbers, 0 to V-1 (checks.py)
    return [vocabulary[token_id] for token_id in ids]


# %%
he, ed = "".join(decode_ids([2, 1], article_vocabulary)), "".join(decode_ids([2, 1], sorted_vocabulary))
print("[2, 1] ->", repr(he), "with the article's order,", repr(ed), "with the sorted order")
claim("[2, 1] decodes to 'he' in the article's order and to 'ed' in the sorted one", (he, ed) == ("he", "ed"))

# %% [markdown]
# The same IDs mean `he` under one vocabulary and `ed` under the other. That is the
# practical lesson of "IDs are labels": a model trained on one numbering is lost with
# another, so **a tokenizer and its model always travel together**.
#
# ### The round trip
#
# Decoding what we encoded must give the text back, exactly, for *every* string made of
# vocabulary characters. We try a thousand random ones (the package's tests try many more
# with the property-testing library `hypothesis`).

# %%
rng = random.Random(0)  # fixed seed: the same random strings every run
samples = ["".join(rng.choices(article_vocabulary, k=rng.randint(0, 30))) for _ in range(1000)]
exact = all("".join(decode_ids(encode_units(s, article_ids), article_vocabulary)) == s for s in samples)
print("e.g.", repr(samples[1]), "->", encode_units(samples[1], article_ids))
claim("decode(encode(s)) == s for 1000 random strings over the vocabulary", exact)

# %% [markdown]
# ## 5. A character the tokenizer has never seen
#
# What about `hello world!`? The `!` never appeared in the training text, so it has no
# ID. The tokenizer refuses, and says exactly what went wrong and where:

# %%
try:
    encode_units("hello world!", article_ids)
except ValueError as error:
    message = str(error)
print(message)
claim("the error names the '!' and its position, 11", message.startswith("'!' at position 11 is not in the vocabulary"))

# %% [markdown]
# Refusing is a **design choice**. The alternative is an *unknown token*: one extra ID
# that stands in for anything unseen. We make the error the default, because silently
# replacing characters hides mistakes (a model trained on English fed Greek would see
# nothing but unknowns, and nobody would be told). The unknown token is an opt-in for
# when you must accept any input, such as text typed by a user. The price: the round trip
# is no longer exact, because every unseen character decodes to the same stand-in.

# %%
lenient_ids = encode_units("hello world!", article_ids, unknown_id=8)  # the ninth ID, after the 8
print(lenient_ids)
claim("with an unknown token, '!' becomes ID 8", lenient_ids == encode_units("hello world", article_ids) + [8])


# %% [markdown]
# ## 6. Putting it together: a `Tokenizer` class
#
# The three pieces become one object that remembers its vocabulary: `encode` and
# `decode` use the pieces above, and `unknown=...` switches on the unknown token (it gets
# the last ID). `from_text` builds the object from a training text; it is a
# `classmethod`, a method called on the class itself (`CharTokenizer.from_text(...)`),
# because there is no tokenizer yet to call it on. One question stays open: what is a
# *unit*? Each subclass answers it with two methods, `split` (text to units) and `join`
# (units back to text): `CharTokenizer` below and, in section 7, `WordTokenizer`. They
# are `staticmethod`s, plain functions kept in the class, since cutting a text needs no
# vocabulary. The input checks are the package's, one line each.

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
# This is exactly the code the package `minillm_helpers.tokenizer` keeps for the later
# notebooks. Both worked examples again, now through the class: a vocabulary passed in
# gives the article's order, `from_text` gives the sorted one.

# %%
article = CharTokenizer("dehlorw ")
from_text = CharTokenizer.from_text("hello world")
print(article, " led ->", article.encode("led"), " [2, 1] ->", repr(article.decode([2, 1])))
print(from_text, " led ->", from_text.encode("led"), " [2, 1] ->", repr(from_text.decode([2, 1])))
claim("the class gives the article's example: led -> [3, 1, 0], [2, 1] -> he",
      article.encode("led") == [3, 1, 0] and article.decode([2, 1]) == "he")
claim("from_text gives the sorted vocabulary", from_text.vocabulary == sorted_vocabulary)

# %% [markdown]
# The unknown token, switched on. We use the Unicode *replacement character* `�`
# (U+FFFD), which exists precisely to mean "some character I could not represent".

# %%
lenient = CharTokenizer.from_text("hello world", unknown="\ufffd")
ids = lenient.encode("hello world!?")
print(lenient, ids, repr(lenient.decode(ids)))
claim("both unseen characters get the ninth ID, 8", lenient.vocab_size == 9 and ids[-2:] == [8, 8])
claim("and decode to the stand-in: the round trip is no longer exact", lenient.decode(ids) == "hello world\ufffd\ufffd")


# %% [markdown]
# Every kind of bad input gets a message that says what was wrong and how to fix it:

# %%
errors = []
for bad_call in (lambda: article.decode([2, 8]), lambda: article.encode(b"led"), lambda: CharTokenizer.from_text("")):
    try:
        bad_call()
    except (TypeError, ValueError) as error:
        errors.append(f"{type(error).__name__}: {error}")
print(*errors, sep="\n")
claim("an ID too large, bytes instead of text and an empty training text are each refused", len(errors) == 3)


# %% [markdown]
# ## 7. Words as units
#
# Nothing in the lookup cares what a unit is. If `split` cuts text into words (and
# punctuation marks) instead of characters, the same class becomes a **word tokenizer**.
# Notebook 02 will need one, to learn what words mean.

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
print(ids, "->", repr(words.decode(ids)))
claim("the word tokenizer encodes 'The mouse ate the cat.' as [2, 5, 3, 7, 4, 1]", ids == [2, 5, 3, 7, 4, 1])
claim("and decodes it back, punctuation in place", words.decode(ids) == "The mouse ate the cat.")

# %% [markdown]
# `The` and `the` are different units: the tokenizer knows nothing about capital letters.
# And the spaces are gone; `join` puts one space between units, except before a
# punctuation mark.
#
# A tokenizer travels with its model: the `minillm train` command saves the two together
# in every checkpoint, and all it needs to keep is the kind of unit and the vocabulary in
# ID order. The IDs are the positions in that list, nothing more.

# %% [markdown]
# ### Vocabulary size against sequence length
#
# Characters or words? Let's tokenize the project's corpus, the text the later notebooks
# train on, both ways.

# %%
corpus = CORPUS_PATH.read_text(encoding="utf-8")
by_char, by_word = CharTokenizer.from_text(corpus), WordTokenizer.from_text(corpus)
char_ids, word_ids = by_char.encode(corpus), by_word.encode(corpus)
print(f"characters: vocabulary {by_char.vocab_size:>4}, corpus is {len(char_ids):>7,} tokens")
print(f"words:      vocabulary {by_word.vocab_size:>4}, corpus is {len(word_ids):>7,} tokens")
bar_panels({"vocabulary size (IDs to learn)": [by_char.vocab_size, by_word.vocab_size],
            "corpus length (tokens to process)": [len(char_ids), len(word_ids)]},
           labels=["characters", "words"])
plt.show()
claim("words: a vocabulary over 3x bigger", by_word.vocab_size > 3 * by_char.vocab_size)
claim("and a sequence over 4x shorter", len(char_ids) > 4 * len(word_ids))

# %% [markdown]
# That is the trade-off:
#
# - **Bigger units, shorter sequences.** Each word token carries more text, so the model
#   has fewer steps to look at, and can see further back for the same cost.
# - **Bigger units, bigger vocabulary.** Every unit needs its own learned vector
#   (notebook 02), and each word is seen fewer times in training than each letter.
# - **Bigger units, more unknowns.** New words turn up all the time; new letters rarely.
#   A sentence with an animal our corpus never mentions:

# %%
sentence = "The zebra sat on the mat."
unseen_words = [word for word in WordTokenizer.split(sentence) if word not in by_word.unit_to_id]
unseen_characters = [c for c in sentence if c not in by_char.unit_to_id]
print("unseen words:", unseen_words, " unseen characters:", unseen_characters)
claim("'zebra' is an unknown word, but every one of its characters is known",
      unseen_words == ["zebra"] and by_char.decode(by_char.encode(sentence)) == sentence)

# %% [markdown]
# ## 8. How real models tokenize: byte-pair merges
#
# GPT-2, Llama and most large models use neither characters nor whole words but
# **sub-word pieces**, found by *byte-pair encoding* (BPE). Start from single characters
# (real tokenizers start from the 256 possible bytes, so no input is ever unknown) and
# repeat one step: find the pair of neighbouring tokens that occurs most often and glue it
# into one new token. Frequent words end up as one token; rare words stay spelled out in
# smaller pieces. The two steps, kept in the package too:

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
tokens = list(corpus[:20_000])  # start from characters
lengths, merges = [len(tokens)], []
for _ in range(30):
    pair = most_frequent_pair(tokens)
    tokens = merge_pair(tokens, pair)
    merges.append(pair[0] + pair[1])
    lengths.append(len(tokens))
print("first merges:", merges[:12])
print(f"{lengths[0]:,} characters -> {lengths[-1]:,} tokens after 30 merges")
claim("merging loses nothing: the tokens still spell the text", "".join(tokens) == corpus[:20_000])
claim("'the ' (with its space) became a single token", "the " in merges)
claim("30 merges made the text about half as long (under 55% of its characters)", lengths[-1] < 0.55 * lengths[0])

# %%
plt.figure(figsize=(6, 2.8)).gca().set(xlabel="merges learned", ylabel="tokens in the text",
                                       title="Each merge: a shorter text, one more token type")
plt.plot(lengths, ".-")
plt.show()
claim("every merge made the text shorter", all(a > b for a, b in zip(lengths[:-1], lengths[1:], strict=True)))

# %% [markdown]
# Thirty merges made our corpus half as long. Do not expect that of real English: our
# corpus is generated from templates, so the same few words and phrases (`the `,
# `. The `) repeat over and over, and each merge removes thousands of tokens. The same
# code with the same 30 merges on the first 100,000 characters of Tiny Shakespeare, the
# play notebook 07 trains on, makes the text only 26% shorter (100,000 characters to
# 74,231 tokens; we measured it once in a separate script, so that this notebook does
# not need the file). Natural text spreads over many more words, so each merge
# saves less.
#
# GPT-2 learned 50,000 merges this way from a web-sized text. Characters are the
# *teaching* case: a tiny vocabulary, nothing ever unknown, every step visible.
# In this series, notebooks 02 to 06 work with **words** (our corpus has a small, fixed
# vocabulary, so each word's meaning can be learned and looked at), and the character
# tokenizer meets a model in notebook 07, which trains the finished GPT on real text.
#
# ## 9. Try it: text in, IDs out
#
# Type in the box. The tokenizer is the article's eight-character one, so most letters
# are unknown: tick **Unknown token** to map them to ID 8 instead of an error.

# %% tags=["nbval-ignore-output"]
strict = CharTokenizer("dehlorw ")
with_unknown = CharTokenizer("dehlorw ", unknown="\ufffd")


def on_change(text, unknown):
    print(show_ids(text, with_unknown if unknown else strict))


widgets.interact(
    on_change,
    text=widgets.Text(value="led", description="Text", style={"description_width": "initial"}),
    unknown=widgets.Checkbox(value=False, description="Unknown token", style={"description_width": "initial"}),
);

# %% [markdown]
# ## Summary
#
# - A character tokenizer is two lookups: character -> ID from the vocabulary built from
#   a training text, and ID -> character by indexing the vocabulary list.
# - With the article's order `d, e, h, l, o, r, w, space`, `led` encodes to `[3, 1, 0]`
#   and `[2, 1]` decodes to `he`. Python's `sorted` puts the space first and gives other
#   IDs; both are fine, because IDs are labels. A model and its tokenizer travel together.
# - `decode(encode(s)) == s` for every string over the vocabulary.
# - An unseen character is an error naming it and its position; an optional unknown token
#   trades that error for an inexact round trip.
# - Words as units: a vocabulary several times bigger, sequences several times shorter,
#   and new words are unknown far more often than new letters. Real models use sub-word
#   pieces learned by byte-pair merges.
#
# `minillm_helpers.tokenizer` now holds this code; notebook 02 starts from it.
#
# ## Exercises
#
# Each exercise has a `check_...` helper that tells you at once whether your answer is
# right. Replace the `...`, run the cell, read the verdict. Worked solutions are at the
# end of the notebook; try first.
#
# **Exercise 1.** With the article's vocabulary (`d->0, e->1, h->2, l->3, o->4, r->5,
# w->6, space->7`), what are the IDs of `hold`? Work it out by hand, without the tokenizer.

# %%
my_ids = ...  # e.g. [1, 2, 3, 4]
exercises.check_hold_ids(my_ids)


# %% [markdown]
# **Exercise 2.** Sorting is one convention. Write `first_seen(text)` that lists the
# distinct characters in the order they *first appear* (for `hello world`:
# `h, e, l, o, space, w, r, d`). Is a tokenizer built on it still a valid tokenizer?

# %%
def my_first_seen(text):
    ...  # your code here


exercises.check_first_seen_vocabulary(my_first_seen)

# %% [markdown]
# **Exercise 3.** How many tokens is `The cat sat on the mat.` with a character tokenizer,
# and with the word tokenizer? Count by hand first, then check.

# %%
my_counts = (..., ...)  # (characters, words)
exercises.check_token_counts(my_counts)

# %% [markdown]
# ## Solutions
#
# **Exercise 1.** `h` is 2, `o` is 4, `l` is 3, `d` is 0. The article's tokenizer from
# section 6 gives the same answer, and the checker accepts it:

# %%
exercises.check_hold_ids(article.encode("hold"))
claim("the article's tokenizer encodes 'hold' as the answer worked by hand", article.encode("hold") == [2, 4, 3, 0])


# %% [markdown]
# **Exercise 2.** A dict remembers insertion order and keeps each key once. And yes: any
# consistent order gives a valid tokenizer.

# %%
def first_seen(text):
    return list(dict.fromkeys(text))


tokenizer = CharTokenizer(first_seen("hello world"))
exercises.check_first_seen_vocabulary(first_seen)
claim("a first-seen tokenizer round-trips too", tokenizer.decode(tokenizer.encode("hello world")) == "hello world")

# %% [markdown]
# **Exercise 3.** By hand: 23 characters (spaces and the full stop count), 7 words (the
# full stop is a word of its own). The tokenizers count the same:

# %%
sentence = "The cat sat on the mat."
counts = (len(CharTokenizer.split(sentence)), len(WordTokenizer.split(sentence)))
exercises.check_token_counts(counts)
claim("the tokenizers count 23 characters and 7 words, as by hand", counts == (23, 7))
