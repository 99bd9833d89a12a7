"""pytest settings for the whole repository."""

# --doctest-modules imports every .py under the test paths: skip the ones that do
# work when imported (the notebook sources, the CLI entry point).
collect_ignore_glob = ["notebooks/sources/*", "minillm_helpers/__main__.py"]
