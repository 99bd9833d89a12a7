"""The tokenizer (stage 1): lookups, the article's worked example, errors, save and load."""


import pytest
from hypothesis import given
from hypothesis import strategies as st

from minillm_helpers.notebook_support.corpus import CORPUS_PATH
from minillm_helpers.tokenizer import (
    CharTokenizer,
    WordTokenizer,
    build_vocabulary,
    decode_ids,
    encode_units,
    merge_pair,
    most_frequent_pair,
)

ARTICLE = "dehlorw "  # d->0, e->1, h->2, l->3, o->4, r->5, w->6, space->7


# --- the worked example --------------------------------------------------------------

def test_article_order_encodes_led_and_decodes_he():
    tok = CharTokenizer(ARTICLE)
    assert tok.encode("led") == [3, 1, 0]
    assert tok.decode([2, 1]) == "he"
    assert tok.unit_to_id == {"d": 0, "e": 1, "h": 2, "l": 3, "o": 4, "r": 5, "w": 6, " ": 7}


def test_sorted_order_puts_the_space_first():
    tok = CharTokenizer.from_text("hello world")
    assert tok.vocabulary == [" ", "d", "e", "h", "l", "o", "r", "w"]
    assert tok.encode("led") == [4, 2, 1]
    assert tok.decode([3, 2]) == "he"
    assert tok.decode([2, 1]) == "ed"  # the same IDs mean something else in another vocabulary


def test_both_orders_hold_the_same_characters():
    article, sorted_order = CharTokenizer(ARTICLE), CharTokenizer.from_text("hello world")
    assert sorted(article.vocabulary) == sorted_order.vocabulary


# --- the small pieces ------------------------------------------------------------------

def test_build_vocabulary_is_sorted_and_distinct():
    assert build_vocabulary("banana") == ["a", "b", "n"]
    assert build_vocabulary(["the", "cat", "the"]) == ["cat", "the"]


def test_encode_units_looks_up_in_order():
    assert encode_units("aab", {"a": 0, "b": 1}) == [0, 0, 1]
    assert encode_units([], {"a": 0}) == []


def test_encode_units_with_an_unknown_id():
    assert encode_units("axb", {"a": 0, "b": 1}, unknown_id=2) == [0, 2, 1]


def test_decode_ids_is_the_reverse_lookup():
    assert decode_ids([1, 0, 1], ["a", "b"]) == ["b", "a", "b"]
    assert decode_ids([], ["a"]) == []


def test_decode_accepts_integer_like_ids():
    import numpy as np
    import torch

    tok = CharTokenizer(ARTICLE)
    assert tok.decode(torch.tensor([2, 1])) == "he"
    assert tok.decode(np.array([2, 1])) == "he"
    assert tok.decode((2, 1)) == "he"


def test_vocab_size_and_repr():
    tok = CharTokenizer.from_text("hello world")
    assert tok.vocab_size == 8
    assert repr(tok) == "CharTokenizer(vocab_size=8)"


def test_the_empty_text_is_a_text_and_encodes_to_nothing():
    assert CharTokenizer(["a", "b"]).encode("") == []


# --- round trips -----------------------------------------------------------------------

@given(st.text(alphabet=ARTICLE))
def test_round_trip_over_the_article_vocabulary(text):
    tok = CharTokenizer(ARTICLE)
    assert tok.decode(tok.encode(text)) == text


@given(st.text(min_size=1), st.text())
def test_round_trip_over_any_training_text(training, text):
    tok = CharTokenizer.from_text(training)
    known = "".join(c for c in text if c in tok.unit_to_id)
    ids = tok.encode(known)
    assert all(0 <= i < tok.vocab_size for i in ids)
    assert tok.decode(ids) == known
    assert len(ids) == len(known)


@given(st.lists(st.sampled_from(["The", "cat", "sat", "on", "the", "mat", ".", ",", "dog"])))
def test_word_round_trip_keeps_the_units(words):
    tok = WordTokenizer(["The", "cat", "sat", "on", "the", "mat", ".", ",", "dog"])
    ids = tok.encode(" ".join(words))
    assert [tok.vocabulary[i] for i in ids] == words
    assert tok.encode(tok.decode(ids)) == ids


# --- words as units --------------------------------------------------------------------

def test_word_tokenizer_splits_words_and_punctuation():
    tok = WordTokenizer.from_text("The cat ate the mouse. The mouse ran!")
    assert tok.vocabulary == ["!", ".", "The", "ate", "cat", "mouse", "ran", "the"]
    ids = tok.encode("The mouse ate the cat.")
    assert ids == [2, 5, 3, 7, 4, 1]
    assert tok.decode(ids) == "The mouse ate the cat."


def test_words_give_shorter_sequences_but_bigger_vocabularies():
    text = CORPUS_PATH.read_text(encoding="utf-8")[:20000]
    chars, words = CharTokenizer.from_text(text), WordTokenizer.from_text(text)
    assert words.vocab_size > chars.vocab_size
    assert len(words.encode(text)) * 3 < len(chars.encode(text))


# --- byte-pair merges (notebook 01's look at real tokenizers) -------------------------

