"""One Pagefind bundle (a year's, or the recent changes'), made from a folder of pages or
taken from `.cache/search/<name>/`.

Beside each bundle, `bundle.marshal` records what it was made from (the pages and their
hashes: searchplan.py compares them with the pages of this build), each page's Pagefind id
(its fragment's name: the search page hides a changed page's old entry by it), and what
each file held (sums.py): a file changed since is damage, and the bundle is made again,
never published. Every edit reads every year's record (31 MB at 100,000 articles): as
JSON that took 0.18 s, marshalled 0.08 s; sealed with its CRC-32 (sums.seal), as the
build state is, so a damaged record is never unmarshalled. The ids and the files' sums,
which an edit reads of one year at most, are marshalled apart inside it and unmarshalled
when first used (lazydict.py: half of the record, 0.03 s of every edit).
"""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import cbor2

from . import cachedir, output, searchfiles, statefiles, sums
from .i18n import N_, Explained
from .lazydict import LazyDict, loaded
from .problems import Problem, warning

# The search index is stale where it was not made: the next build makes it again, even when
# nothing else changed (memory.remember), so it is never left stale once the cause is gone.
NOT_BUILT = N_("search index not built: {reason}")

RECORD = "bundle.marshal"
_MAGIC = b"NRS2"
_WHOLE = b"NRS1"   # as written before the ids and sums were kept apart in it: read, not written
_URL = b'{"url":"'


@dataclass(frozen=True)
class Bundle:
    """A bundle in the cache: its folder and what its record (RECORD) says of it."""

    folder: Path
    digest: str = ""
    pages: dict[str, str] = field(default_factory=dict)   # page file -> "year:hash", as indexed
    ids: Mapping[str, str] = field(default_factory=dict)  # page file -> its Pagefind id
    sums: Mapping[str, tuple[int, int, str]] = field(default_factory=dict)   # file name -> what it held when made

    def as_published(self) -> dict[str, str]:
        """name under the bundle -> the digest the site's manifest gives the file once published:
        files in its folders are passed by path (search._published), the few others as bytes."""
        return {name: (output.linked_digest(name.rpartition("/")[2], size) if "/" in name else sha256)
                for name, (size, _, sha256) in self.sums.items()}

    def files(self) -> list[tuple[str, Path]]:
        """(name under the bundle, file): a few folders of ~1,000 files, walked once a build."""
        return [(name, Path(file)) for name, file in self.names()]

    def names(self) -> list[tuple[str, str]]:
        """files(), the files as strings (to check them: a Path each is a tenth of an edit)."""
        start = str(self.folder)
        found = []
        for top, _, names in os.walk(start):
            rel = top[len(start) + 1:]
            found += [(f"{rel}/{name}" if rel else name, f"{top}/{name}") for name in names]
        return sorted(found)


def cached(cache: Path, settings: str, problems: list[Problem]) -> Bundle | None:
    """The bundle in `cache` if it was made with these settings and its files are as made;
    a damaged one is a warning (and None: it is made again)."""
    found = recorded(cache, settings)
    return found if found is not None and whole(found, problems) else None


def recorded(cache: Path, settings: str) -> Bundle | None:
    """The bundle in `cache` as its record says, if made with these settings; its files not
    checked (`whole`): a bundle already published as it is copies none of them."""
    try:
        record = record_of(cache)
        if record["settings"] != settings or not (cache / "bundle").is_dir():
            return None
        return Bundle(cache / "bundle", record["digest"], record["pages"], record["ids"], record["sums"])
    except (OSError, EOFError, ValueError, KeyError, TypeError):   # (unseal gives None: TypeError)
        return None


def record_of(cache: Path) -> dict:
    """The record in `cache` as written, its ids and sums unmarshalled when used; OSError if
    missing, TypeError if damaged."""
    sealed = (cache / RECORD).read_bytes()
    if sealed[:4] == _WHOLE:   # written as before: written again as now, once
        record = marshal.loads(sums.unseal(_WHOLE, sealed))
        try:
            _write_record(cache, record)
        except OSError:
            pass   # (a full disk, say: it is read as it is again)
        return record
    record = marshal.loads(sums.unseal(_MAGIC, sealed))
    record["ids"], record["sums"] = LazyDict(record["ids"]), LazyDict(record["sums"])
    return record


