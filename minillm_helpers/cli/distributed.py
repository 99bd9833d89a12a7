"""Training on several processes or machines with PyTorch's DistributedDataParallel.

Start with torchrun, e.g. two processes on one machine:

    torchrun --standalone --nproc_per_node 2 -m minillm_helpers train DATA.txt

torchrun sets RANK, WORLD_SIZE and LOCAL_RANK; we join the process group with
gloo on CPUs and NCCL on CUDA GPUs. Every process draws the same *global* batch
of batch_size * world_size windows from an identically seeded generator and
trains on its own slice; DDP averages the gradients, so one step on N processes
equals one step of a single process on the combined batch (tests check this).
Only rank 0 writes checkpoints and prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from minillm_helpers.checks import InputError
from minillm_helpers.cli.device import pick_device


@dataclass
class Process:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def active(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def launched_by_torchrun() -> bool:
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def start(device_name: str = "auto") -> Process:
    """Join the process group if launched by torchrun; pick this process's device."""
    device = pick_device(device_name)
    if not launched_by_torchrun() or int(os.environ["WORLD_SIZE"]) == 1:
        return Process(device=device)
    rank = int(os.environ["RANK"])
    world_size = int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ.get("LOCAL_RANK", rank))
    if device.type == "cuda":
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    elif device.type == "mps":
        raise InputError("Multi-process training is not supported on MPS: use --device cpu.")
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return Process(rank, world_size, local_rank, device)


def batch_change(checkpoint: dict, batch_size: int, process: Process) -> str | None:
    """The line that says a resumed run's step takes another number of windows than its
    checkpoint's did, because it runs on another number of processes (None: the same).
    `--batch-size` is per process: a run of 2 processes resumed on 1 would halve it."""
    trained_on = len(checkpoint["rng"]["processes"])  # one random state per process
    before = checkpoint["settings"]["batch_size"] * trained_on
    now = batch_size * process.world_size
    if trained_on == process.world_size or before == now:
        return None
    keep = (f"--batch-size {before // process.world_size} keeps {before}"
            if before % process.world_size == 0 else f"no whole --batch-size keeps {before}")
    return (f"The run trained on {trained_on} process(es), {before} windows a step; on "
            f"{process.world_size} a step now takes {now} ({keep}).")


def stop(process: Process) -> None:
    if process.active and dist.is_initialized():
        dist.destroy_process_group()


def any_process(flag: bool, process: Process) -> bool:
    """True if `flag` is true on any process (so all stop at the same step)."""
    if not process.active:
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=process.device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item() > 0)


def gather(value, process: Process) -> list:
    """Every process's `value` (plain data or CPU tensors), in rank order, on every process."""
    if not process.active:
        return [value]
    values = [None] * process.world_size
    dist.all_gather_object(values, value)
    return values


def wrap(module, process: Process):
    """DistributedDataParallel around `module` when several processes train together."""
    if not process.active:
        return module
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [process.device.index] if process.device.type == "cuda" else None
    return DistributedDataParallel(module, device_ids=device_ids)


def my_slice(batch, process: Process):
    """This process's rows of a global batch (rows rank*B .. (rank+1)*B-1)."""
    per_process = batch.shape[0] // process.world_size
    return batch[process.rank * per_process : (process.rank + 1) * per_process]
