"""Checkers for notebook 02's exercises (embeddings)."""

from minillm_helpers.notebook_support.exercises.feedback import NotYet, checker, number


@checker
def check_cosine_by_hand(answer) -> str:
    """Exercise 1: the cosine similarity of a = (1, 2, 2) and b = (2, 1, 2), worked by hand."""
    value = number(answer, "give one number, e.g. 0.5 or 8 / 9.")
    if abs(value - 8 / 9) < 0.005:
        return ("a . b = 2 + 2 + 4 = 8, and both vectors have length 3, so cos = 8 / (3 * 3) "
                "= 0.889. They point in almost the same direction.")
    if abs(value - 8) < 1e-6:
        raise NotYet("8 is the dot product a . b. Divide it by the two lengths, |a| * |b|.")
    if abs(value - 8 / 3) < 0.005:
        raise NotYet("you divided by one length only: both |a| and |b| go under the line.")
    if not -1 <= value <= 1:
        raise NotYet(f"{value:g} cannot be a cosine: cosines lie between -1 and 1.")
    raise NotYet(f"{value:.3f} is off: divide a . b by |a| * |b|, where |a| = sqrt(1 + 4 + 4).")


# Validation (and training) losses of NextWordModel(V, 128, context) on the lowercased
# corpus, after torch.manual_seed(0) and train_next_word_model's defaults (200 steps of 512,
# lr 5.0): measured with 1 and 2 threads alike. tests/test_exercises_nb02_retrain.py retrains
# context 2 and checks that the checker accepts what it gets.
WIDER_VALIDATION = {1: 1.662, 2: 1.379, 3: 1.772}
WIDER_TRAINING = {1: 1.337, 2: 1.046, 3: 1.414}
WIDER_TOLERANCE = 0.05


@checker
def check_wider_context(context, validation_loss) -> str:
    """Exercise 2: the validation loss of a next-word model retrained with context 2 or 3."""
    if context not in (2, 3):
        raise NotYet("set the context to 2 or 3 (1 is the model you already have).")
    hint = "give the validation loss as a number: validation_loss(your_model)."
    loss = number(validation_loss, hint)
    if abs(loss - WIDER_TRAINING[context]) < WIDER_TOLERANCE:
        raise NotYet(f"{loss:.2f} is the loss on the training text: use validation_loss.")
    if abs(loss - WIDER_VALIDATION[1]) < WIDER_TOLERANCE:
        raise NotYet(f"{loss:.2f} is the one-word model's validation loss: measure the new one.")
    if loss > 4.0:
        raise NotYet(f"{loss:.2f} is blind guessing (ln 126 = 4.84): did you train the model?")
    expected = WIDER_VALIDATION[context]
    if abs(loss - expected) >= WIDER_TOLERANCE:
        raise NotYet(f"with context {context} I expect about {expected:.2f}, you got {loss:.2f}: "
                     "start from torch.manual_seed(0), width 128, as in section 9.")
    one = WIDER_VALIDATION[1]
    if context == 2:
        return (f"{loss:.2f} with two words against {one:.2f} with one: the word before "
                "narrows the guess (after 'the', 'on the' and 'ruled the' are followed by "
                "different nouns). Attention will use many words.")
    return (f"{loss:.2f} with three words, worse than {one:.2f} with one. The model averages "
            "the three vectors, so it no longer knows which word came last: a plain average "
            "throws order away. Weighing the words, and knowing where each stands, is what "
            "positions (notebook 03) and attention (04) add.")
