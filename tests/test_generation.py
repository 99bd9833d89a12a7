"""Generation with the key/value cache computes what the model computes without it."""

import pytest
import torch

from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.sampling import generate


def tiny_model(seed=0, context_length=12, causal=True, dtype=torch.float32):
    torch.manual_seed(seed)
    config = GPTConfig(
        vocab_size=11,
        context_length=context_length,
        width=16,
        num_heads=2,
        num_layers=2,
        causal=causal,
    )
    return GPT(config).to(dtype).eval()


@pytest.mark.parametrize("keep_weights", [False, True], ids=["fused", "written-out"])
def test_cached_logits_equal_full_forward(keep_weights):
    model = tiny_model()
    for block in model.blocks:
        block.attention.keep_weights = keep_weights
    ids = torch.randint(11, (2, 12), generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        full = model(ids)[0]
        model.use_cache()
        pieces = [model(ids[:, :5])[0]]  # a 5-token prompt, then one at a time
        pieces += [model(ids[:, t : t + 1])[0] for t in range(5, 12)]
    torch.testing.assert_close(torch.cat(pieces, dim=1), full, atol=1e-5, rtol=1e-5)
    assert [len(block.attention.cache) for block in model.blocks] == [12, 12]
    assert model.cached_tokens() == 12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_greedy_tokens_identical_while_the_sequence_fits(seed):
    model = tiny_model(seed)
    prompt = [1, 2, 3]
    fits = model.config.context_length - len(prompt)  # prompt + new tokens == context
    cached = generate(model, prompt, fits, temperature=0, use_cache=True)
    assert cached == generate(model, prompt, fits, temperature=0, use_cache=False)


def test_sampled_tokens_identical_with_the_same_seed():
    model = tiny_model(dtype=torch.float64)  # float64: no near-tie can flip a draw
    settings = dict(temperature=1.0, top_k=8, top_p=0.95, seed=7)
    cached = generate(model, [4], 11, use_cache=True, **settings)
    assert cached == generate(model, [4], 11, use_cache=False, **settings)


def test_past_the_context_recompute_equals_the_plain_path():
    model = tiny_model()
    # 40 new tokens with a context of 12: the window is cropped and re-encoded every step
    cached = generate(model, [1, 2], 40, temperature=0, use_cache=True, past_context="recompute")
    assert cached == generate(model, [1, 2], 40, temperature=0)


def test_past_the_context_halve_keeps_the_last_half_and_continues():
    """Documented behaviour: when full, keep the last context//2 tokens and go on caching."""
    model = tiny_model()
    context, prompt = model.config.context_length, [1, 2]
    cached = generate(model, prompt, 40, temperature=0, use_cache=True, past_context="halve")
    # the same rule with the plain model: the window starts at `start`, which jumps once
    # the window would exceed the context
    sequence, start = list(prompt), 0
    for _ in range(40):
        if len(sequence) - start > context:
            start = len(sequence) - context // 2
        with torch.no_grad():
            logits = model(torch.tensor([sequence[start:]]))[0]
        sequence.append(int(logits[0, -1].argmax()))
    assert cached == sequence[len(prompt) :]
    assert cached != generate(model, prompt, 40, temperature=0)  # it is a different rule


def test_long_prompt_is_cropped_like_the_plain_path():
    model = tiny_model()
    prompt = list(range(11)) * 3  # 33 tokens, context 12
    cached = generate(model, prompt, 5, temperature=0, use_cache=True)
    assert cached == generate(model, prompt, 5, temperature=0)


def test_generation_leaves_no_cache_and_the_mode_as_it_was_even_when_interrupted(monkeypatch):
    model = tiny_model().train()
    calls, draw = [], torch.multinomial

    def interrupt_on_third(*args, **kwargs):
        calls.append(model.cached_tokens())
        if len(calls) == 3:
            raise KeyboardInterrupt
        return draw(*args, **kwargs)

    monkeypatch.setattr(torch, "multinomial", interrupt_on_third)
    with pytest.raises(KeyboardInterrupt):
        generate(model, [1, 2], 5, use_cache=True)
    assert calls == [2, 3, 4]  # the caches were in use
    assert model.cached_tokens() == 0 and model.training


def test_unknown_past_context_choice_is_refused():
    with pytest.raises(ValueError, match="past_context must be one of"):
        generate(tiny_model(), [1], 3, use_cache=True, past_context="slide")


def test_empty_prompt_is_refused():
    with pytest.raises(ValueError, match="at least one prompt token"):
        generate(tiny_model(), [], 3, use_cache=True)
