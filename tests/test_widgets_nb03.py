"""Notebook 03's widget callback: the contract the browser test reads."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from minillm_helpers.notebook_support.widgets.nb03 import wave_readout  # noqa: E402


def sine(position, frequency):
    return math.sin(position * frequency)


def test_first_line_is_the_worked_example():
    before = plt.get_fignums()
    lines = wave_readout(0.5, 2, sine, draw=False).splitlines()
    assert plt.get_fignums() == before  # draw=False draws nothing
    assert lines[0] == "sin(2 × 0.50) = 0.841"
    assert lines[1] == "One full wave every 12.57 positions, whatever the sentence's length."


def test_other_values():
    assert wave_readout(1.0, 3, sine, draw=False).splitlines()[0] == "sin(3 × 1.00) = 0.141"
    assert wave_readout(0.25, 0, sine, draw=False).splitlines()[0] == "sin(0 × 0.25) = 0.000"


def test_frequency_zero_is_a_flat_line():
    text = wave_readout(0.0, 5, sine, draw=False)
    assert text.splitlines() == [
        "sin(5 × 0.00) = 0.000",
        "Frequency 0 is a flat line: every position gets the same value.",
    ]


def test_drawing_marks_the_index_even_beyond_the_length():
    before = plt.get_fignums()
    text = wave_readout(0.5, 30, sine, length=20)
    assert text.startswith("sin(30 × 0.50) = 0.650")
    drawn = [number for number in plt.get_fignums() if number not in before]
    assert len(drawn) == 1  # one new figure
    figure = plt.figure(drawn[0])
    ax = figure.axes[0]
    marked = ax.lines[-1]
    assert list(marked.get_xdata()) == [30]
    assert len(ax.lines[1].get_xdata()) == 31  # the dots reach the marked index
    plt.close(figure)
