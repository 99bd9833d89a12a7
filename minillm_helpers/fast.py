"""A faster forward pass for training: the same GPT, the same weights, fused attention.

`fused_forward(model, ids, targets)` runs a `minillm_helpers.model.GPT` through its
own submodules (embedding, positions buffer, norms, query/key/value/output layers,
feed-forward, output layer) but computes attention with PyTorch's fused
`torch.nn.functional.scaled_dot_product_attention` (no (T, T) weight matrix kept
for plots) and, optionally, inside bfloat16 autocast. `FastGPT` wraps a GPT so the
fused forward can be trained (and wrapped in DistributedDataParallel); its
parameters *are* the GPT's parameters. tests/test_kvcache.py checks that the fused
forward equals the plain one within float tolerance.
"""

from __future__ import annotations

import contextlib
import math

import torch
from torch import nn
from torch.nn import functional as F


def attention_sublayer(attention, x, causal=True):
    """Multi-head attention of `x` (B, T, width) with PyTorch's fused kernel."""
    batch, length, width = x.shape
    q = attention.split_heads(attention.query(x))  # (B, heads, T, head_width)
    k = attention.split_heads(attention.key(x))
    v = attention.split_heads(attention.value(x))
    out = attention_core(q, k, v, causal)  # (B, heads, T, head_width)
    out = out.transpose(1, 2).reshape(batch, length, width)  # (B, T, width): heads side by side
    return attention.output(out)


def attention_core(q, keys, values, causal=True):
    """Queries (B, h, T, d) for the last T of the keys (B, h, S, d): query t sees keys 0..S-T+t."""
    length, total = q.shape[2], keys.shape[2]
    if not causal or length == 1:
        return F.scaled_dot_product_attention(q, keys, values)
    if length == total:
        return F.scaled_dot_product_attention(q, keys, values, is_causal=True)
    allowed = torch.ones(length, total, dtype=torch.bool, device=q.device).tril(total - length)
    return F.scaled_dot_product_attention(q, keys, values, attn_mask=allowed)


def embed(model, ids, start: int = 0):
    """Token embeddings * sqrt(width) + positions start..start+T-1, as GPT.forward does."""
    length = ids.shape[1]
    scale = math.sqrt(model.config.width)
    x = model.token_embedding(ids) * scale + model.positions[start : start + length]
    return model.dropout(x)  # (B, T, width)


def block_forward(block, x, causal=True):
    x = x + block.dropout(attention_sublayer(block.attention, block.norm1(x), causal))
    return x + block.feed_forward(block.norm2(x))


def autocast_context(device_type: str, bf16: bool):
    if not bf16:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device_type, dtype=torch.bfloat16)


def fused_forward(model, ids, targets=None, bf16: bool = False):
    """Return (logits, loss) like GPT.forward, with fused attention (and bf16 if asked)."""
    model.check_input(ids)
    with autocast_context(ids.device.type, bf16):
        x = embed(model, ids)
        for block in model.blocks:
            x = block_forward(block, x, model.config.causal)
        logits = model.output(model.final_norm(x))  # (B, T, vocab)
    logits = logits.float()
    loss = None
    if targets is not None:
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    return logits, loss


class FastGPT(nn.Module):
    """Trainable wrapper: forward(ids, targets) = fused_forward(gpt, ...); same parameters."""

    def __init__(self, gpt, bf16: bool = False):
        super().__init__()
        self.gpt = gpt
        self.bf16 = bf16

    @property
    def config(self):
        return self.gpt.config

    def forward(self, ids, targets=None):
        return fused_forward(self.gpt, ids, targets, bf16=self.bf16)


class AdamW:
    """AdamW (decoupled weight decay), the same update as torch.optim.AdamW's.

    Written out because creating a torch.optim optimizer imports torch._dynamo (and
    sympy): about 77 MiB of resident memory measured here, for a model of 3 MiB.
    Parameter groups, `lr` per group, state_dict/load_state_dict (plain tensors and
    numbers, so checkpoints load with weights_only=True) work as in torch.optim.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        params = list(params)
        groups = params if params and isinstance(params[0], dict) else [{"params": params}]
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay}
        self.param_groups = [
            {**defaults, **group, "params": list(group["params"])} for group in groups
        ]
        self.state = {}  # index of the parameter -> {"step", "exp_avg", "exp_avg_sq"}

    def parameters(self):
        return [p for group in self.param_groups for p in group["params"]]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        index = 0
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is not None:
                    state = self.state.setdefault(
                        index,
                        {
                            "step": 0,
                            "exp_avg": torch.zeros_like(p),
                            "exp_avg_sq": torch.zeros_like(p),
                        },
                    )
                    state["step"] += 1
                    t = state["step"]
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                    state["exp_avg"].lerp_(p.grad, 1 - beta1)
                    state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                    denominator = (state["exp_avg_sq"] / (1 - beta2**t)).sqrt_().add_(group["eps"])
                    p.addcdiv_(state["exp_avg"], denominator, value=-group["lr"] / (1 - beta1**t))
                index += 1

    def state_dict(self) -> dict:
        groups = [{k: (list(v) if k == "betas" else v) for k, v in g.items() if k != "params"}
                  for g in self.param_groups]  # fmt: skip
        return {"state": {i: dict(s) for i, s in self.state.items()}, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("The optimizer state has a different number of parameter groups.")
        for group, saved in zip(self.param_groups, groups, strict=True):
            group.update({k: (tuple(v) if k == "betas" else v) for k, v in saved.items()})
        sizes = [p.shape for p in self.parameters()]
        state = {}
        for i, s in state_dict["state"].items():
            i = int(i)
            if i >= len(sizes) or s["exp_avg"].shape != sizes[i]:
                raise ValueError(f"The optimizer state for parameter {i} does not fit this model.")
            state[i] = {"step": int(s["step"]), "exp_avg": s["exp_avg"].clone(),
                        "exp_avg_sq": s["exp_avg_sq"].clone()}  # fmt: skip
        self.state = state
