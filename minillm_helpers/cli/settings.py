"""What a `minillm train` run starts from: its settings (`TrainSettings`, one field per
flag), the checkpoint it resumes, and its text, read, fingerprinted, encoded and split."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import torch

from minillm_helpers.checkpoint import (
    CHECKPOINT_FILE,
    CheckpointError,
    load_checkpoint,
    tokenizer_from_state,
)
from minillm_helpers.checks import InputError, check_int, check_number, unseen_units
from minillm_helpers.datasets import read_text, sha256_of
from minillm_helpers.model import GPTConfig
from minillm_helpers.tokenizer import CharTokenizer, Tokenizer

POSITIVE, NON_NEGATIVE = {"minimum": 1}, {"minimum": 0}  # the limits of whole numbers
# torch takes seeds up to 2**64 - 1; each process adds its rank to the seed, so keep room
SEED_LIMITS = {"minimum": 0, "maximum": 2**63 - 1}
MODEL_FIELDS = ("context_length", "width", "num_heads", "num_layers", "dropout")
# a resumed run keeps these: they fix the model's shape, its optimizers or the data split
FIXED = ("val_fraction", *MODEL_FIELDS, "muon_learning_rate", "seed")
NOT_FROM_CHECKPOINT = ("data", "out", "device", "threads")  # where this run reads and runs


def setting(default, help: str, group: str, limits=None):
    """A field and its flag: limits are check_int's or check_number's keywords."""
    return field(default=default, metadata={"help": help, "group": group, "limits": limits})


@dataclass
class TrainSettings:
    """Every setting of a run, group by group; `minillm train`'s flags come from these fields."""

    data: str = setting("", "UTF-8 text file to learn from, or a data set's name "
                        "(tinyshakespeare: fetched once, checked by its SHA-256)", "data")
    out: str = setting("runs/minillm", "checkpoint folder", "data")
    val_fraction: float = setting(0.1, "the text's last part kept for validation", "data",
                                  {"above": 0, "below": 1, "fix": "e.g. 0.1"})
    context_length: int = setting(64, "tokens the model reads at once", "model", POSITIVE)
    width: int = setting(128, "numbers per token inside the model", "model", POSITIVE)
    num_heads: int = setting(4, "attention heads per layer", "model", POSITIVE)
    num_layers: int = setting(4, "transformer blocks", "model", POSITIVE)
    dropout: float = setting(0.0, "dropout probability while training", "model",
                             {"at_least": 0, "below": 1})
    steps: int = setting(2000, "total steps, also when resuming", "training", POSITIVE)
    batch_size: int = setting(16, "windows per step per process", "training", POSITIVE)
    learning_rate: float = setting(5e-3, "peak learning rate, after the warm-up", "training",
                                   {"above": 0, "fix": "e.g. 5e-3"})
    min_learning_rate: float = setting(5e-4, "learning rate at the last step", "training",
                                       {"at_least": 0})
    warmup_steps: int = setting(50, "steps of linear warm-up", "training", NON_NEGATIVE)
    muon_learning_rate: float = setting(
        1.2e-2, "peak learning rate of Muon for the blocks' matrices (AdamW for the rest); 0: "
        "AdamW everywhere", "training", {"at_least": 0, "fix": "0 turns Muon off"})
    weight_decay: float = setting(0.1, "weight decay of the matrices", "training", {"at_least": 0})
    grad_clip: float = setting(1.0, "clip the gradient norm to this; 0: off", "training",
                               {"at_least": 0, "fix": "0 turns clipping off"})
    ema_decay: float = setting(0.98, "evaluate, save and sample a moving average of the "
                               "weights with this decay; 0: the last weights", "training",
                               {"at_least": 0, "below": 1, "fix": "e.g. 0.98; 0: off"})
    seed: int = setting(0, "random seed: initial weights, dropout and batches", "training",
                        SEED_LIMITS)
    eval_every: int = setting(250, "steps between evaluations (and saves)", "evaluation", POSITIVE)
    eval_batches: int = setting(20, "batches per loss estimate", "evaluation", POSITIVE)
    eval_batch_size: int = setting(16, "windows per evaluation batch", "evaluation", POSITIVE)
    target_loss: float | None = setting(None, "stop once validation loss <= this", "evaluation",
                                        {"above": 0, "fix": "e.g. 1.9"})
    plot: bool = setting(True, "draw loss.png in the checkpoint folder", "evaluation")
    device: str = setting("auto", "auto, cpu, cuda or mps (auto: CUDA, then MPS, then CPU)",
                          "hardware")
    threads: int | None = setting(None, "CPU threads (default: PyTorch's)", "hardware", POSITIVE)
    fused_attention: bool = setting(True, "use PyTorch's fused attention kernel", "hardware")
    bf16: bool = setting(False, "bfloat16 autocast for the training forward", "hardware")
    compile: bool = setting(False, "torch.compile the training model: 4%% faster steps on 2 "
                            "CPU cores after 3-18 s of compiling; on several threads, two "
                            "identical runs then differ", "hardware")

    def check(self) -> None:
        """Raise InputError naming the first setting that makes no sense, before training."""
        for f in fields(self):
            value, limits = getattr(self, f.name), f.metadata["limits"]
            if limits is not None and value is not None:
                check_within(f"--{flag(f.name)}", type_of(f), value, limits)
        GPTConfig(vocab_size=1, **self.model_fields())  # heads dividing width
        # a folder it can write, so that no run trains for an hour, then fails at its first save
        out, path = self.out, Path(self.out).absolute()
        existing = next(p for p in (path, *path.parents) if p.exists())
        if not existing.is_dir():
            what = "is a file" if existing == path else f"lies inside {existing}, which is a file"
            raise InputError(f"--out {out} {what}, not a folder: choose another --out.")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise InputError(f"--out {out}: {existing} cannot be written to: choose another --out.")

    def model_fields(self) -> dict:
        return {name: getattr(self, name) for name in MODEL_FIELDS}


