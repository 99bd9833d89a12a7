"""Look inside a model you trained: one panel of prompt, attention, logit lens and sampling.

    from minillm_helpers.notebook_support.explorer import explore, logit_lens
    explore(model, tokenizer, prompt="ROMEO:")   # the model notebook 07 just trained
    explore("runs/book")                         # a folder `minillm train` wrote

The panel shows the prompt's tokens with their IDs; one attention head's weights over
the prompt (or every head of a layer) and where a chosen token looks; the prediction
forming block by block (the logit lens); the next-token probabilities under
temperature, top-k and top-p; and buttons that append a sampled or the likeliest token,
or undo the last one, with a seed that makes the sequence reproducible.

Nothing here is a second copy of the model or of sampling: `look_inside` runs the
model's own forward once, with `keep_attention_weights` on and a forward hook on each
block that keeps the residual stream it hands on; the lens applies the model's own
`final_norm` and `output` to those; the bars come from `sampling.probabilities` and new
tokens from `sampling.generate`. The views are plain functions in
`notebook_support/widgets/explorer_views.py`; the `Explorer` panel only wires them up.
"""

from __future__ import annotations

import html
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps

import ipywidgets as widgets
import torch

from minillm_helpers.attention import MultiHeadAttention, keep_attention_weights
from minillm_helpers.checkpoint import default_prompt, load_model_and_tokenizer
from minillm_helpers.checks import InputError, InputTypeError, check_int, check_prompt, fail
from minillm_helpers.model import GPT
from minillm_helpers.notebook_support.widgets import explorer_views as views
from minillm_helpers.sampling import generate, probabilities

__all__ = ["explore", "logit_lens", "look_inside", "append_token", "Explorer", "Inside"]


def check_model(model) -> None:
    if not isinstance(model, GPT):
        fail(InputTypeError, "Expected the package's GPT (minillm_helpers.model.GPT), got "
             f"{type(model).__name__}", "pass the trained model, or a checkpoint folder "
             "written by `minillm train`, e.g. explore('runs/book')")


def as_id_list(ids, model) -> list[int]:
    """A prompt's IDs (a list, a tuple or a 1-D tensor) as a list of ints, each checked to
    be in the model's vocabulary."""
    if isinstance(ids, str):
        fail(InputTypeError, "ids must be token IDs, not text",
             "encode it first, e.g. tokenizer.encode(text)")
    if torch.is_tensor(ids):
        if ids.dim() != 1:
            fail(InputError, f"ids must be one sequence (a 1-D tensor), got shape "
                 f"{tuple(ids.shape)}", "pass one row, e.g. ids[0]")
        ids = ids.tolist()
    ids = list(ids)
    check_prompt(ids, model)  # at least one ID, each a whole number in the vocabulary
    return [int(i) for i in ids]


@dataclass(frozen=True)
class Inside:
    """What one forward pass over the last `context_length` IDs showed.

    window:    the IDs the model read (the prompt's last context_length).
    attention: (layers, heads, T, T) weights; [l, h, i] is where token i looks in layer l.
    lens:      (layers + 1, vocab) next-token probabilities read off the residual stream at
               the last position: row 0 after embeddings + positions, row l after block l.
    logits:    (vocab,) the model's own next-token scores.
    """

    window: list[int]
    attention: torch.Tensor
    lens: torch.Tensor
    logits: torch.Tensor


