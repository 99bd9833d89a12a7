"""`minillm train`: train the notebooks' GPT on any text file, with checkpoints and resume.

A run, as `run_training` (at the bottom) reads:

1. the settings (`TrainSettings`; when resuming, the checkpoint's, except those given
   on the command line) and the text, split into training and validation tokens;
2. a `TrainingState`: the model, a moving average of its weights (the model that is
   evaluated, saved and sampled), the optimizer, the step, the loss history and the
   random state; new, or restored from the checkpoint;
3. the loop (`train_loop`): `Trainer.train_step` until the last step; every
   `eval_every` steps (and at the end) `Trainer.evaluate` and `Trainer.save`; Ctrl-C
   finishes the step, saves and stops.

What a long run needs beyond the notebooks' loop (`minillm_helpers.training`): a
warm-up + cosine learning-rate schedule, gradient clipping, AdamW with nanoGPT's
parameter groups, the weights' moving average, an atomically written checkpoint
folder and exact resume, and DistributedDataParallel under torchrun
(`minillm_helpers.cli.distributed`).
"""

from __future__ import annotations

import copy
import json
import math
import signal
import threading
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import torch

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.cli import distributed
from minillm_helpers.cli.checkpoint import (
    CHECKPOINT_FILE,
    CheckpointError,
    atomic_write,
    atomic_write_text,
    load_training_checkpoint,
    save_training_checkpoint,
)
from minillm_helpers.cli.device import pick_device
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.tokenizer import CharTokenizer, Tokenizer
from minillm_helpers.training import (
    FUSED_ADAMW_DEVICES,
    TrainingHistory,
    estimate_loss,
    get_batch,
)


def setting(default, help: str, group: str, minimum=None, fixed: bool = False):
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
                                  fixed=True)  # fmt: skip
    # the model: nanoGPT's CPU recipe size
    context_length: int = setting(64, "tokens the model reads at once", "model", 1, True)
    width: int = setting(128, "numbers per token inside the model", "model", 1, True)
    num_heads: int = setting(4, "attention heads per layer", "model", 1, True)
    num_layers: int = setting(4, "transformer blocks", "model", 1, True)
    dropout: float = setting(0.0, "dropout probability while training", "model", fixed=True)
    # optimisation
    steps: int = setting(2000, "total steps, also when resuming", "training", 1)
    batch_size: int = setting(16, "windows per step per process", "training", 1)
    learning_rate: float = setting(5e-3, "peak learning rate, after the warm-up", "training")
    min_learning_rate: float = setting(5e-4, "learning rate at the last step", "training")
    warmup_steps: int = setting(50, "steps of linear warm-up", "training", 0)
    weight_decay: float = setting(0.1, "AdamW weight decay of the matrices", "training")
    grad_clip: float = setting(1.0, "clip the gradient norm to this; 0: off", "training")
    ema_decay: float = setting(
        0.98, "evaluate, save and sample a moving average of the weights with this decay; "
        "0: the last weights", "training"
    )  # fmt: skip
    seed: int = setting(0, "random seed: initial weights and batches", "training", fixed=True)
    # evaluation and output
    eval_every: int = setting(250, "steps between evaluations (and saves)", "evaluation", 1)
    eval_batches: int = setting(20, "batches per loss estimate", "evaluation", 1)
    eval_batch_size: int = setting(16, "windows per evaluation batch", "evaluation", 1)
    target_loss: float | None = setting(None, "stop once validation loss <= this", "evaluation")
    plot: bool = setting(True, "draw loss.png in the checkpoint folder", "evaluation")
    # the machine (never taken from a checkpoint)
    device: str = setting("auto", "auto, cpu, cuda or mps (auto: CUDA, then MPS, then CPU)",
                          "hardware")  # fmt: skip
    threads: int | None = setting(None, "CPU threads (default: PyTorch's)", "hardware", 1)
    fused: bool = setting(True, "use PyTorch's fused attention kernel", "hardware")
    bf16: bool = setting(False, "bfloat16 autocast for the training forward", "hardware")

    def check(self) -> None:
        """Raise ValueError naming the first setting that makes no sense."""
        for f in fields(self):
            value, minimum = getattr(self, f.name), f.metadata["minimum"]
            if minimum is not None and value is not None and not (
                isinstance(value, int) and not isinstance(value, bool) and value >= minimum
            ):
                raise ValueError(
                    f"--{flag(f.name)} must be a whole number of at least {minimum}, got {value!r}."
                )
        for name in ("learning_rate", "min_learning_rate", "weight_decay", "grad_clip"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"--{flag(name)} must be a finite number >= 0, got {value}.")
        if not 0 <= self.ema_decay < 1:
            raise ValueError(
                f"--ema-decay must be at least 0 and below 1 (e.g. 0.98; 0 turns averaging "
                f"off), got {self.ema_decay}."
            )
        if self.learning_rate == 0:
            raise ValueError("--learning-rate must be above 0, or the model never changes.")
        if not 0 < self.val_fraction < 1:
            raise ValueError(
                f"--val-fraction must be between 0 and 1 (e.g. 0.1), got {self.val_fraction}."
            )
        GPTConfig(vocab_size=1, **self.model_fields())  # heads dividing width, dropout range

    def model_fields(self) -> dict:
        return {name: getattr(self, name) for name in GPT_FIELDS}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


