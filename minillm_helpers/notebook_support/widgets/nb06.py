"""Widget callback for notebook 06: a temperature slider over the next-word distribution.

The notebook passes in its own `probabilities` function (temperature, softmax) and
a `sample` function that generates a continuation with its `generate`, so this
module holds no concept code: it only ranks, formats and draws.
"""

from __future__ import annotations


def temperature_readout(temperature, logits, vocabulary, probabilities, sample,
                        prompt="The cat sat", top=5, draw=False) -> str:
    """Describe the next-word distribution after `prompt` at one temperature.

    `logits` is the (vocab,) tensor of scores the model gives after the prompt,
    `probabilities(logits, temperature)` turns them into probabilities and
    `sample(temperature)` returns a freshly generated text. Returns two lines:
        "After 'The cat sat' at temperature 1.00: on 0.35, down 0.30, ..."
        "Sample: The cat sat down by the fire."
    Words are ranked by score, an order no temperature changes. With draw=True
    the `2 * top` best words are drawn as bars.
    """
    vocabulary = list(vocabulary)
    if getattr(logits, "dim", lambda: None)() != 1 or len(logits) != len(vocabulary):
        raise ValueError(
            f"logits must be a 1-D tensor with one score per vocabulary word "
            f"({len(vocabulary)}), got shape {tuple(getattr(logits, 'shape', ()))}."
        )
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= len(vocabulary):
        raise ValueError(f"top must be a whole number from 1 to {len(vocabulary)}, got {top!r}.")
    probs = probabilities(logits, temperature)  # raises on a bad temperature
    order = sorted(range(len(vocabulary)), key=lambda i: -float(logits[i]))  # stable for ties
    listed = ", ".join(f"{vocabulary[i]} {float(probs[i]):.2f}" for i in order[:top])
    text = (f"After {prompt!r} at temperature {float(temperature):.2f}: {listed}\n"
            f"Sample: {sample(temperature)}")
    if draw:
        import matplotlib.pyplot as plt

        shown = order[: min(2 * top, len(vocabulary))]
        _, ax = plt.subplots(figsize=(7, 3.2))
        ax.bar([vocabulary[i] for i in shown], [float(probs[i]) for i in shown], color="tab:blue")
        ax.set_ylim(0, 1)
        ax.set_ylabel("probability")
        ax.set_title(f"Next word after {prompt!r} at temperature {float(temperature):.2f}")
        plt.show()
    return text
