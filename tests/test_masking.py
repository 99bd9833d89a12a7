"""Stage 5: the causal mask and causal attention (minillm_helpers/masking.py)."""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from minillm_helpers.attention import MultiHeadAttention, scaled_dot_product_attention
from minillm_helpers.masking import causal_mask


def random_qkv(shape, seed):
    generator = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(*shape, generator=generator) for _ in range(3))


# ---------------------------------------------------------------- the mask
def test_small_masks_by_hand():
    assert causal_mask(1).tolist() == [[True]]
    assert causal_mask(3).int().tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]


def test_sat_attends_to_the_cat_sat_only():
    tokens = ["The", "cat", "sat", "on", "the", "mat"]
    row = causal_mask(6)[tokens.index("sat")]
    assert [t for t, ok in zip(tokens, row, strict=True) if ok] == ["The", "cat", "sat"]


@given(st.integers(1, 40))
def test_mask_is_lower_triangular_with_the_diagonal(length):
    mask = causal_mask(length)
    assert mask.shape == (length, length) and mask.dtype == torch.bool
    rows = torch.arange(length)[:, None]
    cols = torch.arange(length)[None, :]
    assert torch.equal(mask, cols <= rows)  # row t sees columns 0..t
    assert int(mask.sum()) == length * (length + 1) // 2


def test_mask_on_a_device_and_from_integer_like_lengths():
    assert causal_mask(4, device="cpu").device.type == "cpu"
    assert torch.equal(causal_mask(torch.tensor(4)), causal_mask(4))  # e.g. a tensor's size


# ---------------------------------------------------------------- causal attention
def causal_attention(query, key, value):
    """Notebook 04's attention with notebook 05's mask, as the model uses them."""
    return scaled_dot_product_attention(query, key, value, causal_mask(query.shape[-2]))


@settings(max_examples=40, deadline=None)
@given(
    batch=st.lists(st.integers(1, 3), max_size=2),
    length=st.integers(1, 12),
    width=st.integers(1, 16),
    seed=st.integers(0, 10_000),
)
def test_causal_attention_equals_pytorch_is_causal(batch, length, width, seed):
    q, k, v = random_qkv((*batch, length, width), seed)
    output, _ = causal_attention(q, k, v)
    reference = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert output.shape == reference.shape
    assert torch.allclose(output, reference, atol=1e-5)


@given(length=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_weights_are_zero_above_the_diagonal_and_rows_sum_to_one(length, seed):
    q, k, v = random_qkv((2, length, 4), seed)
    _, weights = causal_attention(q, k, v)
    above = ~causal_mask(length)
    assert torch.all(weights[:, above] == 0)
    assert torch.allclose(weights.sum(-1), torch.ones(2, length))
    assert torch.all(weights[:, 0, 0] == 1)  # the first token sees only itself


@settings(deadline=None)
@given(length=st.integers(2, 12), data=st.data())
def test_changing_the_future_leaves_the_past_unchanged(length, data):
    t = data.draw(st.integers(0, length - 2), label="t")
    seed = data.draw(st.integers(0, 10_000), label="seed")
    q, k, v = random_qkv((length, 6), seed)
    q2, k2, v2 = (x.clone() for x in (q, k, v))
    for x in (q2, k2, v2):
        generator = torch.Generator().manual_seed(seed + 1)
        x[t + 1 :] = torch.randn(length - t - 1, 6, generator=generator)
    before, _ = causal_attention(q, k, v)
    after, _ = causal_attention(q2, k2, v2)
    assert torch.allclose(before[: t + 1], after[: t + 1], atol=1e-6)


@settings(deadline=None, max_examples=30)
@given(length=st.integers(2, 10), data=st.data())
def test_a_masked_multi_head_layer_keeps_the_promise(length, data):
    t = data.draw(st.integers(0, length - 2), label="t")
    torch.manual_seed(0)
    layer = MultiHeadAttention(8, 2)
    x = torch.randn(1, length, 8)
    changed = x.clone()
    changed[:, t + 1 :] += 1.0 + torch.rand(1, length - t - 1, 8)
    with torch.no_grad():
        before = layer(x, causal_mask(length))
        after = layer(changed, causal_mask(length))
        open_before, open_after = layer(x), layer(changed)
    assert torch.allclose(before[:, : t + 1], after[:, : t + 1], atol=1e-6)
    assert not torch.allclose(open_before[:, t], open_after[:, t], atol=1e-6)  # no mask: leaks


def test_gradients_flow_to_the_past_and_never_from_the_future():
    q, k, v = (x.requires_grad_() for x in random_qkv((5, 4), 0))
    output, _ = causal_attention(q, k, v)
    output[:2].sum().backward()  # positions 0 and 1 only
    assert torch.isfinite(k.grad).all() and torch.isfinite(v.grad).all()
    assert k.grad[:2].abs().sum() > 0 and v.grad[:2].abs().sum() > 0
    assert torch.all(k.grad[2:] == 0) and torch.all(v.grad[2:] == 0)  # the future had no say
