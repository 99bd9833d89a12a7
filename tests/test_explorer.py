"""The model explorer: what look_inside reads off the model, each view as a plain function,
and the panel driven as a reader would."""

import base64
import copy
import gc
import io
import re
import weakref

import pytest
import torch
from matplotlib import image

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.checkpoint import CheckpointError, save_checkpoint
from minillm_helpers.checks import MinillmError
from minillm_helpers.cli.command import main as minillm
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.notebook_support import explorer as ex
from minillm_helpers.notebook_support.explorer import explore, look_inside
from minillm_helpers.sampling import generate, next_token_probabilities
from minillm_helpers.tokenizer import CharTokenizer, WordTokenizer

TEXT = "the cat sat on the mat. the dog ran to the barn."
CONTEXT = 8


def tiny(vocab_size, layers=2, heads=2, seed=0):
    torch.manual_seed(seed)
    config = GPTConfig(vocab_size=vocab_size, context_length=CONTEXT, width=16,
                       num_heads=heads, num_layers=layers)
    return GPT(config).eval()


@pytest.fixture
def tokenizer():
    return CharTokenizer.from_text(TEXT)


@pytest.fixture
def model(tokenizer):
    return tiny(tokenizer.vocab_size)


def prediction(model, ids):
    """The model's own next-token probabilities: its forward's logits at the last position."""
    with torch.no_grad():
        return torch.softmax(model(torch.tensor([ids]))[0][0, -1], -1)


def without_blocks_after(model, kept):
    """A copy whose blocks after the first `kept` add nothing to the residual stream (their
    attention's and feed-forward's last layers are zero), so its prediction is the stream
    after block `kept` read through the final norm and output layer."""
    cut = copy.deepcopy(model)
    for block in cut.blocks[kept:]:
        last = [m for m in block.feed_forward.modules() if isinstance(m, torch.nn.Linear)][-1]
        for parameter in [*block.attention.output.parameters(), *last.parameters()]:
            torch.nn.init.zeros_(parameter)
    return cut


# ---------------------------------------------------------------- look_inside, the logit lens
def test_the_lens_last_row_is_the_models_own_prediction(model, tokenizer):
    ids = tokenizer.encode("the ca")
    lens = look_inside(model, ids).lens
    assert lens.shape == (3, tokenizer.vocab_size)
    assert torch.allclose(lens[-1], prediction(model, ids), atol=1e-6)


@pytest.mark.parametrize("layers", [1, 2])
def test_each_row_reads_the_stream_after_that_many_blocks(tokenizer, layers):
    """Row l is what the model predicts when the blocks after block l add nothing; row 0 of
    a one-block model is the embeddings + positions alone."""
    model = tiny(tokenizer.vocab_size, layers=layers, seed=layers)
    ids = tokenizer.encode("the dog")
    lens = look_inside(model, ids).lens
    for kept in range(layers + 1):
        assert torch.allclose(lens[kept], prediction(without_blocks_after(model, kept), ids),
                              atol=1e-5)
    assert not torch.allclose(lens[0], lens[-1], atol=1e-3)  # the blocks do change it


def test_only_the_last_context_length_ids_are_read(model, tokenizer):
    ids = tokenizer.encode("the cat sat on the mat")
    whole, window = look_inside(model, ids), look_inside(model, torch.tensor(ids[-CONTEXT:]))
    assert torch.equal(whole.lens, window.lens)
    assert whole.window == ids[-CONTEXT:]


def test_look_inside_keeps_the_models_own_attention_and_scores(model, tokenizer):
    ids = tokenizer.encode("the cat")
    inside = look_inside(model, ids)
    keep_attention_weights(model)
    with torch.no_grad():
        logits, _ = model(torch.tensor([ids]))
    assert torch.equal(inside.attention, torch.stack([b.attention.last_weights[0]
                                                      for b in model.blocks]))
    assert torch.equal(inside.logits, logits[0, -1])


