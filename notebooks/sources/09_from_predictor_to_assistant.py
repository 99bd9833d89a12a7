# %% [markdown]
# # 09 · From predictor to assistant
#
# The model of notebook 07 continues Shakespeare. The language models people talk to
# do something else: you ask, they answer, and they stop. This notebook shows, on your
# CPU in a few minutes, how the first kind becomes the second, with the same `GPT`
# class and the same `train` loop.
#
# The recipe has two stages. **Pretraining** teaches a model a world from plain text,
# one next word at a time. **Supervised fine-tuning** then shows it a few hundred
# questions with their answers, written in a fixed format. The surprise, which this
# notebook measures: fine-tuning on questions about *some* people makes the model answer
# questions about *other* people too, people it met only in the pretraining text. The
# knowledge comes from pretraining; fine-tuning teaches the format.
#
# **Learning goals.** By the end of this notebook you will be able to
#
# 1. show that a model which knows facts does not, by itself, answer questions about them;
# 2. write a conversation format with special tokens, and fine-tune on it with the loss
#    on the answers only (masked targets, the same loss function);
# 3. measure where an assistant's knowledge comes from, with a control that would
#    expose the claim if it were wrong;
# 4. see how little fine-tuning it takes, why an assistant answers confidently about
#    people it knows nothing about, and how too little data makes it forget;
# 5. stop generation at the end of a turn, chat with your assistant in the notebook and
#    in the terminal, and say what real assistants add.

# %%
import copy
import re
from collections import Counter
from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch.nn.utils.rnn import pad_sequence

from minillm_helpers.checkpoint import save_checkpoint
from minillm_helpers.checks import check_prompts
from minillm_helpers.model import GPT, GPTConfig
from minillm_helpers.notebook_support.added_lines import show_added_lines
from minillm_helpers.notebook_support.claims import claim
from minillm_helpers.notebook_support.exercises import nb09 as exercises
from minillm_helpers.notebook_support.widgets.nb09 import chat_readout
from minillm_helpers.notebook_support.world import make_world
from minillm_helpers.sampling import generate, next_token_probabilities
from minillm_helpers.tokenizer import WordTokenizer
from minillm_helpers.training import get_batch, train

# %% [markdown]
# ## 1. A world to learn
#
# To see where an assistant's knowledge comes from, we need facts it can only have
# read in one place. So we invent them: the package generates a world of 200 people
# with made-up names, each with a birthplace, a favourite food and a pet, drawn at
# random from a seed (the same seed, the same world, in well under a second). Twenty
# more names, the *strangers*, appear once each in a sentence that says nothing about
# them; they will matter in section 9.
#
# Each fact is written in four or five ways, and a biography's sentences come in a
# random order. That is not decoration. Allen-Zhu and Li ("Physics of Language Models",
# part 3.1, 2023) trained GPT-2-sized models on invented biographies: when each
# person's facts were always written in one way, the models memorised the sentences
# but could rarely get at the facts when asked in another form; with several phrasings
# and shuffled sentences, fine-tuning on half of the people let the model answer
# about the other half. We use their recipe, at a size your laptop trains in a minute.

# %%
world = make_world(people=200, strangers=20, seed=0)
bribri = world.people[0]
print(bribri)
print([s.strip() for s in re.findall(rf"[^.]*\b{bribri.name}\b[^.]*\.", world.text)][:6])
print(f"{len(world.text.split()):,} words; a stranger: {world.strangers[0]}")
claim(f"every fact of {bribri.name} is written in at least 4 ways",
      len(re.findall(rf"\b{bribri.name}\b", world.text)) >= 12)

# %% [markdown]
# ## 2. Pretraining: the model reads the world
#
# One decision comes before training: the vocabulary. Notebook 01's `WordTokenizer`
# cuts a word or a punctuation mark per unit, so it would read `<q>` as three units,
# `<`, `q` and `>`. The assistant will need three special tokens, `<q>`, `<a>` and
# `<end>`, each one unit (section 4 says why). The model's table of embeddings is
# sized by the vocabulary, so they are reserved now, with the words of the questions
# that come later; pretraining never shows them. (Real models reserve such tokens
# before pretraining too.) The subclass changes only what a unit is.

