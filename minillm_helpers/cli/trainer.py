"""`minillm train`: train the notebooks' GPT on any text file, with checkpoints and resume.

A run, as `run_training` (at the bottom) reads:

1. the settings (`settings.TrainSettings`; when resuming, the checkpoint's, except those
   given on the command line) and the text (`text.read_data`), split into training and
   validation tokens;
2. a `state.TrainingState`: the model, a moving average of its weights (the model that
   is evaluated, saved and sampled), the optimizer, the step, the loss history and the
   random states; new, or restored from the checkpoint;
3. the loop (`train_loop`): `Trainer.train_step` until the last step; every
   `eval_every` steps (and at the end) `Trainer.evaluate` and `Trainer.save`; Ctrl-C
   finishes the step, saves and stops.

What a long run needs beyond the notebooks' loop (`minillm_helpers.training`, whose
recipe it shares: `minillm_helpers.recipe`, the optimizers, the warm-up + cosine
learning-rate schedule and the weights' moving average): gradient clipping, an atomically
written checkpoint folder and exact resume, and DistributedDataParallel under torchrun
(`cli.distributed`).
"""

from __future__ import annotations

import json
import math
import signal
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from minillm_helpers.cli import distributed
from minillm_helpers.cli.device import pick_device
from minillm_helpers.cli.settings import TrainSettings, settings_and_checkpoint
from minillm_helpers.cli.state import TrainingState, random_states
from minillm_helpers.cli.text import fine_tuning, read_data
from minillm_helpers.datasets import atomic_write
from minillm_helpers.model import GPT
from minillm_helpers.training import TrainingHistory, estimate_loss, get_batch


class Trainer:
    """A run's settings, data and TrainingState, and the three things the loop does."""

    def __init__(self, settings, tokenizer, train_data, val_data, text_sha256=None,
                 process=None, checkpoint=None):
        self.settings, self.tokenizer = settings, tokenizer
        self.train_data, self.val_data = train_data, val_data
        self.process = process or distributed.Process(device=pick_device(settings.device))
        self.device = self.process.device
        self.state = TrainingState.new(settings, tokenizer.vocab_size, self.device,
                                       self.process.rank, text_sha256)
        if checkpoint is not None:
            self.state.restore(checkpoint, settings.out, self.process.rank, self.device)
        # what the step calls: DistributedDataParallel around state.model under torchrun
        # (it averages the gradients of all processes), state.model itself otherwise
        self.parallel_model = distributed.wrap(self.state.model, self.process)
        self.parallel_model.train()  # dropout on (evaluations switch it off and back)
        if settings.compile:  # the same weights: saving and evaluating use state.model
            self.parallel_model = torch.compile(self.parallel_model)
        self.unread_losses: list[tuple[int, torch.Tensor]] = []  # (step, loss) not yet read

    def train_step(self) -> torch.Tensor:
        """One optimizer step on a fresh batch; returns the batch's loss as a tensor (read
        it later: on a GPU, `.item()` every step would wait for the step to finish)."""
        s, state = self.settings, self.state
        # every process draws the same global batch and trains on its own rows
        x, y = get_batch(self.train_data, s.batch_size * self.process.world_size,
                         s.context_length, state.batch_generator)
        x, y = (distributed.my_slice(t, self.process).to(self.device) for t in (x, y))
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=s.bf16):
            _, loss = self.parallel_model(x, y)
        state.recipe.zero_grad()
        loss.backward()
        if s.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(state.model.parameters(), s.grad_clip)
        state.recipe.step()  # the optimizers, their learning rates and the average
        state.step += 1
        loss = loss.detach()
        self.unread_losses.append((state.step, loss))
        return loss

    def read_losses(self) -> float:
        """Record the steps' losses not yet read in the history (one wait for the device);
        return the latest."""
        if self.unread_losses:
            steps, losses = zip(*self.unread_losses, strict=True)
            for step, loss in zip(steps, torch.stack(losses).float().tolist(), strict=True):
                self.state.history.record_step(step, loss)
            self.unread_losses.clear()
        return self.state.history.losses[-1] if self.state.history.losses else math.nan

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
        """Write the checkpoint folder: checkpoint.pt, config.json, loss.png (rank 0
        writes; every process calls it, to hand over its random state)."""
        self.read_losses()
        states = distributed.gather(random_states(self.device), self.process)
        if not self.process.is_main:
            return
        out, s = Path(self.settings.out), self.settings
        self.state.save(out, self.tokenizer, s, states)
        config = {"step": self.state.step, "settings": s.to_dict(),
                  "model": asdict(self.state.model.config),
                  "text_sha256": self.state.text_sha256}
        text = json.dumps(config, indent=1, ensure_ascii=False) + "\n"
        atomic_write(out / "config.json", lambda file: file.write(text.encode("utf-8")))
        if s.plot and self.state.history.eval_steps:
            plot_history(self.state.history, out / "loss.png")


