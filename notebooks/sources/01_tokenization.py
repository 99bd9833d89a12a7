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
# 5. use words instead of characters, and weigh vocabulary size against sequence length.
#
# Every claim below is checked by an `assert` in a code cell: if the notebook runs to
# the end, the claims hold.

# %%
import json
import operator
import random
import re
import tempfile
from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt

from minillm_helpers.notebook_support.corpus import CORPUS_PATH
from minillm_helpers.notebook_support.exercises.nb01 import (
    check_first_seen_vocabulary,
    check_hold_ids,
    check_token_counts,
)
from minillm_helpers.notebook_support.widgets.nb01 import show_ids

rng = random.Random(0)  # the only randomness here: sample strings for the round-trip check

# %% [markdown]
# ## 1. The units: which characters exist?
#
# A tokenizer learns its alphabet from a **training text**. We start with the tiniest
# one possible, `hello world`, and ask: which distinct characters does it use?
# A Python `set` keeps one copy of each.

# %%
training_text = "hello world"
distinct = set(training_text)
print(len(training_text), "characters,", len(distinct), "distinct ones")
assert len(training_text) == 11 and len(distinct) == 8


# %% [markdown]
# A set has no order, but IDs need one: the ID of a character will be its place in
# a list. The simplest rule is "sort them". This is the first piece of our tokenizer:

# %%
def build_vocabulary(units) -> list[str]:
    """The distinct units of a training text, sorted; a unit's place in the list is its ID.

    >>> build_vocabulary("hello world")
    [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
    """
    vocabulary = sorted(set(units))
    if not vocabulary:
        raise ValueError(
            "The training text is empty, so there is nothing to build a vocabulary from: "
            "pass a text with at least one character."
        )
    return vocabulary


# %%
sorted_vocabulary = build_vocabulary(training_text)
for token_id, character in enumerate(sorted_vocabulary):
    print(token_id, repr(character))

# %% [markdown]
# The **space comes first**. Python sorts characters by their Unicode number, and
# the space is number 32, smaller than every letter (`d` is 100):

# %%
print("ord(' ') =", ord(" "), " ord('d') =", ord("d"))
assert sorted_vocabulary[0] == " " and ord(" ") < ord("d")

# %% [markdown]
# ## 2. One alphabet, two numberings
#
# The article this series follows numbers the same eight characters differently,
# alphabetically with the space last:
#
# `d->0, e->1, h->2, l->3, o->4, r->5, w->6, space->7`
#
# Which one is right? Both. An ID is a **label**, like a locker number: it tells us
# *which* character, and nothing else. Any numbering works, as long as encoding and
# decoding use the same one. Here are both side by side.

# %%
article_vocabulary = list("dehlorw ")  # d, e, h, l, o, r, w, space
assert sorted(article_vocabulary) == sorted_vocabulary  # the same eight characters

print("character  article-ID  sorted-ID")
for character in article_vocabulary:
    print(f"{character!r:>9}  {article_vocabulary.index(character):>10}  "
          f"{sorted_vocabulary.index(character):>9}")

# %%
fig, axes = plt.subplots(2, 1, figsize=(7, 2.4))
for ax, vocabulary, name in [(axes[0], article_vocabulary, "the article's order"),
                             (axes[1], sorted_vocabulary, "Python's sorted order")]:
    for token_id, character in enumerate(vocabulary):
        ax.add_patch(plt.Rectangle((token_id, 0), 0.9, 0.9, color="tab:blue", alpha=0.15))
        ax.text(token_id + 0.45, 0.55, "space" if character == " " else character,
                ha="center", va="center", fontsize=12)
        ax.text(token_id + 0.45, 0.15, str(token_id), ha="center", va="center",
                fontsize=9, color="tab:blue")
    ax.set_xlim(0, 8)
    ax.set_ylim(0, 0.95)
    ax.set_title(name, fontsize=10)
    ax.axis("off")
fig.suptitle("Same characters, different ID labels (IDs in blue)")
plt.tight_layout()
plt.show()

# %% [markdown]
# To look IDs up quickly we turn the list into a dictionary, character -> ID.

# %%
article_ids = {character: token_id for token_id, character in enumerate(article_vocabulary)}
sorted_ids = {character: token_id for token_id, character in enumerate(sorted_vocabulary)}
print(article_ids)
assert article_ids == {"d": 0, "e": 1, "h": 2, "l": 3, "o": 4, "r": 5, "w": 6, " ": 7}


