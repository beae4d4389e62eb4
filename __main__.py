"""``python -m landslide_mapper``: the command line (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
