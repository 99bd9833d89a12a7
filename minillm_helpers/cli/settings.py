"""What a `minillm train` run is set up with: `TrainSettings`, one field per flag.

Each field carries its help text, its group in `--help`, the range it accepts (the
keywords of `checks.check_int` or `checks.check_number`) and whether a resumed run must
keep it (it fixes the model's shape or the data split). `command.add_setting_flags`
makes the flags from these fields, so a setting is declared, and checked, once.
"""

from __future__ import annotations

import os
import typing
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from minillm_helpers.checkpoint import CHECKPOINT_FILE, CheckpointError, load_training_checkpoint
from minillm_helpers.checks import InputError, check_int, check_number
from minillm_helpers.model import GPTConfig

ONE_OR_MORE, ZERO_OR_MORE = {"minimum": 1}, {"minimum": 0}  # the limits of whole numbers
# torch takes seeds up to 2**64 - 1; each process adds its rank to the seed, so keep room
SEED_LIMITS = {"minimum": 0, "maximum": 2**63 - 1}


def setting(default, help: str, group: str, *, limits=None, fixed: bool = False):
    """A TrainSettings field and its command-line flag: help text, the flag's group in
    --help, the range allowed (keywords of check_int for whole numbers, of check_number
    for the others) and whether a resumed run must keep it."""
    metadata = {"help": help, "group": group, "limits": limits, "fixed": fixed}
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
                                  limits={"above": 0, "below": 1, "fix": "e.g. 0.1"}, fixed=True)
    # the model: nanoGPT's CPU recipe size
    context_length: int = setting(64, "tokens the model reads at once", "model",
                                  limits=ONE_OR_MORE, fixed=True)
    width: int = setting(128, "numbers per token inside the model", "model",
                         limits=ONE_OR_MORE, fixed=True)
    num_heads: int = setting(4, "attention heads per layer", "model", limits=ONE_OR_MORE,
                             fixed=True)
    num_layers: int = setting(4, "transformer blocks", "model", limits=ONE_OR_MORE, fixed=True)
    dropout: float = setting(0.0, "dropout probability while training", "model",
                             limits={"at_least": 0, "below": 1}, fixed=True)
    # optimisation
    steps: int = setting(2000, "total steps, also when resuming", "training", limits=ONE_OR_MORE)
    batch_size: int = setting(16, "windows per step per process", "training", limits=ONE_OR_MORE)
    learning_rate: float = setting(5e-3, "peak learning rate, after the warm-up", "training",
                                   limits={"above": 0, "fix": "e.g. 5e-3"})
    min_learning_rate: float = setting(5e-4, "learning rate at the last step", "training",
                                       limits={"at_least": 0})
    warmup_steps: int = setting(50, "steps of linear warm-up", "training", limits=ZERO_OR_MORE)
    muon_learning_rate: float = setting(
        1.2e-2, "peak learning rate of Muon (torch.optim.Muon's update, batched) for the blocks' "
        "weight matrices, AdamW keeping the rest; 0: AdamW everywhere", "training",
        limits={"at_least": 0, "fix": "0 turns Muon off (AdamW everywhere)"}, fixed=True,
    )
    weight_decay: float = setting(0.1, "weight decay of the matrices", "training",
                                  limits={"at_least": 0})
    grad_clip: float = setting(1.0, "clip the gradient norm to this; 0: off", "training",
                               limits={"at_least": 0, "fix": "0 turns clipping off"})
    ema_decay: float = setting(
        0.98, "evaluate, save and sample a moving average of the weights with this decay; "
        "0: the last weights", "training",
        limits={"at_least": 0, "below": 1, "fix": "e.g. 0.98; 0 turns averaging off"},
    )
    seed: int = setting(0, "random seed: initial weights, dropout and batches", "training",
                        limits=SEED_LIMITS, fixed=True)
    # evaluation and output
    eval_every: int = setting(250, "steps between evaluations (and saves)", "evaluation",
                              limits=ONE_OR_MORE)
    eval_batches: int = setting(20, "batches per loss estimate", "evaluation", limits=ONE_OR_MORE)
    eval_batch_size: int = setting(16, "windows per evaluation batch", "evaluation",
                                   limits=ONE_OR_MORE)
    target_loss: float | None = setting(None, "stop once validation loss <= this", "evaluation",
                                        limits={"above": 0, "fix": "e.g. 1.9"})
    plot: bool = setting(True, "draw loss.png in the checkpoint folder", "evaluation")
    # the machine (never taken from a checkpoint)
    device: str = setting("auto", "auto, cpu, cuda or mps (auto: CUDA, then MPS, then CPU)",
                          "hardware")
    threads: int | None = setting(None, "CPU threads (default: PyTorch's)", "hardware",
                                  limits=ONE_OR_MORE)
    fused_attention: bool = setting(True, "use PyTorch's fused attention kernel", "hardware")
    bf16: bool = setting(False, "bfloat16 autocast for the training forward", "hardware")
    compile: bool = setting(
        False, "torch.compile the model for training: on a 2-core CPU its steps take about 4 "
        "percent less time after 3-18 s of compiling, so only long runs gain; on several "
        "threads, two identical runs then differ", "hardware",
    )

    def check(self) -> None:
        """Raise InputError (InputTypeError for a wrong type) naming the first setting
        that makes no sense, before any training."""
        for f in fields(self):
            value, limits = getattr(self, f.name), f.metadata["limits"]
            if limits is not None and value is not None:
                check_within(f"--{flag(f.name)}", type_of(f), value, limits)
        GPTConfig(vocab_size=1, **self.model_fields())  # heads dividing width
        check_folder_can_be_written(self.out)

    def model_fields(self) -> dict:
        return {name: getattr(self, name) for name in GPT_FIELDS}

    def to_dict(self) -> dict:
        return asdict(self)


