"""Small matplotlib helpers shared by the notebooks. No concept code lives here."""

from __future__ import annotations

import matplotlib.pyplot as plt


def heatmap(matrix, row_labels=None, col_labels=None, title=None, ax=None, cmap="viridis",
            annotate=True, fmt="{:.2f}", vmin=None, vmax=None):
    """Draw a 2-D array as coloured cells, optionally with the numbers written in."""
    import numpy as np

    values = np.asarray(matrix, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.6 * values.shape[1] + 2, 0.5 * values.shape[0] + 1.5))
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    if row_labels is not None:
        ax.set_yticks(range(len(row_labels)), labels=row_labels)
    if col_labels is not None:
        ax.set_xticks(range(len(col_labels)), labels=col_labels, rotation=45, ha="right")
    if annotate and values.size <= 400:
        middle = (values.max() + values.min()) / 2
        for (i, j), value in np.ndenumerate(values):
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8,
                    color="black" if value > middle else "white")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def loss_curves(history, title="Loss while training", ax=None):
    """Plot a TrainingHistory-like object: per-step loss plus any evaluation points."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(history.steps, history.losses, alpha=0.35, label="training batch")
    if getattr(history, "eval_steps", None):
        ax.plot(history.eval_steps, history.train_eval, "o-", label="training (evaluated)")
        if history.val_eval:
            ax.plot(history.eval_steps, history.val_eval, "s-", label="validation")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy loss")
    ax.set_title(title)
    ax.legend()
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


def id_strips(orders: dict, title="Same characters, different ID labels (IDs in blue)"):
    """One row of boxes per numbering: each character with its ID (its place) under it.

    `orders` maps a name to a vocabulary list, e.g. {"sorted": [" ", "d", ...]}.
    """
    fig, axes = plt.subplots(len(orders), 1, figsize=(7, 1.2 * len(orders)), squeeze=False)
    for ax, (name, vocabulary) in zip(axes[:, 0], orders.items(), strict=True):
        for token_id, unit in enumerate(vocabulary):
            ax.add_patch(plt.Rectangle((token_id, 0), 0.9, 0.9, color="tab:blue", alpha=0.15))
            ax.text(token_id + 0.45, 0.55, "space" if unit == " " else unit,
                    ha="center", va="center", fontsize=12)
            ax.text(token_id + 0.45, 0.15, str(token_id), ha="center", va="center",
                    fontsize=9, color="tab:blue")
        ax.set_xlim(0, len(vocabulary))
        ax.set_ylim(0, 0.95)
        ax.set_title(name, fontsize=10)
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def bar_panels(panels: dict, labels, colors=("tab:blue", "tab:orange", "tab:green")):
    """Side-by-side bar charts sharing their bar labels: {panel title: [value per label]}."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3), squeeze=False)
    for ax, (title, values) in zip(axes[0], panels.items(), strict=True):
        ax.bar(list(labels), list(values), color=list(colors)[: len(values)])
        ax.set_title(title)
    fig.tight_layout()
    return fig


def word_scatter(points, words, colours, ax, title):
    """Words as labelled dots at 2-D points (a PCA view), labels nudged so they do not collide."""
    points = [tuple(map(float, point)) for point in points]
    ax.scatter([x for x, _ in points], [y for _, y in points], c=colours)
    for n, ((x, y), word) in enumerate(zip(points, words, strict=True)):
        ax.annotate(word, (x, y), textcoords="offset points", xytext=(5, 5 if n % 2 else -12))
    ax.set_title(title)
    return ax
