"""What every exercise checker shares: reading a reader's answer as numbers, comparing
numbers, and printing the verdict. Checkers never raise on a wrong answer; an answer of
the wrong kind reads as None, and the checker says what kind it wants.

>>> number(0.5), number(3), number(True), number(float("nan")), number("4.17")
(0.5, 3.0, None, None, None)
>>> numbers([1, 2.5]), numbers("12"), numbers([1, 2], count=3)
([1.0, 2.5], None, None)
>>> close([0.1, 0.2], [0.1001, 0.2], tolerance=1e-3), close([1.0], [1.0, 2.0])
(True, False)
"""

from __future__ import annotations

import math
import numbers as kinds


def say(ok: bool, message: str) -> bool:
    """Print the verdict ("Correct! ..." or "Not yet: ...") and return ok."""
    print(("Correct! " if ok else "Not yet: ") + message)
    return ok


def number(answer) -> float | None:
    """The answer as a finite float (an int, float, numpy number or one-element tensor);
    None for anything else: bools, strings such as "4.17", lists."""
    if hasattr(answer, "item") and getattr(answer, "numel", lambda: 1)() == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, kinds.Real):
        return None
    answer = float(answer)
    return answer if math.isfinite(answer) else None


def numbers(answer, count: int | None = None) -> list[float] | None:
    """The answer as a list of finite floats (a list, tuple, array or tensor; `count` of
    them if given); None for anything else."""
    if hasattr(answer, "tolist"):
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)):
        return None
    values = [number(v) for v in answer]
    if None in values or (count is not None and len(values) != count):
        return None
    return values


def close(got, expected, tolerance: float = 0.01) -> bool:
    """Both lists have the same length and agree number by number within tolerance."""
    return len(got) == len(expected) and all(
        abs(g - e) <= tolerance for g, e in zip(got, expected, strict=True)
    )


def check_part_matters(intact, broken, part: str, lesson: str, margin: float,
                       broken_digits: int = 2) -> bool:
    """A "break it yourself" verdict: the loss with a part of the model removed (`broken`)
    should exceed the intact model's loss by at least `margin`. `broken_digits`: how many
    decimals of the broken loss to show (fewer where a wrecked model's loss is chaotic:
    the thread count moves its second decimal)."""
    with_part, without = number(intact), number(broken)
    if with_part is None or without is None:
        return say(False, f"give two losses (numbers): the intact model's, then the one {part}.")
    if without < with_part:
        return say(False, f"the loss {part} came out lower ({without:.2f} < {with_part:.2f}): "
                          "did you swap the two, or measure the same model twice?")
    if without - with_part < margin:
        return say(False, f"the two losses are too close ({with_part:.2f} and {without:.2f}): "
                          f"check that the part is really removed, on the trained model.")
    return say(True, f"{with_part:.2f} intact, {without:.{broken_digits}f} {part}. {lesson}")
