"""Widget for notebook 09: type a question, see the assistant's answer and the
probabilities behind its first word. The notebook passes in its model and tokenizer and
its own `ask`, `chat_prompt` and `next_token_probabilities`; this module only runs them
and formats what they return."""

import matplotlib.pyplot as plt

from minillm_helpers.assistant import unknown_words


def chat_readout(question, model, tokenizer, ask, chat_prompt, next_token_probabilities,
                 top: int = 5, draw: bool = False) -> str:
    """Two lines: "Answer: Oslo" and the likeliest first words with their probabilities
    ("Oslo 0.97, Riga 0.01, ..."); a question it cannot read gets one sentence instead."""
    unreadable = unknown_words(tokenizer, question)
    if unreadable:
        return unreadable
    answer = ask(model, tokenizer, question)
    probs = next_token_probabilities(model, tokenizer.encode(chat_prompt(question)))
    best = probs.argsort(descending=True)[:top].tolist()
    words = [tokenizer.vocabulary[i] for i in best]
    if draw:
        _, ax = plt.subplots(figsize=(6, 2.6))
        ax.bar(words, [float(probs[i]) for i in best])
        ax.set(ylim=(0, 1), ylabel="probability")
        ax.set_title("the first word of the answer", fontsize=10)
        plt.show()
    bets = ", ".join(f"{w} {float(probs[i]):.2f}" for w, i in zip(words, best, strict=True))
    return f"Answer: {answer}\nFirst word: {bets}"
