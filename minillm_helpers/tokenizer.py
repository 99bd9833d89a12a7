"""Stage 1 (notebook 01): text to token IDs and back.

A tokenizer is two dictionary lookups: unit -> ID to encode, ID -> unit to decode.
The units are characters (`CharTokenizer`) or words (`WordTokenizer`); both share
the lookup in the base class `Tokenizer`, which is built from three small
functions that notebook 01 writes first: `build_vocabulary`, `encode_units` and
`decode_ids`; each subclass says what a unit is with `split` and `join`.
Input checks live in `minillm_helpers.checks`; `most_frequent_pair` and `merge_pair`
are notebook 01's glimpse of byte-pair encoding, how real models choose their units.

>>> tok = CharTokenizer("dehlorw ")   # the article's own order: d, e, h, l, o, r, w, space
>>> tok.encode("led")
[3, 1, 0]
>>> tok.decode([2, 1])
'he'
"""

from __future__ import annotations

import re
from collections import Counter

from minillm_helpers.checks import check_ids, check_text, check_vocabulary


def build_vocabulary(units) -> list[str]:
    """The distinct units of a training text, sorted; a unit's place in the list is its ID.

    >>> build_vocabulary("hello world")
    [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
    """
    vocabulary = sorted(set(units))
    check_vocabulary(vocabulary, "The training text")  # an empty text has no units
    return vocabulary


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


def decode_ids(ids, vocabulary: list[str]) -> list[str]:
    """The reverse lookup: an ID is simply a position in the vocabulary list."""
    ids = check_ids(ids, len(vocabulary)).view(-1)  # whole numbers, 0 to V-1 (checks.py)
    return [vocabulary[token_id] for token_id in ids.tolist()]


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


class CharTokenizer(Tokenizer):
    """One ID per character."""

    kind = "char"

    @staticmethod
    def split(text: str) -> list[str]:
        return list(text)

    @staticmethod
    def join(units: list[str]) -> str:
        return "".join(units)


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
