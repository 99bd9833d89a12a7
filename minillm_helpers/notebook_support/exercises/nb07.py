"""Checkers for notebook 07's exercises (the mini LLM on Tiny Shakespeare)."""

import math

from minillm_helpers.notebook_support.exercises.feedback import (
    NotYet,
    checker,
    number,
    part_matters,
)


@checker
def check_choices(answer, loss) -> str:
    """Exercise 1: as how many equally likely characters does a loss feel? exp(loss)."""
    value = number(answer, "give the number of choices as one number, e.g. 20.")
    expected = math.exp(loss)
    if abs(value - expected) <= 0.01 * expected:
        return (f"exp({loss:.2f}) = {expected:.1f}. Guessing among {expected:.1f} equally likely "
                "characters would score the same loss (this is the perplexity).")
    if abs(value - math.log(loss)) < 0.01 or abs(value - 1 / loss) < 0.01:
        raise NotYet("go the other way: the loss is log(choices), so choices = exp(loss).")
    if abs(value - 2**loss) < 0.05 or abs(value - 10**loss) < 0.5:
        raise NotYet("right idea, wrong base: the loss uses the natural log, so use math.exp.")
    raise NotYet("with n equally likely choices the loss is log(n); solve for n.")


@checker
def check_no_positions(with_positions, without_positions) -> str:
    """Exercise 2 (break it): the trained model's validation loss, and the same model with
    its position vectors set to zero (model.positions.zero_())."""
    return part_matters(
        with_positions, without_positions, "without positions",
        "Without positions every character in the window looks the same wherever it stands, "
        "and attention cannot tell the last character from one 60 back: the model trained to "
        "lean on the sinusoids is lost without them.",
        margin=0.3, broken_digits=1,  # the wrecked model's second decimal moves with the threads
    )


# Exercise 3's race: the notebook's shape, what must stay as it is, and the line to reach.
NOTEBOOK_SHAPE = {"width": 128, "num_layers": 4}
KEPT = {"vocab_size": 65, "context_length": 64}
TARGET_LOSS = 2.4


@checker
def check_shape_on_budget(config, history, seconds, budget) -> str:
    """Exercise 3 (width or depth): a GPTConfig of another width or depth than the notebook's,
    the history train(...) returned for it (with val_data), its training time and the budget,
    in seconds. Passes within the budget at a last validation loss of at most TARGET_LOSS."""
    sizes = {name: getattr(config, name, None) for name in [*KEPT, *NOTEBOOK_SHAPE]}
    if not all(isinstance(size, int) for size in sizes.values()):
        raise NotYet("pass the GPTConfig you trained, then the history train(...) returned, "
                     "the seconds it took and the budget.")
    if any(sizes[name] != size for name, size in KEPT.items()):
        raise NotYet(f"keep vocab_size={KEPT['vocab_size']} and context_length="
                     f"{KEPT['context_length']}: change only width and num_layers.")
    width, layers = sizes["width"], sizes["num_layers"]
    if (width, layers) == tuple(NOTEBOOK_SHAPE.values()):
        raise NotYet(f"that is the notebook's own shape, {layers} blocks of width {width}: "
                     "change the width, the number of blocks, or both.")
    losses = getattr(history, "val_eval", None)
    loss = number(losses[-1] if isinstance(losses, list) and losses else None, "pass the "
                  "history train(...) returned, trained with val_data, so that it holds a "
                  "validation loss.")
    took, budget = number(seconds), number(budget)
    if budget is None or budget <= 0:
        raise NotYet("give the budget as one positive number of seconds (the notebook's "
                     "`budget`).")
    if took is None or took <= 0:
        raise NotYet("give the training time as one positive number of seconds "
                     "(time.perf_counter() after train(...) minus before).")
    if took > budget:
        raise NotYet(f"{took:.1f} s is over the budget of {budget:.1f} s: train fewer "
                     "steps, or a smaller model, whose steps take less time.")
    if loss > TARGET_LOSS:
        raise NotYet(f"validation loss {loss:.2f}, above the target {TARGET_LOSS}: with the "
                     "time left, more steps; or a shape whose steps are cheaper, so that more "
                     "of them fit in the budget.")
    smaller = width * width * layers < NOTEBOOK_SHAPE["width"] ** 2 * NOTEBOOK_SHAPE["num_layers"]
    lesson = ("A smaller model wins a short race: each of its steps costs less, so it takes "
              "more of them, and this early on more steps matter more than size. With more "
              "time a larger model has more room to improve: the best size depends on the "
              "budget." if smaller else
              "A shape no cheaper than the notebook's made it: compare with a smaller one "
              "in the same budget, which takes more steps.")
    return (f"{layers} block{'s' if layers > 1 else ''} of width {width}: validation loss "
            f"{loss:.2f} (target {TARGET_LOSS}) in {took:.1f} s (budget {budget:.1f} s). "
            f"{lesson}")
