"""Choosing where the model runs: CUDA, then Apple's MPS, then the CPU.

>>> pick_device("cpu").type
'cpu'
"""

from __future__ import annotations

import torch

from minillm_helpers.checks import InputError, InputTypeError

CHOICES = ("auto", "cpu", "cuda", "mps")


def pick_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA if present, then MPS, then CPU; a named device must exist."""
    if not isinstance(name, str):
        raise InputTypeError(f"device must be a string such as 'auto' or 'cpu', got {name!r}.")
    kind = name.split(":")[0]
    if kind not in CHOICES:
        raise InputError(
            f"Unknown device {name!r}: choose one of {', '.join(CHOICES)} (e.g. cuda:1)."
        )
    if kind == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if kind == "cuda" and not torch.cuda.is_available():
        raise InputError(
            "--device cuda was asked for, but PyTorch sees no CUDA GPU here: "
            "use --device cpu or auto."
        )
    if kind == "mps" and not torch.backends.mps.is_available():
        raise InputError(
            "--device mps was asked for, but Apple's MPS is not available here: "
            "use --device cpu or auto."
        )
    return torch.device(name)
