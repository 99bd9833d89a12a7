"""Notebook 08's widget: build a deep stack with or without residuals and layer norm, and see
how much gradient reaches each block and how big the vectors are between blocks."""

import ipywidgets as widgets
import matplotlib.pyplot as plt

from minillm_helpers.checks import InputError, check_int, fail
from minillm_helpers.notebook_support.widgets.nb06 import control


def stack_controls(max_blocks: int = 16) -> dict:
    """The widget's three controls, by argument name, for `ipywidgets.interact`."""
    return {"num_blocks": control(widgets.IntSlider, "Blocks", value=8, min=1, max=max_blocks,
                                  continuous_update=False),
            "residual": control(widgets.Checkbox, "Residual connections"),
            "layer_norm": control(widgets.Checkbox, "Layer norm")}


def stack_readout(num_blocks, residual, layer_norm, build, gradients, scales,
                  draw=False) -> str:
    """What the notebook's build(num_blocks, residual, layer_norm) stack is called, the gradient
    on its first and last block (gradients(model): one per block) and the vectors' size entering
    and leaving it (scales(model): entering block 1, then leaving each); draw=True: as charts."""
    check_int("num_blocks", num_blocks)
    model = build(num_blocks, residual, layer_norm)
    grads, sizes = gradients(model), scales(model)
    if len(grads) != num_blocks or len(sizes) != num_blocks + 1:
        fail(InputError, f"gradients must give {num_blocks} numbers and scales {num_blocks + 1} "
             f"(entering block 1, then leaving each block); got {len(grads)} and {len(sizes)}")
    title = (f"{num_blocks} blocks, residuals {'on' if residual else 'off'}, "
             f"layer norm {'on' if layer_norm else 'off'}")
    if draw:
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
        left.bar(range(1, num_blocks + 1), grads, color="tab:purple")
        left.set(yscale="log", xlabel="block", title="gradient reaching each block")
        right.plot(range(num_blocks + 1), sizes, "o-", color="tab:orange")
        right.set(xlabel="after block (0: the embeddings)", ylim=(0, None),
                  title="size of the vectors (root mean square)")
        fig.suptitle(title)
        plt.show()
    ratio = grads[-1] / grads[0] if grads[0] > 0 else float("inf")
    return (f"{title}\ngradient at block 1: {grads[0]:.1e} (block {num_blocks}: "
            f"{grads[-1]:.1e}, {ratio:.1e} times more); activations {sizes[0]:.2f} entering, "
            f"{sizes[-1]:.2f} leaving block {num_blocks}")
