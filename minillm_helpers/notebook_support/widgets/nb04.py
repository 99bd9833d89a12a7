"""Notebook 04's widget: pick a query word, see where its attention goes."""

import matplotlib.pyplot as plt

from minillm_helpers.checks import InputError, check_int, fail


def check_rows(tokens, queries, keys, values) -> None:
    """One query, key and value row per token."""
    if not len(tokens) == len(queries) == len(keys) == len(values):
        fail(InputError, f"Need one query, key and value row per token: got {len(tokens)} tokens, "
             f"{len(queries)} queries, {len(keys)} keys, {len(values)} values")


def attention_readout(word, tokens, queries, keys, values, attention, scale=1.0, top=3,
                      draw=False):
    """Where `word` attends (its `top` largest weights) and what it gets, through the notebook's
    attention(query, key, value) with its query times `scale`; with draw=True, also as bars."""
    tokens = list(tokens)
    if word not in tokens:
        fail(InputError, f"{word!r} is not one of the tokens {tokens}: pick a word of the sentence")
    check_rows(tokens, queries, keys, values)
    check_int("top", top)
    position = tokens.index(word)
    output, weights = attention(queries[position : position + 1] * scale, keys, values)
    row = [float(w) for w in weights[0]]
    # Largest weight first; equal weights keep sentence order (rounding makes ties exact).
    order = sorted(range(len(tokens)), key=lambda j: (-round(row[j], 6), j))[:top]
    listing = ", ".join(f"{tokens[j]} {row[j]:.2f}" for j in order)
    out, own = (", ".join(f"{float(v):.2f}" for v in vector)
                for vector in (output[0], values[position]))
    if draw:
        _, ax = plt.subplots(figsize=(6, 2.8))
        ax.bar(range(len(tokens)), row, color="tab:blue")[order[0]].set_color("tab:orange")
        ax.set_xticks(range(len(tokens)), labels=tokens)
        ax.set(ylim=(0, 1), ylabel="attention weight",
               title=f"Where '{word}' looks (query scale {scale:.2f})")
        plt.show()
    return f"{word} attends to: {listing}\n{word}'s output: [{out}] (its own value: [{own}])"
