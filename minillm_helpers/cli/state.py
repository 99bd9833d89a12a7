"""What a run is at any step, and what its checkpoint holds to continue exactly there:
the model, the moving average of its weights, the recipe's state (optimizers, schedules,
the average's count), the step, the loss history, the random states and the text's
fingerprint. The recipe itself is the notebooks' `train`'s, from `minillm_helpers.recipe`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import torch

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.checkpoint import CheckpointError, save_training_checkpoint
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.recipe import Recipe, build_recipe
from minillm_helpers.training import TrainingHistory


def random_states(device) -> dict:
    """This process's random state: the CPU generator's, and CUDA's where it runs on CUDA
    (dropout draws there)."""
    states = {"torch": torch.get_rng_state()}
    if torch.device(device).type == "cuda":
        states["cuda"] = torch.cuda.get_rng_state(device)
    return states


def restore_random_states(states: dict, device) -> None:
    torch.set_rng_state(states["torch"])
    if torch.device(device).type == "cuda" and "cuda" in states:
        torch.cuda.set_rng_state(states["cuda"], device)


@dataclass
class TrainingState:
    """Everything a run needs to continue exactly where it stopped."""

    model: GPT  # the weights the optimizer trains
    recipe: Recipe  # the optimizers, their schedules, the moving average of the weights
    batch_generator: torch.Generator  # which windows come next (drawn on the CPU, shared)
    text_sha256: str | None = None  # the fingerprint of the text it trains on
    step: int = 0
    history: TrainingHistory = field(default_factory=TrainingHistory)

    @classmethod
    def new(cls, settings, vocab_size: int, device, rank: int = 0, text_sha256=None):
        torch.manual_seed(settings.seed)  # the same initial weights in every process
        model = GPT(GPTConfig(vocab_size=vocab_size, **settings.model_fields())).to(device)
        if not settings.fused_attention:  # the notebooks' written-out attention
            keep_attention_weights(model)
        s = settings  # warm-up, then cosine decay from learning_rate to min_learning_rate
        recipe = build_recipe(model, steps=s.steps, learning_rate=s.learning_rate,
                              weight_decay=s.weight_decay,
                              muon_learning_rate=s.muon_learning_rate or None,
                              warmup_steps=s.warmup_steps,
                              final_rate=s.min_learning_rate / s.learning_rate,
                              ema_decay=s.ema_decay)
        torch.manual_seed(settings.seed + rank)  # each process its own dropout
        return cls(model, recipe, torch.Generator().manual_seed(settings.seed), text_sha256)

    @property
    def evaluated(self) -> GPT:
        """The model that is evaluated, saved and sampled: the averaged weights, if kept."""
        return self.recipe.evaluated

    def save(self, folder, tokenizer, settings, process_states: list[dict]) -> None:
        """Write the checkpoint; `process_states`: every process's random_states()."""
        rng = {"batches": self.batch_generator.get_state(), "processes": process_states}
        save_training_checkpoint(
            folder, self.evaluated, tokenizer, self.recipe, self.step, settings.to_dict(),
            rng, asdict(self.history),
            training_model=self.model if self.evaluated is not self.model else None,
            text_sha256=self.text_sha256,
        )

    def restore(self, checkpoint: dict, where, rank: int = 0, device="cpu") -> None:
        """Load what `save` wrote; a part that does not fit is a CheckpointError."""
        known = {f.name for f in fields(TrainingHistory)}
        try:
            self.model.load_state_dict(checkpoint.get("training_model", checkpoint["model"]))
            if self.recipe.averaged is not None:
                self.evaluated.load_state_dict(checkpoint["model"])
            self.recipe.load_state_dict(checkpoint["optimizer"])
            rng = checkpoint["rng"]
            self.batch_generator.set_state(rng["batches"])
            if rank < len(rng["processes"]):  # a run resumed on more processes seeds the new ones
                restore_random_states(rng["processes"][rank], device)
            history = checkpoint["history"]
            self.history = TrainingHistory(**{k: list(history[k]) for k in known & set(history)})
            self.step = int(checkpoint["step"])
        except (KeyError, TypeError, ValueError, RuntimeError):
            raise CheckpointError(
                f"The checkpoint in {where} is damaged: its training state does not fit the "
                "model its settings describe."
            ) from None
