"""The project's own corpus: a seeded generator of simple English sentences.

Every demonstration in the notebooks needs a text where it is true, small enough
to train on in seconds. This generator writes one, with:

- words used in the same ways: king/queen, apple/orange, cat/dog (notebook 02);
- `bank` in its river sense and its money sense (notebook 04);
- cats (and dogs) that sit on the mat, down, suddenly, furiously... (notebook 06);
- wizards whose wands make the cat sit magically (notebook 06).

The text is fully determined by the seed; data/corpus.txt is the output of
`python -m minillm_helpers.notebook_support.corpus` and a test checks that they still agree.

>>> generate_corpus(num_sentences=2, seed=1) == generate_corpus(num_sentences=2, seed=1)
True
"""

from __future__ import annotations

import random
from pathlib import Path

CORPUS_PATH = Path(__file__).resolve().parents[2] / "data" / "corpus.txt"

# How a sitting cat or dog goes on, and how often: the article's illustration
# (on 35%, down 30%, suddenly 15%, furiously 5%, magically 1%) plus quieter endings.
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
# After a spell the same cat sits magically most of the time.
SPELL_ENDINGS = {"magically": 70, "on the mat": 10, "down": 10, "suddenly": 10}

PAIRED_WORDS = {
    "royal": ["king", "queen"],
    "fruit": ["apple", "orange"],
    "pet": ["cat", "dog"],
}


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def sitting(rng, animal: str, endings: dict[str, int]) -> str:
    ending = weighted(rng, endings)
    after = rng.choice(SAT_AFTERS[ending])
    return f"the {animal} sat {ending}" + (f" {after}" if after else "")


def pet_sentence(rng) -> str:
    pet = rng.choice(PAIRED_WORDS["pet"])
    kind = rng.random()
    if kind < 0.5:
        return sitting(rng, pet, SAT_ENDINGS)
    return rng.choice([
        f"the {pet} chased the {rng.choice(['mouse', 'ball', 'bird'])}",
        f"the {pet} slept by the fire",
        f"the {pet} played in the garden",
        f"the {pet} ate the {rng.choice(['mouse', 'fish', 'food'])}",
        f"the {pet} ran across the yard",
        f"the little {pet} was hungry",
    ])


def royal_sentence(rng) -> str:
    ruler = rng.choice(PAIRED_WORDS["royal"])
    return rng.choice([
        f"the {ruler} ruled the kingdom",
        f"the {ruler} wore a golden crown",
        f"the {ruler} sat on the throne",
        f"the {ruler} spoke to the people",
        f"the {ruler} lived in the castle",
        f"the wise {ruler} gave a feast",
        f"the people loved the {ruler}",
    ])


def fruit_sentence(rng) -> str:
    fruit = rng.choice(PAIRED_WORDS["fruit"])
    person = rng.choice(["she", "he"])
    return rng.choice([
        f"{person} ate an {fruit}",
        f"the {fruit} was sweet and ripe",
        f"{person} peeled the {fruit}",
        f"the {fruit} fell from the tree",
        f"{person} bought a fresh {fruit} at the market",
        f"the {fruit} juice was cold",
    ])


def bank_sentence(rng) -> str:
    if rng.random() < 0.5:  # the river sense
        return rng.choice([
            "the bank of the river was muddy",
            "they walked along the bank of the river",
            "fish swam near the river bank",
            "the river flooded the bank",
            "she sat on the bank and watched the river",
        ])
    return rng.choice([  # the money sense
        "she put her money in the bank",
        "the bank lent him money",
        "he saved money at the bank",
        "the bank opened at nine",
        "the bank counted the gold coins",
    ])


def wizard_sentence(rng) -> str:
    pet = rng.choice(PAIRED_WORDS["pet"])
    if rng.random() < 0.6:
        return f"the wizard waved his wand and {sitting(rng, pet, SPELL_ENDINGS)}"
    return rng.choice([
        "the wizard waved his wand and the door opened magically",
        "the wizard waved his wand and the candles lit magically",
        "the wizard cast a spell on the castle",
        "the old wizard read a book of spells",
    ])


def ordinary_wave_sentence(rng) -> str:
    """Without a wizard, waving changes nothing: the context, not the words, matters."""
    person, hand = rng.choice([("boy", "his hand"), ("girl", "her hand")])
    pet = rng.choice(PAIRED_WORDS["pet"])
    return f"the {person} waved {hand} and {sitting(rng, pet, SAT_ENDINGS)}"


FAMILIES = {
    pet_sentence: 30,
    royal_sentence: 15,
    fruit_sentence: 15,
    bank_sentence: 10,
    wizard_sentence: 15,
    ordinary_wave_sentence: 15,
}


def generate_sentences(num_sentences: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    families, weights = list(FAMILIES), list(FAMILIES.values())
    sentences = []
    for _ in range(num_sentences):
        family = rng.choices(families, weights=weights)[0]
        text = family(rng)
        sentences.append(text[0].upper() + text[1:] + ".")
    return sentences


def generate_corpus(num_sentences: int = 6000, seed: int = 0, per_paragraph: int = 8) -> str:
    """Sentences grouped into paragraphs separated by blank lines."""
    sentences = generate_sentences(num_sentences, seed)
    paragraphs = [
        " ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)
    ]
    return "\n\n".join(paragraphs) + "\n"


def load_corpus() -> str:
    return CORPUS_PATH.read_text(encoding="utf-8")


if __name__ == "__main__":
    CORPUS_PATH.write_text(generate_corpus(), encoding="utf-8")
    print(f"wrote {CORPUS_PATH.name}: {CORPUS_PATH.stat().st_size} bytes")
