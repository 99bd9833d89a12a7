"""The errors and the three primitives every check is made of: check_int, check_number and
check_tensor (and check_ids, which every stage that takes token IDs shares).

One policy: a value of the wrong kind raises InputTypeError (a TypeError), a value that
cannot work InputError (a ValueError), and the message names the argument, the value and
the fix. Both are MinillmErrors: the `minillm` command catches those, while a bug's own
TypeError keeps its traceback. tests/test_checks.py and each stage's tests prove it.
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
for _error in (MinillmError, InputError, InputTypeError):  # where users import them from
    _error.__module__ = "minillm_helpers.checks"


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
