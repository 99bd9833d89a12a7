"""The project's own corpus: a seeded generator of simple English sentences.

Every demonstration in the notebooks needs a text where it is true, small enough
to train on in seconds. This generator writes one, with:

- words used in the same ways: king/queen, apple/orange, cat/dog (notebook 02);
- `bank` in its river sense and its money sense (notebook 04);
- cats (and dogs) that sit on the mat, down, suddenly, furiously... (notebook 06);
- wizards whose wands make the cat sit magically (notebook 06).

It writes two texts. The **training text** (data/corpus.txt, what `load_corpus()`
returns and every notebook learns from) and the **validation text**
(data/corpus_validation.txt) are built from the same words and sentence patterns,
but some combinations of parts are held out: `The wise queen ruled the kingdom.`
and `The dog sat down by the fire.` occur only in the validation text, while the
training text has `The queen ruled the kingdom.` and `The dog sat down on the rug.`. So a
validation loss measures how well a model handles sentences it has never seen,
and `corpus_statistics()` proves it by counting them.

After `The cat sat` (and `The dog sat`, and an ordinary wave's `the cat sat`) the
training text continues exactly as often as the article's illustration says:
`on` 35%, `down` 30%, `suddenly` 15%, `furiously` 5%, `magically` 1%, plus
`quietly` 8% and `still` 6%. The endings are dealt from shuffled decks of 100,
so the shares are exact, not just close on average.

The texts are fully determined by the seed; the files in data/ are the output of
`python -m minillm_helpers.notebook_support.corpus` and a test checks that they
still agree.

>>> generate_corpus(num_sentences=60, seed=1) == generate_corpus(num_sentences=60, seed=1)
True
"""

from __future__ import annotations

import random
import re
from collections import Counter
from itertools import product
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CORPUS_PATH = DATA_DIR / "corpus.txt"  # the training text
VALIDATION_PATH = DATA_DIR / "corpus_validation.txt"  # held-out combinations only

# How a sitting cat or dog goes on, out of 100: the article's illustration
# (on 35%, down 30%, suddenly 15%, furiously 5%, magically 1%) plus two quieter endings.
SAT_ENDINGS = {
    "on the mat": 35,
    "down": 30,
    "suddenly": 15,
    "quietly": 8,
    "still": 6,
    "furiously": 5,
    "magically": 1,
}
SAT_AFTERS = {
    "on the mat": ["by the door", "in the sun", "and purred", ""],
    "down": ["on the rug", "by the fire", "near the door", ""],
    "suddenly": ["on the floor", "and looked up", "by the window", ""],
    "quietly": ["by the fire", "on the rug", ""],
    "still": ["on the mat", "and waited", ""],
    "furiously": ["on the floor", "and hissed", ""],
    "magically": ["on the mat", "in the air", ""],
}
# After a spell the same cat sits magically most of the time (out of 10).
SPELL_ENDINGS = {"magically": 7, "on the mat": 1, "down": 1, "suddenly": 1}

PAIRED_WORDS = {
    "royal": ["king", "queen"],
    "fruit": ["apple", "orange"],
    "pet": ["cat", "dog"],
}

# What comes before `the cat sat`: nothing (a sentence of its own), an ordinary
# wave (which changes nothing), or a wizard's wand (which makes magic likely).
WAVES = {
    "plain": "",
    "boy": "the boy waved his hand and ",
    "girl": "the girl waved her hand and ",
    "wizard": "the wizard waved his wand and ",
}

# How many sentences of each kind, out of 60 (times 100 in the default corpus of
# 6,000 training sentences, so every deck of 100 sat-endings is dealt in full).
KINDS = {
    "cat sat": 6,
    "dog sat": 6,
    "wave sat": 6,
    "wizard sat": 6,
    "wizard": 3,
    "pet": 9,
    "royal": 9,
    "fruit": 9,
    "bank": 6,
}
HELD_OUT_SHARE = 0.15  # of each family's sentence patterns, kept for validation only
# Sentences the notebooks quote: never held out.
PROTECTED = {
    "the bank of the river was muddy",
    "she put her money in the bank",
    "the cat chased the mouse",
    "the dog chased the ball",
    "the king wore a golden crown",
    "the queen wore a golden crown",
    "she ate an apple",
    "he ate an orange",
}


