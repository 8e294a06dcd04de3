"""A one-line progress bar on stderr, drawn only when a person is watching (a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

HANDFUL = 8   # fewer items finish before a bar would be worth reading


class Bar:
    """Call with (done, total) as work finishes; `close()` ends the line.

    Silent when the stream is not a terminal (logs, pipes, CI) or the work is a handful.
    """

    def __init__(self, total: int, label: str = "photos", stream: TextIO | None = None,
                 minimum: int = HANDFUL) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.total = total
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = total > minimum and bool(isatty and isatty())
        self.started = time.monotonic()
        self._drawn = 0.0
        self._shown = False

    def __call__(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        total = total or self.total
        now = time.monotonic()
        if done < total and now - self._drawn < 0.1:
            return   # redraw at most ten times a second: the terminal is not free either
        self._drawn = now
        # \x1b[K clears what a longer previous line left behind
        self.stream.write("\r" + line(done, total, now - self.started, self.label) + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


def line(done: int, total: int, seconds: float, label: str = "photos", width: int = 30) -> str:
    """'[#########.....]  45/100 photos  3.2/s  0:17 left' (pure, for tests)."""
    total = max(total, 1)
    filled = min(width, width * done // total)
    rate = done / seconds if seconds > 0 else 0.0
    text = f"[{'#' * filled}{'.' * (width - filled)}] {done:>{len(str(total))}}/{total} {label}"
    if rate > 0:
        left = int((total - done) / rate)
        text += f"  {rate:.1f}/s  {left // 60}:{left % 60:02d} left"
    return text