# %%
class ChatTokenizer(WordTokenizer):
    """Words and punctuation marks as before, and each special token as one unit."""

    kind = "chat"
    pattern = re.compile(r"<q>|<a>|<end>|\w+|[^\w\s]")

    @staticmethod
    def split(text: str) -> list[str]:
        return ChatTokenizer.pattern.findall(text)


QUESTION, ANSWER, END = "<q>", "<a>", "<end>"
asked = " ".join(q for q, _ in world.questions(world.people[:1]))  # the questions' words
tokenizer = ChatTokenizer.from_text(f"{world.text} {asked} {QUESTION} {ANSWER} {END}")
print(WordTokenizer.split("<q> where"), "->", tokenizer.split("<q> where"))
print(f"{tokenizer.vocab_size} units in the vocabulary")

# %% [markdown]
# The model is the `GPT` of notebooks 06 and 07 at notebook 07's size (four blocks of
# width 128), trained by the package's `train` on random windows of 48 words, as in
# notebook 07 (Muon for the blocks' matrices, a falling learning rate). Then we test
# what it knows: for every
# person, the start of a sentence from its biography, `Bribri was born in`, and whether
# its likeliest next word is the right city, food or pet.

# %%
torch.manual_seed(0)
config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=48, width=128,
                   num_heads=4, num_layers=4)
base = GPT(config)
text_ids = torch.tensor(tokenizer.encode(world.text))
history = train(base, text_ids, steps=300, batch_size=32, learning_rate=3e-3,
                muon_learning_rate=1e-2, final_rate=0.1)

# %% [markdown]
# This notebook measures thousands of such predictions. One call of the model per
# sentence would spend most of its time on the calls themselves, so `greedy_batch` asks
# for them all at once: it writes what `generate` would write with `temperature=0`, for a
# list of prompts, with one forward pass per new token for the whole list. Prompts differ
# in length, so each row is padded on the right to the longest, and each row reads its
# next token at its own last position: the causal mask of notebook 05 keeps that position
# from seeing the padding after it. (`stop`, a token that ends a row, serves in section 6.)

# %%
@torch.no_grad()
def greedy_batch(model, prompts, max_new_tokens: int, stop=None) -> list[list[int]]:
    """The new IDs of generate(model, ids, max_new_tokens, temperature=0, stop=stop) for each
    prompt, all at once: one forward pass per new token, rows padded on the right."""
    check_prompts(prompts, model, max_new_tokens, stop)  # each a list of IDs (checks.py)
    begin = torch.tensor([len(ids) for ids in prompts])  # (B,) where each row's new IDs go
    rows = pad_sequence([torch.tensor([*ids] + [0] * max_new_tokens) for ids in prompts],
                        batch_first=True)  # (B, longest prompt + max_new_tokens)
    ends, writing = begin.clone(), torch.ones(len(prompts), dtype=torch.bool)
    was_training = model.training
    model.eval()  # no dropout while writing
    for _ in range(max_new_tokens):
        active = writing.nonzero()[:, 0]  # (A,) the rows that have not drawn `stop`
        if len(active) == 0:
            break
        starts = (ends[active] - model.config.context_length).clamp(min=0)  # all a row sees
        width = int((ends[active] - starts).max())
        window = rows[active[:, None], starts[:, None] + torch.arange(width)]  # (A, T)
        logits, _ = model(window.to(model.positions.device))  # (A, T, vocab)
        new = logits[torch.arange(len(active)), ends[active] - starts - 1].argmax(-1).cpu()
        rows[active, ends[active]] = new  # (A,) each row's likeliest next token, appended
        ends[active] += 1
        writing[active] = new != stop  # stop=None: never equal
    model.train(was_training)
    return [row[b:e].tolist() for row, b, e in zip(rows, begin, ends, strict=True)]


