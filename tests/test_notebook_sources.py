"""Each committed notebook is exactly what its build script lists, cell for cell.

The build scripts (notebooks/build/nbXX.py) are where notebook text is written and where
package code is pasted into cells; this test catches a notebook edited by hand, or a
package change that was not rebuilt into its notebook.
"""

import runpy
import sys

import pytest
from notebook_tools import NOTEBOOK_DIR, load, notebook_paths

BUILD = NOTEBOOK_DIR / "build"
sys.path.insert(0, str(BUILD))
import builder  # noqa: E402  (lives in notebooks/build)


def built_cells(number: str) -> list[tuple[str, str]]:
    builder.cells.clear()
    runpy.run_path(str(BUILD / f"nb{number}.py"), run_name="listing")  # not __main__: no write
    return list(builder.cells)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_committed_notebook_equals_its_build_script(path):
    committed = [(cell["cell_type"], "".join(cell["source"])) for cell in load(path)["cells"]]
    expected = built_cells(path.name[:2])
    assert len(committed) == len(expected), f"{path.name}: rebuild it from its build script"
    for number, (have, want) in enumerate(zip(committed, expected, strict=True)):
        assert have == want, (
            f"{path.name} cell {number} differs from notebooks/build/nb{path.name[:2]}.py: "
            "edit the build script, rebuild and re-execute the notebook"
        )


def test_listing_the_cells_writes_no_notebook():
    path = NOTEBOOK_DIR / "01_tokenization.ipynb"
    before = path.stat().st_mtime_ns
    cells = built_cells("01")
    assert cells[0][0] == "markdown" and "Tokenization" in cells[0][1]
    assert path.stat().st_mtime_ns == before
