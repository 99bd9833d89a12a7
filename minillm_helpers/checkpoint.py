"""The one checkpoint format: plain data only, so `torch.load(weights_only=True)` loads it and
refuses (never runs) anything else; written atomically, so a crash never damages the last."""

from __future__ import annotations

import pickle
import warnings
from dataclasses import asdict
from pathlib import Path

import torch

from minillm_helpers.assistant import ChatTokenizer
from minillm_helpers.checks import InputError
from minillm_helpers.datasets import atomic_write
from minillm_helpers.model import GPT, config_from_dict
from minillm_helpers.tokenizer import CharTokenizer, Tokenizer, WordTokenizer

FORMAT = "minillm-checkpoint-1"
CHECKPOINT_FILE = "checkpoint.pt"
TRAINING_KEYS = ("optimizer", "step", "settings", "rng", "history", "text_sha256")
TOKENIZERS = {tokenizer.kind: tokenizer
              for tokenizer in (CharTokenizer, WordTokenizer, ChatTokenizer)}
# What torch.load(weights_only=True) raises for a file it refuses (OSError: a damaged zip).
UNLOADABLE = (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, AttributeError, OSError)


class CheckpointError(InputError):
    """The file is not a minillm checkpoint we can load safely."""


def cpu_weights(model) -> dict:
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


def tokenizer_state(tokenizer: Tokenizer) -> dict:
    return {"kind": tokenizer.kind, "vocabulary": tokenizer.vocabulary,
            "unknown": tokenizer.unknown}


def tokenizer_from_state(state: dict) -> Tokenizer:
    try:
        return TOKENIZERS[state["kind"]](state["vocabulary"], unknown=state.get("unknown"))
    except (KeyError, TypeError, ValueError):
        raise CheckpointError("The checkpoint's tokenizer section is damaged: it does not "
                              "describe a character or word tokenizer.") from None


def save_checkpoint(path, model: GPT, tokenizer: Tokenizer | None = None, **extra) -> None:
    """Write the model's weights and configuration, its tokenizer and any extra plain data."""
    state = {"format": FORMAT, "config": asdict(model.config), "model": cpu_weights(model),
             "tokenizer": tokenizer_state(tokenizer) if tokenizer is not None else None, **extra}
    atomic_write(path, lambda file: torch.save(state, file))


def save_training_checkpoint(folder, model: GPT, tokenizer: Tokenizer, optimizer, step: int,
                             settings: dict, rng: dict, history: dict,
                             training_model: GPT | None = None, text_sha256=None) -> Path:
    """folder/checkpoint.pt: `model` (the one sampled), all a run needs to continue exactly,
    and `training_model`, the weights the optimizer updates, where they differ."""
    path = Path(folder) / CHECKPOINT_FILE
    trained = {} if training_model is None else {"training_model": cpu_weights(training_model)}
    save_checkpoint(path, model, tokenizer, optimizer=optimizer.state_dict(), step=int(step),
                    settings=dict(settings), rng=rng, history=history, text_sha256=text_sha256,
                    **trained)
    return path


def load_checkpoint(path, training: bool = False) -> dict:
    """A checkpoint (a file, or the folder holding checkpoint.pt) with its vocabulary, and
    with `training` all a resumed run needs; anything else is a CheckpointError."""
    path = Path(path)
    path = path / CHECKPOINT_FILE if path.is_dir() else path
    if not path.is_file():
        raise CheckpointError(f"No checkpoint file at {path}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 4" for foreign files
            state = torch.load(path, map_location="cpu", weights_only=True)
    except UNLOADABLE as error:  # torch's own words run to several lines about internals
        why = ("it holds something other than tensors and plain data, or is no PyTorch file"
               if isinstance(error, pickle.UnpicklingError)
               else "the file is damaged or incomplete (e.g. cut short while copying)")
        raise CheckpointError(f"{path} is not a minillm checkpoint that can be loaded safely: "
                              f"{why}. It was refused without running any of its contents."
                              ) from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(
            f"{path} loads, but it is not a minillm checkpoint (no '{FORMAT}' marker). "
            "Pass a file written by minillm's save_checkpoint or `minillm train`."
        )
    missing = [key for key in TRAINING_KEYS if training and key not in state]
    if missing:
        raise CheckpointError(f"{path} is a minillm model checkpoint but not a training checkpoint "
                              f"(missing {', '.join(missing)}), so training cannot resume from it.")
    if not state.get("tokenizer"):
        raise CheckpointError(f"{path} holds no vocabulary, so text cannot be encoded for it.")
    return state


def load_model_and_tokenizer(path):
    """(model in eval mode, tokenizer) from a checkpoint folder or file."""
    state = load_checkpoint(path)
    try:
        model = GPT(config_from_dict(state["config"]))
        model.load_state_dict(state["model"])
    except (KeyError, TypeError, ValueError, RuntimeError):
        raise CheckpointError(
            f"{path} has a damaged model section: its weights do not fit the model it describes."
        ) from None
    return model.eval(), tokenizer_from_state(state["tokenizer"])


def default_prompt(tokenizer: Tokenizer) -> str:
    """A newline (the start of a line), or the first unit of a text without line breaks."""
    return "\n" if "\n" in tokenizer.unit_to_id else tokenizer.vocabulary[0]
