"""Writes the project's own corpus, data/corpus.txt and data/corpus_validation.txt: seeded
simple English with king/queen, apple/orange and cat/dog used in the same ways (notebook 02),
`bank` by the river and for money (04), and cats and dogs that sit on the mat, down... or,
after a wizard's wand, magically (06), in exactly the article's shares. The validation text
holds only combinations held out of training, so its loss measures sentences a model has
never seen. `python data/make_corpus.py` writes both; tests/test_corpus.py checks that the
committed files are its output. The notebooks read them with
`minillm_helpers.notebook_support.corpus`.
"""

import random
import re
from collections import Counter
from itertools import product

from minillm_helpers.notebook_support.corpus import (
    CORPUS_PATH,
    VALIDATION_PATH,
    corpus_statistics,
    load_corpus_split,
)

# How a sitting cat or dog goes on, out of 100, and what may follow each ending.
SAT_ENDINGS = {"on the mat": 35, "down": 30, "suddenly": 15, "quietly": 8, "still": 6,
               "furiously": 5, "magically": 1}
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
PETS, ROYALS = ["cat", "dog"], ["king", "queen"]
# What comes before `the cat sat`: nothing, an ordinary wave (which changes nothing), or a
# wizard's wand (which makes magic likely).
WAVES = {"plain": "", "boy": "the boy waved his hand and ", "girl": "the girl waved her hand and ",
         "wizard": "the wizard waved his wand and "}
# How many sentences of each kind, out of 60 (times 100 in the default corpus of 6,000
# training sentences, so every deck of 100 sat-endings is dealt in full).
KINDS = {"cat sat": 6, "dog sat": 6, "wave sat": 6, "wizard sat": 6, "wizard": 3, "pet": 9,
         "royal": 9, "fruit": 9, "bank": 6}
HELD_OUT_SHARE = 0.15  # of each family's sentence patterns, kept for validation only
PROTECTED = {  # sentences the notebooks quote: never held out
    "the bank of the river was muddy", "she put her money in the bank", "the cat chased the mouse",
    "the dog chased the ball", "the king wore a golden crown", "the queen wore a golden crown",
    "she ate an apple", "he ate an orange",
}


def combine(subjects: list[str], actions: list[str]) -> list[str]:
    return [f"{subject} {action}" for subject, action in product(subjects, actions)]


PEOPLE = [("she", "her"), ("he", "his"), ("they", "their")]
# Each family but the sitting ones: (its sentence patterns, the pair of words filling `{}`),
# so that partners are used in exactly the same ways.
FAMILIES = {
    "pet": (combine(["the {}", "the little {}", "the old {}"], [
        "chased the mouse", "chased the ball", "chased the bird", "slept by the fire",
        "slept on the rug", "played in the garden", "ate the fish", "ate the food",
        "ate the mouse", "ran across the yard", "was hungry"]), PETS),
    "royal": (combine(["the {}", "the wise {}", "the young {}", "the old {}"], [
        "ruled the kingdom", "wore a golden crown", "sat on the throne", "spoke to the people",
        "lived in the castle", "gave a feast", "rode a white horse"])
        + ["the people loved the {}"], ROYALS),
    "fruit": (combine(["she", "he"], [
        "ate an {}", "peeled the {}", "bought a fresh {} at the market", "cut the {}",
        "shared the {}"]) + ["the {} was sweet and ripe", "the {} fell from the tree",
                             "the {} juice was cold"], ["apple", "orange"]),
    "bank": ([  # the river sense, then the money sense
        "the bank of the river was muddy", "the bank of the river was steep",
        "fish swam near the river bank", "the river flooded the bank",
        *(f"{p} walked along the bank of the river" for p, _ in PEOPLE),
        *(f"{p} sat on the bank and watched the river" for p, _ in PEOPLE),
        *(f"{p} put {own} money in the bank" for p, own in PEOPLE),
        *(f"{p} saved money at the bank" for p, _ in PEOPLE),
        "the bank lent him money", "the bank lent her money", "the bank opened at nine",
        "the bank closed at five", "the bank counted the gold coins"], [""]),
    "wizard": ([*(f"the wizard waved his wand and the {thing} magically"
                  for thing in ("door opened", "candles lit", "book opened")),
                "the wizard cast a spell on the castle", "the wizard cast a spell on the {}",
                "the old wizard read a book of spells", "the young wizard read a book of spells"],
               ROYALS),
}


