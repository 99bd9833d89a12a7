"""Checkers for notebook 09's exercises (from predictor to assistant)."""

from collections import Counter

from minillm_helpers.notebook_support.exercises.feedback import NotYet, checker, number, numbers


@checker
def check_chance(answer, birthplaces) -> str:
    """Exercise 1: the accuracy of always answering the most common birthplace."""
    counts = Counter(birthplaces)
    city, most = counts.most_common(1)[0]
    value = number(answer, "give the accuracy as one number from 0 to 1, e.g. 0.25.")
    expected = most / len(birthplaces)
    if abs(value - 1 / len(counts)) < 1e-9 and abs(value - expected) > 1e-9:
        raise NotYet(f"1/{len(counts)} is a blind guess among the cities; a guesser that always "
                     "names the most common city does a little better.")
    if abs(value - expected) > 1e-3:
        raise NotYet(f"count how often the most common city appears among the "
                     f"{len(birthplaces)} birthplaces, and divide.")
    return (f"always '{city}' is right {most} times in {len(birthplaces)}: {expected:.2f}. An "
            "assistant that learned only the format, with no knowledge of the people, would "
            "score about this.")


@checker
def check_unmasked(masked, unmasked) -> str:
    """Exercise 2: how likely each assistant makes the user's first word after <q>
    ("where" or "what"), fine-tuned with the question masked and without the mask."""
    with_mask, without = numbers([masked, unmasked], hint="give two probabilities (numbers): "
                                 "the masked assistant's, then the unmasked one's.")
    if without < 0.5:
        raise NotYet(f"the unmasked assistant gives only {without:.2f}: did its targets really "
                     "cover the questions (every next token)?")
    if with_mask > 0.1:
        raise NotYet(f"the masked assistant gives {with_mask:.2f}: was it fine-tuned with "
                     "conversation_targets?")
    return (f"{without:.2f} without the mask, {with_mask:.2f} with it. Without the mask the "
            "assistant also learns to write the user's questions, names and all; with it, "
            "every step is spent on answering.")
