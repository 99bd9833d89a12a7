"""Input checks that the concept functions call in one line.

A notebook shows the idea; the questions "is this a tensor of the right shape?", "is
this a whole number?" live here, so the reader of a concept function sees one line
(`check_...(...)`) instead of ten. Every check raises TypeError or ValueError with a
message that says what was wrong and how to fix it; tests/test_checks.py and the
bad-input tests of each stage prove it. No concept code lives here.
"""

from __future__ import annotations
