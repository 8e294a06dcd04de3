#!/usr/bin/env python3
"""Build the archive: `python build.py [build|check|serve|new] [options]` (see --help)."""

import sys

from newsroom.cli import main

if __name__ == "__main__":
    sys.exit(main())
