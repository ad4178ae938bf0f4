"""``python -m translate.serve`` (until ``translate serve`` is registered in the CLI)."""

from __future__ import annotations

import sys

from .command import main

if __name__ == "__main__":
    sys.exit(main())
