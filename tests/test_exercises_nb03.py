"""Notebook 03's exercise checkers accept right answers and reject wrong ones."""

import math

import pytest
import torch

from minillm_helpers.embeddings import embed
from minillm_helpers.notebook_support.exercises.nb03 import (
    CAT_ATE_MOUSE,
    MOUSE_ATE_CAT,
    check_position_vector,
    check_without_positions,
)
from minillm_helpers.positions import sinusoidal_encoding
from minillm_helpers.tokenizer import WordTokenizer


def by_the_formula(position, width):
    values = []
    for i in range(0, width, 2):
        angle = position / 10000 ** (i / width)
        values += [math.sin(angle), math.cos(angle)]
    return values


def test_position_vector(capsys):
    assert check_position_vector(by_the_formula) is True
    assert "Correct" in capsys.readouterr().out
    assert check_position_vector(lambda p, w: sinusoidal_encoding(p + 1, w)[p]) is True


def swapped_cosine(position, width):
    values = by_the_formula(position, width)
    values[1::2] = [-v for v in values[1::2]]
    return values


@pytest.mark.parametrize("answer, hint", [
    (swapped_cosine, "check the cosines"),
    (lambda p, w: [math.sin(p)] * w, "expected"),
    (lambda p, w: [0.0], "return"),
    (lambda p, w: torch.zeros(w) / None, "raised"),
    (42, "function itself"),
])
def test_position_vector_rejects(capsys, answer, hint):
    assert check_position_vector(answer) is False
    assert hint in capsys.readouterr().out


def embeddings_only(ids, table):
    return embed(ids, table) * math.sqrt(table.shape[1])


def with_positions(ids, table):
    return embeddings_only(ids, table) + sinusoidal_encoding(len(ids), table.shape[1])


def test_without_positions(capsys):
    assert check_without_positions(embeddings_only) is True
    assert "cannot tell who ate whom" in capsys.readouterr().out
    assert check_without_positions(lambda ids, table: embed(ids, table)) is True  # no scale: fine


def test_the_ids_are_the_notebook_tokenizers():
    tok = WordTokenizer.from_text("The cat ate the mouse. The mouse ate the cat.")
    assert tok.encode("The cat ate the mouse.") == CAT_ATE_MOUSE
    assert tok.encode("The mouse ate the cat.") == MOUSE_ATE_CAT


@pytest.mark.parametrize("answer, hint", [
    (with_positions, "Take the positions out"),
    (lambda ids, table: embeddings_only(ids, table) + 0.01 * torch.arange(len(ids))[:, None],
     "Take the positions out"),  # even a small position is a position
    (lambda ids, table: torch.zeros(len(ids), table.shape[1]), "different words get the same"),
    (lambda ids, table: embed(ids, table)[:, :4], "shape (number of tokens, width)"),
    (lambda ids, table: embed(ids, table).tolist(), "shape (number of tokens, width)"),
    (lambda ids, table: embed(ids, table) / None, "raised TypeError"),
    (embeddings_only(torch.tensor([0]), torch.ones(1, 8)), "function itself"),
])
def test_without_positions_rejects(capsys, answer, hint):
    assert check_without_positions(answer) is False
    assert hint in capsys.readouterr().out
