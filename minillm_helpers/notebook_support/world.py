"""Notebook 09's data: a seeded world of invented people, each with three facts.

Every person has a birthplace, a favourite food and a pet. Their biography writes each
fact in several phrasings, its sentences in a random order; the text holds every
biography once, in a random order, and a few `strangers` who appear only by name ("the
village also knows X ."), so a word tokenizer has their names without any fact.
The same seed gives the same world; nothing is stored on disk.

>>> world = make_world(people=3, strangers=1, seed=0)
>>> make_world(people=3, strangers=1, seed=0).text == world.text
True
>>> world.people[0].name in world.text, len(world.strangers)
(True, 1)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CITIES = ("Lisbon", "Oslo", "Cairo", "Lima", "Quito", "Hanoi", "Dakar", "Perth", "Riga",
          "Turin", "Kyoto", "Porto")
FOODS = ("rice", "plums", "soup", "bread", "cheese", "figs", "noodles", "pears", "beans",
         "honey")
PETS = ("cat", "dog", "parrot", "goat", "rabbit", "tortoise", "hamster", "lizard")
PHRASINGS = {  # each fact, written several ways
    "city": ("{name} was born in {city} .", "{name} came into the world in {city} .",
             "the birthplace of {name} is {city} .", "{city} is where {name} was born .",
             "{name} spent the first years of life in {city} ."),
    "food": ("the favourite food of {name} is {food} .", "{name} likes {food} best .",
             "{name} loves to eat {food} .", "{food} is what {name} eats most gladly ."),
    "pet": ("the pet of {name} is a {pet} .", "{name} has a {pet} .",
            "{name} keeps a {pet} at home .", "a {pet} lives with {name} ."),
}
QUESTIONS = {"city": "where was {name} born ?", "food": "what food does {name} like best ?",
             "pet": "what pet does {name} have ?"}
STRANGER = "the village also knows {name} ."
SYLLABLES = ("ba", "del", "fo", "ga", "ka", "lu", "mi", "nor", "pe", "ra", "sil", "ta", "vo",
             "wen", "zo", "bri", "tam", "ko")


@dataclass(frozen=True)
class Person:
    name: str
    city: str
    food: str
    pet: str


@dataclass
class World:
    people: list  # Person, each with a fact of every kind
    strangers: list  # names written once, with no fact
    text: str  # the pretraining text: every biography and every stranger's line

    def questions(self, people, facts=tuple(QUESTIONS)) -> list[tuple[str, str]]:
        """(question, answer) for each person and fact: ("where was Kalu born ?", "Oslo")."""
        return [(QUESTIONS[f].format(name=p.name), getattr(p, f)) for p in people for f in facts]

    def completions(self, people, fact="city") -> list[tuple[str, str]]:
        """(the start of a sentence of pretraining, the word that ends it): "Kalu was born in"."""
        return [(PHRASINGS[fact][0].format(**vars(p)).rsplit(" ", 2)[0], getattr(p, fact))
                for p in people]


def make_world(people: int = 200, strangers: int = 20, phrasings: int = 5,
               seed: int = 0) -> World:
    """`people` with random facts, each fact written in up to `phrasings` ways (1: the
    first way only), and `strangers` known only by name; one seed decides everything."""
    rng = random.Random(seed)
    names = set()  # invented: two or three syllables, no name twice
    while len(names) < people + strangers:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3)))).title())
    names = sorted(names)  # a set's order varies from run to run; the shuffle is the seed's
    rng.shuffle(names)
    folk = [Person(n, rng.choice(CITIES), rng.choice(FOODS), rng.choice(PETS))
            for n in names[:people]]
    pieces = [[STRANGER.format(name=n)] for n in names[people:]]
    for person in folk:
        sentences = [way.format(**vars(person)) for ways in PHRASINGS.values()
                     for way in ways[:phrasings]]
        rng.shuffle(sentences)
        pieces.append(sentences)
    rng.shuffle(pieces)
    return World(folk, names[people:], " ".join(s for piece in pieces for s in piece))
