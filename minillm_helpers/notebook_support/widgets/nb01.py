"""Notebook 01's widget: type text, see its token IDs and the IDs decoded back.

The tokenizer is the notebook's own; it is passed in, so no concept code lives here.
"""

from __future__ import annotations


def show_ids(text: str, tokenizer) -> str:
    """What the "Text" box prints: the IDs of `text`, then those IDs decoded back.

    >>> class Lookup:  # any object with encode/decode will do
    ...     def encode(self, text): return ["dehlorw ".index(c) for c in text]
    ...     def decode(self, ids): return "".join("dehlorw "[i] for i in ids)
    >>> print(show_ids("led", Lookup()))
    IDs: [3, 1, 0]
    Decoded: led
    """
    try:
        ids = tokenizer.encode(text)
    except ValueError as error:  # a character the vocabulary has never seen
        return f"Error: {error}"
    return f"IDs: {ids}\nDecoded: {tokenizer.decode(ids)}"
