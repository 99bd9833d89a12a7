"""Checkers for notebook 08's exercises (taking the block apart): each breaks one piece of
the model on purpose."""

import math

import torch
from torch import nn

from minillm_helpers.notebook_support.exercises.feedback import (
    NotYet,
    call,
    checker,
    number,
    numbers,
    part_matters,
)

# A small stack for checking a block: width 32, 4 heads, 8 blocks, 65 characters.
SIZES = dict(vocab_size=65, context_length=32, width=32, num_heads=4, num_layers=8)
STEPS, LEARNING_RATE = 60, 1e-2  # four times the notebook's learning rate


@checker
def check_bag_of_characters(same_with_one_block, same_with_two_blocks) -> str:
    """Exercise 1 (break it): without positions, does the score after `ROMEO:` equal the one
    after `MOREO:` for a rung of one block? Of two? Two bools."""
    answers = (same_with_one_block, same_with_two_blocks)
    if not all(isinstance(a, bool) for a in answers):
        raise NotYet("give two True/False values (bool(torch.allclose(...)) makes one), for one "
                     "block, then for two.")
    if answers == (False, False):
        raise NotYet("one block is blind to order: every earlier character reaches the last one "
                     "through the same attention, whatever its place. Compare with atol=1e-5; "
                     "sums in another order differ in the last digits.")
    if answers == (True, True):
        raise NotYet("two blocks are not blind to order: block 1's vector at each place depends "
                     "on what came before it (the causal mask), so block 2 sees it. Did you "
                     "build the second rung with num_layers=2?")
    if answers == (False, True):
        raise NotYet("if two blocks ignored order, one block, which sees less, would too.")
    return ("with one block and no positions, the last character attends to the ones before it "
            "as a bag: shuffle them and nothing moves. With two, order leaks back in through the "
            "causal mask: in block 1, `R` at the start saw only itself while `R` in third place "
            "saw `MOR`, so block 2 reads different vectors. Models without positions learn some "
            "order that way, but a position signal makes it easy.")


@checker
def check_no_residuals(with_residuals, without_residuals) -> str:
    """Exercise 2 (break it): the trained GPT's validation loss, and the same weights in a
    Rung with residual=False."""
    vocab_size = SIZES["vocab_size"]
    guessing = math.log(vocab_size)
    worse = (number(without_residuals) or 0) > guessing
    return part_matters(
        with_residuals, without_residuals, "without residuals",
        (f"That is worse than blind guessing among {vocab_size} characters "
         f"(ln {vocab_size} = {guessing:.2f}). " if worse else "")
        + "Each trained block writes a small correction onto the residual stream; take the "
        "stream away and every block's correction replaces the vector it was meant to "
        "correct, so what the embeddings said about the character is lost by block 1.",
        margin=1.0, broken_digits=0,
    )


def unigram_loss(train_data, val_data, vocab_size: int = SIZES["vocab_size"]) -> float:
    """The validation loss of a model that only knows how often each character occurs."""
    counts = torch.bincount(train_data, minlength=vocab_size).float() + 1
    return float(-(counts / counts.sum()).log()[val_data].mean())


