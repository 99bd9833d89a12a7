"""The committed corpus is what the generator makes, and holds what the notebooks need."""

import re

from minillm_helpers.notebook_support.corpus import generate_corpus, load_corpus


def test_committed_corpus_is_the_generators_output():
    assert load_corpus() == generate_corpus(), (
        "data/corpus.txt differs from the generator: run "
        "`python -m minillm_helpers.notebook_support.corpus`."
    )


def test_generator_is_deterministic_and_seeded():
    assert generate_corpus(50, seed=3) == generate_corpus(50, seed=3)
    assert generate_corpus(50, seed=3) != generate_corpus(50, seed=4)


def test_corpus_holds_every_demonstration():
    text = load_corpus().lower()
    words = set(re.findall(r"\w+", text))
    for word in ["king", "queen", "apple", "orange", "cat", "dog", "mouse", "ate", "river", "money",
                 "on", "down", "suddenly", "furiously", "magically", "wizard", "wand"]:
        assert word in words, word
    assert "the bank of the river was muddy" in text
    assert "money in the bank" in text
    assert "the wizard waved his wand and the cat sat" in text
    assert text.count("the cat sat") > 100
