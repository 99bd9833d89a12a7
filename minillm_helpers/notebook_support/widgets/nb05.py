"""Widget callback for notebook 05: switch the causal mask on and off, watch the weights.

The attention function and the mask function are the ones the notebook builds;
they are passed in, so this module holds no concept code.
"""

from __future__ import annotations


def mask_readout(mask_on, tokens, queries, keys, values, attention, make_mask, draw=False):
    """Attend over `tokens` with or without the causal mask and describe the weights.

    `attention(query, key, value, mask)` returns (output, weights); `make_mask(T)`
    returns the (T, T) boolean causal mask. Returns two lines, e.g.
        "Mask on: weights above the diagonal sum to 0.00"
        "Weight on later tokens, row by row: The 0.00, cat 0.00, ..."
    and, with draw=True, draws the weight matrix as a heatmap.
    """
    tokens = list(tokens)
    length = len(tokens)
    if length < 1:
        raise ValueError("Give at least one token.")
    if not length == len(queries) == len(keys) == len(values):
        raise ValueError(
            f"Need one query, key and value row per token: got {length} tokens, "
            f"{len(queries)} queries, {len(keys)} keys, {len(values)} values."
        )
    mask = make_mask(length) if mask_on else None
    _, weights = attention(queries, keys, values, mask)  # (T, T)
    later = [float(weights[i, i + 1 :].sum()) for i in range(length)]  # weight on the future
    total = sum(later)
    state = "on" if mask_on else "off"
    rows = ", ".join(f"{token} {w:.2f}" for token, w in zip(tokens, later, strict=True))
    text = (f"Mask {state}: weights above the diagonal sum to {total:.2f}\n"
            f"Weight on later tokens, row by row: {rows}")
    if draw:
        import matplotlib.pyplot as plt

        from minillm_helpers.notebook_support.plotting import heatmap

        _, ax = plt.subplots(figsize=(5.5, 4.2))
        heatmap(weights.detach(), row_labels=tokens, col_labels=tokens, ax=ax, vmin=0, vmax=1,
                title=f"Attention weights, mask {state}")
        ax.set_xlabel("looked at (key)")
        ax.set_ylabel("looking (query)")
        plt.show()
    return text
