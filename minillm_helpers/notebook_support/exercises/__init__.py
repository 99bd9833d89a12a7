"""Instant feedback for the notebooks' exercises: one module per notebook (nb01 ... nb06).

Each `check_...` function takes the reader's answer, prints a friendly verdict
and returns True or False; it never raises on a wrong answer.
"""
