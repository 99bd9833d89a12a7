"""The model explorer: logit_lens and look_inside, each view as a plain function, the
step-by-step sequence, and the panel's wiring (driven here as a reader would)."""

import gc
import math
import re
import weakref

import pytest
import torch

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.checkpoint import CheckpointError, save_checkpoint
from minillm_helpers.checks import MinillmError
from minillm_helpers.cli.command import main as minillm
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.notebook_support import explorer as explorer_module
from minillm_helpers.notebook_support.explorer import (
    Explorer,
    append_token,
    explore,
    logit_lens,
    look_inside,
)
from minillm_helpers.notebook_support.widgets import explorer_views as views
from minillm_helpers.sampling import generate, next_token_probabilities, probabilities
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


def blocks_by_hand(model, ids):
    """The residual stream at the last position before the first block and after each one,
    computed here without hooks (the test's own reading of GPT.forward)."""
    from minillm_helpers.masking import causal_mask

    x = torch.tensor([ids])
    stream = model.token_embedding(x) * math.sqrt(model.config.width) + model.positions[:len(ids)]
    rows, mask = [stream], causal_mask(len(ids))
    for block in model.blocks:
        stream = block(stream, mask)
        rows.append(stream)
    return torch.cat(rows)[:, -1]  # (layers + 1, width)


# ---------------------------------------------------------------- logit_lens, look_inside
def test_logit_lens_has_a_row_per_stage_and_each_row_sums_to_one(model, tokenizer):
    lens = logit_lens(model, tokenizer.encode("the ca"))
    assert lens.shape == (model.config.num_layers + 1, tokenizer.vocab_size)
    assert torch.allclose(lens.sum(1), torch.ones(lens.shape[0]), atol=1e-6)
    assert (lens >= 0).all()


def test_the_last_row_is_the_models_own_prediction(model, tokenizer):
    ids = tokenizer.encode("the ca")
    expected = next_token_probabilities(model, ids, temperature=1.0)
    assert torch.allclose(logit_lens(model, ids)[-1], expected, atol=1e-6)


def test_every_row_reads_the_stream_through_the_final_norm_and_output(model, tokenizer):
    """Row 0: embeddings + positions alone; row l: after block l."""
    ids = tokenizer.encode("the dog")
    with torch.no_grad():
        expected = torch.softmax(model.output(model.final_norm(blocks_by_hand(model, ids))), -1)
    lens = logit_lens(model, ids)
    assert torch.allclose(lens, expected, atol=1e-6)
    assert not torch.allclose(lens[0], lens[-1], atol=1e-3)  # the rows do differ


def test_only_the_last_context_length_ids_are_read(model, tokenizer):
    ids = tokenizer.encode("the cat sat on the mat")
    assert len(ids) > CONTEXT
    assert torch.equal(logit_lens(model, ids), logit_lens(model, ids[-CONTEXT:]))
    assert look_inside(model, ids).window == ids[-CONTEXT:]


def test_a_one_dimensional_tensor_works_like_a_list(model, tokenizer):
    ids = tokenizer.encode("the")
    assert torch.equal(logit_lens(model, torch.tensor(ids)), logit_lens(model, ids))


def test_look_inside_keeps_the_models_own_attention_weights(model, tokenizer):
    ids = tokenizer.encode("the cat")
    inside = look_inside(model, ids)
    assert inside.attention.shape == (2, 2, len(ids), len(ids))  # (layers, heads, T, T)
    keep_attention_weights(model)
    with torch.no_grad():
        logits, _ = model(torch.tensor([ids]))
    for layer, block in enumerate(model.blocks):
        assert torch.equal(inside.attention[layer], block.attention.last_weights[0])
    keep_attention_weights(model, False)
    assert torch.equal(inside.logits, logits[0, -1])
    assert torch.allclose(inside.attention.sum(-1), torch.ones(2, 2, len(ids)))
    assert inside.attention.triu(1).abs().max() == 0  # causal: nothing after the token


