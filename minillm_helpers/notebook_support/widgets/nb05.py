"""Notebook 05's widget: switch the causal mask on and off, watch the weights."""

import matplotlib.pyplot as plt

from minillm_helpers.checks import InputError, fail
from minillm_helpers.notebook_support.plotting import heatmap
from minillm_helpers.notebook_support.widgets.nb04 import check_rows


def mask_readout(mask_on, tokens, queries, keys, values, attention, make_mask, draw=False):
    """The weight on later tokens through attention(..., mask) with or without make_mask(T)."""
    tokens = list(tokens)
    if not tokens:
        fail(InputError, "Give at least one token")
    check_rows(tokens, queries, keys, values)
    _, weights = attention(queries, keys, values, make_mask(len(tokens)) if mask_on else None)
    later = [float(weights[i, i + 1 :].sum()) for i in range(len(tokens))]  # on the future
    state = "on" if mask_on else "off"
    if draw:
        _, ax = plt.subplots(figsize=(5.5, 4.2))
        heatmap(weights.detach(), row_labels=tokens, col_labels=tokens, ax=ax, vmin=0, vmax=1,
                title=f"Attention weights, mask {state}")
        ax.set(xlabel="looked at (key)", ylabel="looking (query)")
        plt.show()
    rows = ", ".join(f"{token} {w:.2f}" for token, w in zip(tokens, later, strict=True))
    return (f"Mask {state}: weights above the diagonal sum to {sum(later):.2f}\n"
            f"Weight on later tokens, row by row: {rows}")
