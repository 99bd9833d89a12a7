"""Input checks that the concept functions call in one line.

A notebook shows the idea; the questions "is this a tensor of the right shape?", "is
this a whole number?" live here, so the reader of a concept function sees one line
(`check_...(...)`) instead of ten. No concept code lives here.

The checks are made of three primitives, check_int, check_number and check_tensor, and
keep one policy: a value of the wrong kind raises InputTypeError (a TypeError), a value
that cannot work InputError (a ValueError), and the message names the argument, the
value and the fix. Both are MinillmErrors: the `minillm` command catches those, while a
bug's own TypeError keeps its traceback. tests/test_checks.py and each stage's tests
prove it.
"""

from __future__ import annotations

import math
import numbers
import operator

import torch

# --- the errors and the three primitives -------------------------------------------------


class MinillmError(Exception):
    """Mixed into every error a check raises: `except MinillmError` catches bad input only."""


class InputError(MinillmError, ValueError):
    """A value of the right kind that cannot work: too small, empty, the wrong shape."""


class InputTypeError(MinillmError, TypeError):
    """A value of the wrong kind: a float where a whole number goes, a list for a tensor."""


# Named as the built-ins they are: notebook 01 prints type(error).__name__ ("ValueError: ...").
InputError.__name__, InputTypeError.__name__ = "ValueError", "TypeError"


def fail(error: type, message: str, fix: str = "") -> None:
    """Raise `error` with the message, then ": fix." (what to do instead)."""
    raise error(f"{message}: {fix}." if fix else f"{message}.") from None


def check_int(name: str, value, minimum: int = 1, maximum: int | None = None, fix: str = ""):
    """`value` as an int: a whole number (int, numpy integer, one-element integer tensor, not a
    bool) from minimum to maximum (None: no limit). With name "" the message is the rule."""
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


DTYPES = {"float": (torch.float16, torch.bfloat16, torch.float32, torch.float64),
          "integer": (torch.int64, torch.int32), "torch.long": (torch.long,),
          "boolean": (torch.bool,)}  # the kinds check_tensor knows, by their word


def check_tensor(name: str, value, kind: str | None = None, dims=None, fix: str = ""):
    """`value` is a tensor with a dtype of `kind` (a key of DTYPES; None: any) and the shape
    `dims` (None: any): a name for any size, an int for that size, ... first for any
    leading dimensions, e.g. ("batch", "tokens", 64) or (..., "tokens", "width").

    >>> check_tensor("x", torch.zeros(2, 3), "float", ("batch", "tokens", 64))
    Traceback (most recent call last):
    minillm_helpers.checks.InputError: x must have shape (batch, tokens, 64), got (2, 3).
    """
    if not torch.is_tensor(value) or (kind and value.dtype not in DTYPES[kind]):
        got = f"a {value.dtype} tensor" if torch.is_tensor(value) else type(value).__name__
        what = f"{'an' if kind == 'integer' else 'a'} {kind} tensor" if kind else "a tensor"
        fail(InputTypeError, f"{name} must be {what}, got {got}", fix)
    if dims is not None:
        sizes = [d for d in dims if d is not ...]
        rank_fits = value.dim() >= len(sizes) if ... in dims else value.dim() == len(sizes)
        pairs = zip(sizes[::-1], value.shape[::-1], strict=False)  # lined up from the right
        if not (rank_fits and all(isinstance(d, str) or d == n for d, n in pairs)):
            shown = ", ".join("..." if d is ... else str(d) for d in dims)
            fail(InputError, f"{name} must have shape ({shown}), got {tuple(value.shape)}", fix)
    return value


# --- notebook 01: the tokenizer ---------------------------------------------------------


def require_text(value, what: str) -> None:
    """A friendly TypeError for anything that is not a str (bytes, numbers, lists...)."""
    if not isinstance(value, str):
        fail(InputTypeError, f"{what} must be a str, got {type(value).__name__}. Pass text, "
             "e.g. 'hello'; decode bytes first with data.decode('utf-8')")


def check_training_units(vocabulary: list) -> None:
    """A vocabulary built from a training text needs at least one unit."""
    if not vocabulary:
        fail(InputError, "The training text is empty, so there is nothing to build a vocabulary "
             "from", "pass a text with at least one character")


def check_vocabulary(vocabulary: list) -> None:
    """A vocabulary is a non-empty list of distinct, non-empty strings."""
    if not vocabulary:
        fail(InputError, "The vocabulary is empty", "give at least one unit")
    for unit in vocabulary:
        if not isinstance(unit, str) or not unit:
            error = InputError if isinstance(unit, str) else InputTypeError
            fail(error, f"Vocabulary units must be non-empty strings, got {unit!r}")
    repeated = sorted({unit for unit in vocabulary if vocabulary.count(unit) > 1})
    if repeated:
        fail(InputError, f"The vocabulary lists {repeated!r} more than once", "one ID per unit")


