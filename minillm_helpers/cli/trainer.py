"""`minillm train`: train the notebooks' GPT on any text file, with checkpoints and resume.

The loop is the notebooks' loop (random windows from `training.get_batch`, AdamW,
`training.estimate_loss` on fixed batches) plus what a long run needs: a
warm-up + cosine learning-rate schedule, gradient clipping, the fused forward of
`minillm_helpers.fast`, a moving average of the weights (the model that is
evaluated, saved and sampled), evaluation at intervals, an atomically written checkpoint
folder, Ctrl-C handling (finish the step, save, exit) and exact resume, and
DistributedDataParallel under torchrun (`minillm_helpers.cli.distributed`).
"""

from __future__ import annotations

import copy
import math
import signal
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch

from minillm_helpers.cli import distributed
from minillm_helpers.cli.checkpoint import (
    CHECKPOINT_FILE,
    CheckpointError,
    atomic_write,
    atomic_write_text,
    load_training_checkpoint,
    save_training_checkpoint,
)
from minillm_helpers.fast import AdamW, FastGPT
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.tokenizer import CharTokenizer, Tokenizer
from minillm_helpers.training import estimate_loss, get_batch

MODEL_FIELDS = ("context_length", "width", "num_heads", "num_layers", "dropout")


@dataclass
class TrainSettings:
    data: str = ""
    out: str = "runs/minillm"
    # model (nanoGPT's CPU recipe size)
    context_length: int = 64
    width: int = 128
    num_heads: int = 4
    num_layers: int = 4
    dropout: float = 0.0
    # optimisation
    steps: int = 2000
    batch_size: int = 16  # per process
    learning_rate: float = 5e-3
    min_learning_rate: float = 5e-4
    warmup_steps: int = 50
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    # Evaluate, save and sample an exponential moving average of the weights (0: the last
    # weights). It smooths out the last steps' noise: see average_weights.
    ema_decay: float = 0.98
    # evaluation and saving
    val_fraction: float = 0.1
    eval_every: int = 250
    eval_batches: int = 20
    eval_batch_size: int = 16
    target_loss: float | None = None  # stop as soon as the validation loss reaches it
    eval_train: bool = True  # also estimate the training loss at each evaluation
    save: bool = True
    plot: bool = True
    # how
    seed: int = 0
    device: str = "auto"
    threads: int | None = None
    fused: bool = True
    bf16: bool = False

    def check(self) -> None:
        """Raise ValueError naming the first setting that makes no sense."""
        positive = (
            "context_length", "width", "num_heads", "num_layers", "steps", "batch_size",
            "eval_every", "eval_batches", "eval_batch_size",
        )  # fmt: skip
        for name in positive:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"--{flag(name)} must be a whole number of at least 1, got {value!r}."
                )
        for name in ("warmup_steps",):
            if getattr(self, name) < 0:
                raise ValueError(f"--{flag(name)} must be 0 or more, got {getattr(self, name)}.")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"--threads must be at least 1, got {self.threads}.")
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
        return {name: getattr(self, name) for name in MODEL_FIELDS}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def flag(name: str) -> str:
    return name.replace("_", "-")


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
    return torch.tensor(tokenizer.encode(text), dtype=torch.long)


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