GPT_FIELDS = ("context_length", "width", "num_heads", "num_layers", "dropout")
NOT_FROM_CHECKPOINT = ("data", "out", "device", "threads")  # where this run reads and runs


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
    ValueError: --resume continues the run in runs/minillm as it was built, but --width 128 differs (the checkpoint has 64). Leave those flags out (they are taken from the checkpoint) or start a new run with another --out.
    """  # noqa: E501
    saved = TrainSettings.from_dict(saved)
    given = {f.name for f in fields(settings)} if given is None else set(given)
    differences = [
        f"--{flag(f.name)} {getattr(settings, f.name)} differs (the checkpoint has "
        f"{getattr(saved, f.name)})"
        for f in fields(settings)
        if f.metadata["fixed"] and f.name in given
        and getattr(settings, f.name) != getattr(saved, f.name)
    ]  # fmt: skip
    if differences:
        raise ValueError(
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


# --- the data ----------------------------------------------------------------------------


def read_text(path) -> str:
    """The data file's text; clear errors for missing, empty or non-UTF-8 files."""
    path = Path(path)
    if not path.exists():
        raise ValueError(
            f"The data file {path} does not exist: pass the path of a UTF-8 text file."
        )
    if path.is_dir():
        raise ValueError(
            f"{path} is a folder, not a text file: pass the path of a UTF-8 text file."
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path} is not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start} "
            "cannot be decoded): save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`."
        ) from None
    if not text.strip():
        raise ValueError(
            f"The data file {path} is empty (or only whitespace): there is nothing to learn from."
        )
    return text


def split_data(data, settings: TrainSettings):
    """First (1 - val_fraction) of the tokens for training, the rest for validation."""
    n_train = int(len(data) * (1 - settings.val_fraction))
    train_data, val_data = data[:n_train], data[n_train:]
    need = settings.context_length + 1
    if min(len(train_data), len(val_data)) < need:
        enough = math.ceil(need / min(settings.val_fraction, 1 - settings.val_fraction)) + 1
        raise ValueError(
            f"The text is too short for a context of {settings.context_length}: its {len(data)} "
            f"tokens split into {len(train_data)} for training and {len(val_data)} for validation, "
            f"and each part needs at least {need}. Use a text of at least {enough} characters or a "
            "smaller --context-length."
        )
    return train_data, val_data


