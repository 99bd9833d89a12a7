"""Notebook 01's widget callback: the contract the browser test reads."""

from minillm_helpers.notebook_support.widgets.nb01 import show_ids
from minillm_helpers.tokenizer import CharTokenizer


def test_led_shows_its_ids_then_the_decoded_text():
    lines = show_ids("led", CharTokenizer("dehlorw ")).splitlines()
    assert lines == ["IDs: [3, 1, 0]", "Decoded: led"]


def test_empty_text():
    assert show_ids("", CharTokenizer("dehlorw ")).splitlines() == ["IDs: []", "Decoded: "]


def test_unseen_character_is_reported_not_raised():
    text = show_ids("hello!", CharTokenizer("dehlorw "))
    assert text.startswith("Error: '!' at position 5 is not in the vocabulary")


def test_unknown_mode_shows_the_stand_in():
    text = show_ids("led!", CharTokenizer("dehlorw ", unknown="?"))
    assert text.splitlines() == ["IDs: [3, 1, 0, 8]", "Decoded: led?"]
