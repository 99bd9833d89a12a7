"""The model explorer's views as plain functions (notebook_support.explorer wires them up).

Each takes what the model computed (token IDs, attention weights, logit-lens
probabilities, next-token scores) and returns what one part of the panel shows:
the prompt's tokens, a head's attention matrix and where one token looks, the
top tokens after each block, the next-token bars under the sampling settings,
and the step-by-step sequence. The `*_html` functions turn those into HTML (the
heat maps as small PNGs inside it). Nothing here runs the model: `probabilities` (the
sampling module's) is passed in where a view needs it.
"""

from __future__ import annotations

import base64
import functools
import html
import io
from dataclasses import dataclass, field

import torch

from minillm_helpers.checks import check_int
from minillm_helpers.notebook_support.widgets.nb06 import describe_settings

# What a unit is called in the panel's sentences, by tokenizer kind.
UNIT_NAMES = {"char": ("character", "characters"), "word": ("word", "words")}
SHOWN = {"\n": "↵", " ": "␣", "\t": "⇥"}  # units that would be invisible as chips
BLUE, GREY, GREEN, RED, ORANGE = "#3b75af", "#c8c8c8", "#d9f2d9", "#f8d0d0", "#e08a00"


def unit_names(tokenizer) -> tuple[str, str]:
    """('character', 'characters') or ('word', 'words'): what the tokenizer's units are."""
    return UNIT_NAMES.get(getattr(tokenizer, "kind", None), ("token", "tokens"))


def shown_unit(unit: str) -> str:
    """A unit as a chip or label shows it: newline, space and tab get a visible sign.

    >>> shown_unit("\\n"), shown_unit(" "), shown_unit("a"), shown_unit("\\r")
    ('↵', '␣', 'a', "'\\\\r'")
    """
    if unit in SHOWN:
        return SHOWN[unit]
    return repr(unit) if unit.isspace() or not unit.isprintable() else unit


# ---------------------------------------------------------------- the prompt's tokens
@dataclass(frozen=True)
class PromptTokens:
    """A typed prompt, read by the tokenizer: its units, their IDs (None for a unit the
    vocabulary lacks) and, when the model cannot read it, the one sentence saying why."""

    units: list[str]
    ids: list
    message: str = ""

    @property
    def readable(self) -> bool:
        return not self.message


def read_prompt(text: str, tokenizer, shown: int = 10) -> PromptTokens:
    """The prompt's tokens, or a sentence naming the units the model never saw (at most
    `shown` of them) or asking for a prompt when there is none."""
    singular, plural = unit_names(tokenizer)
    units = list(tokenizer.split(text))
    if not units:
        example = shown_unit(tokenizer.vocabulary[0])
        return PromptTokens([], [], f"Type a prompt of at least one {singular}, e.g. {example}.")
    known = tokenizer.unit_to_id
    unseen = list(dict.fromkeys(unit for unit in units if unit not in known))
    if unseen and getattr(tokenizer, "unknown", None) is None:
        listed = ", ".join(repr(unit) for unit in unseen[:shown])
        more = f" and {len(unseen) - shown} more" if len(unseen) > shown else ""
        what = singular if len(unseen) == 1 else plural
        message = (f"The model never saw the {what} {listed}{more}: use only {plural} of the "
                   "text it trained on.")
        return PromptTokens(units, [known.get(unit) for unit in units], message)
    return PromptTokens(units, tokenizer.encode(text))


def chips_html(units, ids, context_length: int, added: int = 0) -> str:
    """The tokens as chips, each with its ID under it: the `added` last ones (the
    explorer appended them) in green, those the model cannot see (before the last
    `context_length`) faded, unseen ones (ID None) in red with a '?'."""
    first_seen = max(0, len(units) - context_length)
    chips = []
    for position, (unit, token_id) in enumerate(zip(units, ids, strict=True)):
        background = "#eef2f8"
        if token_id is None:
            background = RED
        elif position >= len(units) - added:
            background = GREEN
        faded = "opacity:0.35;" if position < first_seen else ""
        number = "?" if token_id is None else token_id
        chips.append(
            f'<span title="position {position}" style="display:inline-block;margin:1px;'
            f"padding:1px 4px;border-radius:4px;background:{background};{faded}"
            'text-align:center;font-family:monospace;line-height:1.1">'
            f"{html.escape(shown_unit(unit))}<br><small style='color:#666'>{number}</small>"
            "</span>"
        )
    return f'<div class="minillm-chips" style="line-height:1">{"".join(chips)}</div>'


