"""Notebook 03's widget: a frequency slider and an index slider over one sine wave.

The wave is the notebook's own function, passed in as `wave(position, frequency)`.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt


def wave_readout(frequency: float, index: int, wave, length: int = 20, draw: bool = True) -> str:
    """What the sliders print: the wave's value at `index`, e.g. "sin(2 × 0.50) = 0.841".

    With `draw`, also plot the wave over positions 0..length-1 with `index` marked.

    >>> import math
    >>> print(wave_readout(0.5, 2, lambda p, f: math.sin(p * f), draw=False))
    sin(2 × 0.50) = 0.841
    One full wave every 12.57 positions, whatever the sentence's length.
    """
    value = float(wave(index, frequency))
    if draw:
        last = max(length, index + 1)
        fine = [step / 10 for step in range(10 * (last - 1) + 1)]
        _, ax = plt.subplots(figsize=(7, 2.6))
        ax.plot(fine, [float(wave(p, frequency)) for p in fine], color="lightgray")
        dots = [float(wave(p, frequency)) for p in range(last)]
        ax.plot(range(last), dots, "o", color="tab:blue")
        ax.plot([index], [value], "o", color="tab:red", markersize=10)
        ax.set_ylim(-1.15, 1.15)
        ax.set_xlabel("position")
        ax.set_title(f"sin(position × {frequency:.2f})")
        plt.show()
    if frequency == 0:
        period = "Frequency 0 is a flat line: every position gets the same value."
    else:
        period = f"One full wave every {2 * math.pi / abs(frequency):.2f} positions"
        period += ", whatever the sentence's length."
    return f"sin({index} × {frequency:.2f}) = {value:.3f}\n{period}"