def next_evaluation(history: dict, settings: TrainSettings) -> int:
    """The step of the next evaluation: eval_every steps after the last one, or sooner when
    a target loss is set and the validation loss, falling as fast as it did between the
    last two evaluations, would reach it sooner (never sooner than eval_every / 4).

    The loss falls ever more slowly, so the straight line predicts the target early:
    the evaluation comes at, or before, the step where it is reached.

    >>> s = TrainSettings(eval_every=100, target_loss=1.9)
    >>> next_evaluation({"eval_steps": [], "val_eval": []}, s)
    100
    >>> next_evaluation({"eval_steps": [100, 200], "val_eval": [2.5, 2.3]}, s)  # 200 steps away
    300
    >>> next_evaluation({"eval_steps": [500, 600], "val_eval": [2.0, 1.94]}, s)  # about 67 away
    675
    >>> next_evaluation({"eval_steps": [600, 675], "val_eval": [1.94, 1.91]}, s)  # 25 at least
    700
    """
    steps, losses = history["eval_steps"], history["val_eval"]
    last = steps[-1] if steps else 0
    every = settings.eval_every
    if settings.target_loss is None or len(steps) < 2:
        return last + every
    rate = (losses[-2] - losses[-1]) / (steps[-1] - steps[-2])  # loss per step
    if not rate > 0:  # not falling (or noise): no prediction
        return last + every
    finest = max(1, every // 4)
    predicted = (losses[-1] - settings.target_loss) / rate
    return last + min(every, max(finest, finest * math.ceil(predicted / finest)))


def average_weights(averaged, params, step: int, decay: float) -> None:
    """Move each averaged weight towards its trained one: a <- a + (1 - d) (p - a).

    d is `decay`, except early on: d = (step - 1) / step while that is smaller, so for the
    first 1 / (1 - decay) steps the average is the plain mean of the weights so far
    instead of remembering the random initial ones.

    >>> a, p = [torch.zeros(2)], [torch.ones(2)]
    >>> average_weights(a, p, step=1, decay=0.9); a[0].tolist()  # step 1: copy
    [1.0, 1.0]
    >>> p = [torch.full((2,), 3.0)]
    >>> average_weights(a, p, step=2, decay=0.9); a[0].tolist()  # mean of 1 and 3
    [2.0, 2.0]
    >>> average_weights(a, [torch.zeros(2)], step=100, decay=0.9); a[0].tolist()  # 0.9 * 2
    [1.7999999523162842, 1.7999999523162842]
    """
    weight = 1 - min(decay, (step - 1) / step)
    with torch.no_grad():
        torch._foreach_lerp_(list(averaged), list(params), weight)


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


@dataclass
class RunResult:
    step: int
    history: dict
    out: Path | None
    stopped_early: bool
    reached_target_at: float | None  # seconds after the loop started when val loss <= target
    model: GPT  # the evaluated and saved model: the averaged weights when ema_decay > 0
    loop_started: float = 0.0  # time.perf_counter() when the training loop started


def plot_history(history: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.plot(
        history["steps"], history["losses"], color="0.75", linewidth=0.8, label="training batch"
    )
    axis.plot(history["eval_steps"], history["train_eval"], marker="o", label="training (estimate)")
    axis.plot(history["eval_steps"], history["val_eval"], marker="o", label="validation")
    axis.set_xlabel("step")
    axis.set_ylabel("cross-entropy loss")
    axis.legend()
    figure.tight_layout()
    atomic_write(path, lambda file: figure.savefig(file, format="png", dpi=100))
    plt.close(figure)


def run_training(
    settings: TrainSettings,
    resume: bool = False,
    progress: bool = True,
    say=print,
    on_step=None,
    on_evaluate=None,
) -> RunResult:
    """Train according to `settings`; see the module docstring. Returns a RunResult.

    on_step(step, model) is called after every training step and on_evaluate(step,
    model) after every evaluation, with the evaluated model (the averaged weights).
    """
    settings.check()
    out = Path(settings.out)
    checkpoint_path = out / CHECKPOINT_FILE
    state = None
    if resume:
        if not checkpoint_path.is_file():
            raise ValueError(f"--resume: there is no checkpoint in {out} to continue from.")
        state = load_training_checkpoint(out)
        saved = TrainSettings.from_dict(state["settings"])
        for name in MODEL_FIELDS:  # the model's shape comes from the checkpoint
            setattr(settings, name, getattr(saved, name))
        settings.val_fraction, settings.seed = saved.val_fraction, saved.seed
        settings.check()
    elif settings.save and checkpoint_path.exists():
        raise ValueError(
            f"{out} already holds a checkpoint: pass --resume to continue it, or choose another "
            "--out (it is never overwritten by a new run)."
        )
    if settings.threads:
        torch.set_num_threads(settings.threads)
    text = read_text(settings.data)
    if state is not None:
        tokenizer = Tokenizer.from_dict(state["tokenizer"])
        data = encode_known(tokenizer, text, f"The data file {settings.data}")
    else:
        tokenizer = CharTokenizer.from_text(text)
        data = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    train_data, val_data = split_data(data, settings)

    process = distributed.start(settings.device)
    try:
        return _train(
            settings, state, tokenizer, train_data, val_data, process, out, progress, say,
            (on_step, on_evaluate),
        )  # fmt: skip
    finally:
        distributed.stop(process)


def _train(settings, state, tokenizer, train_data, val_data, process, out, progress, say, hooks):
    on_step, on_evaluate = hooks
    device = process.device
    say = say if process.is_main else (lambda *a, **k: None)
    torch.manual_seed(settings.seed)
    config = GPTConfig(vocab_size=tokenizer.vocab_size, **settings.model_fields())
    model = GPT(config).to(device)
    averaged = copy.deepcopy(model).requires_grad_(False) if settings.ema_decay > 0 else model
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = AdamW(
        [
            {"params": decay, "weight_decay": settings.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=settings.learning_rate,
        betas=(0.9, 0.99),
    )
    generator = torch.Generator().manual_seed(settings.seed)  # batches (always drawn on the CPU)
    history = {
        "steps": [],
        "losses": [],
        "eval_steps": [],
        "train_eval": [],
        "val_eval": [],
        "seconds": [],
    }
    step = 0
    if state is not None:
        try:
            model.load_state_dict(state.get("training_model", state["model"]))
            averaged.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            generator.set_state(state["rng"]["batches"])
            torch.set_rng_state(state["rng"]["torch"])
            step = int(state["step"])
            history = {key: list(value) for key, value in state["history"].items()}
        except (KeyError, TypeError, ValueError, RuntimeError) as error:
            raise CheckpointError(
                f"The checkpoint in {out} has a damaged training section: {error}"
            ) from None
        say(f"Resuming from step {step} of {settings.steps}.")
    trainable = FastGPT(model, settings.bf16) if settings.fused else model
    # evaluation (of the averaged weights) always in full float32
    evaluator = FastGPT(averaged, bf16=False) if settings.fused else averaged
    network = distributed.wrap(trainable, process)
    tokens_per_step = settings.batch_size * process.world_size * settings.context_length
    if step == 0:
        say(
            f"{model.num_parameters():,} parameters, "
            f"vocabulary of {tokenizer.vocab_size} characters, "
            f"{len(train_data):,} training and {len(val_data):,} validation tokens, "
            f"{tokens_per_step:,} tokens per step on {device}"
            + (f" x {process.world_size} processes" if process.active else "")
            + "."
        )

    def save() -> None:
        if not (settings.save and process.is_main):
            return
        rng = {"torch": torch.get_rng_state(), "batches": generator.get_state()}
        save_training_checkpoint(
            out, averaged, tokenizer, optimizer, step, settings.to_dict(), rng, history,
            training_model=model if averaged is not model else None,
        )  # fmt: skip
        atomic_write_text(
            _json({"step": step, "settings": settings.to_dict(), "model": config.to_dict()}),
            out / "config.json",
        )
        if settings.plot and history["eval_steps"]:
            plot_history(history, out / "loss.png")

    def evaluate() -> float:
        train_loss = float("nan")
        if settings.eval_train:
            train_loss = estimate_loss(
                evaluator, train_data, settings.eval_batch_size, settings.context_length,
                settings.eval_batches,
            )  # fmt: skip
        val_loss = estimate_loss(
            evaluator, val_data, settings.eval_batch_size, settings.context_length,
            settings.eval_batches,
        )  # fmt: skip
        history["eval_steps"].append(step)
        history["train_eval"].append(train_loss)
        history["val_eval"].append(val_loss)
        history["seconds"].append(time.perf_counter() - started)
        return val_loss

    from tqdm import tqdm  # the terminal bar; tqdm.auto would import IPython (memory)

    bar = tqdm(
        total=settings.steps,
        initial=step,
        disable=not (progress and process.is_main),
        desc="training",
        unit="step",
        dynamic_ncols=True,
    )
    started = time.perf_counter()
    reached = None
    stopped_early = False
    train_seconds, steps_here = 0.0, 0  # time in training steps only (no evaluation), for tokens/s
    val_loss = history["val_eval"][-1] if history["val_eval"] else float("nan")
    evaluate_at = next_evaluation(history, settings)
    network.train()
    report = bar.write if (progress and process.is_main) else say
    with StopRequest(say=report) as stop:
        while step < settings.steps:
            step_started = time.perf_counter()
            lr = learning_rate_at(step + 1, settings)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = get_batch(
                train_data,
                settings.batch_size * process.world_size,
                settings.context_length,
                generator,
            )
            x, y = (
                distributed.my_slice(x, process).to(device),
                distributed.my_slice(y, process).to(device),
            )
            _, loss = network(x, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if settings.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
            optimizer.step()
            step += 1
            if averaged is not model:
                average_weights(averaged.parameters(), model.parameters(), step, settings.ema_decay)
            loss_value = loss.item()
            history["steps"].append(step)
            history["losses"].append(loss_value)
            train_seconds += time.perf_counter() - step_started
            steps_here += 1
            tokens_per_second = steps_here * tokens_per_step / max(1e-9, train_seconds)
            bar.update(1)
            bar.set_postfix(
                loss=f"{loss_value:.3f}", val=f"{val_loss:.3f}", tok_s=f"{tokens_per_second:,.0f}"
            )
            if on_step is not None:
                on_step(step, averaged)
            if step >= evaluate_at or step == settings.steps:
                val_loss = evaluate()
                evaluate_at = next_evaluation(history, settings)
                if on_evaluate is not None:
                    on_evaluate(step, averaged)
                report(
                    f"step {step}: train {history['train_eval'][-1]:.4f}, "
                    f"val {val_loss:.4f}, lr {lr:.2e}"
                )
                if (
                    settings.target_loss is not None
                    and val_loss <= settings.target_loss
                    and reached is None
                ):
                    reached = time.perf_counter() - started
                    save()
                    stopped_early = step < settings.steps
                    break
                save()
            if distributed.any_process(stop.requested, process):
                save()
                stopped_early = True
                say(f"Saved step {step} to {out}; continue with --resume.")
                break
    bar.close()
    averaged.eval()
    return RunResult(
        step, history, out if settings.save else None, stopped_early, reached, averaged, started
    )


def _json(data) -> str:
    import json

    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
