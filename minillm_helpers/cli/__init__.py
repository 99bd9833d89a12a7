"""The `minillm` command-line trainer (docs/command_line.md): command (the flags, train and
sample), chat (`minillm chat`, notebook 09's assistant in a terminal), settings
(TrainSettings, resume checks, the text), trainer (the loop) and distributed (devices,
torchrun). No notebook imports these."""
