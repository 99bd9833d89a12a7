"""pytest settings for the whole repository."""

# --doctest-modules imports every .py under the test paths: skip the ones that do
# work when imported (the notebook build scripts, the CLI entry point).
collect_ignore_glob = ["notebooks/build/*", "minillm_helpers/__main__.py"]
