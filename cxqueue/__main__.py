"""``python -m cxqueue``: the command-line interface."""

import sys

from cxqueue.cli import main

sys.exit(main())
