"""Checkers for notebook 07's exercises (the mini LLM on Tiny Shakespeare). Each prints a
verdict and returns a bool; a wrong answer never raises."""

from __future__ import annotations

import math

from minillm_helpers.notebook_support.exercises.feedback import check_part_matters, number


def check_choices(answer, loss) -> bool:
    """Exercise 1: as how many equally likely characters does a loss feel? exp(loss)."""
    expected = math.exp(loss)
    value = number(answer)
    if value is None:
        print("Give the number of choices as one number, e.g. 20.")
        return False
    if abs(value - expected) <= 0.01 * expected:
        print(f"Right: exp({loss:.2f}) = {expected:.1f}. Guessing among {expected:.1f} equally "
              "likely characters would score the same loss (this is the perplexity).")
        return True
    if abs(value - math.log(loss)) < 0.01 or abs(value - 1 / loss) < 0.01:
        print("Go the other way: the loss is log(choices), so choices = exp(loss).")
    elif abs(value - 2**loss) < 0.05 or abs(value - 10**loss) < 0.5:
        print("Right idea, wrong base: the loss uses the natural log, so use math.exp.")
    else:
        print("Not quite. With n equally likely choices the loss is log(n); solve for n.")
    return False


def check_no_positions(with_positions, without_positions) -> bool:
    """Exercise 2 (break it): the trained model's validation loss, and the same model with
    its position vectors set to zero (model.positions.zero_())."""
    return check_part_matters(
        with_positions, without_positions, "without positions",
        "Without positions every character in the window looks the same wherever it stands, "
        "and attention cannot tell the last character from one 60 back: the model trained to "
        "lean on the sinusoids is lost without them.",
        margin=0.3, broken_digits=1,  # the wrecked model's second decimal moves with the threads
    )
