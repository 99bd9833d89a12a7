"""`minillm chat RUN`: ask questions of an assistant saved by notebook 09, in the terminal.

Each line typed is wrapped in the chat template (`<q> question <a>`); the answer is the
model's likeliest tokens until `<end>`. An empty line or Ctrl-D ends the conversation. A
run whose vocabulary has no chat tokens (a model that only continues text) is refused.
"""

from __future__ import annotations

import sys

from minillm_helpers.assistant import ANSWER, END, QUESTION, ask, unknown_words
from minillm_helpers.checkpoint import load_model_and_tokenizer
from minillm_helpers.checks import InputError


def chat_command(args) -> int:
    model, tokenizer = load_model_and_tokenizer(args.checkpoint)
    if not {QUESTION, ANSWER, END} <= set(tokenizer.unit_to_id):
        raise InputError(f"{args.checkpoint} has no chat tokens ({QUESTION} {ANSWER} {END}) in "
                         "its vocabulary: it continues text but was not fine-tuned to answer. "
                         "Save an assistant as notebook 09 does.")
    print("Ask a question; an empty line or Ctrl-D ends.", file=sys.stderr)
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        print(unknown_words(tokenizer, question) or ask(model, tokenizer, question), flush=True)
    return 0
