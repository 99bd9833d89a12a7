"""Widget callback for notebook 04: pick a query word, see where its attention goes.

The attention function itself is the one the notebook builds; it is passed in.
"""

from __future__ import annotations


def attention_readout(word, tokens, queries, keys, values, attention, scale=1.0, top=3,
                      draw=False):
    """Attend from `word` to every token and describe where the weight goes.

    `queries`, `keys`, `values` hold one row per token of `tokens`; `attention`
    is called as attention(query, key, value) -> (output, weights). `scale`
    multiplies the chosen word's query (a bigger query gives sharper attention).
    Returns two lines, e.g.
        "bank attends to: river 0.80, muddy 0.11, The 0.01"
        "bank's output: [0.92, 0.01, 0.06] (its own value: [0.50, 0.50, 0.00])"
    and, with draw=True, draws the weights as a bar chart.
    """
    tokens = list(tokens)
    if word not in tokens:
        raise ValueError(f"{word!r} is not one of the tokens {tokens}: pick a word of the sentence")
    if not len(tokens) == len(queries) == len(keys) == len(values):
        raise ValueError(
            f"Need one query, key and value row per token: got {len(tokens)} tokens, "
            f"{len(queries)} queries, {len(keys)} keys, {len(values)} values."
        )
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a whole number of at least 1, got {top!r}.")
    position = tokens.index(word)
    query = queries[position : position + 1] * scale  # (1, d_k)
    output, weights = attention(query, keys, values)  # (1, d_v), (1, T)
    row = [float(w) for w in weights[0]]
    # Largest weight first; equal weights keep sentence order (rounding makes ties exact).
    order = sorted(range(len(tokens)), key=lambda j: (-round(row[j], 6), j))[:top]
    listing = ", ".join(f"{tokens[j]} {row[j]:.2f}" for j in order)
    out = ", ".join(f"{float(v):.2f}" for v in output[0])
    own = ", ".join(f"{float(v):.2f}" for v in values[position])
    text = f"{word} attends to: {listing}\n{word}'s output: [{out}] (its own value: [{own}])"
    if draw:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 2.8))
        bars = ax.bar(range(len(tokens)), row, color="tab:blue")
        bars[order[0]].set_color("tab:orange")
        ax.set_xticks(range(len(tokens)), labels=tokens)
        ax.set_ylim(0, 1)
        ax.set_ylabel("attention weight")
        ax.set_title(f"Where '{word}' looks (query scale {scale:.2f})")
        plt.show()
    return text
