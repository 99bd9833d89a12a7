"""The `minillm` command-line trainer: train the notebooks' GPT on any text, sample, resume.

command (argument parsing, `minillm train` / `minillm sample`), settings (one field per
flag, and what is checked before training), text (read, fingerprint, encode, split),
state (what a checkpoint holds), trainer (the loop), distributed (torchrun) and device
(CPU, CUDA or Apple's MPS). The checkpoint format is minillm_helpers.checkpoint's, the
recipe (optimizer, schedule, moving average) minillm_helpers.training's. No notebook
imports these. docs/command_line.md is the command's reference.
"""
