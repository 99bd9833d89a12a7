"""minillm_helpers: the pieces the minillm notebooks build, kept for the next notebook.

Each notebook builds one stage of the pipeline and the package keeps it:

    raw text -> tokenizer -> token IDs -> embeddings (+ positions)
             -> attention blocks (masked) -> logits -> probabilities -> sampled token

`minillm_helpers.stages` says which notebook builds which module; notebook N
imports only modules built by notebooks before it (tests/test_import_rule.py).
Import submodules directly, e.g. `from minillm_helpers.tokenizer import CharTokenizer`.
"""

__version__ = "0.1.0"
