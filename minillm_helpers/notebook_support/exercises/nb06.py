"""Checkers for notebook 06's exercises (prediction and sampling)."""

import torch

from minillm_helpers.notebook_support.exercises.feedback import (
    NotYet,
    checker,
    close,
    number,
    numbers,
    part_matters,
)

SCORES = torch.tensor([2.0, 1.0, 0.0])
WIZARD_PROMPT = "The wizard waved his wand and the cat sat"


@checker
def check_temperature(answer) -> str:
    """Exercise 1: the probabilities of the scores [2, 1, 0] at temperature 2."""
    hint = "give three probabilities as a list of numbers, like [0.5, 0.3, 0.2]."
    values, expected = numbers(answer, hint=hint), torch.softmax(SCORES / 2, 0).tolist()
    if close(values, expected):
        return (f"the scores become [1.0, 0.5, 0.0], and softmax gives "
                f"[{', '.join(f'{p:.3f}' for p in expected)}]. At temperature 1 the top word "
                "had 0.665; dividing by 2 flattened the distribution.")
    if len(values) != 3:
        raise NotYet(f"there is one probability per score: give 3 numbers, not {len(values)}.")
    if abs(sum(values) - 1) > 0.02:
        raise NotYet(f"your numbers add up to {sum(values):.3f}; probabilities from softmax add "
                     "up to 1.")
    if close(values, torch.softmax(SCORES, 0).tolist()):
        raise NotYet("that is softmax at temperature 1: divide each score by the temperature.")
    if close(values, torch.softmax(SCORES * 2, 0).tolist()):  # multiplied by 2
        raise NotYet("you multiplied by the temperature: divide, and the distribution flattens.")
    raise NotYet("divide each score by 2, take exp() of each, and divide by their sum.")


@checker
def check_magic_prompt(prompt, next_word_probabilities) -> str:
    """Exercise 2: a new prompt after which next_word_probabilities ranks `magically` first."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise NotYet('write your prompt as a string, like "The dog sat".')
    if " ".join(prompt.split()).lower() == WIZARD_PROMPT.lower():
        raise NotYet("that is the notebook's own example: change the animal, or what came before.")
    try:
        probs = next_word_probabilities(prompt)
    except ValueError as error:  # e.g. a word the tokenizer has never seen
        raise NotYet(f"the model could not read that prompt: {error}") from None
    best = max(probs, key=probs.get)
    if best == "magically":
        return (f"after {prompt!r} the model gives 'magically' {probs['magically']:.2f}, more "
                "than any other word. The context, not the last few words, decided it.")
    raise NotYet(f"after {prompt!r} the model expects {best!r} ({probs[best]:.2f}), not "
                 f"'magically' ({probs.get('magically', 0.0):.2f}): who makes magic in the corpus?")


@checker
def check_mask_off(with_mask, without_mask) -> str:
    """Exercise 3 (break it): the validation loss with the mask, then with causal = False."""
    return part_matters(
        with_mask, without_mask, "without the mask",
        "Trained with the mask, every layer learned to read only the past; let the future in "
        "and each position mixes in words it never learned to use, so its guesses get worse. "
        "The mask is part of what the model learned, not a filter laid over it.",
        margin=0.1,
    )


DROPOUT_MARGIN = 0.02  # how much narrower the gap must be: more than the seeds' spread


@checker
def check_dropout_gap(dropout, history, without_dropout) -> str:
    """Exercise 4 (retrain): `train`'s histories with `dropout` and without it; right when the
    gap between validation and training loss narrows by DROPOUT_MARGIN, validation no worse."""
    p = number(dropout)
    if p is None or not 0 <= p < 1:
        raise NotYet("give the dropout you trained with: a number from 0 up to (not) 1.")
    try:
        train_loss, val_loss = history.train_eval[-1], history.val_eval[-1]
        base_train, base_val = without_dropout.train_eval[-1], without_dropout.val_eval[-1]
    except (AttributeError, IndexError, TypeError):
        raise NotYet("pass the histories that train(...) returned, trained with val_data and "
                     "eval_every, as section 5's recipe does.") from None
    gap, base_gap = val_loss - train_loss, base_val - base_train
    if p == 0:
        raise NotYet("with dropout 0 nothing is dropped: try a value between 0.1 and 0.5.")
    if val_loss > base_val + 0.01:
        raise NotYet(f"validation loss {val_loss:.2f} against {base_val:.2f} without dropout: "
                     "so much dropout that the model learns less of everything. Try less.")
    if base_gap - gap < DROPOUT_MARGIN:
        raise NotYet(f"the gap is {gap:.2f}, against {base_gap:.2f} without dropout: not "
                     f"narrower by {DROPOUT_MARGIN}. Try more, from torch.manual_seed(1).")
    return (f"with dropout {p} the gap is {gap:.2f}, against {base_gap:.2f} without "
            f"(validation {val_loss:.2f} against {base_val:.2f}). Numbers that may vanish at "
            "any step make single sentences harder to store.")