def test_the_model_is_left_as_it_was(model, tokenizer):
    ids = tokenizer.encode("the cat")
    model.train()
    look_inside(model, ids)
    assert model.training
    assert all(not block.attention.keep_weights for block in model.blocks)
    assert all(block.attention.last_weights is None for block in model.blocks)
    keep_attention_weights(model)
    kept = [torch.zeros(1) for _ in model.blocks]
    for block, weights in zip(model.blocks, kept, strict=True):
        block.attention.last_weights = weights
    model.eval()
    look_inside(model, ids)
    assert not model.training
    assert all(block.attention.keep_weights for block in model.blocks)
    assert all(b.attention.last_weights is w for b, w in zip(model.blocks, kept, strict=True))


def test_the_model_is_left_as_it_was_when_the_forward_fails(model):
    model.train()
    with pytest.raises(ValueError, match="outside the vocabulary"):
        look_inside(model, [0, 999])
    assert model.training and not model.blocks[0].attention.keep_weights


def test_the_look_is_one_forward_call(model, tokenizer):
    calls = []
    watching = model.register_forward_hook(lambda *args: calls.append(1))
    look_inside(model, tokenizer.encode("the"))
    watching.remove()
    assert calls == [1]


def test_no_hook_of_the_explorer_stays_on_the_model(model, tokenizer):
    """After a look, a block's output is kept by nothing (a hook left behind would keep
    appending every later forward's stream to its list)."""
    look_inside(model, tokenizer.encode("the"))
    streams = []  # weak references to the first block's input and each block's output
    watching = [model.blocks[0].register_forward_pre_hook(
        lambda block, args: streams.append(weakref.ref(args[0])))]
    watching += [block.register_forward_hook(lambda block, args, out: streams.append(
        weakref.ref(out))) for block in model.blocks]
    with torch.no_grad():
        model(torch.tensor([tokenizer.encode("the")]))
    for handle in watching:
        handle.remove()
    gc.collect()
    assert len(streams) == 3 and all(stream() is None for stream in streams)


@pytest.mark.parametrize(
    ("ids", "error", "message"),
    [
        ("the", TypeError, "ids must be token IDs, not text: encode it first"),
        (torch.tensor([[1, 2]]), ValueError, "ids must be one sequence (a 1-D tensor), got "
         "shape (1, 2): pass one row, e.g. ids[0]."),
        # the checks' own messages (checks/): matched by their gist only
        ([], ValueError, "empty"),
        (torch.tensor([1.0, 2.0]), TypeError, "whole numbers"),
        ([1, 2.5], TypeError, "whole numbers"),
        ([True], TypeError, "whole numbers"),
        ([0, 999], ValueError, "outside the vocabulary"),
    ],
)
def test_bad_ids_are_refused_with_a_clear_message(model, ids, error, message):
    with pytest.raises(error, match=re.escape(message)) as raised:
        logit_lens(model, ids)
    assert isinstance(raised.value, MinillmError)  # bad input, not a bug (checks/)


def test_a_model_that_is_not_the_packages_gpt_is_refused():
    with pytest.raises(TypeError, match="Expected the package's GPT"):
        logit_lens(torch.nn.Linear(2, 2), [0])


# ---------------------------------------------------------------- the prompt's tokens
def test_read_prompt_gives_characters_and_their_ids(tokenizer):
    tokens = views.read_prompt("the cat", tokenizer)
    assert tokens.readable and tokens.message == ""
    assert tokens.units == list("the cat")
    assert tokens.ids == tokenizer.encode("the cat")


def test_read_prompt_gives_words_for_a_word_tokenizer():
    words = WordTokenizer.from_text(TEXT)
    tokens = views.read_prompt("the dog ran.", words)
    assert tokens.units == ["the", "dog", "ran", "."]
    assert tokens.ids == words.encode("the dog ran.")