GPT_FIELDS = ("context_length", "width", "num_heads", "num_layers", "dropout")
NOT_FROM_CHECKPOINT = ("data", "out", "device", "threads")  # where this run reads and runs


def flag(name: str) -> str:
    return name.replace("_", "-")


def type_of(setting_field) -> type:
    """A field's type without its None: int for `int | None`."""
    hint = typing.get_type_hints(TrainSettings)[setting_field.name]
    return next((t for t in typing.get_args(hint) if t is not type(None)), hint)


def check_within(name: str, number_type: type, value, limits: dict):
    """`value` checked against `limits` by check_int (whole numbers) or check_number."""
    return (check_int if number_type is int else check_number)(name, value, **limits)


def check_folder_can_be_written(out) -> None:
    """--out must be a folder, or a place where one can be made: checked before training,
    so that no run trains for an hour and then fails at its first save."""
    path = Path(out).absolute()
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        what = "is a file" if existing == path else f"lies inside {existing}, which is a file"
        raise InputError(f"--out {out} {what}, not a folder: choose another --out.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"--out {out}: {existing} cannot be written to: choose another --out.")


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
    try:
        saved = TrainSettings(**saved)
    except TypeError:  # a key this version does not know, e.g. from a hand-edited file
        raise CheckpointError(f"The checkpoint in {settings.out} is damaged: its settings "
                              "are not those minillm train writes.") from None
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


def settings_and_checkpoint(settings: TrainSettings, resume: bool, fine_tune: bool, given=None):
    """(the run's settings, its checkpoint or None for a new run), once everything that
    can be checked before training is: a checkpoint to resume, or none to overwrite; steps
    left to train; settings that make sense."""
    path, checkpoint = Path(settings.out) / CHECKPOINT_FILE, None
    if fine_tune and not resume:
        raise InputError("--fine-tune continues a trained checkpoint on a new text: add --resume.")
    if resume:
        if not path.is_file():
            raise InputError(f"--resume: there is no checkpoint in {settings.out} to continue.")
        checkpoint = load_training_checkpoint(path)
        settings = settings_to_resume(settings, checkpoint["settings"], given)
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