# %%
def completes(model, pairs) -> float:
    """Share of (start of a sentence, word) pairs whose likeliest next word is that word."""
    nexts = greedy_batch(model, [tokenizer.encode(s) for s, _ in pairs], 1)
    hits = [tokenizer.vocabulary[new[0]] == word for new, (_, word) in zip(nexts, pairs, strict=True)]
    return sum(hits) / len(hits)


# %% tags=["nbval-ignore-output"]
print(world.completions([bribri])[0])
known = {fact: completes(base, world.completions(world.people, fact))
         for fact in ("city", "food", "pet")}
print({fact: round(share, 2) for fact, share in known.items()})
claim("pretraining taught the facts: at least 90% of each kind completed",
      min(known.values()) >= 0.9)

# %% [markdown]
# ## 3. Knowing is not answering
#
# Ask the pretrained model a question about the same person and it does not answer. It
# has never seen a question: it continues the text, with whatever usually follows
# such words. We measure it on all 600 questions (three per person), as we measured
# the completions: is its likeliest next word the answer?

# %% tags=["nbval-ignore-output"]
question = f"where was {bribri.name} born ?"
reply = generate(base, tokenizer.encode(question), 12, temperature=0)
print(question, "->", tokenizer.decode(reply))
base_answers = completes(base, world.questions(world.people))
claim(f"the base model answers {base_answers:.0%} of the questions: under 5%", base_answers < 0.05)

# %% [markdown]
# ## 4. A format for conversations
#
# An assistant is a model that has learned one more kind of text: conversations,
# written in a fixed template.
#
#     <q> where was Bribri born ? <a> Lisbon <end>
#
# The special tokens do three jobs. `<q>` and `<a>` tell the model whose turn it is:
# what follows `<a>` is an answer, so that is where it must put a fact. `<end>` is how
# it says it is done: generation stops there (section 6). And no one can type them by
# accident: no word of any text becomes a special token, so a question can never
# pretend to be an answer. Chat models all work this way, with their own special
# tokens; the template is ours.

# %%
def chat_prompt(question: str) -> str:
    """The template up to where the answer begins: the model writes the rest."""
    return f"{QUESTION} {question} {ANSWER}"


print(tokenizer.split(chat_prompt(question)))
template_answers = completes(base, [(chat_prompt(q), a) for q, a in world.questions(world.people)])
claim("the template alone does not help: under 5% answered", template_answers < 0.05)

# %% [markdown]
# ## 5. Supervised fine-tuning, the answers only
#
# Fine-tuning is more training, with the same loop and the same loss, on conversations
# instead of biographies. One thing changes: which tokens are learned. The model
# should learn to *answer*, not to write the user's questions (which the user types,
# and whose names it could never predict anyway). So the target of every token the
# user wrote is set to -100, and PyTorch's `cross_entropy`, which the GPT's forward
# calls, skips targets equal to -100 (its `ignore_index`). Nothing else in the model
# changes: the loss is the mean over the targets that remain.

# %%
NOT_LEARNED = -100  # the target F.cross_entropy skips (its ignore_index)


def conversation_targets(tokenizer, pairs):
    """(ids, targets) for question-answer pairs written one after another in the template:
    targets[i] is the token after ids[i] where that token is part of an answer (its words
    and <end>), else NOT_LEARNED: the question is read, never learned."""
    ids, targets = [], []
    for question, answer in pairs:
        prompt = tokenizer.encode(chat_prompt(question))
        reply = tokenizer.encode(f"{answer} {END}")
        ids += prompt + reply
        targets += [NOT_LEARNED] * (len(prompt) - 1) + reply + [NOT_LEARNED]
    return torch.tensor(ids), torch.tensor(targets)


# %%
ids, targets = conversation_targets(tokenizer, world.questions([bribri], ["city"]))
for token, target in zip(ids.tolist(), targets.tolist(), strict=True):
    learned = tokenizer.vocabulary[target] if target != NOT_LEARNED else "·  (not learned)"
    print(f"{tokenizer.vocabulary[token]:>8} -> {learned}")
claim("only the answer and <end> are learned", (targets != NOT_LEARNED).sum() == 2)

