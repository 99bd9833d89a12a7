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


def fused_kernel_fits(params) -> bool:
    """Whether PyTorch's fused AdamW kernel can update these parameters: float32, dense,
    all on the CPU or all on one CUDA device (elsewhere, e.g. Apple's MPS, the loop runs)."""
    devices = {p.device for p in params}
    return (
        hasattr(torch, "_fused_adamw_")
        and len(devices) == 1
        and next(iter(devices)).type in ("cpu", "cuda")
        and all(p.dtype == torch.float32 and not p.grad.is_sparse for p in params)
    )


class AdamW:
    """AdamW (decoupled weight decay), the same update as torch.optim.AdamW's.

    Written out because creating a torch.optim optimizer imports torch._dynamo (and
    sympy): about 77 MiB of resident memory measured here, for a model of 3 MiB.
    Parameter groups, `lr` per group, state_dict/load_state_dict (plain tensors and
    numbers, so checkpoints load with weights_only=True) work as in torch.optim.
    Where it fits (see `fused_kernel_fits`) each group is updated by PyTorch's fused
    kernel in one call; `fused=False` runs the written-out loop instead (the tests
    check that both take torch.optim.AdamW's steps).
    """

    def __init__(
        self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, fused=True
    ):
        self.fused = fused
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
            ready = []  # (parameter, its state) for those with a gradient this step
            for p in group["params"]:
                if p.grad is not None:
                    state = self.state.setdefault(
                        index,
                        {"step": 0, "exp_avg": torch.zeros_like(p),
                         "exp_avg_sq": torch.zeros_like(p)},
                    )  # fmt: skip
                    state["step"] += 1
                    ready.append((p, state))
                index += 1
            if ready and self.fused and fused_kernel_fits([p for p, _ in ready]):
                self._fused_update(group, ready)
            else:
                for p, state in ready:
                    self._update(group, p, state)

    @staticmethod
    def _update(group, p, state) -> None:
        """One parameter's AdamW update, written out (the reference the fused kernel matches)."""
        beta1, beta2 = group["betas"]
        t = state["step"]
        p.mul_(1 - group["lr"] * group["weight_decay"])  # decoupled weight decay
        state["exp_avg"].lerp_(p.grad, 1 - beta1)
        state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
        denominator = (state["exp_avg_sq"] / (1 - beta2**t)).sqrt_().add_(group["eps"])
        p.addcdiv_(state["exp_avg"], denominator, value=-group["lr"] / (1 - beta1**t))

    @staticmethod
    def _fused_update(group, ready) -> None:
        """The same update for all of a group's parameters in one call of PyTorch's fused
        AdamW kernel (the one behind torch.optim.AdamW(fused=True)): 0.7 instead of 3.7 ms
        per step for nanoGPT's CPU-recipe model, which has 53 parameter tensors."""
        beta1, beta2 = group["betas"]
        device = ready[0][0].device
        counts = {}  # step count -> one float tensor shared by the parameters at that count
        for _, state in ready:
            if state["step"] not in counts:
                counts[state["step"]] = torch.tensor(float(state["step"]), device=device)
        steps = [counts[state["step"]] for _, state in ready]
        torch._fused_adamw_(
            [p for p, _ in ready], [p.grad for p, _ in ready],
            [s["exp_avg"] for _, s in ready], [s["exp_avg_sq"] for _, s in ready],
            [], steps, lr=group["lr"], beta1=beta1, beta2=beta2,
            weight_decay=group["weight_decay"], eps=group["eps"], amsgrad=False, maximize=False,
        )  # fmt: skip

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