def check_decodable_ids(ids, vocab_size: int) -> list[int]:
    """IDs to decode as plain ints: whole numbers (int, numpy or tensor) from 0 to vocab_size-1."""
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        fail(InputTypeError, f"decode() takes a list of integer IDs, got {type(ids).__name__}")
    checked = []
    for position, token_id in enumerate(ids):
        try:
            checked.append(check_int("ID", token_id, 0, vocab_size - 1))
        except InputTypeError:
            fail(InputTypeError, f"ID {token_id!r} at position {position} is not a whole number",
                 "decode() takes integer IDs such as [2, 1]")
        except InputError:
            fail(InputError, f"ID {operator.index(token_id)} at position {position} is outside "
                 f"the vocabulary: valid IDs are 0 to {vocab_size - 1}. Decode with the "
                 "tokenizer that produced the IDs")
    return checked


def check_saved_tokenizer(data, kinds) -> None:
    """A saved tokenizer is a dict whose "kind" names one of `kinds` ("char", "word")."""
    if not isinstance(data, dict) or data.get("kind") not in kinds:
        fail(InputError if isinstance(data, dict) else InputTypeError, "Not a saved minillm "
             f"tokenizer: expected a dict with a kind in {sorted(kinds)}, got "
             f"{data.get('kind') if isinstance(data, dict) else type(data).__name__!r}",
             "pass what Tokenizer.to_dict() returned")


# --- notebook 02: embeddings ------------------------------------------------------------


def check_sizes(**sizes) -> None:
    """check_int for each name=value given, e.g. check_sizes(vocab_size=116, width=128)."""
    for name, value in sizes.items():
        check_int(name, value)


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
             f"valid IDs are 0 to {vocab_size - 1}. Encode text with the tokenizer the table or "
             "model was built for")
    return ids.long()


def check_table(table) -> None:
    """An embedding table is a 2-D float tensor: one row per token, one column per feature."""
    check_tensor("The table", table, "float", ("vocab_size", "width"))


def check_vectors(a, b) -> tuple[torch.Tensor, torch.Tensor]:
    """Two (stacks of) vectors as float tensors of the same width, none of them all zeros."""
    try:
        a, b = torch.as_tensor(a).float(), torch.as_tensor(b).float()
    except (TypeError, ValueError, RuntimeError):
        fail(InputTypeError, f"cosine_similarity compares vectors, got {a!r} and {b!r}",
             "pass lists or tensors of numbers")
    if a.dim() == 0 or b.dim() == 0 or a.shape[-1] != b.shape[-1]:
        fail(InputError, "cosine_similarity needs vectors of the same width, got shapes "
             f"{tuple(a.shape)} and {tuple(b.shape)}")
    if (a.norm(dim=-1) == 0).any() or (b.norm(dim=-1) == 0).any():
        fail(InputError, "A vector of all zeros has no direction, so it has no cosine similarity")
    return a, b


def check_id_sequence(ids, context: int) -> torch.Tensor:
    """A 1-D list of more than `context` token IDs, as a tensor, to cut examples from."""
    check_int("context", context)
    ids = torch.as_tensor(ids)
    if ids.dim() != 1 or len(ids) <= context:
        fail(InputError, f"Need a 1-D list of more than {context} token IDs to cut examples "
             f"from, got shape {tuple(ids.shape)}")
    return ids


def check_contexts(contexts, context: int) -> None:
    """A batch of contexts for the next-word model: IDs of shape (examples, context)."""
    check_tensor("contexts", contexts, "integer", ("examples", context))


def check_neighbour_query(word: str, vocabulary: list, table, k) -> None:
    """nearest_neighbours' inputs: a table row per word, a known word, 1 <= k < vocabulary."""
    check_table(table)
    if table.shape[0] != len(vocabulary):
        fail(InputError, f"The table has {table.shape[0]} rows but the vocabulary has "
             f"{len(vocabulary)} words", "pass the table and the vocabulary of the same tokenizer")
    if not isinstance(word, str) or word not in vocabulary:
        fail(InputError if isinstance(word, str) else InputTypeError, f"{word!r} is not in the "
             f"vocabulary ({len(vocabulary)} words)", "pick one of them (the notebook's "
             "vocabulary is lowercase)")
    check_int("k", k, 1, len(vocabulary) - 1)


# --- notebook 03: positions -------------------------------------------------------------


