"""`python -m minillm_helpers train DATA.txt` runs the `minillm` command (cli/command.py)."""

import sys

from minillm_helpers.cli.command import main

if __name__ == "__main__":
    sys.exit(main())