# %% [markdown]
# ## 3. Encoding is a lookup
#
# To **encode** a text we walk through it and look up each character's ID. If a
# character is missing from the dictionary we stop with an error that says which
# character and where (more on that in section 5).

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
assert encode_units("led", article_ids) == [3, 1, 0]
assert encode_units("led", sorted_ids) == [4, 2, 1]


# %% [markdown]
# ## 4. Decoding is the reverse lookup
#
# An ID is a place in the vocabulary list, so **decoding** is just indexing the list.
# This piece also checks that each ID is a whole number inside the vocabulary.

# %%
def decode_ids(ids, vocabulary: list[str]) -> list[str]:
    """The reverse lookup: an ID is simply a position in the vocabulary list."""
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise TypeError(f"decode() takes a list of integer IDs, got {type(ids).__name__}.")
    units = []
    for position, token_id in enumerate(ids):
        try:
            if isinstance(token_id, bool):
                raise TypeError
            token_id = operator.index(token_id)  # int, numpy integer or one-element int tensor
        except TypeError:
            raise TypeError(
                f"ID {token_id!r} at position {position} is not a whole number: "
                "decode() takes integer IDs such as [2, 1]."
            ) from None
        if not 0 <= token_id < len(vocabulary):
            raise ValueError(
                f"ID {token_id} at position {position} is outside the vocabulary: "
                f"valid IDs are 0 to {len(vocabulary) - 1}. Decode with the tokenizer "
                "that produced the IDs."
            )
        units.append(vocabulary[token_id])
    return units


# %%
print("[2, 1] ->", "".join(decode_ids([2, 1], article_vocabulary)), "with the article's order")
print("[2, 1] ->", "".join(decode_ids([2, 1], sorted_vocabulary)), "with the sorted order")
assert "".join(decode_ids([2, 1], article_vocabulary)) == "he"
assert "".join(decode_ids([2, 1], sorted_vocabulary)) == "ed"

# %% [markdown]
# The same IDs `[2, 1]` mean `he` under one vocabulary and `ed` under the other.
# That is the practical lesson of "IDs are labels": a model trained on one numbering
# is lost with another, so **a tokenizer and its model always travel together**.
#
# ### The round trip
#
# Decoding what we encoded must give the text back, exactly, for *every* string made
# of vocabulary characters. We check a thousand random ones (the package's tests
# check many more with the property-testing library `hypothesis`).

# %%
samples = ["".join(rng.choices(article_vocabulary, k=rng.randint(0, 30))) for _ in range(1000)]
for text in samples:
    ids = encode_units(text, article_ids)
    assert "".join(decode_ids(ids, article_vocabulary)) == text
    assert len(ids) == len(text)  # one ID per character
print("round trip exact on", len(samples), "random strings, e.g.", repr(samples[1]))

# %% [markdown]
# ## 5. A character the tokenizer has never seen
#
# Our vocabulary has eight characters. What about `hello world!`? The `!` never
# appeared in the training text, so it has no ID. The tokenizer refuses, and says
# exactly what went wrong and where:

# %%
try:
    encode_units("hello world!", article_ids)
except ValueError as error:
    message = str(error)
print(message)
assert message.startswith("'!' at position 11 is not in the vocabulary")

# %% [markdown]
# Refusing is a **design choice**. The alternative is an *unknown token*: one extra
# ID that stands in for anything unseen. We make the error the default, because
# silently replacing characters hides mistakes (a model trained on English text fed
# Greek would see nothing but unknowns, and nobody would be told). The unknown token
# is an opt-in for when you must accept any input, for example text typed by a user.
# The price: the round trip is no longer exact, because every unseen character
# decodes to the same stand-in.

# %%
unknown_id = len(article_vocabulary)  # one more ID, after the eight real ones
lenient_ids = encode_units("hello world!", article_ids, unknown_id=unknown_id)
print(lenient_ids)
assert lenient_ids[-1] == 8 and lenient_ids[:-1] == encode_units("hello world", article_ids)


# %% [markdown]
# ## 6. Putting it together: a `Tokenizer` class
#
# The three pieces become one object that remembers its vocabulary. Two small
# checks come first: the input must be text, and the vocabulary must be a list of
# distinct strings. Then the class: `from_text` builds the vocabulary from a
# training text, `encode` and `decode` use the pieces above, `unknown=...` switches
# on the unknown token (it gets the last ID), and `save`/`load` write the vocabulary
# to a JSON file so that it can travel with a model.
#
# The class leaves one question open: what *is* a unit? `split` cuts text into
# units and `join` glues them back; a subclass answers it.

