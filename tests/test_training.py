"""Stage 5, shared with 06: the training loop (minillm_helpers/training.py); its recipe's
parts have their own tests (test_recipe.py)."""

import math
import re
from types import SimpleNamespace

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from minillm_helpers.training import TrainingHistory, estimate_loss, get_batch, train


class Bigram(nn.Module):
    """The smallest next-token model: a table of scores for the next token given this one."""

    def __init__(self, vocab_size, context_length=None):
        super().__init__()
        self.table = nn.Embedding(vocab_size, vocab_size)
        if context_length is not None:
            self.config = SimpleNamespace(context_length=context_length)

    def forward(self, ids, targets=None):
        logits = self.table(ids)  # (B, T, vocab)
        loss = None if targets is None else F.cross_entropy(logits.flatten(0, 1), targets.flatten())
        return logits, loss


def cycle(length=200, period=5):
    return torch.arange(length) % period  # 0 1 2 3 4 0 1 2 ...: the next token is certain


def tiny_model(seed=0, **options):
    torch.manual_seed(seed)
    return Bigram(5, **options)


# ---------------------------------------------------------------- get_batch
@settings(deadline=None)
@given(
    length=st.integers(2, 200),
    batch_size=st.integers(1, 8),
    data=st.data(),
)
def test_targets_are_the_inputs_shifted_by_one(length, batch_size, data):
    context_length = data.draw(st.integers(1, length - 1), label="context_length")
    seed = data.draw(st.integers(0, 1000), label="seed")
    tokens = torch.arange(1000, 1000 + length)  # every token names its own index
    x, y = get_batch(tokens, batch_size, context_length, torch.Generator().manual_seed(seed))
    assert x.shape == y.shape == (batch_size, context_length)
    assert torch.equal(y, x + 1)  # each target is the token right after its input
    assert torch.equal(y[:, :-1], x[:, 1:])
    assert int(y.max()) <= 1000 + length - 1  # never past the end of the data


def test_the_shortest_data_has_exactly_one_window():
    x, y = get_batch(torch.arange(5), 3, 4)
    assert x.tolist() == [[0, 1, 2, 3]] * 3
    assert y.tolist() == [[1, 2, 3, 4]] * 3


def test_the_same_generator_seed_gives_the_same_batch():
    data = torch.arange(100)
    a = get_batch(data, 4, 8, torch.Generator().manual_seed(7))
    b = get_batch(data, 4, 8, torch.Generator().manual_seed(7))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


# ---------------------------------------------------------------- estimate_loss
def test_estimate_loss_uses_fixed_batches_and_restores_the_mode():
    model = tiny_model()
    model.train()
    first = estimate_loss(model, cycle(), 4, 8, num_batches=3)
    second = estimate_loss(model, cycle(), 4, 8, num_batches=3)
    assert first == second
    assert model.training  # put back the way it was
    assert abs(first - math.log(5)) < 2  # an untrained model is near a blind guess


# ---------------------------------------------------------------- train
def test_train_lowers_the_loss_on_a_tiny_problem():
    model = tiny_model()
    data = cycle()
    before = estimate_loss(model, data, 8, 6)
    history = train(model, data, steps=60, batch_size=8, context_length=6, learning_rate=0.1,
                    eval_every=20)
    after = estimate_loss(model, data, 8, 6)
    assert after < 0.1 * before and after < 0.1
    assert history.steps == list(range(1, 61))
    assert len(history.losses) == 60
    assert history.losses[-1] < history.losses[0]
    assert history.eval_steps == [20, 40, 60]
    assert len(history.train_eval) == 3 and history.val_eval == []
    assert history.train_eval[-1] == pytest.approx(after)
    assert not model.training  # train() leaves the model ready to use


def test_train_evaluates_validation_data_and_the_last_step():
    history = train(tiny_model(), cycle(), cycle(50), steps=25, batch_size=4, context_length=6,
                    eval_every=10)
    assert history.eval_steps == [10, 20, 25]
    assert len(history.val_eval) == len(history.train_eval) == 3


