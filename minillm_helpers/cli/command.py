"""The `minillm` command (docs/command_line.md): all its flags, `train` and `sample`. Bad input
ends with one line `minillm: error: ...` and exit status 2 (MINILLM_DEBUG=1: the traceback)."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from dataclasses import fields
from itertools import groupby

from minillm_helpers.checkpoint import default_prompt, load_model_and_tokenizer
from minillm_helpers.checks import InputError, MinillmError
from minillm_helpers.cli.chat import chat_command
from minillm_helpers.cli.distributed import launched_by_torchrun
from minillm_helpers.cli.settings import (
    NON_NEGATIVE,
    POSITIVE,
    SEED_LIMITS,
    TrainSettings,
    check_within,
    flag,
    type_of,
)

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # the shell's convention for a program stopped by Ctrl-C (128 + SIGINT)


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):  # main says it in one line, as every other InputError
        raise InputError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def within(number_type: type, limits: dict | None):
    """An argparse type: an int or float within `limits` (None: any), as TrainSettings checks."""

    def parse(text: str):
        try:
            value = number_type(text)
        except ValueError:
            expected = "a whole number" if number_type is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        try:
            return value if limits is None else check_within("", number_type, value, limits)
        except InputError as error:  # "must be at least 1, got 0."
            raise argparse.ArgumentTypeError(str(error).strip()) from None

    return parse


def add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """A flag per TrainSettings field (`data` positional), grouped as the fields are. Flags
    left out stay absent (SUPPRESS), so that a resumed run takes them from its checkpoint."""
    for name, group_fields in groupby(fields(TrainSettings), lambda f: f.metadata["group"]):
        group = parser.add_argument_group(name)
        for f in group_fields:
            kind = type_of(f)
            how = ({"action": argparse.BooleanOptionalAction} if kind is bool else
                   {"type": str if kind is str else within(kind, f.metadata["limits"])})
            shown = "" if f.default in (None, "") else f" (default {f.default})"
            group.add_argument("data" if f.name == "data" else f"--{flag(f.name)}",
                               default=argparse.SUPPRESS, help=f.metadata["help"] + shown, **how)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="minillm",
                           description="Train a mini GPT on your own text and sample from it.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    train = commands.add_parser("train", help="train on a UTF-8 text file (character level)")
    add_setting_flags(train)
    train.add_argument("--resume", action="store_true",
                       help="continue the checkpoint in --out, taking settings not given from it")
    train.add_argument("--fine-tune", action="store_true", help="with --resume: continue on a "
                       "different text than the run began with, on purpose")
    train.add_argument("--no-progress", dest="progress", action="store_false",
                       help="no progress bar")

    sample = commands.add_parser("sample", help="generate text from a checkpoint")
    sample.add_argument("checkpoint", help="checkpoint folder (or its checkpoint.pt)")
    sample.add_argument("--prompt", default=None, help="text to continue (default: a newline)")
    sample.add_argument("--max-new-tokens", type=within(int, NON_NEGATIVE), default=200)
    sample.add_argument("--temperature", type=within(float, {"at_least": 0}), default=0.8,
                        help="0: always the likeliest token; higher: flatter probabilities")
    sample.add_argument("--top-k", type=within(int, POSITIVE), default=None)
    sample.add_argument("--top-p", type=within(float, {"above": 0, "at_most": 1}), default=None)
    sample.add_argument("--seed", type=within(int, SEED_LIMITS), default=None,
                        help="the same seed gives the same text (default: a fresh one, printed)")
    sample.add_argument("--device", default="auto")
    sample.add_argument("--no-cache", dest="cache", action="store_false",
                        help="recompute the window each step")
    sample.add_argument("--past-context", choices=("recompute", "halve"), default="recompute",
                        help="with the cache, what to do once the text outgrows the context")
    chat = commands.add_parser("chat", help="ask questions of an assistant (notebook 09)")
    chat.add_argument("checkpoint", help="the assistant's run folder (or its checkpoint.pt)")
    return parser


def train_command(args) -> int:
    from minillm_helpers.cli.trainer import run_training
    from minillm_helpers.datasets import data_file

    given = {f.name: getattr(args, f.name) for f in fields(TrainSettings) if f.name in args}
    given["data"] = str(data_file(given["data"]))  # a data set's name -> its file, fetched once
    result = run_training(TrainSettings(**given), resume=args.resume, progress=args.progress,
                          given=given, fine_tune=args.fine_tune)
    return EXIT_INTERRUPTED if result.interrupted else 0


def sample_command(args) -> int:
    from minillm_helpers.cli.distributed import pick_device
    from minillm_helpers.cli.settings import encode
    from minillm_helpers.sampling import generate

    device = pick_device(args.device)  # before loading: a missing GPU is said at once
    model, tokenizer = load_model_and_tokenizer(args.checkpoint)
    prompt = default_prompt(tokenizer) if args.prompt is None else args.prompt
    if prompt == "":
        raise InputError("The prompt is empty: give at least one character, e.g. --prompt 'The'.")
    ids = encode(tokenizer, prompt, "The prompt").tolist()
    seed = args.seed
    if seed is None:  # a fresh seed, said aloud, so the same text can be had again
        seed = secrets.randbelow(2**31)
        print(f"minillm: seed {seed} (pass --seed {seed} to get this text again)", file=sys.stderr)
    new_ids = generate(model.to(device), ids, args.max_new_tokens, args.temperature, args.top_k,
                       args.top_p, seed=seed, use_cache=args.cache, past_context=args.past_context)
    sys.stdout.write(prompt + tokenizer.decode(new_ids) + "\n")
    return 0


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        commands = {"train": train_command, "sample": sample_command, "chat": chat_command}
        code = commands[args.command](args)
    # One line for bad input (every check's MinillmError) and unreadable files (OSError,
    # DatasetError); any other error is a bug: it keeps its traceback.
    except (MinillmError, OSError) as error:
        if os.environ.get("MINILLM_DEBUG"):
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        print(message if message.startswith("minillm") else f"minillm: error: {message}",
              file=sys.stderr)
        code = EXIT_ERROR
    except KeyboardInterrupt:
        print("minillm: interrupted.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    if launched_by_torchrun():
        # Leave without the interpreter's teardown: under load, PyTorch's process-group
        # machinery can abort in its C++ destructors at exit, turning a finished run into
        # one torchrun reports as failed, killing the other processes.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
