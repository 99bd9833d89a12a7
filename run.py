#!/usr/bin/env python3
"""Set up minillm and open the notebooks, or run the whole test suite.

    python3 run.py lab     # set up (first time only) and open JupyterLab on the notebooks
    python3 run.py test    # set up (first time only) and run lint, unit tests and every notebook

Needs only Python 3.11 or newer. Everything is installed into `.venv/` next to
this file, so nothing on your system changes; delete `.venv/` to start over.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".minillm-installed"
INSTALL_INPUTS = ("pyproject.toml", "constraints.txt")
# JupyterLab defaults for this environment only (.venv): no "Would you like to get notified
# about official Jupyter news?" question and no update check when a learner opens the notebooks.
LAB_OVERRIDES = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "minillm.json"
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}
}


def say(message: str) -> None:
    print(f"[minillm] {message}", flush=True)


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def set_up() -> None:
    """Create .venv and install the project into it, unless that is already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 (run.py is started by any python3)
        sys.exit(f"minillm needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if STAMP.exists() and STAMP.read_text() == install_fingerprint() and PYTHON.exists():
        return
    if not PYTHON.exists():
        say(f"creating a virtual environment in {VENV.name}/")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing minillm and its dependencies (a minute or two, first time only)")
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--no-compile"]
    subprocess.run(
        [*pip, "-q", "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[dev]"], check=True
    )
    STAMP.write_text(install_fingerprint())
    say("set-up done")


def quiet_jupyterlab() -> None:
    """Write LAB_SETTINGS where .venv's JupyterLab reads setting defaults (overrides.d)."""
    text = json.dumps(LAB_SETTINGS, indent=2) + "\n"
    if not LAB_OVERRIDES.exists() or LAB_OVERRIDES.read_text() != text:
        LAB_OVERRIDES.parent.mkdir(parents=True, exist_ok=True)
        LAB_OVERRIDES.write_text(text)


def run_in_venv(*args: str, env: dict[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    # The install skips compiling (--no-compile saves ~40 s); let the first import of each
    # module cache its bytecode in .venv, so later kernels start in ~3 s instead of ~7 s.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, env=env).returncode


def ensure_chromium() -> None:
    """In CI, install Debian's Chromium for the browser tests if it is missing."""
    if shutil.which("chromium") or not shutil.which("apt-get"):
        return
    say("installing Chromium for the browser tests (apt-get)")
    quiet = {"stdout": subprocess.DEVNULL}
    subprocess.run(["apt-get", "update", "-qq"], check=True, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, **quiet)


def test(extra: list[str]) -> int:
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    env = dict(os.environ)
    if ci:
        ensure_chromium()
        env["MINILLM_REQUIRE_BROWSER"] = "1"  # in CI a skipped browser tier is a failure
    say("lint: ruff over the package, tests, notebooks, benchmarks and the corpus generator")
    linted = ("minillm_helpers", "tests", "notebooks", "benchmarks", "data")
    if run_in_venv("-m", "ruff", "check", *linted):
        return 1
    say("tests: unit, property and bad-input tests, the browser tier, every notebook (2 threads)")
    env2 = {**env, "OMP_NUM_THREADS": "2"}
    code = run_in_venv("-m", "pytest", "--nbval", "-q", "--durations=15", *extra, env=env2)
    if code or extra:
        return code
    say("notebooks again with 1 thread: outputs must not depend on the thread count")
    env1 = {**env, "OMP_NUM_THREADS": "1"}
    return run_in_venv("-m", "pytest", "--nbval", "-q", "notebooks", env=env1)


def lab_arguments(extra: list[str]) -> list[str]:
    """What `lab` runs after `python -m`: JupyterLab on the notebooks folder.

    news_url=None: the server never fetches the Jupyter news feed. (The question "Would you
    like to get notified about official Jupyter news?" is kept away by LAB_SETTINGS, which
    quiet_jupyterlab() writes; the browser tests call both.)
    """
    args = ["jupyter", "lab", str(ROOT / "notebooks"), "--LabApp.news_url=None", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return args


def lab(extra: list[str]) -> int:
    return run_in_venv("-m", *lab_arguments(extra))


def main(argv: list[str]) -> int:
    commands = {"lab": lab, "test": test, "setup": lambda extra: 0}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    set_up()
    quiet_jupyterlab()
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
