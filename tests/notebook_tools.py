"""Reading the committed notebooks as data, for the rule and hygiene tests."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def notebook_number(path: Path) -> int:
    return int(path.name[:2])


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def source(cell: dict) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def python_source(cell: dict) -> str:
    """The cell's code with IPython magics and shell escapes blanked out."""
    lines = source(cell).splitlines()
    return "\n".join("" if re.match(r"\s*[%!]", line) else line for line in lines)


def cell_trees(path: Path) -> list[ast.Module]:
    return [ast.parse(python_source(cell)) for cell in code_cells(load(path))]