# %%
def require_text(value, what: str) -> None:
    """A friendly TypeError for anything that is not a str (bytes, numbers, lists...)."""
    if not isinstance(value, str):
        raise TypeError(
            f"{what} must be a str, got {type(value).__name__}. "
            "Pass text, e.g. 'hello'; decode bytes first with data.decode('utf-8')."
        )


def check_vocabulary(vocabulary: list) -> None:
    """A vocabulary is a non-empty list of distinct, non-empty strings."""
    if not vocabulary:
        raise ValueError("The vocabulary is empty: give at least one unit.")
    for unit in vocabulary:
        if not isinstance(unit, str) or not unit:
            raise TypeError(f"Vocabulary units must be non-empty strings, got {unit!r}.")
    repeated = sorted({unit for unit in vocabulary if vocabulary.count(unit) > 1})
    if repeated:
        raise ValueError(f"The vocabulary lists {repeated!r} more than once: one ID per unit.")


# %%
class Tokenizer:
    """Text to IDs and back through one vocabulary.

    Subclasses say what a unit is: `split` cuts text into units, `join` glues
    units back into text. `unknown` (off by default) names a token that stands
    in for every unit the vocabulary has never seen; it gets the last ID.
    """

    kind = "base"

    def __init__(self, vocabulary, unknown: str | None = None):
        vocabulary = list(vocabulary)
        if unknown is not None and unknown not in vocabulary:
            vocabulary.append(unknown)
        check_vocabulary(vocabulary)
        self.vocabulary = vocabulary
        self.unknown = unknown
        self.unit_to_id = {unit: i for i, unit in enumerate(vocabulary)}

    @classmethod
    def from_text(cls, text: str, unknown: str | None = None):
        """Build the vocabulary from a training text: its distinct units, sorted."""
        require_text(text, "The training text")
        return cls(build_vocabulary(cls.split(text)), unknown=unknown)

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def encode(self, text: str) -> list[int]:
        require_text(text, "encode()'s input")
        unknown_id = None if self.unknown is None else self.unit_to_id[self.unknown]
        return encode_units(self.split(text), self.unit_to_id, unknown_id)

    def decode(self, ids) -> str:
        return self.join(decode_ids(ids, self.vocabulary))

    @staticmethod
    def split(text: str) -> list[str]:
        raise NotImplementedError("use CharTokenizer or WordTokenizer")

    @staticmethod
    def join(units: list[str]) -> str:
        raise NotImplementedError("use CharTokenizer or WordTokenizer")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "vocabulary": self.vocabulary, "unknown": self.unknown}

    @staticmethod
    def from_dict(data: dict):
        # Looked up at call time, so a kind defined later (WordTokenizer) is found too.
        kinds = {cls.kind: cls for cls in Tokenizer.__subclasses__()}
        if not isinstance(data, dict) or data.get("kind") not in kinds:
            raise ValueError(f"Not a saved minillm tokenizer: expected a kind in {sorted(kinds)}.")
        return kinds[data["kind"]](data["vocabulary"], unknown=data.get("unknown"))

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def load(path):
        return Tokenizer.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={self.vocab_size})"


# %%
class CharTokenizer(Tokenizer):
    """One ID per character.

    >>> tok = CharTokenizer.from_text("hello world")   # sorted: the space comes first
    >>> tok.vocabulary[:3], tok.encode("led")
    ([' ', 'd', 'e'], [4, 2, 1])
    """

    kind = "char"

    @staticmethod
    def split(text: str) -> list[str]:
        return list(text)

    @staticmethod
    def join(units: list[str]) -> str:
        return "".join(units)


# %% [markdown]
# This is exactly the code the package `minillm_helpers.tokenizer` keeps for the
# later notebooks. Both worked examples again, now through the class. Passing a
# string as the vocabulary gives the article's order; `from_text` gives the sorted one.

# %%
article = CharTokenizer("dehlorw ")
from_text = CharTokenizer.from_text("hello world")
print(article, "  led ->", article.encode("led"), "  [2, 1] ->", repr(article.decode([2, 1])))
print(from_text, "  led ->", from_text.encode("led"), "  [2, 1] ->", repr(from_text.decode([2, 1])))
assert article.encode("led") == [3, 1, 0] and article.decode([2, 1]) == "he"
assert from_text.vocabulary == sorted_vocabulary and from_text.encode("led") == [4, 2, 1]

