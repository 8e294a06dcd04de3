"""Reading the archive's files: every article under content/, every photo under photos/.

This is the I/O edge of the pipeline (and its only reader of content); parsing is done by
articles.py and photos.py, on the parallel workers for articles, and the cache spares
unchanged files.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from itertools import chain, compress, repeat
from operator import attrgetter, is_not, itemgetter, ne
from pathlib import Path, PurePosixPath

from . import articles, cache, parallel, photos, signatures, textfiles
from .config import Config
from .markup import Renderer
from .model import Article, Name, Photo
from .problems import Problem, error, warning
from .slugs import Slugging, remembered_slugs, slugify

ARTICLE_SUFFIXES = {".md", ".markdown"}


def article_files(config: Config) -> list[Path]:
    return sorted(_walk(config.content_dir, ARTICLE_SUFFIXES))


def photo_files(config: Config) -> list[Path]:
    return sorted(_walk(config.photos_dir, photos.EXTENSIONS))


def read_all(config: Config, state: cache.State | None = None, jobs: int = 0,
             scanned: dict[str, tuple[int, int]] | None = None,
             slugging: Slugging = parallel.apart) -> tuple[list[Article], list[Photo], list[Problem]]:
    """Every article and photo, parsed, with every problem found: the one reader of content.

    `state` (the last build's, updated here) gives back a file whose size and mtime are
    unchanged without reading it, and the cached parse of a touched but identical file;
    articles are parsed on `jobs` workers (0: one per core). `scanned`: (size, mtime) of the
    input files by path, when the caller has walked them already. `slugging(task)` runs a
    task that slugs names with pypinyin elsewhere (slugs.remembered_slugs).
    """
    state = state if state is not None else cache.State()
    found_articles, problems = _read_articles(config, state, jobs, scanned, slugging)
    found_photos, photo_problems = _read_photos(config, state, slugging)
    return found_articles, found_photos, problems + photo_problems + _orphan_sidecars(config)


def _read_articles(config: Config, state: cache.State, jobs: int, scanned: dict[str, tuple[int, int]] | None,
                   slugging: Slugging) -> tuple[list[Article], list[Problem]]:
    # Plain strings: pathlib costs more than the rest of a small rebuild at 10,000 files.
    if scanned is None:
        names = [str(path) for path in article_files(config)]
        stats = {name: signatures.stat_key(Path(name)) for name in names}
    else:
        names = signatures.listed(scanned, config.content_dir, ARTICLE_SUFFIXES)
        stats = scanned
    sources = _sources(names, config.root)
    # Passes in C over 100,000 files at every build (a loop in Python: a tenth of a second):
    # each entry is put in the sources' order now (an article read again below replaces its
    # own, a new one its stand-in), and read again if its size or time changed.
    olds = list(map(state.articles.get, sources, repeat(_NEW)))
    now = list(map(stats.__getitem__, names))
    old_stats = list(map(_STAT, olds))
    entries = cache.Entries(zip(sources, olds, strict=True), state.articles)
    if None in old_stats:   # (a file that could not be read: read again, whatever its stat)
        old_stats = [(None,) if stat is None else stat for stat in old_stats]
    todo = list(compress(zip(names, sources, now, strict=True), map(ne, now, old_stats)))
    entries.replaced([source for _, source, _ in todo])
    shared: dict[Name, Name] = {}
    state_for_workers = {"config": config, "slugs": _file_name_slugs([source for _, source, _ in todo], state, slugging)}
    for chunk in parallel.ordered(_read_chunk, parallel.split(todo, 64), jobs, state_for_workers, min_chunks=3):
        for source, stat, digest, article, found in chunk:
            old = state.articles.get(source)
            if old is not None and digest and old.digest == digest:
                entries[source] = cache.Entry(stat, digest, old.value, old.problems)   # touched, not changed
            else:
                entries[source] = cache.Entry(stat, digest, _shared_names(article, shared), found)
    state.articles = entries
    read = entries.values()
    problems = list(chain.from_iterable(filter(None, map(_PROBLEMS, read))))
    values = list(map(_VALUE, read))
    return list(compress(values, map(is_not, values, repeat(None)))), problems


_STAT, _VALUE, _PROBLEMS = attrgetter("stat"), attrgetter("value"), attrgetter("problems")
# Where a file new since the last build stands until it is read (no stat is ever equal to its).
_NEW = cache.Entry(stat=("new",), digest="", value=None, problems=[])


def _sources(names: list[str], root: Path) -> list[str]:
    """Each file name as a source path (relative to `root`, with '/')."""
    cut = itemgetter(slice(len(str(root) + os.sep), None))
    if os.sep == "/":
        return list(map(cut, names))
    return [cut(name).replace(os.sep, "/") for name in names]


def _read_chunk(files: list[tuple[str, str, tuple | None]]) -> list[tuple]:
    """(source, stat, digest, article, problems) of each (file name, source path, stat), in a
    worker. The stat is the caller's, taken before reading: if the file changes meanwhile,
    the next build sees a different stat and reads it again."""
    config: Config = parallel.STATE["config"]
    renderer = parallel.STATE.get("renderer")
    if renderer is None:
        renderer = parallel.STATE["renderer"] = Renderer(config.raw_html, config.embed_hosts, config.language)
    out = []
    for name, source, stat in files:   # strings, not Paths: pathlib was a tenth of reading
        try:
            with open(name, "rb") as f:
                raw = f.read()
        except OSError:
            # read_article words the message; it fails the same way again.
            article, problems = read_article(Path(name), config, renderer)
            out.append((source, None, "", article, problems))
            continue
        text, problem = textfiles.decode(raw, source)
        if text is None:
            out.append((source, stat, cache.file_hash(raw), None, [problem]))
            continue
        article, problems = articles.parse(text, source, config, renderer, parallel.STATE["slugs"])
        out.append((source, stat, cache.file_hash(raw), article, problems))
    return out


def _file_name_slugs(sources: list[str], state: cache.State, slugging: Slugging) -> dict[str, str]:
    """The pinyin of the file names (坂田新闻.md) of these articles, for those whose front matter
    gives no slug: remembered, and made in a forked process like the terms' (slugs.remembered_slugs),
    so neither the build process nor the workers that parse load pypinyin (0.13 s, 50 MB)."""
    names = {PurePosixPath(source).stem for source in sources}
    return remembered_slugs(state, slugging)({name for name in names if not name.isascii()})


def _shared_names(article: Article | None, shared: dict[Name, Name]) -> Article | None:
    """The article with one object for each name (张鹏, 首席记者) it shares with others: the
    cache then stores each name once per shard, and loading it is a third faster."""
    if article is None:
        return None
    terms = {key: tuple(shared.setdefault(name, name) for name in names) for key, names in article.terms.items()}
    return dataclasses.replace(article, terms=terms)


def _read_photos(config: Config, state: cache.State, slugging: Slugging) -> tuple[list[Photo], list[Problem]]:
    found: list[Photo] = []
    problems: list[Problem] = []
    entries: dict[str, cache.Entry] = {}
    stats = {path: (signatures.stat_key(path), signatures.stat_key(path.with_suffix(".yaml")),
                    signatures.stat_key(path.with_suffix(".yml")), path.is_symlink()) for path in photo_files(config)}
    sources = {path: path.relative_to(config.root).as_posix() for path in stats}
    fresh = {path for path, stat in stats.items()
             if (entry := state.photos.get(sources[path])) is None or entry.stat != stat}
    slug_of = _photo_slugs(fresh, config, state, slugging)
    for path, stat in stats.items():
        source = sources[path]
        entry = state.photos.get(source)
        if path in fresh:
            photo, found_problems = read_photo(path, config, slug_of)
            # A photo that could not be read is read again next time (it may be readable by
            # then: a permission fixed), whatever its size and mtime say.
            entry = cache.Entry(stat if photo else None, photo.digest if photo else "", photo, found_problems)
        entries[source] = entry
        problems += entry.problems
        if entry.value is not None:
            found.append(entry.value)
    state.photos = entries
    return found, problems


def _photo_slugs(paths: Iterable[Path], config: Config, state: cache.State,
                 slugging: Slugging) -> Callable[[str], str]:
    """The slug of each part of these photos' paths: pinyin where a part is not ASCII (街景/坂田.jpg),
    remembered, and made in a forked process like the terms' (slugs.remembered_slugs)."""
    parts = {part for path in paths for part in (*path.relative_to(config.photos_dir).parent.parts, path.stem)}
    made = remembered_slugs(state, slugging)({part for part in parts if not part.isascii()})
    return lambda part: made.get(part) or slugify(part)


def read_article(path: Path, config: Config, renderer: Renderer) -> tuple[Article | None, list[Problem]]:
    source = path.relative_to(config.root).as_posix()
    text, problem = textfiles.read(path, source)
    if text is None:
        return None, [problem]
    return articles.parse(text, source, config, renderer)


def read_photo(path: Path, config: Config,
               slug_of: Callable[[str], str] = slugify) -> tuple[Photo | None, list[Problem]]:
    file = path.relative_to(config.photos_dir).as_posix()
    source = f"photos/{file}"
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(config.photos_dir.resolve()):
            return None, [error(source, 0, "symlink leads outside photos/ (refused)")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(source, 0, "cannot read: {reason}", reason=exc.strerror)]
    # NAME.yaml, or NAME.yml (which the orphan check also counts as this photo's sidecar).
    sidecar_path = next((p for p in (path.with_suffix(".yaml"), path.with_suffix(".yml")) if p.exists()),
                        path.with_suffix(".yaml"))
    side_name = sidecar_path.relative_to(config.root).as_posix()
    sidecar = None
    if sidecar_path.exists():
        side_text, problem = textfiles.decode(sidecar_path.read_bytes(), side_name)
        if side_text is None:
            return None, [problem]
        sidecar = side_text
    return photos.parse(file, data, sidecar, config, side_name, slug_of)


def _walk(folder: Path, suffixes: set[str]) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in suffixes:
                found.append(Path(dirpath) / name)
    return found


def _orphan_sidecars(config: Config) -> list[Problem]:
    problems = []
    for sidecar in _walk(config.photos_dir, {".yaml", ".yml"}):
        if not any(sidecar.with_suffix(ext).exists() or sidecar.with_suffix(ext.upper()).exists()
                   for ext in photos.EXTENSIONS):
            rel = sidecar.relative_to(config.root).as_posix()
            # IMG_1.JPG beside img_1.yaml: names are compared as written, so say which it is for
            photo = next((p for p in sidecar.parent.iterdir() if p.stem.lower() == sidecar.stem.lower()
                          and p.suffix.lower() in photos.EXTENSIONS), None)
            if photo is not None:
                problems.append(warning(rel, 0, "caption file has no photo beside it: rename it {name} "
                                        "for {photo}", name=photo.stem + sidecar.suffix, photo=photo.name))
            else:
                problems.append(warning(rel, 0, "caption file has no photo beside it"))
    return problems
