"""Notebook 09's exercise checkers accept the right answers and explain the wrong ones."""

from minillm_helpers.notebook_support.exercises.nb09 import check_chance, check_unmasked

BIRTHPLACES = ["Oslo"] * 5 + ["Riga"] * 3 + ["Lima"] * 2  # the most common: 5 in 10


def test_chance_accepts_the_most_common_share(capsys):
    assert check_chance(0.5, BIRTHPLACES)
    assert "always 'Oslo' is right 5 times in 10" in capsys.readouterr().out


def test_chance_explains_a_blind_guess_and_a_wrong_count(capsys):
    assert not check_chance(1 / 3, BIRTHPLACES)
    assert "blind guess" in capsys.readouterr().out
    assert not check_chance(0.3, BIRTHPLACES)
    assert "count how often" in capsys.readouterr().out
    assert not check_chance("0.5", BIRTHPLACES)
    assert "one number" in capsys.readouterr().out


def test_unmasked_accepts_the_expected_gap(capsys):
    assert check_unmasked(0.001, 0.97)
    assert "0.97 without the mask" in capsys.readouterr().out


def test_unmasked_refuses_swapped_or_missing_answers(capsys):
    assert not check_unmasked(0.97, 0.001)  # swapped
    assert "did its targets" in capsys.readouterr().out
    assert not check_unmasked(0.4, 0.9)  # the masked one learned the questions
    assert "conversation_targets" in capsys.readouterr().out
    assert not check_unmasked(..., 0.9)
    assert "two probabilities" in capsys.readouterr().out
