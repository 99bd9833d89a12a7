"""Look inside a model you trained: one panel of prompt, attention, logit lens and sampling.

    from minillm_helpers.notebook_support.explorer import explore, logit_lens
    explore(model, tokenizer, prompt="ROMEO:")   # the model notebook 07 just trained
    explore("runs/book")                         # a folder `minillm train` wrote

Nothing here is a second copy of the model or of sampling: `look_inside` runs the model's
own forward once, keeping each block's attention weights and (by forward hooks) the
residual stream; the lens reads that stream through the model's own `final_norm` and
`output`; bars and new tokens come from `sampling.probabilities` and `sampling.generate`.
Each view is a plain function from those numbers to HTML; `Explorer` only wires them up.
"""

from __future__ import annotations

import base64
import html
import io
import os
from dataclasses import dataclass

import ipywidgets as widgets
import torch
from matplotlib import colormaps, image
from matplotlib.colors import to_hex

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.checkpoint import default_prompt, load_model_and_tokenizer
from minillm_helpers.checks import (
    InputError,
    InputTypeError,
    check_ids,
    check_int,
    check_prompt,
    check_tensor,
    fail,
)
from minillm_helpers.model import GPT
from minillm_helpers.notebook_support.plotting import text_colour_on
from minillm_helpers.notebook_support.widgets.nb06 import describe_settings
from minillm_helpers.sampling import generate, probabilities

UNIT_NAMES = {"char": ("character", "characters"), "word": ("word", "words")}
SHOWN = {"\n": "↵", " ": "␣", "\t": "⇥"}  # units that would be invisible on screen
BLUE, GREY, GREEN, RED, ORANGE = "#3b75af", "#c8c8c8", "#d9f2d9", "#f8d0d0", "#e08a00"
BLUES = colormaps["Blues"]  # looked up once: each lookup copies the map, ~1 ms to set up
SEED_STRIDE = 10_000  # the panel's draw n under seed s is generate's seed s * SEED_STRIDE + n


def check_model(model) -> None:
    if not isinstance(model, GPT):
        fail(InputTypeError, "Expected the package's GPT (minillm_helpers.model.GPT), got "
             f"{type(model).__name__}", "pass the trained model, or a checkpoint folder "
             "written by `minillm train`, e.g. explore('runs/book')")


# ---------------------------------------------------------------- what the model computes
@dataclass(frozen=True)
class Inside:
    """One forward pass over the IDs in `window`: attention (layers, heads, T, T), [l, h, i]
    where token i looks; lens (layers + 1, vocab), logit_lens's; logits (vocab,), the model's
    own next-token scores."""

    window: list[int]
    attention: torch.Tensor
    lens: torch.Tensor
    logits: torch.Tensor


@torch.no_grad()
def look_inside(model, ids) -> Inside:
    """Run the model once over the last context_length of `ids` (a list or a 1-D tensor),
    keeping each block's attention weights and the stream before the first block and after
    each one; leaves the model's attention setting and train/eval mode as they were."""
    check_model(model)
    ids = check_ids(ids, model.config.vocab_size)  # whole numbers in the vocabulary
    check_tensor("ids", ids, rank=1, fix="pass one sequence, e.g. ids[0]")
    check_prompt(ids)  # at least one
    window = ids[-model.config.context_length :]
    streams = []  # (1, T, width) each: the first block's input, then every block's output
    handles = [model.blocks[0].register_forward_pre_hook(lambda _, args: streams.append(args[0]))]
    handles += [block.register_forward_hook(lambda _, args, out: streams.append(out))
                for block in model.blocks]
    before = [(block.attention.keep_weights, block.attention.last_weights)
              for block in model.blocks]
    was_training = model.training
    try:
        model.eval()  # no dropout while looking
        keep_attention_weights(model)  # the written-out attention, which keeps its weights
        logits, _ = model(window[None].to(model.positions.device))
        attention = torch.stack([block.attention.last_weights[0] for block in model.blocks])
    finally:
        for handle in handles:
            handle.remove()
        for block, (keep, last) in zip(model.blocks, before, strict=True):
            block.attention.keep_weights, block.attention.last_weights = keep, last
        model.train(was_training)
    scores = model.output(model.final_norm(torch.cat(streams)))[:, -1]  # (layers + 1, vocab)
    return Inside(window.tolist(), attention.cpu(), probabilities(scores).cpu(),
                  logits[0, -1].cpu())


