"""Stage 8: the GPT taken apart (minillm_helpers/ladder.py)."""

import math

import pytest
import torch
from torch import nn

from minillm_helpers.ladder import (
    LadderBlock,
    Rung,
    activation_scales,
    gradient_per_block,
    root_mean_square,
)
from minillm_helpers.model import GPT, FeedForward, GPTConfig
from minillm_helpers.training import train

CONFIG = GPTConfig(vocab_size=11, context_length=12, width=16, num_heads=2, num_layers=2)
DEEP = GPTConfig(vocab_size=11, context_length=12, width=32, num_heads=4, num_layers=8)


def ids(batch=3, length=10, seed=0):
    return torch.randint(11, (batch, length), generator=torch.Generator().manual_seed(seed))


def rung(config=CONFIG, seed=0, **switches):
    torch.manual_seed(seed)
    return Rung(config, **switches).eval()


def test_with_every_switch_on_a_rung_is_the_gpt():
    torch.manual_seed(0)
    gpt = GPT(CONFIG).eval()
    full = rung()
    assert full.state_dict().keys() == gpt.state_dict().keys()
    full.load_state_dict(gpt.state_dict())  # strict: the same weights, name for name
    x = ids()
    assert torch.allclose(full(x)[0], gpt(x)[0], atol=1e-6)


def test_without_residuals_a_block_replaces_x_instead_of_adding_to_it():
    torch.manual_seed(0)
    block = LadderBlock(CONFIG, residual=False).eval()
    x = torch.randn(2, 5, CONFIG.width)
    mixed = block.attention(block.norm1(x))
    assert torch.allclose(block(x), block.feed_forward(block.norm2(mixed)), atol=1e-6)
    with_residual = LadderBlock(CONFIG).eval()
    with_residual.load_state_dict(block.state_dict())
    mixed = x + with_residual.attention(with_residual.norm1(x))
    expected = mixed + with_residual.feed_forward(with_residual.norm2(mixed))
    assert torch.allclose(with_residual(x), expected, atol=1e-6)


def test_without_layer_norm_there_is_none_anywhere():
    plain = rung(layer_norm=False)
    assert not any(isinstance(m, nn.LayerNorm) for m in plain.modules())
    assert sum(isinstance(m, nn.LayerNorm) for m in rung().modules()) == 2 * 2 + 1
    block = plain.blocks[0]
    x = torch.randn(1, 4, CONFIG.width)
    mixed = x + block.attention(x)  # the sub-layers read x as it is
    assert torch.allclose(block(x), mixed + block.feed_forward(mixed), atol=1e-6)


def test_without_feed_forward_a_block_only_attends():
    bare = rung(feed_forward=False)
    assert not any(isinstance(m, FeedForward) for m in bare.modules())
    block = bare.blocks[0]
    x = torch.randn(1, 4, CONFIG.width)
    assert torch.allclose(block(x), x + block.attention(block.norm1(x)), atol=1e-6)


def test_without_positions_one_block_sees_the_tokens_before_the_last_as_a_bag():
    x = torch.tensor([[1, 2, 3, 4, 5, 6]])
    shuffled = torch.tensor([[4, 2, 5, 1, 3, 6]])  # the same earlier tokens, the same last one
    one_block = GPTConfig(vocab_size=11, context_length=12, width=16, num_heads=2, num_layers=1)
    blind = rung(one_block, positions=False)
    assert blind.positions.abs().max() == 0
    assert torch.allclose(blind(x)[0][0, -1], blind(shuffled)[0][0, -1], atol=1e-5)
    seeing = rung(one_block)
    assert not torch.allclose(seeing(x)[0][0, -1], seeing(shuffled)[0][0, -1], atol=1e-3)
    deeper = rung(positions=False)  # two blocks: the causal mask lets order leak in
    assert not torch.allclose(deeper(x)[0][0, -1], deeper(shuffled)[0][0, -1], atol=1e-3)


def test_a_rung_generates_with_a_cache_like_the_gpt():
    model = rung(residual=False, layer_norm=False)
    x = ids(batch=1, length=6)
    whole = model(x)[0]
    model.use_cache()
    steps = [model(x[:, :4])[0]] + [model(x[:, t : t + 1])[0] for t in (4, 5)]
    assert torch.allclose(torch.cat(steps, dim=1), whole, atol=1e-5)


def test_a_rung_trains_with_notebook_05s_loop():
    data = torch.arange(400) % 11
    model = rung(residual=False, layer_norm=False, feed_forward=False)
    history = train(model, data, data, steps=40, batch_size=8, learning_rate=1e-2, eval_every=40)
    assert history.val_eval[-1] < math.log(11) - 1  # a repeating pattern is easy to learn


def test_gradient_per_block_is_the_norm_of_each_blocks_gradient_and_leaves_none():
    model = rung()
    x, y = ids(seed=1), ids(seed=2)
    sizes = gradient_per_block(model, x, y)
    assert len(sizes) == CONFIG.num_layers
    assert all(p.grad is None for p in model.parameters())
    model(x, y)[1].backward()
    by_hand = [math.sqrt(sum(float(p.grad.pow(2).sum()) for p in b.parameters()))
               for b in model.blocks]
    assert sizes == pytest.approx(by_hand, rel=1e-4)


def test_without_residuals_or_norms_the_first_block_of_a_deep_stack_gets_almost_no_gradient():
    x, y = ids(seed=1), ids(seed=2)
    bare = gradient_per_block(rung(DEEP, residual=False, layer_norm=False), x, y)
    kept = gradient_per_block(rung(DEEP, layer_norm=False), x, y)
    assert bare[0] < 1e-4 * bare[-1]  # each block shrinks what flows back through it
    assert kept[0] > 0.3 * kept[-1]  # the residual is a straight road back to block 1
    assert kept[0] > 1e4 * bare[0]


def test_activation_scales_measure_the_stream_entering_and_leaving_each_block():
    model = rung(DEEP, residual=False, layer_norm=False)
    x = ids()
    sizes = activation_scales(model, x)
    assert len(sizes) == DEEP.num_layers + 1
    with torch.no_grad():
        entering = model.token_embedding(x) * math.sqrt(DEEP.width) + model.positions[:10]
    assert sizes[0] == pytest.approx(root_mean_square(entering), rel=1e-5)
    assert all(not block._forward_hooks for block in model.blocks)  # no hook left behind
    assert sizes[1] < 0.2 * sizes[0]  # without residual or norm, one block shrinks the signal
    normed = activation_scales(rung(DEEP, residual=False), x)
    assert min(normed[1:]) > 0.5 * max(normed[1:])  # layer norm keeps every block's output steady


def test_root_mean_square_ignores_signs():
    assert root_mean_square(torch.tensor([3.0, -4.0])) == pytest.approx(math.sqrt(12.5))
