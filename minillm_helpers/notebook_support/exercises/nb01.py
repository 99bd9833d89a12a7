"""Checkers for notebook 01's exercises (tokenization)."""

from minillm_helpers.notebook_support.exercises.feedback import NotYet, call, checker, numbers

ARTICLE_ORDER = "dehlorw "  # d, e, h, l, o, r, w, space: IDs 0..7


@checker
def check_hold_ids(ids) -> str:
    """Exercise 1: the IDs of "hold" in the article's vocabulary (d, e, h, l, o, r, w, space)."""
    expected = [ARTICLE_ORDER.index(c) for c in "hold"]
    if ids is ... or ids is None:
        raise NotYet("replace the ... with a list of four IDs, one per character.")
    ids = numbers(ids, hint="give a list of whole numbers, e.g. [1, 2, 3, 4].")
    if ids == expected:
        return f"'hold' -> {expected}: h=2, o=4, l=3, d=0."
    if len(ids) != 4:
        raise NotYet(f"'hold' has 4 characters, so it needs 4 IDs (you gave {len(ids)}).")
    if ids == [sorted(ARTICLE_ORDER).index(c) for c in "hold"]:
        raise NotYet("those are the sorted vocabulary's IDs: number d, e, h, l, o, r, w, space.")
    wrong = next(c for c, got, want in zip("hold", ids, expected, strict=True) if got != want)
    raise NotYet(f"look up {wrong!r} again: its ID is its place in d, e, h, l, o, r, w, space.")


@checker
def check_first_seen_vocabulary(build) -> str:
    """Exercise 2: a function listing a text's distinct characters in order of first appearance."""
    for text in ("hello world", "banana", "abcabc", "x", "The cat sat."):
        expected, got = list(dict.fromkeys(text)), call(build, text)
        if got is None:
            raise NotYet("your function returns nothing yet: write its body and return the "
                         "list of characters.")
        if not hasattr(got, "__iter__"):
            raise NotYet(f"return the list of characters, not {got!r}.")
        got = list(got)
        if got == sorted(set(text)) != expected:
            raise NotYet(f"on {text!r} that is sorted order: keep the order of first appearance.")
        if sorted(got) != sorted(set(text)) or len(got) != len(set(got)):
            raise NotYet(f"on {text!r} you gave {got}: each character should appear exactly once.")
        if got != expected:
            raise NotYet(f"on {text!r} expected {expected}, got {got}.")
    return ("'hello world' -> h, e, l, o, space, w, r, d: another consistent order, so another "
            "valid tokenizer.")
