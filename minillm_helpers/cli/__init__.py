"""The `minillm` command-line trainer: train the notebooks' GPT on any text, sample, resume.

command (argument parsing, `minillm train` / `minillm sample`), trainer (the training
loop with checkpoints and resume), checkpoint (saving and loading), distributed
(torchrun) and device (CPU, CUDA or Apple's MPS). No notebook imports these.
"""
