"""One visible line per claim: `claim("bank looks mostly at river", w > 0.7)`.

A notebook proves what its prose says with these lines. Each prints a tick and the
claim's words, so the reader sees what was checked; a false claim stops the notebook
with the same words.

>>> claim("two and two make four", 2 + 2 == 4)
✓ two and two make four
>>> claim("two and two make five", 2 + 2 == 5)
Traceback (most recent call last):
...
AssertionError: ✗ not true: two and two make five
"""

from __future__ import annotations


def claim(statement: str, holds) -> None:
    """Print `✓ statement` if `holds` is true (a bool or a one-element tensor), else raise."""
    if not bool(holds):
        raise AssertionError(f"✗ not true: {statement}")
    print(f"✓ {statement}")
