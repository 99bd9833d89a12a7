"""Stage 8 (notebook 08): the GPT block taken apart, one switch per piece.

`Rung` is notebook 06's `GPT` with its blocks swapped for `LadderBlock`s, which can leave
out the feed-forward layer, the residual connections or the layer norms; a Rung can also
go without positions. With every switch on it is the GPT itself: it holds the same
weights (a GPT's state_dict loads into it) and computes the same scores. The package's
GPT has no switches.

Two measurements for deep stacks: `gradient_per_block` (how much of the loss's gradient
reaches each block) and `activation_scales` (how big the vectors are as they pass from
block to block).

>>> from minillm_helpers.model import GPTConfig
>>> config = GPTConfig(vocab_size=5, context_length=8, width=8, num_heads=2, num_layers=3)
>>> rung = Rung(config, residual=False)
>>> logits, loss = rung(torch.zeros(1, 4, dtype=torch.long))
>>> tuple(logits.shape), loss, len(activation_scales(rung, torch.zeros(1, 4, dtype=torch.long)))
((1, 4, 5), None, 4)
"""

from __future__ import annotations

import torch
from torch import nn

from minillm_helpers.model import GPT, Block, GPTConfig


class LadderBlock(Block):
    """The GPT's Block with switches: no feed-forward layer, no residuals, no layer norms."""

    def __init__(self, config: GPTConfig, feed_forward=True, residual=True, layer_norm=True):
        super().__init__(config)  # norm1, attention, norm2, feed_forward: the GPT's pieces
        self.residual = residual
        if not layer_norm:
            self.norm1 = self.norm2 = nn.Identity()  # the sub-layers read x as it is
        if not feed_forward:
            self.feed_forward = None

    def add(self, x, update):
        """With a residual the sub-layer's update is added to x; without, it replaces x."""
        return x + update if self.residual else update

    def forward(self, x, *for_attention):  # what the GPT hands every block: mask, is_causal
        x = self.add(x, self.dropout(self.attention(self.norm1(x), *for_attention)))  # (B, T, C)
        if self.feed_forward is not None:
            x = self.add(x, self.feed_forward(self.norm2(x)))
        return x


class Rung(GPT):
    """The GPT with switchable blocks (and positions): one rung of the ladder."""

    def __init__(self, config: GPTConfig, *, feed_forward=True, residual=True,
                 layer_norm=True, positions=True):
        super().__init__(config)  # embeddings, positions, blocks, final norm, output layer
        self.blocks = nn.ModuleList(LadderBlock(config, feed_forward, residual, layer_norm)
                                    for _ in range(config.num_layers))
        if not layer_norm:
            self.final_norm = nn.Identity()
        if not positions:
            self.positions.zero_()  # every position adds nothing: the order is invisible


def gradient_per_block(model, ids, targets) -> list[float]:
    """How big the loss's gradient is on each block's weights (its norm), first block first."""
    model.zero_grad(set_to_none=True)
    model(ids, targets)[1].backward()
    sizes = [torch.cat([p.grad.flatten() for p in block.parameters()]).norm()
             for block in model.blocks]
    model.zero_grad(set_to_none=True)
    return [float(size) for size in sizes]


def root_mean_square(x) -> float:
    """The typical size of the numbers in x, whatever their sign."""
    return float(x.pow(2).mean().sqrt())


@torch.no_grad()
def activation_scales(model, ids) -> list[float]:
    """The typical size of the vectors entering the first block, then leaving each block."""
    vectors = []  # what the embeddings hand to block 1, then what each block hands on
    hooks = [model.blocks[0].register_forward_pre_hook(lambda block, args: vectors.append(args[0]))]
    hooks += [block.register_forward_hook(lambda block, args, output: vectors.append(output))
              for block in model.blocks]
    model(ids)
    for hook in hooks:
        hook.remove()
    return [root_mean_square(vector) for vector in vectors]
