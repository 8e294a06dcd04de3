#!/usr/bin/env python3
"""Build the archive: `python build.py [build|check|serve|new] [options]` (see --help)."""

import sys

if __name__ == "__main__":
    try:
        from newsroom.cli import entry
    except KeyboardInterrupt:   # Ctrl-C before the engine is even loaded (entry() handles it after)
        print("interrupted: the site was not changed", file=sys.stderr)
        sys.exit(130)
    entry()
