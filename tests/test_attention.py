"""Attention (stage 4): weights are distributions, results equal PyTorch's, gradients flow."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from minillm_helpers.attention import (
    MultiHeadAttention,
    keep_attention_weights,
    scaled_dot_product_attention,
)

TOLERANCE = 1e-5


def random_qkv(seed, batch, heads, t_q, t_k, d_k, d_v):
    generator = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, heads, t_q, d_k, generator=generator)
    k = torch.randn(batch, heads, t_k, d_k, generator=generator)
    v = torch.randn(batch, heads, t_k, d_v, generator=generator)
    return q, k, v


def random_mask(seed, t_q, t_k):
    """A random boolean mask in which every query may look at least at one key."""
    generator = torch.Generator().manual_seed(seed + 1)
    mask = torch.rand(t_q, t_k, generator=generator) < 0.5
    mask[torch.arange(t_q), torch.randint(t_k, (t_q,), generator=generator)] = True
    return mask


shapes = st.tuples(
    st.integers(0, 10_000),  # seed
    st.integers(1, 3),  # batch
    st.integers(1, 4),  # heads
    st.integers(1, 9),  # query tokens
    st.integers(1, 9),  # key tokens
    st.integers(1, 16),  # d_k
    st.integers(1, 16),  # d_v
)


@settings(max_examples=40, deadline=None)
@given(shapes)
def test_every_row_of_weights_is_a_distribution(shape):
    q, k, v = random_qkv(*shape)
    output, weights = scaled_dot_product_attention(q, k, v)
    assert weights.shape == (*q.shape[:-1], k.shape[-2])
    assert output.shape == (*q.shape[:-1], v.shape[-1])
    assert (weights >= 0).all()
    assert torch.allclose(weights.sum(-1), torch.ones(weights.shape[:-1]), atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(shapes)
def test_equals_pytorch_without_mask(shape):
    q, k, v = random_qkv(*shape)
    ours, _ = scaled_dot_product_attention(q, k, v)
    theirs = F.scaled_dot_product_attention(q, k, v)
    assert torch.allclose(ours, theirs, atol=TOLERANCE)


@settings(max_examples=40, deadline=None)
@given(shapes)
def test_equals_pytorch_with_mask_and_masked_pairs_get_zero(shape):
    q, k, v = random_qkv(*shape)
    mask = random_mask(shape[0], q.shape[-2], k.shape[-2])
    ours, weights = scaled_dot_product_attention(q, k, v, mask)
    theirs = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert torch.allclose(ours, theirs, atol=TOLERANCE)
    assert (weights[..., ~mask] == 0).all()
    assert torch.allclose(weights.sum(-1), torch.ones(weights.shape[:-1]), atol=1e-6)


def test_scores_are_divided_by_the_square_root_of_d_k():
    q = torch.tensor([[2.0, 0.0, 0.0, 0.0]])
    k = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    _, weights = scaled_dot_product_attention(q, k, torch.eye(2))
    expected = math.exp(1) / (math.exp(1) + 1)  # score 2 / sqrt(4) = 1 against 0
    assert weights[0, 0].item() == pytest.approx(expected, rel=1e-6)


def test_a_query_that_matches_nothing_averages_evenly():
    query, keys, values = torch.zeros(1, 3), torch.randn(5, 3), torch.randn(5, 2)
    _, weights = scaled_dot_product_attention(query, keys, values)
    assert torch.allclose(weights, torch.full((1, 5), 0.2))


def manual_multi_head(layer, x, mask=None):
    """Multi-head attention written out head by head, with the layer's own weights."""
    heads = []
    size = layer.head_width
    q, k, v = layer.query(x), layer.key(x), layer.value(x)
    for h in range(layer.num_heads):
        part = slice(h * size, (h + 1) * size)
        scores = q[..., part] @ k[..., part].transpose(-2, -1) / math.sqrt(size)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        heads.append(torch.softmax(scores, dim=-1) @ v[..., part])
    return layer.output(torch.cat(heads, dim=-1))


@pytest.mark.parametrize("keep_weights", [False, True], ids=["fused", "written-out"])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_multi_head_equals_a_head_by_head_computation(bias, masked, keep_weights):
    torch.manual_seed(0)
    layer = MultiHeadAttention(24, 3, bias=bias)
    layer.keep_weights = keep_weights
    x = torch.randn(2, 7, 24)
    mask = random_mask(3, 7, 7) if masked else None
    assert torch.allclose(layer(x, mask), manual_multi_head(layer, x, mask), atol=TOLERANCE)
    if keep_weights:
        assert layer.last_weights.shape == (2, 3, 7, 7)
    else:
        assert layer.last_weights is None  # the fused kernel keeps no weights


