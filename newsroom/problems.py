"""Problems: every mistake a user can make, collected and reported like a compiler.

Reading and checking never raise for bad input; they return `Problem`s so an editor
sees every mistake in one run, sorted by file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


def error(path: str | Path, line: int, message: str) -> Problem:
    return Problem(str(path), line, ERROR, message)


def warning(path: str | Path, line: int, message: str) -> Problem:
    return Problem(str(path), line, WARNING, message)


def errors(problems: Iterable[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a build (with --strict, warnings too)."""
    return [p for p in problems if p.severity == ERROR or strict]


def report(problems: Iterable[Problem]) -> str:
    """All problems, sorted by file and line, with a count at the end."""
    items = sorted(set(problems), key=lambda p: (p.path, p.line, p.severity, p.message))
    if not items:
        return ""
    n_err = sum(p.severity == ERROR for p in items)
    n_warn = len(items) - n_err
    lines = [str(p) for p in items]
    lines.append(f"{_plural(n_err, 'error')}, {_plural(n_warn, 'warning')}")
    return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
