"""The `minillm` command-line trainer: train the notebooks' GPT on any text, sample, resume.

command (argument parsing, `minillm train` / `minillm sample`), chat (`minillm chat`,
notebook 09's assistant in a terminal), settings (one field per
flag), text (read, fingerprint, encode, split), state (what a checkpoint holds), trainer
(the loop), checkpoint (saving and loading), distributed (torchrun) and device (CPU, CUDA
or Apple's MPS). The recipe (optimizer, schedule, moving average) is the notebooks' own,
from minillm_helpers.training. No notebook imports these.
"""
