"""Input checks that the concept functions call in one line.

A notebook shows the idea; the questions "is this a tensor of the right shape?", "is
this a whole number?" live here, so the reader of a concept function sees one line
(`check_...(...)`) instead of ten. Every check raises TypeError or ValueError with a
message that says what was wrong and how to fix it; tests/test_checks.py and the
bad-input tests of each stage prove it. No concept code lives here.
"""

from __future__ import annotations

import math
import numbers
import operator

import torch

# --- the errors and the three primitives every check below is made of -------------------


class MinillmError(Exception):
    """Mixed into every error a check raises: `except MinillmError` catches bad input and
    nothing else (a bug's own TypeError keeps its traceback)."""


class InputError(MinillmError, ValueError):
    """A value of the right kind that cannot work: too small, empty, the wrong shape."""


class InputTypeError(MinillmError, TypeError):
    """A value of the wrong kind: a float where a whole number goes, a list for a tensor."""


# Named as the built-ins they are: a notebook prints type(error).__name__ ("ValueError: ...").
InputError.__name__, InputTypeError.__name__ = "ValueError", "TypeError"


def fail(error: type, message: str, fix: str = "") -> None:
    """Raise `error` with the message, then ": fix." (the fix says what to do instead)."""
    raise error(f"{message}: {fix}." if fix else f"{message}.")


def whole_number_problem(value, minimum: int = 1, maximum: int | None = None):
    """None if value is a whole number (int, numpy integer, one-element integer tensor;
    never a bool) from minimum to maximum (None: no limit); else (error class, text).

    >>> whole_number_problem(0)
    (<class 'minillm_helpers.checks.InputError'>, 'must be at least 1, got 0')
    """
    try:
        number = operator.index(value) if not isinstance(value, bool) else None
    except TypeError:
        number = None
    if number is None:
        kind = type(value).__name__
        return InputTypeError, f"must be a whole number (an int), got {value!r} of type {kind}"
    if number < minimum or (maximum is not None and number > maximum):
        limits = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        return InputError, f"must be {limits}, got {number}"
    return None


def check_int(name: str, value, minimum: int = 1, maximum: int | None = None, fix: str = ""):
    """`value` as an int: a whole number from minimum to maximum (None: no limit).

    >>> check_int("width", 64)
    64
    >>> check_int("width", 0, fix="each token needs numbers")
    Traceback (most recent call last):
    minillm_helpers.checks.InputError: width must be at least 1, got 0: each token needs numbers.
    """
    problem = whole_number_problem(value, minimum, maximum)
    if problem:
        fail(problem[0], f"{name} {problem[1]}", fix)
    return operator.index(value)


COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def check_number(name: str, value, *, above=None, at_least=None, below=None, at_most=None,
                 fix: str = ""):
    """`value` is a finite real number (not a bool) within the bounds given.

    >>> check_number("top_p", 1.5, above=0, at_most=1)
    Traceback (most recent call last):
    minillm_helpers.checks.InputError: top_p must be in (0, 1], got 1.5.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        kind = type(value).__name__
        fail(InputTypeError, f"{name} must be a number, got {value!r} of type {kind}", fix)
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


DTYPES = {  # the dtype kinds check_tensor knows, by the word its messages use
    "float": (torch.float16, torch.bfloat16, torch.float32, torch.float64),
    "integer": (torch.int64, torch.int32),
    "torch.long": (torch.long,),
    "boolean": (torch.bool,),
}


def check_tensor(name: str, value, kind: str | None = None, rank: int | None = None, *,
                 min_rank: int = 0, shape: str = "", fix: str = ""):
    """`value` is a tensor of a dtype of `kind` (a key of DTYPES; None: any) with `rank`
    dimensions (None: at least min_rank); `shape` names them in the message.

    >>> check_tensor("table", torch.zeros(3), "float", 2, shape="(vocab_size, width)")
    Traceback (most recent call last):
    minillm_helpers.checks.InputError: table must be 2-D (vocab_size, width), got shape (3,).
    """
    if not torch.is_tensor(value) or (kind and value.dtype not in DTYPES[kind]):
        got = f"a {value.dtype} tensor" if torch.is_tensor(value) else type(value).__name__
        what = f"{'an' if kind == 'integer' else 'a'} {kind} tensor" if kind else "a tensor"
        fail(InputTypeError, f"{name} must be {what}, got {got}", fix)
    if value.dim() < min_rank or (rank is not None and value.dim() != rank):
        dims = f"{rank}-D" if rank is not None else f"at least {min_rank}-D"
        fail(InputError, f"{name} must be {dims}{' ' + shape if shape else ''}, got shape "
             f"{tuple(value.shape)}", fix)  # fmt: skip
    return value


# --- notebook 01: the tokenizer ---------------------------------------------------------


def require_text(value, what: str) -> None:
    """A friendly TypeError for anything that is not a str (bytes, numbers, lists...)."""
    if not isinstance(value, str):
        raise TypeError(
            f"{what} must be a str, got {type(value).__name__}. "
            "Pass text, e.g. 'hello'; decode bytes first with data.decode('utf-8')."
        )


def check_training_units(vocabulary: list) -> None:
    """A vocabulary built from a training text needs at least one unit."""
    if not vocabulary:
        raise ValueError(
            "The training text is empty, so there is nothing to build a vocabulary from: "
            "pass a text with at least one character."
        )


def check_vocabulary(vocabulary: list) -> None:
    """A vocabulary is a non-empty list of distinct, non-empty strings."""
    if not vocabulary:
        raise ValueError("The vocabulary is empty: give at least one unit.")
    for unit in vocabulary:
        if not isinstance(unit, str) or not unit:
            raise TypeError(f"Vocabulary units must be non-empty strings, got {unit!r}.")
    repeated = sorted({unit for unit in vocabulary if vocabulary.count(unit) > 1})
    if repeated:
        raise ValueError(f"The vocabulary lists {repeated!r} more than once: one ID per unit.")


def check_decodable_ids(ids, vocab_size: int) -> list[int]:
    """IDs to decode as plain ints: whole numbers (int, numpy or tensor) from 0 to vocab_size-1."""
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise TypeError(f"decode() takes a list of integer IDs, got {type(ids).__name__}.")
    checked = []
    for position, token_id in enumerate(ids):
        try:
            if isinstance(token_id, bool):
                raise TypeError
            token_id = operator.index(token_id)  # int, numpy integer or one-element int tensor
        except TypeError:
            raise TypeError(
                f"ID {token_id!r} at position {position} is not a whole number: "
                "decode() takes integer IDs such as [2, 1]."
            ) from None
        if not 0 <= token_id < vocab_size:
            raise ValueError(
                f"ID {token_id} at position {position} is outside the vocabulary: "
                f"valid IDs are 0 to {vocab_size - 1}. Decode with the tokenizer "
                "that produced the IDs."
            )
        checked.append(token_id)
    return checked


def check_saved_tokenizer(data, kinds) -> None:
    """A saved tokenizer is a dict whose "kind" names one of `kinds` ("char", "word")."""
    if not isinstance(data, dict) or data.get("kind") not in kinds:
        raise ValueError(f"Not a saved minillm tokenizer: expected a kind in {sorted(kinds)}.")


# --- notebook 02: embeddings ------------------------------------------------------------


def check_size(name: str, value) -> None:
    """Sizes (vocabulary, width, context) are whole numbers of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")


def check_sizes(**sizes) -> None:
    """check_size for each name=value given, e.g. check_sizes(vocab_size=116, width=128)."""
    for name, value in sizes.items():
        check_size(name, value)


