"""`minillm train`'s loop: the notebooks' recipe plus gradient clipping, a checkpoint folder
written atomically that resumes bit for bit, Ctrl-C, and torchrun."""

from __future__ import annotations

import contextlib
import json
import math
import signal
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.checkpoint import CheckpointError, save_training_checkpoint
from minillm_helpers.cli import distributed
from minillm_helpers.cli.settings import named, read_data, settings_and_checkpoint
from minillm_helpers.datasets import atomic_write
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.recipe import build_recipe
from minillm_helpers.training import TrainingHistory, estimate_loss, get_batch


class Trainer:
    """A run's settings, data (and its text's SHA-256), all it needs to continue exactly where
    it stopped (model, recipe, batch_generator, step, history), and what the loop does."""

    def __init__(self, settings, tokenizer, train_data, val_data, text_sha256=None,
                 process=None, checkpoint=None):
        s, self.settings, self.tokenizer = settings, settings, tokenizer
        self.train_data, self.val_data, self.text_sha256 = train_data, val_data, text_sha256
        self.process = process or distributed.Process(device=distributed.pick_device(s.device))
        self.device = self.process.device
        torch.manual_seed(s.seed)  # the same initial weights in every process
        config = GPTConfig(vocab_size=tokenizer.vocab_size, **s.model_fields())
        self.model = GPT(config).to(self.device)  # the weights the optimizer trains
        if not s.fused_attention:  # the notebooks' written-out attention
            keep_attention_weights(self.model)
        # the optimizers, their schedules, the average (recipe.evaluated: saved and sampled)
        self.recipe = build_recipe(
            self.model, steps=s.steps, learning_rate=s.learning_rate, weight_decay=s.weight_decay,
            muon_learning_rate=s.muon_learning_rate or None, warmup_steps=s.warmup_steps,
            final_rate=s.min_learning_rate / s.learning_rate, ema_decay=s.ema_decay)
        torch.manual_seed(s.seed + self.process.rank)  # each process its own dropout
        self.batch_generator = torch.Generator().manual_seed(s.seed)  # which windows come next
        self.step, self.history = 0, TrainingHistory()
        if checkpoint is not None:
            self.restore(checkpoint)
        # under torchrun, DistributedDataParallel averages the processes' gradients
        self.parallel_model = distributed.wrap(self.model, self.process)
        self.parallel_model.train()  # dropout on (evaluations switch it off and back)
        if s.compile:  # the same weights: saving and evaluating use self.model
            self.parallel_model = torch.compile(self.parallel_model)
        self.unread_losses: list[tuple[int, torch.Tensor]] = []  # (step, loss) not yet read
        self.tokens_per_step = s.batch_size * self.process.world_size * s.context_length

    def restore(self, checkpoint: dict) -> None:
        """Continue from what `save` wrote; a part that does not fit is a CheckpointError."""
        rank = self.process.rank
        try:  # the sampled weights, then the trained ones where they differ
            self.recipe.evaluated.load_state_dict(checkpoint["model"])
            self.model.load_state_dict(checkpoint.get("training_model", checkpoint["model"]))
            self.recipe.load_state_dict(checkpoint["optimizer"])
            rng = checkpoint["rng"]
            self.batch_generator.set_state(rng["batches"])
            if rank < len(rng["processes"]):  # a run resumed on more processes seeds the new ones
                torch.set_rng_state(rng["processes"][rank]["torch"])
                if self.device.type == "cuda" and "cuda" in rng["processes"][rank]:
                    torch.cuda.set_rng_state(rng["processes"][rank]["cuda"], self.device)
            self.history = TrainingHistory(**checkpoint["history"])
            self.step = int(checkpoint["step"])
        except (KeyError, TypeError, ValueError, RuntimeError):
            raise CheckpointError(
                f"The checkpoint in {self.settings.out} is damaged: its training state does not "
                "fit the model its settings describe."
            ) from None

    def train_step(self) -> torch.Tensor:
        """One optimizer step; the loss stays a tensor (reading it would wait for a GPU)."""
        s = self.settings
        # every process draws the same global batch and trains on its own rows
        x, y = get_batch(self.train_data, s.batch_size * self.process.world_size,
                         s.context_length, self.batch_generator)
        x, y = (distributed.my_slice(t, self.process).to(self.device) for t in (x, y))
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=s.bf16):
            _, loss = self.parallel_model(x, y)
        self.recipe.zero_grad()
        loss.backward()
        if s.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), s.grad_clip)
        self.recipe.step()  # the optimizers, their learning rates and the average
        self.step += 1
        self.unread_losses.append((self.step, loss.detach()))
        return loss.detach()

    def read_losses(self) -> float:
        """Record the losses not yet read (one wait for the device); return the latest."""
        if self.unread_losses:
            steps, losses = zip(*self.unread_losses, strict=True)
            for step, loss in zip(steps, torch.stack(losses).float().tolist(), strict=True):
                self.history.record_step(step, loss)
            self.unread_losses.clear()
        return self.history.losses[-1] if self.history.losses else math.nan

    def loss_on(self, data) -> float:
        s = self.settings
        return estimate_loss(self.recipe.evaluated, data, s.eval_batch_size, s.context_length,
                             s.eval_batches)

    def evaluate(self) -> float:
        """Record the training and validation losses; return the validation loss."""
        train_loss, val_loss = self.loss_on(self.train_data), self.loss_on(self.val_data)
        self.history.record_evaluation(self.step, train_loss, val_loss)
        return val_loss

    def save(self) -> None:
        """checkpoint.pt, config.json, loss.png: all give their random state, rank 0 writes."""
        self.read_losses()
        mine = {"torch": torch.get_rng_state()}  # and CUDA's, where dropout draws there
        if self.device.type == "cuda":
            mine["cuda"] = torch.cuda.get_rng_state(self.device)
        states = distributed.gather(mine, self.process)
        if self.process.rank != 0:
            return
        s, out, evaluated = self.settings, Path(self.settings.out), self.recipe.evaluated
        rng = {"batches": self.batch_generator.get_state(), "processes": states}
        trained = self.model if evaluated is not self.model else None
        save_training_checkpoint(out, evaluated, self.tokenizer, self.recipe, self.step,
                                 asdict(s), rng, asdict(self.history), trained, self.text_sha256)
        config = {"step": self.step, "settings": asdict(s), "model": asdict(self.model.config),
                  "text_sha256": self.text_sha256}
        text = json.dumps(config, indent=1, ensure_ascii=False) + "\n"
        atomic_write(out / "config.json", lambda file: file.write(text.encode("utf-8")))
        if s.plot and self.history.eval_steps:
            plot_history(self.history, out / "loss.png")


