"""``python -m cxqueue.sweep sweep SPEC.toml ...`` and ``... plot RESULTS ...``."""

import sys

from cxqueue.cli.sweep import main

if __name__ == "__main__":
    sys.exit(main())
