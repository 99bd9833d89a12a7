"""Instant feedback for notebook 03's exercises (positional encoding)."""

from __future__ import annotations

import math


def _say(ok: bool, message: str) -> bool:
    print(("Correct! " if ok else "Not yet: ") + message)
    return ok


def _numbers(values, count):
    if values is ... or values is None:
        raise ValueError
    numbers = [float(v) for v in values]
    if len(numbers) != count:
        raise ValueError
    return numbers


def check_normalized_positions(answer) -> bool:
    """Exercise 1: index 5 divided by the length, for a 10-token and a 50-token sentence."""
    try:
        short, long = _numbers(answer, 2)
    except (TypeError, ValueError):
        return _say(False, "give two numbers, e.g. (0.3, 0.06): index 5 in 10 tokens, then in 50.")
    if math.isclose(short, 0.5, abs_tol=1e-3) and math.isclose(long, 0.1, abs_tol=1e-3):
        return _say(True, "5/10 = 0.5 and 5/50 = 0.1: one position, two values.")
    if math.isclose(short, 0.5, abs_tol=1e-3) or math.isclose(long, 0.1, abs_tol=1e-3):
        return _say(False, "one of the two is right; divide the index 5 by each length.")
    if math.isclose(short, 2, abs_tol=1e-3) or math.isclose(long, 10, abs_tol=1e-3):
        return _say(False, "divide the index by the length, not the length by the index.")
    return _say(False, "the normalized index is index / length: 5 / 10 and 5 / 50.")


def reference_position_vector(position: int, width: int) -> list[float]:
    """sin and cos of position * 10000^(-i/width) for i = 0, 2, 4, ... interleaved."""
    values = []
    for i in range(0, width, 2):
        angle = position * 10000 ** (-i / width)
        values += [math.sin(angle), math.cos(angle)]
    return values[:width]


def _close(got, expected) -> bool:
    return all(math.isclose(g, e, abs_tol=1e-4) for g, e in zip(got, expected, strict=True))


def check_position_vector(encode_position) -> bool:
    """Exercise 2: a function giving one position's sinusoidal vector, written with math only."""
    if not callable(encode_position):
        return _say(False, "pass your function itself (no brackets).")
    cases = ((0, 4), (1, 4), (2, 2), (7, 6), (50, 8))
    answers = {}
    for position, width in cases:
        try:
            result = encode_position(position, width)
        except Exception as error:  # the reader's code may fail in any way
            return _say(False, f"your function raised {type(error).__name__}: {error}.")
        try:
            answers[position, width] = _numbers(result, width)
        except (TypeError, ValueError):
            return _say(False, f"for position {position}, width {width} return {width} numbers.")
    for (position, width), got in answers.items():
        expected = reference_position_vector(position, width)
        if _close(got, expected):
            continue
        sines = [(answers[case][0::2], reference_position_vector(*case)[0::2]) for case in cases]
        if all(_close(mine, right) for mine, right in sines):
            return _say(False, "the sines are right; check the cosines in the odd places.")
        return _say(False, f"position {position}, width {width}: expected "
                           f"{[round(v, 3) for v in expected]}, got {[round(v, 3) for v in got]}. "
                           "The frequency of pair i is 10000 ** (-i / width) for i = 0, 2, 4, ...")
    return _say(True, "your vectors match the sinusoidal encoding, column for column.")


def check_scale_factor(factor) -> bool:
    """Exercise 3: what the original Transformer multiplies embeddings by when the width is 256."""
    try:
        factor = float(factor)
    except (TypeError, ValueError):
        return _say(False, "give one number.")
    if math.isclose(factor, 16, rel_tol=1e-6):
        return _say(True, "sqrt(256) = 16: embeddings of size ~1/16 per value become ~1, "
                          "the scale of the sines and cosines.")
    if math.isclose(factor, 256, rel_tol=1e-6):
        return _say(False, "that is the width itself; take its square root.")
    if math.isclose(factor, 1 / 16, rel_tol=1e-6):
        return _say(False, "the embeddings are too small: the factor makes them bigger.")
    return _say(False, "the factor is the square root of the model width.")
