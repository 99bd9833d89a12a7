"""The training recipe (minillm_helpers/recipe.py): Muon and AdamW, the schedule, the
moving average of the weights, and their state, which a checkpoint carries."""

import copy

import pytest
import torch

from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.recipe import BatchedMuon, Recipe, build_recipe, mean_then_ema


def tiny_gpt(seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=7, context_length=8, width=16, num_heads=2, num_layers=2))


def test_muon_takes_the_blocks_matrices_and_adamw_the_rest():
    model = tiny_gpt()
    recipe = build_recipe(model, steps=10, learning_rate=1e-3, muon_learning_rate=0.02)
    muon, adamw = recipe.optimizers
    assert isinstance(muon, BatchedMuon) and isinstance(adamw, torch.optim.AdamW)
    assert muon.param_groups[0]["momentum"] == 0.85  # the recipe's, not torch's 0.95
    names = {id(p): n for n, p in model.named_parameters()}
    in_muon = {names[id(p)] for g in muon.param_groups for p in g["params"]}
    in_adamw = {names[id(p)] for g in adamw.param_groups for p in g["params"]}
    assert in_muon == {n for n, p in model.named_parameters() if n.startswith("blocks.")
                       and p.dim() == 2}
    assert in_muon.isdisjoint(in_adamw) and in_muon | in_adamw == set(names.values())
    assert {"token_embedding.weight", "output.weight"} <= in_adamw
    groups = [g for optimizer in recipe.optimizers for g in optimizer.param_groups]
    assert [g["initial_lr"] for g in groups] == [0.02, 1e-3, 1e-3]
    assert [g["weight_decay"] for g in groups] == [0.1, 0.1, 0.0]
    [alone] = build_recipe(model, steps=10, learning_rate=1e-3).optimizers  # AdamW alone
    assert isinstance(alone, torch.optim.AdamW)


def test_each_group_gets_its_peak_times_the_schedule_at_each_step():
    a, b = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    first, second = torch.optim.SGD([a], lr=1.0), torch.optim.SGD([b], lr=0.1)
    recipe = Recipe(None, [first, second], schedule=lambda step: 0.5**step)
    for step in (1, 2, 3):
        assert first.param_groups[0]["lr"] == pytest.approx(0.5**step)  # this step's rate
        assert second.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5**step)
        a.grad, b.grad = torch.ones(2), torch.ones(2)
        recipe.step()
    assert a.tolist() == pytest.approx([1 - 0.5 - 0.25 - 0.125] * 2)


def test_the_average_is_the_plain_mean_then_a_moving_average():
    """What notebook 07 describes, bit for bit: a <- a + (1 - d) (p - a) at step s with
    d = min(decay, (s - 1) / s)."""
    torch.manual_seed(0)
    trained = torch.nn.Linear(5, 3)
    expected = copy.deepcopy(trained)
    averaged = torch.optim.swa_utils.AveragedModel(trained, multi_avg_fn=mean_then_ema(0.9))
    for step in range(1, 40):
        with torch.no_grad():
            for p in trained.parameters():
                p.add_(torch.randn_like(p))
            weight = 1 - min(0.9, (step - 1) / step)
            for e, p in zip(expected.parameters(), trained.parameters(), strict=True):
                e.lerp_(p, weight)
        averaged.update_parameters(trained)
    for e, a in zip(expected.parameters(), averaged.module.parameters(), strict=True):
        assert torch.equal(e, a)


def train_some(recipe, model, batches) -> None:
    for x in batches:
        recipe.zero_grad()
        model(x[:, :-1], x[:, 1:])[1].backward()
        recipe.step()


