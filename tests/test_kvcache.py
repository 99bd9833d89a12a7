"""The fused forward and the key/value cache compute what the plain GPT computes."""

import pytest
import torch

from minillm_helpers.fast import FastGPT, fused_forward
from minillm_helpers.kvcache import KVCache, forward_cached, generate_cached
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


def test_fused_forward_equals_plain_forward():
    model = tiny_model()
    ids = torch.randint(11, (3, 12), generator=torch.Generator().manual_seed(1))
    targets = torch.randint(11, (3, 12), generator=torch.Generator().manual_seed(2))
    logits, loss = model(ids, targets)
    fast_logits, fast_loss = fused_forward(model, ids, targets)
    torch.testing.assert_close(fast_logits, logits, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(fast_loss, loss, atol=1e-6, rtol=1e-6)


def test_fused_forward_equals_plain_forward_without_mask():
    model = tiny_model(causal=False)
    ids = torch.randint(11, (2, 7), generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(fused_forward(model, ids)[0], model(ids)[0], atol=1e-5, rtol=1e-5)


def test_fused_gradients_equal_plain_gradients():
    model = tiny_model()
    ids = torch.randint(11, (2, 12), generator=torch.Generator().manual_seed(3))
    model(ids, ids)[1].backward()
    plain = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    FastGPT(model)(ids, ids)[1].backward()
    for fast_grad, plain_grad in zip((p.grad for p in model.parameters()), plain, strict=False):
        torch.testing.assert_close(fast_grad, plain_grad, atol=1e-5, rtol=1e-4)


def test_bf16_forward_is_close_to_float32():
    model = tiny_model()
    ids = torch.randint(11, (4, 12), generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        loss = model(ids, ids)[1]
        bf16_loss = fused_forward(model, ids, ids, bf16=True)[1]
    assert abs(float(bf16_loss) - float(loss)) < 0.02


def test_cached_logits_equal_full_forward():
    model = tiny_model()
    ids = torch.randint(11, (2, 12), generator=torch.Generator().manual_seed(5))
    cache = KVCache(model, batch_size=2)
    with torch.no_grad():
        pieces = [forward_cached(model, ids[:, :5], cache)]  # a 5-token prompt, then one at a time
        pieces += [forward_cached(model, ids[:, t : t + 1], cache) for t in range(5, 12)]
        full = model(ids)[0]
    torch.testing.assert_close(torch.cat(pieces, dim=1), full, atol=1e-5, rtol=1e-5)
    assert cache.length == 12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_greedy_tokens_identical_while_the_sequence_fits(seed):
    model = tiny_model(seed)
    prompt = [1, 2, 3]
    fits = model.config.context_length - len(prompt)  # prompt + new tokens == context
    assert generate_cached(model, prompt, fits, temperature=0) == generate(
        model, prompt, fits, temperature=0
    )


def test_sampled_tokens_identical_with_the_same_seed():
    model = tiny_model(dtype=torch.float64)  # float64: no near-tie can flip a draw
    settings = dict(temperature=1.0, top_k=8, top_p=0.95, seed=7)
    assert generate_cached(model, [4], 11, **settings) == generate(model, [4], 11, **settings)


def test_past_the_context_recompute_equals_the_plain_path():
    model = tiny_model()
    # 40 new tokens with a context of 12: the window is cropped and re-encoded every step
    cached = generate_cached(model, [1, 2], 40, temperature=0, past_context="recompute")
    assert cached == generate(model, [1, 2], 40, temperature=0)


def test_past_the_context_halve_keeps_the_last_half_and_continues():
    """Documented behaviour: when full, keep the last context//2 tokens and go on caching."""
    model = tiny_model()
    context, prompt = model.config.context_length, [1, 2]
    cached = generate_cached(model, prompt, 40, temperature=0, past_context="halve")
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


def test_long_prompt_is_cropped_like_the_plain_path():
    model = tiny_model()
    prompt = list(range(11)) * 3  # 33 tokens, context 12
    assert generate_cached(model, prompt, 5, temperature=0) == generate(
        model, prompt, 5, temperature=0
    )


def test_cache_refuses_to_overflow():
    model = tiny_model()
    cache = KVCache(model)
    forward_cached(model, torch.zeros(1, 12, dtype=torch.long), cache)
    with pytest.raises(ValueError, match="exceed the context of 12"):
        forward_cached(model, torch.zeros(1, 1, dtype=torch.long), cache)


def test_cache_refuses_a_model_without_causal_mask():
    model = tiny_model(causal=False)
    with pytest.raises(ValueError, match="causal"):
        generate_cached(model, [1], 3)


def test_unknown_past_context_choice_is_refused():
    with pytest.raises(ValueError, match="past_context must be one of"):
        generate_cached(tiny_model(), [1], 3, past_context="slide")


def test_empty_prompt_is_refused():
    with pytest.raises(ValueError, match="at least one prompt token"):
        generate_cached(tiny_model(), [], 3)


@pytest.mark.parametrize("fused", [True, False], ids=["fused-kernel", "written-out"])
def test_our_adamw_takes_torch_adamw_steps(fused):
    from minillm_helpers.fast import AdamW, fused_kernel_fits

    torch.manual_seed(0)
    ours = [torch.nn.Parameter(torch.randn(5, 3)), torch.nn.Parameter(torch.randn(3))]
    theirs = [torch.nn.Parameter(p.detach().clone()) for p in ours]

    def groups(params):
        return [
            {"params": [params[0]], "weight_decay": 0.1},
            {"params": [params[1]], "weight_decay": 0.0},
        ]

    a = AdamW(groups(ours), lr=1e-2, betas=(0.9, 0.99), fused=fused)
    b = torch.optim.AdamW(groups(theirs), lr=1e-2, betas=(0.9, 0.99))
    for _ in range(4):
        for p, q in zip(ours, theirs, strict=True):
            p.grad = torch.randn_like(p)
            q.grad = p.grad.clone()
        assert fused_kernel_fits(ours)  # so fused=True really takes the kernel's path
        a.step()
        b.step()
    for p, q in zip(ours, theirs, strict=True):
        torch.testing.assert_close(p, q, atol=1e-7, rtol=1e-6)
    restored = AdamW(groups([torch.nn.Parameter(p.detach().clone()) for p in ours]), lr=1e-2)
    restored.load_state_dict(a.state_dict())
    assert restored.state[0]["step"] == 4 and restored.param_groups[0]["betas"] == (0.9, 0.99)
