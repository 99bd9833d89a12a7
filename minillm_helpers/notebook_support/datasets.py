"""Moved to minillm_helpers.datasets (the command-line trainer reads files with it too)."""

from minillm_helpers.datasets import *  # noqa: F401,F403  (kept while notebook 08 moves over)
from minillm_helpers.datasets import DATASETS, data_dir, dataset_path, sha256_of  # noqa: F401
