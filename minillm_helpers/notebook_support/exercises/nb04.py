"""Checkers for notebook 04's exercises (attention)."""

import math

from minillm_helpers.notebook_support.exercises.feedback import NotYet, checker, number, numbers

WIDTH = 256  # of the random queries and keys in exercise 1
KEYS = 8  # how many keys each row of exercise 3 attends over


@checker
def check_score_spread(raw_std, scaled_std) -> str:
    """Exercise 1: the spread of q . k for random vectors of width 256, before and after scaling."""
    raw, scaled = numbers([raw_std, scaled_std], hint="give two numbers: the standard "
                          "deviation of the raw scores and of the scaled ones.")
    expected = math.sqrt(WIDTH)
    problems = []
    if abs(raw - WIDTH) < 0.15 * WIDTH:
        problems.append(f"Raw scores: {raw:.2f} is the variance, not the spread. The standard "
                        "deviation is its square root.")
    elif abs(raw - expected) > 0.15 * expected:
        problems.append(f"Raw scores: {raw:.2f} is off. A dot product of width {WIDTH} adds up "
                        f"{WIDTH} products of variance 1: take the square root of the sum.")
    if abs(scaled - 1.0) > 0.15:
        problems.append(f"Scaled scores: {scaled:.2f} is off. Dividing by sqrt(d_k) = "
                        f"{expected:g} divides the spread by the same number.")
    if problems:
        raise NotYet(" ".join(problems))
    return (f"raw scores spread about sqrt({WIDTH}) = {expected:g}, and dividing by sqrt(d_k) "
            "brings them back to about 1, whatever the width.")


def river_weight(factor: int) -> float:
    """bank's weight on river: its scaled scores are 4 * factor, 2 * factor (muddy), 0 (six)."""
    return math.exp(4 * factor) / (math.exp(4 * factor) + math.exp(2 * factor) + 6)


@checker
def check_query_factor(factor) -> str:
    """Exercise 2: the smallest whole factor on bank's query that puts >= 95% on river."""
    chosen = number(factor)
    if chosen is None or chosen != int(chosen):
        raise NotYet("give a whole number, like 1, 2 or 3.")
    chosen = int(chosen)
    if chosen < 1:
        raise NotYet(f"a factor of {chosen} shrinks (or flips) the query: attention gets flatter.")
    if river_weight(chosen) < 0.95:
        raise NotYet(f"with factor {chosen} bank puts {river_weight(chosen):.2f} on river: a "
                     "longer query makes softmax sharper, so try a larger factor.")
    if chosen > 1 and river_weight(chosen - 1) >= 0.95:
        raise NotYet(f"factor {chosen} works ({river_weight(chosen):.3f} on river), but a "
                     "smaller one does too: find the smallest.")
    return (f"factor {chosen} puts {river_weight(chosen):.3f} of bank's attention on river (factor "
            f"{chosen - 1} gives {river_weight(chosen - 1):.3f}). Query length is sharpness.")


@checker
def check_unscaled_entropy(scaled, unscaled) -> str:
    """Exercise 3 (break it): the mean entropy of attention rows with the sqrt(64) and without."""
    with_scale, without = numbers([scaled, unscaled], hint="give two numbers: the mean "
                                  "entropy of the rows with the scale, then without.")
    most = math.log(KEYS)  # even weights: the largest entropy a row can have
    if not (0 <= with_scale <= most + 1e-6 and 0 <= without <= most + 1e-6):
        raise NotYet(f"an entropy over {KEYS} keys lies between 0 (one-hot) and log({KEYS}) = "
                     f"{most:.2f} (even): take the mean of -(w * w.log()).sum(-1).")
    if without >= with_scale:
        raise NotYet("those look swapped: without the scale softmax gets sharper, so the "
                     "entropy gets smaller.")
    if with_scale < 0.6 * most or without > 0.5 * with_scale:
        raise NotYet(f"with the scale the scores spread about 1, so rows stay spread (near "
                     f"{0.8 * most:.1f}); without it most rows are nearly one-hot.")
    return (f"without the scale the entropy falls from {with_scale:.2f} to {without:.2f}: "
            "nearly every row is one-hot, so attention stops mixing, and the gradients through "
            "softmax all but vanish.")
