"""What the notebooks use but do not teach: plots, widget callbacks, exercise checkers,
the corpus and the real-text datasets, and the one-line claim checker.

Nothing here is concept code: a notebook may import any of it (minillm_helpers.stages).
"""
