"""Instant feedback for notebook 01's exercises (tokenization)."""

from __future__ import annotations

import operator

from minillm_helpers.notebook_support.exercises.feedback import say

ARTICLE_ORDER = "dehlorw "  # d, e, h, l, o, r, w, space: IDs 0..7


def check_hold_ids(ids) -> bool:
    """Exercise 1: the IDs of "hold" in the article's vocabulary (d, e, h, l, o, r, w, space)."""
    expected = [ARTICLE_ORDER.index(c) for c in "hold"]
    if ids is ... or ids is None:
        return say(False, "replace the ... with a list of four IDs, one per character.")
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        return say(False, "give a list of whole numbers, e.g. [1, 2, 3, 4].")
    if ids == expected:
        return say(True, f"'hold' -> {expected}: h=2, o=4, l=3, d=0.")
    if len(ids) != 4:
        return say(False, f"'hold' has 4 characters, so it needs 4 IDs (you gave {len(ids)}).")
    sorted_order = sorted(ARTICLE_ORDER)
    if ids == [sorted_order.index(c) for c in "hold"]:
        return say(False, "those are the IDs of the sorted vocabulary (space first); use the "
                          "article's order d, e, h, l, o, r, w, space.")
    wrong = [c for c, got, want in zip("hold", ids, expected, strict=True) if got != want]
    return say(False, f"look up {wrong[0]!r} again: its ID is its place in "
                      "d, e, h, l, o, r, w, space.")


def check_first_seen_vocabulary(build) -> bool:
    """Exercise 2: a function listing a text's distinct characters in order of first appearance."""
    if not callable(build):
        return say(False, "pass your function itself (no brackets), e.g. check_...(first_seen).")
    for text in ("hello world", "banana", "abcabc", "x", "The cat sat."):
        expected = list(dict.fromkeys(text))
        try:
            got = build(text)
            if got is None:
                return say(False, "your function returns nothing yet: write its body and "
                                  "return the list of characters.")
            got = list(got)
        except Exception as error:  # the reader's code may fail in any way
            problem = f"{type(error).__name__}: {error}"
            return say(False, f"your function raised {problem} (on {text!r}).")
        if got == expected:
            continue
        if got == sorted(set(text)):
            return say(False, f"on {text!r} that is sorted order; keep the order in which "
                              "characters first appear instead.")
        if sorted(got) != sorted(set(text)) or len(got) != len(set(got)):
            return say(False, f"on {text!r} you gave {got}: each distinct character should "
                              "appear exactly once.")
        return say(False, f"on {text!r} expected {expected}, got {got}.")
    return say(True, "'hello world' -> h, e, l, o, space, w, r, d: another consistent order, "
                     "so another valid tokenizer.")


def check_token_counts(counts) -> bool:
    """Exercise 3: how many tokens "The cat sat on the mat." becomes, as (characters, words)."""
    sentence = "The cat sat on the mat."
    expected_chars = len(sentence)
    expected_words = 7  # The cat sat on the mat .
    try:
        num_characters, num_words = (operator.index(count) for count in counts)
    except (TypeError, ValueError):
        return say(False, "give two whole numbers in brackets: (characters, words).")
    if (num_characters, num_words) == (expected_chars, expected_words):
        return say(True, f"{expected_chars} character tokens but only {expected_words} word "
                         "tokens: bigger units, shorter sequences.")
    if num_characters != expected_chars:
        hint = "count the spaces and the full stop too" if num_characters in (17, 18) else (
            "every character is one token, spaces and the full stop included")
        return say(False, f"the character count is off: {hint}.")
    if num_words == 6:
        return say(False, "the word tokenizer keeps the full stop as a token of its own.")
    return say(False, "the word count is off: split into words and punctuation marks.")