def encode_known(tokenizer: Tokenizer, text: str, what: str):
    unseen = sorted(set(tokenizer.split(text)) - set(tokenizer.unit_to_id))
    if unseen:
        shown = ", ".join(repr(u) for u in unseen[:20]) + (" ..." if len(unseen) > 20 else "")
        raise ValueError(
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


def read_data(settings: TrainSettings, checkpoint: dict | None = None):
    """(tokenizer, training tokens, validation tokens); a resumed run keeps its vocabulary."""
    text = read_text(settings.data)
    if checkpoint is None:
        tokenizer = CharTokenizer.from_text(text)
        data = encode_in_pieces(tokenizer, text)
    else:
        tokenizer = Tokenizer.from_dict(checkpoint["tokenizer"])
        data = encode_known(tokenizer, text, f"The data file {settings.data}")
    return tokenizer, *split_data(data, settings)


# --- the training state: what a checkpoint holds ------------------------------------------


def learning_rate_at(step: int, settings: TrainSettings) -> float:
    """Linear warm-up to learning_rate, then cosine decay to min_learning_rate at the last step."""
    if step <= settings.warmup_steps:
        return settings.learning_rate * step / max(1, settings.warmup_steps)
    progress = (step - settings.warmup_steps) / max(1, settings.steps - settings.warmup_steps)
    progress = min(1.0, progress)
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return settings.min_learning_rate + cosine * (
        settings.learning_rate - settings.min_learning_rate
    )


def make_optimizer(model, settings: TrainSettings, device) -> torch.optim.AdamW:
    """AdamW as nanoGPT's configure_optimizers sets it up: weight decay for the matrices
    (2-D and up), none for biases and norm scales; PyTorch's fused kernel, which updates
    all of a group's tensors in one call, where the device has one."""
    params = list(model.parameters())
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": settings.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    fused = torch.device(device).type in FUSED_ADAMW_DEVICES
    return torch.optim.AdamW(groups, lr=settings.learning_rate, betas=(0.9, 0.99), fused=fused)


def average_weights(averaged, trained, step: int, decay: float) -> None:
    """Move each averaged weight towards its trained one: a <- a + (1 - d) (p - a).

    d is `decay`, except early on: d = (step - 1) / step while that is smaller, so for the
    first 1 / (1 - decay) steps the average is the plain mean of the weights so far
    instead of remembering the random initial ones.

    >>> a, p = torch.nn.Linear(1, 1), torch.nn.Linear(1, 1)
    >>> _ = torch.nn.init.zeros_(a.weight), torch.nn.init.ones_(p.weight)
    >>> average_weights(a, p, step=1, decay=0.9); a.weight.item()  # step 1: a copy
    1.0
    >>> _ = torch.nn.init.constant_(p.weight, 3.0)
    >>> average_weights(a, p, step=2, decay=0.9); a.weight.item()  # the mean of 1 and 3
    2.0
    >>> _ = torch.nn.init.zeros_(p.weight)
    >>> average_weights(a, p, step=100, decay=0.9); round(a.weight.item(), 6)  # 0.9 * 2
    1.8
    """
    weight = 1 - min(decay, (step - 1) / step)
    with torch.no_grad():
        for a, p in zip(averaged.parameters(), trained.parameters(), strict=True):
            a.lerp_(p, weight)


@dataclass
class TrainingState:
    """Everything a run needs to continue exactly where it stopped."""

    model: GPT  # the weights the optimizer trains
    averaged: GPT | None  # their moving average; None with --ema-decay 0
    optimizer: torch.optim.AdamW
    batches: torch.Generator  # which windows come next (always drawn on the CPU)
    step: int = 0
    history: TrainingHistory = field(default_factory=TrainingHistory)

    @classmethod
    def new(cls, settings: TrainSettings, vocab_size: int, device) -> TrainingState:
        torch.manual_seed(settings.seed)
        model = GPT(GPTConfig(vocab_size=vocab_size, **settings.model_fields())).to(device)
        if not settings.fused:  # the notebooks' written-out attention, not PyTorch's kernel
            keep_attention_weights(model)
        averaged = copy.deepcopy(model).requires_grad_(False) if settings.ema_decay > 0 else None
        optimizer = make_optimizer(model, settings, device)
        return cls(model, averaged, optimizer, torch.Generator().manual_seed(settings.seed))

    @property
    def evaluated(self) -> GPT:
        """The model that is evaluated, saved and sampled: the averaged weights, if kept."""
        return self.model if self.averaged is None else self.averaged

    def save(self, folder, tokenizer, settings: TrainSettings) -> None:
        rng = {"torch": torch.get_rng_state(), "batches": self.batches.get_state()}
        save_training_checkpoint(
            folder, self.evaluated, tokenizer, self.optimizer, self.step, settings.to_dict(),
            rng, asdict(self.history),
            training_model=self.model if self.averaged is not None else None,
        )  # fmt: skip

    def restore(self, checkpoint: dict, where) -> None:
        """Load what `save` wrote; a part that does not fit is a CheckpointError."""
        known = {f.name for f in fields(TrainingHistory)}
        try:
            self.model.load_state_dict(checkpoint.get("training_model", checkpoint["model"]))
            if self.averaged is not None:
                self.averaged.load_state_dict(checkpoint["model"])
            self.optimizer.load_state_dict(checkpoint["optimizer"])
            self.batches.set_state(checkpoint["rng"]["batches"])
            torch.set_rng_state(checkpoint["rng"]["torch"])
            history = checkpoint["history"]
            self.history = TrainingHistory(**{k: list(history[k]) for k in known & set(history)})
            self.step = int(checkpoint["step"])
        except (KeyError, TypeError, ValueError, RuntimeError):
            raise CheckpointError(
                f"The checkpoint in {where} is damaged: its training state does not fit the "
                "model its settings describe."
            ) from None


# --- the trainer: one step, one evaluation, one save -------------------------------------


class Trainer:
    """A run's settings, data and TrainingState, and the three things the loop does."""

    def __init__(self, settings, tokenizer, train_data, val_data, process=None, checkpoint=None):
        self.settings, self.tokenizer = settings, tokenizer
        self.train_data, self.val_data = train_data, val_data
        self.process = process or distributed.Process(device=pick_device(settings.device))
        self.device = self.process.device
        self.state = TrainingState.new(settings, tokenizer.vocab_size, self.device)
        if checkpoint is not None:
            self.state.restore(checkpoint, settings.out)
        self.network = distributed.wrap(self.state.model, self.process)  # DDP when several
        self.network.train()  # dropout on (evaluations switch it off and back)

    def train_step(self) -> float:
        """One optimizer step on a fresh batch; returns the batch's loss."""
        s, state = self.settings, self.state
        for group in state.optimizer.param_groups:
            group["lr"] = learning_rate_at(state.step + 1, s)
        # every process draws the same global batch and trains on its own rows
        x, y = get_batch(self.train_data, s.batch_size * self.process.world_size,
                         s.context_length, state.batches)  # fmt: skip
        x, y = (distributed.my_slice(t, self.process).to(self.device) for t in (x, y))
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=s.bf16):
            _, loss = self.network(x, y)
        state.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if s.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(state.model.parameters(), s.grad_clip)
        state.optimizer.step()
        state.step += 1
        if state.averaged is not None:
            average_weights(state.averaged, state.model, state.step, s.ema_decay)
        state.history.record_step(state.step, loss.item())
        return state.history.losses[-1]

    def loss_on(self, data) -> float:
        """The evaluated model's mean loss on fixed batches of `data` (in float32)."""
        s = self.settings
        return estimate_loss(
            self.state.evaluated, data, s.eval_batch_size, s.context_length, s.eval_batches
        )

    def evaluate(self) -> float:
        """Estimate the loss on the training and validation text; record both; return the
        validation loss."""
        train_loss, val_loss = self.loss_on(self.train_data), self.loss_on(self.val_data)
        self.state.history.record_evaluation(self.state.step, train_loss, val_loss)
        return val_loss

    def save(self) -> None:
        """Write the checkpoint folder: checkpoint.pt, config.json, loss.png (rank 0 only)."""
        if not self.process.is_main:
            return
        out, s = Path(self.settings.out), self.settings
        self.state.save(out, self.tokenizer, s)
        config = {"step": self.state.step, "settings": s.to_dict(),
                  "model": asdict(self.state.model.config)}  # fmt: skip
        text = json.dumps(config, indent=1, ensure_ascii=False) + "\n"
        atomic_write_text(text, out / "config.json")
        if s.plot and self.state.history.eval_steps:
            plot_history(self.state.history, out / "loss.png")


