"""What every exercise checker shares. A checker, wrapped in `@checker`, returns its verdict
for a right answer and raises `NotYet(hint)` for a wrong one; the wrapper prints
"Correct! ..." or "Not yet: ..." and returns True or False, so a wrong answer never raises.
An answer of the wrong kind reads as None, or raises NotYet(hint) when a hint is passed.

>>> number(0.5), number(3), number(True), number(float("nan")), number("4.17")
(0.5, 3.0, None, None, None)
>>> numbers([1, 2.5]), numbers("12"), numbers([1, 2], count=3)
([1.0, 2.5], None, None)
>>> close([0.1, 0.2], [0.1001, 0.2], tolerance=1e-3), close([1.0], [1.0, 2.0])
(True, False)
>>> checker(lambda answer: "four." if answer == 4 else call(answer))(2 + 2)
Correct! four.
True
>>> checker(lambda answer: "four." if answer == 4 else call(answer))(lambda: 1 / 0)
Not yet: your code raised ZeroDivisionError: division by zero.
False
"""

import math
import numbers as kinds
from functools import wraps


class NotYet(Exception):
    """A wrong answer; the message is the hint the reader sees."""


def checker(check):
    """`check` with its verdict printed and returned as a bool."""

    @wraps(check)
    def verdict(*answers) -> bool:
        try:
            print(f"Correct! {check(*answers)}")
            return True
        except NotYet as hint:
            print(f"Not yet: {hint}")
            return False

    return verdict


def call(function, *args):
    """The reader's function applied to args; that it fails (or is no function) is a NotYet."""
    if not callable(function):
        raise NotYet("pass your function itself (its name, no brackets).")
    try:
        return function(*args)
    except Exception as error:  # the reader's code may fail in any way
        raise NotYet(f"your code raised {type(error).__name__}: {error}.") from None


def number(answer, hint: str | None = None) -> float | None:
    """The answer as a finite float (from a number or one-element tensor, not a bool)."""
    if hasattr(answer, "item") and getattr(answer, "numel", lambda: 1)() == 1:
        answer = answer.item()
    if isinstance(answer, kinds.Real) and not isinstance(answer, bool) and math.isfinite(answer):
        return float(answer)
    if hint:
        raise NotYet(hint)
    return None


def numbers(answer, count: int | None = None, hint: str | None = None) -> list[float] | None:
    """The answer as a list of finite floats (`count` of them if given)."""
    if hasattr(answer, "tolist"):
        answer = answer.tolist()
    values = [number(v) for v in answer] if isinstance(answer, (list, tuple)) else [None]
    if None not in values and count in (None, len(values)):
        return values
    if hint:
        raise NotYet(hint)
    return None


def close(got, expected, tolerance: float = 0.01) -> bool:
    """Both lists have the same length and agree number by number within tolerance."""
    return len(got) == len(expected) and all(
        abs(g - e) <= tolerance for g, e in zip(got, expected, strict=True)
    )


def part_matters(intact, broken, part: str, lesson: str, margin: float,
                 broken_digits: int = 2) -> str:
    """A "break it yourself" verdict: the loss with a part removed exceeds the intact model's by
    `margin`; `broken_digits` fewer where the thread count moves a wrecked loss's decimals."""
    hint = f"give two losses (numbers): the intact model's, then the one {part}."
    with_part, without = numbers([intact, broken], hint=hint)
    if without < with_part:
        raise NotYet(f"the loss {part} came out lower ({without:.2f} < {with_part:.2f}): "
                     "did you swap the two, or measure the same model twice?")
    if without - with_part < margin:
        raise NotYet(f"the two losses are too close ({with_part:.2f} and {without:.2f}): "
                     "check that the part is really removed, on the trained model.")
    return f"{with_part:.2f} intact, {without:.{broken_digits}f} {part}. {lesson}"
