"""What the notebooks use but do not teach (plots, widget callbacks, exercise checkers, the
corpus, `claim`, the model explorer); any notebook may import it (minillm_helpers.stages)."""