# %% [markdown]
# `get_batch` (notebook 05) cut windows from one row of token IDs and shifted them by
# one for the targets. It now also takes a pair `(ids, targets)`, and cuts both at the
# same places; plain text works as before. These are the lines this notebook adds:

# %%
show_added_lines(get_batch, notebook=9)
x, y = get_batch((ids, targets), 1, 6, torch.Generator().manual_seed(0))
print(tokenizer.decode(x[0].tolist()), "->", [tokenizer.vocabulary[t] if t >= 0 else "·"
                                               for t in y[0].tolist()])

# %% [markdown]
# Now the experiment. The people are split in two halves: fine-tuning sees the
# questions about the first 100 only (300 conversations); the other 100 are *held
# out*. Fine-tuning starts from a copy of the pretrained model and takes 80 steps of
# 16 windows of 24 tokens, a few seconds.

# %%
taught, held_out = world.people[:100], world.people[100:]


def fine_tune(model, people, steps=80, seed=0):
    """A copy of model, fine-tuned on the questions about `people`, answers only."""
    tuned = copy.deepcopy(model)
    pairs = conversation_targets(tokenizer, world.questions(people))
    train(tuned, pairs, steps=steps, batch_size=16, context_length=24,
          learning_rate=1e-3, seed=seed)
    return tuned


assistant = fine_tune(base, taught)
reply = generate(assistant, tokenizer.encode(chat_prompt(question)), 6, temperature=0)
print(chat_prompt(question), "->", tokenizer.decode(reply))

# %% [markdown]
# ## 6. Stopping at the end of a turn
#
# The assistant answered, then went on writing `<end>`: notebook 06's `generate` draws a
# fixed number of tokens. An assistant's reply ends when
# the model says so: `generate` now takes a `stop` token and stops right after drawing
# it. These are its new lines, and `ask` wraps the question in the template, decodes the
# reply and leaves `<end>` out. `ask_all` does the same for a list of questions at once,
# with section 2's `greedy_batch`; sections 7 to 9 measure with it, and the last claim below
# checks that it gives `ask`'s answers, here for every tenth person and a question with no
# name in it.

# %%
show_added_lines(generate, notebook=9)

# %%
def ask(model, tokenizer, question: str, max_new_tokens: int = 8) -> str:
    """The assistant's answer: the template around the question, the likeliest token at
    every step, until <end>."""
    ids = tokenizer.encode(chat_prompt(question))
    new = generate(model, ids, max_new_tokens, temperature=0, stop=tokenizer.unit_to_id[END])
    return tokenizer.decode([i for i in new if i != tokenizer.unit_to_id[END]])


def ask_all(model, tokenizer, questions, max_new_tokens: int = 8) -> list[str]:
    """`ask`'s answer to every question, all of them at once."""
    end = tokenizer.unit_to_id[END]
    prompts = [tokenizer.encode(chat_prompt(question)) for question in questions]
    replies = greedy_batch(model, prompts, max_new_tokens, stop=end)
    return [tokenizer.decode([i for i in new if i != end]) for new in replies]


# %%
prompt_ids = tokenizer.encode(chat_prompt(question))
print("without stop:", tokenizer.decode(generate(assistant, prompt_ids, 8, temperature=0)))
print("with stop:   ", tokenizer.decode(generate(assistant, prompt_ids, 8, temperature=0,
                                                 stop=tokenizer.unit_to_id[END])))
print("ask:         ", ask(assistant, tokenizer, question))
claim("ask gives the birthplace and nothing more", ask(assistant, tokenizer, question) == bribri.city)
some = [q for q, _ in world.questions(world.people[::10])] + ["where was born ?"]
claim("ask_all gives ask's answers, at once",
      ask_all(assistant, tokenizer, some) == [ask(assistant, tokenizer, q) for q in some])

# %% [markdown]
# ## 7. Where the knowledge comes from
#
# The measurement that carries the lesson: questions about the held-out people, whose
# answers fine-tuning never showed. If fine-tuning taught the facts, the assistant
# could answer only about the first half. A control tells the two stories apart: the
# same fine-tuning, from an untrained model instead of the pretrained one. It has read
# no biography, so about the held-out people it can only guess; the best guess, the most
# common city, food or pet, is right for about one question in eight. `answers` asks
# every question with `ask_all` and counts the replies that are exactly the answer.