def test_unseen_characters_get_one_sentence_naming_them(tokenizer):
    tokens = views.read_prompt("the Zebra é", tokenizer)
    assert not tokens.readable
    assert tokens.message == ("The model never saw the characters 'Z', 'é': use only "
                              "characters of the text it trained on.")
    assert tokens.ids[:4] == tokenizer.encode("the ") and tokens.ids[4] is None
    one = views.read_prompt("thé", tokenizer).message
    assert one.startswith("The model never saw the character 'é': ")


def test_unseen_words_are_called_words_and_a_long_list_is_cut():
    words = WordTokenizer.from_text(TEXT)
    message = views.read_prompt("the unicorn sat", words).message
    assert message == ("The model never saw the word 'unicorn': use only words of the "
                       "text it trained on.")
    many = views.read_prompt(" ".join(f"w{i}" for i in range(13)), words).message
    assert "'w9' and 3 more:" in many and "'w10'" not in many


def test_an_empty_prompt_asks_for_one(tokenizer):
    tokens = views.read_prompt("", tokenizer)
    assert tokens.message == "Type a prompt of at least one character, e.g. ␣."
    assert views.read_prompt("  ", WordTokenizer.from_text(TEXT)).message.startswith(
        "Type a prompt of at least one word")


def test_a_tokenizer_with_an_unknown_token_reads_everything():
    tokenizer = CharTokenizer.from_text(TEXT, unknown="?")
    tokens = views.read_prompt("thé", tokenizer)
    assert tokens.readable and tokens.ids[-1] == tokenizer.unit_to_id["?"]


def test_chips_show_each_token_and_its_id_coloured_by_its_part(tokenizer):
    ids = tokenizer.encode("the cat")
    chips = views.chips_html(list("the cat"), ids, context_length=5, added=2)
    shown = re.findall(r"background:([^;]+);(opacity:0.35;)?[^>]*>([^<]+)<br><small[^>]*>(\d+)<",
                       chips)
    assert [(unit, int(i)) for _, _, unit, i in shown] == list(zip("the␣cat", ids, strict=True))
    assert [bool(faded) for _, faded, _, _ in shown] == [True, True] + [False] * 5
    assert [colour == views.GREEN for colour, *_ in shown] == [False] * 5 + [True] * 2
    unseen = views.chips_html(["t", "é"], [0, None], context_length=5)
    assert f"background:{views.RED}" in unseen and ">?</small>" in unseen


def test_prompt_status_counts_tokens_and_what_the_model_reads(tokenizer):
    long = views.PromptTokens(list("abcdefghij"), list(range(10)))
    assert views.prompt_status(long, 8, 0, tokenizer) == (
        "10 tokens (characters) · the model reads the last 8")
    one = views.PromptTokens(["a"], [0])
    assert views.prompt_status(one, 8, 0, tokenizer) == (
        "1 token (characters) · the model reads them all")
    bad = views.read_prompt("é", tokenizer)
    assert views.prompt_status(bad, 8, 0, tokenizer) == bad.message


def test_shown_unit_makes_invisible_units_visible():
    assert [views.shown_unit(u) for u in ["\n", " ", "\t", "a", "cat"]] == [
        "↵", "␣", "⇥", "a", "cat"]


# ---------------------------------------------------------------- attention
@pytest.fixture
def attention(model, tokenizer):
    return look_inside(model, tokenizer.encode("the cat")).attention


def test_attention_matrix_is_one_heads_weights_or_every_heads(attention):
    assert torch.equal(views.attention_matrix(attention, 1, 0), attention[1, 0])
    assert torch.equal(views.attention_matrix(attention, 0, None), attention[0])


@pytest.mark.parametrize(
    ("layer", "head", "error", "message"),
    [(2, 0, ValueError, "layer must be from 0 to 1, got 2."),
     (-1, 0, ValueError, "layer must be from 0 to 1, got -1."),
     (0, 2, ValueError, "head must be from 0 to 1, got 2: None shows every head."),
     (0.5, 0, TypeError, "layer must be a whole number (an int), got 0.5")],
)
def test_a_layer_or_head_the_model_lacks_is_refused(attention, layer, head, error, message):
    with pytest.raises(error, match=re.escape(message)):
        views.attention_matrix(attention, layer, head)