def check_ids(ids, vocab_size: int) -> torch.Tensor:
    """Token IDs as an integer tensor, each one checked to name a row of the table."""
    try:
        ids = torch.as_tensor(ids)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"Token IDs must be whole numbers, got {ids!r}.") from None
    if ids.numel() == 0:
        return ids.long()
    if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
        raise TypeError(f"Token IDs must be whole numbers, got dtype {ids.dtype}; use .long().")
    outside = ((ids < 0) | (ids >= vocab_size)).nonzero()
    if len(outside):
        where = tuple(outside[0].tolist())
        raise ValueError(
            f"ID {int(ids[where])} at position {where[0] if len(where) == 1 else where} is "
            f"outside the vocabulary: valid IDs are 0 to {vocab_size - 1}."
        )
    return ids.long()


def check_table(table) -> None:
    """An embedding table is a 2-D float tensor: one row per token, one column per feature."""
    if not torch.is_tensor(table) or not table.is_floating_point():
        raise TypeError(f"The table must be a float tensor, got {type(table).__name__}.")
    if table.dim() != 2:
        raise ValueError(
            f"The table must be 2-D (vocab_size, width), got shape {tuple(table.shape)}."
        )


def check_vectors(a, b) -> tuple[torch.Tensor, torch.Tensor]:
    """Two (stacks of) vectors as float tensors of the same width, none of them all zeros."""
    a, b = torch.as_tensor(a).float(), torch.as_tensor(b).float()
    if a.dim() == 0 or b.dim() == 0 or a.shape[-1] != b.shape[-1]:
        raise ValueError(
            "cosine_similarity needs vectors of the same width, got shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )
    if (a.norm(dim=-1) == 0).any() or (b.norm(dim=-1) == 0).any():
        raise ValueError("A vector of all zeros has no direction, so it has no cosine similarity.")
    return a, b


def check_id_sequence(ids, context: int) -> torch.Tensor:
    """A 1-D list of more than `context` token IDs, as a tensor, to cut examples from."""
    check_size("context", context)
    ids = torch.as_tensor(ids)
    if ids.dim() != 1 or len(ids) <= context:
        raise ValueError(
            f"Need a 1-D list of more than {context} token IDs to cut examples from, "
            f"got shape {tuple(ids.shape)}."
        )
    return ids


def check_contexts(contexts: torch.Tensor, context: int) -> None:
    """A batch of contexts for the next-word model: IDs of shape (examples, context)."""
    if contexts.dim() != 2 or contexts.shape[1] != context:
        raise ValueError(
            f"Expected IDs of shape (examples, {context}), got {tuple(contexts.shape)}."
        )


def check_neighbour_query(word: str, vocabulary: list, table, k) -> None:
    """nearest_neighbours' inputs: a table row per word, a known word, 1 <= k < vocabulary."""
    check_table(table)
    if table.shape[0] != len(vocabulary):
        raise ValueError(
            f"The table has {table.shape[0]} rows but the vocabulary has {len(vocabulary)} "
            "words: pass the table and the vocabulary of the same tokenizer."
        )
    if word not in vocabulary:
        raise ValueError(
            f"{word!r} is not in the vocabulary ({len(vocabulary)} words); pick one of them "
            "(the notebook's vocabulary is lowercase)."
        )
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < len(vocabulary):
        raise ValueError(f"k must be a whole number from 1 to {len(vocabulary) - 1}, got {k!r}.")


# --- notebook 03: positions -------------------------------------------------------------


def require_sizes(num_positions, width) -> None:
    """Both sizes must be whole numbers of at least 1; say which one is wrong and why."""
    for name, value in (("num_positions", num_positions), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be a whole number (an int), got {value!r}.")
        if value < 1:
            raise ValueError(
                f"{name} must be at least 1, got {value}: "
                "a sequence needs positions, and each position needs a vector."
            )


def check_base(base) -> None:
    """The base of the sinusoidal frequencies: a finite number above 1 (usually 10000)."""
    if isinstance(base, bool) or not isinstance(base, (int, float)) or not base > 1:
        raise ValueError(f"base must be a number above 1, got {base!r}: the usual one is 10000.")
    if math.isinf(base):
        raise ValueError("base must be finite: the usual one is 10000.")


# --- notebook 05: the training loop (minillm_helpers/training.py) -----------------------


def require_count(name: str, value) -> None:
    """Raise a clear error unless value is a whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}.")


def check_data(data, context_length: int, what: str = "the data") -> None:
    """Raise a clear error unless data is a 1-D tensor of token IDs longer than the context."""
    require_count("context_length", context_length)
    if not torch.is_tensor(data) or data.dim() != 1:
        raise TypeError(
            f"{what} must be a 1-D tensor of token IDs, "
            "e.g. torch.tensor(tokenizer.encode(text))."
        )
    if data.dtype != torch.long:
        raise TypeError(
            f"{what} holds {data.dtype} values, but token IDs must be whole numbers of "
            "type torch.long: use torch.tensor(ids) or data.long()."
        )
    if len(data) < context_length + 1:
        raise ValueError(
            f"{what} has {len(data)} tokens, too short for a context of {context_length}: "
            f"it needs at least {context_length + 1} (the window plus its next token). "
            "Use more text or a shorter context."
        )


def check_training(model, train_data, val_data, context_length, learning_rate, **counts) -> None:
    """train()'s inputs: data longer than the context (read from model.config when None),
    counts (steps=..., batch_size=...; None allowed for eval_every) of at least 1, and a
    positive, finite learning rate."""
    if context_length is None:
        if not hasattr(model, "config"):
            raise TypeError("Pass context_length=...: the model has no .config to read it from.")
        context_length = model.config.context_length
    check_data(train_data, context_length, "the training data")
    if val_data is not None:
        check_data(val_data, context_length, "the validation data")
    for name, value in counts.items():
        if value is not None or name != "eval_every":
            require_count(name, value)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not (
        0 < learning_rate < math.inf
    ):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")


def check_model_output(output, step: int) -> None:
    """A model's forward(ids, targets) returns (logits, loss) with a finite scalar loss."""
    loss = output[1] if isinstance(output, tuple) and len(output) == 2 else None
    if not (torch.is_tensor(loss) and loss.dim() == 0):
        raise TypeError("model(ids, targets) must return (logits, loss) with a scalar loss.")
    if not torch.isfinite(loss):
        raise ValueError(f"The loss became {loss.item()} at step {step}: lower learning_rate.")


def check_batch_request(data, batch_size: int, context_length: int) -> None:
    """get_batch's inputs: token IDs longer than the context, and at least one window."""
    check_data(data, context_length)
    require_count("batch_size", batch_size)


# --- notebooks 04-06: attention, the causal mask, the model, sampling --------------------


def check_at_least_one(name: str, value) -> None:
    """A size (width, heads, layers...) is a whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")


def check_attention_sizes(width, num_heads, owner: str = "") -> None:
    """width and num_heads are whole numbers >= 1 and every head gets the same slice;
    owner ("GPTConfig.") prefixes the names in the messages."""
    check_at_least_one(f"{owner}width", width)
    check_at_least_one(f"{owner}num_heads", num_heads)
    if width % num_heads != 0:
        raise ValueError(
            f"{owner}width {width} is not divisible by num_heads {num_heads}: each head gets "
            "width // num_heads dimensions, so pick a width that is a multiple of the heads."
        )


def check_attention_inputs(query, key, value, mask=None) -> None:
    """query, key, value (and a boolean mask) that can be attended together."""
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        if not torch.is_tensor(tensor):
            raise TypeError(f"{name} must be a tensor, got {type(tensor).__name__}.")
        if tensor.dim() < 2:
            raise ValueError(
                f"{name} must have shape (..., tokens, width), got shape {tuple(tensor.shape)}."
            )
    if query.shape[-1] != key.shape[-1]:
        raise ValueError(
            f"query and key must have the same width to be compared (dot product), got "
            f"query width {query.shape[-1]} and key width {key.shape[-1]}."
        )
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"key and value must have one row per token of the same sequence, got "
            f"{key.shape[-2]} keys and {value.shape[-2]} values."
        )
    if mask is not None:
        if not torch.is_tensor(mask) or mask.dtype != torch.bool:
            raise TypeError(
                "mask must be a boolean tensor (True where attending is allowed), got "
                f"{getattr(mask, 'dtype', type(mask).__name__)}; convert with mask.bool()."
            )
        scores_shape = (*query.shape[:-1], key.shape[-2])  # (..., T_q, T_k)
        extra = len(scores_shape) - mask.dim()  # broadcasting lines the shapes up from the right
        if extra < 0 or any(
            m not in (1, s) for m, s in zip(mask.shape, scores_shape[extra:], strict=True)
        ):
            raise ValueError(
                f"mask of shape {tuple(mask.shape)} does not fit the attention scores of shape "
                f"{scores_shape} (one entry per query token and key token)."
            )


def check_layer_input(x, width: int) -> None:
    """A layer's input is a float tensor of shape (batch, tokens, width)."""
    if not torch.is_tensor(x):
        raise TypeError(f"x must be a tensor (batch, tokens, width), got {type(x).__name__}.")
    if x.dim() != 3 or x.shape[-1] != width:
        raise ValueError(f"x must have shape (batch, tokens, {width}), got {tuple(x.shape)}.")


def check_mask_length(length) -> None:
    """A causal mask's length is a whole number (int, numpy or tensor) of at least 1."""
    if isinstance(length, bool) or not hasattr(length, "__index__"):
        raise TypeError(
            f"length must be a whole number (the number of tokens), got {length!r} "
            f"of type {type(length).__name__}."
        )
    if length.__index__() < 1:
        raise ValueError(f"length must be at least 1 (one row per token), got {length}.")


def check_causal_attention_inputs(query, key, value) -> None:
    """Causal attention needs tensors with one query per key (the same sequence)."""
    if not all(torch.is_tensor(t) for t in (query, key, value)):
        raise TypeError("query, key and value must be tensors of shape (..., tokens, width).")
    if min(query.dim(), key.dim()) < 2 or query.shape[-2] != key.shape[-2]:
        raise ValueError(
            "causal attention needs one query per key (tokens of the same sequence), got "
            f"query shape {tuple(query.shape)} and key shape {tuple(key.shape)}."
        )


def check_gpt_config(config) -> None:
    """GPTConfig's sizes are whole numbers >= 1, width splits into the heads, 0 <= dropout < 1."""
    for name in ("vocab_size", "context_length", "num_layers"):
        check_at_least_one(f"GPTConfig.{name}", getattr(config, name))
    check_attention_sizes(config.width, config.num_heads, "GPTConfig.")
    if not 0.0 <= config.dropout < 1.0:
        raise ValueError(f"GPTConfig.dropout must be in [0, 1), got {config.dropout!r}.")


def check_ids_for_model(ids, config, cache=None) -> None:
    """ids is a (batch, length) integer tensor of IDs in the vocabulary that fits the context
    after the cached tokens (cache: a list of model.KVCache, one per block, or None)."""
    if not (torch.is_tensor(ids) and ids.dtype in (torch.int64, torch.int32) and ids.dim() == 2):
        raise TypeError(
            "ids must be an integer tensor of shape (batch, length); wrap one sequence "
            "as torch.tensor([ids])."
        )
    if ids.shape[1] == 0:
        raise ValueError("The sequence is empty: give at least one token ID.")
    if cache is not None and not config.causal:
        raise ValueError("A key/value cache needs a causal model (config.causal=True).")
    if cache is not None and len(cache) != config.num_layers:
        raise ValueError(
            f"cache must be a list with one KVCache per block ({config.num_layers}), got "
            f"{len(cache)}: make it with [KVCache() for _ in model.blocks]."
        )
    cached = len(cache[0]) if cache else 0
    length, context = cached + ids.shape[1], config.context_length
    if length > context:
        where = f" ({cached} of them in the cache)" if cached else ""
        raise ValueError(
            f"The sequence has {length} tokens{where} but the model's context is {context}: "
            f"keep only the last {context} (ids[:, -context_length:])."
        )
    low, high = int(ids.min()), int(ids.max())
    if low < 0 or high >= config.vocab_size:
        raise ValueError(
            f"Token ID {low if low < 0 else high} is outside the vocabulary: valid IDs are 0 to "
            f"{config.vocab_size - 1}. Encode text with the tokenizer the model was built with."
        )


def check_targets(targets, ids) -> None:
    """targets are next-token IDs, one for each ID of the input."""
    if not torch.is_tensor(targets) or targets.shape != ids.shape:
        raise ValueError(
            f"targets must be a tensor of next-token IDs with the shape of ids "
            f"{tuple(ids.shape)}, got {getattr(targets, 'shape', type(targets).__name__)}."
        )


def check_sampling_settings(temperature=1.0, top_k=None, top_p=None, max_new_tokens=0) -> None:
    """Raise a clear error for a setting that cannot work; do nothing when all are fine."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number, got {temperature!r}.")
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(
            f"temperature must be a finite number >= 0, got {temperature}: 0 picks the most "
            "likely token, 1 samples the model's own probabilities, larger values flatten them."
        )
    if top_k is not None and (
        isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1
    ):
        raise ValueError(f"top_k must be a whole number >= 1 (or None for no cut), got {top_k!r}.")
    if top_p is not None and (
        isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or not 0 < top_p <= 1
    ):
        raise ValueError(f"top_p must be in (0, 1] (or None for no cut), got {top_p!r}.")
    if (
        isinstance(max_new_tokens, bool)
        or not isinstance(max_new_tokens, numbers.Integral)
        or max_new_tokens < 0
    ):
        raise ValueError(
            f"max_new_tokens must be a whole number >= 0 (how many tokens to add), "
            f"got {max_new_tokens!r}."
        )


def check_logits(logits) -> None:
    """Scores to sample from: a float tensor of shape (vocab,) or (batch, vocab)."""
    if not torch.is_tensor(logits) or not logits.is_floating_point() or logits.dim() == 0:
        raise TypeError("logits must be a float tensor of shape (vocab,) or (batch, vocab).")


def check_prompt(ids) -> None:
    """A prompt to continue has at least one token ID."""
    if len(ids) == 0:
        raise ValueError(
            "The prompt is empty: give at least one prompt token ID; the model predicts "
            "what comes after it."
        )


PAST_CONTEXT_CHOICES = ("recompute", "halve")


def check_generation(ids, max_new_tokens, temperature, top_k, top_p, past_context) -> None:
    """generate()'s inputs: a prompt, workable sampling settings, a known past_context."""
    check_prompt(ids)
    check_sampling_settings(temperature, top_k, top_p, max_new_tokens)
    if past_context not in PAST_CONTEXT_CHOICES:
        raise ValueError(
            f"past_context must be one of {PAST_CONTEXT_CHOICES}, got {past_context!r}."
        )


# --- notebook 07: the bigram baseline (minillm_helpers/bigram.py) -----------------------


def check_bigram_ids(ids, vocab_size: int) -> torch.Tensor:
    """A 1-D sequence of at least two token IDs from 0 to vocab_size - 1, as a long tensor."""
    check_size("vocab_size", vocab_size)
    ids = check_ids(ids, vocab_size)
    if ids.dim() != 1 or len(ids) < 2:
        raise ValueError(
            "A bigram needs a 1-D sequence of at least two token IDs (a token and the one "
            f"after it), got shape {tuple(ids.shape)}: pass torch.tensor(tokenizer.encode(text))."
        )
    return ids


def check_bigram_table(probs) -> None:
    """Bigram probabilities: a square float tensor, one row per current token."""
    if not torch.is_tensor(probs) or not probs.is_floating_point() or probs.dim() != 2 or (
        probs.shape[0] != probs.shape[1]
    ):
        raise TypeError(
            "probs must be the (vocab_size, vocab_size) float tensor that "
            "bigram_probabilities() returns."
        )