def plot_history(history: TrainingHistory, path: Path) -> None:
    """loss.png: the notebooks' loss plot (plotting.loss_curves), drawn off screen."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from minillm_helpers.notebook_support.plotting import loss_curves

    figure = loss_curves(history, title=f"minillm train: step {history.steps[-1]}").figure
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
    """tqdm's terminal bar with the latest batch loss read, the last validation loss and
    the tokens per second of the training steps (evaluations not counted)."""

    def __init__(self, trainer: Trainer, show: bool, say, read_every: int = 10):
        from tqdm import tqdm  # the terminal bar; tqdm.auto would import IPython (memory)

        s = trainer.settings
        self.trainer, self.read_every = trainer, read_every
        self.tokens_per_step = s.batch_size * trainer.process.world_size * s.context_length
        self.bar = tqdm(total=s.steps, initial=trainer.state.step, disable=not show,
                        desc="training", unit="step", dynamic_ncols=True)
        self.write = self.bar.write if show else say
        self.seconds, self.steps, self.val_loss = 0.0, 0, math.nan

    def update(self, seconds: float) -> None:
        self.seconds, self.steps = self.seconds + seconds, self.steps + 1
        self.bar.update(1)
        if self.steps % self.read_every == 0:  # reading the loss waits for the device
            rate = self.steps * self.tokens_per_step / max(1e-9, self.seconds)
            shown = {"loss": f"{self.trainer.read_losses():.3f}"}
            if not math.isnan(self.val_loss):  # none before the first evaluation
                shown["val"] = f"{self.val_loss:.3f}"
            self.bar.set_postfix(**shown, tok_s=f"{rate:,.0f}")


@dataclass
class RunResult:
    step: int
    history: TrainingHistory
    out: Path
    model: GPT  # the evaluated and saved model: the averaged weights when ema_decay > 0
    interrupted: bool = False  # stopped by Ctrl-C (or SIGTERM), saved
    reached_target: bool = False  # stopped because the validation loss reached target_loss
    main_process: bool = True  # False on the other processes of a torchrun run (they stay quiet)


def train_loop(trainer: Trainer, progress: bool = True, say=print) -> RunResult:
    """Train to the last step; every eval_every steps (and at the end) evaluate and save;
    stop early at the target loss, or on Ctrl-C after saving."""
    s, state, process = trainer.settings, trainer.state, trainer.process
    bar = ProgressBar(trainer, progress and process.is_main, say)
    interrupted = reached_target = False
    with StopRequest(say=bar.write) as stop:
        while state.step < s.steps and not (interrupted or reached_target):
            began = time.perf_counter()
            trainer.train_step()
            bar.update(time.perf_counter() - began)
            if state.step % s.eval_every == 0 or state.step == s.steps:
                bar.val_loss = trainer.evaluate()
                bar.write(f"step {state.step}: train {state.history.train_eval[-1]:.4f}, "
                          f"val {bar.val_loss:.4f}")
                trainer.save()
                reached = s.target_loss is not None and bar.val_loss <= s.target_loss
                reached_target = distributed.any_process(reached, process)
            if distributed.any_process(stop.requested, process):
                trainer.save()
                say(f"Saved step {state.step} to {s.out}; continue with --resume.")
                interrupted = True
    bar.bar.close()
    trainer.read_losses()
    state.evaluated.eval()
    return RunResult(state.step, state.history, Path(s.out), state.evaluated, interrupted,
                     reached_target, process.is_main)


def run_training(settings: TrainSettings, resume: bool = False, progress: bool = True,
                 say=print, given=None, fine_tune: bool = False) -> RunResult:
    """Train according to `settings`, or continue the checkpoint in settings.out (resume;
    fine_tune: on purpose on a text other than the one it began with); see the module
    docstring. `given` names the settings chosen on the command line (None: all): a
    resumed run takes the others from its checkpoint."""
    settings, checkpoint = settings_and_checkpoint(settings, resume, fine_tune, given)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    process = distributed.start(settings.device)
    try:
        say = say if process.is_main else (lambda *a, **k: None)
        tokenizer, train_data, val_data, text_sha256 = read_data(settings, checkpoint, fine_tune)
        trainer = Trainer(settings, tokenizer, train_data, val_data, text_sha256, process,
                          checkpoint)
        if checkpoint is not None:  # said once nothing can refuse the run any more
            for line in (fine_tuning(checkpoint, settings.data, text_sha256),
                         distributed.batch_change(checkpoint, settings.batch_size, process)):
                if line:
                    say(line)
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

