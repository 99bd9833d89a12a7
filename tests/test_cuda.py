"""The CUDA path, end to end: train a few steps, save, resume exactly, sample, and the
key/value cache equal to no cache. Runs where PyTorch sees a CUDA GPU; skipped elsewhere."""

import pytest
import torch
from tiny_model import TINY_MODEL, interrupt_after_step

from minillm_helpers.checkpoint import load_model_and_tokenizer
from minillm_helpers.cli.settings import TrainSettings
from minillm_helpers.cli.trainer import run_training
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.sampling import generate

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA GPU (PyTorch sees none here)"
)
QUIET = dict(progress=False, say=lambda *a: None)


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("the cat sat on the mat, and the dog ran to the barn.\n" * 40, encoding="utf-8")
    return path


def settings(text_file, out, **changes):
    sizes = {**TINY_MODEL, "device": "cuda", "dropout": 0.1}
    return TrainSettings(data=str(text_file), out=str(out), **sizes, steps=12, eval_every=4,
                         warmup_steps=3, batch_size=4, eval_batches=2, eval_batch_size=4,
                         plot=False, **changes)


def test_train_on_cuda_save_and_resume_exactly(text_file, tmp_path, monkeypatch):
    """Dropout draws on the GPU: resuming must restore the CUDA random state too."""
    straight = run_training(settings(text_file, tmp_path / "a"), **QUIET)
    assert next(straight.model.parameters()).device.type == "cuda"
    with monkeypatch.context() as patch:
        interrupt_after_step(patch, 5)
        first = run_training(settings(text_file, tmp_path / "b"), **QUIET)
    assert first.interrupted and first.step == 5
    saved = torch.load(tmp_path / "b" / "checkpoint.pt", weights_only=True)
    assert "cuda" in saved["rng"]["processes"][0]
    torch.cuda.manual_seed_all(12345)  # whatever happens in between must not matter
    resumed = run_training(settings(text_file, tmp_path / "b"), resume=True, **QUIET)
    assert resumed.step == 12 and resumed.history == straight.history
    for key, value in straight.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[key], value), key


def test_sample_from_a_cuda_run_and_the_cache_changes_nothing(text_file, tmp_path):
    run_training(settings(text_file, tmp_path / "run"), **QUIET)
    model, tokenizer = load_model_and_tokenizer(tmp_path / "run")
    model = model.cuda()
    ids = tokenizer.encode("the ")
    cached = generate(model, ids, 30, temperature=0, use_cache=True)
    plain = generate(model, ids, 30, temperature=0)
    assert cached == plain
    assert generate(model, ids, 30, seed=3, use_cache=True) == generate(model, ids, 30, seed=3)


def test_cached_logits_equal_the_full_forward_on_cuda():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, context_length=16, width=32, num_heads=4)).cuda().eval()
    ids = torch.randint(11, (2, 10), device="cuda")
    full = model(ids)[0]
    model.use_cache()
    steps = [model(ids[:, :6])[0]] + [model(ids[:, t : t + 1])[0] for t in range(6, 10)]
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-4, rtol=1e-4)
