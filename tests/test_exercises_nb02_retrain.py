"""Notebook 02's retraining exercise: a wider context's validation loss, checked at once.

The checker knows the losses a seeded retraining gives; one test retrains the model the
way the notebook's solution does and checks that the checker accepts what comes out."""

import pytest
import torch
from torch.nn import functional as F

from minillm_helpers.embeddings import NextWordModel, next_word_examples, train_next_word_model
from minillm_helpers.notebook_support.corpus import load_corpus_split
from minillm_helpers.notebook_support.exercises.nb02 import (
    WIDER_TRAINING,
    WIDER_VALIDATION,
    check_wider_context,
)
from minillm_helpers.tokenizer import WordTokenizer


@pytest.mark.parametrize("context", [2, 3])
def test_accepts_the_validation_loss_of_each_wider_context(context, capsys):
    assert check_wider_context(context, WIDER_VALIDATION[context] + 0.01) is True
    assert "Correct!" in capsys.readouterr().out


def test_accepts_a_tensor(capsys):
    assert check_wider_context(2, torch.tensor(WIDER_VALIDATION[2])) is True


def test_two_words_help_and_three_averaged_do_not(capsys):
    check_wider_context(2, WIDER_VALIDATION[2])
    assert "the word before narrows the guess" in capsys.readouterr().out
    check_wider_context(3, WIDER_VALIDATION[3])
    assert "throws order away" in capsys.readouterr().out


@pytest.mark.parametrize("context", [2, 3])
def test_rejects_the_training_loss(context, capsys):
    assert check_wider_context(context, WIDER_TRAINING[context]) is False
    assert "loss on the training text" in capsys.readouterr().out


def test_rejects_the_one_word_models_loss(capsys):
    assert check_wider_context(2, WIDER_VALIDATION[1]) is False
    assert "one-word model's validation loss" in capsys.readouterr().out


def test_rejects_an_untrained_model(capsys):
    assert check_wider_context(2, 4.8) is False
    assert "did you train" in capsys.readouterr().out


def test_rejects_another_number(capsys):
    assert check_wider_context(2, 1.2) is False
    assert "I expect about 1.38" in capsys.readouterr().out


@pytest.mark.parametrize("context", [1, 4, ..., None, True, "2"])
def test_rejects_a_context_other_than_two_or_three(context, capsys):
    assert check_wider_context(context, WIDER_VALIDATION[2]) is False
    assert "set the context to 2 or 3" in capsys.readouterr().out


@pytest.mark.parametrize("loss", [..., None, "1.38", float("nan")])
def test_rejects_a_loss_that_is_not_a_number(loss, capsys):
    assert check_wider_context(2, loss) is False
    assert "as a number" in capsys.readouterr().out


def test_the_notebooks_solution_retrains_to_what_the_checker_accepts(capsys):
    train_text, val_text = load_corpus_split()
    tok = WordTokenizer.from_text(train_text.lower())
    ids = torch.tensor(tok.encode(train_text.lower()))
    val_inputs, val_targets = next_word_examples(tok.encode(val_text.lower()), context=2)
    torch.manual_seed(0)
    wider = NextWordModel(tok.vocab_size, 128, context=2)
    train_next_word_model(wider, ids)
    with torch.no_grad():
        loss = F.cross_entropy(wider(val_inputs), val_targets).item()
    assert check_wider_context(2, loss) is True
    assert abs(loss - WIDER_VALIDATION[2]) < 0.01
