"""What a `minillm train` run is set up with: `TrainSettings`, one field per flag.

Each field carries its help text, its group in `--help`, the smallest whole number it
accepts and whether a resumed run must keep it (it fixes the model's shape or the data
split); `command.add_setting_flags` makes the flags from these fields, so a setting is
declared once.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace

from minillm_helpers.checks import InputError, check_int, check_number
from minillm_helpers.model import GPTConfig


def setting(default, help: str, group: str, *, minimum=None, fixed: bool = False):
    """A TrainSettings field and its command-line flag: help text, the flag's group in
    --help, the smallest whole number allowed (int settings), and whether a resumed run
    must keep it (it fixes the model's shape or the data split)."""
    metadata = {"help": help, "group": group, "minimum": minimum, "fixed": fixed}
    return field(default=default, metadata=metadata)


@dataclass
class TrainSettings:
    """Every setting of a run; `minillm train`'s flags are made from these fields."""

    data: str = setting(
        "", "UTF-8 text file to learn from, or a data set's name (tinyshakespeare: fetched "
        "once, checked by its SHA-256)", "data",
    )
    out: str = setting("runs/minillm", "checkpoint folder", "data")
    val_fraction: float = setting(0.1, "the text's last part kept for validation", "data",
                                  fixed=True)
    # the model: nanoGPT's CPU recipe size
    context_length: int = setting(64, "tokens the model reads at once", "model",
                                  minimum=1, fixed=True)
    width: int = setting(128, "numbers per token inside the model", "model",
                         minimum=1, fixed=True)
    num_heads: int = setting(4, "attention heads per layer", "model", minimum=1, fixed=True)
    num_layers: int = setting(4, "transformer blocks", "model", minimum=1, fixed=True)
    dropout: float = setting(0.0, "dropout probability while training", "model", fixed=True)
    # optimisation
    steps: int = setting(2000, "total steps, also when resuming", "training", minimum=1)
    batch_size: int = setting(16, "windows per step per process", "training", minimum=1)
    learning_rate: float = setting(5e-3, "peak learning rate, after the warm-up", "training")
    min_learning_rate: float = setting(5e-4, "learning rate at the last step", "training")
    warmup_steps: int = setting(50, "steps of linear warm-up", "training", minimum=0)
    muon_learning_rate: float = setting(
        1.2e-2, "peak learning rate of Muon (torch.optim.Muon's update, batched) for the blocks' "
        "weight matrices, AdamW keeping the rest; 0: AdamW everywhere", "training", fixed=True,
    )
    weight_decay: float = setting(0.1, "weight decay of the matrices", "training")
    grad_clip: float = setting(1.0, "clip the gradient norm to this; 0: off", "training")
    ema_decay: float = setting(
        0.98, "evaluate, save and sample a moving average of the weights with this decay; "
        "0: the last weights", "training",
    )
    seed: int = setting(0, "random seed: initial weights, dropout and batches", "training",
                        fixed=True)
    # evaluation and output
    eval_every: int = setting(250, "steps between evaluations (and saves)", "evaluation",
                              minimum=1)
    eval_batches: int = setting(20, "batches per loss estimate", "evaluation", minimum=1)
    eval_batch_size: int = setting(16, "windows per evaluation batch", "evaluation", minimum=1)
    target_loss: float | None = setting(None, "stop once validation loss <= this", "evaluation")
    plot: bool = setting(True, "draw loss.png in the checkpoint folder", "evaluation")
    # the machine (never taken from a checkpoint)
    device: str = setting("auto", "auto, cpu, cuda or mps (auto: CUDA, then MPS, then CPU)",
                          "hardware")
    threads: int | None = setting(None, "CPU threads (default: PyTorch's)", "hardware",
                                  minimum=1)
    fused_attention: bool = setting(True, "use PyTorch's fused attention kernel", "hardware")
    bf16: bool = setting(False, "bfloat16 autocast for the training forward", "hardware")
    compile: bool = setting(
        False, "torch.compile the model for training: on a 2-core CPU its steps take about 4 "
        "percent less time after 3-18 s of compiling, so only long runs gain", "hardware",
    )

    def check(self) -> None:
        """Raise ValueError (TypeError for a wrong type) naming the first setting that
        makes no sense."""
        for f in fields(self):
            value, minimum = getattr(self, f.name), f.metadata["minimum"]
            if minimum is not None and value is not None:
                check_int(f"--{flag(f.name)}", value, minimum)
        for name in ("learning_rate", "min_learning_rate", "weight_decay", "grad_clip"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise InputError(f"--{flag(name)} must be a finite number >= 0, got {value}.")
        check_number("--muon-learning-rate", self.muon_learning_rate, at_least=0,
                     fix="0 turns Muon off (AdamW everywhere)")
        if not 0 <= self.ema_decay < 1:
            raise InputError(
                f"--ema-decay must be at least 0 and below 1 (e.g. 0.98; 0 turns averaging "
                f"off), got {self.ema_decay}."
            )
        if self.learning_rate == 0:
            raise InputError("--learning-rate must be above 0, or the model never changes.")
        if not 0 < self.val_fraction < 1:
            raise InputError(
                f"--val-fraction must be between 0 and 1 (e.g. 0.1), got {self.val_fraction}."
            )
        GPTConfig(vocab_size=1, **self.model_fields())  # heads dividing width, dropout range

    def model_fields(self) -> dict:
        return {name: getattr(self, name) for name in GPT_FIELDS}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainSettings:
        """Settings from to_dict(); older spellings are read too, unknown keys ignored."""
        data = {RENAMED.get(k, k): v for k, v in data.items()}
        data.setdefault("muon_learning_rate", 0.0)  # earlier releases trained with AdamW only
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


GPT_FIELDS = ("context_length", "width", "num_heads", "num_layers", "dropout")
NOT_FROM_CHECKPOINT = ("data", "out", "device", "threads")  # where this run reads and runs
RENAMED = {"fused": "fused_attention"}  # old name -> new name (checkpoints of earlier releases)


def flag(name: str) -> str:
    return name.replace("_", "-")


def settings_to_resume(settings: TrainSettings, saved: dict, given=None) -> TrainSettings:
    """The settings a resumed run continues with: those `given` (names; None: all of
    `settings`) and the machine's, the checkpoint's for the rest. A given setting that
    fixes the model or the data split must equal the checkpoint's.

    >>> saved = TrainSettings(width=64, steps=500).to_dict()
    >>> settings_to_resume(TrainSettings(steps=900), saved, given={"steps"}).width
    64
    >>> settings_to_resume(TrainSettings(width=128), saved, given={"width"})
    Traceback (most recent call last):
    ...
    minillm_helpers.checks.InputError: --resume continues the run in runs/minillm as it was built, but --width 128 differs (the checkpoint has 64). Leave those flags out (they are taken from the checkpoint) or start a new run with another --out.
    """  # noqa: E501
    saved = TrainSettings.from_dict(saved)
    given = {f.name for f in fields(settings)} if given is None else set(given)
    differences = [
        f"--{flag(f.name)} {getattr(settings, f.name)} differs (the checkpoint has "
        f"{getattr(saved, f.name)})"
        for f in fields(settings)
        if f.metadata["fixed"]
        and f.name in given
        and getattr(settings, f.name) != getattr(saved, f.name)
    ]
    if differences:
        raise InputError(
            f"--resume continues the run in {settings.out} as it was built, but "
            f"{', '.join(differences)}. Leave those flags out (they are taken from the "
            "checkpoint) or start a new run with another --out."
        )
    taken = {
        f.name: getattr(saved, f.name)
        for f in fields(settings)
        if f.name not in given and f.name not in NOT_FROM_CHECKPOINT
    }
    return replace(settings, **taken)
