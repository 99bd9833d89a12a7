"""The text a run learns from: read, fingerprinted (datasets.sha256_of), encoded and split.

A checkpoint remembers the SHA-256 of the file its run trained on. `--resume` on a
different file is refused (its characters may be the same, but the validation split
would silently change); `--fine-tune` continues on a new text on purpose.
"""

from __future__ import annotations

import math

import torch

from minillm_helpers.checkpoint import tokenizer_from_state
from minillm_helpers.checks import InputError
from minillm_helpers.datasets import read_text, sha256_of
from minillm_helpers.tokenizer import CharTokenizer, Tokenizer


def split_data(data, settings):
    """First (1 - val_fraction) of the tokens for training, the rest for validation."""
    n_train = int(len(data) * (1 - settings.val_fraction))
    train_data, val_data = data[:n_train], data[n_train:]
    need = settings.context_length + 1
    if min(len(train_data), len(val_data)) < need:
        enough = math.ceil(need / min(settings.val_fraction, 1 - settings.val_fraction)) + 1
        raise InputError(
            f"The text is too short for a context of {settings.context_length}: its {len(data)} "
            f"tokens split into {len(train_data)} for training and {len(val_data)} for validation, "
            f"and each part needs at least {need}. Use a text of at least {enough} characters or a "
            "smaller --context-length."
        )
    return train_data, val_data


def encode_known(tokenizer: Tokenizer, text: str, what: str) -> torch.Tensor:
    """The text's IDs; a ValueError naming the characters the vocabulary lacks. (IDs made
    by the tokenizer are in its vocabulary, so nothing downstream checks their range.)"""
    unseen = sorted(set(tokenizer.split(text)) - set(tokenizer.unit_to_id))
    if unseen:
        shown = ", ".join(repr(u) for u in unseen[:20]) + (" ..." if len(unseen) > 20 else "")
        raise InputError(
            f"{what} contains {len(unseen)} character(s) the model never saw: {shown}. "
            "Remove them or train on a text that contains them."
        )
    return encode_in_pieces(tokenizer, text)


def encode_in_pieces(tokenizer: Tokenizer, text: str, piece: int = 1 << 16) -> torch.Tensor:
    """The text's token IDs as one tensor, encoded a few lines (about `piece` characters)
    at a time: a megabyte of text as one list of Python ints raises the peak memory by
    about 20 MiB for the whole run."""
    pieces, start = [], 0
    while start < len(text):
        end = text.find("\n", start + piece) + 1 or len(text)  # pieces end after a newline
        pieces.append(torch.tensor(tokenizer.encode(text[start:end]), dtype=torch.long))
        start = end
    return torch.cat(pieces)


def named(path, sha256: str) -> str:
    """A text as the messages name it: its file and the start of its SHA-256 (what
    `sha256sum` prints)."""
    return f"{path} (SHA-256 {sha256[:16]}...)"


def check_same_text(checkpoint: dict, path, found: str, fine_tune: bool) -> None:
    """A resumed run continues on the text it began with, unless `fine_tune`."""
    saved = checkpoint["text_sha256"]
    if saved != found and not fine_tune:
        raise InputError(
            f"--resume continues on the text the run began with, "
            f"{named(checkpoint['settings']['data'], saved)}, but {named(path, found)} is a "
            "different text, so its validation split would differ. Pass the run's own text, "
            "or add --fine-tune to continue on this text on purpose."
        )


def fine_tuning(checkpoint: dict | None, path, found: str) -> str | None:
    """The line that says a resumed run goes on with another text (None: it does not)."""
    if checkpoint is None or checkpoint["text_sha256"] == found:
        return None
    began = named(checkpoint["settings"]["data"], checkpoint["text_sha256"])
    return (f"Fine-tuning on {named(path, found)}, a different text from the one this run "
            f"began with, {began}.")


def read_data(settings, checkpoint: dict | None = None, fine_tune: bool = False):
    """(tokenizer, training tokens, validation tokens, the text's SHA-256); a resumed run
    keeps its vocabulary and, unless fine-tuning, its text."""
    text = read_text(settings.data)
    found = sha256_of(settings.data)
    if checkpoint is None:
        tokenizer = CharTokenizer.from_text(text)
        data = encode_in_pieces(tokenizer, text)
    else:
        check_same_text(checkpoint, settings.data, found, fine_tune)
        tokenizer = tokenizer_from_state(checkpoint["tokenizer"])
        data = encode_known(tokenizer, text, f"The data file {settings.data}")
    return tokenizer, *split_data(data, settings), found
