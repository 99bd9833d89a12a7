"""Each notebook and its Python source (notebooks/sources/, jupytext's percent format) agree.

Contributors edit either one and run `jupytext --sync`; this test catches a notebook or a
source edited alone, so a review of the Python diff is a review of the notebook.
"""

import jupytext
import pytest
from notebook_tools import NOTEBOOK_DIR, load, notebook_paths

SOURCES = NOTEBOOK_DIR / "sources"


def cells_of(notebook) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each cell's type, source and tags (jupytext keeps tags: notebooks/jupytext.toml)."""
    return [(cell["cell_type"], "".join(cell["source"]),
             tuple(cell.get("metadata", {}).get("tags", []))) for cell in notebook["cells"]]


def source_path(path):
    return SOURCES / f"{path.stem}.py"


def test_every_notebook_has_a_source_and_every_source_a_notebook():
    notebooks = {path.stem for path in notebook_paths()}
    sources = {path.stem for path in SOURCES.glob("[0-9][0-9]_*.py")}
    assert notebooks == sources, f"unpaired: {sorted(notebooks ^ sources)}"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_committed_notebook_equals_its_source(path):
    committed = cells_of(load(path))
    expected = cells_of(jupytext.read(source_path(path)))
    assert len(committed) == len(expected), (
        f"{path.name} has {len(committed)} cells, its source {len(expected)}: run "
        f"`jupytext --sync notebooks/{path.name}` and re-execute the notebook"
    )
    for number, (have, want) in enumerate(zip(committed, expected, strict=True)):
        assert have == want, (
            f"{path.name} cell {number} differs from notebooks/sources/{path.stem}.py: "
            f"run `jupytext --sync notebooks/{path.name}` and re-execute the notebook"
        )


def test_the_comparison_notices_an_edited_cell(tmp_path):
    path = notebook_paths()[0]
    notebook = jupytext.read(source_path(path))
    notebook.cells[1].source += "\nx = 1"
    assert cells_of(notebook) != cells_of(load(path))


def test_the_comparison_notices_a_lost_tag():
    path = notebook_paths()[0]
    notebook = jupytext.read(source_path(path))
    tagged = [cell for cell in notebook.cells if cell.metadata.get("tags")]
    assert tagged, "the first notebook's source keeps its widget cell's tag"
    tagged[0].metadata["tags"] = []
    assert cells_of(notebook) != cells_of(load(path))
