"""How long `pytest --nbval` takes per notebook, run as `python3 run.py test` runs it: at 2
threads (--threads) and with Python allowed to cache bytecode in .venv. run.py lifts
PYTHONDONTWRITEBYTECODE, which some machines set (this sandbox does): without the cache every
kernel compiles torch's sources again, ~4 s more for `import torch` and ~5 s more for the
first optimizer (it imports torch._dynamo), so a notebook that trains pays ~9 s for nothing.

    .venv/bin/python benchmarks/notebook_time.py --runs 2

Notebook 07 downloads Tiny Shakespeare once; offline, set MINILLM_DATA_DIR to a folder that
holds tinyshakespeare.txt, as .ci/run does.

prints each notebook's seconds (its cells' setup, call and teardown times summed; the median
of the runs) and the two totals the issues set targets for: notebooks 01-08 and all nine.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DURATION = re.compile(r"([\d.]+)s (?:setup|call|teardown)\s+notebooks/(\d\d)_\S+::Cell")
# what a notebook kernel imports, compiled once before the runs are timed
WARM_UP = "import torch, torch._dynamo, matplotlib.pyplot, ipywidgets, ipykernel.kernelapp, nbval"


def seconds_per_notebook(report: str) -> dict[str, float]:
    """{"01": seconds, ...} summed from pytest's `--durations=0` lines.

    >>> seconds_per_notebook("52.82s call     notebooks/08_block.ipynb::Cell 9\\n"
    ...                      "0.50s setup    notebooks/08_block.ipynb::Cell 0\\n"
    ...                      "3.10s call     notebooks/01_tokenization.ipynb::Cell 2\\n")
    {'01': 3.1, '08': 53.32}
    """
    totals = Counter()
    for seconds, notebook in DURATION.findall(report):
        totals[notebook] += float(seconds)
    return {notebook: round(totals[notebook], 2) for notebook in sorted(totals)}


def environment(threads: int) -> dict[str, str]:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as run.py's run_in_venv
    return env


def one_run(threads: int) -> dict[str, float]:
    command = [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider",
               "--durations=0", "notebooks"]
    done = subprocess.run(command, cwd=ROOT, env=environment(threads), capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"pytest --nbval failed:\n{done.stdout[-3000:]}")
    return seconds_per_notebook(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-c", WARM_UP], env=environment(args.threads), check=True)
    runs = [one_run(args.threads) for _ in range(args.runs)]
    median = {nb: statistics.median(run[nb] for run in runs) for nb in runs[0]}
    for nb, seconds in median.items():
        each = ", ".join(f"{run[nb]:6.1f}" for run in runs)
        print(f"{nb}: {each}  median {seconds:6.1f} s")
    print(f"01-08: {sum(s for nb, s in median.items() if nb != '09'):.1f} s, "
          f"all {len(median)}: {sum(median.values()):.1f} s ({args.threads} threads, medians)")


if __name__ == "__main__":
    main()
