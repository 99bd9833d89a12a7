"""Training checkpoints: complete, safe to load (weights_only), never half-written."""

import os

import pytest
import torch

from minillm_helpers.checkpoint import (
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
    save_training_checkpoint,
    tokenizer_from_state,
    tokenizer_state,
)
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.tokenizer import CharTokenizer, WordTokenizer


def trained_parts():
    torch.manual_seed(0)
    tokenizer = CharTokenizer.from_text("hello world")
    model = GPT(
        GPTConfig(
            vocab_size=tokenizer.vocab_size, context_length=8, width=8, num_heads=2, num_layers=1
        )
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, betas=(0.9, 0.99))
    ids = torch.randint(tokenizer.vocab_size, (2, 8))
    model(ids, ids)[1].backward()
    optimizer.step()
    return model, tokenizer, optimizer


def test_training_checkpoint_round_trip(tmp_path):
    model, tokenizer, optimizer = trained_parts()
    rng = {"torch": torch.get_rng_state(), "batches": torch.Generator().manual_seed(3).get_state()}
    history = {"steps": [1], "losses": [2.5], "eval_steps": [], "train_eval": [], "val_eval": []}
    path = save_training_checkpoint(
        tmp_path, model, tokenizer, optimizer, 1, {"seed": 0}, rng, history
    )
    assert path == tmp_path / "checkpoint.pt"
    state = load_checkpoint(tmp_path, training=True)  # the folder works as well as the file
    assert state["step"] == 1 and state["history"] == history and state["settings"] == {"seed": 0}
    assert torch.equal(state["rng"]["batches"], rng["batches"])
    assert tokenizer_from_state(state["tokenizer"]).vocabulary == tokenizer.vocabulary
    for key, value in model.state_dict().items():
        assert torch.equal(state["model"][key], value)


def test_a_restored_optimizer_takes_the_same_next_step(tmp_path):
    """The saved optimizer state (moments, step count, settings) gives the very update the
    original optimizer would take next."""
    model, tokenizer, optimizer = trained_parts()
    path = save_training_checkpoint(tmp_path, model, tokenizer, optimizer, 1, {}, {}, {})
    state = load_checkpoint(path, training=True)
    copy = GPT(model.config)
    copy.load_state_dict(state["model"])
    restored = torch.optim.AdamW(copy.parameters(), lr=0.5, betas=(0.5, 0.5))  # all overwritten
    restored.load_state_dict(state["optimizer"])
    ids = torch.randint(tokenizer.vocab_size, (2, 8), generator=torch.Generator().manual_seed(1))
    for net, opt in ((model, optimizer), (copy, restored)):
        opt.zero_grad()
        net(ids, ids)[1].backward()
        opt.step()
    after_one_step = dict(trained_parts()[0].named_parameters())
    for (name, p), q in zip(model.named_parameters(), copy.parameters(), strict=True):
        assert torch.equal(p, q), name
        assert not torch.equal(p, after_one_step[name]), f"{name} did not move"


class RunsCode:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_a_checkpoint_that_would_run_code_is_refused_unexecuted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.save({"format": "minillm-checkpoint-1", "payload": RunsCode()}, tmp_path / "evil.pt")
    with pytest.raises(CheckpointError, match="refused without running"):
        load_checkpoint(tmp_path / "evil.pt", training=True)
    assert not (tmp_path / "PWNED").exists()


def test_a_foreign_checkpoint_is_refused(tmp_path):
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a minillm checkpoint"):
        load_checkpoint(tmp_path / "other.pt", training=True)


def test_a_model_only_checkpoint_cannot_be_resumed(tmp_path):
    model, tokenizer, _ = trained_parts()
    save_checkpoint(tmp_path / "model.pt", model, tokenizer)
    with pytest.raises(CheckpointError, match="missing optimizer"):
        load_checkpoint(tmp_path / "model.pt", training=True)


def test_a_truncated_checkpoint_is_refused(tmp_path):
    model, tokenizer, optimizer = trained_parts()
    path = save_training_checkpoint(tmp_path, model, tokenizer, optimizer, 1, {}, {}, {})
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="loaded safely"):
        load_checkpoint(path, training=True)


def test_a_failed_write_leaves_the_old_checkpoint_whole(tmp_path, monkeypatch):
    model, tokenizer, optimizer = trained_parts()
    path = save_training_checkpoint(tmp_path, model, tokenizer, optimizer, 1, {}, {}, {})
    before = path.read_bytes()

    def crash_midway(obj, file):
        file.write(b"half a checkpoint")
        raise KeyboardInterrupt  # e.g. Ctrl-C while writing

    monkeypatch.setattr(torch, "save", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        save_training_checkpoint(tmp_path, model, tokenizer, optimizer, 2, {}, {}, {})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt"]  # no temporary left


@pytest.mark.parametrize("tokenizer", [
    CharTokenizer(list("dehlorw ")),
    CharTokenizer.from_text("héllo wörld ✓", unknown="\ufffd"),
    WordTokenizer.from_text("The cat sat.", unknown="<unk>"),
])
def test_a_tokenizer_is_saved_as_its_kind_and_vocabulary(tokenizer):
    state = tokenizer_state(tokenizer)
    assert state == {"kind": tokenizer.kind, "vocabulary": tokenizer.vocabulary,
                     "unknown": tokenizer.unknown}
    loaded = tokenizer_from_state(state)
    assert type(loaded) is type(tokenizer) and loaded.vocabulary == tokenizer.vocabulary
    assert loaded.unknown == tokenizer.unknown


@pytest.mark.parametrize("state", [{"kind": "bpe", "vocabulary": ["a"]}, {}, ["a"],
                                   {"kind": "char", "vocabulary": ["a", "a"]}])
def test_a_damaged_tokenizer_section_is_a_checkpoint_error(state):
    with pytest.raises(CheckpointError, match=r"tokenizer section is damaged"):
        tokenizer_from_state(state)