def test_looks_at_is_the_tokens_row_or_the_mean_of_every_heads(attention):
    row = views.looks_at(attention, 1, 1, 4)
    assert row == attention[1, 1, 4].tolist()
    assert math.isclose(sum(row), 1.0, abs_tol=1e-6) and row[5:] == [0.0, 0.0]
    mean = views.looks_at(attention, 0, None, 3)
    assert mean == pytest.approx(attention[0, :, 3].mean(0).tolist())
    with pytest.raises(ValueError, match="position must be from 0 to 6, got 7"):
        views.looks_at(attention, 0, 0, 7)


def test_looks_at_html_draws_a_column_per_token_and_names_the_strongest():
    page = views.looks_at_html([0.1, 0.7, 0.2], ["a", " ", "c"], 2, "layer 1, head 1")
    heights = [int(h) for h in re.findall(r"width:8px;height:(\d+)px", page)]
    assert heights == [9, 60, 17]  # the largest weight is the full height
    assert "layer 1, head 1: token 2 (c) looks most at token 1 (␣), weight 0.70" in page
    assert page.count("outline:2px") == 1


def heatmap_pixels(png):
    import io

    from matplotlib import image

    return torch.from_numpy(image.imread(io.BytesIO(png)).copy())


def test_heatmap_png_has_one_pixel_per_weight_darkest_where_the_weight_is_largest():
    weights = torch.tensor([[1.0, 0.0, 0.0], [0.2, 0.8, 0.0], [0.1, 0.3, 0.6]])
    pixels = heatmap_pixels(views.heatmap_png(weights))
    assert pixels.shape[:2] == (3, 3)
    brightness = pixels[..., :3].sum(-1)  # the Blues colour map darkens as weights grow
    assert brightness.flatten().argsort().tolist()[:2] == [0, 4]  # weights 1.0, then 0.8
    assert brightness[0, 1] == brightness[0, 2] == brightness.max()  # weight 0: the lightest


def test_attention_html_labels_both_sides_and_frames_the_chosen_row(attention):
    matrix = views.attention_matrix(attention, 0, 1)
    page = views.attention_html(matrix, list("the cat"), 3, "layer 1, head 2", size=140)
    assert page.count("<img ") == 1
    cell = 140 // 7
    assert f"top:{3 * cell}px;height:{cell}px" in page  # the frame on row 3
    assert page.count(">␣</") == 2  # the space, once along each side
    assert "layer 1, head 2 · row: the token looking" in page
    grid = views.attention_html(views.attention_matrix(attention, 0, None), list("the cat"),
                                3, "layer 1, all heads")
    assert grid.count("<img ") == 2 and "head 2</div>" in grid


def test_attention_html_turns_word_labels_upright_columns_sideways():
    matrix = torch.eye(2)
    assert "vertical-rl" in views.attention_html(matrix, ["the", "cat"], 0, "t")
    assert "vertical-rl" not in views.attention_html(matrix, ["t", "c"], 0, "t")


# ---------------------------------------------------------------- the prediction forming
def test_lens_rows_list_the_top_tokens_per_stage_the_last_one_the_prediction():
    lens = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.05, 0.15, 0.8]])
    rows = views.lens_rows(lens, ["a", "b", "c"], top=2)
    assert [label for label, _ in rows] == ["embeddings", "block 1", "block 2 = prediction"]
    assert [[unit for unit, _ in best] for _, best in rows] == [["b", "c"], ["a", "c"],
                                                               ["c", "b"]]
    assert rows[2][1][0][1] == pytest.approx(0.8)


def test_lens_html_has_a_row_per_stage_the_prediction_in_bold():
    rows = views.lens_rows(torch.tensor([[0.9, 0.1], [0.2, 0.8]]), ["a", " "], top=2)
    page = views.lens_html(rows)
    assert page.count("<tr") == 2 and "␣ 0.80" in page
    assert page.index("font-weight:bold") > page.index("embeddings")


