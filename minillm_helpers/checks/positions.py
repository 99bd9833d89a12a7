"""The input checks of notebook 03's positions (minillm_helpers/positions.py)."""

from __future__ import annotations

from minillm_helpers.checks.core import check_int, check_number


def require_sizes(num_positions, width) -> None:
    """Both sizes must be whole numbers of at least 1; say which one is wrong and why."""
    for name, value in (("num_positions", num_positions), ("width", width)):
        check_int(name, value, fix="a sequence needs positions, and each position needs a vector")


def check_base(base) -> None:
    """The base of the sinusoidal frequencies: a finite number above 1 (usually 10000)."""
    check_number("base", base, above=1, fix="the usual one is 10000")