def prompt_status(tokens: PromptTokens, context_length: int, added: int, tokenizer) -> str:
    """The line under the prompt: how many tokens, how many the model reads, how many the
    explorer appended; or the sentence saying why the prompt cannot be read.

    >>> from minillm_helpers.tokenizer import CharTokenizer
    >>> prompt_status(PromptTokens(list("abc"), [0, 1, 2]), 2, 1, CharTokenizer("abc"))
    '3 tokens (characters), 1 appended here · the model reads the last 2'
    """
    if not tokens.readable:
        return tokens.message
    count = len(tokens.units)
    plural = unit_names(tokenizer)[1]
    parts = [f"{count} token{'s' if count != 1 else ''} ({plural})"]
    if added:
        parts[0] += f", {added} appended here"
    parts.append(
        f"the model reads the last {context_length}" if count > context_length
        else "the model reads them all"
    )
    return " · ".join(parts)


# ---------------------------------------------------------------- attention
def attention_matrix(attention, layer: int, head=None):
    """One head's weights, (T, T): row i is where token i looks; head None: every head,
    (heads, T, T). `attention` is (layers, heads, T, T), as explorer.look_inside keeps it."""
    layers, heads = attention.shape[:2]
    layer = check_int("layer", layer, 0, layers - 1)
    if head is None:
        return attention[layer]
    return attention[layer, check_int("head", head, 0, heads - 1, "None shows every head")]


def looks_at(attention, layer: int, head, position: int) -> list[float]:
    """Where the token at `position` looks: its row of weights over the window (sums to 1);
    head None: the mean of every head's row."""
    matrix = attention_matrix(attention, layer, head)
    length = matrix.shape[-1]
    row = matrix[..., check_int("position", position, 0, length - 1), :]
    return (row if head is not None else row.mean(0)).tolist()


def head_name(layer: int, head) -> str:
    """How the panel names a layer and head (both counted from 1 on screen).

    >>> head_name(0, 2), head_name(1, None)
    ('layer 1, head 3', 'layer 2, all heads')
    """
    return f"layer {layer + 1}, " + ("all heads" if head is None else f"head {head + 1}")


def looks_at_html(weights, units, position: int, where: str = "") -> str:
    """Where one token looks, as a column per token of the window (heights in proportion
    to the weights, the largest 60 px; the caption gives its value); `where` (e.g.
    head_name's) starts the caption."""
    columns = []
    largest = max(weights) or 1.0
    for i, (weight, unit) in enumerate(zip(weights, units, strict=True)):
        height = round(60 * weight / largest)
        outline = f"outline:2px solid {ORANGE};" if i == position else ""
        columns.append(
            f'<div title="{i}: {weight:.3f}" style="display:flex;flex-direction:column;'
            f'justify-content:flex-end;align-items:center;width:11px;{outline}">'
            f'<div style="width:8px;height:{height}px;background:{BLUE}"></div>'
            f'<div style="font-family:monospace;font-size:10px">'
            f"{html.escape(shown_unit(unit))}</div></div>"
        )
    strongest = max(range(len(weights)), key=weights.__getitem__)
    me, it = (html.escape(shown_unit(units[i])) for i in (position, strongest))
    caption = (f"{where + ': ' if where else ''}token {position} ({me}) looks most at "
               f"token {strongest} ({it}), weight {weights[strongest]:.2f}")
    return (f'<div class="minillm-looks" style="display:flex;align-items:flex-end;'
            f'height:80px;overflow-x:auto">{"".join(columns)}</div>'
            f'<div class="minillm-looks-caption">{caption}</div>')


@functools.cache
def colour_table() -> torch.Tensor:
    """matplotlib's "Blues" colour map as 256 RGBA byte rows, looked up once."""
    from matplotlib import colormaps

    return torch.from_numpy(colormaps["Blues"](torch.linspace(0, 1, 256).numpy(), bytes=True))


def weight_colours(weights) -> torch.Tensor:
    """RGBA bytes, (..., 4), for weights in [0, 1] on a square-root scale (small weights
    stay visible)."""
    steps = (torch.as_tensor(weights, dtype=torch.float32).clamp(0, 1).sqrt() * 255).round()
    return colour_table()[steps.long()]


def heatmap_png(matrix) -> bytes:
    """A (T, T) weight matrix as a PNG of T x T pixels, one per weight (the page scales it
    up without smoothing): far quicker to redraw than a matplotlib figure."""
    from matplotlib import image

    buffer = io.BytesIO()
    image.imsave(buffer, weight_colours(matrix).numpy(), format="png")
    return buffer.getvalue()