def test_lens_rows_of_a_real_model_end_in_its_likeliest_next_token(model, tokenizer):
    ids = tokenizer.encode("the ca")
    rows = views.lens_rows(logit_lens(model, ids), tokenizer.vocabulary)
    best = int(next_token_probabilities(model, ids).argmax())
    assert len(rows) == 3 and rows[-1][1][0][0] == tokenizer.vocabulary[best]


# ---------------------------------------------------------------- the next token
LOGITS = torch.tensor([2.0, 1.0, 0.5, 3.0, -1.0])
UNITS = ["a", "b", "c", "d", "e"]


def test_next_token_bars_are_in_score_order_and_match_probabilities():
    bars, left = views.next_token_bars(LOGITS, 1.0, 0, 1.0, UNITS, probabilities, top=3)
    assert [bar.unit for bar in bars] == ["d", "a", "b"]
    expected = torch.softmax(LOGITS, 0)
    assert [bar.after for bar in bars] == pytest.approx(expected[[3, 0, 1]].tolist())
    assert all(bar.kept and bar.before == bar.after for bar in bars) and left == 5


def test_a_cut_greys_tokens_and_renormalises_the_rest():
    bars, left = views.next_token_bars(LOGITS, 1.0, 2, 1.0, UNITS, probabilities)
    assert [bar.kept for bar in bars] == [True, True, False, False, False] and left == 2
    assert bars[0].after + bars[1].after == pytest.approx(1.0)
    assert bars[0].after > bars[0].before  # renormalised
    assert all(bar.after == 0 and bar.before > 0 for bar in bars[2:])
    _, left = views.next_token_bars(LOGITS, 1.0, 0, 0.7, UNITS, probabilities)
    assert left == 2  # 0.64 + 0.24 reaches 0.7


def test_temperature_reshapes_the_bars_and_zero_keeps_only_the_best():
    hot, _ = views.next_token_bars(LOGITS, 2.0, 0, 1.0, UNITS, probabilities)
    cold, _ = views.next_token_bars(LOGITS, 0.5, 0, 1.0, UNITS, probabilities)
    assert cold[0].after > hot[0].after
    greedy, left = views.next_token_bars(LOGITS, 0.0, 0, 1.0, UNITS, probabilities)
    assert left == 1 and greedy[0].after == 1.0 and not any(b.kept for b in greedy[1:])


def test_next_token_html_draws_kept_bars_blue_cut_ones_grey_with_their_old_value():
    bars, left = views.next_token_bars(LOGITS, 1.0, 2, 1.0, UNITS, probabilities)
    page = views.next_token_html(bars, 1.0, 2, 1.0, 5, left)
    assert page.count(f"background:{views.BLUE}") == 2
    assert page.count(f"background:{views.GREY}") == 3
    assert f"cut ({bars[2].before:.3f})" in page
    assert "temperature 1.00, top-k 2, top-p off · 2 of 5 tokens can be drawn" in page


def test_a_bad_top_is_refused():
    with pytest.raises(ValueError, match="top must be at least 1, got 0"):
        views.next_token_bars(LOGITS, 1.0, 0, 1.0, UNITS, probabilities, top=0)


# ---------------------------------------------------------------- generate step by step
def test_steps_append_and_undo_back_to_the_prompt():
    steps = views.Steps([1, 2])
    steps.append(5, sampled=True)
    steps.append(6, sampled=False)
    assert steps.ids == [1, 2, 5, 6] and steps.draws == 1
    assert steps.undo() and steps.ids == [1, 2, 5]
    assert steps.undo() and not steps.undo() and steps.ids == [1, 2]
    assert steps.draws == 1  # an undone draw is not drawn again: the next one is new


def test_next_token_draws_with_generate_and_the_seed_of_each_draw(model, tokenizer):
    prompt = tokenizer.encode("the ")
    steps = views.Steps(list(prompt))
    first = append_token(model, steps, seed=3, temperature=1.5)
    second = append_token(model, steps, seed=3, temperature=1.5)
    expected_first = generate(model, prompt, 1, 1.5, seed=3 * views.SEED_STRIDE)[0]
    expected_second = generate(model, prompt + [first], 1, 1.5, seed=3 * views.SEED_STRIDE + 1)
    assert [first, second] == [expected_first, expected_second[0]]
    assert steps.ids == prompt + [first, second]


