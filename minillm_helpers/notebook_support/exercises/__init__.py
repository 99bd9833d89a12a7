"""Instant feedback for the notebooks' exercises: one module per notebook (nb01 ... nb08)."""