def test_train_reports_each_step_after_its_update_and_evaluation():
    """on_step(step, model, history): the model being trained, its weights after the step,
    and the history with the step's loss and any evaluation at that step already in it."""
    model, reports = tiny_model(), []

    def on_step(step, seen, history):
        assert seen is model and seen.training
        weights = seen.table.weight.detach().clone()
        reports.append((step, history.steps[-1], history.losses[-1], list(history.eval_steps),
                        weights))

    history = train(model, cycle(), cycle(50), steps=5, batch_size=2, context_length=4,
                    learning_rate=0.1, eval_every=2, on_step=on_step)
    assert [r[:2] for r in reports] == [(step, step) for step in range(1, 6)]
    assert [r[2] for r in reports] == history.losses  # each step's own loss, in order
    assert [r[3] for r in reports] == [[], [2], [2], [2, 4], [2, 4, 5]]
    assert torch.equal(reports[-1][4], model.table.weight)  # after the last update
    assert not torch.equal(reports[0][4], reports[1][4])  # every step moved the weights


def test_train_without_eval_every_only_records_the_steps():
    history = train(tiny_model(), cycle(), steps=5, batch_size=2, context_length=4)
    assert history.steps == [1, 2, 3, 4, 5] and history.eval_steps == []


def test_context_length_defaults_to_the_models_config():
    history = train(tiny_model(context_length=7), cycle(), steps=3, batch_size=2)
    assert len(history.losses) == 3


def test_the_same_seed_gives_the_same_run():
    runs = [
        train(tiny_model(), cycle(), steps=10, batch_size=4, context_length=6, seed=3).losses
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_history_records_steps_and_evaluations():
    history = TrainingHistory()
    history.record_step(1, 2.5)
    history.record_evaluation(1, 2.4)  # no validation data
    history.record_evaluation(2, 2.2, 2.3)
    assert (history.steps, history.losses) == ([1], [2.5])
    assert (history.eval_steps, history.train_eval, history.val_eval) == ([1, 2], [2.4, 2.2], [2.3])


# ---------------------------------------------------------------- bad input
def test_data_shorter_than_the_context_is_refused():
    with pytest.raises(ValueError, match="too short for a context of 8"):
        train(tiny_model(), torch.arange(8) % 5, steps=1, context_length=8)


def test_validation_data_shorter_than_the_context_is_refused():
    with pytest.raises(ValueError, match="validation data has 3 tokens"):
        train(tiny_model(), cycle(), torch.arange(3), steps=1, context_length=4)


def test_two_dimensional_data_is_refused():
    message = r"the data must have 1 dimension\(s\), got shape \(2, 10\): token IDs in one row"
    with pytest.raises(ValueError, match=message):
        get_batch(torch.zeros(2, 10, dtype=torch.long), 2, 4)


def test_a_python_list_is_refused():
    message = r"the data must be an integer tensor, got list: .*torch.tensor\(tokenizer.encode"
    with pytest.raises(TypeError, match=message):
        get_batch(list(range(20)), 2, 4)


def test_float_data_is_refused():
    with pytest.raises(TypeError, match="an integer tensor, got a torch.float32 tensor"):
        get_batch(torch.arange(20.0), 2, 4)


@pytest.mark.parametrize("context_length", [0, -1])
def test_context_length_below_one_is_refused(context_length):
    with pytest.raises(ValueError, match="context_length must be at least 1"):
        get_batch(cycle(), 2, context_length)


def test_context_length_that_is_not_whole_is_refused():
    with pytest.raises(TypeError, match="context_length must be a whole number"):
        get_batch(cycle(), 2, 2.5)


def test_batch_size_zero_is_refused_by_get_batch():
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        get_batch(cycle(), 0, 4)


@pytest.mark.parametrize("name", ["steps", "batch_size", "eval_every", "eval_batches"])
def test_train_counts_below_one_are_refused(name):
    options = dict(steps=2, batch_size=2, context_length=4)
    options[name] = 0
    with pytest.raises(ValueError, match=f"{name} must be at least 1"):
        train(tiny_model(), cycle(), **options)


def test_train_steps_that_are_not_whole_are_refused():
    with pytest.raises(TypeError, match="steps must be a whole number"):
        train(tiny_model(), cycle(), steps=2.0, context_length=4)


@pytest.mark.parametrize("learning_rate", [0, -0.1, math.nan, math.inf])
def test_bad_learning_rates_are_refused(learning_rate):
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0, got"):
        train(tiny_model(), cycle(), steps=1, context_length=4, learning_rate=learning_rate)


@pytest.mark.parametrize("learning_rate", ["fast", None])
def test_a_learning_rate_that_is_not_a_number_is_refused(learning_rate):
    with pytest.raises(TypeError, match="learning_rate must be a number, got"):
        train(tiny_model(), cycle(), steps=1, context_length=4, learning_rate=learning_rate)


def small_gpt(vocab_size=5):
    from minillm_helpers.model import GPT, GPTConfig

    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size, context_length=4, width=8, num_heads=2, num_layers=1))


