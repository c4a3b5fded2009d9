"""`python -m dashboard.cli`: the command line."""

import sys

from dashboard.cli import main

sys.exit(main())