@torch.no_grad()
def look_inside(model, ids) -> Inside:
    """Run the model once over the prompt's last context_length IDs, keeping each block's
    attention weights and the residual stream before the first block and after each one
    (forward hooks); leaves the model's attention setting and train/eval mode as they were."""
    check_model(model)
    window = as_id_list(ids, model)[-model.config.context_length :]
    streams = []  # (1, T, width) each: the first block's input, then every block's output
    first = model.blocks[0].register_forward_pre_hook(lambda block, args: streams.append(args[0]))
    handles = [first] + [block.register_forward_hook(lambda block, args, out: streams.append(out))
                         for block in model.blocks]
    attentions = [module for module in model.modules() if isinstance(module, MultiHeadAttention)]
    before = [(module.keep_weights, module.last_weights) for module in attentions]
    was_training = model.training
    try:
        model.eval()  # no dropout while looking
        keep_attention_weights(model)  # the written-out attention, which keeps its weights
        logits, _ = model(torch.tensor([window], device=model.positions.device))
        attention = torch.stack([block.attention.last_weights[0] for block in model.blocks])
    finally:
        for handle in handles:
            handle.remove()
        for module, (keep, last) in zip(attentions, before, strict=True):
            module.keep_weights, module.last_weights = keep, last
        model.train(was_training)
    # the lens: the model's own last two layers on every stage of the stream
    scores = model.output(model.final_norm(torch.cat(streams)))[:, -1]  # (layers + 1, vocab)
    return Inside(window, attention.cpu(), probabilities(scores, 1.0).cpu(), logits[0, -1].cpu())


def logit_lens(model, ids) -> torch.Tensor:
    """The prediction forming: a (num_layers + 1, vocab_size) tensor of next-token
    probabilities after the prompt (its last context_length IDs). Row 0 reads the
    embeddings + positions alone, row l the residual stream after block l, each through
    the model's final layer norm and output layer; the last row is the model's own
    prediction (next_token_probabilities at temperature 1)."""
    return look_inside(model, ids).lens


def append_token(model, steps: views.Steps, greedy: bool = False, seed: int = 0,
                 temperature: float = 1.0, top_k=0, top_p=1.0) -> int:
    """Append one token to `steps` and return it: the likeliest (greedy, "Most likely"), or
    one draw of `generate` with the settings ("Next token"; top_k 0 / top_p 1: no cut)
    and the seed `steps.draw_seed(seed)`, so the same presses give the same tokens."""
    if greedy:
        token = generate(model, steps.ids, 1, temperature=0)[0]
    else:
        cut_k, cut_p = views.cut_settings(top_k, top_p)
        token = generate(model, steps.ids, 1, temperature, cut_k, cut_p,
                         seed=steps.draw_seed(seed))[0]
    steps.append(token, sampled=not greedy)
    return token


def load_for_exploring(path):
    """(model, tokenizer) from a checkpoint folder or file, with `minillm sample`'s errors."""
    return load_model_and_tokenizer(path)


def explore(model, tokenizer=None, prompt: str | None = None, top: int = 15) -> Explorer:
    """The explorer panel for a trained model and its tokenizer, or for a checkpoint
    folder (or file) written by `minillm train`, which brings its own tokenizer.
    `prompt`: the text to start from (default: a newline, or the first unit); `top`:
    how many next-token bars to show."""
    if isinstance(model, (str, os.PathLike)):
        if tokenizer is not None:
            fail(InputTypeError, "A checkpoint brings its own tokenizer",
                 "call explore(path) alone, or explore(model, tokenizer) with a model")
        model, tokenizer = load_for_exploring(model)
    check_model(model)
    if tokenizer is None or not hasattr(tokenizer, "unit_to_id"):
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


@contextmanager
def one_thread():
    """Run PyTorch on one thread, then restore the setting. A redraw's products are tiny
    (64 tokens, width 128): more threads only add waiting for each other, and when other
    programs share the cores that waiting made redraws several times slower (measured
    with benchmarks/explorer_speed.py)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def reported(method):
    """A widget callback, run on one thread (one_thread), that shows an unexpected error
    in the panel (where the reader sees it) instead of in JupyterLab's log console."""

    @wraps(method)
    def run(self, *args, **kwargs):
        if self.quiet_level:
            return None
        try:
            self.problem.value = ""
            with one_thread():
                return method(self, *args, **kwargs)
        except Exception as error:  # shown to the reader, not lost in a log
            self.problem.value = (f'<span style="color:#b00">{type(error).__name__}: '
                                  f"{html.escape(str(error))}</span>")
            return None

    return run


def heading(text: str) -> widgets.HTML:
    return widgets.HTML(f"<b style='font-size:1.05em'>{text}</b>")