# %% [markdown]
# The unknown token, switched on. We use the Unicode *replacement character* `�`
# (U+FFFD), which exists precisely to mean "some character I could not represent".

# %%
lenient = CharTokenizer.from_text("hello world", unknown="\ufffd")
ids = lenient.encode("hello world!?")
print(lenient, ids, repr(lenient.decode(ids)))
assert lenient.vocab_size == 9 and ids[-2:] == [8, 8]
assert lenient.decode(ids) == "hello world\ufffd\ufffd"  # no longer the original text

# %% [markdown]
# Every kind of bad input gets a message that says what was wrong and how to fix it:

# %%
bad_calls = {
    "unseen character": lambda: article.encode("hello!"),
    "ID too large": lambda: article.decode([2, 8]),
    "not a string": lambda: article.encode(b"led"),
    "empty training text": lambda: CharTokenizer.from_text(""),
}
for name, call in bad_calls.items():
    try:
        call()
    except (TypeError, ValueError) as error:
        print(f"{name:>19}: {type(error).__name__}: {error}")
    else:
        raise AssertionError(f"{name} was accepted")

# %% [markdown]
# Saving and loading. The file is plain JSON: the kind of units and the vocabulary
# in ID order, which is all a tokenizer is.

# %%
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "tokenizer.json"
    lenient.save(path)
    print(path.read_text(encoding="utf-8"))
    loaded = Tokenizer.load(path)
assert type(loaded) is CharTokenizer and loaded.vocabulary == lenient.vocabulary
assert loaded.encode("hello world!") == lenient.encode("hello world!")
assert json.loads(json.dumps(article.to_dict())) == article.to_dict()


# %% [markdown]
# ## 7. Words as units
#
# Nothing in the lookup cares what a unit is. If `split` cuts text into words (and
# punctuation marks) instead of characters, the same class becomes a **word
# tokenizer**. Notebook 02 will need one, to learn what words mean.

