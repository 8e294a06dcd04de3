"""What the cache holds, and what no current build uses: `python build.py cache [--prune]`.

ROOT/.cache is only shortcuts (cache.py, renditions.py, search.py, render.py), and it grows:
a build state per output folder ever built, renditions of photos since removed or resized,
search bundles of years gone, compiled templates of a theme since changed, files left by
killed builds. `sizes` measures each part; `unused` lists what no live output needs, and
`prune` removes it. A live output is one whose folder still holds a build's manifest:
ROOT/site, the preview, and every `--output` a build recorded (its state's head).

Parsed files of articles deleted since stay in a live state until its next build drops
them: that state is also what tells the build which pages listed them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import cache, cachedir, lock, output, render, renditions, urls
from .config import Config
from .i18n import N_, ntr, tr
from .search import RECENT
from .searchplan import shard

# The parts of the cache, by the first matching rule on a file's path inside it.
PARTS = (
    (N_("parsed files"), re.compile(r"build/[^/]+/(parsed-[^/]*|bodies-[^/]*)$")),
    (N_("search index"), re.compile(r"(search/|build/[^/]+/search-pages/)")),
    (N_("build state"), re.compile(r"build/")),
    (N_("compiled templates"), re.compile(r"jinja/")),
    (N_("renditions"), re.compile(r"media(/|-sums\.json$)")),
    (N_("publish records"), re.compile(r"publish/")),
    (N_("other"), re.compile(r"")),
)


@dataclass
class Sizes:
    parts: dict[str, list[int]] = field(default_factory=dict)   # part -> [bytes, files]

    def add(self, part: str, size: int) -> None:
        found = self.parts.setdefault(part, [0, 0])
        found[0] += size
        found[1] += 1

    @property
    def total(self) -> tuple[int, int]:
        return sum(b for b, _ in self.parts.values()), sum(n for _, n in self.parts.values())


def sizes(cache_dir: Path, only: list[Path] | None = None) -> Sizes:
    """The bytes and files of each part (of the paths in `only`, when given)."""
    found = Sizes()
    for path, size in _files(only if only is not None else [cache_dir]):
        found.add(part_of(path.relative_to(cache_dir).as_posix()), size)
    return found


def part_of(inside: str) -> str:
    return next(name for name, rule in PARTS if rule.match(inside))


def unused(config: Config) -> list[Path]:
    """Files and folders of the cache that no live output uses (see the module's doc)."""
    cache_dir = config.cache_dir
    if not cache_dir.is_dir():
        return []
    live = _live_states(config)
    found = [folder for folder in _children(cache_dir / "build") if folder.name not in live]
    found += _unused_renditions(cache_dir / "media", [out for out, _ in live.values()])
    found += _unused_search(cache_dir / "search", [state for _, state in live.values()])
    found += _stale_compiled(config)
    gone = [folder for folder in found if folder.is_dir()]
    found += [path for path, _ in _files([cache_dir]) if cachedir.left_by_dead(path.name)
              and not any(path.is_relative_to(folder) for folder in gone)]
    return sorted(found)


def prune(config: Config) -> Sizes:
    """Remove what `unused` finds; what was removed."""
    found = unused(config)
    removed = sizes(config.cache_dir, found)
    names = set()
    for path in found:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
            names.add(path.name)
    renditions.forget(config.cache_dir / "media", names)
    return removed


def _files(paths: list[Path]) -> Iterator[tuple[Path, int]]:
    for top in paths:
        if top.is_file() or top.is_symlink():
            yield top, top.lstat().st_size
            continue
        for folder, _, names in os.walk(top):
            for name in names:
                path = Path(folder, name)
                try:
                    yield path, path.lstat().st_size
                except OSError:
                    continue


def _children(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _live_states(config: Config) -> dict[str, tuple[Path, dict]]:
    """Build state folder name -> (the output it is for, its pages' record), for every output
    that still holds a site: the default ones, and those the states' heads name."""
    outputs = {config.output, config.root / "site", config.root / ".preview"}
    for folder in _children(config.cache_dir / "build"):
        recorded = cache.Store(folder).load_head().get("output")
        if isinstance(recorded, str):
            outputs.add(Path(recorded))
    live = {}
    for out in outputs:
        folder = config.cache_dir / "build" / cache.state_key(out)
        if (out / output.MARKER).is_file() and folder.is_dir():
            live[folder.name] = (out, cache.Store(folder).load_pages())
    return live


def _unused_renditions(media: Path, sites: list[Path]) -> list[Path]:
    """Renditions no live site shows (a site's manifest lists its media/ files)."""
    used = set()
    for site in sites:
        files = output.manifest(site)
        if not files:
            return []   # a site whose manifest cannot be read: keep every rendition
        used |= {path[len(urls.MEDIA):] for path in files if path.startswith(urls.MEDIA)}
    return [f for f in _children(media) if f.name not in used and not cachedir.LEFTOVER.match(f.name)]


def _unused_search(search: Path, states: list[dict]) -> list[Path]:
    """Years no live state indexes, and what killed builds left."""
    years = {shard(entry) for state in states for entry in state.get("search", {}).values()}
    used = (years | {RECENT}) if years else set()   # and the bundle of recent changes (searchplan.py)
    found = []
    for folder in _children(search):
        if folder.name not in used:
            found.append(folder)
        else:
            found += [f for f in folder.glob("bundle-*") if f.is_dir()]
    return found


def _stale_compiled(config: Config) -> list[Path]:
    """Compiled templates of templates gone, or compiled from another version of their source."""
    folder = config.cache_dir / "jinja"
    if not folder.is_dir():
        return []
    env = jinja2.Environment(loader=render.loader(config))
    bcc = jinja2.FileSystemBytecodeCache(str(folder), render.COMPILED)
    current = {}
    for name in env.loader.list_templates():
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except jinja2.TemplateError:   # not UTF-8, a link to nothing: no build compiles it
            continue
        current[render.COMPILED % bcc.get_cache_key(name, filename)] = bcc.get_source_checksum(source)
    return [f for f in _children(folder) if not cachedir.LEFTOVER.match(f.name)
            and (f.name not in current or not _compiled_from(f, current[f.name], env))]


def _compiled_from(file: Path, checksum: str, env: jinja2.Environment) -> bool:
    """Whether `file` holds the template compiled from the source with `checksum`."""
    bucket = jinja2.bccache.Bucket(env, "", checksum)
    data = render.compiled(file)
    if data is not None:
        bucket.bytecode_from_string(data)
    return bucket.code is not None


def command(config: Config, clean: bool, lang: str, wait: float | None) -> int:
    """`python build.py cache [--prune]`: print the report (after pruning, with --prune); the
    exit status. Under the archive's lock: no build changes the cache meanwhile."""
    cache_dir = config.cache_dir
    if not cache_dir.exists():
        print(tr(lang, "{cache} does not exist yet: a build makes it", cache=cache_dir))
        return 0
    try:
        with lock.hold_archive(cache_dir, wait, lang):
            removed = prune(config) if clean else None
            held = sizes(cache_dir)
            spare = sizes(cache_dir, unused(config)) if not clean else None
    except lock.LockError as exc:
        print(f".cache: error: {exc.text(lang)}", file=sys.stderr)
        return 1
    if removed is not None:
        print(tr(lang, "removed {amount} that no current build used", amount=_amount(removed.total, lang)))
    print(tr(lang, "{cache}: {amount}", cache=cache_dir, amount=_amount(held.total, lang)))
    for name, _ in PARTS:
        if name in held.parts:
            size, files = held.parts[name]
            print(f"  {_pad(tr(lang, name), 20)} {_size(size):>9}  {ntr(lang, '{n} file', '{n} files', files)}")
    if spare is not None:
        print(tr(lang, "{amount} of it no current build uses: python build.py cache --prune removes it",
                 amount=_amount(spare.total, lang)) if spare.parts else tr(lang, "every file in it is in use"))
    return 0


def _amount(total: tuple[int, int], lang: str) -> str:
    """'1.2 MB in 34 files'."""
    return tr(lang, "{size} in {files}", size=_size(total[0]), files=ntr(lang, "{n} file", "{n} files", total[1]))


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _pad(text: str, width: int) -> str:
    """`text` padded to `width` columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 0)
