"""``python -m batchkit``: the same command line as the ``batchkit`` console script."""

from __future__ import annotations

import sys

from batchkit._cli.app import main

if __name__ == "__main__":
    sys.exit(main())
