"""Checkers for notebook 07's exercises (the mini LLM on Tiny Shakespeare). Each prints a
verdict and returns a bool; a wrong answer never raises."""

from __future__ import annotations

import math

from minillm_helpers.notebook_support.exercises.feedback import number

VOCAB_SIZE = 65  # Tiny Shakespeare's distinct characters
GPT2_VOCAB, GPT2_WIDTH = 50_257, 768  # GPT-2 small's BPE vocabulary and vector width




def check_uniform_loss(answer) -> bool:
    """Exercise 1: the loss of a model that gives each of the 65 characters 1/65."""
    expected = math.log(VOCAB_SIZE)
    value = number(answer)
    if value is None:
        print("Give the loss as one number, e.g. 3.5.")
        return False
    if abs(value - expected) < 0.01:
        print(f"Right: -log(1/65) = log(65) = {expected:.3f}, whatever the next character is. "
              "An untrained GPT starts near this, and everything below it was learned.")
        return True
    if abs(value - 1 / VOCAB_SIZE) < 0.001:
        print("That is the probability itself. The loss is minus its (natural) logarithm.")
    elif abs(value - math.log10(VOCAB_SIZE)) < 0.01 or abs(value - math.log2(VOCAB_SIZE)) < 0.01:
        print("Right idea, wrong logarithm: the loss uses the natural log, math.log.")
    elif value < 0:
        print("A loss is never negative: probabilities are at most 1, so -log(p) >= 0.")
    else:
        print("Not quite. Every character gets p = 1/65; the loss is -log(p), averaged.")
    return False


def check_choices(answer, loss) -> bool:
    """Exercise 2: as how many equally likely characters does a loss feel? exp(loss)."""
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


def check_gpt2_embedding(answer) -> bool:
    """Exercise 3: the parameters of GPT-2 small's token embedding table."""
    expected = GPT2_VOCAB * GPT2_WIDTH
    value = number(answer)
    if value is None:
        print("Give the count as one whole number.")
        return False
    if value == expected:
        print(f"Right: {GPT2_VOCAB:,} rows of {GPT2_WIDTH} numbers = {expected:,} parameters, "
              "about 48 times our whole model, in the table alone.")
        return True
    if value == VOCAB_SIZE * GPT2_WIDTH or value == GPT2_VOCAB * 128:
        print("One of the two sizes is ours: GPT-2 has 50,257 tokens and width 768.")
    elif value == GPT2_VOCAB + GPT2_WIDTH:
        print("A table has one row per token and one column per feature: multiply.")
    else:
        print("Not quite: one row per token (50,257), one number per feature (768).")
    return False
