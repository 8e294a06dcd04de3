"""The pipeline, end to end: files -> content -> archive -> pages + renditions -> site/."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2

from . import content, images, index, output, pages, render, renditions, search
from .config import Config
from .problems import Problem, error, errors


@dataclass
class BuildResult:
    problems: list[Problem] = field(default_factory=list)
    ok: bool = False
    articles: int = 0
    photos: int = 0
    pages: int = 0
    renditions_made: int = 0      # rendition files (one per photo, width and format) made now
    renditions_reused: int = 0
    written: int = 0
    removed: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.photos} photos, {self.pages} pages, "
                f"{self.renditions_made + self.renditions_reused} renditions ({self.renditions_made} new), "
                f"{self.written} files written in {self.seconds:.2f} s")


@dataclass(frozen=True)
class Options:
    strict: bool = False
    jobs: int = 0                 # 0: one worker per core
    write: bool = True            # False: check only
    serve: bool = False
    progress: Callable[[int, int], None] | None = None


def build(config: Config, config_problems: list[Problem], options: Options = Options(),
          now: datetime | None = None) -> BuildResult:
    result = BuildResult(problems=list(config_problems))
    started = time.perf_counter()
    now = now or datetime.now(config.tz)

    def stage(name: str, since: float) -> float:
        moment = time.perf_counter()
        result.timings[name] = moment - since
        return moment

    if options.write:
        refused = output.check_output(config.output, config.root)
        if refused:  # before anything (even the image cache) is written
            result.problems.append(error(str(config.output), 0, refused))
            return _finish(result, started)

    t = time.perf_counter()
    articles, photos, found = content.read_all(config)
    result.problems += found
    t = stage("read", t)
    archive, found = index.build(articles, photos, config, now)
    result.problems += found
    result.articles, result.photos = len(archive.articles), len(archive.photos)
    t = stage("index", t)
    planned = pages.plan(archive, config)
    result.problems += duplicate_paths(planned, archive) + pages.warnings(config)
    result.pages = len(planned)
    t = stage("plan", t)
    if not options.write:
        result.ok = not errors(result.problems, options.strict)
        return _finish(result, started)

    # Photos are rendered even when something else is wrong, so one build lists every bad
    # photo (and nothing is wasted: the renditions wait in the cache for the next build).
    jobs = images.plan(archive.photos, config.root, config.images)
    made = renditions.run(jobs, config.cache_dir / "media", options.jobs, report=options.progress)
    result.problems = renditions.attribute(result.problems + made.problems, articles)
    result.renditions_made, result.renditions_reused = made.made, made.reused
    media = made.media
    t = stage("images", t)
    if errors(result.problems, options.strict):
        return _finish(result, started)

    env = render.environment(config, archive)
    files = search.indexed(_files(planned, env, media, config, options), config, result.problems)
    try:
        written = output.write(files, config.output)
    except output.OutputError as exc:
        result.problems.append(error(str(config.output), 0, str(exc)))
        return _finish(result, started)
    except RenderError as exc:
        result.problems.append(template_problem(exc.__cause__, exc.page, config))
        return _finish(result, started)
    stage("render+write", t)
    result.written, result.removed = len(written.written), len(written.removed)
    result.ok = True
    return _finish(result, started)


def _finish(result: BuildResult, started: float) -> BuildResult:
    result.seconds = time.perf_counter() - started
    return result


def duplicate_paths(planned: list[pages.Page], archive: index.Archive) -> list[Problem]:
    """Two pages with one URL (an article slug named 'page', a photo folder clash …)."""
    seen: dict[str, pages.Page] = {}
    problems = []
    for page in planned:
        if page.file in seen:
            a, b = _source(seen[page.file]), _source(page)
            if a and b and a.startswith("photos/") == b.startswith("photos/"):
                continue   # two articles (or photos) with one slug: reported as a duplicate slug
            # Pages that come from no file (lists, taxonomies) have their URLs from site.yaml.
            problems.append(error(b or a or "site.yaml", 0, f"output URL /{page.path} is also made by "
                                  f"{a or 'a ' + seen[page.file].template + ' page'}"))
        else:
            seen[page.file] = page
    return problems


class RenderError(Exception):
    def __init__(self, page: pages.Page):
        super().__init__(page.path)
        self.page = page


def template_problem(exc: BaseException | None, page: pages.Page, config: Config) -> Problem:
    """A template mistake, located in the template file rather than as a traceback."""
    name = getattr(exc, "filename", None) or f"templates/{page.template}"
    line = getattr(exc, "lineno", 0) or 0
    if not isinstance(exc, jinja2.TemplateSyntaxError):
        # Runtime errors: find the template line in the traceback Jinja rewrote for us.
        tb = exc.__traceback__ if exc else None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml")):
                name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    try:
        name = Path(name).resolve().relative_to(config.root).as_posix()
    except ValueError:
        pass
    return error(name, line, f"template error while rendering /{page.path}: {exc}")


def _source(page: pages.Page) -> str:
    item = page.context.get("article") or page.context.get("photo")
    return item.source if item is not None else ""


def _files(planned: list[pages.Page], env, media: dict[str, Path], config: Config,
           options: Options) -> Iterator[tuple[str, bytes | Path]]:
    for page in planned:
        try:
            data = render.render(env, page, options.serve)
        except Exception as exc:  # noqa: BLE001 - any template bug becomes a located Problem
            raise RenderError(page) from exc
        yield page.file, data
    for path, data in static_files(config):
        yield path, data
    for name, file in sorted(media.items()):
        yield f"media/{name}", file
    if config.publish_originals:
        # Opt-in only: originals keep their EXIF (camera, GPS …). Bytes, not links, so an
        # edited original of the same size is still republished.
        for page in planned:
            if page.context.get("original"):
                yield page.context["original"], (config.photos_dir / page.context["photo"].file).read_bytes()


def static_files(config: Config) -> list[tuple[str, bytes]]:
    """templates/static/** of the theme; an archive's own templates/ win over the defaults."""
    found: dict[str, bytes] = {}
    for folder in reversed(render.template_dirs(config)):
        static = folder / "static"
        if static.is_dir():
            for file in sorted(static.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    found["static/" + file.relative_to(static).as_posix()] = file.read_bytes()
    return sorted(found.items())