def require_sizes(num_positions, width) -> None:
    """Both sizes must be whole numbers of at least 1; say which one is wrong and why."""
    for name, value in (("num_positions", num_positions), ("width", width)):
        check_int(name, value, fix="a sequence needs positions, and each position needs a vector")


def check_base(base) -> None:
    """The base of the sinusoidal frequencies: a finite number above 1 (usually 10000)."""
    check_number("base", base, above=1, fix="the usual one is 10000")


# --- notebook 05: the training loop (minillm_helpers/training.py) -----------------------


def check_data(data, context_length: int, what: str = "the data") -> None:
    """Raise a clear error unless data is a 1-D tensor of token IDs longer than the context."""
    check_int("context_length", context_length)
    check_tensor(what, data, "torch.long", ("tokens",), fix="token IDs in one row: "
                 "torch.tensor(tokenizer.encode(text)), or data.long()")
    if len(data) < context_length + 1:
        fail(InputError, f"{what} has {len(data)} tokens, too short for a context of "
             f"{context_length}: it needs at least {context_length + 1} (the window plus its "
             "next token)", "use more text or a shorter context")


def check_model_data(model, data, context_length: int, what="the data", **counts) -> None:
    """Data for a model (train, estimate_loss): longer than the context, IDs in the model's
    vocabulary (read once here, where they enter, not in every forward), counts >= 1."""
    check_data(data, context_length, what)
    if hasattr(getattr(model, "config", None), "vocab_size"):
        check_ids(data, model.config.vocab_size)
    for name, value in counts.items():
        check_int(name, value)


def check_training(model, train_data, val_data, context_length, learning_rate, **counts):
    """train()'s inputs: data for the model (check_model_data; context_length None: the
    model's), counts (steps=...; eval_every may be None) >= 1, a positive learning rate."""
    if context_length is None:
        if not hasattr(model, "config"):
            fail(InputTypeError, "Pass context_length=...: the model has no .config to read it")
        context_length = model.config.context_length
    for what, data in (("the training data", train_data), ("the validation data", val_data)):
        if data is not None:
            check_model_data(model, data, context_length, what)
    for name, value in counts.items():
        if value is not None or name != "eval_every":
            check_int(name, value)
    check_number("learning_rate", learning_rate, above=0)


def check_recipe(muon_learning_rate, warmup_steps, final_rate, ema_decay) -> None:
    """train()'s recipe settings: a positive Muon rate (or None), a warm-up of 0 or more
    steps, a final rate from 0 to 1 times the peak, a moving-average decay in [0, 1)."""
    if muon_learning_rate is not None:
        check_number("muon_learning_rate", muon_learning_rate, above=0, fix="None: AdamW only")
    check_int("warmup_steps", warmup_steps, 0)
    check_number("final_rate", final_rate, at_least=0, at_most=1, fix="1 keeps the rate")
    check_number("ema_decay", ema_decay, at_least=0, below=1, fix="0 turns averaging off")


def check_model_output(output, step: int) -> None:
    """A model's forward(ids, targets) returns (logits, loss) with a finite scalar loss."""
    loss = output[1] if isinstance(output, tuple) and len(output) == 2 else None
    if not (torch.is_tensor(loss) and loss.dim() == 0):
        fail(InputTypeError, "model(ids, targets) must return (logits, loss) with a scalar loss")
    if not torch.isfinite(loss):
        fail(InputError, f"The loss became {loss.item()} at step {step}", "lower learning_rate")


def check_batch_request(data, batch_size: int, context_length: int) -> None:
    """get_batch's inputs: token IDs longer than the context, and at least one window."""
    check_data(data, context_length)
    check_int("batch_size", batch_size)


# --- notebooks 04-06: attention, the causal mask, the model, sampling --------------------


def check_attention_sizes(width, num_heads, owner: str = "") -> None:
    """width and num_heads are whole numbers >= 1 and every head gets the same slice;
    owner ("GPTConfig.") prefixes the names in the messages."""
    check_int(f"{owner}width", width)
    check_int(f"{owner}num_heads", num_heads)
    if width % num_heads != 0:
        fail(InputError, f"{owner}width {width} is not divisible by num_heads {num_heads}: each "
             "head gets width // num_heads dimensions", "pick a multiple of the heads")


