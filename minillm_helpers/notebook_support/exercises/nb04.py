"""Checkers for notebook 04's exercises (attention). Each prints a verdict and returns a bool."""

from __future__ import annotations

import math

from minillm_helpers.notebook_support.exercises.feedback import number, say


def check_score_spread(raw_std, scaled_std, d_k=256) -> bool:
    """Exercise 1: the spread of q . k for random vectors of width d_k, before and after scaling."""
    raw, scaled = number(raw_std), number(scaled_std)
    if raw is None or scaled is None:
        print("Give two numbers: the standard deviation of the raw scores and of the scaled ones.")
        return False
    expected = math.sqrt(d_k)
    ok = True
    if abs(raw - expected) > 0.15 * expected:
        ok = False
        if abs(raw - d_k) < 0.15 * d_k:
            print(f"Raw scores: {raw:.2f} is the variance, not the spread. The standard "
                  "deviation is its square root.")
        else:
            print(f"Raw scores: {raw:.2f} is off. A dot product of width {d_k} adds up {d_k} "
                  f"products, each with variance 1, so its variance is {d_k}; the standard "
                  "deviation is the square root of that.")
    if abs(scaled - 1.0) > 0.15:
        ok = False
        print(f"Scaled scores: {scaled:.2f} is off. Dividing by sqrt(d_k) = {expected:g} "
              "divides the spread by the same number.")
    if ok:
        print(f"Right: raw scores spread about sqrt({d_k}) = {expected:g}, and dividing by "
              f"sqrt(d_k) brings them back to about 1, whatever the width.")
    return ok


def check_query_factor(factor) -> bool:
    """Exercise 2: the smallest whole factor on bank's query that puts >= 95% on river."""
    chosen = number(factor)
    if chosen is None or chosen != int(chosen):
        print("Give a whole number, like 1, 2 or 3.")
        return False
    chosen = int(chosen)
    # With the notebook's vectors, bank's scaled scores are 4c (river), 2c (muddy), 0 (six others).
    def river_weight(c):
        return math.exp(4 * c) / (math.exp(4 * c) + math.exp(2 * c) + 6)

    if chosen < 1:
        print(f"A factor of {chosen} shrinks (or flips) the query: attention gets flatter, "
              "not sharper.")
        return False
    if river_weight(chosen) < 0.95:
        print(f"Not yet: with factor {chosen} bank puts {river_weight(chosen):.2f} on river. "
              "A longer query makes every score bigger, and softmax sharper: try a larger factor.")
        return False
    if chosen > 1 and river_weight(chosen - 1) >= 0.95:
        print(f"Factor {chosen} works ({river_weight(chosen):.3f} on river), but a smaller one "
              "does too: find the smallest.")
        return False
    print(f"Right: factor {chosen} puts {river_weight(chosen):.3f} of bank's attention on river "
          f"(factor {chosen - 1} gives {river_weight(chosen - 1):.3f}). Query length is sharpness.")
    return True


def check_unscaled_entropy(scaled, unscaled, tokens=8) -> bool:
    """Exercise 3 (break it): the mean entropy of attention rows over `tokens` keys of width
    64, with the division by sqrt(64) and without it."""
    with_scale, without = number(scaled), number(unscaled)
    most = math.log(tokens)  # even weights: the largest entropy a row can have
    if with_scale is None or without is None:
        print("Give two numbers: the mean entropy of the rows with the scale, then without.")
        return False
    if not (0 <= with_scale <= most + 1e-6 and 0 <= without <= most + 1e-6):
        print(f"An entropy of weights over {tokens} keys lies between 0 (one-hot) and "
              f"log({tokens}) = {most:.2f} (even): compute -(w * w.log()).sum(-1), then the mean.")
        return False
    if without >= with_scale:
        print("Those look swapped: without the scale the scores spread 8 times wider, so "
              "softmax gets sharper and the entropy smaller, not larger.")
        return False
    if with_scale < 0.6 * most or without > 0.5 * with_scale:
        print(f"Not quite: with the scale the scores have spread about 1, so rows stay spread "
              f"(near {0.8 * most:.1f}); without it the spread is about 8 and most rows are nearly "
              "one-hot (well under half that).")
        return False
    return say(True, f"without the scale the entropy falls from {with_scale:.2f} to "
                     f"{without:.2f}: nearly every row is one-hot, so attention stops mixing, "
                     "and the gradients through softmax all but vanish.")