# %%
def answers(model, pairs) -> float:
    """Share of (question, answer) pairs that `ask` answers exactly."""
    replies = ask_all(model, tokenizer, [q for q, _ in pairs])
    return sum(reply == a for reply, (_, a) in zip(replies, pairs, strict=True)) / len(pairs)


# %% tags=["nbval-ignore-output"]
control = fine_tune(GPT(config), taught)
scores = {name: (answers(model, world.questions(taught)),
                 answers(model, world.questions(held_out)))
          for name, model in [("base", base), ("assistant", assistant), ("control", control)]}
for name, (seen, unseen) in scores.items():
    print(f"{name:>10}: taught people {seen:.0%}, held-out people {unseen:.0%}")
claim("the assistant answers over 90% of the questions about people it was never asked about",
      scores["assistant"][1] > 0.9)
claim("the control, without pretraining, stays under 25% on them",
      scores["control"][1] < 0.25)

cities = {p.city for p in world.people}
claim("the control did learn the format: every birthplace question gets a city",
      all(a in cities for a in ask_all(control, tokenizer,
                                       [q for q, _ in world.questions(held_out, ["city"])])))

# %% [markdown]
# ## 8. How little fine-tuning it takes
#
# If fine-tuning only teaches the format, a few examples should go a long way. From the
# same pretrained weights, we fine-tune for 60 steps on the questions of 1, 3, 10, 30
# and 100 people, at two seeds, and measure two things: the answers about the held-out
# people, and what pretraining taught, the completions of section 2.

# %%
sizes, seeds = [1, 3, 10, 30, 100], [0, 1]
held_questions = world.questions(held_out)
sweep = {}
for seed in seeds:
    for n in sizes:
        tuned = fine_tune(base, taught[:n], steps=60, seed=seed)
        sweep[seed, n] = (answers(tuned, held_questions),
                          completes(tuned, world.completions(world.people)))
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for seed in seeds:
    ax.plot(sizes, [sweep[seed, n][0] for n in sizes], "o-", color="tab:blue",
            label="answers about held-out people" if seed == 0 else None)
    ax.plot(sizes, [sweep[seed, n][1] for n in sizes], "s--", color="tab:orange",
            label="completions (what pretraining taught)" if seed == 0 else None)
ax.set_xscale("log")
ax.set_xlabel("people in the fine-tuning set (60 steps, two seeds)")
ax.set_ylabel("accuracy")
ax.set_ylim(0, 1.02)
ax.legend(loc="lower right")
plt.show()

# %% tags=["nbval-ignore-output"]
for n in sizes:
    print(f"{n:>3} people: held-out answers {[f'{sweep[s, n][0]:.0%}' for s in seeds]}, "
          f"completions {[f'{sweep[s, n][1]:.0%}' for s in seeds]}")
claim("questions about 30 people teach most of it: over 75% on the held-out people, "
      "at both seeds", min(sweep[s, 30][0] for s in seeds) > 0.75)
claim("one person is far too few: under 20%, at both seeds",
      max(sweep[s, 1][0] for s in seeds) < 0.2)
claim("fine-tuning on one person makes it forget: completions fall below 30%, at both seeds",
      max(sweep[s, 1][1] for s in seeds) < 0.3)

# %% [markdown]
# The figure has both halves of the story. Questions about thirty people take the
# assistant most of the way on the hundred others; the rest of the way is more of the
# same format, not new facts. With one person, 60 steps on the same
# three conversations overwrite more than a format: the model learns to give *those*
# answers, and the completions pretraining taught fall apart (*forgetting*). Fine-tuning
# moves the same weights that hold the knowledge; too little, too repetitive data
# pushes them away from it. (Even a hundred people cost some completions here: the
# fine-tuned model has drifted from the exact sentences of its biographies, towards
# answers.)

