"""Notebook 01's widget: type text, see its token IDs and the IDs decoded back."""


def show_ids(text: str, tokenizer) -> str:
    """What the "Text" box prints: the IDs of `text`, then those IDs decoded back."""
    try:
        ids = tokenizer.encode(text)
    except ValueError as error:  # a character the vocabulary has never seen
        return f"Error: {error}"
    return f"IDs: {ids}\nDecoded: {tokenizer.decode(ids)}"
