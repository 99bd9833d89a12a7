"""Widget for notebook 06: a prompt, temperature, top-k and top-p over the next word.

The notebook passes in its trained model and tokenizer and its own concept functions,
`probabilities(logits, temperature, top_k, top_p)` and `generate(model, ids, n, ...)`.
This module holds no concept code: it only runs them, ranks, formats and draws.
"""

from __future__ import annotations

from itertools import count

import torch


def sampling_controls(prompts, max_top_k: int = 20) -> dict:
    """The widget's four controls, by argument name, for `ipywidgets.interact`.

    Top-k 0 and top-p 1 are the "no cut" positions. Labels are shown in full
    (`description_width: initial`), never cut to "Temperat...".
    """
    import ipywidgets as widgets

    full = {"style": {"description_width": "initial"}}
    return {
        "prompt": widgets.Dropdown(options=list(prompts), description="Prompt", **full),
        "temperature": widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.05,
                                           description="Temperature", **full),
        "top_k": widgets.IntSlider(value=0, min=0, max=max_top_k, description="Top-k (0 = off)",
                                   **full),
        "top_p": widgets.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05,
                                     description="Top-p (1 = off)", **full),
    }


def describe_settings(temperature, top_k, top_p) -> str:
    """The three decoding settings as the widget prints them; top_k 0 and top_p 1 mean no cut.

    >>> describe_settings(0.8, 0, 1.0)
    'temperature 0.80, top-k off, top-p off'
    >>> describe_settings(1, 3, 0.9)
    'temperature 1.00, top-k 3, top-p 0.90'
    """
    k = "off" if not top_k else str(int(top_k))
    p = "off" if top_p is None or float(top_p) >= 1 else f"{float(top_p):.2f}"
    return f"temperature {float(temperature):.2f}, top-k {k}, top-p {p}"


def sampling_readout(prompt, temperature, top_k, top_p, model, tokenizer, probabilities,
                     generate, seed=0, top=5, new_tokens=12, draw=False) -> str:
    """Describe the next-word distribution after `prompt` under three decoding settings.

    `top_k` 0 and `top_p` 1 mean "no cut" (the sliders' off positions); they reach
    `probabilities` and `generate` as None. Returns three lines:
        "After 'The cat sat' (temperature 1.00, top-k off, top-p off): on 0.35, down 0.30, ..."
        "118 of 118 words can be drawn"
        "Sample: The cat sat down by the fire."
    Words are listed best score first, an order no setting changes; a word a cut
    removed shows 0.00. The sample is `new_tokens` words drawn with `seed`. With
    draw=True the `2 * top` best words are drawn as bars, those that can no longer
    be drawn in grey.
    """
    vocabulary = list(tokenizer.vocabulary)
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= len(vocabulary):
        raise ValueError(f"top must be a whole number from 1 to {len(vocabulary)}, got {top!r}.")
    ids = tokenizer.encode(prompt)
    with torch.no_grad():
        logits = model(torch.tensor([ids[-model.config.context_length :]]))[0][0, -1]  # (vocab,)
    cut_k = int(top_k) if top_k else None
    cut_p = float(top_p) if top_p is not None and float(top_p) < 1 else None
    probs = probabilities(logits, temperature, cut_k, cut_p)  # raises on a bad setting
    order = sorted(range(len(vocabulary)), key=lambda i: -float(logits[i]))  # stable for ties
    listed = ", ".join(f"{vocabulary[i]} {float(probs[i]):.2f}" for i in order[:top])
    left = int((probs > 0).sum())
    new = generate(model, ids, new_tokens, temperature=temperature, top_k=cut_k, top_p=cut_p,
                   seed=seed)
    settings = describe_settings(temperature, top_k, top_p)
    text = (f"After {prompt!r} ({settings}): {listed}\n"
            f"{left} of {len(vocabulary)} words can be drawn\n"
            f"Sample: {tokenizer.decode(ids + list(new))}")
    if draw:
        import matplotlib.pyplot as plt

        shown = order[: min(2 * top, len(vocabulary))]
        colours = ["tab:blue" if float(probs[i]) > 0 else "lightgrey" for i in shown]
        _, ax = plt.subplots(figsize=(7.5, 3.2))
        ax.bar([vocabulary[i] for i in shown], [float(probs[i]) for i in shown], color=colours)
        ax.set_ylim(0, 1)
        ax.set_ylabel("probability")
        ax.tick_params(axis="x", rotation=45)
        ax.set_title(f"After {prompt!r}\n{settings}", fontsize=10)
        plt.tight_layout()
        plt.show()
    return text


def sampling_callback(model, tokenizer, probabilities, generate, first_seed=1, draw=True):
    """The function `ipywidgets.interact` calls: it prints `sampling_readout` (and draws
    its chart), with a new seed on every call, so every move of a control brings a fresh
    sample."""
    seeds = count(first_seed)

    def show(prompt, temperature, top_k, top_p):
        print(sampling_readout(prompt, temperature, top_k, top_p, model, tokenizer,
                               probabilities, generate, seed=next(seeds), draw=draw))

    return show
