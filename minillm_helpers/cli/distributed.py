"""Where a run computes: its device and, under torchrun, its place among the processes. Each
trains on its own rows of one global batch, DDP averages the gradients; rank 0 writes."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from minillm_helpers.checks import InputError

DEVICES = ("auto", "cpu", "cuda", "mps")


def pick_device(name: str = "auto") -> torch.device:
    """'auto': CUDA if present, then MPS, then the CPU; a named device must exist."""
    kind = name.split(":")[0]
    if kind not in DEVICES:
        raise InputError(f"Unknown device {name!r}: choose one of {', '.join(DEVICES)} "
                         "(e.g. cuda:1).")
    found = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    if kind == "auto":
        return torch.device(next((k for k in found if found[k]), "cpu"))
    if not found.get(kind, True):
        raise InputError(f"--device {name}: PyTorch sees no {kind.upper()} device here: use "
                         "--device cpu or auto.")
    return torch.device(name)


@dataclass
class Process:
    rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def active(self) -> bool:
        return self.world_size > 1


def launched_by_torchrun() -> bool:
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def start(device_name: str = "auto") -> Process:
    """Join the process group if launched by torchrun; pick this process's device."""
    device = pick_device(device_name)
    if not launched_by_torchrun() or int(os.environ["WORLD_SIZE"]) == 1:
        return Process(device=device)
    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", rank)))
        torch.cuda.set_device(device)
    elif device.type == "mps":
        raise InputError("Multi-process training is not supported on MPS: use --device cpu.")
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return Process(rank, world_size, device)


def stop(process: Process) -> None:
    if process.active and dist.is_initialized():
        dist.destroy_process_group()


def batch_change(checkpoint: dict, batch_size: int, process: Process) -> str | None:
    """The line saying a resumed run's step takes another number of windows, or None."""
    trained_on = len(checkpoint["rng"]["processes"])  # one random state per process
    before = checkpoint["settings"]["batch_size"] * trained_on
    now = batch_size * process.world_size
    if trained_on == process.world_size or before == now:
        return None
    keep = (f"--batch-size {before // process.world_size} keeps {before}"
            if before % process.world_size == 0 else f"no whole --batch-size keeps {before}")
    return (f"The run trained on {trained_on} process(es), {before} windows a step; on "
            f"{process.world_size} a step now takes {now} ({keep}).")


def any_process(flag: bool, process: Process) -> bool:
    """True if `flag` is true on any process (so all stop at the same step)."""
    if not process.active:
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=process.device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item() > 0)


def gather(value, process: Process) -> list:
    """Every process's `value` (plain data or CPU tensors), in rank order."""
    if not process.active:
        return [value]
    values = [None] * process.world_size
    dist.all_gather_object(values, value)
    return values


def wrap(module, process: Process):
    """DistributedDataParallel around `module` when several processes train together."""
    if not process.active:
        return module
    device_ids = [process.device.index] if process.device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(module, device_ids=device_ids)


def my_slice(batch, process: Process):
    """This process's rows of a global batch."""
    return batch.chunk(process.world_size)[process.rank]
