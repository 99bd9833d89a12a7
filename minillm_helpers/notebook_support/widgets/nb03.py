"""Notebook 03's widget: a frequency slider and an index slider over one sine wave."""

import math

import matplotlib.pyplot as plt


def wave_readout(frequency: float, index: int, wave, length: int = 20, draw: bool = True) -> str:
    """`wave(index, frequency)`; with `draw`, the wave over 0..length-1 (or index), index marked."""
    value = float(wave(index, frequency))
    if draw:
        last = max(length, index + 1)
        fine = [step / 10 for step in range(10 * (last - 1) + 1)]
        _, ax = plt.subplots(figsize=(7, 2.6))
        ax.plot(fine, [float(wave(p, frequency)) for p in fine], color="lightgray")
        ax.plot(range(last), [float(wave(p, frequency)) for p in range(last)], "o",
                color="tab:blue")
        ax.plot([index], [value], "o", color="tab:red", markersize=10)
        ax.set(ylim=(-1.15, 1.15), xlabel="position", title=f"sin(position × {frequency:.2f})")
        plt.show()
    period = ("Frequency 0 is a flat line: every position gets the same value." if frequency == 0
              else f"One full wave every {2 * math.pi / abs(frequency):.2f} positions, "
              "whatever the sentence's length.")
    return f"sin({index} × {frequency:.2f}) = {value:.3f}\n{period}"
