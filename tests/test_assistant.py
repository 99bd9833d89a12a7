"""Notebook 09's pieces: the world, the chat tokenizer and template, the masked targets,
training on (ids, targets) pairs, the stop token, the chat widget and `minillm chat`."""

import io
import sys

import pytest
import torch

from minillm_helpers.assistant import (
    END,
    NOT_LEARNED,
    ChatTokenizer,
    ask,
    ask_all,
    chat_prompt,
    conversation_targets,
    greedy_batch,
    unknown_words,
)
from minillm_helpers.checkpoint import load_model_and_tokenizer, save_checkpoint
from minillm_helpers.checks import InputError
from minillm_helpers.cli.command import main
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.notebook_support.widgets.nb09 import chat_readout
from minillm_helpers.notebook_support.world import PHRASINGS, make_world
from minillm_helpers.sampling import generate, next_token_probabilities
from minillm_helpers.tokenizer import WordTokenizer
from minillm_helpers.training import get_batch, train

PAIRS = [("where was Kalu born ?", "Oslo"), ("where was Bo born ?", "Riga"),
         ("what pet does Kalu have ?", "cat"), ("what pet does Bo have ?", "dog")]


def tiny_gpt(vocab_size, seed=0):
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=vocab_size, context_length=16, width=32, num_heads=2))


@pytest.fixture(scope="module")
def assistant():
    """A tiny GPT fine-tuned on PAIRS: it answers them (a second per run on a CPU)."""
    tokenizer = ChatTokenizer.from_text(" ".join(f"{chat_prompt(q)} {a} {END}" for q, a in PAIRS))
    model = tiny_gpt(tokenizer.vocab_size)
    train(model, conversation_targets(tokenizer, PAIRS * 4), steps=150, batch_size=16,
          learning_rate=3e-3)
    return model, tokenizer


def test_the_world_is_seeded_and_writes_each_fact_several_ways():
    world = make_world(people=20, strangers=3, seed=1)
    assert make_world(people=20, strangers=3, seed=1) == world
    assert make_world(people=20, strangers=3, seed=2).text != world.text
    kalu = world.people[0]
    assert sum(way.format(**vars(kalu)) in world.text for way in PHRASINGS["city"]) == 5
    assert world.completions([kalu])[0] == (f"{kalu.name} was born in", kalu.city)
    assert world.questions([kalu], ["pet"]) == [(f"what pet does {kalu.name} have ?", kalu.pet)]
    for name in world.strangers:  # a name and nothing else: one sentence
        assert world.text.count(name) == 1
    once = make_world(people=20, strangers=3, phrasings=1, seed=1)
    assert PHRASINGS["city"][1].format(**vars(once.people[0])) not in once.text


def test_special_tokens_are_one_unit_each():
    tokenizer = ChatTokenizer.from_text(chat_prompt("where was Kalu born ?") + " Oslo " + END)
    assert WordTokenizer.split("<q>") == ["<", "q", ">"]  # why notebook 09 needs a subclass
    assert tokenizer.split("<q> where ? <a> Oslo <end>") == [
        "<q>", "where", "?", "<a>", "Oslo", "<end>"]
    text = "<q> where was Kalu born? <a> Oslo <end>"
    assert tokenizer.decode(tokenizer.encode(text)) == text


def test_only_the_answers_are_targets():
    tokenizer = ChatTokenizer.from_text(" ".join(f"{chat_prompt(q)} {a} {END}" for q, a in PAIRS))
    ids, targets = conversation_targets(tokenizer, PAIRS[:2])
    learned = targets != NOT_LEARNED
    assert ids.shape == targets.shape and int(learned.sum()) == 4  # two answers and their <end>
    assert tokenizer.decode(targets[learned].tolist()) == "Oslo <end> Riga <end>"
    shifted = torch.cat([ids[1:], ids[:1]])
    assert (targets[learned] == shifted[learned]).all()  # a target is the token that follows
    assert tokenizer.decode(ids[learned].tolist()) == "<a> Oslo <a> Riga"


def test_get_batch_cuts_ids_and_targets_at_the_same_places():
    ids, targets = torch.arange(100, 120), torch.arange(200, 220)
    x, y = get_batch((ids, targets), 3, 5, torch.Generator().manual_seed(0))
    assert ((y - x) == 100).all()  # each target is the one given for that very position
    x2, _ = get_batch(ids, 3, 5, torch.Generator().manual_seed(0))
    assert torch.equal(x, x2)  # the same windows as plain text cuts
    with pytest.raises(InputError, match="tensors of one length"):
        get_batch((ids, targets[:-1]), 3, 5)


def test_masked_targets_are_not_learned():
    """1 2 3 4 repeated: only 2 -> 3 is a target. After training, 3 follows 2, but 2 after
    1 is no likelier than blind guessing; learning every target would make it near 1."""
    ids = torch.tensor([1, 2, 3, 4] * 40)
    targets = torch.where(ids == 2, 3, NOT_LEARNED)
    model = tiny_gpt(5)
    train(model, (ids, targets), steps=60, batch_size=8, context_length=8, learning_rate=3e-3)
    learned = next_token_probabilities(model, [4, 1, 2])[3]
    skipped = next_token_probabilities(model, [3, 4, 1])[2]
    assert learned > 0.9 and skipped < 0.5, (learned, skipped)


