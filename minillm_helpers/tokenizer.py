"""Stage 1 (notebook 01): text to token IDs and back.

A tokenizer is two dictionary lookups: unit -> ID to encode, ID -> unit to decode.
The units are characters (`CharTokenizer`) or words (`WordTokenizer`); both share
the lookup in the base class `Tokenizer`, which is built from three small
functions that notebook 01 writes first: `build_vocabulary`, `encode_units` and
`decode_ids`.

>>> tok = CharTokenizer("dehlorw ")   # the article's own order: d, e, h, l, o, r, w, space
>>> tok.encode("led")
[3, 1, 0]
>>> tok.decode([2, 1])
'he'
"""

from __future__ import annotations

import json
import operator
import re
from pathlib import Path


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
