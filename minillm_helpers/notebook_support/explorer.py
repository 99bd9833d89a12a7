"""Look inside a trained model: `explore(model, tokenizer)` or `explore("runs/book")`.

No second copy of the model or of sampling: `look_inside` runs the model's own forward once
and reads the lens through its own `final_norm` and `output`; bars and new tokens come from
`sampling`. Each view is a plain function to HTML; `Explorer` only wires them up.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections import namedtuple

import ipywidgets as widgets
import torch
from matplotlib import colormaps, image
from matplotlib.colors import to_hex

from minillm_helpers import checks
from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.checkpoint import default_prompt, load_model_and_tokenizer
from minillm_helpers.model import GPT
from minillm_helpers.notebook_support.plotting import text_colour_on
from minillm_helpers.notebook_support.widgets import nb06
from minillm_helpers.sampling import generate, probabilities

UNIT_NAMES = {"char": ("character", "characters"), "word": ("word", "words")}
SHOWN = {"\n": "↵", " ": "␣", "\t": "⇥"}  # units that would be invisible on screen
BLUES = colormaps["Blues"]  # looked up once: each lookup copies the map, ~1 ms to set up
SEED_STRIDE = 10_000  # the panel's draw n under seed s is generate's seed s * SEED_STRIDE + n
# The views' looks, sent once with the panel's title: inline stay only sizes that follow the
# prompt's length. A chip is a token over its ID: appended here, unseen, or not read (faded).
STYLE = """<style>
.minillm-chip {display:inline-block;margin:1px;padding:1px 4px;line-height:1.1;text-align:center;
  font-family:monospace;background:#eef2f8} .minillm-chip.unread {opacity:.35}
.minillm-chip.added {background:#d9f2d9} .minillm-chip.unseen {background:#f8d0d0}
.minillm-caption {font-size:12px} .minillm-error {color:#b00} .minillm-rows b {color:#e08a00}
.minillm-grid {display:grid;grid-template-columns:auto auto;gap:8px}
.minillm-columns {white-space:nowrap;line-height:1} .minillm-columns span {display:inline-block;
  max-height:60px;writing-mode:vertical-rl;text-orientation:upright;overflow:hidden}
.minillm-rows {text-align:right;padding-right:3px;white-space:nowrap}
.minillm-heat {position:relative} .minillm-heat img {display:block;image-rendering:pixelated}
.minillm-frame {position:absolute;left:0;box-sizing:border-box;border:2px solid #e08a00}
.minillm-bar {display:flex;align-items:center;height:16px} .minillm-bar.faded {color:#999}
.minillm-bar span:first-child {width:90px;font-family:monospace;text-align:right;
  padding-right:4px;white-space:nowrap;overflow:hidden} .minillm-bar span:last-child {
  padding-left:4px;font-size:11px} .minillm-bar span:nth-child(2) {height:12px;background:#3b75af}
.minillm-bar.faded span:nth-child(2) {background:#c8c8c8}
.minillm-lens {font-family:monospace;white-space:nowrap;line-height:1.3}
</style>"""


def check_model(model) -> None:
    if not isinstance(model, GPT):
        checks.fail(checks.InputTypeError, "Expected the package's GPT (minillm_helpers.model."
                    f"GPT), got {type(model).__name__}", "pass the trained model, or a "
                    "checkpoint folder written by `minillm train`, e.g. explore('runs/book')")


# ---------------------------------------------------------------- what the model computes
# One forward over the IDs in `window`: attention (layers, heads, T, T), [l, h, i] where token
# i looks; lens (layers + 1, vocab), the logit lens: next-token probabilities read off the
# stream after each block l (row 0: the embeddings); logits (vocab,), the model's own scores.
Inside = namedtuple("Inside", "window attention lens logits")


@torch.no_grad()
def look_inside(model, ids) -> Inside:
    """One forward over the last context_length of `ids`, the residual stream caught by hooks;
    leaves the model's attention setting and train/eval mode as they were."""
    check_model(model)
    ids = checks.check_ids(ids, model.config.vocab_size)
    checks.check_tensor("ids", ids, rank=1, fix="pass one sequence, e.g. ids[0]")
    checks.check_prompt(ids)
    window = ids[-model.config.context_length :]
    streams = []  # (1, T, width) each: what enters every block, then the final norm
    handles = [module.register_forward_pre_hook(lambda _, args: streams.append(args[0]))
               for module in [*model.blocks, model.final_norm]]
    attentions = [block.attention for block in model.blocks]
    before = [(attention.keep_weights, attention.last_weights) for attention in attentions]
    was_training = model.training
    try:
        model.eval()  # no dropout while looking
        keep_attention_weights(model)  # the written-out attention, which keeps its weights
        logits, _ = model(window[None].to(model.positions.device))
        attention = torch.stack([attention.last_weights[0] for attention in attentions])
    finally:
        for handle in handles:
            handle.remove()
        for layer, (keep, last) in zip(attentions, before, strict=True):
            layer.keep_weights, layer.last_weights = keep, last
        model.train(was_training)
    scores = model.output(model.final_norm(torch.cat(streams)))[:, -1]  # (layers + 1, vocab)
    return Inside(window.tolist(), attention.cpu(), probabilities(scores).cpu(),
                  logits[0, -1].cpu())


def next_token(model, ids, greedy=False, seed=0, draws=0, temperature=1.0, top_k=0, top_p=1.0):
    """generate's `draws`-th draw under `seed` (so it is repeatable); greedy: temperature 0,
    the likeliest token whatever the cut and seed."""
    return generate(model, ids, 1, 0 if greedy else temperature,
                    *nb06.cut_settings(top_k, top_p), seed=seed * SEED_STRIDE + draws)[0]


# ---------------------------------------------------------------- the views
def shown_unit(unit: str) -> str:
    """A unit as the panel shows it: newline, space, tab and other invisibles get a sign."""
    invisible = unit.isspace() or not unit.isprintable()
    return SHOWN.get(unit, repr(unit) if invisible else unit)


def label(unit: str) -> str:
    return html.escape(shown_unit(unit))


def unit_names(tokenizer) -> tuple[str, str]:
    return UNIT_NAMES.get(getattr(tokenizer, "kind", None), ("token", "tokens"))


def read_prompt(text: str, tokenizer) -> tuple[list[str], list, str]:
    """The prompt's units, their IDs (None: unseen) and why the model cannot read it ("": can)."""
    singular, plural = unit_names(tokenizer)
    units = list(tokenizer.split(text))
    if not units:
        example = shown_unit(tokenizer.vocabulary[0])
        return [], [], f"Type a prompt of at least one {singular}, e.g. {example}."
    if unseen := checks.unseen_units(tokenizer, text):
        return units, [tokenizer.unit_to_id.get(unit) for unit in units], (
            f"The model never saw {unseen}: use only {plural} of the text it trained on.")
    return units, tokenizer.encode(text), ""


def prompt_status(count: int, added: int, context_length: int, plural: str) -> str:
    """The line over the tokens, e.g. '3 tokens (characters) · the model reads them all'."""
    appended = f", {added} appended here" * bool(added)
    reads = f"the last {context_length}" if count > context_length else "them all"
    return f"{count} token{'s' * (count != 1)} ({plural}){appended} · the model reads {reads}"


def chips_html(units, ids, context_length: int, added: int = 0) -> str:
    """Each token over its ID (None: unseen, shown '?'); the last `added` were appended here."""
    first_added, first_read = len(units) - added, len(units) - context_length
    return "".join(
        f'<span class="minillm-chip{" unseen" if i is None else " added" * (n >= first_added)}'
        f'{" unread" * (n < first_read)}">{label(unit)}<br><small>{"?" if i is None else i}'
        "</small></span>" for n, (unit, i) in enumerate(zip(units, ids, strict=True)))


def heat_map(weights, position: int, cell: int) -> str:
    """(T, T) weights as a PNG of a pixel each (square-root scale), `cell` pixels on screen,
    the chosen token's row framed: a 64-token matplotlib figure took ~180 ms, this 2 ms."""
    png = io.BytesIO()
    image.imsave(png, weights.sqrt().numpy(), cmap=BLUES, vmin=0, vmax=1, format="png")
    size, data = cell * weights.shape[-1], base64.b64encode(png.getvalue()).decode()
    return (f'<div class="minillm-heat"><img src="data:image/png;base64,{data}" style="width:'
            f'{size}px;height:{size}px"><div class="minillm-frame" style="width:{size}px;'
            f'top:{position * cell}px;height:{cell}px"></div></div>')


def head_name(layer: int, head) -> str:
    """'layer 1, head 3' or 'layer 2, all heads': both counted from 1 on screen."""
    return f"layer {layer + 1}, " + ("all heads" if head is None else f"head {head + 1}")


def attention_html(attention, layer: int, head, units, position: int) -> str:
    """One head's attention (tokens along both sides) or, head None, each head's, smaller."""
    title = (f"{head_name(layer, head)} · row: the token looking · column: where it looks · "
             "darker: more weight (square-root scale)")
    if head is None:
        cell = max(2, 190 // len(units))
        maps = "".join(f"<div>head {h + 1}{heat_map(weights, position, cell)}</div>"
                       for h, weights in enumerate(attention[layer]))
        body = f'<div class="minillm-grid">{maps}</div>'
    else:
        cell = max(6, min(28, 400 // len(units)))
        columns = "".join(f'<span style="width:{cell}px">{label(unit)}</span>' for unit in units)
        rows = "<br>".join(f"<b>{label(unit)}</b>" if i == position else label(unit)
                           for i, unit in enumerate(units))
        body = (f'<div class="minillm-grid" style="gap:0;font:{min(cell - 1, 12)}px/{cell}px '
                f'monospace"><span></span><div class="minillm-columns">{columns}</div>'
                f'<div class="minillm-rows">{rows}</div>'
                f"{heat_map(attention[layer, head], position, cell)}</div>")
    return f'<div class="minillm-caption">{html.escape(title)}</div>{body}'


def bars_html(rows) -> str:
    """Horizontal bars from (label, length 0 to 1, text after the bar, faded) rows."""
    return "".join(f'<div class="minillm-bar{" faded" * faded}"><span>{name}</span><span '
                   f'style="width:{round(260 * length)}px"></span><span>{text}</span></div>'
                   for name, length, text, faded in rows)


def looks_html(attention, layer: int, head, units, position: int, top: int = 8) -> str:
    """The `top` strongest weights of the token at `position` (head None: every head's mean)."""
    row = attention[layer, :, position]  # (heads, T)
    row = row.mean(0) if head is None else row[head]
    values, order = torch.sort(row, descending=True, stable=True)
    rows = [(f"{int(i)} {label(units[i])}", float(w), f"{float(w):.3f}", False)
            for w, i in zip(values[:top], order[:top], strict=True)]
    where, strongest = head_name(layer, head) + (" (mean)" if head is None else ""), int(order[0])
    caption = (f"{where}: token {position} ({label(units[position])}) looks most at token "
               f"{strongest} ({label(units[strongest])}), weight {float(values[0]):.2f}")
    return f'<div class="minillm-looks-caption">{caption}</div>{bars_html(rows)}'


def lens_html(lens, vocabulary, top: int = 5) -> str:
    """Per stage (embeddings, each block) the `top` likeliest next tokens, by probability."""
    table = []
    for stage, probs in enumerate(lens):
        values, order = torch.sort(probs, descending=True, stable=True)
        name = "embeddings" if stage == 0 else f"block {stage}"
        name = f"<b>{name} = prediction</b>" if stage == len(lens) - 1 else name
        colours = BLUES(values[:top].numpy())  # the heat maps' colours
        cells = "".join(f'<td style="background:{to_hex(c)};color:{text_colour_on(c)}">'
                        f"{label(vocabulary[i])} {float(p):.2f}</td>"
                        for c, p, i in zip(colours, values[:top], order[:top], strict=True))
        table.append(f"<tr><td>{name}</td>{cells}</tr>")
    return f'<table class="minillm-lens">{"".join(table)}</table>'


def next_token_rows(logits, temperature, top_k, top_p, vocabulary, top: int = 15):
    """Bars for the `top` best-scored tokens, and how many can be drawn: a kept token at the
    probability generation draws with, a cut one faded at its probability before the cut."""
    kept = probabilities(logits, temperature, *nb06.cut_settings(top_k, top_p))
    before = probabilities(logits, temperature)
    rows = []
    for i in torch.sort(logits, descending=True, stable=True).indices[:top].tolist():
        if temperature == 0:
            text = "picked (greedy)" if kept[i] else "not picked (greedy)"
        else:
            text = f"{float(kept[i]):.3f}" if kept[i] else f"cut ({float(before[i]):.3f})"
        rows.append((label(vocabulary[i]), float(kept[i] or before[i]), text, not kept[i]))
    return rows, int((kept > 0).sum())


# ---------------------------------------------------------------- the panel
def explore(model, tokenizer=None, prompt: str | None = None, top: int = 15) -> Explorer:
    """The panel for a model and its tokenizer, or for a `minillm train` checkpoint's path."""
    if isinstance(model, (str, os.PathLike)):
        if tokenizer is not None:
            checks.fail(checks.InputTypeError, "A checkpoint brings its own tokenizer",
                        "call explore(path) alone, or explore(model, tokenizer) with a model")
        model, tokenizer = load_model_and_tokenizer(model)
    check_model(model)
    if not hasattr(tokenizer, "unit_to_id"):
        checks.fail(checks.InputTypeError, "explore(model, tokenizer) needs the tokenizer the "
                    "model was trained with (a CharTokenizer or WordTokenizer)")
    if tokenizer.vocab_size != model.config.vocab_size:
        checks.fail(checks.InputError, f"The tokenizer has {tokenizer.vocab_size} units but the "
                    f"model's vocabulary is {model.config.vocab_size}",
                    "pass the tokenizer the model was trained with")
    prompt = default_prompt(tokenizer) if prompt is None else prompt
    checks.check_text(prompt, "prompt")
    return Explorer(model, tokenizer, prompt, checks.check_int("top", top, 1))


class Explorer(widgets.VBox):
    """The panel; a script drives its controls (prompt, layer, head, token, temperature, top_k,
    top_p, seed, next_button, most_likely_button, undo_button) as a reader would. It never
    writes into the prompt box (a write crossing the reader's keys on their way to the kernel
    would overwrite them in the browser): the tokens appended here show as green chips."""

    def __init__(self, model, tokenizer, prompt: str, top: int = 15):
        self.model, self.tokenizer, self.top, config = model, tokenizer, top, model.config
        self.ids: list[int] | None = None  # the prompt's, then those appended; None: unreadable
        self.added = self.draws = 0  # tokens appended; draws since the seed was set
        self.inside = None  # look_inside's, for the prompt the panel shows (None: none to show)
        # a text area, not a one-line box: a prompt may hold newlines ("ROMEO:\n")
        self.prompt = nb06.control(widgets.Textarea, "Prompt", "95%", value=prompt, rows=2)
        self.next_button = widgets.Button(description="Next token", button_style="primary",
                                          tooltip="append a token drawn as set")
        self.most_likely_button = widgets.Button(description="Most likely",
                                                 tooltip="append the likeliest token")
        self.undo_button = widgets.Button(description="Undo", tooltip="remove the last token")
        self.seed = nb06.control(widgets.BoundedIntText, "Seed", "150px", max=10**6)
        self.layer = nb06.control(widgets.Dropdown, "Layer", "120px",
                                  options=[(str(i + 1), i) for i in range(config.num_layers)])
        self.head = nb06.control(widgets.Dropdown, "Head", "120px", value=0, options=[
            ("all", -1), *((str(h + 1), h) for h in range(config.num_heads))])
        self.token = nb06.control(widgets.Dropdown, "Token", "160px")
        self.temperature, self.top_k, self.top_p = nb06.decoding_sliders(config.vocab_size).values()
        for name in ("status", "chips", "problem", "attention", "looks", "lens", "bars"):
            setattr(self, name, widgets.HTML())
            getattr(self, name).add_class(f"minillm-explorer-{name}")
        title = widgets.HTML(f"{STYLE}<b>Inside your model: {self.summary()}</b>")
        heading = [widgets.HTML(f"<b>{text}</b>") for text in (
            "Attention", "The prediction forming (logit lens)", "Next token",
            "Where the chosen token looks")]
        self.views = widgets.VBox([widgets.HBox([
            widgets.VBox([heading[0], widgets.HBox([self.layer, self.head, self.token]),
                          self.attention]),
            widgets.VBox([heading[1], self.lens, heading[2], self.temperature, self.top_k,
                          self.top_p, self.bars], layout={"margin": "0 0 0 16px"}),
        ]), heading[3], self.looks])
        buttons = [self.next_button, self.most_likely_button, self.undo_button, self.seed]
        super().__init__([title, self.prompt, self.status, self.chips, widgets.HBox(buttons),
                          self.problem, self.views])
        self.add_class("minillm-explorer")
        for callback, controls in [(self.typed, [self.prompt]), (self.new_seed, [self.seed]),
                                   (self.redraw_attention, [self.layer, self.head, self.token]),
                                   (self.redraw_next, [self.temperature, self.top_k, self.top_p])]:
            for changed in controls:
                changed.observe(self.reported(callback), names="value")
        self.next_button.on_click(self.reported(lambda: self.append(greedy=False)))
        self.most_likely_button.on_click(self.reported(lambda: self.append(greedy=True)))
        self.undo_button.on_click(self.reported(self.undo))
        self.reported(self.typed)()

    def summary(self) -> str:
        c = self.model.config
        return (f"{c.num_layers} blocks, {c.num_heads} heads, context {c.context_length}, "
                f"{c.vocab_size} {unit_names(self.tokenizer)[1]}")

    def __repr__(self) -> str:
        return f"Explorer({self.summary()})"  # short: a notebook stores it as the text output

    def reported(self, callback):
        """`callback` as a widget's: on one thread (a redraw's products are tiny: more threads
        only wait for each other, benchmarks/explorer_speed.py), an error shown in the panel."""

        def run(*change_or_button):
            threads, self.problem.value = torch.get_num_threads(), ""
            try:
                torch.set_num_threads(1)
                callback()
            except Exception as error:  # shown to the reader, not lost in JupyterLab's log
                self.problem.value = (f'<span class="minillm-error">{type(error).__name__}: '
                                      f"{html.escape(str(error))}</span>")
            finally:
                torch.set_num_threads(threads)

        return run

    def typed(self) -> None:
        """A new prompt in the box: a new sequence, nothing appended."""
        units, ids, message = read_prompt(self.prompt.value, self.tokenizer)
        self.ids, self.added, self.draws = (None if message else list(ids)), 0, 0
        self.redraw(units, ids, message)

    def settings(self) -> tuple:
        return self.temperature.value, self.top_k.value, self.top_p.value

    def append(self, greedy: bool) -> None:
        if self.ids is not None:
            self.ids.append(next_token(self.model, self.ids, greedy, self.seed.value, self.draws,
                                       *self.settings()))
            self.added, self.draws = self.added + 1, self.draws + (not greedy)
            self.redraw()

    def undo(self) -> None:
        if self.added:  # an undone draw is not drawn again: the next draw is a new one
            self.ids.pop()
            self.added -= 1
            self.redraw()

    def new_seed(self) -> None:
        self.draws = 0  # the seed's first draw comes next

    def redraw(self, units=None, ids=None, message: str = "") -> None:
        """Every view, for the typed prompt (units, ids, message) or the sequence grown here."""
        ids = self.ids if ids is None else ids
        units = [self.tokenizer.vocabulary[i] for i in ids] if units is None else units
        context = self.model.config.context_length
        self.status.value = html.escape(message or prompt_status(
            len(units), self.added, context, unit_names(self.tokenizer)[1]))
        self.chips.value = chips_html(units, ids, context, self.added)
        self.next_button.disabled = self.most_likely_button.disabled = bool(message)
        self.undo_button.disabled = not self.added
        self.views.layout.display = "none" if message else None
        self.inside = None  # no view redraws while the token list changes
        if message:
            return
        inside = look_inside(self.model, self.ids)
        window = [shown_unit(self.tokenizer.vocabulary[i]) for i in inside.window]
        self.token.options = [(f"{i} {unit}", i) for i, unit in enumerate(window)]
        self.token.value = len(window) - 1  # the token whose next one is predicted
        self.inside = inside
        self.lens.value = lens_html(self.inside.lens, self.tokenizer.vocabulary)
        self.redraw_attention()
        self.redraw_next()

    def redraw_attention(self) -> None:
        if self.inside is not None:
            units = [self.tokenizer.vocabulary[i] for i in self.inside.window]
            choice = (self.layer.value, None if self.head.value < 0 else self.head.value, units,
                      self.token.value)
            self.attention.value = attention_html(self.inside.attention, *choice)
            self.looks.value = looks_html(self.inside.attention, *choice)

    def redraw_next(self) -> None:
        if self.inside is not None:
            rows, left = next_token_rows(self.inside.logits, *self.settings(),
                                         self.tokenizer.vocabulary, self.top)
            self.bars.value = (f"<div>{nb06.describe_settings(*self.settings())} · {left} of "
                               f"{self.tokenizer.vocab_size} tokens can be drawn</div>"
                               f"{bars_html(rows)}")
