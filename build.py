#!/usr/bin/env python3
"""Build the archive: `python build.py [build|check|serve|new] [options]` (see --help)."""

from newsroom.cli import entry

if __name__ == "__main__":
    entry()
