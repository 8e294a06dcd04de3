"""ASCII slugs for URLs: pinyin for Chinese, lower-case words joined by hyphens."""

from __future__ import annotations

import functools
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from . import forked
from .lifeline import die_with_parent

# Runs a task that slugs names with pypinyin elsewhere, and returns what it returned.
Slugging = Callable[[Callable[[], dict[str, str]]], dict[str, str]]

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str = "item") -> str:
    """An ASCII slug for any text: '坂田街道' -> 'ban-tian-jie-dao', 'Hello World' -> 'hello-world'.

    Never raises and never returns an empty string: text with nothing to keep gives `fallback`.
    """
    text = unicodedata.normalize("NFKC", str(text))
    # pypinyin passes non-Chinese runs through unchanged; each syllable becomes a word. It is
    # loaded only for text that is not ASCII (a photo's file name seldom is): 0.16 s and 50 MB.
    words = [text] if text.isascii() else _pinyin(text)
    ascii_text = " ".join(words)
    # Punctuation and symbols separate words ('02·17' -> '02-17'); only letters lose accents below.
    ascii_text = "".join(" " if unicodedata.category(ch)[0] in "PSZ" else ch for ch in ascii_text)
    ascii_text = unicodedata.normalize("NFKD", ascii_text).encode("ascii", "ignore").decode()
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug or fallback


def _pinyin(text: str) -> list[str]:
    from pypinyin import lazy_pinyin  # imported here: most builds need no pinyin
    return lazy_pinyin(text, errors="default")


def clean_slug(text: str) -> str | None:
    """A slug given by an editor, if it is already valid ASCII; else None."""
    text = str(text).strip()
    if re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", text):
        return text
    return None


_NOT_A_PATH = re.compile(r"""[\s?#\\"']|://|^//""")


def site_path(text: str) -> str | None:
    """A path an editor wrote for a page of this site ('/2022/02/21/old/', '2022/02/21/old',
    'old.html') as a site path ('2022/02/21/old/'); None when it cannot be one (a full URL,
    '..', a query, spaces: hosts' redirect files are split on white space)."""
    text = str(text).strip()
    if not text or _NOT_A_PATH.search(text):
        return None
    parts = [p for p in text.strip("/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    path = "/".join(parts)
    # A last part with a dot is a file (old.html, feed.xml); anything else is a folder.
    return path if "." in parts[-1] else path + "/"


def slugify_all(texts: Iterable[str]) -> dict[str, str]:
    return {text: slugify(text) for text in texts}


def _here(task: Callable[[], dict[str, str]]) -> dict[str, str]:
    return task()


class Remembers(Protocol):
    slugs: dict[str, str]   # text -> its slug


def remembered_slugs(state: Remembers,
                     elsewhere: Slugging = _here,
                     ) -> Callable[[set[str]], dict[str, str]]:
    """slugify_all, remembering its results in `state.slugs` (the build state's: pypinyin takes
    0.16 s to load, and the names of streets, reporters and tags seldom change). The texts not
    remembered are slugged by `elsewhere(task)` unless pypinyin is loaded here already (a
    preview server, the tests): the builder runs the task in a forked process, so pypinyin's
    dictionaries (50 MB once loaded, for a few dozen names) stay out of the build process and
    of the render workers it forks later. New slugs go into a new dict: a part of the state is
    never changed in place (cache.PARTS), and one changed so was never saved."""
    def remembered(texts: set[str]) -> dict[str, str]:
        missing = sorted(texts - state.slugs.keys())
        if missing:
            task = functools.partial(slugify_all, missing)
            state.slugs = {**state.slugs, **(task() if "pypinyin" in sys.modules else elsewhere(task))}
        memo = state.slugs
        return {text: memo[text] for text in texts}
    return remembered



class Warm:
    """pypinyin loaded in a forked process from the start of a build that has no slugs
    remembered (a first build), for the calls that will want slugs (`elsewhere`: file names
    as they are read, the terms as they are indexed). Forked for each call, the process
    made a first build at 10,000 articles wait 0.2 s for pypinyin to load, the other core
    idle; loaded while the build imports its engine, it answers at once. No process where
    fork is unavailable or there is one core."""

    def __init__(self, jobs: int = 0) -> None:
        ctx = forked.context()
        self._process = self._talk = None
        if ctx is None or forked.workers(jobs) < 2:
            return
        self._talk, theirs = ctx.Pipe()
        self._process = forked.process(ctx, _answer, (theirs, self._talk, os.getpid()))
        theirs.close()

    def elsewhere(self, fallback: Slugging) -> Slugging:
        """A slugging task run in the warm process, or by `fallback` if there is none (or it died)."""
        def run(task: Callable[[], dict[str, str]]) -> dict[str, str]:
            if self._process is not None:
                try:
                    self._talk.send(task)
                    return self._talk.recv()
                except (EOFError, OSError):   # killed (the OOM killer)
                    self.close()
            return fallback(task)
        return run

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def close(self) -> None:
        """Stop the process (the build has no more names to slug, or stopped)."""
        if self._process is not None:
            self._talk.close()
            self._process.kill()
            self._process.join()
            self._process = None


def _answer(talk: Any, theirs: Any, parent: int) -> None:
    die_with_parent(parent)
    theirs.close()   # the build's end, inherited: closed here, the build's close is an end of file
    _pinyin("中文")   # pypinyin and its dictionaries loaded now, before the build asks
    while True:
        try:
            task = talk.recv()
        except EOFError:
            return
        talk.send(task())
