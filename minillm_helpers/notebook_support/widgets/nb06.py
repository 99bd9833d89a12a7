"""Notebook 06's widget: a prompt, temperature, top-k and top-p over the next word."""

from itertools import count

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch

from minillm_helpers.checks import check_int, check_sampling_settings


def control(kind, description: str, width: str | None = None, **settings):
    """An ipywidgets control with its whole description shown (no "Temperat..."), `width` wide."""
    return kind(description=description, style={"description_width": "initial"},
                layout={"width": width} if width else {}, **settings)


def decoding_sliders(max_top_k: int = 20) -> dict:
    """Temperature, top-k and top-p sliders by argument name; top-k 0 and top-p 1 cut nothing."""
    return {"temperature": control(widgets.FloatSlider, "Temperature", value=1.0, max=2.0,
                                   step=0.05),
            "top_k": control(widgets.IntSlider, "Top-k (0 = off)", max=max_top_k),
            "top_p": control(widgets.FloatSlider, "Top-p (1 = off)", value=1.0, min=0.05,
                             max=1.0, step=0.05)}


def sampling_controls(prompts) -> dict:
    """The widget's four controls, by argument name, for `ipywidgets.interact`."""
    return {"prompt": control(widgets.Dropdown, "Prompt", options=list(prompts)),
            **decoding_sliders()}


def cut_settings(top_k, top_p) -> tuple[int | None, float | None]:
    """The sliders' values as sampling takes them: top-k 0 and top-p 1 (or None) mean no cut.

    >>> cut_settings(0, 1.0), cut_settings(5.0, 0.9), cut_settings(None, None)
    ((None, None), (5, 0.9), (None, None))
    """
    no_top_p = top_p is None or top_p >= 1
    return (int(top_k) if top_k else None), (None if no_top_p else float(top_p))


def describe_settings(temperature, top_k, top_p, sep: str = ", ") -> str:
    """The three decoding settings as the widgets print them; top_k 0 and top_p 1 mean no cut."""
    k, p = cut_settings(top_k, top_p)
    return sep.join([f"temperature {float(temperature):.2f}", f"top-k {k or 'off'}",
                     "top-p " + ("off" if p is None else f"{p:.2f}")])


def sampling_readout(prompt, temperature, top_k, top_p, model, tokenizer, probabilities,
                     generate, seed=0, top=5, new_tokens=12, draw=False) -> str:
    """The `top` best-scored words after `prompt` (0.00: cut), how many can be drawn, and
    `new_tokens` drawn with `seed`; draw=True: the 2 * top best words as bars, cut ones grey."""
    vocabulary = list(tokenizer.vocabulary)
    check_int("top", top, maximum=len(vocabulary))
    ids = tokenizer.encode(prompt)
    with torch.no_grad():
        logits = model(torch.tensor([ids[-model.config.context_length :]]))[0][0, -1]  # (vocab,)
    cut_k, cut_p = cut_settings(top_k, top_p)
    check_sampling_settings(temperature, cut_k, cut_p)  # the widget is a door: one sentence
    probs = probabilities(logits, temperature, cut_k, cut_p)
    order = sorted(range(len(vocabulary)), key=lambda i: -float(logits[i]))  # stable for ties
    new = generate(model, ids, new_tokens, temperature, cut_k, cut_p, seed=seed)
    settings = describe_settings(temperature, top_k, top_p)
    if draw:
        shown = order[: 2 * top]
        _, ax = plt.subplots(figsize=(7.5, 3.2))
        ax.bar([vocabulary[i] for i in shown], [float(probs[i]) for i in shown],
               color=["tab:blue" if probs[i] > 0 else "lightgrey" for i in shown])
        ax.set(ylim=(0, 1), ylabel="probability")
        ax.tick_params(axis="x", rotation=45)
        ax.set_title(f"After {prompt!r}\n{settings}", fontsize=10)
        plt.tight_layout()
        plt.show()
    return (f"After {prompt!r} ({settings}): "
            + ", ".join(f"{vocabulary[i]} {float(probs[i]):.2f}" for i in order[:top])
            + f"\n{int((probs > 0).sum())} of {len(vocabulary)} words can be drawn\n"
            f"Sample: {tokenizer.decode(ids + list(new))}")


def sampling_callback(model, tokenizer, probabilities, generate, draw=True):
    """For `ipywidgets.interact`: `sampling_readout` with a new seed (1, 2, ...) per move."""
    seeds = count(1)

    def show(prompt, temperature, top_k, top_p):
        print(sampling_readout(prompt, temperature, top_k, top_p, model, tokenizer,
                               probabilities, generate, seed=next(seeds), draw=draw))

    return show
