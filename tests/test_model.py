"""Stage 6: the mini GPT (minillm_helpers/model.py)."""

import math
from dataclasses import asdict

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from minillm_helpers.attention import keep_attention_weights
from minillm_helpers.model import GPT, Block, FeedForward, GPTConfig, config_from_dict
from minillm_helpers.notebook_support.corpus import load_corpus
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer
from minillm_helpers.training import estimate_loss, train

VOCAB, CONTEXT = 23, 12


def tiny_model(seed=0, **overrides):
    torch.manual_seed(seed)
    options = dict(vocab_size=VOCAB, context_length=CONTEXT, width=16, num_heads=2, num_layers=2)
    options.update(overrides)
    return GPT(GPTConfig(**options)).eval()


MODEL = tiny_model()


# ---------------------------------------------------------------- shapes and parts
def test_forward_gives_one_score_per_word_at_every_position():
    ids = torch.randint(VOCAB, (3, 7))
    logits, loss = MODEL(ids)
    assert logits.shape == (3, 7, VOCAB)
    assert loss is None


def test_loss_starts_near_a_blind_guess_and_one_step_lowers_it():
    model = tiny_model(seed=5).train()
    ids = torch.randint(VOCAB, (8, CONTEXT), generator=torch.Generator().manual_seed(1))
    targets = torch.randint(VOCAB, (8, CONTEXT), generator=torch.Generator().manual_seed(2))
    _, loss = model(ids, targets)
    assert abs(loss.item() - math.log(VOCAB)) < 0.3  # untrained: close to uniform guessing
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss.backward()
    optimizer.step()
    assert model(ids, targets)[1].item() < loss.item() - 0.01  # a step downhill lowers it


def test_positions_are_the_sinusoids_of_notebook_03():
    assert torch.equal(MODEL.positions, sinusoidal_encoding(CONTEXT, 16))


def test_feed_forward_treats_each_token_on_its_own():
    torch.manual_seed(0)
    layer = FeedForward(8)
    x = torch.randn(1, 4, 8)
    changed = x.clone()
    changed[0, 3] = torch.randn(8)
    assert torch.equal(layer(x)[0, :3], layer(changed)[0, :3])
    assert layer(x).shape == x.shape


def test_block_keeps_the_shape():
    block = Block(GPTConfig(vocab_size=5, width=16, num_heads=4))
    x = torch.randn(2, 5, 16)
    assert block(x).shape == x.shape


def test_parameter_count_by_hand_and_config_round_trip():
    width, blocks = 16, 2
    attention = 4 * width * width  # query, key, value and output layers, no biases
    feed_forward = (width * 4 * width + 4 * width) + (4 * width * width + width)  # with biases
    norm = 2 * width  # a scale and a shift per feature
    block = norm + attention + norm + feed_forward
    output = norm + width * VOCAB + VOCAB  # final norm, output layer
    assert MODEL.num_parameters() == VOCAB * width + blocks * block + output == 7223
    config = MODEL.config
    assert config_from_dict(asdict(config)) == config
    assert config_from_dict({**asdict(config), "from_the_future": 1}) == config


def test_gradients_reach_every_parameter():
    model = tiny_model().train()
    ids = torch.randint(VOCAB, (2, CONTEXT))
    _, loss = model(ids, torch.randint(VOCAB, (2, CONTEXT)))
    loss.backward()
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


# ---------------------------------------------------------------- the two attention paths
def test_written_out_attention_gives_the_fused_kernels_logits_loss_and_gradients():
    """keep_attention_weights switches the path for plots; the numbers stay the same."""
    model = tiny_model(seed=1).train()
    ids = torch.randint(VOCAB, (3, CONTEXT), generator=torch.Generator().manual_seed(3))
    targets = torch.randint(VOCAB, (3, CONTEXT), generator=torch.Generator().manual_seed(4))
    results = []
    for keep in (False, True):
        keep_attention_weights(model, keep)
        model.zero_grad()
        logits, loss = model(ids, targets)
        loss.backward()
        results.append([logits, loss] + [p.grad for p in model.parameters()])
    for fused, written_out in zip(*results, strict=True):
        torch.testing.assert_close(fused, written_out, atol=1e-5, rtol=1e-5)
    assert all(b.attention.last_weights.shape == (3, 2, CONTEXT, CONTEXT) for b in model.blocks)


