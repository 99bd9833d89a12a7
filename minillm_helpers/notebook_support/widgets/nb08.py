"""Widget for notebook 08: build a deep stack with or without residuals and layer norm,
and see how much gradient reaches each block and how big the vectors are between blocks.

The notebook passes in its own concept functions: `build(num_blocks, residual,
layer_norm)` returns an untrained model, `gradients(model)` the gradient's size on each
block, `scales(model)` the activations' size entering block 1 and leaving each block.
This module only calls them, formats and draws.
"""

from __future__ import annotations


def stack_controls(max_blocks: int = 16) -> dict:
    """The widget's three controls, by argument name, for `ipywidgets.interact`."""
    import ipywidgets as widgets

    full = {"style": {"description_width": "initial"}}
    return {
        "num_blocks": widgets.IntSlider(value=8, min=1, max=max_blocks, description="Blocks",
                                        continuous_update=False, **full),
        "residual": widgets.Checkbox(value=False, description="Residual connections", **full),
        "layer_norm": widgets.Checkbox(value=False, description="Layer norm", **full),
    }


def stack_readout(num_blocks, residual, layer_norm, build, gradients, scales,
                  draw=False) -> str:
    """Measure a fresh stack; return two lines (and draw two bar charts with draw=True):
        "8 blocks, residuals off, layer norm off"
        "gradient at block 1: 1.2e-09 (block 8: 1.5e-01, 1.3e+08 times more); activations
         1.22 entering, 0.03 leaving block 8"
    """
    if isinstance(num_blocks, bool) or not isinstance(num_blocks, int) or num_blocks < 1:
        raise ValueError(f"num_blocks must be a whole number >= 1, got {num_blocks!r}.")
    model = build(num_blocks, residual, layer_norm)
    grads, sizes = gradients(model), scales(model)
    if len(grads) != num_blocks or len(sizes) != num_blocks + 1:
        raise ValueError(f"gradients must give {num_blocks} numbers and scales {num_blocks + 1} "
                         f"(entering block 1, then leaving each block); got {len(grads)} and "
                         f"{len(sizes)}.")
    title = (f"{num_blocks} blocks, residuals {'on' if residual else 'off'}, "
             f"layer norm {'on' if layer_norm else 'off'}")
    ratio = grads[-1] / grads[0] if grads[0] > 0 else float("inf")
    text = (f"{title}\ngradient at block 1: {grads[0]:.1e} (block {num_blocks}: {grads[-1]:.1e}, "
            f"{ratio:.1e} times more); activations {sizes[0]:.2f} entering, {sizes[-1]:.2f} "
            f"leaving block {num_blocks}")
    if draw:
        import matplotlib.pyplot as plt

        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
        left.bar(range(1, num_blocks + 1), grads, color="tab:purple")
        left.set_yscale("log")
        left.set_xlabel("block")
        left.set_title("gradient reaching each block")
        right.plot(range(num_blocks + 1), sizes, "o-", color="tab:orange")
        right.set_xlabel("after block (0: the embeddings)")
        right.set_ylim(bottom=0)
        right.set_title("size of the vectors (root mean square)")
        fig.suptitle(title)
        plt.show()
    return text