# %% [markdown]
# ## 9. Confident about strangers
#
# The twenty strangers are in the vocabulary (a word tokenizer must have their names),
# but the text says nothing about them. Ask the assistant where they were born.

# %% tags=["nbval-ignore-output"]
stranger_questions = [f"where was {name} born ?" for name in world.strangers]
guesses = ask_all(assistant, tokenizer, stranger_questions)
print(dict(Counter(guesses)))


def first_word_confidence(question) -> float:
    return float(next_token_probabilities(assistant, tokenizer.encode(chat_prompt(question))).max())


sure = [first_word_confidence(q) for q in stranger_questions]
sure_known = [first_word_confidence(q) for q, _ in world.questions(held_out, ["city"])]
claim(f"all {len(guesses)} strangers get a city, in the format", all(g in cities for g in guesses))

# %% tags=["nbval-ignore-output"]
fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.hist([sure_known, sure], bins=10, range=(0, 1), label=["held-out people", "strangers"])
ax.set_xlabel("probability of the first word of the answer")
ax.set_ylabel("questions")
ax.legend()
plt.show()
print(f"median confidence: held-out people {sorted(sure_known)[50]:.2f}, "
      f"strangers {sorted(sure)[10]:.2f}")
claim("about strangers it is less sure, yet its median is over 0.3, several times a blind "
      "guess among 12 cities", sorted(sure)[10] > 0.3 and sorted(sure)[10] < sorted(sure_known)[50])

# %% [markdown]
# Nothing in fine-tuning taught the model to say "I do not know": every answer it saw
# was a fact, so after `<a>` comes a city, whether or not the name carries one. Real
# assistants hallucinate for the same reason. Their fine-tuning data and, as Kalai and
# colleagues argued in 2025 ("Why language models hallucinate"), the benchmarks they
# are scored on reward a confident guess over an admission of not knowing. Remedies
# exist: fine-tuning examples whose right answer is "I don't know" about things the model
# provably does not know, preference tuning that penalises confident errors, and looking
# facts up in documents instead of recalling them.

# %% [markdown]
# ## 10. Chat with it
#
# Type a question about anyone of the world, in the forms it was fine-tuned on
# (`where was ... born ?`, `what food does ... like best ?`, `what pet does ... have ?`).
# The answer comes with the probabilities of its first word: for a person from the
# held-out half they are high on one word; for a stranger, lower, and still on a city.
# Some names to try are printed below. A word it never read gets one sentence.

# %%
print("people:", " ".join(p.name for p in world.people[:12]), "...")
print("strangers:", " ".join(world.strangers[:5]), "...")
print(chat_readout("where was Zed born ?", assistant, tokenizer, ask, chat_prompt,
                   next_token_probabilities))

# %% tags=["nbval-ignore-output"]
def show_chat(question):
    print(chat_readout(question, assistant, tokenizer, ask, chat_prompt,
                       next_token_probabilities, draw=True))


widgets.interact(show_chat, question=widgets.Text(
    f"where was {held_out[0].name} born ?", description="Question", continuous_update=False,
    layout={"width": "420px"}));

# %% [markdown]
# ## 11. Chat in the terminal
#
# The assistant is saved as a run folder in the checkpoint format of `minillm train`
# (weights, configuration, vocabulary with its special tokens). `minillm chat` loads
# it, wraps each line you type in the template, stops at `<end>` and prints the
# answer; an empty line or Ctrl-D ends the conversation. A run without the chat
# tokens, such as one of `minillm train`, is refused in one line.

# %%
save_checkpoint(Path("runs/assistant/checkpoint.pt"), assistant, tokenizer)
print("saved; in a terminal: minillm chat notebooks/runs/assistant")

# %% [markdown]
# A conversation in a terminal, from the repository's folder (Mipe is a held-out
# person, Misilpe a stranger):
#
# ```text
# $ minillm chat notebooks/runs/assistant
# Ask a question; an empty line or Ctrl-D ends.
# > where was Bribri born ?
# Lisbon
# > what pet does Mipe have ?
# cat
# > where was Misilpe born ?
# Kyoto
# > who is Zed ?
# I do not know the word(s) 'who', 'Zed': I only read the words of the text I was trained on.
# >
# ```

