"""The project speaks of itself only: no tracker's issue numbers and no absolute paths of
the machine it was built on, in any file of the repository (notebook outputs included)."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ISSUE_NUMBER = re.compile(r"\bissues? #?\d+\b|\bissue-\d+\b", re.IGNORECASE)
MACHINE_PATH = re.compile(r"(?<![\w.~-])(?:/work|/root|/home/\w+|/Users/\w+)/|[A-Z]:\\Users\\")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".yml", ".yaml", ".ipynb", ".cfg", ".json", ""}


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of the repository's files")
    return [ROOT / name for name in listed if Path(name).suffix in TEXT_SUFFIXES]


def offending_lines(pattern: re.Pattern) -> list[str]:
    found = []
    for path in tracked_files():
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    return found


def test_the_patterns_catch_what_they_mean():
    # each example in two pieces: this file holds none of them whole, so it needs no exemption
    for words in ("see issue" + " 11", "Issue" + " #12", "issues" + " 16"):
        assert ISSUE_NUMBER.search(words), words
    for words in ("/" + "work/shared/tools/x.py", "cd /" + "root/repo", "C:" + "\\Users\\me\\x"):
        assert MACHINE_PATH.search(words), words
    for words in ("an issue with the loss", "runs/book", "data/datasets/", "~/code/x"):
        assert not ISSUE_NUMBER.search(words) and not MACHINE_PATH.search(words), words


def test_no_issue_numbers():
    assert offending_lines(ISSUE_NUMBER) == []


def test_no_absolute_paths_of_a_machine():
    assert offending_lines(MACHINE_PATH) == []


def test_no_formatter_markers():
    """No formatter runs over this code (ruff lints it), so its skip markers would say nothing."""
    marker = re.compile("fmt: " + "(skip|off|on)")  # split, so this file does not match itself
    assert offending_lines(marker) == []
