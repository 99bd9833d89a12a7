"""Notebook 06's retraining exercise: dropout against the gap between the losses."""

from types import SimpleNamespace

from minillm_helpers.notebook_support.exercises import nb06
from minillm_helpers.training import TrainingHistory


def history(train_loss, val_loss):
    run = TrainingHistory()
    run.record_evaluation(100, train_loss + 0.1, val_loss + 0.05)
    run.record_evaluation(400, train_loss, val_loss)
    return run


WITHOUT = history(0.70, 1.06)  # section 5's model, no dropout: gap 0.36


def test_a_narrower_gap_with_dropout_is_accepted(capsys):
    assert nb06.check_dropout_gap(0.2, history(0.70, 1.03), WITHOUT)
    out = capsys.readouterr().out
    assert out.startswith("Correct!") and "0.33" in out and "0.36" in out


def test_dropout_zero_is_the_model_you_have(capsys):
    assert not nb06.check_dropout_gap(0.0, history(0.70, 1.03), WITHOUT)
    assert "nothing is dropped" in capsys.readouterr().out


def test_a_gap_that_did_not_narrow_enough_is_refused(capsys):
    assert not nb06.check_dropout_gap(0.05, history(0.70, 1.05), WITHOUT)
    assert "not narrower by 0.02" in capsys.readouterr().out


def test_a_narrower_gap_from_a_worse_model_is_refused(capsys):
    # too much dropout: training loss rises more than validation, validation is worse
    assert not nb06.check_dropout_gap(0.6, history(0.95, 1.15), WITHOUT)
    assert "learns less of everything" in capsys.readouterr().out


def test_answers_that_are_not_a_dropout_or_a_history_are_refused(capsys):
    assert not nb06.check_dropout_gap("0.2", history(0.70, 1.03), WITHOUT)
    assert not nb06.check_dropout_gap(1.0, history(0.70, 1.03), WITHOUT)
    assert not nb06.check_dropout_gap(0.2, SimpleNamespace(train_eval=[], val_eval=[]), WITHOUT)
    assert not nb06.check_dropout_gap(0.2, ..., WITHOUT)
    out = capsys.readouterr().out
    assert "a number from 0 up to" in out and "pass the histories" in out