def test_most_frequent_pair_takes_the_first_on_a_tie():
    assert most_frequent_pair(list("banana")) == ("a", "n")
    assert most_frequent_pair(["the ", "cat", "the ", "cat", "sat"]) == ("the ", "cat")


@pytest.mark.parametrize("tokens, pair, merged", [
    (list("banana"), ("a", "n"), ["b", "an", "an", "a"]),
    (list("aaaa"), ("a", "a"), ["aa", "aa"]),
    (list("aaa"), ("a", "a"), ["aa", "a"]),
    (["a", "aa", "a"], ("a", "a"), ["a", "aa", "a"]),
    ([], ("a", "b"), []),
])
def test_merge_pair_glues_left_to_right(tokens, pair, merged):
    assert merge_pair(tokens, pair) == merged


@given(st.text(alphabet="ab ", min_size=2, max_size=40))
def test_merges_lose_nothing_and_shorten(text):
    tokens = list(text)
    for _ in range(3):
        if len(tokens) < 2:
            break
        shorter = merge_pair(tokens, most_frequent_pair(tokens))
        assert "".join(shorter) == text and len(shorter) < len(tokens)
        tokens = shorter


# --- unknown units ---------------------------------------------------------------------

def test_unknown_mode_maps_unseen_characters_to_one_extra_id():
    tok = CharTokenizer.from_text("hello world", unknown="\ufffd")
    assert tok.vocab_size == 9
    assert tok.unit_to_id["\ufffd"] == 8
    assert tok.encode("hi!") == [3, 8, 8]
    assert tok.decode(tok.encode("hello world!")) == "hello world\ufffd"


def test_unknown_already_in_the_vocabulary_is_not_added_twice():
    tok = CharTokenizer("ab?", unknown="?")
    assert tok.vocabulary == ["a", "b", "?"]
    assert tok.encode("az") == [0, 2]


def test_word_tokenizer_unknown_mode():
    tok = WordTokenizer.from_text("the cat sat.", unknown="<unk>")
    assert tok.decode(tok.encode("the dog sat.")) == "the <unk> sat."
    assert WordTokenizer.join(["Hi", ",", "you", "!", "!"]) == "Hi, you!!"


# --- bad input: one test each ----------------------------------------------------------

def test_character_outside_the_vocabulary_names_it_and_its_position():
    tok = CharTokenizer.from_text("hello world")
    with pytest.raises(ValueError, match=r"'!' at position 11 is not in the vocabulary"):
        tok.encode("hello world!")


def test_word_outside_the_vocabulary_names_it_and_its_position():
    tok = WordTokenizer.from_text("the cat sat")
    with pytest.raises(ValueError, match=r"'dog' at position 1 is not in the vocabulary"):
        tok.encode("the dog sat")


def test_empty_training_text():
    with pytest.raises(ValueError, match="training text is empty"):
        CharTokenizer.from_text("")


def test_training_text_without_words():
    with pytest.raises(ValueError, match="training text is empty"):
        WordTokenizer.from_text("   ")


@pytest.mark.parametrize("bad_id", [8, -1, 100])
def test_id_outside_the_vocabulary(bad_id):
    tok = CharTokenizer(ARTICLE)
    with pytest.raises(ValueError, match=rf"ID {bad_id} at position 1 is outside the vocabulary: "
                                         r"valid IDs are 0 to 7"):
        tok.decode([2, bad_id])


@pytest.mark.parametrize("bad_id", [1.5, "2", None, True])
def test_id_that_is_not_a_whole_number(bad_id):
    with pytest.raises(TypeError, match="Token IDs must be whole numbers"):
        CharTokenizer(ARTICLE).decode([bad_id])


def test_decode_of_a_string():
    with pytest.raises(TypeError, match="Token IDs must be whole numbers, got '21'"):
        CharTokenizer(ARTICLE).decode("21")


@pytest.mark.parametrize("bad", [b"led", 42, ["l", "e", "d"], None])
def test_encode_of_a_non_string(bad):
    message = f"encode\\(\\)'s input must be a str, got {type(bad).__name__}"
    with pytest.raises(TypeError, match=message):
        CharTokenizer(ARTICLE).encode(bad)


@pytest.mark.parametrize("bad", [b"hello", 3.14, None])
def test_training_text_that_is_not_a_string(bad):
    with pytest.raises(TypeError, match="training text must be a str"):
        CharTokenizer.from_text(bad)


def test_empty_vocabulary():
    with pytest.raises(ValueError, match="vocabulary is empty"):
        CharTokenizer([])


def test_repeated_unit_in_the_vocabulary():
    with pytest.raises(ValueError, match=r"lists \['a'\] more than once"):
        CharTokenizer("aba")


@pytest.mark.parametrize("bad_unit", [1, None])
def test_vocabulary_unit_that_is_not_a_string(bad_unit):
    with pytest.raises(TypeError, match="units must be non-empty strings"):
        CharTokenizer(["a", bad_unit])


def test_vocabulary_unit_that_is_empty():
    with pytest.raises(ValueError, match="units must be non-empty strings, got ''"):
        CharTokenizer(["a", ""])