def test_the_same_seed_and_presses_give_the_same_sequence(model, tokenizer):
    def sequence(seed):
        steps = views.Steps(tokenizer.encode("the "))
        for _ in range(6):
            append_token(model, steps, seed=seed, temperature=2.0)
        return steps.added

    assert sequence(1) == sequence(1)
    assert len({tuple(sequence(seed)) for seed in range(4)}) > 1


def test_the_settings_reach_generate(model, tokenizer):
    steps = views.Steps(tokenizer.encode("the "))
    best = int(next_token_probabilities(model, steps.ids).argmax())
    for seed in range(5):  # top-k 1 leaves only the best token to draw
        assert append_token(model, steps, seed=seed, temperature=2.0, top_k=1) == best
        steps.undo()


def test_most_likely_appends_the_argmax_and_draws_nothing(model, tokenizer):
    steps = views.Steps(tokenizer.encode("the c"))
    best = int(next_token_probabilities(model, steps.ids).argmax())
    assert append_token(model, steps, greedy=True, temperature=2.0) == best
    assert steps.draws == 0 and steps.added == [best]


# ---------------------------------------------------------------- the panel, driven
@pytest.fixture
def panel(model, tokenizer):
    return explore(model, tokenizer, prompt="the ca")


def chips_of(panel):
    return re.findall(r">([^<]+)<br><small[^>]*>(\d+|\?)<", panel.chips.value)


def test_the_panel_shows_the_prompt_and_every_view(panel, model, tokenizer):
    assert isinstance(panel, Explorer)
    assert repr(panel) == "Explorer(2 blocks, 2 heads, context 8, 15 characters)"
    assert [unit for unit, _ in chips_of(panel)] == list("the␣ca")
    assert panel.status.value == "6 tokens (characters) · the model reads them all"
    assert panel.lens.value.count("<tr") == model.config.num_layers + 1
    assert panel.attention.value.count("<img ") == 1 and "layer 1, head 1" in panel.attention.value
    assert panel.bars.value.count("height:12px") == 15
    assert panel.token.value == 5 and len(panel.token.options) == 6
    assert panel.problem.value == "" and panel.views.layout.display is None
    assert [c.description for c in (panel.temperature, panel.top_k, panel.top_p)] == [
        "Temperature", "Top-k (0 = off)", "Top-p (1 = off)"]
    assert all(c.style.description_width == "initial" for c in (panel.temperature, panel.top_k))


def test_typing_a_prompt_redraws_tokens_and_views(panel, model, tokenizer):
    lens_before = panel.lens.value
    panel.prompt.value = "the cat sat on"
    assert len(chips_of(panel)) == 14
    assert panel.status.value.endswith("the model reads the last 8")
    assert panel.lens.value != lens_before
    assert len(panel.token.options) == CONTEXT
    lens = logit_lens(model, tokenizer.encode("the cat sat on"))
    expected = views.lens_html(views.lens_rows(lens, tokenizer.vocabulary))
    assert panel.lens.value == expected


def test_layer_head_and_token_choose_the_attention_shown(panel, model, tokenizer):
    inside = look_inside(model, tokenizer.encode("the ca"))
    panel.layer.value = 1
    panel.head.value = 1
    panel.token.value = 2
    expected = views.attention_html(inside.attention[1, 1], list("the ca"), 2, "layer 2, head 2")
    assert panel.attention.value == expected
    assert "layer 2, head 2: token 2 (e) looks most at" in panel.looks.value
    panel.head.value = -1  # all heads
    assert panel.attention.value.count("<img ") == 2
    assert "layer 2, all heads (mean): token 2" in panel.looks.value


