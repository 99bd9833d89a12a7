"""The committed corpus is what the generator makes, and holds what the notebooks need."""

import re
import sys
from collections import Counter
from pathlib import Path

from minillm_helpers.notebook_support.corpus import (
    corpus_statistics,
    load_corpus,
    load_corpus_split,
    split_sentences,
)
from minillm_helpers.tokenizer import WordTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from make_corpus import SAT_ENDINGS, generate_corpus  # noqa: E402


def test_committed_texts_are_the_generators_output():
    train_text, val_text = load_corpus_split()
    message = "data/ differs from the generator: run `python data/make_corpus.py`."
    assert train_text == generate_corpus(), message
    assert val_text == generate_corpus(validation=True), message
    assert load_corpus() == train_text


def test_generator_is_deterministic_and_seeded():
    assert generate_corpus(60, seed=3) == generate_corpus(60, seed=3)
    assert generate_corpus(60, seed=3) != generate_corpus(60, seed=4)
    assert generate_corpus(60, 3, validation=True) == generate_corpus(60, 3, validation=True)


def test_every_validation_sentence_is_absent_from_the_training_text():
    train_text, val_text = load_corpus_split()
    training = set(split_sentences(train_text))
    validation = split_sentences(val_text)
    assert len(validation) == 600
    assert not [s for s in validation if s in training]
    flat = " ".join(train_text.split())
    assert not [s for s in set(validation) if s in flat]  # not even inside a longer sentence
    stats = corpus_statistics(train_text, val_text)
    assert stats["validation sentences never in training"] == stats["validation sentences"] == 600
    assert stats["distinct ones never in training"] == stats["distinct validation sentences"] >= 50


def test_validation_uses_only_parts_the_training_text_has():
    train_text, val_text = load_corpus_split()
    train_words = set(WordTokenizer.split(train_text))
    assert set(WordTokenizer.split(val_text)) <= train_words  # one tokenizer encodes both


def test_sentences_split_the_whole_text():
    train_text, val_text = load_corpus_split()
    for text, count in ((train_text, 6000), (val_text, 600)):
        sentences = split_sentences(text)
        assert len(sentences) == count
        assert " ".join(sentences) == " ".join(text.split())


def test_cat_sat_endings_are_exactly_the_articles_shares():
    text = load_corpus()
    shares = {ending.split()[0]: n / 100 for ending, n in SAT_ENDINGS.items()}
    assert shares == {"on": 0.35, "down": 0.30, "suddenly": 0.15, "quietly": 0.08, "still": 0.06,
                      "furiously": 0.05, "magically": 0.01}
    for pattern in (r"The cat sat (\w+)", r"The dog sat (\w+)", r"hand and the \w+ sat (\w+)"):
        endings = Counter(re.findall(pattern, text))
        total = sum(endings.values())
        assert {word: n / total for word, n in endings.items()} == shares, pattern
    spell = Counter(re.findall(r"wand and the \w+ sat (\w+)", text))
    assert spell.most_common(1)[0] == ("magically", 0.7 * sum(spell.values()))


def test_corpus_holds_every_demonstration():
    text = load_corpus().lower()
    words = set(re.findall(r"\w+", text))
    for word in ["king", "queen", "apple", "orange", "cat", "dog", "mouse", "ate", "river", "money",
                 "on", "down", "suddenly", "furiously", "magically", "wizard", "wand", "still",
                 "waited"]:
        assert word in words, word
    assert "the bank of the river was muddy" in text
    assert "money in the bank" in text
    assert "the wizard waved his wand and the cat sat" in text
    assert "the wizard waved his wand and the dog sat" in text
    assert "the boy waved his hand and the cat sat" in text
    assert text.count("the cat sat") > 100
