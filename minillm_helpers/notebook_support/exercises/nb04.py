"""Checkers for notebook 04's exercises (attention). Each prints a verdict and returns a bool."""

from __future__ import annotations

import math

from minillm_helpers.notebook_support.exercises.feedback import number


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


def check_head_shapes(head_width, weights_shape) -> bool:
    """Exercise 3: width 48 split into 6 heads, a batch of 2 sentences of 10 tokens."""
    ok = True
    if head_width != 8:
        ok = False
        print(f"head_width {head_width!r} is off: each head gets width // num_heads dimensions.")
    try:
        shape = tuple(int(n) for n in weights_shape)
    except (TypeError, ValueError):
        shape = None
    if shape != (2, 6, 10, 10):
        ok = False
        print(f"weights shape {weights_shape!r} is off: one (tokens x tokens) matrix per head and "
              "per sentence, so (batch, heads, tokens, tokens).")
    if ok:
        print("Right: each of the 6 heads works in 8 dimensions and has its own 10 x 10 weight "
              "matrix for each of the 2 sentences: (2, 6, 10, 10).")
    return ok