def test_generate_stops_at_the_stop_token(assistant):
    model, tokenizer = assistant
    prompt, end = tokenizer.encode(chat_prompt(PAIRS[0][0])), tokenizer.unit_to_id[END]
    new = generate(model, prompt, 8, temperature=0, stop=end)
    assert tokenizer.decode(new) == "Oslo <end>"  # stopped after the end token, kept it
    assert len(generate(model, prompt, 8, temperature=0)) == 8  # no stop: it writes on
    with pytest.raises(InputError, match="outside the vocabulary"):
        generate(model, prompt, 8, stop=999)


def test_greedy_batch_writes_what_generate_writes_one_prompt_at_a_time():
    """Prompts of 1 to 13 IDs, with a context of 8: rows are padded, some slide past the
    context; with and without a stop token, each row gets generate's greedy IDs."""
    model = tiny_gpt(20).train()
    generator = torch.Generator().manual_seed(0)
    prompts = [torch.randint(20, (int(n),), generator=generator).tolist()
               for n in torch.randint(1, 14, (40,), generator=generator)]
    plain = greedy_batch(model, prompts, 6)
    for stop in (None, plain[0][1], plain[1][0]):  # the last: row 1 stops at its first token
        batched = greedy_batch(model, prompts, 6, stop=stop)
        assert batched == [generate(model, ids, 6, temperature=0, stop=stop) for ids in prompts]
    assert len(batched[1]) == 1 and 6 in map(len, batched)  # one row stopped, others wrote on
    assert model.training  # the mode as it was
    assert greedy_batch(model, prompts[:2], 0) == [[], []]


def test_ask_all_gives_asks_answer_to_each_question(assistant):
    model, tokenizer = assistant
    questions = [q for q, _ in PAIRS] + ["where was Kalu have ?", "Kalu", "what pet does",
                                         "where was Kalu born ? where was Bo born ?"]
    replies = ask_all(model, tokenizer, questions)
    assert replies[:4] == [a for _, a in PAIRS]
    assert replies == [ask(model, tokenizer, q) for q in questions]


@pytest.mark.parametrize(("prompts", "options", "words"), [
    ([], {}, "No prompts: give a list of prompts"),
    ([[1], []], {}, "The prompt is empty"),
    ([[1, 99]], {}, "outside the vocabulary"),
    ([[1]], {"stop": 99}, "outside the vocabulary"),
    ([[1]], {"max_new_tokens": -1}, "max_new_tokens must be at least 0"),
])
def test_greedy_batch_refuses_what_it_cannot_write(prompts, options, words):
    with pytest.raises(ValueError, match=words):
        greedy_batch(tiny_gpt(20), prompts, **{"max_new_tokens": 2, **options})


def test_ask_answers_and_unknown_words_get_one_sentence(assistant):
    model, tokenizer = assistant
    assert [ask(model, tokenizer, q) for q, _ in PAIRS] == [a for _, a in PAIRS]
    said = unknown_words(tokenizer, "where was Zed born ?")
    assert said == ("I do not know the word(s) 'Zed': I only read the words of the text I was "
                    "trained on.")
    assert unknown_words(tokenizer, "  ") == "Type a question first."
    assert unknown_words(tokenizer, PAIRS[0][0]) is None


def test_chat_widget_shows_the_answer_and_its_first_word(assistant):
    model, tokenizer = assistant
    shown = chat_readout("where was Bo born ?", model, tokenizer, ask, chat_prompt,
                         next_token_probabilities, top=2)
    answer, bets = shown.splitlines()
    assert answer == "Answer: Riga" and bets.startswith("First word: Riga 0.")
    assert len(bets.split(", ")) == 2
    refused = chat_readout("who is Zed ?", model, tokenizer, ask, chat_prompt,
                           next_token_probabilities)
    assert refused.startswith("I do not know the word(s) 'who', 'is', 'Zed'")
    assert "\n" not in refused


def test_a_checkpoint_keeps_the_chat_tokenizer(assistant, tmp_path):
    model, tokenizer = assistant
    save_checkpoint(tmp_path / "run" / "checkpoint.pt", model, tokenizer)
    loaded, again = load_model_and_tokenizer(tmp_path / "run")
    assert type(again) is ChatTokenizer and again.vocabulary == tokenizer.vocabulary
    assert ask(loaded, again, PAIRS[1][0]) == "Riga"


def chat(monkeypatch, capsys, run, typed):
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    code = main(["chat", str(run)])
    return code, capsys.readouterr()


def test_minillm_chat_answers_until_an_empty_line(assistant, tmp_path, monkeypatch, capsys):
    save_checkpoint(tmp_path / "run" / "checkpoint.pt", *assistant)
    typed = "where was Kalu born ?\nwhere was Zed born ?\nwhat pet does Bo have ?\n\nnot read\n"
    code, out = chat(monkeypatch, capsys, tmp_path / "run", typed)
    answers = out.out.replace("> ", "").splitlines()
    assert code == 0 and answers[0] == "Oslo" and answers[2] == "dog"
    assert answers[1].startswith("I do not know the word(s) 'Zed'")
    assert len(answers) == 3  # the empty line ended it
    code, out = chat(monkeypatch, capsys, tmp_path / "run", "where was Bo born ?")  # then Ctrl-D
    assert code == 0 and out.out.replace("> ", "").split() == ["Riga"]


def test_minillm_chat_refuses_a_model_without_chat_tokens(tmp_path, monkeypatch, capsys):
    tokenizer = WordTokenizer.from_text("Kalu was born in Oslo .")
    save_checkpoint(tmp_path / "plain.pt", tiny_gpt(tokenizer.vocab_size), tokenizer)
    code, out = chat(monkeypatch, capsys, tmp_path / "plain.pt", "where ?\n")
    assert code == 2 and out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("minillm: error: ")
    assert "no chat tokens" in lines[0]
