"""Checkers for notebook 06's exercises (prediction and sampling). Each prints a verdict
and returns a bool; a wrong answer never raises."""

from __future__ import annotations

import math

from minillm_helpers.notebook_support.exercises.feedback import check_part_matters, close, numbers

SCORES = [2.0, 1.0, 0.0]
TEMPERATURE = 2.0

# The corpus recipe for what follows "The cat sat": the article's illustration
# plus two quieter endings.
CAT_SAT = {"on": 0.35, "down": 0.30, "suddenly": 0.15, "quietly": 0.08, "still": 0.06,
           "furiously": 0.05, "magically": 0.01}
TOP_P = 0.75

WIZARD_PROMPT = "The wizard waved his wand and the cat sat"


def _softmax(values):
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    return [e / sum(exps) for e in exps]






def check_temperature(answer) -> bool:
    """Exercise 1: the probabilities of the scores [2, 1, 0] at temperature 2."""
    expected = _softmax([s / TEMPERATURE for s in SCORES])
    values = numbers(answer)
    if values is None:
        print("Give three probabilities as a list of numbers, like [0.5, 0.3, 0.2].")
        return False
    if close(values, expected):
        shown = ", ".join(f"{p:.3f}" for p in expected)
        print(f"Right: the scores become [1.0, 0.5, 0.0], and softmax gives [{shown}]. At "
              f"temperature 1 the top word had 0.665; dividing by 2 flattened the distribution.")
        return True
    if len(values) != 3:
        print(f"There is one probability per score: give 3 numbers, not {len(values)}.")
    elif abs(sum(values) - 1) > 0.02:
        print(f"Your numbers add up to {sum(values):.3f}; probabilities from softmax add up to 1. "
              "Exponentiate each divided score, then divide by the total.")
    elif close(values, _softmax(SCORES)):
        print("That is softmax at temperature 1. Divide each score by the temperature first.")
    elif close(values, _softmax([s * TEMPERATURE for s in SCORES])):
        print("You multiplied by the temperature. Divide instead: a higher temperature should "
              "make the distribution flatter, not sharper.")
    else:
        print("Not quite. Divide each score by 2, take exp() of each, and divide by their sum.")
    return False


def check_top_p(answer) -> bool:
    """Exercise 2: which words survive top-p with p = 0.75 in the CAT_SAT distribution?"""
    ranked = sorted(CAT_SAT, key=CAT_SAT.get, reverse=True)
    expected, mass = [], 0.0
    for word in ranked:
        if mass >= TOP_P:
            break
        expected.append(word)
        mass += CAT_SAT[word]
    if isinstance(answer, str) or not isinstance(answer, (list, tuple, set, frozenset)):
        print("Give the surviving words as a list or set of strings, like ['on', 'down'].")
        return False
    words = {str(w) for w in answer}
    unknown = sorted(words - set(CAT_SAT))
    if unknown:
        print(f"{unknown} are not candidates here; pick from {ranked}.")
        return False
    if words == set(expected):
        print(f"Right: {' + '.join(f'{CAT_SAT[w]:.2f}' for w in expected)} = {mass:.2f} is "
              f"the first running total that reaches {TOP_P}, so {len(expected)} words survive "
              "and the tail is cut.")
        return True
    kept = sum(CAT_SAT[w] for w in words)
    if words != set(ranked[: len(words)]):  # a likelier word is missing
        print("Top-p keeps the most likely words first: walk down the list from the top.")
    elif kept < TOP_P:
        print(f"Those add up to {kept:.2f}, which has not reached {TOP_P} yet: keep one more.")
    else:
        print(f"Those add up to {kept:.2f}, but a smaller set already reaches {TOP_P}: top-p "
              "keeps the smallest such set.")
    return False


def check_magic_prompt(prompt, next_word_probabilities) -> bool:
    """Exercise 3: a prompt of your own after which `magically` is the most likely next word.

    next_word_probabilities(prompt) must return a dict {word: probability}.
    """
    if not isinstance(prompt, str) or not prompt.strip():
        print('Write your prompt as a string, like "The dog sat".')
        return False
    if " ".join(prompt.split()).lower() == WIZARD_PROMPT.lower():
        print("That is the notebook's own example. Find a different one: change the animal, "
              "or what happens before.")
        return False
    try:
        probs = next_word_probabilities(prompt)
    except ValueError as error:  # e.g. a word the tokenizer has never seen
        print(f"The model could not read that prompt: {error}")
        return False
    best = max(probs, key=probs.get)
    if best == "magically":
        print(f"Right: after {prompt!r} the model gives 'magically' {probs['magically']:.2f}, "
              "more than any other word. The context, not the last few words, decided it.")
        return True
    print(f"After {prompt!r} the model expects {best!r} ({probs[best]:.2f}); 'magically' gets "
          f"{probs.get('magically', 0.0):.2f}. Hint: in the corpus, who makes things happen "
          "magically, and what does the sentence need to end with?")
    return False


def check_mask_off(with_mask, without_mask) -> bool:
    """Exercise 4 (break it): the trained model's validation loss with its causal mask, and
    with the mask switched off after training (config.causal = False)."""
    return check_part_matters(
        with_mask, without_mask, "without the mask",
        "Trained with the mask, every layer learned to read only the past; let the future in "
        "and each position mixes in words it never learned to use, so its guesses get worse. "
        "The mask is part of what the model learned, not a filter laid over it.",
        margin=0.1,
    )


DROPOUT_MARGIN = 0.02  # how much narrower the gap must be: more than the seeds' spread


def check_dropout_gap(dropout, history, without_dropout) -> bool:
    """Exercise 5 (retrain): a GPT trained with `dropout` against the same recipe without it
    (both histories from `train`, with validation data). Right when the gap between the
    final validation and training losses is narrower by DROPOUT_MARGIN, and validation is
    no worse."""
    from minillm_helpers.notebook_support.exercises.feedback import number, say

    p = number(dropout)
    if p is None or not 0 <= p < 1:
        print("Give the dropout you trained with: a number from 0 up to (not including) 1.")
        return False
    try:
        train_loss, val_loss = history.train_eval[-1], history.val_eval[-1]
        base_train, base_val = without_dropout.train_eval[-1], without_dropout.val_eval[-1]
    except (AttributeError, IndexError, TypeError):
        print("Pass the histories that train(...) returned, trained with val_data and "
              "eval_every, as section 5's recipe does.")
        return False
    gap, base_gap = val_loss - train_loss, base_val - base_train
    if p == 0:
        return say(False, "with dropout 0 nothing is dropped: that is the model you already "
                          "have. Try a value between 0.1 and 0.5.")
    if val_loss > base_val + 0.01:
        return say(False, f"validation loss {val_loss:.2f} against {base_val:.2f} without "
                          f"dropout (training {train_loss:.2f} against {base_train:.2f}): so "
                          "much dropout that the model learns less of everything. Try less.")
    if base_gap - gap >= DROPOUT_MARGIN:
        return say(True, f"with dropout {p} the gap is {gap:.2f}, against {base_gap:.2f} "
                         f"without (validation {val_loss:.2f} against {base_val:.2f}). Numbers "
                         "that may vanish at any step make single sentences harder to store.")
    return say(False, f"the gap is {gap:.2f}, against {base_gap:.2f} without dropout: not "
                      f"narrower by {DROPOUT_MARGIN}. Try more dropout, from "
                      "torch.manual_seed(1) and with the same recipe.")
