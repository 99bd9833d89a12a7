"""The `minillm` command: train the notebooks' GPT on your own text, then sample from it.

    minillm train DATA.txt --out runs/mine          # Ctrl-C saves; add --resume to continue
    minillm sample runs/mine --prompt "ROMEO:" --temperature 0.8 --top-k 20
    torchrun --standalone --nproc_per_node 2 -m minillm_helpers train DATA.txt   # 2 processes

Every mistake (a missing or non-UTF-8 file, a too-short text, a damaged checkpoint,
flags that make no sense) ends with one line on stderr starting `minillm: error:`
and exit status 2; set MINILLM_DEBUG=1 to see the full traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys

from minillm_helpers.cli.checkpoint import CheckpointError, checkpoint_file, load_model
from minillm_helpers.cli.device import CHOICES as DEVICE_CHOICES
from minillm_helpers.cli.trainer import TrainSettings

EXIT_ERROR = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not the usage block."""

    def error(self, message):
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


class UsageError(ValueError):
    pass


def whole(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="minillm", description="Train a mini GPT on your own text and sample from it."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    d = TrainSettings()

    train = commands.add_parser("train", help="train on a UTF-8 text file (character level)")
    train.add_argument("data", help="UTF-8 text file to learn from")
    train.add_argument("--out", default=d.out, help=f"checkpoint folder (default {d.out})")
    train.add_argument("--resume", action="store_true", help="continue the checkpoint in --out")
    model = train.add_argument_group("model size")
    model.add_argument("--context-length", type=whole(1), default=d.context_length)
    model.add_argument("--width", type=whole(1), default=d.width)
    model.add_argument("--num-heads", type=whole(1), default=d.num_heads)
    model.add_argument("--num-layers", type=whole(1), default=d.num_layers)
    model.add_argument("--dropout", type=number, default=d.dropout)
    opt = train.add_argument_group("training")
    opt.add_argument(
        "--steps", type=whole(1), default=d.steps, help="total steps (also when resuming)"
    )
    opt.add_argument(
        "--batch-size", type=whole(1), default=d.batch_size, help="windows per step per process"
    )
    opt.add_argument("--learning-rate", type=number, default=d.learning_rate)
    opt.add_argument("--min-learning-rate", type=number, default=d.min_learning_rate)
    opt.add_argument("--warmup-steps", type=whole(0), default=d.warmup_steps)
    opt.add_argument("--weight-decay", type=number, default=d.weight_decay)
    opt.add_argument("--grad-clip", type=number, default=d.grad_clip, help="0 turns clipping off")
    opt.add_argument(
        "--ema-decay",
        type=number,
        default=d.ema_decay,
        help="evaluate, save and sample a moving average of the weights with this decay "
        "(0: the last weights)",
    )
    opt.add_argument("--val-fraction", type=number, default=d.val_fraction)
    opt.add_argument("--eval-every", type=whole(1), default=d.eval_every)
    opt.add_argument("--eval-batches", type=whole(1), default=d.eval_batches)
    opt.add_argument("--eval-batch-size", type=whole(1), default=d.eval_batch_size)
    opt.add_argument(
        "--target-loss", type=number, default=None, help="stop once validation loss <= this"
    )
    opt.add_argument("--seed", type=int, default=d.seed)
    how = train.add_argument_group("hardware")
    how.add_argument(
        "--device", default="auto", help=f"one of {', '.join(DEVICE_CHOICES)} (default auto)"
    )
    how.add_argument(
        "--threads", type=whole(1), default=None, help="CPU threads (default: PyTorch's)"
    )
    how.add_argument(
        "--no-fused",
        dest="fused",
        action="store_false",
        help="use the notebooks' attention code instead of the fused kernel",
    )
    how.add_argument(
        "--bf16", action="store_true", help="bfloat16 autocast for the training forward"
    )
    train.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )
    train.add_argument("--no-plot", dest="plot", action="store_false", help="do not draw loss.png")

    sample = commands.add_parser("sample", help="generate text from a checkpoint")
    sample.add_argument("checkpoint", help="checkpoint folder (or its checkpoint.pt)")
    sample.add_argument("--prompt", default=None, help="text to continue (default: a newline)")
    sample.add_argument("--max-new-tokens", type=whole(0), default=200)
    sample.add_argument("--temperature", type=number, default=0.8)
    sample.add_argument("--top-k", type=whole(1), default=None)
    sample.add_argument("--top-p", type=number, default=None)
    sample.add_argument("--seed", type=int, default=0)
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
    return parser


def train_command(args) -> int:
    from minillm_helpers.cli.trainer import run_training

    names = {f for f in TrainSettings.__dataclass_fields__}
    settings = TrainSettings(**{k: v for k, v in vars(args).items() if k in names})
    result = run_training(settings, resume=args.resume, progress=args.progress)
    if result.history["val_eval"]:
        print(
            f"Done: step {result.step}, validation loss {result.history['val_eval'][-1]:.4f}; "
            f"checkpoint in {result.out}"
        )
    return 0


def sample_command(args) -> int:
    import torch

    from minillm_helpers.cli.device import pick_device
    from minillm_helpers.cli.trainer import encode_known
    from minillm_helpers.kvcache import generate_cached
    from minillm_helpers.sampling import check_sampling_settings, generate

    check_sampling_settings(args.temperature, args.top_k, args.top_p, args.max_new_tokens)
    device = pick_device(args.device)
    path = checkpoint_file(args.checkpoint)
    model, tokenizer = load_model(path)
    if tokenizer is None:
        raise CheckpointError(f"{path} holds no vocabulary, so text cannot be encoded for it.")
    prompt = args.prompt
    if prompt is None:
        prompt = "\n" if "\n" in tokenizer.unit_to_id else tokenizer.vocabulary[0]
    if prompt == "":
        raise ValueError("The prompt is empty: give at least one character, e.g. --prompt 'The'.")
    ids = encode_known(tokenizer, prompt, "The prompt").tolist()
    model = model.to(device)
    settings = dict(
        temperature=args.temperature, top_k=args.top_k, top_p=args.top_p, seed=args.seed
    )
    with torch.no_grad():
        if args.cache:
            new_ids = generate_cached(
                model, ids, args.max_new_tokens, past_context=args.past_context, **settings
            )
        else:
            new_ids = generate(model, ids, args.max_new_tokens, **settings)
    sys.stdout.write(prompt + tokenizer.decode(new_ids) + "\n")
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        command = train_command if args.command == "train" else sample_command
        return command(args)
    # CheckpointError and UsageError are ValueErrors
    except (ValueError, TypeError, OSError) as error:
        if os.environ.get("MINILLM_DEBUG"):
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        if not message.startswith("minillm"):
            message = f"minillm: error: {message}"
        print(message, file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("minillm: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
