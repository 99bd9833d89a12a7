"""The tiny model and CPU settings the training tests share, as settings and as CLI flags."""

TINY_MODEL = dict(context_length=8, width=16, num_heads=2, num_layers=1, threads=1, device="cpu")


def as_flags(**settings) -> list[str]:
    """`minillm train` flags for TrainSettings fields.

    >>> as_flags(num_heads=2, learning_rate=0.01)
    ['--num-heads', '2', '--learning-rate', '0.01']
    """
    return [
        part
        for name, value in settings.items()
        for part in (f"--{name.replace('_', '-')}", str(value))
    ]
