"""The checks' primitives and their one policy: a wrong kind of value raises InputTypeError (a
TypeError), a wrong value InputError (a ValueError), both MinillmErrors, and the message
names the argument, the value and the fix. Each door's tests cover its own checks."""

import math

import numpy as np
import pytest
import torch

from minillm_helpers.checks import (
    InputError,
    InputTypeError,
    MinillmError,
    check_choice,
    check_int,
    check_number,
    check_tensor,
    unseen_units,
)


def test_the_two_errors_are_the_built_ins_and_catchable_apart():
    assert issubclass(InputError, ValueError) and issubclass(InputError, MinillmError)
    assert issubclass(InputTypeError, TypeError) and issubclass(InputTypeError, MinillmError)
    assert not issubclass(TypeError, MinillmError)  # a bug's plain TypeError is not ours
    # a traceback names the class that was raised, not another one
    assert (InputError.__name__, InputTypeError.__name__) == ("InputError", "InputTypeError")


# --- check_int: a whole number with a minimum (and maybe a maximum) -----------------------


@pytest.mark.parametrize("value", [1, 7, np.int64(3), torch.tensor(5)])
def test_check_int_takes_whole_numbers_and_returns_an_int(value):
    result = check_int("count", value)
    assert result == int(value) and type(result) is int


@pytest.mark.parametrize("value", [2.5, 2.0, "3", None, True, False, [3], torch.tensor(2.0)])
def test_check_int_refuses_other_kinds_with_a_type_error(value):
    with pytest.raises(InputTypeError, match=r"^count must be a whole number \(an int\), got "):
        check_int("count", value)


def test_check_int_names_the_value_and_its_type():
    with pytest.raises(TypeError, match=r"count must be a whole number \(an int\), got 2\.5 of "
                                        r"type float: it counts tokens\.$"):
        check_int("count", 2.5, fix="it counts tokens")


@pytest.mark.parametrize(("value", "minimum", "maximum", "words"), [
    (0, 1, None, "count must be at least 1, got 0."),
    (-3, 0, None, "count must be at least 0, got -3."),
    (5, 1, 4, "count must be from 1 to 4, got 5."),
    (0, 1, 4, "count must be from 1 to 4, got 0."),
])
def test_check_int_refuses_values_out_of_range_with_a_value_error(value, minimum, maximum, words):
    with pytest.raises(InputError) as caught:
        check_int("count", value, minimum, maximum)
    assert str(caught.value) == words


@pytest.mark.parametrize(("value", "minimum", "maximum"), [(0, 0, None), (4, 1, 4), (1, 1, 4)])
def test_check_int_takes_its_ends(value, minimum, maximum):
    assert check_int("count", value, minimum, maximum) == value


def test_the_fix_ends_the_message():
    with pytest.raises(ValueError) as caught:
        check_int("num_positions", 0, fix="a sequence needs positions")
    words = "num_positions must be at least 1, got 0: a sequence needs positions."
    assert str(caught.value) == words


def test_without_a_name_the_message_is_the_rule_alone():  # as the CLI's flags show it
    with pytest.raises(InputError) as caught:
        check_int("", -1, 0)
    assert str(caught.value) == "must be at least 0, got -1."
    with pytest.raises(InputTypeError, match=r"^must be a whole number"):
        check_int("", "x")


# --- check_number: a finite number within bounds -----------------------------------------


@pytest.mark.parametrize(("value", "bounds"), [
    (0, dict(at_least=0)), (0.5, dict(above=0, at_most=1)), (1, dict(above=0, at_most=1)),
    (0.0, dict(at_least=0, below=1)), (np.float32(2.5), dict(above=1)), (-7, {}),
])
def test_check_number_takes_numbers_within_the_bounds(value, bounds):
    assert check_number("x", value, **bounds) == value


