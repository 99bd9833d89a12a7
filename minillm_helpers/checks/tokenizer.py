"""The input checks of notebook 01's tokenizer (minillm_helpers/tokenizer.py)."""

from __future__ import annotations

import operator

from minillm_helpers.checks.core import InputError, InputTypeError, check_int, fail


def require_text(value, what: str) -> None:
    """A friendly TypeError for anything that is not a str (bytes, numbers, lists...)."""
    if not isinstance(value, str):
        fail(InputTypeError, f"{what} must be a str, got {type(value).__name__}. Pass text, "
             "e.g. 'hello'; decode bytes first with data.decode('utf-8')")


def check_training_units(vocabulary: list) -> None:
    """A vocabulary built from a training text needs at least one unit."""
    if not vocabulary:
        fail(InputError, "The training text is empty, so there is nothing to build a vocabulary "
             "from", "pass a text with at least one character")


def check_vocabulary(vocabulary: list) -> None:
    """A vocabulary is a non-empty list of distinct, non-empty strings."""
    if not vocabulary:
        fail(InputError, "The vocabulary is empty", "give at least one unit")
    for unit in vocabulary:
        if not isinstance(unit, str) or not unit:
            error = InputError if isinstance(unit, str) else InputTypeError
            fail(error, f"Vocabulary units must be non-empty strings, got {unit!r}")
    repeated = sorted({unit for unit in vocabulary if vocabulary.count(unit) > 1})
    if repeated:
        fail(InputError, f"The vocabulary lists {repeated!r} more than once", "one ID per unit")


def check_decodable_ids(ids, vocab_size: int) -> list[int]:
    """IDs to decode as plain ints: whole numbers (int, numpy or tensor) from 0 to vocab_size-1."""
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        fail(InputTypeError, f"decode() takes a list of integer IDs, got {type(ids).__name__}")
    checked = []
    for position, token_id in enumerate(ids):
        try:
            checked.append(check_int("ID", token_id, 0, vocab_size - 1))
        except InputTypeError:
            fail(InputTypeError, f"ID {token_id!r} at position {position} is not a whole number",
                 "decode() takes integer IDs such as [2, 1]")
        except InputError:
            fail(InputError, f"ID {operator.index(token_id)} at position {position} is outside "
                 f"the vocabulary: valid IDs are 0 to {vocab_size - 1}. Decode with the "
                 "tokenizer that produced the IDs")
    return checked


def check_saved_tokenizer(data, kinds) -> None:
    """A saved tokenizer is a dict whose "kind" names one of `kinds` ("char", "word")."""
    if not isinstance(data, dict) or data.get("kind") not in kinds:
        fail(InputError if isinstance(data, dict) else InputTypeError, "Not a saved minillm "
             f"tokenizer: expected a dict with a kind in {sorted(kinds)}, got "
             f"{data.get('kind') if isinstance(data, dict) else type(data).__name__!r}",
             "pass what Tokenizer.to_dict() returned")
