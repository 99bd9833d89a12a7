"""Which notebook builds which module: the one place this mapping is stated.

Notebook N may import from `minillm_helpers` only the modules built by notebooks
1..N-1, plus the utilities, which hold no concept code: `notebook_support` (plots, widget
callbacks, exercise checkers, the corpus, claims), `datasets` (the UTF-8 reader and the
data sets, shared with the command-line trainer), `checks` (input validation where a person's
input enters) and this map.
tests/test_import_rule.py enforces it, and tests/test_one_source.py checks that
every function or class a notebook writes under the same name as one in its own
module is, statement for statement, the code the package keeps.
"""

BUILT_BY = {
    "tokenizer": 1,
    "embeddings": 2,
    "positions": 3,
    "attention": 4,
    "masking": 5,
    "training": 5,
    "model": 6,
    "sampling": 6,
    "bigram": 7,
    "ladder": 8,
    "assistant": 9,
}

# Built after the series, and written by no notebook; no notebook imports them: the "train
# on your own text" tools (cli, __main__) and the training recipe they brought (`recipe`:
# Muon, the learning-rate schedule, the moving average of the weights), which the
# notebooks' `train` offers as options and notebook 07 turns on, describing it in prose.
AFTER_THE_SERIES = {"cli", "__main__", "recipe"}

UTILITIES = {"stages", "checks", "datasets", "checkpoint", "notebook_support"}
