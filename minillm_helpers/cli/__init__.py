"""The `minillm` command (docs/command_line.md); CONTRIBUTING.md says what each module holds.
No notebook imports these."""
