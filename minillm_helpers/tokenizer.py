"""Stage 1 (notebook 01): text to token IDs and back.

A tokenizer is two dictionary lookups: unit -> ID to encode, ID -> unit to decode.
The units are characters (`CharTokenizer`) or words (`WordTokenizer`); both share
the lookup in the small base class `Tokenizer`.

>>> tok = CharTokenizer(list("dehlorw "))   # the article's own order
>>> tok.encode("led")
[3, 1, 0]
>>> tok.decode([2, 1])
'he'
"""

from __future__ import annotations

import json
import re
from pathlib import Path


class Tokenizer:
    """The shared lookup. Subclasses say how text splits into units and joins back."""

    kind = "base"

    def __init__(self, vocabulary, unknown: str | None = None):
        vocabulary = list(vocabulary)
        if unknown is not None and unknown not in vocabulary:
            vocabulary.append(unknown)  # the unknown unit gets the last ID
        if not vocabulary:
            raise ValueError("The vocabulary is empty: give at least one unit.")
        if len(set(vocabulary)) != len(vocabulary):
            repeated = sorted({u for u in vocabulary if vocabulary.count(u) > 1})
            raise ValueError(f"The vocabulary lists {repeated!r} more than once; each unit needs one ID.")
        self.vocabulary = vocabulary
        self.unknown = unknown
        self.unit_to_id = {unit: i for i, unit in enumerate(vocabulary)}

    @classmethod
    def from_text(cls, text: str, unknown: str | None = None):
        """Build the vocabulary from a training text: its unique units, sorted."""
        _require_string(text, "the training text")
        units = cls.split(text)
        if not units:
            raise ValueError(
                "The training text is empty, so there is nothing to build a vocabulary from: "
                "pass a text with at least one character."
            )
        return cls(sorted(set(units)), unknown=unknown)

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    @staticmethod
    def split(text: str) -> list[str]:
        raise NotImplementedError

    @staticmethod
    def join(units: list[str]) -> str:
        raise NotImplementedError

    def encode(self, text: str) -> list[int]:
        _require_string(text, "encode()'s input")
        ids = []
        for position, unit in enumerate(self.split(text)):
            if unit in self.unit_to_id:
                ids.append(self.unit_to_id[unit])
            elif self.unknown is not None:
                ids.append(self.unit_to_id[self.unknown])
            else:
                raise ValueError(
                    f"{unit!r} at position {position} is not in the vocabulary. Build the "
                    "tokenizer from a text that contains it, or pass unknown=... to map "
                    "unseen units to one unknown token."
                )
        return ids

    def decode(self, ids) -> str:
        units = []
        for position, token_id in enumerate(ids):
            if isinstance(token_id, bool) or not hasattr(token_id, "__index__"):
                raise TypeError(f"ID {token_id!r} at position {position} is not an integer.")
            token_id = token_id.__index__()
            if not 0 <= token_id < self.vocab_size:
                raise ValueError(
                    f"ID {token_id} at position {position} is outside the vocabulary: "
                    f"valid IDs are 0 to {self.vocab_size - 1}."
                )
            units.append(self.vocabulary[token_id])
        return self.join(units)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "vocabulary": self.vocabulary, "unknown": self.unknown}

    @staticmethod
    def from_dict(data: dict) -> Tokenizer:
        kinds = {cls.kind: cls for cls in (CharTokenizer, WordTokenizer)}
        if not isinstance(data, dict) or data.get("kind") not in kinds:
            raise ValueError(f"Not a saved minillm tokenizer (expected kind in {sorted(kinds)}).")
        return kinds[data["kind"]](data["vocabulary"], unknown=data.get("unknown"))

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1))

    @staticmethod
    def load(path) -> Tokenizer:
        return Tokenizer.from_dict(json.loads(Path(path).read_text()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={self.vocab_size})"


class CharTokenizer(Tokenizer):
    """One ID per character.

    >>> tok = CharTokenizer.from_text("hello world")
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


WORD_PATTERN = re.compile(r"\w+|[^\w\s]")


class WordTokenizer(Tokenizer):
    """One ID per word or punctuation mark; spaces are not kept.

    >>> tok = WordTokenizer.from_text("The cat sat. The dog sat.")
    >>> tok.encode("The dog sat.")
    [1, 3, 4, 0]
    >>> tok.decode([1, 2, 4, 0])
    'The cat sat.'
    """

    kind = "word"

    @staticmethod
    def split(text: str) -> list[str]:
        return WORD_PATTERN.findall(text)

    @staticmethod
    def join(units: list[str]) -> str:
        text = " ".join(units)
        return re.sub(r" ([^\w\s])", r"\1", text)  # no space before punctuation


def _require_string(value, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(
            f"{what} must be a str, got {type(value).__name__}. "
            "Decode bytes first, e.g. data.decode('utf-8')."
        )
