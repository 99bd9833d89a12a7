"""Small matplotlib helpers shared by the notebooks. No concept code lives here."""

from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np


def text_colour_on(rgba) -> str:
    """Black on a pale background, white on a dark one, by the colour's brightness to an eye."""
    red, green, blue = rgba[:3]
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def heatmap(matrix, row_labels=None, col_labels=None, title=None, ax=None, cmap="viridis",
            annotate=True, vmin=None, vmax=None):
    """Draw a 2-D array as coloured cells, with the numbers written in unless annotate=False."""
    values = np.asarray(matrix, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.6 * values.shape[1] + 2, 0.5 * values.shape[0] + 1.5))
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    if row_labels is not None:
        ax.set_yticks(range(len(row_labels)), labels=row_labels)
    if col_labels is not None:
        ax.set_xticks(range(len(col_labels)), labels=col_labels, rotation=45, ha="right")
    if annotate and values.size <= 400:
        for (i, j), value in np.ndenumerate(values):
            cell = image.cmap(image.norm(value))  # the colour the cell is painted
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                    color=text_colour_on(cell))
    if title:
        ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def loss_curves(history, title="Loss while training", baseline=None):
    """The project's one loss plot (notebooks, `minillm train`'s loss.png): a TrainingHistory's
    batch losses (faint), evaluated losses (dots) and a baseline (notebook 07's bigram) dashed."""
    _, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(history.steps, history.losses, alpha=0.35, label="training batch")
    if history.eval_steps:
        ax.plot(history.eval_steps, history.train_eval, "o-", label="training (evaluated)")
        if history.val_eval:
            ax.plot(history.eval_steps, history.val_eval, "s-", label="validation")
    if baseline is not None:
        ax.axhline(baseline, color="gray", linestyle="--", label=f"bigram {baseline:.2f}")
    ax.set(xlabel="step", ylabel="cross-entropy loss", title=title)
    ax.legend(loc="upper right")
    return ax


def show(title, matrix, rows, cols, digits=2):
    """Print a small matrix with a label on every row and column, numbers rounded.

    >>> show("weights", [[0.5, 0.25], [1, 0]], ["cat", "sat"], ["a", "b"])
    weights
               a      b
    cat     0.50   0.25
    sat     1.00   0.00
    """
    cell = max(digits + 5, *(len(str(c)) + 1 for c in cols))
    left = max(len(str(r)) for r in rows) + 2
    print(title)
    print(" " * left + "".join(f"{c:>{cell}}" for c in cols))
    for label, row in zip(rows, matrix, strict=True):
        print(f"{label:<{left}}" + "".join(f"{float(v):>{cell}.{digits}f}" for v in row))


def id_strips(orders: dict):
    """One row of boxes per {name: vocabulary list}: each character over its ID (its place)."""
    fig, axes = plt.subplots(len(orders), 1, figsize=(7, 1.2 * len(orders)), squeeze=False)
    for ax, (name, vocabulary) in zip(axes[:, 0], orders.items(), strict=True):
        for token_id, unit in enumerate(vocabulary):
            ax.add_patch(plt.Rectangle((token_id, 0), 0.9, 0.9, color="tab:blue", alpha=0.15))
            ax.text(token_id + 0.45, 0.55, "space" if unit == " " else unit,
                    ha="center", va="center", fontsize=12)
            ax.text(token_id + 0.45, 0.15, str(token_id), ha="center", va="center",
                    fontsize=9, color="tab:blue")
        ax.set(xlim=(0, len(vocabulary)), ylim=(0, 0.95))
        ax.set_title(name, fontsize=10)
        ax.axis("off")
    fig.suptitle("Same characters, different ID labels (IDs in blue)")
    fig.tight_layout()
    return fig


def bar_panels(panels: dict, labels, colors=("tab:blue", "tab:orange", "tab:green")):
    """Side-by-side bar charts with shared labels: {title: [value per label]}, in `colors`."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3), squeeze=False)
    for ax, (title, values) in zip(axes[0], panels.items(), strict=True):
        ax.bar(list(labels), list(values), color=list(colors))
        ax.set_title(title)
    fig.tight_layout()
    return fig


PAD, DOT, GAP = 0.012, 0.012, 0.004  # label to its point, room around a dot, between labels


def spread_labels(anchors, sizes, rounds=20):
    """Lower-left corners for labels of `sizes` (width, height) at `anchors`, none overlapping
    another or a point: a label on a point steps right past it, two overlapping split apart."""
    places = [[x + PAD, y - height / 2] for (x, y), (_, height) in zip(anchors, sizes, strict=True)]
    for _ in range(rounds):
        moved = False
        for i, ((x, y), (width, height)) in enumerate(zip(places, sizes, strict=True)):
            for k, (dot_x, dot_y) in enumerate(anchors):
                covers = x - DOT < dot_x < x + width + DOT and y - DOT < dot_y < y + height + DOT
                if k != i and covers:
                    places[i][0] = x = dot_x + PAD
                    moved = True
        for i, j in combinations(range(len(places)), 2):
            (xi, yi), (wi, hi) = places[i], sizes[i]
            (xj, yj), (wj, hj) = places[j], sizes[j]
            across = min(xi + wi, xj + wj) - max(xi, xj)
            up = min(yi + hi, yj + hj) - max(yi, yj)
            if across > 0 and up > -GAP:  # overlapping, or closer than GAP
                lower, upper = (i, j) if (yi, i) < (yj, j) else (j, i)
                places[lower][1] -= (up + GAP) / 2
                places[upper][1] += (up + GAP) / 2
                moved = True
        if not moved:
            break
    return [tuple(place) for place in places]


def word_scatter(points, words, colours, ax, title, fontsize=10):
    """Words as labelled dots at 2-D points, labels spread apart (a line to a moved one's dot)."""
    points = np.asarray([[float(x), float(y)] for x, y in points])
    ax.scatter(points[:, 0], points[:, 1], c=colours)
    low, high = points.min(axis=0), points.max(axis=0)
    margin = 0.15 * np.maximum(high - low, 1e-9)
    ax.set_xlim(low[0] - margin[0], high[0] + 2 * margin[0])  # room on the right for labels
    ax.set_ylim(low[1] - margin[1], high[1] + margin[1])
    box = ax.get_position()  # the axes, in fractions of the figure
    width_in, height_in = ax.figure.get_size_inches() * (box.width, box.height)
    letter = fontsize / 72  # points to inches
    sizes = [(0.62 * letter * len(word) / width_in, 1.25 * letter / height_in) for word in words]
    limits = np.array([ax.get_xlim(), ax.get_ylim()])  # [[x0, x1], [y0, y1]]
    anchors = (points - limits[:, 0]) / (limits[:, 1] - limits[:, 0])  # in fractions of the axes
    places = spread_labels([tuple(a) for a in anchors], sizes)
    for point, anchor, place, size, word in zip(points, anchors, places, sizes, words, strict=True):
        far = abs(place[1] + size[1] / 2 - anchor[1]) > 0.02 or place[0] - anchor[0] > 0.03
        ax.annotate(word, tuple(point), xytext=place, textcoords="axes fraction",
                    fontsize=fontsize, va="bottom", ha="left",
                    arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.8} if far else None)
    ax.set_title(title)
    return ax
