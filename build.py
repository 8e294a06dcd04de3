#!/usr/bin/env python3
"""Build the archive: `python build.py [build|check|serve|new] [options]` (see --help)."""

import sys

if __name__ == "__main__":
    try:
        from newsroom.cli import entry
    except (KeyboardInterrupt, RuntimeError) as exc:   # Ctrl-C before the engine is loaded (entry() handles it after)
        # Python 3.11 wraps a Ctrl-C that comes while a class is made (interrupts.unwrapped).
        if not isinstance(exc, KeyboardInterrupt) and not isinstance(exc.__cause__, KeyboardInterrupt):
            raise
        print("interrupted: the site was not changed", file=sys.stderr)
        sys.exit(130)
    entry()