def test_a_causal_model_without_a_cache_asks_the_kernel_for_causal_attention(monkeypatch):
    """is_causal=True, no mask to read: on CUDA only that picks the flash kernel. The same
    logits as the written-out attention with the boolean mask."""
    from torch.nn import functional

    calls = []
    kernel = functional.scaled_dot_product_attention

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return kernel(*args, **kwargs)

    monkeypatch.setattr(functional, "scaled_dot_product_attention", spy)
    ids = torch.randint(VOCAB, (2, CONTEXT))
    fused = MODEL(ids)[0]
    assert calls and all(c.get("is_causal") and c.get("attn_mask") is None for c in calls)
    keep_attention_weights(MODEL)
    try:
        torch.testing.assert_close(MODEL(ids)[0], fused, atol=1e-5, rtol=1e-5)
    finally:
        keep_attention_weights(MODEL, False)
    calls.clear()
    tiny_model(causal=False)(ids)  # no causal mask: neither is claimed
    assert calls and not any(c.get("is_causal") for c in calls)


def test_bf16_autocast_around_the_call_is_close_to_float32():
    ids = torch.randint(VOCAB, (4, CONTEXT), generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        loss = MODEL(ids, ids)[1]
        with torch.autocast("cpu", dtype=torch.bfloat16):
            bf16_logits, bf16_loss = MODEL(ids, ids)
    assert bf16_logits.dtype == torch.bfloat16  # the layers really ran in bfloat16
    assert abs(float(bf16_loss) - float(loss)) < 0.02


# ---------------------------------------------------------------- causality
@settings(max_examples=20, deadline=None)
@given(
    length=st.integers(2, CONTEXT),
    data=st.data(),
)
def test_later_tokens_never_change_earlier_logits(length, data):
    """Changing the tokens after position t leaves the logits at positions <= t unchanged."""
    ids = data.draw(st.lists(st.integers(0, VOCAB - 1), min_size=length, max_size=length))
    t = data.draw(st.integers(0, length - 2))
    tail = data.draw(
        st.lists(st.integers(0, VOCAB - 1), min_size=length - t - 1, max_size=length - t - 1)
    )
    changed = ids[: t + 1] + tail
    with torch.no_grad():
        before = MODEL(torch.tensor([ids]))[0]
        after = MODEL(torch.tensor([changed]))[0]
    torch.testing.assert_close(before[0, : t + 1], after[0, : t + 1], atol=1e-5, rtol=1e-5)


def test_without_the_mask_the_future_leaks():
    """The property above is not vacuous: the unmasked model fails it."""
    model = tiny_model(causal=False)
    ids = torch.tensor([[1, 2, 3, 4, 5]])
    changed = torch.tensor([[1, 2, 3, 4, 9]])
    with torch.no_grad():
        assert not torch.allclose(model(ids)[0][0, 0], model(changed)[0][0, 0], atol=1e-5)


# ---------------------------------------------------------------- learning
def test_the_model_can_overfit_a_tiny_batch():
    model = tiny_model(seed=3).train()
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(VOCAB, (4, 8), generator=generator)
    targets = torch.randint(VOCAB, (4, 8), generator=generator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-2)
    first = None
    for _ in range(60):
        _, loss = model(ids, targets)
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert first > 2.5
    assert loss.item() < 0.1  # it memorised 32 random next tokens


def test_a_short_training_on_the_corpus_lowers_the_loss():
    text = load_corpus()[:20_000]
    tokenizer = WordTokenizer.from_text(text)
    data = torch.tensor(tokenizer.encode(text))
    split = int(0.9 * len(data))
    train_data, val_data = data[:split], data[split:]
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context_length=16, width=32,
                          num_heads=2, num_layers=1))
    before = estimate_loss(model, val_data, 16, 16, num_batches=4)
    train(model, train_data, steps=60, batch_size=16, learning_rate=1e-2)
    after = estimate_loss(model, val_data, 16, 16, num_batches=4)
    assert before > 4.0  # about log(vocabulary size): a blind guess
    assert after < before - 2.0


