"""Widget callback for notebook 02: pick a word, see its nearest neighbours.

The search itself (`nearest_neighbours`, built in the notebook) is passed in.
"""

from __future__ import annotations


def neighbours_readout(word, nearest, k=5, draw=False):
    """Describe the k words nearest to `word`, largest cosine first.

    `nearest` is called as nearest(word, k) and returns [(word, cosine), ...].
    Returns one line, e.g. "Nearest to king: queen 0.87, dog 0.31, ..."
    and, with draw=True, also draws the cosines as a bar chart.
    """
    if not isinstance(word, str) or not word:
        raise TypeError(f"Pick a word (a non-empty str), got {word!r}.")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}.")
    neighbours = [(str(other), float(cosine)) for other, cosine in nearest(word, k)]
    if not neighbours:
        raise ValueError(f"nearest({word!r}, {k}) found no neighbours: the vocabulary needs "
                         "at least two words.")
    listing = ", ".join(f"{other} {cosine:.2f}" for other, cosine in neighbours)
    if draw:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 0.35 * len(neighbours) + 1.2))
        labels = [other for other, _ in neighbours][::-1]  # the nearest on top
        ax.barh(labels, [cosine for _, cosine in neighbours][::-1], color="tab:blue")
        ax.set_xlim(-1, 1)
        ax.axvline(0, color="gray", linewidth=0.8)
        ax.set_xlabel("cosine similarity")
        ax.set_title(f"Nearest to '{word}'")
        fig.tight_layout()
        plt.show()
    return f"Nearest to {word}: {listing}"
