"""The tiny model and CPU settings the training tests share, as settings and as CLI flags,
and a way to press Ctrl-C in the middle of a run."""

import os
import signal

TINY_MODEL = dict(context_length=8, width=16, num_heads=2, num_layers=1, threads=1, device="cpu")


def as_flags(**settings) -> list[str]:
    """`minillm train` flags for TrainSettings fields.

    >>> as_flags(num_heads=2, learning_rate=0.01)
    ['--num-heads', '2', '--learning-rate', '0.01']
    """
    return [
        part
        for name, value in settings.items()
        for part in (f"--{name.replace('_', '-')}", str(value))
    ]


def interrupt_after_step(monkeypatch, stop_at: int) -> None:
    """Send the real SIGINT right after step `stop_at`; the handler lets the step finish."""
    from minillm_helpers.cli.trainer import Trainer

    train_step = Trainer.train_step

    def step_then_interrupt(self):
        loss = train_step(self)
        if self.step == stop_at:
            os.kill(os.getpid(), signal.SIGINT)
        return loss

    monkeypatch.setattr(Trainer, "train_step", step_then_interrupt)