def test_the_model_is_left_as_it_was_even_when_the_look_fails(model, tokenizer):
    model.train()
    kept = torch.zeros(1)
    model.blocks[1].attention.last_weights = kept
    look_inside(model, tokenizer.encode("the"))
    with pytest.raises(ValueError, match="outside the vocabulary"):
        look_inside(model, [0, 999])
    assert model.training and not any(b.attention.keep_weights for b in model.blocks)
    assert model.blocks[0].attention.last_weights is None
    assert model.blocks[1].attention.last_weights is kept


def test_the_look_is_one_forward_and_leaves_no_hook(model, tokenizer):
    calls = []
    watching = model.register_forward_hook(lambda *args: calls.append(1))
    look_inside(model, tokenizer.encode("the"))
    watching.remove()
    assert calls == [1]
    outputs = []  # a hook left behind would keep every later block output alive
    watching = [b.register_forward_hook(lambda _, a, out: outputs.append(weakref.ref(out)))
                for b in model.blocks]
    with torch.no_grad():
        model(torch.tensor([tokenizer.encode("the")]))
    for handle in watching:
        handle.remove()
    gc.collect()
    assert len(outputs) == 2 and all(output() is None for output in outputs)


@pytest.mark.parametrize(
    ("ids", "error", "message"),
    [
        ("the", TypeError, "Token IDs must be whole numbers, got 'the'"),
        (torch.tensor([[1, 2]]), ValueError, "ids must have 1 dimension(s), got shape (1, 2): "
         "pass one sequence, e.g. ids[0]."),
        ([], ValueError, "The prompt is empty"),
        ([1, 2.5], TypeError, "Token IDs must be whole numbers"),
        ([0, 999], ValueError, "ID 999 at position 1 is outside the vocabulary"),
        ("model", TypeError, "Expected the package's GPT"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(model, ids, error, message):
    with pytest.raises(error, match=re.escape(message)) as raised:
        look_inside(torch.nn.Linear(2, 2), [0]) if ids == "model" else look_inside(model, ids)
    assert isinstance(raised.value, MinillmError)


# ---------------------------------------------------------------- the views
def test_read_prompt_gives_units_and_ids_or_one_sentence(tokenizer):
    assert ex.read_prompt("the cat", tokenizer) == (list("the cat"), tokenizer.encode("the cat"),
                                                    "")
    words = WordTokenizer.from_text(TEXT)
    assert ex.read_prompt("the dog ran.", words)[0] == ["the", "dog", "ran", "."]
    units, ids, message = ex.read_prompt("the Zebra é", tokenizer)
    assert message == ("The model never saw 'Z', 'é': use only characters of the text it "
                       "trained on.")
    assert ids[:4] == tokenizer.encode("the ") and ids[4] is None
    assert ex.read_prompt("the unicorn", words)[2].startswith("The model never saw 'unicorn': "
                                                               "use only words")
    many = ex.read_prompt(" ".join(f"w{i}" for i in range(13)), words)[2]
    assert "'w9' and 3 more:" in many and "'w10'" not in many
    assert ex.read_prompt("", tokenizer)[2] == "Type a prompt of at least one character, e.g. ␣."
    unknown = CharTokenizer.from_text(TEXT, unknown="?")
    assert ex.read_prompt("thé", unknown)[1:] == (unknown.encode("thé"), "")


def test_prompt_status_counts_tokens_and_what_the_model_reads():
    assert ex.prompt_status(1, 0, 8, "words") == "1 token (words) · the model reads them all"
    assert ex.prompt_status(10, 0, 8, "characters") == (
        "10 tokens (characters) · the model reads the last 8")


def test_chips_show_each_token_over_its_id_coloured_by_its_part(tokenizer):
    ids = tokenizer.encode("the cat")
    chips = ex.chips_html(list("the cat"), ids, context_length=5, added=2)
    shown = re.findall(r'class="minillm-chip([^"]*)">([^<]+)<br><small>(\d+)<', chips)
    assert [(unit, int(i)) for _, unit, i in shown] == list(zip("the␣cat", ids, strict=True))
    assert [kind.split() for kind, *_ in shown] == [["unread"]] * 2 + [[]] * 3 + [["added"]] * 2
    unseen = ex.chips_html(["t", "é"], [0, None], context_length=5)
    assert 'class="minillm-chip unseen">é<br><small>?</small>' in unseen


def pictures(page):
    """The heat maps in a page, decoded: (T, T, 4) pixel arrays."""
    return [torch.from_numpy(image.imread(io.BytesIO(base64.b64decode(data))).copy())
            for data in re.findall(r"base64,([^\"]+)\"", page)]


def test_a_heat_map_has_a_pixel_per_weight_darker_where_it_is_larger_and_frames_the_row():
    attention = torch.tensor([[1.0, 0, 0], [0.2, 0.8, 0], [0.1, 0.3, 0.6]]).expand(1, 2, 3, 3)
    page = ex.attention_html(attention, 0, 1, ["a", " ", "c"], 2)
    [pixels] = pictures(page)
    brightness = pixels[..., :3].sum(-1)
    assert brightness.shape == (3, 3)
    assert brightness.flatten().argsort().tolist()[:3] == [0, 4, 8]  # weights 1.0, 0.8, 0.6
    assert brightness[0, 1] == brightness[0, 2] == brightness.max()  # weight 0: the lightest
    assert "top:56px;height:28px" in page  # the frame on row 2 (cells of 28 px at most)
    assert page.count(">␣<") == 2  # the space, along each side
    assert page.startswith('<div class="minillm-caption">layer 1, head 2 · row: the token')
    assert len(pictures(ex.attention_html(attention, 0, None, ["a", " ", "c"], 2))) == 2


def test_where_a_token_looks_lists_its_strongest_weights():
    attention = torch.tensor([[[1.0, 0, 0], [0.5, 0.5, 0], [0.1, 0.7, 0.2]],
                              [[1.0, 0, 0], [0.5, 0.5, 0], [0.5, 0.1, 0.4]]])[None]
    page = ex.looks_html(attention, 0, 0, ["a", " ", "c"], 2, top=2)
    assert re.findall(r">(\d) (.)</span><span style=\"width:(\d+)px", page) == [
        ("1", "␣", "182"), ("2", "c", "52")]  # 0.7 and 0.2 of 260 px
    assert "layer 1, head 1: token 2 (c) looks most at token 1 (␣), weight 0.70" in page
    mean = ex.looks_html(attention, 0, None, ["a", " ", "c"], 2)
    assert "layer 1, all heads (mean): token 2 (c) looks most at token 1 (␣), weight 0.40" in mean


def test_the_lens_table_lists_the_likeliest_tokens_per_stage():
    lens = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
    page = ex.lens_html(lens, ["a", "b", "\n"], top=2)
    rows = [re.findall(r">([^<>]+)</td>", row) for row in page.split("<tr>")[1:]]
    assert rows == [["embeddings", "b 0.60", "↵ 0.30"], ["a 0.50", "↵ 0.30"]]
    assert "<b>block 1 = prediction</b>" in page


LOGITS = torch.tensor([2.0, 1.0, 0.5, 3.0, -1.0])
UNITS = ["a", "b", "c", "d", "e"]


def test_next_token_bars_are_in_score_order_at_the_probabilities_generation_draws_from():
    rows, left = ex.next_token_rows(LOGITS, 1.0, 0, 1.0, UNITS, top=3)
    expected = torch.softmax(LOGITS, 0)[[3, 0, 1]].tolist()
    assert [name for name, *_ in rows] == ["d", "a", "b"] and left == 5
    assert [length for _, length, _, _ in rows] == pytest.approx(expected)
    assert [text for _, _, text, _ in rows] == [f"{p:.3f}" for p in expected]


def test_a_cut_fades_tokens_at_their_old_probability_and_renormalises_the_rest():
    rows, left = ex.next_token_rows(LOGITS, 1.0, 2, 1.0, UNITS)
    before = torch.softmax(LOGITS, 0)
    assert [faded for *_, faded in rows] == [False] * 2 + [True] * 3 and left == 2
    assert rows[0][1] + rows[1][1] == pytest.approx(1.0)
    assert rows[2][2] == f"cut ({before[1]:.3f})" and rows[2][1] == pytest.approx(before[1])
    assert ex.next_token_rows(LOGITS, 1.0, 0, 0.7, UNITS)[1] == 2  # 0.64 + 0.24 reach 0.7


@pytest.mark.parametrize("top_k", [0, 3])
def test_at_temperature_zero_the_best_is_picked_and_nothing_called_cut(top_k):
    rows, left = ex.next_token_rows(LOGITS, 0.0, top_k, 1.0, UNITS)
    assert [text for _, _, text, _ in rows] == ["picked (greedy)"] + ["not picked (greedy)"] * 4
    assert left == 1 and rows[0][1] == 1.0


def test_a_drawn_token_comes_from_generate_with_the_seed_of_its_draw(model, tokenizer):
    ids = tokenizer.encode("the ")
    for draws in (0, 1):
        assert ex.next_token(model, ids, seed=3, draws=draws, temperature=1.5) == generate(
            model, ids, 1, 1.5, seed=3 * ex.SEED_STRIDE + draws)[0]
    best = int(next_token_probabilities(model, ids).argmax())
    assert ex.next_token(model, ids, greedy=True, temperature=2.0) == best
    assert {ex.next_token(model, ids, seed=s, temperature=2.0, top_k=1) for s in range(5)} == {best}


# ---------------------------------------------------------------- the panel, driven
@pytest.fixture
def panel(model, tokenizer):
    return explore(model, tokenizer, prompt="the ca")


def chips_of(panel):
    return re.findall(r">([^<]+)<br><small>(\d+|\?)<", panel.chips.value)


def test_the_panel_shows_the_prompt_and_every_view(panel, model, tokenizer):
    assert repr(panel) == "Explorer(2 blocks, 2 heads, context 8, 15 characters)"
    assert chips_of(panel) == [(u, str(i)) for u, i in zip("the␣ca", tokenizer.encode("the ca"),
                                                          strict=True)]
    assert panel.status.value == "6 tokens (characters) · the model reads them all"
    ids = tokenizer.encode("the ca")
    assert panel.lens.value == ex.lens_html(look_inside(model, ids).lens, tokenizer.vocabulary)
    assert "layer 1, head 1 · row" in panel.attention.value
    assert "token 5 (a) looks most at" in panel.looks.value
    assert panel.bars.value.count('<div class="minillm-bar') == 15
    assert "temperature 1.00, top-k off, top-p off · 15 of 15 tokens" in panel.bars.value
    assert panel.token.value == 5 and len(panel.token.options) == 6
    assert panel.problem.value == "" and panel.views.layout.display is None


def test_every_class_the_views_use_has_a_style(panel):
    styled = set(re.findall(r"\.([\w-]+)", ex.STYLE))
    panel.top_k.value = 2  # faded bars too
    pages = [panel.chips.value, panel.attention.value, panel.looks.value, panel.lens.value,
             panel.bars.value, ex.chips_html(["é"], [None], 1)]
    panel.head.value = -1  # every head's heat map
    used = {name for page in [*pages, panel.attention.value]
            for names in re.findall(r'class="([^"]+)"', page) for name in names.split()}
    assert {"minillm-chip", "unseen", "faded", "minillm-heat", "minillm-rows"} <= used
    assert used - styled == {"minillm-looks-caption"}  # the browser test's hook, unstyled


def test_the_controls_choose_what_is_shown(panel, model, tokenizer):
    inside = look_inside(model, tokenizer.encode("the ca"))
    panel.layer.value, panel.head.value, panel.token.value = 1, 1, 2
    units = list("the ca")
    assert panel.attention.value == ex.attention_html(inside.attention, 1, 1, units, 2)
    assert panel.looks.value == ex.looks_html(inside.attention, 1, 1, units, 2)
    panel.head.value = -1
    assert "layer 2, all heads (mean): token 2" in panel.looks.value
    panel.temperature.value, panel.top_k.value = 0.5, 3
    assert "temperature 0.50, top-k 3, top-p off · 3 of 15" in panel.bars.value
    panel.prompt.value = "the cat sat on"
    assert len(chips_of(panel)) == 14 and len(panel.token.options) == CONTEXT
    assert panel.status.value.endswith("the model reads the last 8")


def test_next_token_twice_then_undo(panel, model, tokenizer):
    panel.seed.value = 2
    panel.next_button.click()
    panel.most_likely_button.click()
    panel.next_button.click()
    ids = tokenizer.encode("the ca")
    for greedy, draws in ((False, 0), (True, 1), (False, 1)):
        ids.append(ex.next_token(model, ids, greedy, seed=2, draws=draws))
    assert [int(i) for _, i in chips_of(panel)] == ids
    assert panel.status.value.startswith("9 tokens (characters), 3 appended here")
    assert panel.chips.value.count("minillm-chip added") == 3
    panel.undo_button.click()
    assert [int(i) for _, i in chips_of(panel)] == ids[:-1]
    assert panel.lens.value == ex.lens_html(look_inside(model, ids[:-1]).lens, tokenizer.vocabulary)
    panel.undo_button.click()
    panel.undo_button.click()
    assert panel.undo_button.disabled and len(chips_of(panel)) == 6
    panel.undo_button.click()  # nothing more to undo: the prompt stays
    assert len(chips_of(panel)) == 6 and panel.problem.value == ""


def test_keys_typed_while_a_token_is_appended_are_kept(panel, tokenizer):
    """The browser's box holds keys the kernel has not seen yet while it appends a token; a
    value the panel sent to the box would replace them there."""
    in_the_browser = ["the cax"]  # the reader typed "x" after pressing Next token
    panel.prompt.observe(lambda change: in_the_browser.append(change["new"]), names="value")
    panel.next_button.click()
    panel.most_likely_button.click()
    panel.undo_button.click()
    assert in_the_browser == ["the cax"]
    panel.prompt.value = in_the_browser[-1]  # the key reaches the kernel
    assert [unit for unit, _ in chips_of(panel)] == list("the␣cax") and panel.added == 0


def test_the_seed_makes_the_sequence_reproducible_and_a_new_seed_starts_again(model, tokenizer):
    def pressed(seed, presses=4):
        panel = explore(model, tokenizer, prompt="the ")
        panel.temperature.value, panel.seed.value = 2.0, seed
        for _ in range(presses):
            panel.next_button.click()
        return panel

    assert chips_of(pressed(4)) == chips_of(pressed(4)) != chips_of(pressed(5))
    panel = pressed(4, presses=1)
    panel.seed.value = 9
    panel.next_button.click()
    assert panel.ids[-1] == ex.next_token(model, panel.ids[:-1], seed=9, draws=0, temperature=2.0)


def test_an_unseen_character_gets_the_sentence_and_the_views_wait(panel):
    panel.prompt.value = "the Zoo"
    assert panel.status.value.startswith("The model never saw &#x27;Z&#x27;:")
    assert panel.views.layout.display == "none" and panel.next_button.disabled
    panel.next_button.click()
    panel.temperature.value = 0.3
    assert panel.problem.value == "" and panel.ids is None
    panel.prompt.value = "the"
    assert panel.views.layout.display is None and not panel.next_button.disabled


def test_a_failing_view_shows_its_error_in_the_panel_on_one_thread(panel, monkeypatch):
    threads = []

    def broken(*args):
        threads.append(torch.get_num_threads())
        raise RuntimeError("the lens broke")

    monkeypatch.setattr(ex, "lens_html", broken)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        panel.prompt.value = "the cat"  # no exception escapes to the widget machinery
        assert threads == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert panel.problem.value == '<span class="minillm-error">RuntimeError: the lens broke</span>'
    monkeypatch.undo()
    panel.prompt.value = "the"
    assert panel.problem.value == ""


def test_the_panel_leaves_the_model_as_it_was(model, tokenizer):
    model.train()
    panel = explore(model, tokenizer, prompt="the")
    panel.next_button.click()
    assert model.training and not model.blocks[0].attention.keep_weights


def test_a_word_model_explores_words_and_a_char_model_takes_newlines():
    words = WordTokenizer.from_text(TEXT)
    panel = explore(tiny(words.vocab_size), words, prompt="the cat sat")
    assert [unit for unit, _ in chips_of(panel)] == ["the", "cat", "sat"]
    assert panel.status.value.startswith("3 tokens (words)")
    panel.next_button.click()
    assert len(chips_of(panel)) == 4
    lines = CharTokenizer.from_text("ab\n")
    assert explore(tiny(3), lines).prompt.value == "\n"  # the default prompt: a newline
    assert [unit for unit, _ in chips_of(explore(tiny(3), lines, "ab\na"))] == list("ab↵a")


# ---------------------------------------------------------------- checkpoints, bad input
def test_a_checkpoint_folder_or_file_explores_its_model(tmp_path, model, tokenizer):
    save_checkpoint(tmp_path / "checkpoint.pt", model, tokenizer)
    assert explore(tmp_path, prompt="the ca").lens.value == explore(
        model, tokenizer, prompt="the ca").lens.value
    assert explore(str(tmp_path / "checkpoint.pt")).tokenizer.vocabulary == tokenizer.vocabulary


@pytest.mark.parametrize("kind", ["missing", "garbage", "wordless"])
def test_a_bad_checkpoint_gets_minillm_samples_one_line_error(kind, tmp_path, model, capsys):
    (tmp_path / "garbage.pt").write_bytes(b"\x80\x04 not a checkpoint")
    save_checkpoint(tmp_path / "wordless.pt", model)  # no tokenizer saved
    path = tmp_path / f"{kind}.pt"
    with pytest.raises(CheckpointError) as raised:
        explore(path)
    assert minillm(["sample", str(path), "--device", "cpu"]) == 2
    assert capsys.readouterr().err.strip() == f"minillm: error: {raised.value}"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m, t: explore(torch.nn.Linear(2, 2), t), TypeError, "Expected the package's GPT"),
        (lambda m, t: explore(m), TypeError, "needs the tokenizer the model was trained with"),
        (lambda m, t: explore("runs/x", t), TypeError, "A checkpoint brings its own tokenizer"),
        (lambda m, t: explore(m, CharTokenizer("ab")), ValueError,
         "The tokenizer has 2 units but the model's vocabulary is 15"),
        (lambda m, t: explore(m, t, top=0), ValueError, "top must be at least 1, got 0."),
        (lambda m, t: explore(m, t, prompt=5), TypeError, "prompt must be a str, got int"),
    ],
)
def test_explore_refuses_what_it_cannot_show(model, tokenizer, call, error, message):
    with pytest.raises(error, match=re.escape(message)) as raised:
        call(model, tokenizer)
    assert isinstance(raised.value, MinillmError)


def test_the_explorer_does_not_import_the_command_line_trainer():
    import subprocess
    import sys

    code = ("import sys, minillm_helpers.notebook_support.explorer as e; "
            "print(any(m.startswith('minillm_helpers.cli') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
