"""The rendered pages and every other file of the site, into the output folder.

Pages stream from the render workers; after them come the theme's static files, the photo
renditions, the originals (opt-in) and the search bundle (which needs every page seen
first). A small change is applied in place (output.update), a large one by staging a whole
new tree (output.write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import jinja2

from . import manifesttext, output, parallel, planviews, render, search, urls
from .config import Config, template_dirs
from .pages import Page
from .problems import Problem

# Up to this many changed pages (or a quarter of the site) are replaced in place
# (output.update); more, and a whole new tree is staged and swapped in (output.write).
# Staging links every unchanged file and deletes the old tree: on this machine's disk
# that costs about as much as writing a quarter of the files again.
SMALL_CHANGE = 200
# Where the files that are not pages go (extra() below): the rest of the site is pages.
NOT_PAGES = (urls.STATIC, urls.MEDIA, urls.ORIGINALS, search.BUNDLE)


def write(planned: list[Page], todo: list[int], env: jinja2.Environment, media: dict[str, Path],
          config: Config, published: Mapping[str, str], indexer: search.Indexer, problems: list[Problem],
          jobs: int = 0, serve: bool = False,
          noting: tuple[Callable[[Page], Any] | None, Any, Callable[[], Any] | None] = (None, [], None),
          reindex: bool = True,
          same_pages: bool = False) -> output.WriteResult:
    """Render the pages in `todo` and publish. `noting`: (note, notes, gather): note(page) is
    worked out in the worker beside each page's rendering and appended to notes (anything
    with append), in order; gather(), if given, in the worker after each chunk of pages,
    and given to notes.gathered. `reindex=False` leaves the published search index as it is (Pagefind
    takes a second). `same_pages`: `planned` has the pages of the build that published the
    site (rebuild.EDITED_IN_PLACE), so no page is to be removed."""
    note, notes, gather = noting

    def worked_out(page: Page, data: bytes) -> tuple[Any, str | None]:
        # In the worker, beside the rendering: the page's note and its copy for the search index.
        return note(page) if note else None, indexer.prepare(page.file, data)

    def rendered(store: Callable[[str, bytes], Any] | None = None) -> Iterator[tuple[str, Any]]:
        return _noted(parallel.render_pages(env, [planned[i] for i in todo], serve, jobs,
                                            lambda exc, page: render.problem(exc, page, config),
                                            note=worked_out, store=store, gather=gather,
                                            gathered=notes.gathered if gather else None),
                      indexer, notes)
    every_page = set(planviews.files(planned))
    kept = set() if reindex else set(_under(published, search.BUNDLE))

    def extra(listed: bool = True) -> list[tuple[str, bytes | Path | object]]:
        # After the pages: the search bundle needs every rendered page seen first.
        return [*static_files(config), *((urls.media_file(name), file) for name, file in sorted(media.items())),
                *originals(planned, config),
                *(indexer.bundle(every_page, problems, published, listed) if reindex else [])]

    if published and len(todo) <= max(SMALL_CHANGE, len(planned) // 4):
        changed: dict[str, bytes | Path] = dict(rendered())
        rest = extra(listed=not same_pages)
        changed.update((path, content) for path, content in rest if content is not output.KEEP)
        # With the same pages, only what is not a page may have gone (a bundle made again), and
        # the site's 317,000 paths at 100,000 articles are not all decoded to find it.
        # (A bundle published as it is holds just its files: its folder is skipped, and its
        # files are not even listed in `rest`.)
        held = {path for prefix in NOT_PAGES for path in _under(published, prefix, indexer.kept_whole)} \
            if same_pages else set(published)
        removed = held - every_page - {path for path, _ in rest} - kept
        return output.update(changed, removed, config.output, published)
    todo_set = set(todo)
    with output.staged(config.output) as stage:
        # The workers write the pages they render into the staging folder themselves.
        with closing(rendered(stage.put)) as pages:
            for i, page in enumerate(planned):
                stage.add(*(next(pages) if i in todo_set else (page.file, output.KEEP)))
        for path, content in [*extra(), *((path, output.KEEP) for path in sorted(kept))]:
            stage.add(path, content)
    return stage.result


def _under(published: Mapping[str, str], prefix: str, but: list[str] | tuple[str, ...] = ()) -> Iterable[str]:
    """The paths in `published` that begin with `prefix`, but with none of `but`."""
    if isinstance(published, manifesttext.Read):
        return published.under(prefix, but)
    return (path for path in published if path.startswith(prefix) and not path.startswith(tuple(but)))


def _noted(rendered: Iterator[tuple[str, Any, Any]], indexer: search.Indexer,
           notes: Any) -> Iterator[tuple[str, Any]]:
    for path, data, (note, entry) in rendered:
        indexer.page(path, entry)
        if note is not None:
            notes.append(note)
        yield path, data


def originals(planned: list[Page], config: Config) -> list[tuple[str, bytes]]:
    """Opt-in only (publish_originals): originals keep their EXIF (camera, GPS …). Bytes, not
    links, so an edited original of the same size is still republished."""
    if not config.publish_originals:
        return []
    return [(page.context["original"], (config.photos_dir / page.context["photo"].file).read_bytes())
            for page in planned if page.template == "photo.html" and page.context.get("original")]


def static_files(config: Config) -> list[tuple[str, bytes]]:
    """templates/static/** of the theme; an archive's own templates/ win over the defaults."""
    found: dict[str, bytes] = {}
    for folder in reversed(template_dirs(config)):
        static = folder / "static"
        if static.is_dir():
            for file in sorted(static.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    found[urls.static_file(file.relative_to(static).as_posix())] = file.read_bytes()
    return sorted(found.items())