def fill(template: str, words: list[str]) -> list[str]:
    """The sentences a pattern makes: one per word of its pair (one if it has no `{}`)."""
    return [template.format(word) for word in words] if "{}" in template else [template]


def endings(wave: str) -> dict[str, int]:
    """How a cat or dog sits after `wave`, out of 100 (out of 10 after a spell)."""
    return SPELL_ENDINGS if wave == "wizard" else SAT_ENDINGS


def sitting(wave: str, animal: str, ending: str, after: str) -> str:
    return f"{WAVES[wave]}the {animal} sat {ending}" + (f" {after}" if after else "")


def capitalised_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text[0].upper() + text[1:]))


def held_out_parts(seed: int):
    """(held-out patterns per family, held-out `after` per (wave, ending)): partners together,
    two `after`s left per sitting combination, every word still in some training sentence."""
    rng = random.Random(f"held out {seed}")
    held_after = {(wave, ending): rng.choice([a for a in SAT_AFTERS[ending] if a])
                  for wave in WAVES for ending in endings(wave)}
    sentences = [
        sitting(wave, animal, ending, after)
        for (wave, ending), held in held_after.items() for animal in PETS
        for after in SAT_AFTERS[ending] if after != held
    ] + [s for templates, words in FAMILIES.values() for t in templates for s in fill(t, words)]
    uses = Counter(w for s in sentences for w in capitalised_words(s))
    held = {}
    for family, (templates, words) in FAMILIES.items():
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


def deck(rng: random.Random, weights: dict[str, int]):
    """Endings in exact proportions: shuffled decks of `weight` copies of each, one by one."""
    while True:
        cards = [ending for ending, n in weights.items() for _ in range(n)]
        rng.shuffle(cards)
        yield from reversed(cards)


def generate_corpus(num_sentences: int | None = None, seed: int = 0, validation=False) -> str:
    """data/corpus.txt (6,000 sentences), or data/corpus_validation.txt (600, held-out
    combinations only): paragraphs of 8, each kind of sentence its exact share of KINDS."""
    num_sentences = num_sentences or (600 if validation else 6000)
    held, held_after = held_out_parts(seed)
    rng = random.Random(f"{'validation' if validation else 'training'} {seed}")
    kinds = [kind for kind, share in KINDS.items()
             for _ in range(round(num_sentences * share / sum(KINDS.values())))]
    rng.shuffle(kinds)
    decks, sentences = {}, []
    for kind in kinds:
        if kind.endswith(" sat"):
            if kind in ("cat sat", "dog sat"):
                wave, animal = "plain", kind.split()[0]
            else:
                wave = rng.choice(["boy", "girl"]) if kind == "wave sat" else "wizard"
                animal = rng.choice(PETS)
            ending = next(decks.setdefault(kind, deck(rng, endings(wave))))  # exact shares
            afters = [a for a in SAT_AFTERS[ending] if a != held_after[wave, ending]]
            after = held_after[wave, ending] if validation else rng.choice(afters)
            text = sitting(wave, animal, ending, after)
        else:
            templates, words = FAMILIES[kind]
            pool = sorted(held[kind]) if validation else [
                t for t in templates if t not in held[kind]]
            text = rng.choice(fill(rng.choice(pool), words))
        sentences.append(text[0].upper() + text[1:] + ".")
    return "\n\n".join(" ".join(sentences[i : i + 8]) for i in range(0, len(sentences), 8)) + "\n"


if __name__ == "__main__":
    CORPUS_PATH.write_text(generate_corpus(), encoding="utf-8")
    VALIDATION_PATH.write_text(generate_corpus(validation=True), encoding="utf-8")
    for path in (CORPUS_PATH, VALIDATION_PATH):
        print(f"wrote {path.name}: {path.stat().st_size} bytes")
    for name, value in corpus_statistics(*load_corpus_split()).items():
        print(f"{name}: {value:,}")
