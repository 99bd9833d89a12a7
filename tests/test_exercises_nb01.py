"""Notebook 01's exercise checkers accept right answers and reject wrong ones."""

import pytest

from minillm_helpers.notebook_support.exercises.nb01 import (
    check_first_seen_vocabulary,
    check_hold_ids,
)


def test_hold_ids(capsys):
    assert check_hold_ids([2, 4, 3, 0]) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (..., "replace the ..."),
    ([3, 5, 4, 1], "sorted vocabulary"),
    ([2, 4, 3], "needs 4 IDs"),
    ([2, 4, 4, 0], "look up 'l'"),
    ("abcd", "whole numbers"),
])
def test_hold_ids_rejects(capsys, answer, hint):
    assert check_hold_ids(answer) is False
    assert hint in capsys.readouterr().out


def test_first_seen_vocabulary(capsys):
    assert check_first_seen_vocabulary(lambda text: list(dict.fromkeys(text))) is True
    assert "Correct" in capsys.readouterr().out


def first_seen_by_loop(text):
    seen = []
    for c in text:
        if c not in seen:
            seen.append(c)
    return seen


@pytest.mark.parametrize("answer, hint", [
    (lambda text: sorted(set(text)), "sorted order"),
    (lambda text: list(text), "exactly once"),
    (lambda text: list(dict.fromkeys(text))[::-1], "expected"),
    (lambda text: 1 / 0, "your code raised ZeroDivisionError"),
    (lambda text: 3, "return the list of characters, not 3"),
    ("abc", "function itself"),
])
def test_first_seen_vocabulary_rejects(capsys, answer, hint):
    assert check_first_seen_vocabulary(answer) is False
    assert hint in capsys.readouterr().out


def test_first_seen_vocabulary_accepts_a_loop():
    assert check_first_seen_vocabulary(first_seen_by_loop) is True


def test_first_seen_vocabulary_says_when_the_function_is_still_blank(capsys):
    def blank(text):
        ...

    assert check_first_seen_vocabulary(blank) is False
    assert "returns nothing yet" in capsys.readouterr().out