def logit_lens(model, ids) -> torch.Tensor:
    """The prediction forming: (num_layers + 1, vocab_size) next-token probabilities read off
    the stream at the last position through the final norm and output layer: row 0 after
    embeddings + positions, row l after block l, the last the model's own prediction."""
    return look_inside(model, ids).lens


def cut_settings(top_k, top_p) -> tuple[int | None, float | None]:
    """The sliders' values as `probabilities` takes them: top-k 0 and top-p 1 mean no cut."""
    return (int(top_k) or None), (float(top_p) if top_p < 1 else None)


def next_token(model, ids, greedy=False, seed=0, draws=0, temperature=1.0, top_k=0, top_p=1.0):
    """The token to append: the likeliest ("Most likely"), or one draw of `generate` under
    the settings ("Next token") with the seed of the `draws`-th draw since the seed was set,
    so the same seed and the same presses give the same tokens."""
    if greedy:
        return generate(model, ids, 1, temperature=0)[0]
    return generate(model, ids, 1, temperature, *cut_settings(top_k, top_p),
                    seed=seed * SEED_STRIDE + draws)[0]


# ---------------------------------------------------------------- the views
def shown_unit(unit: str) -> str:
    """A unit as the panel shows it: newline, space, tab and other invisibles get a sign."""
    if unit in SHOWN:
        return SHOWN[unit]
    return repr(unit) if unit.isspace() or not unit.isprintable() else unit


def label(unit: str) -> str:
    return html.escape(shown_unit(unit))


def unit_names(tokenizer) -> tuple[str, str]:
    """('character', 'characters') or ('word', 'words'): what the tokenizer's units are."""
    return UNIT_NAMES.get(getattr(tokenizer, "kind", None), ("token", "tokens"))


def read_prompt(text: str, tokenizer) -> tuple[list[str], list, str]:
    """The typed prompt's units, their IDs (None for a unit the vocabulary lacks) and, when
    the model cannot read it, the one sentence saying why ("" when it can)."""
    singular, plural = unit_names(tokenizer)
    units = list(tokenizer.split(text))
    if not units:
        example = shown_unit(tokenizer.vocabulary[0])
        return [], [], f"Type a prompt of at least one {singular}, e.g. {example}."
    unseen = list(dict.fromkeys(unit for unit in units if unit not in tokenizer.unit_to_id))
    if unseen and getattr(tokenizer, "unknown", None) is None:
        listed = ", ".join(map(repr, unseen[:10]))
        more = f" and {len(unseen) - 10} more" if len(unseen) > 10 else ""
        what = singular if len(unseen) == 1 else plural
        return units, [tokenizer.unit_to_id.get(unit) for unit in units], (
            f"The model never saw the {what} {listed}{more}: use only {plural} of the text it "
            "trained on.")
    return units, tokenizer.encode(text), ""


def prompt_status(count: int, added: int, context_length: int, plural: str) -> str:
    """The line over the tokens, e.g. '3 tokens (characters) · the model reads them all'."""
    appended = f", {added} appended here" if added else ""
    reads = f"the last {context_length}" if count > context_length else "them all"
    return f"{count} token{'s' * (count != 1)} ({plural}){appended} · the model reads {reads}"


def chips_html(units, ids, context_length: int, added: int = 0) -> str:
    """Each token over its ID: the `added` last ones (appended here) green, an unseen one
    (ID None) red with '?', those before the model's last context_length faded."""
    first_added, first_read = len(units) - added, len(units) - context_length
    return "".join(
        '<span style="display:inline-block;margin:1px;padding:1px 4px;line-height:1.1;background:'
        f'{RED if i is None else GREEN if n >= first_added else "#eef2f8"};'
        f'{"opacity:.35;" if n < first_read else ""}text-align:center;font-family:monospace">'
        f"{label(unit)}<br><small>{'?' if i is None else i}</small></span>"
        for n, (unit, i) in enumerate(zip(units, ids, strict=True)))


def heat_map(weights, position: int, cell: int) -> str:
    """(T, T) weights as a PNG of one pixel each (square-root scale, so small weights show),
    scaled up to `cell` pixels without smoothing; the chosen token's row framed. Pixels, not
    a figure: with 64 tokens labelled along its axes a matplotlib figure took about 180 ms
    to draw (nearly the whole 200 ms budget of a redraw), the PNG under 2 ms."""
    png = io.BytesIO()
    image.imsave(png, weights.sqrt().numpy(), cmap=BLUES, vmin=0, vmax=1, format="png")
    size = cell * weights.shape[-1]
    return (f'<div style="position:relative"><img src="data:image/png;base64,'
            f'{base64.b64encode(png.getvalue()).decode()}" style="display:block;width:{size}px;'
            f'height:{size}px;image-rendering:pixelated"><div style="position:absolute;left:0;'
            f"width:{size}px;top:{position * cell}px;height:{cell}px;box-sizing:border-box;"
            f'border:2px solid {ORANGE}"></div></div>')


