"""`python -m assistant` runs the command line."""

import sys

from assistant.cli.commands import main

sys.exit(main())