def plot_history(history: TrainingHistory, path: Path) -> None:
    """loss.png: the notebooks' loss plot, drawn off screen."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from minillm_helpers.notebook_support.plotting import loss_curves

    figure = loss_curves(history, title=f"minillm train: step {history.steps[-1]}").figure
    figure.tight_layout()
    atomic_write(path, lambda file: figure.savefig(file, format="png", dpi=100))
    plt.close(figure)


@contextlib.contextmanager
def stop_requests(say):
    """A list the first Ctrl-C (or SIGTERM) fills: finish the step, save, stop; a second quits."""
    requests = []

    def handle(signum, frame):
        if requests:
            raise KeyboardInterrupt
        requests.append(signum)
        say("\nStopping after this step and saving the checkpoint (Ctrl-C again to quit now).")

    caught = threading.current_thread() is threading.main_thread()  # only it receives signals
    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)
                if caught}
    try:
        yield requests
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class ProgressBar:
    """tqdm's bar: the last loss read, the last validation loss, tokens/s of training steps."""

    def __init__(self, trainer: Trainer, show: bool, say, read_every: int = 10):
        from tqdm import tqdm  # the terminal bar; tqdm.auto would import IPython (memory)

        self.trainer, self.read_every = trainer, read_every
        self.bar = tqdm(total=trainer.settings.steps, initial=trainer.step, disable=not show,
                        desc="training", unit="step", dynamic_ncols=True)
        self.write = self.bar.write if show else say
        self.seconds, self.steps, self.val_loss = 0.0, 0, math.nan

    def update(self, seconds: float) -> None:
        self.seconds, self.steps = self.seconds + seconds, self.steps + 1
        self.bar.update(1)
        if self.steps % self.read_every == 0:  # reading the loss waits for the device
            rate = self.steps * self.trainer.tokens_per_step / max(1e-9, self.seconds)
            shown = {"loss": f"{self.trainer.read_losses():.3f}"}
            if not math.isnan(self.val_loss):  # none before the first evaluation
                shown["val"] = f"{self.val_loss:.3f}"
            self.bar.set_postfix(**shown, tok_s=f"{rate:,.0f}")


