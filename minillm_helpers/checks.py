"""Input checks where a person's input enters (the tokenizer, get_batch, train, GPTConfig,
generate); layers trust the tensors the package built. A value of the wrong kind raises
InputTypeError, one that cannot work InputError, naming the argument, the value and the fix."""

from __future__ import annotations

import math
import numbers
import operator

import torch


class MinillmError(Exception):
    """Mixed into every error a check raises: `except MinillmError` catches bad input only."""


class InputError(MinillmError, ValueError):
    """A value of the right kind that cannot work: too small, empty, the wrong shape."""


class InputTypeError(MinillmError, TypeError):
    """A value of the wrong kind: a float where a whole number goes, a list for a tensor."""


def fail(error: type, message: str, fix: str = "") -> None:
    """Raise `error` with the message, then ": fix." (what to do instead)."""
    raise error(f"{message}: {fix}." if fix else f"{message}.") from None


# --- the primitives ------------------------------------------------------------------------


def check_int(name: str, value, minimum: int = 1, maximum: int | None = None, fix: str = ""):
    """`value` as an int (numpy and one-element tensors too, not a bool) from minimum to
    maximum (None: no limit). With name "" the message is the rule alone."""
    try:
        number = None if isinstance(value, bool) else operator.index(value)
    except TypeError:
        number = None
    if number is None:
        fail(InputTypeError, f"{name} must be a whole number (an int), got {value!r} of type "
             f"{type(value).__name__}".lstrip(), fix)
    if number < minimum or (maximum is not None and number > maximum):
        limits = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        fail(InputError, f"{name} must be {limits}, got {number}".lstrip(), fix)
    return number


COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def check_number(name: str, value, *, above=None, at_least=None, below=None, at_most=None,
                 fix: str = ""):
    """`value` is a finite real number (not a bool) within the bounds given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(InputTypeError, f"{name} must be a number, got {value!r} of type "
             f"{type(value).__name__}", fix)
    given = zip(COMPARE, (above, at_least, below, at_most), strict=True)
    bounds = {sign: bound for sign, bound in given if bound is not None}
    if not (math.isfinite(value) and all(COMPARE[s](value, b) for s, b in bounds.items())):
        if len(bounds) == 2:  # a lower and an upper end: an interval such as (0, 1]
            (low_sign, low), (high_sign, high) = bounds.items()
            limits = f"in {'[('[low_sign == '>']}{low}, {high}{'])'[high_sign == '<']}"
        else:
            limits = " ".join(["a finite number", *(f"{s} {b}" for s, b in bounds.items())])
        fail(InputError, f"{name} must be {limits}, got {value!r}", fix)
    return value


def check_choice(name: str, value, choices, fix: str = "") -> None:
    """`value` is one of `choices` (listed in the message when there are few)."""
    if value not in choices:
        listed = tuple(choices) if len(choices) <= 10 else f"the {len(choices)} known ones"
        fail(InputError, f"{name} must be one of {listed}, got {value!r}", fix)


def check_tensor(name: str, value, kind: str | None = None, rank: int | None = None, fix: str = ""):
    """`value` is a tensor, of a "float" or "integer" dtype and `rank` dimensions if given."""
    kinds = {"float": torch.is_floating_point, "integer": lambda t: not (
        t.is_floating_point() or t.is_complex() or t.dtype == torch.bool)}
    if not torch.is_tensor(value) or (kind and not kinds[kind](value)):
        got = f"a {value.dtype} tensor" if torch.is_tensor(value) else type(value).__name__
        fail(InputTypeError, f"{name} must be {'an' if kind == 'integer' else 'a'} "
             f"{kind or ''} tensor, got {got}".replace("  ", " "), fix)
    if rank is not None and value.dim() != rank:
        fail(InputError, f"{name} must have {rank} dimension(s), got shape "
             f"{tuple(value.shape)}", fix)
    return value


def check_ids(ids, vocab_size: int) -> torch.Tensor:
    """Token IDs as a long tensor, each one checked to name a row of the table (or model)."""
    try:
        ids = torch.as_tensor(ids)
    except (TypeError, ValueError, RuntimeError):
        fail(InputTypeError, f"Token IDs must be whole numbers, got {ids!r}")
    if ids.numel() and (ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool):
        fail(InputTypeError, f"Token IDs must be whole numbers, got dtype {ids.dtype}",
             "use .long()")
    outside = ((ids < 0) | (ids >= vocab_size)).nonzero()
    if len(outside):
        where = tuple(outside[0].tolist())
        place = where[0] if len(where) == 1 else where
        fail(InputError, f"ID {int(ids[where])} at position {place} is outside the vocabulary: "
             f"valid IDs are 0 to {vocab_size - 1}. Use IDs from the tokenizer the table or model "
             "was built for")
    return ids.long()


# --- the tokenizer (notebook 01) -----------------------------------------------------------


def check_text(value, what: str) -> None:
    """A friendly TypeError for anything that is not a str (bytes, numbers, lists...)."""
    if not isinstance(value, str):
        fail(InputTypeError, f"{what} must be a str, got {type(value).__name__}. Pass text, "
             "e.g. 'hello'; decode bytes first with data.decode('utf-8')")


def check_vocabulary(vocabulary: list, source: str = "The vocabulary") -> None:
    """A vocabulary is a non-empty list of distinct, non-empty strings."""
    if not vocabulary:
        fail(InputError, f"{source} is empty", "give at least one unit")
    for unit in vocabulary:
        if not isinstance(unit, str) or not unit:
            error = InputError if isinstance(unit, str) else InputTypeError
            fail(error, f"Vocabulary units must be non-empty strings, got {unit!r}")
    repeated = sorted({unit for unit in vocabulary if vocabulary.count(unit) > 1})
    if repeated:
        fail(InputError, f"The vocabulary lists {repeated!r} more than once", "one ID per unit")


def unseen_units(tokenizer, text: str, most: int = 10) -> str:
    """The units of `text` the tokenizer cannot encode, as "'Z', 'é'" (the first `most`, then
    "and N more"); "" when it knows them all or has an unknown token to stand in for them."""
    unseen = [] if tokenizer.unknown is not None else list(dict.fromkeys(
        u for u in tokenizer.split(text) if u not in tokenizer.unit_to_id))
    more = f" and {len(unseen) - most} more" if len(unseen) > most else ""
    return ", ".join(map(repr, unseen[:most])) + more


# --- the model, training and generation (notebooks 05-07) ----------------------------------


def check_gpt_config(config) -> None:
    """GPTConfig's sizes are whole numbers >= 1, width splits into the heads, 0 <= dropout < 1."""
    for name in ("vocab_size", "context_length", "width", "num_heads", "num_layers"):
        check_int(f"GPTConfig.{name}", getattr(config, name))
    if config.width % config.num_heads:
        fail(InputError, f"GPTConfig.width {config.width} is not divisible by num_heads "
             f"{config.num_heads}: each head gets width // num_heads dimensions",
             "pick a multiple of the heads")
    check_number("GPTConfig.dropout", config.dropout, at_least=0, below=1)


