"""Stage 9 (notebook 09): from a model that continues text to one that answers.

A conversation is written in a template with three special tokens,
`<q> question <a> answer <end>`; supervised fine-tuning trains the same GPT with the
same loop on such conversations, learning only the answers: every other target is
-100, which the model's cross-entropy ignores. Asked a question, the assistant
continues the template and stops at `<end>`.

>>> tokenizer = ChatTokenizer.from_text("<q> where was Kalu born ? <a> Oslo <end>")
>>> tokenizer.split(chat_prompt("where was Kalu born ?"))
['<q>', 'where', 'was', 'Kalu', 'born', '?', '<a>']
"""

from __future__ import annotations

import re

import torch
from torch.nn.utils.rnn import pad_sequence

from minillm_helpers.checks import check_prompts, unseen_units
from minillm_helpers.sampling import generate
from minillm_helpers.tokenizer import WordTokenizer

QUESTION, ANSWER, END = "<q>", "<a>", "<end>"
NOT_LEARNED = -100  # the target F.cross_entropy skips (its ignore_index)


class ChatTokenizer(WordTokenizer):
    """Words and punctuation marks as before, and each special token as one unit."""

    kind = "chat"
    pattern = re.compile(r"<q>|<a>|<end>|\w+|[^\w\s]")

    @staticmethod
    def split(text: str) -> list[str]:
        return ChatTokenizer.pattern.findall(text)


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


def chat_prompt(question: str) -> str:
    """The template up to where the answer begins: the model writes the rest."""
    return f"{QUESTION} {question} {ANSWER}"


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


def unknown_words(tokenizer, question: str) -> str | None:
    """The door for a typed question (the chat widget, `minillm chat`): one sentence when the
    model cannot read it (a word it never saw, or nothing), None when it can read every word."""
    if unseen := unseen_units(tokenizer, question):
        return (f"I do not know the word(s) {unseen}: I only read the words of the text I was "
                "trained on.")
    return None if tokenizer.split(question) else "Type a question first."