@pytest.mark.parametrize("keep_weights", [False, True], ids=["fused", "written-out"])
@pytest.mark.parametrize("masked", [False, True])
def test_multi_head_equals_pytorch_on_the_projected_heads(masked, keep_weights):
    torch.manual_seed(1)
    layer = MultiHeadAttention(16, 4)
    layer.keep_weights = keep_weights
    x = torch.randn(3, 6, 16)
    mask = random_mask(5, 6, 6) if masked else None
    q, k, v = (layer.split_heads(proj(x)) for proj in (layer.query, layer.key, layer.value))
    theirs = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (B, heads, T, head_width)
    theirs = layer.output(theirs.transpose(1, 2).reshape(3, 6, 16))
    assert torch.allclose(layer(x, mask), theirs, atol=TOLERANCE)


@pytest.mark.parametrize("masked", [False, True])
def test_multi_head_equals_nn_multihead_attention(masked):
    torch.manual_seed(2)
    layer = MultiHeadAttention(16, 2)
    reference = nn.MultiheadAttention(16, 2, bias=False, batch_first=True)
    with torch.no_grad():
        projections = [layer.query.weight, layer.key.weight, layer.value.weight]
        reference.in_proj_weight.copy_(torch.cat(projections))
        reference.out_proj.weight.copy_(layer.output.weight)
    x = torch.randn(2, 5, 16)
    mask = random_mask(7, 5, 5) if masked else None
    their_mask = None if mask is None else ~mask  # PyTorch's module: True means "may NOT attend"
    theirs, their_weights = reference(x, x, x, attn_mask=their_mask, average_attn_weights=False)
    assert torch.allclose(layer(x, mask), theirs, atol=TOLERANCE)  # the fused kernel
    layer.keep_weights = True
    assert torch.allclose(layer(x, mask), theirs, atol=TOLERANCE)  # the written-out attention
    assert torch.allclose(layer.last_weights, their_weights, atol=TOLERANCE)


@pytest.mark.parametrize("masked", [False, True])
def test_both_paths_give_the_same_output_and_gradients(masked):
    torch.manual_seed(4)
    layer = MultiHeadAttention(16, 4, bias=True)
    x = torch.randn(2, 6, 16)
    mask = random_mask(9, 6, 6) if masked else None
    results = []
    for keep_weights in (False, True):
        layer.keep_weights = keep_weights
        layer.zero_grad()
        x_grad = x.clone().requires_grad_()
        layer(x_grad, mask).pow(2).sum().backward()
        results.append([layer(x, mask), x_grad.grad] + [p.grad for p in layer.parameters()])
    for fused, written_out in zip(*results, strict=True):
        torch.testing.assert_close(fused, written_out, atol=TOLERANCE, rtol=TOLERANCE)


@pytest.mark.parametrize("keep_weights", [False, True], ids=["fused", "written-out"])
@pytest.mark.parametrize("bias", [False, True])
def test_gradients_reach_every_parameter_and_the_input(bias, keep_weights):
    torch.manual_seed(3)
    layer = MultiHeadAttention(12, 3, bias=bias)
    layer.keep_weights = keep_weights
    x = torch.randn(2, 5, 12, requires_grad=True)
    layer(x, random_mask(1, 5, 5)).pow(2).mean().backward()
    names = [name for name, _ in layer.named_parameters()]
    assert len(names) == (8 if bias else 4)
    for name, parameter in layer.named_parameters():
        assert parameter.grad is not None, f"{name} got no gradient"
        assert parameter.grad.abs().sum() > 0, f"{name} got a zero gradient"
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_gradients_flow_through_the_function_to_query_key_and_value():
    q, k, v = (t.requires_grad_() for t in random_qkv(0, 1, 1, 4, 4, 3, 2))
    output, _ = scaled_dot_product_attention(q, k, v)
    output.sum().backward()
    for name, tensor in (("query", q), ("key", k), ("value", v)):
        assert tensor.grad.abs().sum() > 0, f"no gradient reached the {name}"


def test_last_weights_are_detached_and_rows_sum_to_one():
    layer = MultiHeadAttention(8, 2)
    layer.keep_weights = True
    layer(torch.randn(1, 4, 8))
    assert not layer.last_weights.requires_grad
    assert torch.allclose(layer.last_weights.sum(-1), torch.ones(1, 2, 4))


def test_keep_attention_weights_switches_every_layer_of_a_model():
    model = torch.nn.Sequential(MultiHeadAttention(8, 2), MultiHeadAttention(8, 4))
    x = torch.randn(1, 3, 8)
    model(x)
    assert [layer.last_weights for layer in model] == [None, None]  # fused by default
    keep_attention_weights(model)
    model(x)
    assert [tuple(layer.last_weights.shape) for layer in model] == [(1, 2, 3, 3), (1, 4, 3, 3)]
    keep_attention_weights(model, False)
    assert not any(layer.keep_weights for layer in model)


# ---- bad inputs: one test each, checking the error type and that the message names the problem
