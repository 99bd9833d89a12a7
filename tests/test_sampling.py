"""Stage 6: from scores to a choice (minillm_helpers/sampling.py)."""

import math

import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from minillm_helpers.checks import check_sampling_settings
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.sampling import entropy, generate, next_token_probabilities, probabilities

VOCAB, CONTEXT = 19, 8


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=VOCAB, context_length=CONTEXT, width=16, num_heads=2,
                         num_layers=1)).eval()


MODEL = tiny_model()

scores = st.lists(st.floats(-10, 10, allow_nan=False, width=32), min_size=2, max_size=30)
whole_scores = st.lists(st.integers(-4, 4), min_size=2, max_size=30)  # plenty of ties


def as_logits(values):
    return torch.tensor(values, dtype=torch.float64)


def largest(values, default):
    return float(values.max()) if values.numel() else default


# ---------------------------------------------------------------- temperature
@given(scores)
def test_temperature_zero_puts_everything_on_the_argmax(values):
    logits = as_logits(values)
    probs = probabilities(logits, temperature=0)
    assert probs.sum() == 1 and probs.max() == 1
    assert int(probs.argmax()) == int(logits.argmax())


@given(scores, st.floats(1e-30, 1e-3))
def test_temperature_near_zero_equals_argmax(values, temperature):
    logits = as_logits(values)
    top_two = torch.topk(logits, 2).values
    assume(float(top_two[0] - top_two[1]) >= 0.05)  # a clear winner
    probs = probabilities(logits, temperature)
    assert int(probs.argmax()) == int(logits.argmax())
    assert float(probs.max()) > 1 - 1e-9
    assert torch.isfinite(probs).all()  # no overflow even at 1e-30


@given(scores, st.floats(0.05, 20), st.floats(0.05, 20))
def test_entropy_grows_with_temperature(values, t1, t2):
    logits = as_logits(values)
    low, high = sorted((t1, t2))
    assert entropy(probabilities(logits, low)) <= entropy(probabilities(logits, high)) + 1e-9


def test_temperature_divides_the_scores_before_softmax():
    logits = torch.tensor([2.0, 1.0, 0.0])
    expected = torch.softmax(logits / 2, dim=-1)
    torch.testing.assert_close(probabilities(logits, temperature=2), expected)
    torch.testing.assert_close(probabilities(logits), torch.softmax(logits, dim=-1))


def test_a_very_high_temperature_approaches_uniform():
    probs = probabilities(torch.tensor([5.0, 1.0, -3.0, 0.0]), temperature=1e6)
    assert entropy(probs) == pytest.approx(math.log(4), abs=1e-4)


# ---------------------------------------------------------------- top-k and top-p
@given(whole_scores, st.data())
def test_top_k_leaves_exactly_k_candidates(values, data):
    logits = as_logits(values)
    k = data.draw(st.integers(1, len(values)))
    probs = probabilities(logits, top_k=k)
    kept = probs > 0
    assert int(kept.sum()) == k  # exactly k, even when scores tie
    assert float(logits[kept].min()) >= largest(logits[~kept], -math.inf)
    assert float(probs.sum()) == pytest.approx(1.0)


@given(scores, st.floats(0.01, 1.0))
def test_top_p_keeps_the_smallest_set_that_reaches_p(values, p):
    logits = as_logits(values)
    full = probabilities(logits)
    probs = probabilities(logits, top_p=p)
    kept = probs > 0
    assert float(full[kept].min()) >= largest(full[~kept], 0.0)  # the best ones
    mass = float(full[kept].sum())
    assert mass >= p - 1e-9  # reaches p...
    assert mass - float(full[kept].min()) < p + 1e-9  # ...and one fewer would not
    torch.testing.assert_close(probs[kept], full[kept] / mass)  # survivors renormalised


def test_top_p_worked_example():
    probs = torch.tensor([0.5, 0.3, 0.15, 0.05])
    logits = probs.log()
    assert (probabilities(logits, top_p=0.75) > 0).tolist() == [True, True, False, False]
    assert (probabilities(logits, top_p=0.85) > 0).tolist() == [True, True, True, False]
    assert (probabilities(logits, top_p=0.4) > 0).tolist() == [True, False, False, False]
    assert (probabilities(logits, top_p=1.0) > 0).all()


