"""Notebook N imports from minillm_helpers only what notebooks before it built."""

import ast

import pytest
from notebook_tools import cell_trees, notebook_number, notebook_paths

from minillm_helpers.stages import AFTER_THE_SERIES, BUILT_BY, UTILITIES, importable_by


def imported_package_modules(trees) -> list[str]:
    """First component after `minillm_helpers.` of every import of the package."""
    found = []
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] != "minillm_helpers":
                    continue
                if len(parts) > 1:
                    found.append(parts[1])
                else:  # from minillm_helpers import tokenizer
                    found.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == "minillm_helpers":
                        found.append(parts[1] if len(parts) > 1 else "<the whole package>")
    return found


def test_every_package_module_has_a_stage():
    import pkgutil

    import minillm_helpers

    modules = {info.name for info in pkgutil.iter_modules(minillm_helpers.__path__)}
    unmapped = modules - set(BUILT_BY) - UTILITIES - AFTER_THE_SERIES
    assert not unmapped, f"add these modules to minillm_helpers/stages.py: {sorted(unmapped)}"


def test_the_rule_catches_a_forbidden_import():
    trees = [ast.parse("from minillm_helpers.model import GPT\nimport minillm_helpers.tokenizer")]
    modules = imported_package_modules(trees)
    assert modules == ["model", "tokenizer"]
    assert "model" not in importable_by(3)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_imports_only_earlier_stages(path):
    allowed = importable_by(notebook_number(path))
    used = imported_package_modules(cell_trees(path))
    forbidden = sorted(set(used) - allowed)
    assert not forbidden, (
        f"{path.name} imports {forbidden} from minillm_helpers, but it may only import "
        f"{sorted(allowed)}: a notebook writes its own stage and uses only earlier ones."
    )
