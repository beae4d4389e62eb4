"""``python -m landslide_mapper``: the command line (see cli.py)."""

import sys

from .cli import main

if __name__ == "__main__":  # (Dask's worker processes import this module again: they must not run the CLI)
    sys.exit(main())