def family_templates() -> dict[str, tuple[list[str], list[str]]]:
    """Each family other than the sitting ones: (its sentence patterns, the pair filling `{}`).

    A pattern is written with both words of its pair (`the {} wore a golden crown` gives
    the king's sentence and the queen's), so partners are used in exactly the same ways.
    """
    pets = [f"{subject} {action}" for subject, action in product(
        ["the {}", "the little {}", "the old {}"],
        ["chased the mouse", "chased the ball", "chased the bird", "slept by the fire",
         "slept on the rug", "played in the garden", "ate the fish", "ate the food",
         "ate the mouse", "ran across the yard", "was hungry"],
    )]
    royals = [f"{subject} {action}" for subject, action in product(
        ["the {}", "the wise {}", "the young {}", "the old {}"],
        ["ruled the kingdom", "wore a golden crown", "sat on the throne", "spoke to the people",
         "lived in the castle", "gave a feast", "rode a white horse"],
    )] + ["the people loved the {}"]
    fruits = [f"{person} {action}" for person, action in product(
        ["she", "he"],
        ["ate an {}", "peeled the {}", "bought a fresh {} at the market", "cut the {}",
         "shared the {}"],
    )] + ["the {} was sweet and ripe", "the {} fell from the tree", "the {} juice was cold"]
    people = [("she", "her"), ("he", "his"), ("they", "their")]
    banks = [  # the river sense, then the money sense
        "the bank of the river was muddy",
        "the bank of the river was steep",
        "fish swam near the river bank",
        "the river flooded the bank",
        *(f"{p} walked along the bank of the river" for p, _ in people),
        *(f"{p} sat on the bank and watched the river" for p, _ in people),
        *(f"{p} put {own} money in the bank" for p, own in people),
        *(f"{p} saved money at the bank" for p, _ in people),
        "the bank lent him money",
        "the bank lent her money",
        "the bank opened at nine",
        "the bank closed at five",
        "the bank counted the gold coins",
    ]
    wizards = [
        "the wizard waved his wand and the door opened magically",
        "the wizard waved his wand and the candles lit magically",
        "the wizard waved his wand and the book opened magically",
        "the wizard cast a spell on the castle",
        "the wizard cast a spell on the {}",
        "the old wizard read a book of spells",
        "the young wizard read a book of spells",
    ]
    return {
        "pet": (pets, PAIRED_WORDS["pet"]),
        "royal": (royals, PAIRED_WORDS["royal"]),
        "fruit": (fruits, PAIRED_WORDS["fruit"]),
        "bank": (banks, [""]),
        "wizard": (wizards, PAIRED_WORDS["royal"]),
    }


def fill(template: str, words: list[str]) -> list[str]:
    """The sentences a pattern makes: one per word of its pair (one if it has no `{}`)."""
    return [template.format(word) for word in words] if "{}" in template else [template]


def sitting(wave: str, animal: str, ending: str, after: str) -> str:
    text = f"{WAVES[wave]}the {animal} sat {ending}"
    return text + (f" {after}" if after else "")


def capitalised_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text[0].upper() + text[1:]))


def held_out_parts(seed: int = 0):
    """Which patterns and which sitting combinations only the validation text may use.

    Returns (held-out patterns per family, held-out `after` per (wave, ending)). A held-out
    pattern or `after` is held out with both words of its pair, so partners stay alike.
    Every sitting combination keeps at least two `after`s for training, and every word of a
    held-out sentence still occurs in some training sentence: the parts are all seen, only
    their combination is new.
    """
    rng = random.Random(f"held out {seed}")
    held_after = {}
    for wave in WAVES:
        for ending in SPELL_ENDINGS if wave == "wizard" else SAT_ENDINGS:
            held_after[wave, ending] = rng.choice([a for a in SAT_AFTERS[ending] if a])
    families = family_templates()
    sentences = [
        sitting(wave, animal, ending, after)
        for (wave, ending), held in held_after.items()
        for animal in PAIRED_WORDS["pet"]
        for after in SAT_AFTERS[ending] if after != held
    ] + [s for templates, words in families.values() for t in templates for s in fill(t, words)]
    uses = Counter(w for s in sentences for w in capitalised_words(s))
    held = {}
    for family, (templates, words) in families.items():
        held[family] = set()
        candidates = [t for t in templates if not set(fill(t, words)) & PROTECTED]
        rng.shuffle(candidates)
        for template in candidates:
            if len(held[family]) == round(HELD_OUT_SHARE * len(templates)):
                break
            parts = Counter(w for s in fill(template, words) for w in capitalised_words(s))
            if all(uses[w] > n for w, n in parts.items()):  # every word still seen elsewhere
                held[family].add(template)
                uses.subtract(parts)
    return held, held_after