@dataclass
class RunResult:
    step: int
    history: TrainingHistory
    model: GPT  # the evaluated and saved model: the averaged weights when ema_decay > 0
    interrupted: bool = False  # stopped by Ctrl-C (or SIGTERM), saved
    reached_target: bool = False  # stopped because the validation loss reached target_loss


def train_loop(trainer: Trainer, progress: bool = True, say=print) -> RunResult:
    """Train, evaluating and saving every eval_every steps, to the end, target_loss or Ctrl-C."""
    s, process, history = trainer.settings, trainer.process, trainer.history
    bar = ProgressBar(trainer, progress and process.rank == 0, say)
    interrupted = reached_target = False
    with stop_requests(bar.write) as requests:
        while trainer.step < s.steps and not (interrupted or reached_target):
            began = time.perf_counter()
            trainer.train_step()
            bar.update(time.perf_counter() - began)
            if trainer.step % s.eval_every == 0 or trainer.step == s.steps:
                bar.val_loss = trainer.evaluate()
                bar.write(f"step {trainer.step}: train {history.train_eval[-1]:.4f}, "
                          f"val {bar.val_loss:.4f}")
                trainer.save()
                reached = s.target_loss is not None and bar.val_loss <= s.target_loss
                reached_target = distributed.any_process(reached, process)
            if distributed.any_process(bool(requests), process):  # all stop at the same step
                trainer.save()
                say(f"Saved step {trainer.step} to {s.out}; continue with --resume.")
                interrupted = True
    bar.bar.close()
    trainer.read_losses()
    if history.val_eval:
        measured = history.eval_steps[-1]  # after Ctrl-C, an earlier step's evaluation
        when = "" if measured == trainer.step else f" (at step {measured}, the last evaluation)"
        say(f"Done: step {trainer.step}, validation loss {history.val_eval[-1]:.4f}{when}; "
            f"checkpoint in {s.out}")
    return RunResult(trainer.step, history, trainer.recipe.evaluated.eval(), interrupted,
                     reached_target)


def run_training(settings, resume: bool = False, progress: bool = True,
                 say=print, given=None, fine_tune: bool = False) -> RunResult:
    """Train, or continue the checkpoint in settings.out (fine_tune: on another text), taking
    the settings not `given` (names; None: all) from it."""
    settings, checkpoint = settings_and_checkpoint(settings, resume, fine_tune, given)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    process = distributed.start(settings.device)
    try:
        say = say if process.rank == 0 else (lambda *a, **k: None)
        tokenizer, train_data, val_data, text_sha256 = read_data(settings, checkpoint, fine_tune)
        trainer = Trainer(settings, tokenizer, train_data, val_data, text_sha256, process,
                          checkpoint)
        if checkpoint is not None:  # said once nothing can refuse the run any more
            if checkpoint["text_sha256"] != text_sha256:
                began = named(checkpoint["settings"]["data"], checkpoint["text_sha256"])
                say(f"Fine-tuning on {named(settings.data, text_sha256)}, a different text from "
                    f"the one this run began with, {began}.")
            if line := distributed.batch_change(checkpoint, settings.batch_size, process):
                say(line)
        say(f"Resuming from step {trainer.step} of {settings.steps}." if trainer.step else
            f"{trainer.model.num_parameters():,} parameters, vocabulary of "
            f"{tokenizer.vocab_size} characters, {len(train_data):,} training and "
            f"{len(val_data):,} validation tokens, {trainer.tokens_per_step:,} tokens per "
            f"step on {trainer.device}"
            + (f" x {process.world_size} processes." if process.active else "."))
        return train_loop(trainer, progress, say)
    finally:
        distributed.stop(process)
