"""The `minillm` command: train the notebooks' GPT on your own text, then sample from it.

    minillm train DATA.txt --out runs/mine          # Ctrl-C saves; add --resume to continue
    minillm train NEW.txt --out runs/mine --resume --fine-tune --steps 3000   # on a new text
    minillm sample runs/mine --prompt "ROMEO:" --temperature 0.8 --top-k 20
    torchrun --standalone --nproc_per_node 2 -m minillm_helpers train DATA.txt   # 2 processes

Every mistake (a missing or non-UTF-8 file, a too-short text, a damaged checkpoint,
flags that make no sense) ends with one line on stderr starting `minillm: error:`
and exit status 2; set MINILLM_DEBUG=1 to see the full traceback instead. Ctrl-C
during training saves the checkpoint and exits with status 130.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import typing
from dataclasses import fields

from minillm_helpers.checkpoint import CheckpointError, load_model_and_tokenizer
from minillm_helpers.checks import InputError, MinillmError, check_int
from minillm_helpers.cli.chat import add_chat_parser, chat_command
from minillm_helpers.cli.distributed import launched_by_torchrun
from minillm_helpers.cli.settings import TrainSettings, flag

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # the shell's convention for a program stopped by Ctrl-C (128 + SIGINT)
# Flags renamed in this release; the old spellings work until the next one.
OLD_SPELLINGS = {"fused_attention": "--no-fused"}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not the usage block."""

    def error(self, message):
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


class UsageError(InputError):
    pass


def whole(minimum: int | None):
    """An argparse type: a whole number of at least `minimum` (None: any), by check_int's rule."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        try:
            return value if minimum is None else check_int("", value, minimum)
        except InputError as error:  # "must be at least 1, got 0."
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per TrainSettings field (`data` is the positional argument), from its
    type, default and metadata. Flags left out are absent from the parsed arguments
    (default SUPPRESS), so a resumed run can take them from its checkpoint."""
    hints = typing.get_type_hints(TrainSettings)
    groups = {}
    for f in fields(TrainSettings):
        meta = f.metadata
        if meta["group"] not in groups:
            groups[meta["group"]] = parser.add_argument_group(meta["group"])
        group = groups[meta["group"]]
        kind = next((t for t in typing.get_args(hints[f.name]) if t is not type(None)),
                    hints[f.name])
        if f.name == "data":
            group.add_argument("data", help=meta["help"])
        elif kind is bool:
            name = f"--no-{flag(f.name)}" if f.default else f"--{flag(f.name)}"
            action = "store_false" if f.default else "store_true"
            shown = f"do not {meta['help']}" if f.default else meta["help"]
            old = [OLD_SPELLINGS[f.name]] if f.name in OLD_SPELLINGS else []
            if old:
                shown += f" ({old[0]}: the old spelling, until the next release)"
            group.add_argument(name, *old, dest=f.name, action=action,
                               default=argparse.SUPPRESS, help=shown)
        else:
            parse = {int: whole(meta["minimum"]), float: number, str: str}[kind]
            shown = "" if f.default in (None, "") else f" (default {f.default})"
            group.add_argument(f"--{flag(f.name)}", dest=f.name, type=parse,
                               default=argparse.SUPPRESS, help=meta["help"] + shown)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="minillm", description="Train a mini GPT on your own text and sample from it."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    train = commands.add_parser("train", help="train on a UTF-8 text file (character level)")
    add_setting_flags(train)
    train.add_argument(
        "--resume", action="store_true",
        help="continue the checkpoint in --out; settings not given are taken from it",
    )
    train.add_argument(
        "--fine-tune", action="store_true",
        help="with --resume: continue on a different text than the run began with, on purpose",
    )
    train.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )

    sample = commands.add_parser("sample", help="generate text from a checkpoint")
    sample.add_argument("checkpoint", help="checkpoint folder (or its checkpoint.pt)")
    sample.add_argument("--prompt", default=None, help="text to continue (default: a newline)")
    sample.add_argument("--max-new-tokens", type=whole(0), default=200)
    sample.add_argument("--temperature", type=number, default=0.8)
    sample.add_argument("--top-k", type=whole(1), default=None)
    sample.add_argument("--top-p", type=number, default=None)
    sample.add_argument("--seed", type=int, default=None,
                        help="the same seed gives the same text (default: a fresh one, printed)")
    sample.add_argument("--device", default="auto")
    sample.add_argument(
        "--no-cache", dest="cache", action="store_false", help="recompute the window each step"
    )
    sample.add_argument(
        "--past-context",
        choices=("recompute", "halve"),
        default="recompute",
        help="with the cache, what to do once the text outgrows the context",
    )
    add_chat_parser(commands)  # minillm chat RUN (cli/chat.py)
    return parser


