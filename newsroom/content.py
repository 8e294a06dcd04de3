"""Reading the archive's files: every article under content/, every photo under photos/.

This is the I/O edge of the pipeline; parsing is done by articles.py and photos.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import articles, photos
from .config import Config
from .markup import Renderer
from .model import Article, Photo
from .problems import Problem, error, warning


def article_files(config: Config) -> list[Path]:
    return sorted(_walk(config.content_dir, {".md", ".markdown"}))


def photo_files(config: Config) -> list[Path]:
    return sorted(_walk(config.photos_dir, photos.EXTENSIONS))


def read_all(config: Config) -> tuple[list[Article], list[Photo], list[Problem]]:
    renderer = Renderer(config.raw_html, config.embed_hosts)
    problems: list[Problem] = []
    found_articles: list[Article] = []
    for path in article_files(config):
        article, found = read_article(path, config, renderer)
        problems += found
        if article is not None:
            found_articles.append(article)
    found_photos: list[Photo] = []
    for path in photo_files(config):
        photo, found = read_photo(path, config)
        problems += found
        if photo is not None:
            found_photos.append(photo)
    problems += _orphan_sidecars(config)
    return found_articles, found_photos, problems


def read_article(path: Path, config: Config, renderer: Renderer) -> tuple[Article | None, list[Problem]]:
    source = path.relative_to(config.root).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(source, 0, f"cannot read: {exc.strerror}")]
    text, problem = decode(raw, source)
    if text is None:
        return None, [problem]
    return articles.parse(text, source, config, renderer)


def read_photo(path: Path, config: Config) -> tuple[Photo | None, list[Problem]]:
    file = path.relative_to(config.photos_dir).as_posix()
    source = f"photos/{file}"
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(config.photos_dir.resolve()):
            return None, [error(source, 0, "symlink leads outside photos/ (refused)")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(source, 0, f"cannot read: {exc.strerror}")]
    # NAME.yaml, or NAME.yml (which the orphan check also counts as this photo's sidecar).
    sidecar_path = next((p for p in (path.with_suffix(".yaml"), path.with_suffix(".yml")) if p.exists()),
                        path.with_suffix(".yaml"))
    side_name = sidecar_path.relative_to(config.root).as_posix()
    sidecar = None
    if sidecar_path.exists():
        side_text, problem = decode(sidecar_path.read_bytes(), side_name)
        if side_text is None:
            return None, [problem]
        sidecar = side_text
    return photos.parse(file, data, sidecar, config, side_name)


def decode(raw: bytes, source: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a BOM is fine), or an error that names the encoding problem."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            hint = "it looks like GBK/GB18030; save it as UTF-8"
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        return None, error(source, line, f"the file is not UTF-8 text ({hint})")


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
            problems.append(warning(rel, 0, "caption file has no photo beside it"))
    return problems
