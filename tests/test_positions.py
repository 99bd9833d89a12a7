"""Positional encodings (stage 3): raw, normalized and sinusoidal; the worked numbers."""

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from minillm_helpers.positions import (
    frequencies,
    normalized_index_encoding,
    raw_index_encoding,
    rotate_pairs,
    sinusoidal_encoding,
)

sizes = st.integers(min_value=1, max_value=200)
widths = st.integers(min_value=1, max_value=64)


def test_raw_index_is_the_position_itself():
    encoding = raw_index_encoding(2000, 4)
    assert encoding.shape == (2000, 4)
    assert encoding[1999].tolist() == [1999.0] * 4
    assert encoding[0].tolist() == [0.0] * 4


def test_normalized_index_depends_on_the_length():
    assert round(float(normalized_index_encoding(3, 2)[2, 0]), 3) == 0.667
    assert round(float(normalized_index_encoding(100, 2)[2, 0]), 3) == 0.02
    assert float(normalized_index_encoding(100, 2).max()) < 1


def test_sine_at_index_2_and_frequency_half():
    assert round(math.sin(2 * 0.5), 3) == 0.841
    # a width of 4 with base 4 has frequencies 1 and 4 ** (-1/2) = 0.5
    assert frequencies(4, base=4.0).tolist() == [1.0, 0.5]
    for length in (3, 100):
        assert round(float(sinusoidal_encoding(length, 4, base=4.0)[2, 2]), 3) == 0.841


def test_frequencies_fall_from_one_towards_one_over_base():
    f = frequencies(8)
    assert f.shape == (4,)
    assert f[0] == 1.0
    assert torch.all(f[1:] < f[:-1])
    assert torch.allclose(f, torch.tensor([10000 ** (-i / 8) for i in (0, 2, 4, 6)]))


def test_sinusoidal_columns_are_sines_and_cosines():
    encoding = sinusoidal_encoding(10, 6)
    f = frequencies(6)
    p = torch.arange(10.0)[:, None]
    assert torch.allclose(encoding[:, 0::2], torch.sin(p * f))
    assert torch.allclose(encoding[:, 1::2], torch.cos(p * f))
    assert encoding[0].tolist() == [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]


def test_odd_width_has_one_more_sine():
    encoding = sinusoidal_encoding(5, 3)
    assert encoding.shape == (5, 3)
    assert torch.allclose(encoding[:, 2], torch.sin(torch.arange(5.0) * frequencies(3)[1]))


def test_every_position_has_a_distinct_signature():
    encoding = sinusoidal_encoding(200, 32)
    distances = torch.cdist(encoding, encoding) + torch.eye(200) * 100
    assert float(distances.min()) > 0.5


def test_similarity_depends_only_on_the_distance():
    encoding = sinusoidal_encoding(100, 32)
    dots = [float(encoding[p] @ encoding[p + 5]) for p in range(90)]
    assert max(dots) - min(dots) < 1e-3


@settings(max_examples=50, deadline=None)
@given(sizes, widths)
def test_sinusoidal_values_within_minus_one_and_one(num_positions, width):
    encoding = sinusoidal_encoding(num_positions, width)
    assert encoding.shape == (num_positions, width)
    assert float(encoding.abs().max()) <= 1.0


@settings(max_examples=50, deadline=None)
@given(sizes, sizes, widths)
def test_first_n_rows_do_not_depend_on_the_length(n, extra, width):
    short, long = sinusoidal_encoding(n, width), sinusoidal_encoding(n + extra, width)
    assert torch.allclose(short, long[:n], atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(sizes, widths)
def test_raw_and_normalized_shapes_and_ranges(num_positions, width):
    raw = raw_index_encoding(num_positions, width)
    normalized = normalized_index_encoding(num_positions, width)
    assert raw.shape == normalized.shape == (num_positions, width)
    assert float(raw.max()) == num_positions - 1
    assert 0 <= float(normalized.min()) and float(normalized.max()) < 1


# --- bad input: one test each ----------------------------------------------------------

ENCODINGS = [sinusoidal_encoding, raw_index_encoding, normalized_index_encoding]


def test_rotate_pairs_turns_each_pair_by_position_times_frequency():
    vectors = torch.tensor([[1.0, 0.0, 1.0, 0.0]]).expand(3, 4)
    rotated = rotate_pairs(vectors, torch.arange(3.0), base=4.0)  # frequencies 1 and 0.5
    expected = torch.tensor([[math.cos(p), math.sin(p), math.cos(p / 2), math.sin(p / 2)]
                             for p in range(3)])
    assert torch.allclose(rotated, expected, atol=1e-6)
    assert torch.allclose(rotated.norm(dim=1), vectors.norm(dim=1))  # a rotation keeps lengths


def test_rotated_scores_depend_only_on_the_distance():
    generator = torch.Generator().manual_seed(0)
    q, k = torch.randn(2, 16, generator=generator)
    positions = torch.arange(10.0)
    scores = rotate_pairs(q.expand(10, 16), positions) @ rotate_pairs(k.expand(10, 16), positions).T
    for offset in range(-9, 10):
        diagonal = scores.diagonal(offset)
        assert torch.allclose(diagonal, diagonal[0].expand_as(diagonal), atol=1e-4)