def test_the_sliders_redraw_the_bars(panel):
    panel.temperature.value = 0.5
    assert "temperature 0.50, top-k off, top-p off" in panel.bars.value
    panel.top_k.value = 3
    assert "top-k 3" in panel.bars.value and "3 of " in panel.bars.value
    assert panel.bars.value.count(f"background:{views.BLUE}") == 3


def test_next_token_twice_then_undo(panel, model, tokenizer):
    panel.seed.value = 2
    panel.next_button.click()
    panel.next_button.click()
    steps = views.Steps(tokenizer.encode("the ca"))
    for _ in range(2):
        append_token(model, steps, seed=2)
    assert panel.prompt.value == tokenizer.decode(steps.ids)
    assert len(chips_of(panel)) == 8
    assert panel.status.value.startswith("8 tokens (characters), 2 appended here")
    assert panel.chips.value.count(f"background:{views.GREEN}") == 2
    assert not panel.undo_button.disabled
    panel.undo_button.click()
    assert panel.prompt.value == tokenizer.decode(steps.ids[:-1]) and len(chips_of(panel)) == 7
    assert panel.lens.value == views.lens_html(views.lens_rows(
        logit_lens(model, steps.ids[:-1]), tokenizer.vocabulary))
    panel.undo_button.click()
    assert panel.prompt.value == "the ca" and panel.undo_button.disabled
    panel.undo_button.click()  # nothing more to undo: the prompt stays
    assert panel.prompt.value == "the ca"


def test_most_likely_appends_the_best_token(panel, model, tokenizer):
    best = int(next_token_probabilities(model, tokenizer.encode("the ca")).argmax())
    panel.most_likely_button.click()
    assert panel.prompt.value == "the ca" + tokenizer.vocabulary[best]


def test_the_seed_makes_the_panels_sequence_reproducible(model, tokenizer):
    def pressed(seed):
        panel = explore(model, tokenizer, prompt="the ")
        panel.temperature.value = 2.0
        panel.seed.value = seed
        for _ in range(4):
            panel.next_button.click()
        return panel.prompt.value

    assert pressed(4) == pressed(4) != pressed(5)


def test_a_new_seed_starts_its_draws_again(panel):
    panel.next_button.click()
    assert panel.steps.draws == 1
    panel.seed.value = 9
    assert panel.steps.draws == 0


def test_typing_after_generating_starts_a_new_prompt(panel):
    panel.next_button.click()
    panel.prompt.value = "the d"
    assert panel.steps.added == [] and panel.undo_button.disabled
    assert panel.status.value.startswith("5 tokens (characters) ·")


def test_an_unseen_character_gets_the_sentence_and_the_views_wait(panel, tokenizer):
    panel.prompt.value = "the Zoo"
    assert panel.status.value == html_escaped(views.read_prompt("the Zoo", tokenizer).message)
    assert "never saw the character" in panel.status.value
    assert panel.views.layout.display == "none"
    assert panel.next_button.disabled and panel.most_likely_button.disabled
    panel.next_button.click()  # nothing happens, no error
    panel.temperature.value = 0.3
    assert panel.problem.value == ""
    panel.prompt.value = "the"
    assert panel.views.layout.display is None and not panel.next_button.disabled


def html_escaped(text):
    import html

    return html.escape(text)


