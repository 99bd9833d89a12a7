"""Notebook 02's widget: pick a word, see its nearest neighbours."""

import matplotlib.pyplot as plt

from minillm_helpers.checks import InputError, InputTypeError, check_int, fail


def neighbours_readout(word, nearest, k=5, draw=False):
    """nearest(word, k)'s [(word, cosine), ...] as "Nearest to king: queen 0.87, ..." (and bars)."""
    if not isinstance(word, str) or not word:
        fail(InputTypeError, f"Pick a word (a non-empty str), got {word!r}")
    check_int("k", k)
    neighbours = [(str(other), float(cosine)) for other, cosine in nearest(word, k)]
    if not neighbours:
        fail(InputError, f"nearest({word!r}, {k}) found no neighbours",
             "the vocabulary needs at least two words")
    if draw:
        fig, ax = plt.subplots(figsize=(5, 0.35 * len(neighbours) + 1.2))
        ax.barh(*zip(*neighbours[::-1], strict=True), color="tab:blue")  # the nearest on top
        ax.set(xlim=(-1, 1), xlabel="cosine similarity", title=f"Nearest to '{word}'")
        ax.axvline(0, color="gray", linewidth=0.8)
        fig.tight_layout()
        plt.show()
    return f"Nearest to {word}: " + ", ".join(f"{w} {cosine:.2f}" for w, cosine in neighbours)
