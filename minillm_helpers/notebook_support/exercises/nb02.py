"""Checkers for notebook 02's exercises (embeddings). Each prints a verdict and returns a bool."""

from __future__ import annotations

import torch

from minillm_helpers.notebook_support.exercises.feedback import number


def check_cosine_by_hand(answer) -> bool:
    """Exercise 1: the cosine similarity of a = (1, 2, 2) and b = (2, 1, 2), worked by hand."""
    value = number(answer)
    if value is None:
        print("Give one number, e.g. 0.5 or 8 / 9.")
        return False
    if abs(value - 8 / 9) < 0.005:
        print("Right: a . b = 2 + 2 + 4 = 8, and both vectors have length 3, so "
              "cos = 8 / (3 * 3) = 0.889. They point in almost the same direction.")
        return True
    if abs(value - 8) < 1e-6:
        print("8 is the dot product a . b. Divide it by the two lengths, |a| * |b|.")
    elif abs(value - 8 / 3) < 0.005:
        print("You divided by one length only: both |a| and |b| go under the line.")
    elif not -1 <= value <= 1:
        print(f"{value:g} cannot be a cosine: cosines lie between -1 and 1. "
              "Compute a . b, then divide by |a| * |b|.")
    else:
        print(f"Not quite ({value:.3f}). Multiply the vectors position by position and add "
              "(a . b), then divide by the product of their lengths, |a| = sqrt(1 + 4 + 4).")
    return False


def check_one_hot_lookup(lookup) -> bool:
    """Exercise 2: lookup(ids, table) written as one-hot vectors times the table."""
    if not callable(lookup):
        print("Pass your function itself (lookup, without brackets).")
        return False
    generator = torch.Generator().manual_seed(2)
    table = torch.randn(7, 3, generator=generator)
    for ids in ([4], [0, 6, 6, 2], [5, 1, 3, 0, 2]):
        try:
            result = lookup(torch.tensor(ids), table)
        except Exception as error:  # the reader's code: report, don't crash
            print(f"Your function raised {type(error).__name__}: {error}")
            return False
        expected = table[torch.tensor(ids)]
        if not torch.is_tensor(result):
            print(f"Return a tensor, got {type(result).__name__}.")
            return False
        if tuple(result.shape) == (len(ids), table.shape[0]):
            print(f"For IDs {ids} you returned shape {tuple(result.shape)}: that is the one-hot "
                  "matrix itself. Multiply it by the table (@) to pick the rows.")
            return False
        if tuple(result.shape) != tuple(expected.shape):
            print(f"For IDs {ids} the result should have shape {tuple(expected.shape)} "
                  f"(one row of width {table.shape[1]} per ID), got {tuple(result.shape)}.")
            return False
        if not torch.allclose(result.float(), expected, atol=1e-6):
            print(f"For IDs {ids} the rows are not the table's rows {ids}. Check that the 1 of "
                  "each one-hot vector sits at the ID's place.")
            return False
    print("Right: multiplying one-hot rows by the table picks out exactly the table's rows, "
          "repeated IDs included.")
    return True


def check_table_size(answer) -> bool:
    """Exercise 3: how many numbers a 50,000-word table of width 768 holds."""
    value = number(answer)
    if value is None:
        print("Give one number, e.g. 1_000_000.")
        return False
    if value == 50_000 * 768:
        print("Right: 50,000 rows of 768 numbers is 38,400,000 numbers, about 154 MB as "
              "32-bit floats, all of them learned.")
        return True
    if value == 50_000 + 768:
        print("That adds the sizes. The table has one row per word, and every row holds "
              "768 numbers: multiply.")
    elif value in (50_000, 768):
        print("That is one side of the table. It is vocab_size rows by width columns.")
    else:
        print(f"Not quite ({value:,.0f}). Count the rows (one per word) and the numbers in "
              "each row (the width).")
    return False


# Validation (and training) losses of NextWordModel(V, 128, context) on the lowercased
# corpus, after torch.manual_seed(0) and train_next_word_model's defaults (200 steps of 512,
# lr 5.0): measured with 1 and 2 threads alike. tests/test_exercises_nb02_retrain.py retrains
# context 2 and checks that the checker accepts what it gets.
WIDER_VALIDATION = {1: 1.662, 2: 1.379, 3: 1.772}
WIDER_TRAINING = {1: 1.337, 2: 1.046, 3: 1.414}
WIDER_TOLERANCE = 0.05


def _verdict(ok: bool, message: str) -> bool:
    print(("Correct! " if ok else "Not yet: ") + message)
    return ok


def check_wider_context(context, validation_loss) -> bool:
    """Exercise 2: the validation loss of a next-word model retrained with context 2 or 3."""
    if context not in (2, 3) or isinstance(context, bool):
        return _verdict(False, "set the context to 2 or 3 (1 is the model you already have), "
                        "and train NextWordModel(V, width, context=...) with it.")
    loss = number(validation_loss)
    if loss is None:
        return _verdict(False, "give the validation loss as a number: validation_loss(your_model).")
    if abs(loss - WIDER_TRAINING[context]) < WIDER_TOLERANCE:
        return _verdict(False, f"{loss:.2f} is the loss on the training text. Measure it on the "
                        "held-out sentences: validation_loss(your_model).")
    if abs(loss - WIDER_VALIDATION[1]) < WIDER_TOLERANCE:
        return _verdict(False, f"{loss:.2f} is the one-word model's validation loss: build a new "
                        f"NextWordModel with context={context}, train it, and measure that one.")
    if loss > 4.0:
        return _verdict(False, f"{loss:.2f} is close to blind guessing (ln 126 = 4.84): did "
                        "you train it with train_next_word_model(wider, ids) first?")
    expected = WIDER_VALIDATION[context]
    if abs(loss - expected) >= WIDER_TOLERANCE:
        return _verdict(False, f"with context {context} I expect about {expected:.2f}, you got "
                        f"{loss:.2f}. Start from torch.manual_seed(0), width 128, and "
                        "train_next_word_model's defaults, as in section 9.")
    one = WIDER_VALIDATION[1]
    if context == 2:
        return _verdict(True, f"{loss:.2f} with two words against {one:.2f} with one: the word "
                        "before narrows the guess (after 'the', 'on the' and 'ruled the' "
                        "are followed by different nouns). Attention will use many words.")
    return _verdict(True, f"{loss:.2f} with three words, worse than {one:.2f} with one. The model "
                        "averages the three vectors, so it no longer knows which word came last: "
                        "a plain average throws order away. Weighing the words, and knowing where "
                        "each stands, is what positions (notebook 03) and attention (04) add.")