def test_batches_are_filtered_row_by_row():
    logits = torch.tensor([[3.0, 2.0, 1.0, 0.0], [0.0, 1.0, 2.0, 3.0]])
    probs = probabilities(logits, top_k=2)
    assert (probs > 0).tolist() == [[True, True, False, False], [False, False, True, True]]
    torch.testing.assert_close(probs.sum(-1), torch.ones(2))


# ---------------------------------------------------------------- entropy
def test_entropy_of_a_sure_thing_and_of_a_fair_die():
    assert entropy(torch.tensor([0.0, 1.0, 0.0])) == 0
    assert entropy(torch.full((6,), 1 / 6)) == pytest.approx(math.log(6))


# ---------------------------------------------------------------- generation
def test_next_token_probabilities_is_softmax_of_the_last_position():
    ids = [3, 1, 4, 1, 5]
    with torch.no_grad():
        logits = MODEL(torch.tensor([ids]))[0][0, -1]
    torch.testing.assert_close(next_token_probabilities(MODEL, ids), torch.softmax(logits, -1))


def test_next_token_probabilities_reads_only_the_last_context_tokens():
    long = list(range(VOCAB)) * 2
    torch.testing.assert_close(next_token_probabilities(MODEL, long),
                               next_token_probabilities(MODEL, long[-CONTEXT:]))


def test_the_same_seed_gives_the_same_text():
    first = generate(MODEL, [1, 2], 20, temperature=1.0, seed=7)
    assert first == generate(MODEL, [1, 2], 20, temperature=1.0, seed=7)
    assert first != generate(MODEL, [1, 2], 20, temperature=1.0, seed=8)
    assert len(first) == 20 and all(0 <= i < VOCAB for i in first)


def test_no_seed_draws_fresh_randomness_and_an_int_seed_repeats():
    """seed=None draws its own fresh randomness: two calls differ even when the global seed is
    reset before each (so neither a fixed default nor torch's global generator would pass).
    200 tokens from 19 near-uniform choices: a chance collision is out of the question."""
    texts = []
    for _ in range(2):
        torch.manual_seed(0)
        texts.append(generate(MODEL, [1, 2], 200, temperature=1.0, seed=None))
    assert texts[0] != texts[1]
    assert generate(MODEL, [1, 2], 200, seed=5) == generate(MODEL, [1, 2], 200, seed=5)


def test_greedy_generation_takes_the_argmax_one_token_at_a_time():
    sequence = [5]
    for _ in range(12):  # past the context of 8: the window slides
        with torch.no_grad():
            logits = MODEL(torch.tensor([sequence[-CONTEXT:]]))[0]
        sequence.append(int(logits[0, -1].argmax()))
    assert generate(MODEL, [5], 12, temperature=0, seed=123) == sequence[1:]


def test_a_prompt_longer_than_the_context_is_cropped():
    prompt = list(range(VOCAB))  # 19 tokens, context 8
    assert generate(MODEL, prompt, 3, temperature=0) == generate(MODEL, prompt[-CONTEXT:], 3,
                                                                  temperature=0)


def test_top_k_one_is_greedy():
    assert generate(MODEL, [2], 10, top_k=1, seed=3) == generate(MODEL, [2], 10, temperature=0)


def test_zero_new_tokens_and_the_training_mode_is_restored():
    model = tiny_model().train()
    assert generate(model, [1], 0) == []
    generate(model, [1], 2)
    assert model.training
    next_token_probabilities(model, [1])
    assert model.training


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("temperature", [-0.5, -1])
def test_a_negative_temperature_is_refused(temperature):
    with pytest.raises(ValueError, match=r"temperature must be a finite number >= 0, got -"):
        generate(MODEL, [1], 3, temperature=temperature)