def png_tag(png: bytes, size: int) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" style="display:block;width:{size}px;'
            f'height:{size}px;image-rendering:pixelated">')


def row_outline(position: int, cell: int) -> str:
    """A frame around the chosen token's row of a heat map."""
    return (f'<div style="position:absolute;left:0;right:0;top:{position * cell}px;'
            f'height:{cell}px;box-sizing:border-box;border:2px solid {ORANGE}"></div>')


@functools.cache
def scale_html() -> str:
    """The colour scale under a heat map: weight 0 to 1, square-root spaced."""
    stops = ", ".join(
        "rgb({},{},{}) {:.0f}%".format(*weight_colours([w])[0, :3].tolist(), 100 * w**0.5)
        for w in (0, 0.01, 0.05, 0.1, 0.25, 0.5, 1)
    )
    return ('<div style="display:flex;align-items:center;gap:4px;font-size:11px">weight 0'
            f'<span style="width:120px;height:8px;background:linear-gradient(to right, {stops})">'
            "</span>1 (square-root scale)</div>")


def attention_html(matrix, units, position: int, title: str, size: int = 400) -> str:
    """One head's (T, T) matrix as a heat map of about `size` pixels, the tokens along both
    sides (row: the token looking, column: the token looked at), the chosen token's row
    framed; or, for (heads, T, T), a small heat map per head."""
    length = matrix.shape[-1]
    if matrix.dim() == 3:  # two heat maps a row, each about half as wide as one alone
        cell = max(2, min(16, (size // 2 - 8) // length))
        maps = "".join(
            f'<div style="margin:0 8px 6px 0"><div style="font-size:11px">head {h + 1}</div>'
            f'<div style="position:relative">{png_tag(heatmap_png(weights), cell * length)}'
            f"{row_outline(position, cell)}</div></div>"
            for h, weights in enumerate(matrix)
        )
        body = (f'<div style="display:grid;grid-template-columns:repeat(2, max-content)">'
                f"{maps}</div>")
    else:
        cell = max(6, min(28, size // length))
        font = f"font-family:monospace;font-size:{min(cell - 1, 12)}px;line-height:{cell}px;"
        labels = [html.escape(shown_unit(unit)) for unit in units]
        upright = all(len(shown_unit(unit)) == 1 for unit in units)
        turn = "" if upright else "writing-mode:vertical-rl;"
        columns = "".join(
            f'<span style="width:{cell}px;{font}{turn}text-align:center;overflow:hidden;'
            f'max-height:60px">{label}</span>' for label in labels
        )
        rows = "".join(
            f'<div style="height:{cell}px;{font}text-align:right;padding-right:3px;'
            f'{"color:" + ORANGE + ";font-weight:bold;" if i == position else ""}'
            f'max-width:80px;overflow:hidden;white-space:nowrap">{label}</div>'
            for i, label in enumerate(labels)
        )
        body = (f'<div style="display:grid;grid-template-columns:auto {cell * length}px">'
                f'<div></div><div style="display:flex;align-items:flex-end">{columns}</div>'
                f"<div>{rows}</div>"
                f'<div style="position:relative">{png_tag(heatmap_png(matrix), cell * length)}'
                f"{row_outline(position, cell)}</div></div>")
    return (f'<div class="minillm-attention"><div style="font-size:12px">{html.escape(title)}'
            " · row: the token looking · column: where it looks</div>"
            f"{body}{scale_html()}</div>")


# ---------------------------------------------------------------- the prediction forming
def lens_rows(lens, vocabulary, top: int = 5) -> list[tuple[str, list[tuple[str, float]]]]:
    """The logit lens as rows of (label, [(unit, probability), ...]): the `top` likeliest
    next tokens after the embeddings, then after each block; the last row is the model's
    own prediction. `lens` is explorer.logit_lens's (layers + 1, vocab) tensor."""
    rows = []
    last = lens.shape[0] - 1
    for i, probs in enumerate(lens):
        values, order = torch.sort(probs, descending=True, stable=True)
        label = "embeddings" if i == 0 else f"block {i}"
        if i == last:
            label += " = prediction"
        best = [(vocabulary[int(j)], float(v)) for v, j in zip(values[:top], order[:top],
                                                               strict=True)]
        rows.append((label, best))
    return rows


def lens_html(rows) -> str:
    """The logit-lens rows as a table; each cell shaded by its probability."""
    body = []
    for i, (label, best) in enumerate(rows):
        weight = "font-weight:bold;" if i == len(rows) - 1 else ""
        cells = "".join(
            f'<td style="padding:1px 6px;font-family:monospace;white-space:nowrap;'
            f"background:rgba(59,117,175,"
            f'{min(1.0, p):.2f});color:{"white" if p > 0.5 else "black"}">'
            f"{html.escape(shown_unit(unit))} {p:.2f}</td>"
            for unit, p in best
        )
        body.append(f'<tr style="{weight}"><td style="padding:1px 6px;white-space:nowrap">'
                    f"{label}</td>{cells}</tr>")
    return f'<table class="minillm-lens" style="border-collapse:collapse">{"".join(body)}</table>'


# ---------------------------------------------------------------- the next token
@dataclass(frozen=True)
class Bar:
    """One next-token bar: the unit, its ID, its probability at the temperature before any
    cut (`before`) and after top-k/top-p, renormalised (`after`: 0 if the cut removed it)."""

    unit: str
    id: int
    before: float
    after: float

    @property
    def kept(self) -> bool:
        return self.after > 0


def cut_settings(top_k, top_p) -> tuple[int | None, float | None]:
    """The sliders' values as `probabilities` takes them: top-k 0 and top-p 1 mean no cut.

    >>> cut_settings(0, 1.0), cut_settings(5, 0.9)
    ((None, None), (5, 0.9))
    """
    return (int(top_k) or None), (float(top_p) if top_p is not None and top_p < 1 else None)


def next_token_bars(logits, temperature, top_k, top_p, vocabulary, probabilities,
                    top: int = 15) -> tuple[list[Bar], int]:
    """The `top` best-scored next tokens (an order no setting changes), each with its
    probability before and after the cut, and how many tokens of the whole vocabulary
    can still be drawn; `probabilities` is the sampling module's, so the bars are exactly
    what generation draws from. top_k 0 / top_p 1: no cut."""
    top = check_int("top", top, 1)
    cut_k, cut_p = cut_settings(top_k, top_p)
    before = probabilities(logits, temperature)
    after = probabilities(logits, temperature, cut_k, cut_p)
    order = torch.sort(logits, descending=True, stable=True).indices[:top]
    bars = [Bar(vocabulary[int(i)], int(i), float(before[i]), float(after[i])) for i in order]
    return bars, int((after > 0).sum())


def next_token_html(bars, temperature, top_k, top_p, vocab_size: int, left: int) -> str:
    """The bars: kept tokens in blue at their renormalised probability, cut ones in grey
    at the probability they had before the cut."""
    rows = []
    for bar in bars:
        value = bar.after if bar.kept else bar.before
        colour = BLUE if bar.kept else GREY
        text = f"{bar.after:.3f}" if bar.kept else f"cut ({bar.before:.3f})"
        rows.append(
            f'<div style="display:flex;align-items:center;height:16px;'
            f'{"" if bar.kept else "color:#999;"}">'
            f'<span style="width:34px;font-family:monospace;text-align:right;padding-right:4px">'
            f"{html.escape(shown_unit(bar.unit))}</span>"
            f'<span style="width:{round(260 * value)}px;height:12px;background:{colour}"></span>'
            f'<span style="padding-left:4px;font-size:11px">{text}</span></div>'
        )
    settings = describe_settings(temperature, top_k, top_p)
    header = (f'<div class="minillm-next-header">{settings} · {left} of {vocab_size} tokens '
              "can be drawn</div>")
    return f'<div class="minillm-next">{header}{"".join(rows)}</div>'


# ---------------------------------------------------------------- generate step by step
SEED_STRIDE = 10_000  # draw n of seed s uses generate's seed s * SEED_STRIDE + n


@dataclass
class Steps:
    """The sequence the explorer builds: the prompt's IDs, then the tokens "Next token" and
    "Most likely" appended; `draws` counts the sampled ones since the prompt or seed was
    set, so the same seed and the same presses give the same sequence."""

    prompt: list[int]
    added: list[int] = field(default_factory=list)
    draws: int = 0

    @property
    def ids(self) -> list[int]:
        return self.prompt + self.added

    def draw_seed(self, seed: int) -> int:
        """The seed generate gets for the next sampled token."""
        return int(seed) * SEED_STRIDE + self.draws

    def append(self, token: int, sampled: bool) -> None:
        self.added.append(int(token))
        if sampled:
            self.draws += 1

    def undo(self) -> bool:
        """Remove the last appended token; False when there is none (the prompt stays)."""
        if not self.added:
            return False
        self.added.pop()
        return True