@checker
def check_post_norm(block_class, train_data, val_data) -> str:
    """Exercise 3 (break it): a LadderBlock subclass whose forward adds first and normalises
    after: x = norm1(x + attention(x)), then x = norm2(x + feed_forward(x)). The verdict
    trains a small stack of 8 such blocks and of 8 pre-norm blocks at a high learning rate."""
    from minillm_helpers.ladder import LadderBlock, Rung
    from minillm_helpers.masking import causal_mask
    from minillm_helpers.model import Block, GPTConfig
    from minillm_helpers.training import train

    # The notebook's own LadderBlock is not the package's, but both are the GPT's Block.
    if not (isinstance(block_class, type) and issubclass(block_class, Block)):
        raise NotYet("pass the class itself (PostNormBlock, no brackets), a subclass of "
                     "LadderBlock.")
    config = GPTConfig(**SIZES)
    torch.manual_seed(0)
    with torch.no_grad():
        block = call(block_class, config).eval()
        x, mask = torch.randn(2, 6, config.width), causal_mask(6)
        got = call(block, x, mask)
        if not (torch.is_tensor(got) and got.shape == x.shape):
            raise NotYet(f"forward should return a tensor shaped like x, {tuple(x.shape)}.")
        if torch.allclose(got, Block.forward(block, x, mask), atol=1e-5):  # the GPT's order
            raise NotYet("that is still pre-norm, the GPT's order (norm, sub-layer, add). "
                         "Post-norm adds first, then normalises the sum.")
        post = block.norm1(x + block.attention(x, mask))  # the original Transformer's order
        if not torch.allclose(got, block.norm2(post + block.feed_forward(post)), atol=1e-5):
            raise NotYet("not post-norm yet: add the sub-layer's output to x, then pass the sum "
                         "through the norm (norm1 after attention, norm2 after the "
                         "feed-forward); each sub-layer reads x itself.")
    losses = {}
    for kind in (block_class, LadderBlock):
        torch.manual_seed(0)
        stack = Rung(config)
        stack.blocks = nn.ModuleList(kind(config) for _ in range(config.num_layers))
        losses[kind] = train(stack, train_data, val_data, steps=STEPS,
                             learning_rate=LEARNING_RATE, eval_every=STEPS,
                             eval_batches=4).val_eval[-1]
    pre, post = losses[LadderBlock], losses[block_class]
    counted = unigram_loss(train_data, val_data)
    if post > pre + 0.3:
        outcome = f"pre-norm reaches {pre:.1f}, post-norm is stuck at {post:.1f}"
        if abs(post - counted) < 0.15:
            outcome += (f", the loss of a model that only knows how often each letter occurs "
                        f"({counted:.1f})")
    else:
        outcome = f"pre-norm reaches {pre:.1f} and post-norm {post:.1f}: this time both trained"
    return (f"8 blocks of width 32, trained {STEPS} steps at learning rate {LEARNING_RATE} with "
            f"no warm-up: {outcome}. Post-norm puts a norm on the residual stream itself and is "
            "known to need small first steps: the original Transformer (2017) was post-norm and "
            "warmed its learning rate up slowly. GPT-2 moved the norms in front of the "
            "sub-layers, as here, and pre-norm trains from the first step.")


@checker
def check_every_seed(without_norm, with_norm, helps) -> str:
    """Going further (does layer norm pay at depth?): the validation losses of four blocks
    without layer norm and with it, one per seed in the same order, and the reader's
    verdict, a bool: True if layer norm helps beyond the noise between seeds."""
    without, with_ = numbers(without_norm), numbers(with_norm)
    if without is None or with_ is None or len(without) != len(with_) or len(without) < 2:
        raise NotYet("give two lists of losses, one per seed in the same seed order (at least "
                     "two seeds): without layer norm, then with it.")
    if not isinstance(helps, bool):
        raise NotYet("give your verdict as True or False: does layer norm help at every seed?")
    gaps = ", ".join(f"{a - b:+.2f}" for a, b in zip(without, with_, strict=True))
    lower_everywhere = all(b < a for a, b in zip(without, with_, strict=True))
    if helps and not lower_everywhere:
        raise NotYet(f"with layer norm the loss is lower by {gaps} seed by seed: not at every "
                     "seed, so the gap is within the noise between seeds. Claim only what holds "
                     "at every seed.")
    if not helps and lower_everywhere:
        raise NotYet(f"with layer norm the loss is lower at every seed ({gaps}): that is a gain "
                     "the seeds agree on. Did you swap the two lists?")
    if helps:
        return (f"layer norm lowers the loss at every seed ({gaps}). In one block it changed "
                "less than the seeds' spread; in four, the vectors' size can drift from block "
                "to block, and the norm keeps it steady.")
    return (f"seed by seed the gaps are {gaps}: they do not all point the same way, so this "
            "run cannot tell layer norm's effect from the noise between seeds. More seeds or "
            "longer training would tell more.")
