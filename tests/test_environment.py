"""pyproject.toml (pip users), environment.yml (conda users) and constraints.txt agree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge's name -> PyPI's name
NOT_PACKAGES = {"python", "pip"}


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower()


def pyproject_packages() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [
        s for extra in project["optional-dependencies"].values() for s in extra
    ]
    return {requirement_name(s) for s in specs}


def conda_packages() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)", line)
        if match and not line.rstrip().endswith(":"):
            name = requirement_name(match.group(1))
            names.add(CONDA_NAMES.get(name, name))
    return names - NOT_PACKAGES


def pinned_packages() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert conda_packages() == pyproject_packages()


def test_every_dependency_is_pinned_for_the_tested_setup():
    assert set(pinned_packages()) == pyproject_packages()
    assert pinned_packages()["torch"] == "2.13.0"  # the CPU build on this machine's disk


def test_the_parsers_see_real_names():
    assert {"torch", "jupyterlab", "nbval", "hypothesis"} <= pyproject_packages()
    assert requirement_name("torch>=2.4") == "torch"
    assert requirement_name("ipywidgets ==8.1") == "ipywidgets"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 run.py test" in readme
    assert "python3 run.py lab" in readme
    assert "python3 run.py test" in ci


def test_readme_links_point_at_files_that_exist():
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [t for t in targets if "://" not in t]
    assert "docs/figure.png" in local and len(local) > 6
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_one_python_floor_everywhere():
    """pyproject's requires-python is the floor README, run.py, environment.yml and ruff
    state, and the interpreter running the tests meets it (the tests use tomllib, 3.11+)."""
    import sys

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    floor = re.fullmatch(r">=(\d+)\.(\d+)", pyproject["project"]["requires-python"])
    major, minor = int(floor[1]), int(floor[2])
    assert sys.version_info >= (major, minor)
    assert pyproject["tool"]["ruff"]["target-version"] == f"py{major}{minor}"
    assert f"python>={major}.{minor}" in (ROOT / "environment.yml").read_text()
    run_py = (ROOT / "run.py").read_text()
    assert f"sys.version_info < ({major}, {minor})" in run_py
    for name, text in (("README.md", (ROOT / "README.md").read_text()), ("run.py", run_py)):
        stated = set(re.findall(r"Python (\d+\.\d+) or newer", text))
        assert stated == {f"{major}.{minor}"}, (name, stated)