# %%
class WordTokenizer(Tokenizer):
    """One ID per word or punctuation mark; the spaces between them are not kept.

    >>> tok = WordTokenizer.from_text("The cat sat. The dog sat.")
    >>> tok.vocabulary
    ['.', 'The', 'cat', 'dog', 'sat']
    >>> tok.encode("The dog sat.")
    [1, 3, 4, 0]
    >>> tok.decode([1, 2, 4, 0])
    'The cat sat.'
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
assert words.vocabulary[:2] == ["!", "."] and ids == [2, 5, 3, 7, 4, 1]
assert words.decode(ids) == "The mouse ate the cat."

# %% [markdown]
# Note that `The` and `the` are different units: the tokenizer knows nothing about
# capital letters. And the spaces are gone; `join` puts one space between units,
# except before a punctuation mark.
#
# ### Vocabulary size against sequence length
#
# Characters or words? Let's tokenize the project's corpus (the text notebooks
# 02, 04, 05 and 06 train on) both ways.

# %%
corpus = CORPUS_PATH.read_text(encoding="utf-8")
by_char = CharTokenizer.from_text(corpus)
by_word = WordTokenizer.from_text(corpus)
char_ids, word_ids = by_char.encode(corpus), by_word.encode(corpus)
print(f"characters: vocabulary {by_char.vocab_size:>4}, corpus is {len(char_ids):>7,} tokens")
print(f"words:      vocabulary {by_word.vocab_size:>4}, corpus is {len(word_ids):>7,} tokens")
print(f"words make the vocabulary {by_word.vocab_size / by_char.vocab_size:.1f}x bigger "
      f"and the sequence {len(char_ids) / len(word_ids):.1f}x shorter")
assert by_word.vocab_size > 3 * by_char.vocab_size
assert len(char_ids) > 4 * len(word_ids)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
colors = ["tab:blue", "tab:orange"]
left.bar(["characters", "words"], [by_char.vocab_size, by_word.vocab_size], color=colors)
left.set_title("vocabulary size (IDs to learn)")
right.bar(["characters", "words"], [len(char_ids), len(word_ids)], color=colors)
right.set_title("corpus length (tokens to process)")
plt.tight_layout()
plt.show()

# %% [markdown]
# That is the trade-off:
#
# - **Bigger units, shorter sequences.** Each word token carries more text, so the
#   model has fewer steps to look at, and can see further back for the same cost.
# - **Bigger units, bigger vocabulary.** Every unit needs its own learned vector
#   (notebook 02), and each word is seen fewer times in training than each letter.
# - **Bigger units, more unknowns.** New words turn up all the time; new letters rarely.
#   A sentence with an animal our corpus never mentions:

# %%
sentence = "The zebra sat on the mat."
unseen = [word for word in WordTokenizer.split(sentence) if word not in by_word.unit_to_id]
print("unseen words:", unseen, " unseen characters:",
      [c for c in sentence if c not in by_char.unit_to_id])
print(by_char.decode(by_char.encode(sentence)))  # characters handle it fine
assert unseen == ["zebra"] and by_char.decode(by_char.encode(sentence)) == sentence

# %% [markdown]
# Most large models today pick a middle ground: sub-word pieces, so that frequent
# words are one token and rare words are spelled out from smaller pieces. In this
# series we use characters to train the model (notebooks 05-06) and words where we
# look at meanings (notebooks 02 and 04).
#
# ## 8. Try it: text in, IDs out
#
# Type in the box. The tokenizer is the article's eight-character one, so most
# letters are unknown: tick **Unknown token** to map them to ID 8 instead of an error.

# %%
# NBVAL_IGNORE_OUTPUT
strict = CharTokenizer("dehlorw ")
with_unknown = CharTokenizer("dehlorw ", unknown="\ufffd")


def on_change(text, unknown):
    print(show_ids(text, with_unknown if unknown else strict))


widgets.interact(
    on_change,
    text=widgets.Text(value="led", description="Text"),
    unknown=widgets.Checkbox(value=False, description="Unknown token"),
);

# %% [markdown]
# ## Summary
#
# - A character tokenizer is two lookups: character -> ID from the vocabulary built
#   from a training text, and ID -> character by indexing the vocabulary list.
# - With the article's order `d, e, h, l, o, r, w, space`, `led` encodes to `[3, 1, 0]`
#   and `[2, 1]` decodes to `he`. Python's `sorted` puts the space first and gives
#   other IDs; both are fine, because IDs are labels. A model and its tokenizer must
#   travel together.
# - `decode(encode(s)) == s` for every string over the vocabulary.
# - An unseen character is an error naming it and its position; an optional unknown
#   token trades that error for an inexact round trip.
# - Words as units: vocabulary several times bigger, sequences several times shorter,
#   and new words are unknown far more often than new letters.
#
# `minillm_helpers.tokenizer` now holds this code; notebook 02 starts from it.
#
# ## Exercises
#
# Each exercise has a `check_...` helper that tells you at once whether your answer
# is right. Replace the `...`, run the cell, read the verdict. A worked solution
# follows each one.
#
# **Exercise 1.** With the article's vocabulary (`d->0, e->1, h->2, l->3, o->4, r->5,
# w->6, space->7`), what are the IDs of `hold`? Work it out by hand, without the tokenizer.

# %%
my_ids = ...  # e.g. [1, 2, 3, 4]
check_hold_ids(my_ids)

# %%
# One solution: h is 2, o is 4, l is 3, d is 0.
assert check_hold_ids([2, 4, 3, 0])


# %% [markdown]
# **Exercise 2.** Sorting is one convention. Write `first_seen(text)` that lists the
# distinct characters in the order they *first appear* (for `hello world`:
# `h, e, l, o, space, w, r, d`). Is a tokenizer built on it still a valid tokenizer?

# %%
def my_first_seen(text):
    ...  # your code here

check_first_seen_vocabulary(my_first_seen)


# %%
# One solution: a dict remembers insertion order and keeps each key once.
def first_seen(text):
    return list(dict.fromkeys(text))


assert check_first_seen_vocabulary(first_seen)
tokenizer = CharTokenizer(first_seen("hello world"))
assert tokenizer.decode(tokenizer.encode("hello world")) == "hello world"  # yes, it is

# %% [markdown]
# **Exercise 3.** How many tokens is `The cat sat on the mat.` with a character
# tokenizer, and with the word tokenizer? Count by hand first, then check.

# %%
my_counts = (..., ...)  # (characters, words)
check_token_counts(*my_counts)

# %%
# One solution: count with the tokenizers themselves.
sentence = "The cat sat on the mat."
counts = (len(CharTokenizer.from_text(sentence).encode(sentence)),
          len(WordTokenizer.from_text(sentence).encode(sentence)))
print(counts)
assert check_token_counts(*counts)