@pytest.mark.parametrize(("value", "bounds", "words"), [
    (-0.5, dict(at_least=0), "x must be a finite number >= 0, got -0.5."),
    (1, dict(above=1), "x must be a finite number > 1, got 1."),
    (3, dict(below=3), "x must be a finite number < 3, got 3."),
    (0, dict(above=0, at_most=1), "x must be in (0, 1], got 0."),
    (1.5, dict(above=0, at_most=1), "x must be in (0, 1], got 1.5."),
    (1.0, dict(at_least=0, below=1), "x must be in [0, 1), got 1.0."),
    (math.nan, dict(above=0, at_most=1), "x must be in (0, 1], got nan."),
    (math.inf, dict(at_least=0), "x must be a finite number >= 0, got inf."),
    (-math.inf, {}, "x must be a finite number, got -inf."),
])
def test_check_number_refuses_values_outside_with_a_value_error(value, bounds, words):
    with pytest.raises(InputError) as caught:
        check_number("x", value, **bounds)
    assert str(caught.value) == words


@pytest.mark.parametrize("value", ["0.5", None, True, [1.0], torch.tensor(0.5)])
def test_check_number_refuses_other_kinds_with_a_type_error(value):
    with pytest.raises(InputTypeError, match=r"^temperature must be a number, got .* of type "):
        check_number("temperature", value, at_least=0)


# --- check_tensor: a tensor of a kind of dtype and a number of dimensions ----------------


@pytest.mark.parametrize(("shape", "kind", "rank"), [
    ((2, 3), "float", 2), ((7,), "float", None), ((), None, None), ((4,), "integer", 1),
])
def test_check_tensor_returns_a_fitting_tensor(shape, kind, rank):
    tensor = torch.zeros(shape, dtype=torch.long if kind == "integer" else torch.float32)
    assert check_tensor("x", tensor, kind, rank) is tensor


@pytest.mark.parametrize(("value", "kind", "words"), [
    ([1.0], "float", "table must be a float tensor, got list."),
    (torch.zeros(2, dtype=torch.long), "float",
     "table must be a float tensor, got a torch.int64 tensor."),
    (torch.zeros(2), "integer", "table must be an integer tensor, got a torch.float32 tensor."),
    (torch.zeros(2, dtype=torch.bool), "integer",
     "table must be an integer tensor, got a torch.bool tensor."),
    ("abc", None, "table must be a tensor, got str."),
])
def test_check_tensor_refuses_other_kinds_with_a_type_error(value, kind, words):
    with pytest.raises(InputTypeError) as caught:
        check_tensor("table", value, kind)
    assert str(caught.value) == words


@pytest.mark.parametrize(("shape", "words"), [
    ((3,), "x must have 2 dimension(s), got shape (3,): fix it."),
    ((1, 2, 3), "x must have 2 dimension(s), got shape (1, 2, 3): fix it."),
])
def test_check_tensor_refuses_other_ranks_with_a_value_error(shape, words):
    with pytest.raises(InputError) as caught:
        check_tensor("x", torch.zeros(shape), "float", 2, "fix it")
    assert str(caught.value) == words


# --- check_choice: one of a few words ------------------------------------------------------


def test_check_choice_lists_few_choices_and_counts_many():
    assert check_choice("mode", "halve", ("recompute", "halve")) is None
    listed = r"^mode must be one of \('recompute', 'halve'\), got 'x'\.$"
    with pytest.raises(InputError, match=listed):
        check_choice("mode", "x", ("recompute", "halve"))
    with pytest.raises(InputError, match=r"^word must be one of the 20 known ones, got 'z': "):
        check_choice("word", "z", [str(i) for i in range(20)], "pick a known word")


def test_the_checks_are_one_module_under_250_lines():
    """Validation lives in one module (primitives plus the entry checks), short enough to
    read in one sitting."""
    from pathlib import Path

    import minillm_helpers.checks as checks

    assert Path(checks.__file__).name == "checks.py"
    assert len(Path(checks.__file__).read_text(encoding="utf-8").splitlines()) < 250


def test_unseen_units_lists_what_the_tokenizer_cannot_encode():
    from minillm_helpers.tokenizer import CharTokenizer

    strict = CharTokenizer("abc ")
    assert unseen_units(strict, "abc cab") == ""
    assert unseen_units(strict, "aZbéZ") == "'Z', 'é'"  # first seen first, each once
    assert unseen_units(strict, "0123456789xy") == (
        "'0', '1', '2', '3', '4', '5', '6', '7', '8', '9' and 2 more")
    assert unseen_units(CharTokenizer("abc ", unknown="?"), "aZbé") == ""  # "?" stands in