def test_a_failing_view_shows_its_error_in_the_panel(panel, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the lens broke")

    monkeypatch.setattr(views, "lens_rows", broken)
    panel.prompt.value = "the cat"  # no exception escapes to the widget machinery
    assert "RuntimeError: the lens broke" in panel.problem.value
    monkeypatch.undo()
    panel.prompt.value = "the"
    assert panel.problem.value == ""


def test_the_panel_leaves_the_model_as_it_was(model, tokenizer):
    model.train()
    panel = explore(model, tokenizer, prompt="the")
    panel.next_button.click()
    panel.most_likely_button.click()
    assert model.training and not model.blocks[0].attention.keep_weights


def test_a_word_model_explores_words():
    words = WordTokenizer.from_text(TEXT)
    panel = explore(tiny(words.vocab_size), words, prompt="the cat sat")
    assert [unit for unit, _ in chips_of(panel)] == ["the", "cat", "sat"]
    assert panel.status.value.startswith("3 tokens (words)")
    panel.next_button.click()
    assert len(panel.prompt.value.split()) == 4 or panel.prompt.value.endswith(".")
    assert len(chips_of(panel)) == 4


def test_the_default_prompt_is_a_newline_or_the_first_unit(model, tokenizer):
    assert explore(model, tokenizer).prompt.value == " "  # the text has no newline
    with_newline = CharTokenizer.from_text("ab\n")
    assert explore(tiny(3), with_newline).prompt.value == "\n"


# ---------------------------------------------------------------- checkpoints
def test_a_checkpoint_folder_explores_its_model(tmp_path, model, tokenizer):
    save_checkpoint(tmp_path / "checkpoint.pt", model, tokenizer)
    panel = explore(tmp_path, prompt="the ca")
    assert panel.lens.value == explore(model, tokenizer, prompt="the ca").lens.value
    assert explore(str(tmp_path / "checkpoint.pt")).tokenizer.vocabulary == tokenizer.vocabulary


def bad_checkpoints(tmp_path, model):
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / "checkpoint.pt").write_bytes(b"\x80\x04 not a checkpoint")
    torch.save({"state_dict": {}}, tmp_path / "foreign.pt")
    save_checkpoint(tmp_path / "wordless.pt", model)  # no tokenizer saved
    return {"missing": tmp_path / "nothing", "garbage": tmp_path / "garbage",
            "foreign": tmp_path / "foreign.pt", "wordless": tmp_path / "wordless.pt"}


@pytest.mark.parametrize("kind", ["missing", "garbage", "foreign", "wordless"])
def test_a_bad_checkpoint_gets_the_same_one_line_error_as_minillm_sample(
    kind, tmp_path, model, capsys
):
    path = bad_checkpoints(tmp_path, model)[kind]
    with pytest.raises(CheckpointError) as raised:
        explore(path)
    assert minillm(["sample", str(path), "--device", "cpu"]) == 2
    printed = capsys.readouterr().err.strip()
    assert printed == f"minillm: error: {raised.value}"
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m, t: explore(torch.nn.Linear(2, 2), t), TypeError, "Expected the package's GPT"),
        (lambda m, t: explore(m), TypeError, "needs the tokenizer the model was trained with"),
        (lambda m, t: explore("runs/x", t), TypeError, "A checkpoint brings its own tokenizer"),
        (lambda m, t: explore(m, CharTokenizer("ab")), ValueError,
         "The tokenizer has 2 units but the model's vocabulary is"),
        (lambda m, t: explore(m, t, top=0), ValueError, "top must be at least 1, got 0."),
        (lambda m, t: explore(m, t, prompt=5), TypeError, "prompt must be text, got int"),
    ],
)
def test_explore_refuses_what_it_cannot_show(model, tokenizer, call, error, message):
    with pytest.raises(error, match=re.escape(message)) as raised:
        call(model, tokenizer)
    assert isinstance(raised.value, MinillmError)


def test_the_public_names():
    assert explorer_module.explore is explore and explorer_module.logit_lens is logit_lens


def test_the_prompt_box_takes_newlines():
    """A text area, not a one-line box (which would drop a generated newline)."""
    import ipywidgets

    tokenizer = CharTokenizer.from_text("ab\n")
    panel = explore(tiny(3), tokenizer, prompt="ab\na")
    assert isinstance(panel.prompt, ipywidgets.Textarea)
    assert [unit for unit, _ in chips_of(panel)] == ["a", "b", "↵", "a"]


def test_the_panel_redraws_on_one_thread_and_restores_the_setting(panel, monkeypatch):
    seen = []
    real = views.lens_rows
    def counting(*args):
        seen.append(torch.get_num_threads())
        return real(*args)

    monkeypatch.setattr(views, "lens_rows", counting)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        panel.prompt.value = "the d"
        assert seen == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