def plot_history(history: TrainingHistory, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.plot(history.steps, history.losses, color="0.75", linewidth=0.8, label="training batch")
    axis.plot(history.eval_steps, history.train_eval, marker="o", label="training (estimate)")
    axis.plot(history.eval_steps, history.val_eval, marker="o", label="validation")
    axis.set_xlabel("step")
    axis.set_ylabel("cross-entropy loss")
    axis.legend()
    figure.tight_layout()
    atomic_write(path, lambda file: figure.savefig(file, format="png", dpi=100))
    plt.close(figure)


# --- the loop ------------------------------------------------------------------------------


class StopRequest:
    """First Ctrl-C (or SIGTERM): finish the current step, save, stop. Second: stop at once."""

    def __init__(self, say=print):
        self.requested = False
        self.say = say
        self.previous = {}

    def handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.say("\nStopping after this step and saving the checkpoint (Ctrl-C again to quit now).")

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.previous[sig] = signal.signal(sig, self.handle)
        return self

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        return False


class ProgressBar:
    """tqdm's terminal bar with the last batch's loss, the last validation loss and the
    tokens per second of the training steps (evaluations not counted)."""

    def __init__(self, trainer: Trainer, show: bool, say):
        from tqdm import tqdm  # the terminal bar; tqdm.auto would import IPython (memory)

        s = trainer.settings
        self.tokens_per_step = s.batch_size * trainer.process.world_size * s.context_length
        self.bar = tqdm(total=s.steps, initial=trainer.state.step, disable=not show,
                        desc="training", unit="step", dynamic_ncols=True)  # fmt: skip
        self.write = self.bar.write if show else say
        self.seconds, self.steps, self.val_loss = 0.0, 0, math.nan

    def update(self, loss: float, seconds: float) -> None:
        self.seconds, self.steps = self.seconds + seconds, self.steps + 1
        rate = self.steps * self.tokens_per_step / max(1e-9, self.seconds)
        self.bar.update(1)
        self.bar.set_postfix(loss=f"{loss:.3f}", val=f"{self.val_loss:.3f}", tok_s=f"{rate:,.0f}")


@dataclass
class RunResult:
    step: int
    history: TrainingHistory
    out: Path
    model: GPT  # the evaluated and saved model: the averaged weights when ema_decay > 0
    interrupted: bool = False  # stopped by Ctrl-C (or SIGTERM), saved
    reached_target: bool = False  # stopped because the validation loss reached target_loss


def train_loop(trainer: Trainer, progress: bool = True, say=print) -> RunResult:
    """Train to the last step; every eval_every steps (and at the end) evaluate and save;
    stop early at the target loss, or on Ctrl-C after saving."""
    s, state = trainer.settings, trainer.state
    bar = ProgressBar(trainer, progress and trainer.process.is_main, say)
    interrupted = reached_target = False
    with StopRequest(say=bar.write) as stop:
        while state.step < s.steps and not (interrupted or reached_target):
            began = time.perf_counter()
            loss = trainer.train_step()
            bar.update(loss, time.perf_counter() - began)
            if state.step % s.eval_every == 0 or state.step == s.steps:
                bar.val_loss = trainer.evaluate()
                bar.write(f"step {state.step}: train {state.history.train_eval[-1]:.4f}, "
                          f"val {bar.val_loss:.4f}")  # fmt: skip
                trainer.save()
                reached_target = s.target_loss is not None and bar.val_loss <= s.target_loss
            if distributed.any_process(stop.requested, trainer.process):
                trainer.save()
                say(f"Saved step {state.step} to {s.out}; continue with --resume.")
                interrupted = True
    bar.bar.close()
    state.evaluated.eval()
    return RunResult(state.step, state.history, Path(s.out), state.evaluated, interrupted,
                     reached_target)  # fmt: skip


def run_training(settings: TrainSettings, resume: bool = False, progress: bool = True,
                 say=print, given=None) -> RunResult:  # fmt: skip
    """Train according to `settings`, or continue the checkpoint in settings.out (resume);
    see the module docstring. `given` names the settings chosen on the command line
    (None: all): a resumed run takes the others from its checkpoint."""
    checkpoint_path = Path(settings.out) / CHECKPOINT_FILE
    checkpoint = None
    if resume:
        if not checkpoint_path.is_file():
            raise ValueError(f"--resume: there is no checkpoint in {settings.out} to continue.")
        checkpoint = load_training_checkpoint(checkpoint_path)
        settings = settings_to_resume(settings, checkpoint["settings"], given)
    elif checkpoint_path.exists():
        raise ValueError(
            f"{settings.out} already holds a checkpoint: pass --resume to continue it, or "
            "choose another --out (it is never overwritten by a new run)."
        )
    settings.check()
    if settings.threads:
        torch.set_num_threads(settings.threads)
    tokenizer, train_data, val_data = read_data(settings, checkpoint)
    process = distributed.start(settings.device)
    try:
        trainer = Trainer(settings, tokenizer, train_data, val_data, process, checkpoint)
        say = say if process.is_main else (lambda *a, **k: None)
        say(describe_run(trainer))
        return train_loop(trainer, progress, say)
    finally:
        distributed.stop(process)


def describe_run(trainer: Trainer) -> str:
    s, process = trainer.settings, trainer.process
    if trainer.state.step > 0:
        return f"Resuming from step {trainer.state.step} of {s.steps}."
    tokens_per_step = s.batch_size * process.world_size * s.context_length
    return (
        f"{trainer.state.model.num_parameters():,} parameters, vocabulary of "
        f"{trainer.tokenizer.vocab_size} characters, {len(trainer.train_data):,} training and "
        f"{len(trainer.val_data):,} validation tokens, {tokens_per_step:,} tokens per step on "
        f"{trainer.device}" + (f" x {process.world_size} processes" if process.active else "") + "."
    )