def check_data(data, context_length: int, what: str = "the data", model=None) -> None:
    """Token IDs in one row, longer than the context, each in the model's vocabulary."""
    check_int("context_length", context_length)
    if isinstance(data, tuple):  # (ids, targets) of one length; a target of -100 is not learned
        if len(data) != 2 or not all(torch.is_tensor(t) and t.shape == data[0].shape for t in data):
            fail(InputError, f"{what} as a pair must be (ids, targets), tensors of one length")
        data = data[0]  # the targets come from conversation_targets, in the vocabulary
    check_tensor(what, data, "integer", 1, fix="token IDs in one row: "
                 "torch.tensor(tokenizer.encode(text))")
    if len(data) < context_length + 1:
        fail(InputError, f"{what} has {len(data)} tokens, too short for a context of "
             f"{context_length}: it needs at least {context_length + 1} (the window plus its "
             "next token)", "use more text or a shorter context")
    if hasattr(getattr(model, "config", None), "vocab_size"):
        check_ids(data, model.config.vocab_size)


def check_training(model, train_data, val_data, context_length, learning_rate, **counts):
    """train()'s inputs: data for the model, counts >= 1 (eval_every may be None), a rate > 0."""
    if context_length is None:
        if not hasattr(model, "config"):
            fail(InputTypeError, "Pass context_length=...: the model has no .config to read it")
        context_length = model.config.context_length
    for what, data in (("the training data", train_data), ("the validation data", val_data)):
        if data is not None:
            check_data(data, context_length, what, model)
    for name, value in counts.items():
        if value is not None or name != "eval_every":
            check_int(name, value)
    check_number("learning_rate", learning_rate, above=0)


def check_recipe(muon_learning_rate, warmup_steps, final_rate, ema_decay) -> None:
    """train()'s recipe settings (muon_learning_rate None: AdamW alone)."""
    if muon_learning_rate is not None:
        check_number("muon_learning_rate", muon_learning_rate, above=0, fix="None: AdamW only")
    check_int("warmup_steps", warmup_steps, 0)
    check_number("final_rate", final_rate, at_least=0, at_most=1, fix="1 keeps the rate")
    check_number("ema_decay", ema_decay, at_least=0, below=1, fix="0 turns averaging off")


def check_loss(loss, step: int) -> None:
    """A training step's loss is finite (else the weights have diverged)."""
    if not torch.isfinite(loss):
        fail(InputError, f"The loss became {loss.item()} at step {step}", "lower learning_rate")


def check_sampling_settings(temperature=1.0, top_k=None, top_p=None, max_new_tokens=0) -> None:
    """generate()'s settings."""
    check_number("temperature", temperature, at_least=0, fix="0 picks the most likely token, 1 "
                 "samples the model's own probabilities, larger values flatten them")
    if top_k is not None:
        check_int("top_k", top_k, fix="the k likeliest tokens are kept (None keeps all)")
    if top_p is not None:
        check_number("top_p", top_p, above=0, at_most=1, fix="the likeliest tokens that reach "
                     "probability p are kept (None keeps all)")
    check_int("max_new_tokens", max_new_tokens, 0, fix="how many tokens to add")


def check_prompt(ids, model=None) -> None:
    """A prompt to continue has at least one token ID, each in the model's vocabulary."""
    if len(ids) == 0:
        fail(InputError, "The prompt is empty: give at least one prompt token ID; the model "
             "predicts what comes after it")
    if hasattr(getattr(model, "config", None), "vocab_size"):
        check_ids(ids, model.config.vocab_size)


def check_prompts(prompts, model, max_new_tokens, stop=None) -> None:
    """Greedy writing for a batch of prompts: at least one prompt, each a prompt `check_prompt`
    accepts, a count of new tokens, and a stop token (or None) in the vocabulary."""
    if len(prompts) == 0:
        fail(InputError, "No prompts: give a list of prompts, each a list of token IDs")
    for ids in prompts:
        check_prompt(ids, model)
    check_sampling_settings(max_new_tokens=max_new_tokens)  # the same count as generate()
    if stop is not None:
        check_ids([stop], model.config.vocab_size)
