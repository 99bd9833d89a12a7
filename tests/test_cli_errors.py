"""Which errors `minillm` reports in one line (exit 2) and which keep their traceback."""

import argparse

import pytest

from minillm_helpers.checks import InputError, InputTypeError, MinillmError
from minillm_helpers.cli import command


def fails_with(error):
    def run(args):
        raise error

    return run


@pytest.mark.parametrize("error", [InputTypeError("top_k must be a whole number (an int), got "
                                                  "'3' of type str."),
                                   InputError("--resume: there is no checkpoint in runs/x."),
                                   FileNotFoundError("No such file: data.txt")])
def test_bad_input_is_one_line_and_exit_status_2(monkeypatch, capsys, error):
    monkeypatch.setattr(command, "sample_command", fails_with(error))
    assert command.main(["sample", "runs/x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"minillm: error: {str(error)[:20]}")


def test_a_type_error_no_check_raised_is_a_bug_and_keeps_its_traceback(monkeypatch):
    monkeypatch.setattr(command, "sample_command", fails_with(TypeError("'NoneType' object is "
                                                                        "not subscriptable")))
    with pytest.raises(TypeError, match="not subscriptable"):
        command.main(["sample", "runs/x"])


def test_a_plain_value_error_is_a_bug_too(monkeypatch):
    """Every refusal of ours is a MinillmError; a ValueError from elsewhere (PyTorch, a
    library) is not bad input we explained, so it keeps its traceback."""
    monkeypatch.setattr(command, "sample_command", fails_with(ValueError("math domain error")))
    with pytest.raises(ValueError, match="math domain error"):
        command.main(["sample", "runs/x"])


def test_other_bugs_keep_their_traceback_too(monkeypatch):
    monkeypatch.setattr(command, "sample_command", fails_with(KeyError("step")))
    with pytest.raises(KeyError):
        command.main(["sample", "runs/x"])


def test_a_usage_mistake_is_one_of_ours():
    with pytest.raises(MinillmError, match=r"^minillm: error: .*required"):
        command.build_parser().parse_args([])


def test_numbers_on_the_command_line_follow_the_checks_rules():
    whole = command.within(int, {"minimum": 1})
    assert whole("3") == 3 and command.within(int, None)("-5") == -5
    with pytest.raises(argparse.ArgumentTypeError, match=r"^must be at least 1, got 0\.$"):
        whole("0")
    with pytest.raises(argparse.ArgumentTypeError, match=r"expected a whole number, got '2.5'"):
        whole("2.5")
    fraction = command.within(float, {"above": 0, "below": 1, "fix": "e.g. 0.1"})
    assert fraction("0.25") == 0.25
    with pytest.raises(argparse.ArgumentTypeError, match=r"^must be in \(0, 1\), got nan: e\.g"):
        fraction("nan")
    with pytest.raises(argparse.ArgumentTypeError, match=r"expected a number, got 'half'"):
        fraction("half")