@pytest.mark.parametrize("temperature", [math.nan, math.inf, -math.inf])
def test_a_non_finite_temperature_is_refused(temperature):
    message = r"temperature must be a finite number >= 0, got (nan|-?inf)"
    with pytest.raises(ValueError, match=message):
        generate(MODEL, [1], 3, temperature=temperature)


@pytest.mark.parametrize("temperature", ["hot", None, True])
def test_a_temperature_that_is_not_a_number_is_refused(temperature):
    with pytest.raises(TypeError, match="temperature must be a number"):
        check_sampling_settings(temperature)


@pytest.mark.parametrize("top_k", [0, -3])
def test_top_k_below_one_is_refused(top_k):
    with pytest.raises(ValueError, match=rf"top_k must be at least 1, got {top_k}: the k"):
        next_token_probabilities(MODEL, [1], top_k=top_k)


@pytest.mark.parametrize("top_k", [2.5, True, "3"])
def test_top_k_that_is_not_whole_is_refused(top_k):
    with pytest.raises(TypeError, match=r"top_k must be a whole number \(an int\)"):
        next_token_probabilities(MODEL, [1], top_k=top_k)


@pytest.mark.parametrize("top_p", [0, -0.1, 1.5, math.nan])
def test_top_p_outside_zero_one_is_refused(top_p):
    with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\]"):
        generate(MODEL, [1], 3, top_p=top_p)


def test_a_negative_token_count_is_refused():
    with pytest.raises(ValueError, match=r"max_new_tokens must be at least 0, got -1"):
        generate(MODEL, [1], -1)


def test_a_fractional_token_count_is_refused():
    with pytest.raises(TypeError, match=r"max_new_tokens must be a whole number \(an int\)"):
        generate(MODEL, [1], 2.0)


def test_an_empty_prompt_is_refused():
    with pytest.raises(ValueError, match="at least one prompt token"):
        generate(MODEL, [], 3)
    with pytest.raises(ValueError, match="at least one prompt token"):
        next_token_probabilities(MODEL, [])


@pytest.mark.parametrize("prompt", [[1, VOCAB], [-1, 2]])
@pytest.mark.parametrize("use_cache", [False, True])
def test_a_prompt_id_outside_the_vocabulary_is_refused_by_generate(prompt, use_cache):
    bad = VOCAB if VOCAB in prompt else -1
    message = rf"ID {bad} at position {prompt.index(bad)} is outside the vocabulary: " \
              rf"valid IDs are 0 to {VOCAB - 1}\. Use IDs from the tokenizer"
    with pytest.raises(ValueError, match=message):
        generate(MODEL, prompt, 3, use_cache=use_cache)


@pytest.mark.parametrize("prompt", [[1, VOCAB], [-1, 2], torch.tensor([3, VOCAB + 5])])
def test_a_prompt_id_outside_the_vocabulary_is_refused_by_next_token_probabilities(prompt):
    bad = int(max(prompt)) if int(max(prompt)) >= VOCAB else -1
    message = rf"ID {bad} at position 1 is outside the vocabulary: valid IDs are 0 to 18\."
    if bad == -1:
        message = r"ID -1 at position 0 is outside the vocabulary"
    with pytest.raises(ValueError, match=message):
        next_token_probabilities(MODEL, prompt)


def test_a_prompt_id_is_checked_before_the_window_is_cut():
    """The check reads the whole prompt, not only the window the model sees."""
    with pytest.raises(ValueError, match=r"ID 19 at position 0 is outside"):
        next_token_probabilities(MODEL, [VOCAB] + [1] * (2 * CONTEXT))


def test_scores_with_some_minus_infinity_are_fine():
    probs = probabilities(torch.tensor([[0.0, -math.inf], [-math.inf, 1.0]]))
    assert probs.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_numpy_numbers_are_accepted():
    np = pytest.importorskip("numpy")
    settings = dict(temperature=np.float32(0.7), top_k=np.int64(5), top_p=np.float64(0.9))
    new = generate(MODEL, [1, 2], np.int32(4), seed=3, **settings)
    assert new == generate(MODEL, [1, 2], 4, temperature=0.7, top_k=5, top_p=0.9, seed=3)
    assert len(new) == 4
