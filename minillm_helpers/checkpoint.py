"""Saving and loading a trained model safely.

A checkpoint holds only tensors, numbers, strings, lists and dicts, so it loads
with `torch.load(..., weights_only=True)`: a file that tries to run code or holds
anything else is refused with CheckpointError, never executed. Writes go to a
temporary file first and then replace the target, so a crash mid-write never
damages an existing checkpoint.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path

import torch

from minillm_helpers.assistant import ChatTokenizer
from minillm_helpers.checks import InputError
from minillm_helpers.model import GPT, config_from_dict
from minillm_helpers.tokenizer import CharTokenizer, Tokenizer, WordTokenizer

FORMAT = "minillm-checkpoint-1"


class CheckpointError(InputError):
    """The file is not a minillm checkpoint we can load safely."""


# What torch.load(weights_only=True) raises for a file it refuses (OSError: a damaged zip).
UNLOADABLE = (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, AttributeError, OSError)


def atomic_write(path, write) -> None:
    """Call write(binary_file) on a temporary file beside `path`, then rename it to `path`.

    Readers see the old file or the whole new one, never half of it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # atomic on POSIX and Windows
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_torch_save(obj, path) -> None:
    atomic_write(path, lambda file: torch.save(obj, file))


def atomic_write_text(text: str, path) -> None:
    atomic_write(path, lambda file: file.write(text.encode("utf-8")))


def cpu_weights(model) -> dict:
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


TOKENIZERS = {tokenizer.kind: tokenizer
              for tokenizer in (CharTokenizer, WordTokenizer, ChatTokenizer)}


def tokenizer_state(tokenizer: Tokenizer) -> dict:
    """All a tokenizer is: the kind of unit and the vocabulary in ID order."""
    return {"kind": tokenizer.kind, "vocabulary": tokenizer.vocabulary,
            "unknown": tokenizer.unknown}


def tokenizer_from_state(state: dict) -> Tokenizer:
    """The inverse of tokenizer_state: the same kind of tokenizer, the same IDs."""
    try:
        return TOKENIZERS[state["kind"]](state["vocabulary"], unknown=state.get("unknown"))
    except (KeyError, TypeError, ValueError):
        raise CheckpointError("The checkpoint's tokenizer section is damaged: it does not "
                              "describe a character or word tokenizer.") from None


def save_checkpoint(path, model: GPT, tokenizer: Tokenizer | None = None, **extra) -> None:
    """Write model weights, configuration, tokenizer and any extra plain data."""
    state = {
        "format": FORMAT,
        "config": asdict(model.config),
        "model": cpu_weights(model),
        "tokenizer": tokenizer_state(tokenizer) if tokenizer is not None else None,
        **extra,
    }
    atomic_torch_save(state, path)


def load_checkpoint(path, map_location="cpu") -> dict:
    """Read a checkpoint (file, or folder holding checkpoint.pt) with weights_only=True.

    Anything unexpected - code, foreign objects, a truncated or damaged archive - is
    refused with CheckpointError.
    """
    path = checkpoint_file(path)
    if not path.is_file():
        raise CheckpointError(f"No checkpoint file at {path}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 4" for foreign files
            state = torch.load(path, map_location=map_location, weights_only=True)
    except UNLOADABLE as error:
        raise CheckpointError(
            f"{path} is not a minillm checkpoint that can be loaded safely: "
            f"{why_unloadable(error)}. It was refused without running any of its contents."
        ) from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(
            f"{path} loads, but it is not a minillm checkpoint (no '{FORMAT}' marker). "
            "Pass a file written by minillm's save_checkpoint or `minillm train`."
        )
    return state


def why_unloadable(error: BaseException) -> str:
    """Our one-line reason for what torch.load(weights_only=True) refused (its own
    messages run to several lines about internals)."""
    if isinstance(error, pickle.UnpicklingError):
        return "it holds something other than tensors and plain data, or is no PyTorch file"
    return "the file is damaged or incomplete (e.g. cut short while copying)"


def load_model(path, map_location="cpu"):
    """Return (model, tokenizer) rebuilt from a checkpoint, in eval mode."""
    state = load_checkpoint(path, map_location)
    try:
        model = GPT(config_from_dict(state["config"]))
        model.load_state_dict(state["model"])
    except (KeyError, TypeError, ValueError, RuntimeError):
        raise CheckpointError(
            f"{path} has a damaged model section: its weights do not fit the model it describes."
        ) from None
    tokenizer = tokenizer_from_state(state["tokenizer"]) if state.get("tokenizer") else None
    return model.eval(), tokenizer


def load_model_and_tokenizer(path, map_location="cpu"):
    """(model, tokenizer) from a checkpoint folder or file, for text in and out (`minillm
    sample`, the explorer): a checkpoint without a vocabulary is a CheckpointError."""
    path = checkpoint_file(path)
    model, tokenizer = load_model(path, map_location)
    if tokenizer is None:
        raise CheckpointError(f"{path} holds no vocabulary, so text cannot be encoded for it.")
    return model, tokenizer


# --- Training checkpoints (`minillm train`): everything needed to continue exactly. ---

CHECKPOINT_FILE = "checkpoint.pt"
TRAINING_KEYS = ("optimizer", "step", "settings", "rng", "history")


def checkpoint_file(path) -> Path:
    """A checkpoint folder's checkpoint.pt, or the file itself."""
    path = Path(path)
    return path / CHECKPOINT_FILE if path.is_dir() else path


def save_training_checkpoint(
    folder,
    model: GPT,
    tokenizer: Tokenizer,
    optimizer,
    step: int,
    settings: dict,
    rng: dict,
    history: dict,
    training_model: GPT | None = None,
    text_sha256: str | None = None,
) -> Path:
    """Write folder/checkpoint.pt (model, optimizer, step, settings, vocabulary, random state).

    `model` is the one to sample from. `training_model`, if given, holds the weights the
    optimizer updates when they differ from it (the trainer samples from their moving
    average), so that a resumed run continues from exactly those. `text_sha256`: the
    fingerprint of the text trained on (a resume checks it). Plain data only
    (tensors, numbers, strings, lists, dicts), so it loads with weights_only=True;
    written atomically, so an interruption leaves the old file whole.
    """
    path = Path(folder) / CHECKPOINT_FILE
    save_checkpoint(
        path,
        model,
        tokenizer,
        optimizer=optimizer.state_dict(),
        step=int(step),
        settings=dict(settings),
        rng=rng,
        history=history,
        text_sha256=text_sha256,
        **({"training_model": cpu_weights(training_model)} if training_model is not None else {}),
    )
    return path


def load_training_checkpoint(path, map_location="cpu") -> dict:
    """Read a checkpoint written by save_training_checkpoint (folder or file); check its parts."""
    path = checkpoint_file(path)
    state = load_checkpoint(path, map_location)
    missing = [key for key in TRAINING_KEYS if key not in state]
    if missing:
        raise CheckpointError(
            f"{path} is a minillm model checkpoint but not a training checkpoint "
            f"(missing {', '.join(missing)}), so training cannot resume from it."
        )
    if not state.get("tokenizer"):
        raise CheckpointError(f"{path} has no vocabulary saved, so its text cannot be encoded.")
    return state
