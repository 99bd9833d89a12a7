"""The project's own corpus, as the notebooks read it: data/corpus.txt to train on and
data/corpus_validation.txt, whose sentences are combinations held out of training, so its
loss measures sentences a model has never seen. `python data/make_corpus.py` writes both.
"""

import re
from pathlib import Path

CORPUS_PATH = Path(__file__).resolve().parents[2] / "data" / "corpus.txt"  # the training text
VALIDATION_PATH = CORPUS_PATH.with_name("corpus_validation.txt")  # held-out combinations only


def load_corpus() -> str:
    """The training text, data/corpus.txt (every notebook learns from it)."""
    return CORPUS_PATH.read_text(encoding="utf-8")


def load_corpus_split() -> tuple[str, str]:
    """(training text, validation text): the validation text's sentences are never in training."""
    return load_corpus(), VALIDATION_PATH.read_text(encoding="utf-8")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order (across paragraphs)."""
    return re.findall(r"[^.\s][^.]*\.", text)


def corpus_statistics(train_text: str, val_text: str) -> dict:
    """How many sentences each text has, how many differ, and how many validation ones are new."""
    train, val = split_sentences(train_text), split_sentences(val_text)
    seen = set(train)
    return {
        "training sentences": len(train),
        "distinct training sentences": len(seen),
        "validation sentences": len(val),
        "distinct validation sentences": len(set(val)),
        "validation sentences never in training": sum(s not in seen for s in val),
        "distinct ones never in training": len(set(val) - seen),
    }
