"""The input checks of notebook 06's model (minillm_helpers/model.py)."""

from __future__ import annotations

from minillm_helpers.checks.attention import check_attention_sizes
from minillm_helpers.checks.core import InputError, check_int, check_number, check_tensor, fail


def check_gpt_config(config) -> None:
    """GPTConfig's sizes are whole numbers >= 1, width splits into the heads, 0 <= dropout < 1."""
    for name in ("vocab_size", "context_length", "num_layers"):
        check_int(f"GPTConfig.{name}", getattr(config, name))
    check_attention_sizes(config.width, config.num_heads, "GPTConfig.")
    check_number("GPTConfig.dropout", config.dropout, at_least=0, below=1)


def check_ids_for_model(ids, config) -> None:
    """ids is a (batch, length) integer tensor that fits the context. Shapes only: the IDs'
    values are checked where they enter (generate, next_token_probabilities, train,
    estimate_loss), since reading them here would make every step wait for a GPU and break
    torch.compile."""
    check_tensor("ids", ids, "integer", ("batch", "length"), "wrap one sequence as "
                 "torch.tensor([ids])")
    if ids.shape[1] == 0:
        fail(InputError, "The sequence is empty", "give at least one token ID")
    if ids.shape[1] > config.context_length:
        fail(InputError, f"The sequence has {ids.shape[1]} tokens but the model's context is "
             f"{config.context_length}", "keep only the last ones (ids[:, -context_length:])")


def check_cached_step(ids, cached: int, config) -> None:
    """With `cached` tokens in the key/value caches, the model reads one new token, in context;
    only a causal model can cache (without the mask, old tokens would see the new ones)."""
    if not config.causal:
        fail(InputError, "A key/value cache needs a causal model (config.causal=True)")
    if ids.shape[1] != 1 or cached >= config.context_length:
        fail(InputError, f"The key/value caches hold {cached} tokens: the model reads one new "
             f"token after them, within its context of {config.context_length}, got "
             f"{ids.shape[1]}", "start new caches with model.use_cache(), or turn them off "
             "with model.use_cache(False)")


def check_targets(targets, ids) -> None:
    """targets are next-token IDs, one for each ID of the input."""
    check_tensor("targets", targets, fix="the next-token IDs, one for each ID of the input")
    if targets.shape != ids.shape:
        fail(InputError, "targets must be a tensor of next-token IDs with the shape of ids "
             f"{tuple(ids.shape)}, got {tuple(targets.shape)}")