class Explorer(widgets.VBox):
    """The panel. Its controls are attributes (prompt, layer, head, token, temperature,
    top_k, top_p, seed, next_button, most_likely_button, undo_button), so a script can
    drive it as a reader would; every redraw goes through the views' plain functions."""

    def __init__(self, model, tokenizer, prompt: str, top: int = 15):
        self.model, self.tokenizer, self.top = model, tokenizer, top
        self.quiet_level = 0
        self.steps: views.Steps | None = None
        self.inside: Inside | None = None
        config = model.config
        full = {"style": {"description_width": "initial"}}
        # a text area, not a one-line box: a prompt may hold newlines ("ROMEO:\n")
        self.prompt = widgets.Textarea(value=prompt, description="Prompt", rows=2,
                                       layout=widgets.Layout(width="95%"), **full)
        self.status = widgets.HTML()
        self.chips = widgets.HTML()
        self.problem = widgets.HTML()
        self.next_button = widgets.Button(description="Next token", button_style="primary",
                                          tooltip="append a token drawn as set")
        self.most_likely_button = widgets.Button(description="Most likely",
                                                 tooltip="append the likeliest token")
        self.undo_button = widgets.Button(description="Undo", tooltip="remove the last token")
        self.seed = widgets.BoundedIntText(value=0, min=0, max=10**6, description="Seed",
                                           layout=widgets.Layout(width="150px"),
                                           **full)
        self.layer = widgets.Dropdown(options=[(str(i + 1), i) for i in range(config.num_layers)],
                                      description="Layer", layout=widgets.Layout(width="120px"),
                                      **full)
        self.head = widgets.Dropdown(
            options=[("all", -1)] + [(str(h + 1), h) for h in range(config.num_heads)],
            value=0, description="Head", layout=widgets.Layout(width="120px"), **full,
        )
        self.token = widgets.Dropdown(description="Token", layout=widgets.Layout(width="160px"),
                                      **full)
        self.attention = widgets.HTML()
        self.looks = widgets.HTML()
        self.lens = widgets.HTML()
        self.temperature = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.05,
                                               description="Temperature", **full)
        self.top_k = widgets.IntSlider(value=0, min=0, max=config.vocab_size,
                                       description="Top-k (0 = off)", **full)
        self.top_p = widgets.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05,
                                         description="Top-p (1 = off)", **full)
        self.bars = widgets.HTML()
        for widget, name in [(self.status, "status"), (self.chips, "chips"),
                             (self.problem, "problem"), (self.looks, "looks"),
                             (self.lens, "lens"), (self.bars, "next"),
                             (self.attention, "attention")]:
            widget.add_class(f"minillm-explorer-{name}")
        singular, plural = views.unit_names(tokenizer)
        title = (f"<b>Inside your model</b>: {config.num_layers} blocks, {config.num_heads} "
                 f"heads, width {config.width}, context {config.context_length}, "
                 f"{config.vocab_size} {plural}")
        self.views = widgets.VBox([
            widgets.HBox([
                widgets.VBox([heading("Attention"),
                              widgets.HBox([self.layer, self.head, self.token]),
                              self.attention]),
                widgets.VBox([heading("The prediction forming (logit lens)"), self.lens,
                              heading("Next token"), self.temperature, self.top_k, self.top_p,
                              self.bars], layout=widgets.Layout(margin="0 0 0 16px")),
            ]),
            heading("Where the chosen token looks"), self.looks,
        ])
        super().__init__([
            widgets.HTML(title), self.prompt, self.status, self.chips,
            widgets.HBox([self.next_button, self.most_likely_button, self.undo_button,
                          self.seed]),
            self.problem, self.views,
        ])
        self.add_class("minillm-explorer")
        self.prompt.observe(lambda change: self.typed(change["new"]), names="value")
        for control in (self.layer, self.head, self.token):
            control.observe(lambda change: self.changed_attention(), names="value")
        for control in (self.temperature, self.top_k, self.top_p):
            control.observe(lambda change: self.changed_settings(), names="value")
        self.seed.observe(lambda change: self.new_seed(), names="value")
        self.next_button.on_click(lambda button: self.append(greedy=False))
        self.most_likely_button.on_click(lambda button: self.append(greedy=True))
        self.undo_button.on_click(lambda button: self.undo())
        self.typed(prompt)

    def __repr__(self) -> str:
        """Short (a notebook stores it as the panel's text/plain output)."""
        config, plural = self.model.config, views.unit_names(self.tokenizer)[1]
        return (f"Explorer({config.num_layers} blocks, {config.num_heads} heads, context "
                f"{config.context_length}, {config.vocab_size} {plural})")

    @contextmanager
    def quiet(self):
        """Change controls without their callbacks redrawing (the caller redraws once)."""
        self.quiet_level += 1
        try:
            yield
        finally:
            self.quiet_level -= 1

    # ------------------------------------------------------------ what the reader does
    @reported
    def typed(self, text: str) -> None:
        """A new prompt: read it, start a new sequence (nothing appended) and redraw."""
        tokens = views.read_prompt(text, self.tokenizer)
        self.steps = views.Steps(list(tokens.ids)) if tokens.readable else None
        self.redraw_all(tokens)

    @reported
    def append(self, greedy: bool) -> None:
        if self.steps is None:
            return
        append_token(self.model, self.steps, greedy, self.seed.value, self.temperature.value,
                     self.top_k.value, self.top_p.value)
        self.show_steps()

    @reported
    def undo(self) -> None:
        if self.steps is not None and self.steps.undo():
            self.show_steps()

    @reported
    def new_seed(self) -> None:
        if self.steps is not None:
            self.steps.draws = 0  # the seed's first draw comes next

    @reported
    def changed_attention(self) -> None:
        if self.inside is not None:
            self.redraw_attention()

    @reported
    def changed_settings(self) -> None:
        if self.inside is not None:
            self.redraw_next()

    # ------------------------------------------------------------ redrawing
    def show_steps(self) -> None:
        """After a token was appended or undone: the text box shows the whole sequence."""
        ids = self.steps.ids
        with self.quiet():
            self.prompt.value = self.tokenizer.decode(ids)
        self.redraw_all(views.PromptTokens([self.tokenizer.vocabulary[i] for i in ids], ids))

    def redraw_all(self, tokens: views.PromptTokens) -> None:
        context = self.model.config.context_length
        added = len(self.steps.added) if self.steps is not None else 0
        self.status.value = html.escape(
            views.prompt_status(tokens, context, added, self.tokenizer))
        self.chips.value = views.chips_html(tokens.units, tokens.ids, context, added)
        readable = self.steps is not None
        self.next_button.disabled = self.most_likely_button.disabled = not readable
        self.undo_button.disabled = not added
        self.views.layout.display = None if readable else "none"
        if not readable:
            self.inside = None
            return
        self.inside = look_inside(self.model, self.steps.ids)
        window = tokens.units[-context:]
        with self.quiet():
            self.token.options = [(f"{i} {views.shown_unit(unit)}", i)
                                  for i, unit in enumerate(window)]
            self.token.value = len(window) - 1  # the token whose next one is predicted
        self.window_units = window
        self.redraw_attention()
        self.redraw_lens()
        self.redraw_next()

    def redraw_attention(self) -> None:
        layer, position = self.layer.value, self.token.value
        head = None if self.head.value < 0 else self.head.value
        matrix = views.attention_matrix(self.inside.attention, layer, head)
        where = views.head_name(layer, head)
        self.attention.value = views.attention_html(matrix, self.window_units, position, where)
        weights = views.looks_at(self.inside.attention, layer, head, position)
        mean = " (mean)" if head is None else ""
        self.looks.value = views.looks_at_html(weights, self.window_units, position, where + mean)

    def redraw_lens(self) -> None:
        rows = views.lens_rows(self.inside.lens, self.tokenizer.vocabulary)
        self.lens.value = views.lens_html(rows)

    def redraw_next(self) -> None:
        settings = (self.temperature.value, self.top_k.value, self.top_p.value)
        vocabulary = self.tokenizer.vocabulary
        bars, left = views.next_token_bars(self.inside.logits, *settings, vocabulary,
                                           probabilities, self.top)
        self.bars.value = views.next_token_html(bars, *settings, len(vocabulary), left)