def check_attention_inputs(query, key, value, mask=None) -> None:
    """query, key, value (and a boolean mask) that can be attended together."""
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        check_tensor(name, tensor, None, (..., "tokens", "width"))
    if query.shape[-1] != key.shape[-1]:
        fail(InputError, "query and key must have the same width to be compared (dot product), "
             f"got query width {query.shape[-1]} and key width {key.shape[-1]}")
    if key.shape[-2] != value.shape[-2]:
        fail(InputError, "key and value must have one row per token of the same sequence, got "
             f"{key.shape[-2]} keys and {value.shape[-2]} values")
    if mask is not None:
        check_tensor("mask", mask, "boolean", fix="True where attending is allowed (mask.bool())")
        scores_shape = (*query.shape[:-1], key.shape[-2])  # (..., T_q, T_k)
        extra = len(scores_shape) - mask.dim()  # broadcasting lines the shapes up from the right
        if extra < 0 or any(
            m not in (1, s) for m, s in zip(mask.shape, scores_shape[extra:], strict=True)
        ):
            fail(InputError, f"mask of shape {tuple(mask.shape)} does not fit the attention "
                 f"scores of shape {scores_shape} (one entry per query token and key token)")


def check_layer_input(x, width: int) -> None:
    """A layer's input is a float tensor of shape (batch, tokens, width)."""
    check_tensor("x", x, None, ("batch", "tokens", width))


def check_mask_length(length) -> None:
    """A causal mask's length is a whole number (int, numpy or tensor) of at least 1."""
    check_int("length", length, fix="the number of tokens, one row of the mask per token")


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


def check_sampling_settings(temperature=1.0, top_k=None, top_p=None, max_new_tokens=0) -> None:
    """Raise a clear error for a setting that cannot work; do nothing when all are fine."""
    check_number("temperature", temperature, at_least=0, fix="0 picks the most likely token, 1 "
                 "samples the model's own probabilities, larger values flatten them")
    if top_k is not None:
        check_int("top_k", top_k, fix="the k likeliest tokens are kept (None keeps all)")
    if top_p is not None:
        check_number("top_p", top_p, above=0, at_most=1, fix="the likeliest tokens that reach "
                     "probability p are kept (None keeps all)")
    check_int("max_new_tokens", max_new_tokens, 0, fix="how many tokens to add")


def check_logits(logits) -> None:
    """Scores to sample from: a float tensor of shape (vocab,) or (batch, vocab), each row with
    a finite top score (no NaN, no +inf, not all -inf: else no token can be drawn)."""
    check_tensor("logits", logits, "float", (..., "vocab"))
    top = logits.detach().amax(-1)  # NaN if a score is, +inf if one is, -inf if all are -inf
    if not bool(torch.isfinite(top).all()):
        what = ("NaN" if logits.isnan().any() else "+inf" if logits.isposinf().any()
                else "a row of only -inf")
        fail(InputError, f"The scores (logits) hold {what}, so no token can be drawn from them",
             "the model's weights have probably diverged: train it again with a lower learning "
             "rate (or load an earlier checkpoint)")


def check_prompt(ids, model=None) -> None:
    """A prompt to continue has at least one token ID, each in the model's vocabulary."""
    if len(ids) == 0:
        fail(InputError, "The prompt is empty: give at least one prompt token ID; the model "
             "predicts what comes after it")
    if hasattr(getattr(model, "config", None), "vocab_size"):
        check_ids(ids, model.config.vocab_size)


def check_generation(ids, max_new_tokens, temperature, top_k, top_p, past_context, model=None):
    """generate()'s inputs: a prompt, workable sampling settings, a known past_context."""
    from minillm_helpers.sampling import PAST_CONTEXT_CHOICES  # sampling's own (it imports us)

    check_prompt(ids, model)
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    if past_context not in PAST_CONTEXT_CHOICES:
        fail(InputError, f"past_context must be one of {PAST_CONTEXT_CHOICES}, got "
             f"{past_context!r}")


# --- notebook 07: the bigram baseline (minillm_helpers/bigram.py) -----------------------


def check_bigram_ids(ids, vocab_size: int) -> torch.Tensor:
    """A 1-D sequence of at least two token IDs from 0 to vocab_size - 1, as a long tensor."""
    check_int("vocab_size", vocab_size)
    ids = check_ids(ids, vocab_size)
    if ids.dim() != 1 or len(ids) < 2:
        fail(InputError, "A bigram needs a 1-D sequence of at least two token IDs (a token and "
             f"the one after it), got shape {tuple(ids.shape)}",
             "pass torch.tensor(tokenizer.encode(text))")
    return ids


def check_bigram_table(probs) -> None:
    """Bigram probabilities: a square float tensor, one row per current token."""
    fix = "pass the (vocab_size, vocab_size) float tensor that bigram_probabilities() returns"
    check_tensor("probs", probs, "float", ("vocab_size", "vocab_size"), fix)
    if probs.shape[0] != probs.shape[1]:
        fail(InputError, f"probs must be square, got shape {tuple(probs.shape)}", fix)
