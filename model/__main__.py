"""Run the CLI: python -m model --help."""

import sys

from model.cli import main

sys.exit(main())