@pytest.mark.parametrize("muon", [None, 0.02], ids=["adamw", "muon"])
def test_a_recipe_continues_exactly_from_its_saved_state(muon):
    """A fresh model and recipe given the weights and state_dict() of another after 3 of
    8 steps take the same 5 steps after them: the optimizers, the schedules and the
    average's count are all in the state (the weights are the checkpoint's own)."""
    batches = torch.randint(7, (8, 4, 9), generator=torch.Generator().manual_seed(1))
    options = dict(steps=8, learning_rate=1e-2, muon_learning_rate=muon, warmup_steps=2,
                   final_rate=0.1, ema_decay=0.5)
    model = tiny_gpt()
    straight = build_recipe(model, **options)
    train_some(straight, model, batches[:3])
    resumed_model = tiny_gpt(seed=1)  # other weights: all of them come from the save
    resumed = build_recipe(resumed_model, **options)
    resumed_model.load_state_dict(model.state_dict())
    resumed.evaluated.load_state_dict(straight.evaluated.state_dict())
    resumed.load_state_dict(copy.deepcopy(straight.state_dict()))
    assert resumed.state_dict()["averaged_updates"] == 3
    train_some(straight, model, batches[3:])
    train_some(resumed, resumed_model, batches[3:])
    for ours, theirs in ((resumed_model, model), (resumed.evaluated, straight.evaluated)):
        for key, value in theirs.state_dict().items():
            assert torch.equal(ours.state_dict()[key], value), key


def test_a_state_for_other_optimizers_is_refused():
    model = tiny_gpt()
    adamw_only = build_recipe(model, steps=4, learning_rate=1e-3).state_dict()
    with pytest.raises(ValueError, match="another set of optimizers"):
        build_recipe(model, steps=4, learning_rate=1e-3, muon_learning_rate=0.02).load_state_dict(
            adamw_only
        )


def torch_muon(params):
    return torch.optim.Muon(params, lr=0.01, momentum=0.9, adjust_lr_fn="match_rms_adamw")


def step_with(optimizer, params, grads) -> None:
    for p, g in zip(params, grads, strict=True):
        p.grad = g.clone()
    optimizer.step()


def assert_same_moves(ours, theirs, start) -> None:
    """The same update up to bfloat16 rounding (batched products round a little apart)."""
    for a, b, before in zip(ours, theirs, start, strict=True):
        assert torch.linalg.norm(a.detach() - b.detach()) <= 0.005 * torch.linalg.norm(b - before)


def test_batched_muon_makes_torch_muons_updates():
    torch.manual_seed(0)
    start = [torch.randn(*shape) for shape in [(16, 16), (16, 16), (64, 16), (16, 64), (64, 16)]]
    ours = [torch.nn.Parameter(p.clone()) for p in start]
    theirs = [torch.nn.Parameter(p.clone()) for p in start]
    batched, reference = BatchedMuon(ours, lr=0.01, momentum=0.9), torch_muon(theirs)
    for _ in range(3):
        grads = [torch.randn_like(p) for p in start]
        step_with(batched, ours, grads)
        step_with(reference, theirs, grads)
    assert_same_moves(ours, theirs, start)


def test_batched_muon_resumes_from_torch_muons_saved_state():
    """Checkpoints of the release that stepped torch.optim.Muon resume with BatchedMuon: the
    momentum buffers carry over, and the next steps are the same."""
    torch.manual_seed(0)
    start = [torch.randn(16, 16), torch.randn(64, 16)]
    grads = [[torch.randn_like(p) for p in start] for _ in range(3)]
    ours = [torch.nn.Parameter(p.clone()) for p in start]
    theirs = [torch.nn.Parameter(p.clone()) for p in start]
    reference, saved = torch_muon(theirs), torch_muon(ours)
    step_with(reference, theirs, grads[0])
    step_with(saved, ours, grads[0])
    resumed = BatchedMuon(ours, lr=0.5, momentum=0.5)  # the saved settings replace these
    resumed.load_state_dict(saved.state_dict())
    assert resumed.param_groups[0]["momentum"] == 0.9
    for step_grads in grads[1:]:
        step_with(resumed, ours, step_grads)
        step_with(reference, theirs, step_grads)
    assert_same_moves(ours, theirs, start)