def head_name(layer: int, head) -> str:
    """'layer 1, head 3' or 'layer 2, all heads': both counted from 1 on screen."""
    return f"layer {layer + 1}, " + ("all heads" if head is None else f"head {head + 1}")


def attention_html(attention, layer: int, head, units, position: int) -> str:
    """One head's weights (head None: every head's, smaller) as a heat map; one head's
    carries the tokens along both sides. `attention` is look_inside's (layers, heads, T, T)."""
    title = (f"{head_name(layer, head)} · row: the token looking · column: where it looks · "
             "darker: more weight (square-root scale)")
    length = len(units)
    if head is None:
        cell = max(2, 190 // length)
        maps = "".join(f"<div>head {h + 1}{heat_map(weights, position, cell)}</div>"
                       for h, weights in enumerate(attention[layer]))
        body = f'<div style="display:grid;grid-template-columns:auto auto;gap:8px">{maps}</div>'
    else:
        cell = max(6, min(28, 400 // length))
        font = f"font:{min(cell - 1, 12)}px/{cell}px monospace"
        columns = "".join(f'<span style="display:inline-block;width:{cell}px;max-height:60px;'
                          'writing-mode:vertical-rl;text-orientation:upright;overflow:hidden">'
                          f"{label(unit)}</span>" for unit in units)
        rows = "<br>".join(f'<b style="color:{ORANGE}">{label(unit)}</b>' if i == position
                           else label(unit) for i, unit in enumerate(units))
        body = (f'<div style="display:grid;grid-template-columns:auto auto;{font}"><span></span>'
                f'<div style="white-space:nowrap;line-height:1">{columns}</div>'
                f'<div style="text-align:right;padding-right:3px;white-space:nowrap">{rows}</div>'
                f"{heat_map(attention[layer, head], position, cell)}</div>")
    return f'<div style="font-size:12px">{html.escape(title)}</div>{body}'


def bars_html(rows) -> str:
    """Horizontal bars from (label, length 0 to 1, text after the bar, faded) rows."""
    return "".join(
        f'<div style="display:flex;align-items:center;height:16px;{"color:#999" if faded else ""}">'
        '<span style="width:90px;font-family:monospace;text-align:right;padding-right:4px;'
        f'white-space:nowrap;overflow:hidden">{name}</span><span style="width:'
        f'{round(260 * length)}px;height:12px;background:{GREY if faded else BLUE}"></span>'
        f'<span style="padding-left:4px;font-size:11px">{text}</span></div>'
        for name, length, text, faded in rows)


def looks_html(attention, layer: int, head, units, position: int, top: int = 8) -> str:
    """Where the token at `position` looks (head None: the mean of every head's row): its
    `top` strongest weights as bars, the strongest named in the caption."""
    row = attention[layer, :, position] if head is None else attention[layer, head, position]
    weights = row.mean(0) if head is None else row
    values, order = torch.sort(weights, descending=True, stable=True)
    rows = [(f"{int(i)} {label(units[i])}", float(w), f"{float(w):.3f}", False)
            for w, i in zip(values[:top], order[:top], strict=True)]
    where = head_name(layer, head) + (" (mean)" if head is None else "")
    strongest = int(order[0])
    caption = (f"{where}: token {position} ({label(units[position])}) looks most at token "
               f"{strongest} ({label(units[strongest])}), weight {float(values[0]):.2f}")
    return f'<div class="minillm-looks-caption">{caption}</div>{bars_html(rows)}'


def lens_html(lens, vocabulary, top: int = 5) -> str:
    """The logit lens as a table: per stage (embeddings, then each block) the `top` likeliest
    next tokens, each cell coloured by its probability; the last row is the prediction."""
    table = []
    for stage, probs in enumerate(lens):
        values, order = torch.sort(probs, descending=True, stable=True)
        name = "embeddings" if stage == 0 else f"block {stage}"
        if stage == len(lens) - 1:
            name = f"<b>{name} = prediction</b>"
        colours = BLUES(values[:top].numpy())  # the heat maps' colours
        cells = "".join(f'<td style="background:{to_hex(c)};color:{text_colour_on(c)}">'
                        f"{label(vocabulary[i])} {float(p):.2f}</td>"
                        for c, p, i in zip(colours, values[:top], order[:top], strict=True))
        table.append(f"<tr><td>{name}</td>{cells}</tr>")
    rows = "".join(table)
    return f'<table style="font-family:monospace;white-space:nowrap;line-height:1.3">{rows}</table>'


def next_token_rows(logits, temperature, top_k, top_p, vocabulary, top: int = 15):
    """The bars for the `top` best-scored next tokens (an order no setting changes) and how
    many of the vocabulary can be drawn: a kept token at its probability after the cut
    (`sampling.probabilities`, what generation draws from), a cut one faded at its
    probability before. Temperature 0 is greedy: the best token is picked whatever top-k
    and top-p say, and no other is "cut"."""
    kept = probabilities(logits, temperature, *cut_settings(top_k, top_p))
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
    """The explorer panel for a trained model and its tokenizer, or for a checkpoint folder
    (or file) written by `minillm train`, which brings its own tokenizer. `prompt`: the text
    to start from (default: a newline, or the first unit); `top`: how many next-token bars."""
    if isinstance(model, (str, os.PathLike)):
        if tokenizer is not None:
            fail(InputTypeError, "A checkpoint brings its own tokenizer",
                 "call explore(path) alone, or explore(model, tokenizer) with a model")
        model, tokenizer = load_model_and_tokenizer(model)
    check_model(model)
    if not hasattr(tokenizer, "unit_to_id"):
        fail(InputTypeError, "explore(model, tokenizer) needs the tokenizer the model was "
             "trained with (a CharTokenizer or WordTokenizer) as its second argument")
    if tokenizer.vocab_size != model.config.vocab_size:
        fail(InputError, f"The tokenizer has {tokenizer.vocab_size} units but the model's "
             f"vocabulary is {model.config.vocab_size}",
             "pass the tokenizer the model was trained with")
    top = check_int("top", top, 1)
    if prompt is None:
        prompt = default_prompt(tokenizer)
    if not isinstance(prompt, str):
        fail(InputTypeError, f"prompt must be text, got {type(prompt).__name__}",
             "e.g. prompt='ROMEO:'")
    return Explorer(model, tokenizer, prompt, top)


class Explorer(widgets.VBox):
    """The panel. Its controls are attributes (prompt, layer, head, token, temperature, top_k,
    top_p, seed, next_button, most_likely_button, undo_button), so a script can drive it as
    a reader would. The panel never writes into the prompt box: a write crossing the
    reader's keys on their way to the kernel would overwrite them in the browser. So the
    box holds the reader's prompt, and the tokens appended here show as green chips."""

    def __init__(self, model, tokenizer, prompt: str, top: int = 15):
        self.model, self.tokenizer, self.top, config = model, tokenizer, top, model.config
        self.ids: list[int] | None = None  # the prompt's, then those appended; None: unreadable
        self.added = self.draws = 0  # tokens appended; draws since the seed was set
        self.inside: Inside | None = None
        self.busy = False  # True while the panel itself sets a control
        wide = {"style": {"description_width": "initial"}}
        # a text area, not a one-line box: a prompt may hold newlines ("ROMEO:\n")
        self.prompt = widgets.Textarea(value=prompt, description="Prompt", rows=2,
                                       layout={"width": "95%"}, **wide)
        self.next_button = widgets.Button(description="Next token", button_style="primary",
                                          tooltip="append a token drawn as set")
        self.most_likely_button = widgets.Button(description="Most likely",
                                                 tooltip="append the likeliest token")
        self.undo_button = widgets.Button(description="Undo", tooltip="remove the last token")
        self.seed = widgets.BoundedIntText(value=0, min=0, max=10**6, description="Seed",
                                           layout={"width": "150px"}, **wide)
        self.layer = widgets.Dropdown(options=[(str(i + 1), i) for i in range(config.num_layers)],
                                      description="Layer", layout={"width": "120px"}, **wide)
        self.head = widgets.Dropdown(
            options=[("all", -1)] + [(str(h + 1), h) for h in range(config.num_heads)],
            value=0, description="Head", layout={"width": "120px"}, **wide)
        self.token = widgets.Dropdown(description="Token", layout={"width": "160px"}, **wide)
        self.temperature = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.05,
                                               description="Temperature", **wide)
        self.top_k = widgets.IntSlider(value=0, min=0, max=config.vocab_size,
                                       description="Top-k (0 = off)", **wide)
        self.top_p = widgets.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05,
                                         description="Top-p (1 = off)", **wide)
        for name in ("status", "chips", "problem", "attention", "looks", "lens", "bars"):
            setattr(self, name, widgets.HTML())
            getattr(self, name).add_class(f"minillm-explorer-{name}")

        def heading(text):
            return widgets.HTML(f"<b>{text}</b>")

        self.views = widgets.VBox([
            widgets.HBox([
                widgets.VBox([heading("Attention"),
                              widgets.HBox([self.layer, self.head, self.token]), self.attention]),
                widgets.VBox([heading("The prediction forming (logit lens)"), self.lens,
                              heading("Next token"), self.temperature, self.top_k, self.top_p,
                              self.bars], layout={"margin": "0 0 0 16px"}),
            ]),
            heading("Where the chosen token looks"), self.looks,
        ])
        super().__init__([heading(f"Inside your model: {self.summary()}"), self.prompt,
                          self.status, self.chips,
                          widgets.HBox([self.next_button, self.most_likely_button,
                                        self.undo_button, self.seed]),
                          self.problem, self.views])
        self.add_class("minillm-explorer")
        self.prompt.observe(self.reported(self.typed), names="value")
        for control in (self.layer, self.head, self.token):
            control.observe(self.reported(self.redraw_attention), names="value")
        for control in (self.temperature, self.top_k, self.top_p):
            control.observe(self.reported(self.redraw_next), names="value")
        self.seed.observe(self.reported(self.new_seed), names="value")
        self.next_button.on_click(self.reported(lambda: self.append(greedy=False)))
        self.most_likely_button.on_click(self.reported(lambda: self.append(greedy=True)))
        self.undo_button.on_click(self.reported(self.undo))
        self.reported(self.typed)()

    def summary(self) -> str:
        config = self.model.config
        return (f"{config.num_layers} blocks, {config.num_heads} heads, context "
                f"{config.context_length}, {config.vocab_size} {unit_names(self.tokenizer)[1]}")

    def __repr__(self) -> str:
        return f"Explorer({self.summary()})"  # short: a notebook stores it as the text output

    def reported(self, callback):
        """`callback` as a widget's: run on one thread, an unexpected error shown in the panel
        (where the reader sees it, not in JupyterLab's log). One thread: a redraw's products
        are tiny, and more threads only wait for each other, several times slower when
        other programs share the cores (measured with benchmarks/explorer_speed.py)."""

        def run(*change_or_button):
            if self.busy:
                return
            threads = torch.get_num_threads()
            try:
                self.problem.value = ""
                torch.set_num_threads(1)
                callback()
            except Exception as error:  # shown to the reader, not lost in a log
                self.problem.value = (f'<span style="color:#b00">{type(error).__name__}: '
                                      f"{html.escape(str(error))}</span>")
            finally:
                torch.set_num_threads(threads)

        return run

    def typed(self) -> None:
        """A new prompt in the box: a new sequence, nothing appended."""
        units, ids, message = read_prompt(self.prompt.value, self.tokenizer)
        self.ids, self.added, self.draws = (None if message else list(ids)), 0, 0
        self.redraw(units, ids, message)

    def append(self, greedy: bool) -> None:
        if self.ids is not None:
            settings = (self.temperature.value, self.top_k.value, self.top_p.value)
            self.ids.append(next_token(self.model, self.ids, greedy, self.seed.value,
                                       self.draws, *settings))
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
        self.inside = None if message else look_inside(self.model, self.ids)
        if self.inside is None:
            return
        self.busy = True
        try:
            window = [shown_unit(self.tokenizer.vocabulary[i]) for i in self.inside.window]
            self.token.options = [(f"{i} {unit}", i) for i, unit in enumerate(window)]
            self.token.value = len(window) - 1  # the token whose next one is predicted
        finally:
            self.busy = False
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
            settings = (self.temperature.value, self.top_k.value, self.top_p.value)
            rows, left = next_token_rows(self.inside.logits, *settings,
                                         self.tokenizer.vocabulary, self.top)
            self.bars.value = (f"<div>{describe_settings(*settings)} · {left} of "
                               f"{self.tokenizer.vocab_size} tokens can be drawn</div>"
                               f"{bars_html(rows)}")