# ---------------------------------------------------------------- torch.compile
JIT_DEPRECATED = "ignore:`torch.jit.script_method` is deprecated:DeprecationWarning"  # inductor's


@pytest.mark.parametrize("backend", [
    "aot_eager",
    pytest.param("inductor", marks=[pytest.mark.slow, pytest.mark.filterwarnings(JIT_DEPRECATED)]),
])
def test_the_forward_compiles_to_one_graph_and_matches_eager(backend):
    """fullgraph=True refuses any graph break: the forward's checks read shapes, never the
    IDs (that would also cost a GPU a sync per step). aot_eager traces forward and backward
    in seconds; inductor also compiles them with gcc, 20-80 s here, so it is marked slow."""
    torch.compiler.reset()
    model = tiny_model(seed=3, num_layers=1).train()  # dropout 0: the same numbers both ways
    generator = torch.Generator().manual_seed(0)
    ids, targets = torch.randint(VOCAB, (2, 2, CONTEXT), generator=generator)
    logits, loss = torch.compile(model, fullgraph=True, backend=backend)(ids, targets)
    loss.backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad(set_to_none=True)
    eager_logits, eager_loss = model(ids, targets)
    eager_loss.backward()
    torch.testing.assert_close(logits, eager_logits, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(loss, eager_loss, atol=1e-6, rtol=1e-6)
    for grad, p in zip(grads, model.parameters(), strict=True):
        torch.testing.assert_close(grad, p.grad, atol=1e-5, rtol=1e-5)


def test_a_compiled_forward_takes_every_length_without_recompiling_each():
    """The forward checks nothing and slices a mask built once, so no guard pins the length:
    after the first two lengths (torch.compile then marks the length dynamic) it compiles no
    more, and fullgraph=True never meets the recompile limit (8 by default)."""
    torch.compiler.reset()
    graphs = []

    def counting_backend(graph_module, example_inputs):
        graphs.append(graph_module)
        return graph_module.forward

    model = tiny_model(seed=3, num_layers=1).eval()
    compiled = torch.compile(model, fullgraph=True, backend=counting_backend)
    for length in range(1, CONTEXT + 1):
        ids = torch.randint(VOCAB, (1, length), generator=torch.Generator().manual_seed(length))
        torch.testing.assert_close(compiled(ids)[0], model(ids)[0])
    assert len(graphs) <= 3, f"{len(graphs)} compilations for {CONTEXT} lengths"


# ---------------------------------------------------------------- bad input
def test_ids_outside_the_vocabulary_are_refused_where_they_enter_not_in_forward():
    """The forward reads shapes only (no host sync on a GPU); generate and
    next_token_probabilities read the prompt's IDs."""
    from minillm_helpers.sampling import generate, next_token_probabilities

    message = r"ID 23 at position 2 is outside the vocabulary: valid IDs are 0 to 22"
    with pytest.raises(ValueError, match=message):
        generate(MODEL, [1, 2, VOCAB], 3)
    with pytest.raises(ValueError, match=r"ID -1 at position 1 is outside the vocabulary"):
        next_token_probabilities(MODEL, [1, -1, 2])
    with pytest.raises(IndexError):  # the forward itself: PyTorch's own embedding error
        MODEL(torch.tensor([[1, 2, VOCAB]]))


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"vocab_size": 0}, ValueError, r"GPTConfig.vocab_size must be at least 1, got 0"),
        ({"context_length": 2.5}, TypeError, r"GPTConfig.context_length must be a whole number"),
        ({"num_layers": True}, TypeError, r"GPTConfig.num_layers must be a whole number"),
        ({"width": 10, "num_heads": 4}, ValueError, r"width 10 is not divisible by num_heads 4"),
        ({"dropout": 1.0}, ValueError, r"GPTConfig.dropout must be in \[0, 1\), got 1.0"),
        ({"dropout": "0.1"}, TypeError, r"GPTConfig.dropout must be a number, got '0.1'"),
    ],
)
def test_a_bad_configuration_is_refused(overrides, error, message):
    with pytest.raises(error, match=message):
        GPTConfig(**{"vocab_size": 10, **overrides})