# %% [markdown]
# ## 12. What real assistants add
#
# The recipe of this notebook is the first stage of how ChatGPT-like assistants are
# made; the rest is scale and more stages.
#
# * **Scale.** Llama 3 was pretrained on over 15 trillion tokens; our world is about
#   20 thousand words. Its knowledge is the internet's, not 200 people's.
# * **Few examples, again.** LIMA (Zhou et al., 2023) fine-tuned a 65-billion-weight
#   LLaMA on 1,000 carefully chosen conversations and got answers people often rated
#   as good as those of assistants tuned on far more: the same lesson as section 8.
# * **Many tasks and formats.** Real fine-tuning sets hold many turns per
#   conversation, code, summaries, refusals, tool calls; the template has roles
#   (user, assistant, tool) instead of our `<q>` and `<a>`.
# * **Preference tuning.** After supervised fine-tuning, InstructGPT (Ouyang et al.,
#   2022) had people rank several answers, trained a reward model on the rankings and
#   tuned the assistant with reinforcement learning (RLHF); people preferred its
#   1.3-billion-weight model to the 175-billion-weight GPT-3. DPO (Rafailov et al.,
#   2023) learns from the same comparisons with one loss, no reward model.
# * **System prompts.** A first turn, from the developer rather than the user, that sets
#   the assistant's role and rules; the model was fine-tuned to follow it.

# %% [markdown]
# ## Summary
#
# * A pretrained model **knows** what its text said, but **continues** text: asked a
#   question, it writes on.
# * An assistant is the same model fine-tuned on **conversations in a template** with
#   special tokens; the loss is counted on the **answers only** (targets of -100 are
#   skipped by the same cross-entropy).
# * Fine-tuning on questions about half the people makes it answer about the **other
#   half**: the knowledge came from pretraining, the format from fine-tuning. A model
#   fine-tuned the same way without pretraining can only guess.
# * A few dozen examples teach the format; too few and too repetitive ones make it
#   **forget** what pretraining taught.
# * It answers about people it knows nothing about, **confidently**: the format asks for
#   an answer, and nothing taught it to say it does not know.
# * Generation stops at `<end>`; `minillm chat` does the same in a terminal.

# %% [markdown]
# ## Exercises
#
# **Exercise 1: the floor.** An assistant that learned the format and nothing about
# the held-out people could at best always name the most common birthplace among them.
# What share of the held-out people's birthplace questions would that answer right?
# Compare it with the control's score in section 7.

# %%
# Your turn: replace the ... and run exercises.check_chance(floor, [p.city for p in held_out]).
floor = ...

# %% [markdown]
# **Exercise 2: break it, learn the questions too.** Fine-tune a copy of `base` as in
# section 5, but with every next token as a target: pass the conversations' `ids` alone
# to `train` (plain text, as in pretraining) instead of the pair. Then compare how
# likely each assistant makes the user's first word, `where` or `what`, right after
# `<q>`, and run `exercises.check_unmasked(masked, unmasked)`.

# %%
masked, unmasked = ..., ...  # P(where) + P(what) after "<q>", for each assistant

# %% [markdown]
# ## Solutions

# %%
birthplaces = [p.city for p in held_out]
floor = Counter(birthplaces).most_common(1)[0][1] / len(birthplaces)
exercises.check_chance(floor, birthplaces)

# %%
ids, _ = conversation_targets(tokenizer, world.questions(taught))
unmasked_assistant = copy.deepcopy(base)
train(unmasked_assistant, ids, steps=80, batch_size=16, context_length=24, learning_rate=1e-3)


def user_words(model) -> float:
    probs = next_token_probabilities(model, tokenizer.encode(QUESTION))
    return float(probs[tokenizer.unit_to_id["where"]] + probs[tokenizer.unit_to_id["what"]])


masked, unmasked = user_words(assistant), user_words(unmasked_assistant)
exercises.check_unmasked(masked, unmasked)