def whole(bundle: Bundle, problems: list[Problem]) -> bool:
    """Whether the bundle's files are as made; a damaged one is a warning (it is made again)."""
    files = bundle.names()
    # Damaged: other bytes than made, missing, or not made with it (all would be published).
    recorded = loaded(bundle.sums)   # (a file only touched is brought up to date in it)
    bad = sorted(set(recorded) ^ {name for name, _ in files}) or sums.damaged(files, recorded)
    if bad:
        problems.append(warning(str(bundle.folder / bad[0]), 0, "search index file damaged in the cache: made again"))
    return not bad


def make(binary: Path, pages: Path, cache: Path, settings: str, digest: str, indexed: dict[str, str],
         keep_index_url: bool, check: Callable[[], list[Problem]] = list,
         language: str | None = None) -> tuple[Bundle | None, list[Problem]]:
    """The bundle of the pages in folder `pages` (`indexed`: page file -> entry): from the
    cache when it was made from the same pages with the same settings, else made now, after
    `check()` (which verifies the pages' copies) says what it found. `language`: what
    Pagefind is told the pages are written in (None: what each page's <html lang> says)."""
    problems: list[Problem] = []
    known = cached(cache, settings, problems)
    if known is not None and known.digest == digest:
        return known, problems
    problems += check()
    cachedir.folder(cache)
    fresh = cache / f"bundle-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [str(binary), "--site", str(pages), "--output-path", str(fresh), "--silent"]
    if keep_index_url:
        command.append("--keep-index-url")
    if language:
        command += ["--force-language", language]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        if run.returncode != 0:
            detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
            raise OSError(f"pagefind failed: {detail[0]}")
        searchfiles.canonical(fresh)   # the same pages, the same bytes
        ids = _ids(fresh, indexed)
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        return None, [*problems, warning("site.yaml", 0, NOT_BUILT, reason=exc)]
    except (EOFError, ValueError, LookupError, TypeError, cbor2.CBORError) as exc:   # its files cut short
        shutil.rmtree(fresh, ignore_errors=True)
        return None, [*problems, warning("site.yaml", 0, NOT_BUILT, reason=Explained(
            "Pagefind's files in {folder} could not be read back, cut short (is the disk full?): {detail}",
            folder=cache, detail=exc))]
    (cache / RECORD).unlink(missing_ok=True)
    shutil.rmtree(cache / "bundle", ignore_errors=True)
    os.replace(fresh, cache / "bundle")
    folder = cache / "bundle"
    made = Bundle(folder, digest, dict(indexed), ids, sums.record(Bundle(folder).files()))
    _write_record(cache, {"settings": settings, "digest": digest, "pages": made.pages, "ids": ids, "sums": made.sums})
    (cache / "bundle.json").unlink(missing_ok=True)   # the record as older versions wrote it
    return made, problems


def _write_record(cache: Path, record: dict) -> None:
    """Write `record` (its ids and sums as dicts) in RECORD, the ids and sums marshalled apart."""
    data = marshal.dumps({**record, "ids": marshal.dumps(dict(record["ids"])), "sums": marshal.dumps(dict(record["sums"]))})
    statefiles.sealed(cache / RECORD, _MAGIC, lambda out: out.write(data))


def _ids(bundle: Path, indexed: dict[str, str]) -> dict[str, str]:
    """Page file -> the id Pagefind gave it (the name of its fragment, which holds its URL)."""
    by_url = {_address(path): path for path in indexed}
    ids = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        # The URL is the fragment's first field: inflate only its start.
        head = zlib.decompressobj(31).decompress(fragment.read_bytes(), 4096)
        head = head.removeprefix(searchfiles.SIGNATURE)
        if head.startswith(_URL):
            url = head[len(_URL):head.index(b'"', len(_URL))].decode()
            if (path := by_url.get(_address(url))) is not None:
                ids[path] = fragment.name.removesuffix(".pf_fragment")
    return ids


def _address(path: str) -> str:
    """A page file or a result URL, alike: 2021/01/25/story/index.html ~ /2021/01/25/story/."""
    return path.lstrip("/").removesuffix("index.html")


def sweep(search_cache: Path) -> None:
    """Remove what killed builds left in `.cache/search`: `bundle-PID` and `pages-PID`
    folders of processes that no longer run."""
    for folder in [*search_cache.glob("pages-*"), *search_cache.glob("*/bundle-*")]:
        pid = folder.name.rsplit("-", 1)[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:   # another user's: running
        return True
    return True
