"""One visible line per claim the prose makes: `claim("bank looks mostly at river", w > 0.7)`
prints a tick and the claim's words, or stops the notebook with them.

>>> claim("two and two make four", 2 + 2 == 4)
✓ two and two make four
>>> claim("two and two make five", 2 + 2 == 5)
Traceback (most recent call last):
...
AssertionError: ✗ not true: two and two make five
"""


def claim(statement: str, holds) -> None:
    """Print `✓ statement` if `holds` is true (a bool or a one-element tensor), else raise."""
    if not bool(holds):
        raise AssertionError(f"✗ not true: {statement}")
    print(f"✓ {statement}")
