"""Notebook 08's exercise checkers accept right answers and explain wrong ones."""

import pytest
import torch

from minillm_helpers.ladder import LadderBlock
from minillm_helpers.model import Block, GPTConfig
from minillm_helpers.notebook_support.exercises.nb08 import (
    check_bag_of_characters,
    check_no_residuals,
    check_post_norm,
    unigram_loss,
)


# ---------------------------------------------------------------- exercise 1
def test_bag_of_characters_accepts_one_block_blind_two_blocks_not(capsys):
    assert check_bag_of_characters(True, False)
    assert "causal mask" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ((False, False), "one block is blind to order"),
        ((True, True), "two blocks are not blind"),
        ((False, True), "which sees less"),
        ((torch.tensor(True), False), "True/False"),
        (("yes", "no"), "True/False"),
        ((1, 0), "True/False"),
    ],
)
def test_bag_of_characters_explains_wrong_answers(answer, hint, capsys):
    assert not check_bag_of_characters(*answer)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and hint in out


# ---------------------------------------------------------------- exercise 2
def test_no_residuals_accepts_a_loss_that_rises_a_lot(capsys):
    assert check_no_residuals(2.05, 3.9)
    out = capsys.readouterr().out
    assert "residual stream" in out and "guessing" not in out  # 3.9 beats ln 65 = 4.17


def test_no_residuals_says_when_the_loss_is_worse_than_guessing(capsys):
    # A wrecked model's loss moves in its second decimal with the thread count: whole units.
    assert check_no_residuals(2.05, 5.16)
    out = capsys.readouterr().out
    assert "2.05 intact, 5 without residuals" in out and "ln 65 = 4.17" in out


@pytest.mark.parametrize(
    ("intact", "broken", "hint"),
    [
        (4.3, 2.05, "lower"),  # swapped
        (2.05, 2.1, "too close"),  # the same model twice, or residuals still on
        ("2.05", 4.3, "two losses"),
        (2.05, ..., "two losses"),
    ],
)
def test_no_residuals_explains_wrong_answers(intact, broken, hint, capsys):
    assert not check_no_residuals(intact, broken)
    assert hint in capsys.readouterr().out


# ---------------------------------------------------------------- exercise 3
class PostNorm(LadderBlock):
    def forward(self, x, *for_attention):
        x = self.norm1(x + self.attention(x, *for_attention))
        return self.norm2(x + self.feed_forward(x))


class NormOnlyAtTheEnd(LadderBlock):
    def forward(self, x, *for_attention):
        x = x + self.attention(x, *for_attention)
        return self.norm2(x + self.feed_forward(x))


class NoResidual(LadderBlock):
    def forward(self, x, *for_attention):
        x = self.norm1(self.attention(x, *for_attention))
        return self.norm2(self.feed_forward(x))


class Broken(LadderBlock):
    def forward(self, x, *for_attention):
        raise RuntimeError("not written yet")


class WrongShape(LadderBlock):
    def forward(self, x, *for_attention):
        return x.mean(-1)


@pytest.fixture(scope="module")
def text_ids():
    """A small text with structure: the checker trains on it."""
    generator = torch.Generator().manual_seed(0)
    words = [torch.tensor(w) for w in ([7, 4, 11, 11, 14, 0], [22, 14, 17, 11, 3, 0],
                                       [2, 0, 19, 0], [3, 14, 6, 0])]
    picks = torch.randint(len(words), (4000,), generator=generator)
    ids = torch.cat([words[i] for i in picks])
    cut = int(0.9 * len(ids))
    return ids[:cut], ids[cut:]


def test_post_norm_is_accepted_and_trained_against_pre_norm(text_ids, capsys):
    assert check_post_norm(PostNorm, *text_ids)
    out = capsys.readouterr().out
    assert out.startswith("Correct!") and "pre-norm reaches" in out and "GPT-2" in out


class NotebooksOwnPostNorm(Block):  # notebook 08 writes its LadderBlock anew, on the GPT's Block
    def forward(self, x, *for_attention):
        x = self.norm1(x + self.attention(x, *for_attention))
        return self.norm2(x + self.feed_forward(x))


def test_post_norm_on_a_ladder_block_written_in_the_notebook_is_accepted(text_ids, capsys):
    assert check_post_norm(NotebooksOwnPostNorm, *text_ids)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("block_class", "hint"),
    [
        (LadderBlock, "still pre-norm"),
        (NormOnlyAtTheEnd, "not post-norm yet"),
        (NoResidual, "not post-norm yet"),
        (Broken, "raised RuntimeError: not written yet"),
        (WrongShape, "shaped like x"),
        ("PostNormBlock", "the class itself"),
        (torch.nn.Linear, "a subclass of LadderBlock"),
    ],
)
def test_post_norm_explains_wrong_answers(block_class, hint, text_ids, capsys):
    assert not check_post_norm(block_class, *text_ids)
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and hint in out


def test_post_norm_wants_the_class_not_an_instance(text_ids, capsys):
    instance = PostNorm(GPTConfig(vocab_size=65, context_length=8, width=8, num_heads=2))
    assert not check_post_norm(instance, *text_ids)
    assert "the class itself" in capsys.readouterr().out


def test_unigram_loss_is_the_entropy_of_the_letter_counts():
    train_ids = torch.tensor([0, 0, 0, 1])
    expected = -torch.tensor([4 / 6, 2 / 6]).log()[torch.tensor([0, 1])].mean()  # +1 smoothing
    assert unigram_loss(train_ids, torch.tensor([0, 1]), vocab_size=2) == pytest.approx(
        float(expected))
