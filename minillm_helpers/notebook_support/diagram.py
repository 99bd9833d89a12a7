"""One picture of the whole GPT, token IDs in, probabilities out, the shape at every arrow:
B sequences of T tokens, width C, V the vocabulary. The residual stream runs down the middle:
each block reads it (through a layer norm) and writes back onto it with a `+`."""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from minillm_helpers.checks import InputTypeError, fail

STREAM_X = 2.1  # where the residual stream runs
COLOURS = {"io": "#e8e8e8", "embed": "#cfe2f3", "norm": "#fde9c9", "attention": "#d9ead3",
           "feed_forward": "#ead1dc", "output": "#cfe2f3", "stream": "#fff2b3"}
FONT = 10
SHAPE = dict(fontsize=FONT - 1, family="monospace", color="#1f4e79", zorder=4)  # "(B, T, C)"


def _box(ax, x, y, width, height, text, colour, size=FONT):
    """A rounded box centred on (x, y) with its text in the middle."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=COLOURS[colour], edgecolor="#444444", zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, zorder=4)


def _arrow(ax, start, end, label=None):
    """An arrow from start to end, with a shape label right of (or above) its middle."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                 color="#333333", linewidth=1.4, zorder=2))
    if label:
        x, y, vertical = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2, start[0] == end[0]
        ax.text(x + 0.12 * vertical, y + 0.14 * (not vertical), label,
                ha="left" if vertical else "center", va="center" if vertical else "bottom", **SHAPE)


def _sub_layer(ax, y_read, y_write, title, detail, colour, inner_shape):
    """Read the stream at y_read: layer norm, then the sub-layer; write back at y_write."""
    _arrow(ax, (STREAM_X, y_read), (3.1, y_read))  # read: a copy of the stream goes right
    _box(ax, 3.65, y_read, 1.1, 0.55, "layer norm", "norm", size=FONT - 1)
    _arrow(ax, (4.2, y_read), (5.25, y_read), "(B, T, C)")
    _box(ax, 6.95, y_read, 3.2, 1.0, f"{title}\n{detail}", colour, size=FONT - 0.5)
    ax.text(6.95, y_read - 0.72, inner_shape, ha="center", va="center", **SHAPE)
    ax.plot([8.55, 8.8, 8.8], [y_read, y_read, y_write], color="#333333", lw=1.4, zorder=2)
    _arrow(ax, (8.8, y_write), (STREAM_X + 0.2, y_write), "(B, T, C)")  # write back
    ax.add_patch(plt.Circle((STREAM_X, y_write), 0.17, facecolor="white", edgecolor="#333333",
                            linewidth=1.4, zorder=4))
    ax.text(STREAM_X, y_write - 0.01, "+", ha="center", va="center", fontsize=13, zorder=5)


def draw_gpt_diagram(config=None):
    """The GPT as a 9-inch figure; a GPTConfig puts its sizes in the caption."""
    if config is not None and not hasattr(config, "num_layers"):
        fail(InputTypeError, "config must be a GPTConfig (or None for the shapes alone), "
             f"got {type(config).__name__}")
    fig = plt.figure(figsize=(9, 11))
    ax = fig.add_axes((0, 0, 1, 1), xlim=(0, 9), ylim=(0, 11))
    ax.axis("off")
    ax.text(4.5, 10.65, "The mini GPT, from token IDs to probabilities", ha="center",
            fontsize=FONT + 4, weight="bold")
    if config is not None:
        ax.text(4.5, 10.3, f"B sequences of T ≤ {config.context_length} tokens · "
                f"C = {config.width} · {config.num_heads} heads · V = {config.vocab_size} · "
                f"{config.num_layers} blocks", ha="center", fontsize=FONT)
    # in: IDs, embeddings and positions, onto the stream
    _box(ax, STREAM_X, 9.75, 2.6, 0.55, "token IDs", "io")
    _arrow(ax, (STREAM_X, 9.47), (STREAM_X, 9.0), "(B, T)")
    _box(ax, 4.4, 8.7, 6.8, 0.6, "token embedding (V × C) × √C   +   sinusoidal positions (T × C)",
         "embed")
    # the residual stream: the road every block reads from and writes back to
    ax.add_patch(Rectangle((STREAM_X - 0.28, 2.35), 0.56, 6.05, facecolor=COLOURS["stream"],
                           edgecolor="none", zorder=1))
    ax.plot([STREAM_X, STREAM_X], [8.4, 2.35], color="#333333", lw=1.4, zorder=2)
    ax.text(STREAM_X - 0.75, 5.4, "residual stream  (B, T, C)\nthe road every block reads "
            "from and writes back to", rotation=90, ha="center", va="center",
            fontsize=FONT, style="italic", linespacing=1.6)
    # one block, repeated
    blocks = f"× {config.num_layers}" if config is not None else "× N"
    ax.add_patch(Rectangle((0.2, 3.0), 8.75, 5.15, facecolor="none", edgecolor="#777777",
                           linestyle="--", linewidth=1.2, zorder=1))
    ax.text(8.8, 7.9, f"one block, {blocks}", ha="right", fontsize=FONT, weight="bold")
    _sub_layer(ax, 7.1, 5.85, "masked multi-head attention",
               "tokens read earlier tokens", "attention", "weights (B, heads, T, T)")
    _sub_layer(ax, 4.75, 3.45, "feed-forward", "C → 4C, GELU, → C", "feed_forward",
               "inside: (B, T, 4C)")
    # out: final norm, output layer, softmax
    _arrow(ax, (STREAM_X, 2.35), (STREAM_X, 1.85), "(B, T, C)")
    _box(ax, STREAM_X, 1.6, 1.8, 0.5, "final layer norm", "norm")
    _arrow(ax, (STREAM_X + 0.9, 1.6), (4.25, 1.6), "(B, T, C)")
    _box(ax, 5.05, 1.6, 1.6, 0.5, "output layer", "output")
    _arrow(ax, (5.85, 1.6), (6.75, 1.6), "(B, T, V)")
    ax.text(6.3, 1.4, "logits", ha="center", va="top", fontsize=FONT - 1)
    _box(ax, 7.5, 1.6, 1.5, 0.5, "softmax", "output")
    _arrow(ax, (7.5, 1.35), (7.5, 0.8), "(B, T, V)")
    _box(ax, 7.5, 0.5, 2.6, 0.5, "probabilities of the next token", "io", size=FONT - 1)
    return fig