def train_command(args) -> int:
    from minillm_helpers.cli.trainer import run_training
    from minillm_helpers.datasets import data_file

    names = {f.name for f in fields(TrainSettings)}
    given = {name: value for name, value in vars(args).items() if name in names}
    given["data"] = str(data_file(given["data"]))  # a data set's name -> its file, fetched once
    settings = TrainSettings(**given)
    result = run_training(settings, resume=args.resume, progress=args.progress, given=given,
                          fine_tune=args.fine_tune)
    if result.history.val_eval and result.main_process:
        print(
            f"Done: step {result.step}, validation loss {result.history.val_eval[-1]:.4f}; "
            f"checkpoint in {result.out}"
        )
    return EXIT_INTERRUPTED if result.interrupted else 0


def sample_command(args) -> int:
    import torch

    from minillm_helpers.checks import check_sampling_settings
    from minillm_helpers.cli.device import pick_device
    from minillm_helpers.cli.text import encode_known
    from minillm_helpers.sampling import generate

    check_sampling_settings(args.temperature, args.top_k, args.top_p, args.max_new_tokens)
    device = pick_device(args.device)
    model, tokenizer = load_model_and_tokenizer(args.checkpoint)
    prompt = args.prompt
    if prompt is None:
        prompt = "\n" if "\n" in tokenizer.unit_to_id else tokenizer.vocabulary[0]
    if prompt == "":
        raise InputError("The prompt is empty: give at least one character, e.g. --prompt 'The'.")
    # the model's own tokenizer: its IDs are in the vocabulary by construction, unchecked
    ids = encode_known(tokenizer, prompt, "The prompt").tolist()
    model = model.to(device)
    seed = args.seed
    if seed is None:  # a fresh seed, said aloud, so the same text can be had again
        seed = secrets.randbelow(2**31)
        print(f"minillm: seed {seed} (pass --seed {seed} to get this text again)", file=sys.stderr)
    with torch.no_grad():
        new_ids = generate(
            model, ids, args.max_new_tokens, args.temperature, args.top_k, args.top_p,
            seed=seed, use_cache=args.cache, past_context=args.past_context,
        )
    sys.stdout.write(prompt + tokenizer.decode(new_ids) + "\n")
    return 0


# What main reports in one line: bad input (MinillmError: InputError, InputTypeError, which
# every check and the cli modules raise), a damaged checkpoint, a usage mistake (argparse's
# too), a missing or unreadable file. Any other error is a bug: it keeps its traceback.
REFUSALS = (MinillmError, CheckpointError, UsageError, OSError)


def main(argv=None) -> int:
    code = run_command(argv)
    if launched_by_torchrun():
        # The run is over and its checkpoint saved. Leave without the interpreter's teardown:
        # under load, PyTorch's process-group machinery can abort in its C++ destructors
        # at exit ("terminate called without an active exception"), which turns a finished
        # run into a failed one that torchrun reports, killing the other processes.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def run_command(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        commands = {"train": train_command, "sample": sample_command, "chat": chat_command}
        command = commands[args.command]
        return command(args)
    except REFUSALS as error:
        if os.environ.get("MINILLM_DEBUG"):
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        if not message.startswith("minillm"):
            message = f"minillm: error: {message}"
        print(message, file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("minillm: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