@pytest.mark.parametrize("bad", [5, -1])
def test_training_data_outside_the_models_vocabulary_is_refused_before_any_step(bad):
    data = cycle()
    data[57] = bad
    model = small_gpt()
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=rf"ID {bad} at position 57 is outside the vocabulary: "
                                         r"valid IDs are 0 to 4"):
        train(model, data, steps=1, batch_size=2)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


def test_validation_data_outside_the_models_vocabulary_is_refused():
    with pytest.raises(ValueError, match=r"ID 7 at position 3 is outside the vocabulary"):
        train(small_gpt(), cycle(), torch.tensor([0, 1, 2, 7, 4, 0]), steps=1, batch_size=2)


def test_estimate_loss_refuses_ids_outside_the_models_vocabulary():
    with pytest.raises(ValueError, match=r"ID 9 at position 0 is outside the vocabulary"):
        estimate_loss(small_gpt(), torch.tensor([9, 1, 2, 3, 4, 0]), 2, 4, num_batches=1)


def test_missing_context_length_without_a_config_is_refused():
    with pytest.raises(TypeError, match="Pass context_length"):
        train(tiny_model(), cycle(), steps=1)


def test_a_loss_that_blows_up_is_reported():
    class Exploding(Bigram):
        def forward(self, ids, targets=None):
            logits, loss = super().forward(ids, targets)
            return logits, loss * math.inf

    torch.manual_seed(0)
    with pytest.raises(ValueError, match="lower learning_rate"):
        train(Exploding(5), cycle(), steps=2, context_length=4)


def test_estimate_loss_needs_at_least_one_batch():
    with pytest.raises(ValueError, match="num_batches must be at least 1"):
        estimate_loss(tiny_model(), cycle(), 2, 4, num_batches=0)


def test_the_recipe_options_of_train_change_what_they_say():
    from minillm_helpers.model import GPT, GPTConfig

    data = torch.arange(200) % 7

    def trained(**recipe):
        torch.manual_seed(0)
        model = GPT(GPTConfig(vocab_size=7, context_length=8, width=16, num_heads=2))
        history = train(model, data, data, steps=30, batch_size=4, eval_every=30,
                        learning_rate=3e-3, **recipe)
        return model, history

    plain, plain_history = trained()
    for recipe in ({"muon_learning_rate": 0.02}, {"warmup_steps": 10, "final_rate": 0.1},
                   {"ema_decay": 0.9}):
        model, history = trained(**recipe)
        assert history.val_eval[0] < math.log(7), recipe  # it learned something
        assert not torch.equal(model.output.weight, plain.output.weight), recipe
    averaged, history = trained(ema_decay=0.9)
    assert history.losses == plain_history.losses  # the same training steps
    assert history.val_eval != plain_history.val_eval  # measured on the average


@pytest.mark.parametrize(
    ("recipe", "words"),
    [({"muon_learning_rate": 0.0}, "muon_learning_rate must be a finite number > 0"),
     ({"final_rate": 1.5}, "final_rate must be in [0, 1]"),
     ({"ema_decay": 1.0}, "ema_decay must be in [0, 1)"),
     ({"warmup_steps": -1}, "warmup_steps must be at least 0")],
)
def test_train_refuses_a_recipe_that_cannot_work(recipe, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        train(torch.nn.Linear(1, 1), torch.arange(50), steps=1, context_length=4, **recipe)
