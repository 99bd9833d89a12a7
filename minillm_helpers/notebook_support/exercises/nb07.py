"""Checkers for notebook 07's exercises (the mini LLM on Tiny Shakespeare)."""

import math

from minillm_helpers.notebook_support.exercises.feedback import (
    NotYet,
    checker,
    number,
    part_matters,
)


@checker
def check_choices(answer, loss) -> str:
    """Exercise 1: as how many equally likely characters does a loss feel? exp(loss)."""
    expected, value = math.exp(loss), number(answer)
    if value is None:
        raise NotYet("give the number of choices as one number, e.g. 20.")
    if abs(value - expected) <= 0.01 * expected:
        return (f"exp({loss:.2f}) = {expected:.1f}. Guessing among {expected:.1f} equally likely "
                "characters would score the same loss (this is the perplexity).")
    if abs(value - math.log(loss)) < 0.01 or abs(value - 1 / loss) < 0.01:
        raise NotYet("go the other way: the loss is log(choices), so choices = exp(loss).")
    if abs(value - 2**loss) < 0.05 or abs(value - 10**loss) < 0.5:
        raise NotYet("right idea, wrong base: the loss uses the natural log, so use math.exp.")
    raise NotYet("with n equally likely choices the loss is log(n); solve for n.")


@checker
def check_no_positions(with_positions, without_positions) -> str:
    """Exercise 2 (break it): the trained model's validation loss, and the same model with
    its position vectors set to zero (model.positions.zero_())."""
    return part_matters(
        with_positions, without_positions, "without positions",
        "Without positions every character in the window looks the same wherever it stands, "
        "and attention cannot tell the last character from one 60 back: the model trained to "
        "lean on the sinusoids is lost without them.",
        margin=0.3, broken_digits=1,  # the wrecked model's second decimal moves with the threads
    )