def flag(name: str) -> str:
    return name.replace("_", "-")


def type_of(setting_field) -> type:
    """A field's type without its None: int for `int | None`."""
    return {"int": int, "float": float, "bool": bool, "str": str}[setting_field.type.split()[0]]


def check_within(name: str, number_type: type, value, limits: dict):
    return (check_int if number_type is int else check_number)(name, value, **limits)


def settings_and_checkpoint(settings: TrainSettings, resume: bool, fine_tune: bool, given=None):
    """(the run's settings, its checkpoint or None), once all that can be is checked: a
    checkpoint to resume or none to overwrite, steps left to train, settings that work. A
    resumed run keeps the settings `given` (names; None: all) and the machine's, takes the
    rest from its checkpoint; a given one that is FIXED must equal the checkpoint's."""
    path, checkpoint = Path(settings.out) / CHECKPOINT_FILE, None
    if fine_tune and not resume:
        raise InputError("--fine-tune continues a trained checkpoint on a new text: add --resume.")
    if resume:
        if not path.is_file():
            raise InputError(f"--resume: there is no checkpoint in {settings.out} to continue.")
        checkpoint = load_checkpoint(path, training=True)
        try:
            saved = TrainSettings(**checkpoint["settings"])
        except TypeError:  # a key this version does not know, e.g. from a hand-edited file
            raise CheckpointError(f"The checkpoint in {settings.out} is damaged: its settings "
                                  "are not those minillm train writes.") from None
        given = {f.name for f in fields(settings)} if given is None else given
        differences = [f"--{flag(name)} {getattr(settings, name)} differs (the checkpoint has "
                       f"{getattr(saved, name)})" for name in FIXED
                       if name in given and getattr(settings, name) != getattr(saved, name)]
        if differences:
            raise InputError(
                f"--resume continues the run in {settings.out} as it was built, but "
                f"{', '.join(differences)}. Leave those flags out (they are taken from the "
                "checkpoint) or start a new run with another --out."
            )
        settings = replace(settings, **{f.name: getattr(saved, f.name) for f in fields(settings)
                                        if f.name not in {*given, *NOT_FROM_CHECKPOINT}})
        if checkpoint["step"] >= settings.steps:
            raise InputError(
                f"{'--fine-tune' if fine_tune else '--resume'}: the run in {settings.out} is "
                f"at step {checkpoint['step']} and --steps is {settings.steps}, so there is "
                f"nothing to train: pass --steps above {checkpoint['step']}."
            )
    elif path.exists():
        raise InputError(
            f"{settings.out} already holds a checkpoint: pass --resume to continue it, or "
            "choose another --out (it is never overwritten by a new run)."
        )
    settings.check()
    return settings, checkpoint


def encode(tokenizer: Tokenizer, text: str, what="The text", piece=1 << 16) -> torch.Tensor:
    """The text's IDs, or an InputError naming the characters the vocabulary lacks; encoded
    `piece` characters (whole lines) at a time: a megabyte as one list costs 20 MiB more."""
    if unseen := unseen_units(tokenizer, text):
        raise InputError(f"{what} contains characters the model never saw: {unseen}. Remove "
                         "them or train on a text that contains them.")
    pieces, start = [], 0
    while start < len(text):
        end = text.find("\n", start + piece) + 1 or len(text)
        pieces.append(torch.tensor(tokenizer.encode(text[start:end]), dtype=torch.long))
        start = end
    return torch.cat(pieces)


def named(path, sha256: str) -> str:
    return f"{path} (SHA-256 {sha256[:16]}...)"  # the start of what `sha256sum` prints


def read_data(settings: TrainSettings, checkpoint: dict | None = None, fine_tune: bool = False):
    """(tokenizer, training tokens, validation tokens, the text's SHA-256). A resumed run
    keeps its vocabulary and, unless fine-tuning, its text (or its validation split)."""
    text, found = read_text(settings.data), sha256_of(settings.data)
    if checkpoint is None:
        tokenizer = CharTokenizer.from_text(text)
    else:
        saved = checkpoint["text_sha256"]
        if saved != found and not fine_tune:
            raise InputError(
                f"--resume continues on the text the run began with, "
                f"{named(checkpoint['settings']['data'], saved)}, but {named(settings.data, found)}"
                " is a different text, so its validation split would differ. Pass the run's own "
                "text, or add --fine-tune to continue on this text on purpose."
            )
        tokenizer = tokenizer_from_state(checkpoint["tokenizer"])
    data = encode(tokenizer, text, f"The data file {settings.data}")
    n_train = int(len(data) * (1 - settings.val_fraction))
    need, parts = settings.context_length + 1, (data[:n_train], data[n_train:])
    if min(map(len, parts)) < need:
        enough = math.ceil(need / min(settings.val_fraction, 1 - settings.val_fraction)) + 1
        raise InputError(
            f"The text is too short for a context of {settings.context_length}: its {len(data)} "
            f"tokens split into {len(parts[0])} for training and {len(parts[1])} for validation, "
            f"and each part needs at least {need}. Use a text of at least {enough} characters or a "
            "smaller --context-length."
        )
    return tokenizer, *parts, found
