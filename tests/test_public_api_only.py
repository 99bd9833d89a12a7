"""The package calls only PyTorch's public API: no `torch._...` anywhere in minillm_helpers."""

import ast
from pathlib import Path

import minillm_helpers

PACKAGE = Path(minillm_helpers.__file__).parent


def private_torch_uses(source: str) -> list[str]:
    """Each `torch._x` attribute, `import torch._x` or `from torch._x import ...`, by line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            if isinstance(node.value, ast.Name) and node.value.id == "torch":
                found.append(f"line {node.lineno}: torch.{node.attr}")
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        for module in modules:
            parts = module.split(".")
            if parts[0] == "torch" and any(part.startswith("_") for part in parts[1:]):
                found.append(f"line {node.lineno}: import {module}")
    return found


def test_the_check_sees_private_calls_and_imports():
    source = "import torch\nimport torch._dynamo\nfrom torch._C import x\ntorch._foreach_lerp_(a)\n"
    assert len(private_torch_uses(source)) == 3
    assert private_torch_uses("import torch\ntorch.optim.AdamW(p)  # not torch._x\n") == []


def test_no_private_torch_call_in_the_package():
    offenders = {
        str(path.relative_to(PACKAGE)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if (uses := private_torch_uses(path.read_text(encoding="utf-8")))
    }
    assert not offenders, f"private PyTorch API used (use the public one): {offenders}"