class Deck:
    """Deals endings in exact proportions: a shuffled deck with `weight` copies of each."""

    def __init__(self, rng: random.Random, weights: dict[str, int]):
        self.rng, self.weights, self.cards = rng, weights, []

    def deal(self) -> str:
        if not self.cards:
            self.cards = [e for e, n in self.weights.items() for _ in range(n)]
            self.rng.shuffle(self.cards)
        return self.cards.pop()


def generate_sentences(num_sentences: int = 6000, seed: int = 0,
                       validation: bool = False) -> list[str]:
    """The training sentences, or (validation=True) sentences made only of held-out combinations.

    Each kind of sentence gets its share of KINDS exactly, in a shuffled order.
    """
    held, held_after = held_out_parts(seed)
    rng = random.Random(f"{'validation' if validation else 'training'} {seed}")
    families = family_templates()
    kinds = [kind for kind, share in KINDS.items()
             for _ in range(round(num_sentences * share / sum(KINDS.values())))]
    rng.shuffle(kinds)
    decks = {}
    sentences = []
    for kind in kinds:
        if kind.endswith(" sat"):
            if kind in ("cat sat", "dog sat"):
                wave, animal = "plain", kind.split()[0]
            else:
                wave = rng.choice(["boy", "girl"]) if kind == "wave sat" else "wizard"
                animal = rng.choice(PAIRED_WORDS["pet"])
            endings = SPELL_ENDINGS if wave == "wizard" else SAT_ENDINGS
            ending = decks.setdefault(kind, Deck(rng, endings)).deal()  # exact shares per kind
            afters = [a for a in SAT_AFTERS[ending] if a != held_after[wave, ending]]
            after = held_after[wave, ending] if validation else rng.choice(afters)
            text = sitting(wave, animal, ending, after)
        else:
            templates, words = families[kind]
            pool = sorted(held[kind]) if validation else [
                t for t in templates if t not in held[kind]]
            text = rng.choice(fill(rng.choice(pool), words))
        sentences.append(text[0].upper() + text[1:] + ".")
    return sentences


def paragraphs(sentences: list[str], per_paragraph: int = 8) -> str:
    """Sentences grouped into paragraphs separated by blank lines."""
    groups = [" ".join(sentences[i : i + per_paragraph])
              for i in range(0, len(sentences), per_paragraph)]
    return "\n\n".join(groups) + "\n"


def generate_corpus(num_sentences: int = 6000, seed: int = 0) -> str:
    """The training text: what data/corpus.txt holds."""
    return paragraphs(generate_sentences(num_sentences, seed))


def generate_validation(num_sentences: int = 600, seed: int = 0) -> str:
    """The validation text: what data/corpus_validation.txt holds."""
    return paragraphs(generate_sentences(num_sentences, seed, validation=True))


def load_corpus() -> str:
    """The training text, data/corpus.txt (every notebook learns from it)."""
    return CORPUS_PATH.read_text(encoding="utf-8")


def load_corpus_split() -> tuple[str, str]:
    """(training text, validation text): the validation text's sentences are never in training."""
    return load_corpus(), VALIDATION_PATH.read_text(encoding="utf-8")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order.

    >>> split_sentences("The cat sat. The dog ran.\\n\\nShe ate an apple.")
    ['The cat sat.', 'The dog ran.', 'She ate an apple.']
    """
    return re.findall(r"[^.\s][^.]*\.", text)


def corpus_statistics(train_text: str | None = None, val_text: str | None = None) -> dict:
    """How many sentences each text has, how many differ, and how many validation ones are new."""
    if train_text is None or val_text is None:
        train_text, val_text = load_corpus_split()
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


if __name__ == "__main__":
    CORPUS_PATH.write_text(generate_corpus(), encoding="utf-8")
    VALIDATION_PATH.write_text(generate_validation(), encoding="utf-8")
    for path in (CORPUS_PATH, VALIDATION_PATH):
        print(f"wrote {path.name}: {path.stat().st_size} bytes")
    for name, value in corpus_statistics().items():
        print(f"{name}: {value:,}")
