"""Stage 2: embedding tables, cosine similarity, neighbours, and the next-word model."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from minillm_helpers.checks import check_ids
from minillm_helpers.embeddings import (
    NextWordModel,
    cosine_similarity,
    embed,
    nearest_neighbours,
    next_word_examples,
    one_hot,
    project_2d,
    train_next_word_model,
)
from minillm_helpers.notebook_support.corpus import load_corpus
from minillm_helpers.tokenizer import WordTokenizer

# ---------------------------------------------------------------- one-hot and lookup


def test_one_hot_puts_a_single_one_at_each_id():
    vectors = one_hot([2, 0, 2], 4)
    assert vectors.dtype == torch.float32
    assert vectors.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 1, 0]]


def test_one_hot_keeps_the_shape_of_the_ids():
    assert one_hot(torch.tensor([[1, 2, 3], [0, 0, 0]]), 5).shape == (2, 3, 5)
    assert one_hot(torch.tensor(3), 5).tolist() == [0, 0, 0, 1, 0]
    assert one_hot([], 3).shape == (0, 3)


def test_embed_picks_rows_of_the_table():
    table = torch.arange(12.0).reshape(4, 3)
    assert embed([3, 1], table).tolist() == [[9, 10, 11], [3, 4, 5]]
    assert embed(torch.tensor([[0], [2]]), table).shape == (2, 1, 3)


ids_and_vocab = st.integers(1, 30).flatmap(
    lambda v: st.tuples(st.just(v), st.lists(st.integers(0, v - 1), min_size=1, max_size=20))
)


@settings(max_examples=60, deadline=None)
@given(ids_and_vocab, st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_lookup_equals_one_hot_times_table_and_nn_embedding(vocab_and_ids, width, seed):
    vocab_size, ids = vocab_and_ids
    table = torch.randn(vocab_size, width, generator=torch.Generator().manual_seed(seed))
    looked_up = embed(ids, table)
    assert torch.equal(one_hot(ids, vocab_size) @ table, looked_up)
    assert torch.equal(nn.Embedding.from_pretrained(table)(torch.tensor(ids)), looked_up)


def test_check_ids_returns_long_ids():
    assert check_ids([1, 2], 3).dtype == torch.long
    assert check_ids(torch.tensor([1, 2], dtype=torch.int32), 3).dtype == torch.long


# ---------------------------------------------------------------- cosine similarity


def test_cosine_of_same_right_angle_and_opposite_directions():
    x = torch.tensor([1.0, 2.0])
    assert math.isclose(float(cosine_similarity(x, torch.tensor([3.0, 6.0]))), 1.0, rel_tol=1e-6)
    assert abs(float(cosine_similarity(x, torch.tensor([-2.0, 1.0])))) < 1e-7
    assert math.isclose(float(cosine_similarity(x, -x)), -1.0, rel_tol=1e-6)


def test_cosine_broadcasts_to_every_pair():
    table = torch.randn(5, 7, generator=torch.Generator().manual_seed(0))
    pairs = cosine_similarity(table[:, None], table[None, :])
    assert pairs.shape == (5, 5)
    assert torch.allclose(pairs.diagonal(), torch.ones(5))
    assert torch.allclose(pairs, pairs.T)
    assert torch.allclose(pairs[1, 3], cosine_similarity(table[1], table[3]))


vectors = st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=10)


@settings(max_examples=100, deadline=None)
@given(vectors, vectors, st.floats(0.01, 100))
def test_cosine_matches_torch_and_ignores_length(a, b, scale):
    n = min(len(a), len(b))
    a, b = torch.tensor(a[:n]), torch.tensor(b[:n])
    if a.norm() < 1e-3 or b.norm() < 1e-3:
        return
    ours = cosine_similarity(a, b)
    assert -1.0001 <= float(ours) <= 1.0001
    assert torch.allclose(ours, torch.nn.functional.cosine_similarity(a, b, dim=0), atol=1e-5)
    assert torch.allclose(cosine_similarity(a * scale, b), ours, atol=1e-5)
    assert torch.allclose(cosine_similarity(b, a), ours, atol=1e-6)


def test_random_vectors_have_cosines_near_zero_spread_one_over_sqrt_width():
    width = 128
    table = torch.randn(200, width, generator=torch.Generator().manual_seed(0))
    pairs = cosine_similarity(table[:, None], table[None, :])
    upper = pairs[torch.triu_indices(200, 200, offset=1).unbind()]
    assert abs(float(upper.mean())) < 0.01
    assert abs(float(upper.std()) - width**-0.5) < 0.1 * width**-0.5


# ---------------------------------------------------------------- nearest neighbours

WORDS = ["king", "queen", "apple", "orange", "stone"]
TABLE = torch.tensor([[1.0, 0.1, 0.0], [0.9, 0.2, 0.0], [0.0, 1.0, 0.1],
                      [0.1, 0.9, 0.0], [-1.0, 0.0, 0.0]])


def test_nearest_neighbours_rank_by_cosine_and_skip_the_word_itself():
    found = nearest_neighbours("king", WORDS, TABLE, k=4)
    assert [word for word, _ in found] == ["queen", "orange", "apple", "stone"]
    cosines = [cosine for _, cosine in found]
    assert cosines == sorted(cosines, reverse=True)
    assert all(isinstance(c, float) for c in cosines)
    assert math.isclose(cosines[0], float(cosine_similarity(TABLE[0], TABLE[1])), rel_tol=1e-6)
    assert math.isclose(cosines[-1], float(cosine_similarity(TABLE[0], TABLE[4])), rel_tol=1e-6)


def test_nearest_neighbours_returns_k_pairs_and_accepts_a_tuple_vocabulary():
    assert len(nearest_neighbours("apple", tuple(WORDS), TABLE, k=2)) == 2
    assert nearest_neighbours("apple", WORDS, TABLE, k=1)[0][0] == "orange"


def test_nearest_neighbours_of_a_trainable_table():
    table = TABLE.clone().requires_grad_()
    assert nearest_neighbours("queen", WORDS, table, k=1)[0][0] == "king"


# ---------------------------------------------------------------- 2-D projection


def test_project_2d_keeps_a_flat_picture_exactly():
    flat = torch.tensor([[0.0, 0.0], [3.0, 0.0], [0.0, 1.0], [3.0, 1.0]])
    rotation, _ = torch.linalg.qr(torch.randn(6, 6, generator=torch.Generator().manual_seed(0)))
    wide = torch.cat([flat, torch.zeros(4, 4)], dim=1) @ rotation.T  # the same points, in 6-D
    points = project_2d(wide)
    assert points.shape == (4, 2)
    assert torch.allclose(torch.cdist(points, points), torch.cdist(flat, flat), atol=1e-5)
    assert torch.allclose(points.mean(dim=0), torch.zeros(2), atol=1e-6)
    spread = points.var(dim=0)
    assert spread[0] > spread[1]  # the first axis is the widest spread


def test_project_2d_does_not_depend_on_the_order_of_the_rows():
    # SVD may flip a direction's sign for reordered rows; project_2d fixes the signs.
    table = torch.randn(10, 5, generator=torch.Generator().manual_seed(3))
    order = torch.randperm(10, generator=torch.Generator().manual_seed(4))
    assert torch.allclose(project_2d(table)[order], project_2d(table[order]), atol=1e-5)


# ---------------------------------------------------------------- the next-word model


def test_next_word_examples_pair_each_word_with_the_next():
    inputs, targets = next_word_examples(torch.tensor([4, 5, 6, 7]))
    assert inputs.tolist() == [[4], [5], [6]] and targets.tolist() == [5, 6, 7]
    inputs, targets = next_word_examples([4, 5, 6, 7], context=2)
    assert inputs.tolist() == [[4, 5], [5, 6]] and targets.tolist() == [6, 7]


def test_model_scores_every_word_and_starts_small():
    torch.manual_seed(0)
    model = NextWordModel(50, 16, context=3)
    assert model(torch.zeros(7, 3, dtype=torch.long)).shape == (7, 50)
    assert model.embedding.weight.shape == (50, 16)
    assert 0.08 < float(model.embedding.weight.detach().std()) < 0.12


def test_model_averages_the_context_vectors():
    torch.manual_seed(0)
    model = NextWordModel(10, 4, context=2)
    both = model(torch.tensor([[1, 3]]))
    vector = (model.embedding.weight[1] + model.embedding.weight[3]) / 2
    assert torch.allclose(both, model.output(vector)[None])


def test_training_lowers_the_loss_and_is_reproducible():
    ids = torch.tensor([0, 1, 2, 3] * 50)  # each word always followed by the same one
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = NextWordModel(4, 8)
        runs.append(train_next_word_model(model, ids, steps=60, batch_size=32))
    assert runs[0] == runs[1]
    assert len(runs[0]) == 60
    assert runs[0][-1] < 0.2 < math.log(4) - 0.5 < runs[0][0]
    predicted = model(torch.tensor([[0], [1], [2], [3]])).argmax(dim=1)
    assert predicted.tolist() == [1, 2, 3, 0]


def test_training_on_the_corpus_puts_partners_together():
    # The notebook's claim, with the notebook's settings.
    text = load_corpus().lower()
    tok = WordTokenizer.from_text(text)
    ids = torch.tensor(tok.encode(text))
    torch.manual_seed(0)
    model = NextWordModel(tok.vocab_size, 128)
    before = model.embedding.weight.detach().clone()
    losses = train_next_word_model(model, ids)
    after = model.embedding.weight.detach()
    words = ["king", "queen", "apple", "orange", "cat", "dog"]
    rows = [tok.unit_to_id[w] for w in words]
    for table, trained in ((before, False), (after, True)):
        cos = cosine_similarity(table[rows][:, None], table[rows][None, :])
        for i in range(0, 6, 2):
            others = [k for k in range(6) if k // 2 != i // 2]
            for a, b in ((i, i + 1), (i + 1, i)):
                if trained:
                    assert cos[a, b] > cos[a, others].max() + 0.3, (words[a], words[b])
                else:
                    assert abs(cos[a, b]) < 0.3
    assert sum(losses[-20:]) / 20 < 1.4 < 4 < losses[0]
    for word, partner in [("king", "queen"), ("apple", "orange"), ("dog", "cat")]:
        assert nearest_neighbours(word, tok.vocabulary, after, k=1)[0][0] == partner


# ---------------------------------------------------------------- bad input, one test each


def test_one_hot_rejects_an_id_past_the_vocabulary():
    message = r"ID 5 at position 1 is outside the vocabulary: valid IDs are 0 to 3"
    with pytest.raises(ValueError, match=message):
        one_hot([2, 5], 4)


def test_one_hot_rejects_a_negative_id():
    with pytest.raises(ValueError, match=r"ID -1 at position 0 is outside the vocabulary"):
        one_hot([-1], 4)


def test_ids_outside_in_a_batch_name_their_place():
    with pytest.raises(ValueError, match=r"ID 9 at position \(1, 0\)"):
        embed(torch.tensor([[0, 1], [9, 0]]), torch.zeros(4, 2))


def test_float_ids_are_refused():
    with pytest.raises(TypeError, match=r"whole numbers, got dtype torch.float32"):
        one_hot(torch.tensor([1.0, 2.0]), 4)


def test_text_instead_of_ids_is_refused():
    with pytest.raises(TypeError, match=r"Token IDs must be whole numbers, got \['king'\]"):
        embed(["king"], torch.zeros(4, 2))


def test_boolean_ids_are_refused():
    with pytest.raises(TypeError, match=r"got dtype torch.bool"):
        one_hot(torch.tensor([True, False]), 2)


def test_nearest_neighbours_rejects_an_unknown_word():
    message = r"word must be one of \('king', .*\), got 'King': .*lowercase"
    with pytest.raises(ValueError, match=message):
        nearest_neighbours("King", WORDS, TABLE)


def test_nearest_neighbours_rejects_a_word_that_is_not_text():
    with pytest.raises(ValueError, match=r"word must be one of .*, got None"):
        nearest_neighbours(None, WORDS, TABLE)


def test_training_rejects_ids_outside_the_models_vocabulary():
    message = r"ID 10 at position 2 is outside the vocabulary: valid IDs are 0 to 9"
    with pytest.raises(ValueError, match=message):
        train_next_word_model(NextWordModel(10, 4), [1, 2, 10, 3], steps=1)
