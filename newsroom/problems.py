"""Problems: every mistake a user can make, collected and reported like a compiler.

Reading and checking never raise for bad input; they return `Problem`s so an editor
sees every mistake in one run, sorted by file and line. A problem keeps its English text
(and the template and values it was made from); `report` shows it in the editor's
language (i18n.py), always behind the same machine-readable `path:line: severity:`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .i18n import ENGLISH, N_, Explained, ntr, tr

ERROR = "error"
WARNING = "warning"

# What a reader of one file is given to report a mistake: the message's template, then (for
# some) where in the file it is, then the template's values; the file and line are its own.
Report = Callable[..., None]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: str
    message: str
    template: str = field(default="", compare=False)    # the message as declared, for its translation
    params: tuple[tuple[str, object], ...] = field(default=(), compare=False)
    # A damaged cache entry, made again: said once, and no reason to fail even a --strict build.
    repaired: bool = field(default=False, compare=False)
    users: str = field(default="", compare=False)   # where the file at fault is used (used_by)
    # What an editor meant (a story scheduled for later), said so that a mistyped year is seen,
    # but no reason to fail a --strict build: a newsroom that schedules could not use one.
    intended: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return self.text(ENGLISH)

    def text(self, lang: str) -> str:
        """`path:line: severity: message`, the message in `lang`."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.translated(lang)}"

    def translated(self, lang: str) -> str:
        if lang == ENGLISH:
            return self.message
        text = tr(lang, self.template or self.message, **dict(self.params))
        return tr(lang, USED_BY, problem=text, users=self.users) if self.users else text


USED_BY = N_("{problem} — used by {users}")


def used_by(problem: Problem, places: Iterable[str]) -> Problem:
    """`problem`, naming the files (file:line) that use the one at fault."""
    users = ", ".join(places)
    return replace(problem, message=USED_BY.format(problem=problem.message, users=users), users=users)


def _make(severity: str, path: str | Path, line: int, message: str, params: dict,
          repaired: bool = False) -> Problem:
    text = message.format(**params) if params else message
    return Problem(str(path), line, severity, text, message, tuple(params.items()), repaired)


def error(path: str | Path, line: int, message: str, /, **params: object) -> Problem:
    """An error; `message` is English, with `{name}` placeholders filled from `params`."""
    return _make(ERROR, path, line, message, params)


def warning(path: str | Path, line: int, message: str, /, **params: object) -> Problem:
    return _make(WARNING, path, line, message, params)


def repaired(path: str | Path, message: str, /, **params: object) -> Problem:
    """A warning that a cache entry was damaged and is made again (never fatal)."""
    return _make(WARNING, path, 0, message, params, repaired=True)


def intended(path: str | Path, line: int, message: str, /, **params: object) -> Problem:
    """A warning of something meant, which never fails a build (Problem.intended)."""
    return replace(_make(WARNING, path, line, message, params), intended=True)


def failed(path: str | Path, line: int, exc: Exception) -> Problem:
    """The error for a failure: its declared message (i18n.Explained), or else its text."""
    if isinstance(exc, Explained):
        return _make(ERROR, path, line, exc.template, exc.params)
    return _make(ERROR, path, line, str(exc), {})


UNKNOWN_FIELD = N_("unknown field '{key}' (ignored)")
UNKNOWN_FIELD_NEAR = N_("unknown field '{key}' (ignored) — did you mean '{hint}'?")


def unknown_field(source: str, line: int, key: object, known: Iterable[str]) -> Problem:
    """A field no one reads: a warning, with the known field it is likely a slip for."""
    message, params = unknown_field_said(key, known)
    return warning(source, line, message, **params)


def unknown_field_said(key: object, known: Iterable[str]) -> tuple[str, dict[str, object]]:
    """What unknown_field says (its message and values), for a caller that reports it itself."""
    close = difflib.get_close_matches(str(key).lower(), sorted(known), n=1, cutoff=0.75)
    return (UNKNOWN_FIELD_NEAR, {"key": key, "hint": close[0]}) if close else (UNKNOWN_FIELD, {"key": key})


def shown(path: Path, root: Path) -> str:
    """How a file is named in a message: from the archive's root when it is under it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def errors(problems: Iterable[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a build (with --strict, warnings too, but not a repaired cache
    or a story scheduled)."""
    return [p for p in problems if p.severity == ERROR or (strict and not p.repaired and not p.intended)]


def report(problems: Iterable[Problem], lang: str = ENGLISH) -> str:
    """All problems, sorted by file and line, with a count at the end."""
    items = sorted(set(problems), key=lambda p: (p.path, p.line, p.severity, p.message))
    if not items:
        return ""
    n_err = sum(p.severity == ERROR for p in items)
    lines = [p.text(lang) for p in items]
    lines.append(count_line(n_err, len(items) - n_err, lang))
    return "\n".join(lines)


def count_line(n_errors: int, n_warnings: int, lang: str = ENGLISH) -> str:
    """'1 error, 2 warnings'."""
    return tr(lang, "{errors}, {warnings}",
              errors=ntr(lang, "{n} error", "{n} errors", n_errors),
              warnings=ntr(lang, "{n} warning", "{n} warnings", n_warnings))
