"""`python build.py serve`: build, serve on 127.0.0.1, rebuild on every change, reload the browser.

Three parts, one job each:
- the rebuild loop (the main thread): waits for file changes from the watchers, calls
  builder.build (which does the incremental work) and tells the browsers;
- the HTTP server (http.server, one thread per request): the built preview, a small reload
  script and a Server-Sent Events stream, or the problems page while the build is broken;
- the watchers (watchfiles, one thread each): content/, photos/, templates/ recursively, and
  the archive folder itself (not recursively) for site.yaml and the registries.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

import watchfiles

from . import builder, i18n, photos, preview_script, render
from .config import Config, template_dirs
from .i18n import tr
from .problems import Problem, count_line, error, errors, report

HOST = "127.0.0.1"
PREVIEW = ".preview"   # the preview's folder in the archive (never site/, which gets published)
PREFIX = "/__newsroom/"
EVENTS = PREFIX + "events"
KEEPALIVE = 15.0   # seconds between comments on an idle event stream (finds closed tabs)

RELOAD_JS = preview_script.SCRIPT

Loader = Callable[[], tuple[Config, list[Problem]]]


class Preview:
    """What the HTTP threads share with the rebuild loop: the build generation and its problems."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.generation = 0
        self.problems: list[Problem] = []
        self.lang = i18n.ENGLISH
        self.failed = False
        self.closed = False
        self._changed = threading.Condition()

    def published(self, ok: bool, problems: list[Problem], lang: str = i18n.ENGLISH) -> None:
        """A build finished: tell every open tab to reload."""
        with self._changed:
            self.generation += 1
            self.lang = lang
            self.failed = not ok
            self.problems = list(problems)
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int | None:
        """The generation once it differs from `seen` (or `seen` after `timeout`); None when closing."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen or self.closed, timeout)
            return None if self.closed else self.generation

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def problems_page(problems: list[Problem], lang: str = i18n.ENGLISH) -> bytes:
    """The page every tab shows while the build is broken (it reloads itself once fixed)."""
    shown = sorted(errors(problems)) or sorted(problems)
    items = "\n".join(f"<li><code>{html.escape(p.text(lang))}</code></li>" for p in shown)
    unique = set(problems)
    n_errors = len(errors(unique))
    title = html.escape(tr(lang, "Build failed"))
    heading = html.escape(tr(lang, "Build failed: the site was not rebuilt"))
    advice = html.escape(tr(lang, "Fix these and save: this page reloads by itself."))
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == i18n.CHINESE else "en"}">
<head><meta charset="utf-8"><title>{title}</title>
<style>body{{font:16px/1.6 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}}
h1{{color:#b00020}}li{{margin:.4rem 0}}code{{white-space:pre-wrap}}</style></head>
<body>
<h1>{heading}</h1>
<p>{advice}</p>
<ol class="problems">
{items}
</ol>
<p>{html.escape(count_line(n_errors, len(unique) - n_errors, lang) if problems else "")}</p>
{render.RELOAD_SCRIPT}
</body>
</html>
""".encode()


class Handler(SimpleHTTPRequestHandler):
    """The preview folder, plus the reload script, the event stream and the problems page."""

    preview: Preview

    def __init__(self, *args, preview: Preview, **kwargs) -> None:
        self.preview = preview
        super().__init__(*args, directory=str(preview.folder), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "reload.js":
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_JS)
        if path == EVENTS:
            return self._events()
        if path == preview_script.WARNINGS:
            return self._send(HTTPStatus.OK, "application/json; charset=utf-8",
                              preview_script.warnings_json(self.preview.problems, self.preview.generation,
                                                           self.preview.lang))
        if self.preview.failed and _is_page(path):
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                              problems_page(self.preview.problems, self.preview.lang))
        return super().do_GET()

    def end_headers(self) -> None:
        # Always fetch afresh: a reload after a rebuild must never show a cached page. Files
        # named by their content's hash (media/) never change: kept, a reload is quicker.
        immutable = self.path.startswith("/media/")
        self.send_header("Cache-Control", "max-age=31536000, immutable" if immutable else "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        pass   # the terminal is for what changed and how the build went

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: `event: reload` after every build, until the tab or the server goes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = self.preview.generation
        try:
            # A tab that reconnects after missing a build (its Last-Event-ID is older) reloads now.
            last = self.headers.get("Last-Event-ID", "")
            self.wfile.write(b"retry: 1000\n\n")
            if last.isdigit() and int(last) != seen:
                self._event(seen)
            self.wfile.flush()
            while True:
                generation = self.preview.wait(seen, KEEPALIVE)
                if generation is None:
                    return
                if generation == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    self._event(generation)
                    seen = generation
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return   # the tab was closed

    def _event(self, generation: int) -> None:
        data = json.dumps({"build": generation, "ok": not self.preview.failed})
        self.wfile.write(f"id: {generation}\nevent: reload\ndata: {data}\n\n".encode())


def _is_page(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name == "" or name.endswith(".html") or "." not in name


class Watcher:
    """watchfiles on the archive's sources, in background threads, feeding one queue of changes."""

    def __init__(self, config: Config, lang: str = i18n.ENGLISH) -> None:
        self.lang = lang
        self.changes: queue.Queue[set[tuple[watchfiles.Change, str]]] = queue.Queue()
        self.stop = threading.Event()
        self._ignore = [config.output, config.output.parent / f".{config.output.name}.staging"]
        self._suffixes = {config.content_dir: {".md", ".markdown"},
                          config.photos_dir: {*photos.EXTENSIONS, ".yaml", ".yml"}}
        folders = [d for d in (config.content_dir, config.photos_dir, *template_dirs(config)) if d.is_dir()]
        self._threads = [threading.Thread(target=self._watch, args=(folders, True), daemon=True),
                         threading.Thread(target=self._watch, args=([config.root], False), daemon=True)]
        self._root = config.root

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(timeout=2)

    def _watch(self, paths: list[Path], recursive: bool) -> None:
        if not paths:
            return
        try:
            for changes in watchfiles.watch(*paths, watch_filter=self._wanted if recursive else self._settings,
                                            recursive=recursive, stop_event=self.stop, debounce=400, step=30,
                                            raise_interrupt=False):
                self.changes.put(changes)
        except Exception as exc:  # noqa: BLE001 - e.g. a watched folder deleted: say so, keep serving
            print(tr(self.lang, "warning: stopped watching {folders}: {reason} (restart serve to watch again)",
                     folders=", ".join(map(str, paths)), reason=exc), file=sys.stderr, flush=True)

    def _wanted(self, change: watchfiles.Change, path: str) -> bool:
        if any(path.startswith(str(prefix)) for prefix in self._ignore):
            return False
        # Editors' swap, backup and temporary files, hidden files: not content.
        p = Path(path)
        if not watchfiles.DefaultFilter()(change, path) or p.name.startswith("."):
            return False
        for folder, suffixes in self._suffixes.items():
            if p.is_relative_to(folder):
                # a folder moved away is gone by now: only its name tells it (no suffix)
                gone_folder = change == watchfiles.Change.deleted and not p.suffix
                return p.suffix.lower() in suffixes or p.is_dir() or gone_folder
        return True   # templates: any file

    def _settings(self, change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        return p.parent == self._root and p.suffix in (".yaml", ".yml") and not p.name.startswith(".")


def describe(changes: Iterable[tuple[watchfiles.Change, str]], root: Path, lang: str = i18n.ENGLISH) -> str:
    """'content/articles/2022/02/a.md changed', or '3 files changed: a.md, b.yaml, c.jpg'."""
    names = sorted({_relative(path, root) for _, path in changes})
    # Not "added": saving by renaming a new file over the old one (as many editors do) looks
    # like an addition to the file system, and the editor only changed the file.
    gone = all(change == watchfiles.Change.deleted and not Path(path).exists() for change, path in changes)
    if len(names) == 1:
        return tr(lang, "{file} deleted", file=names[0]) if gone else tr(lang, "{file} changed", file=names[0])
    shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
    if gone:
        return tr(lang, "{n} files deleted: {files}", n=len(names), files=shown)
    return tr(lang, "{n} files changed: {files}", n=len(names), files=shown)


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


class _Interrupts:
    """Ctrl-C while idle stops the server; during a build, once the build is done (twice: now).

    Worker processes forked during a build inherit this handler and ignore the signal, so
    they do not each die with a KeyboardInterrupt traceback: the parent decides.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.building = False
        self.requested = False
        self._pid = os.getpid()

    def __enter__(self) -> _Interrupts:
        self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._old)

    def _handle(self, signum: int, frame: object) -> None:
        if os.getpid() != self._pid:
            return
        if self.building and not self.requested:
            self.requested = True
            print(tr(self.lang, "stopping once this build is done (Ctrl-C again to stop now)"),
                  file=sys.stderr, flush=True)
            return
        raise KeyboardInterrupt


def run(load: Loader, options: builder.Options, port: int = 8000, quiet: bool = False,
        verbose: bool = False, out: TextIO | None = None, lang: str | None = None) -> int:
    """Serve until Ctrl-C; 0 when stopped, 1 if the server cannot start."""
    out = out or sys.stdout

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    config, _ = load()
    preview = Preview(config.output)
    language = i18n.choose(lang, config.language)
    try:
        server = ThreadingHTTPServer((HOST, port), partial(Handler, preview=preview))
    except OSError as exc:
        print(tr(language, "error: cannot serve on {address}: {reason} (try another --port)",
                 address=f"{HOST}:{port}", reason=exc.strerror), file=sys.stderr)
        return 1
    server.daemon_threads = True
    watcher = Watcher(config, language)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    with _Interrupts(language) as interrupts:
        try:
            watcher.start()   # first: a save during the first build is not missed
            interrupts.building = True
            result, language = rebuild(load, options, say, quiet, verbose, first=True, lang=lang)
            later = dataclasses.replace(options, reindex=False)
            interrupts.building = False
            preview.published(result.ok, result.problems, language)
            serving.start()
            say(tr(language, "serving {folder} at {url} (drafts and scheduled articles included; Ctrl-C to stop)",
                   folder=config.output, url=f"http://{HOST}:{server.server_address[1]}/"))
            while not interrupts.requested:
                try:
                    changes = watcher.changes.get(timeout=0.25)
                except queue.Empty:
                    continue
                while not watcher.changes.empty():   # saves that came during the last build
                    changes |= watcher.changes.get_nowait()
                say(describe(changes, config.root, language))
                interrupts.building = True
                # Pages first: the search index (a second of Pagefind) is made when serve starts.
                result, language = rebuild(load, later, say, quiet, verbose, lang=lang)
                interrupts.building = False
                # New warnings with the same pages (an unknown field fixed) reload too: the bar shows them.
                if (not result.ok or preview.failed or result.written or result.removed
                        or set(result.problems) != set(preview.problems)):
                    preview.published(result.ok, result.problems, language)
        except KeyboardInterrupt:
            pass
        finally:
            preview.close()
            watcher.close()
            if serving.is_alive():
                server.shutdown()
            server.server_close()
    say(tr(language, "stopped"))
    return 0


def rebuild(load: Loader, options: builder.Options, say: Callable[[str], None], quiet: bool,
            verbose: bool, first: bool = False, lang: str | None = None) -> tuple[builder.BuildResult, str]:
    """One build of the preview, and the language of its messages; problems are printed,
    never raised: the server stays up."""
    started = time.perf_counter()
    config, problems = load()
    language = i18n.choose(lang, config.language)
    try:
        result = builder.build(config, problems, dataclasses.replace(options, lang=language))
    except Exception as exc:  # noqa: BLE001 - a bug in a build must not take the server down
        result = builder.BuildResult(problems=[*problems, error("(build)", 0, "internal error: {exc}", exc=repr(exc))])
    seconds = time.perf_counter() - started
    text = report(result.problems, language)
    if text and (not result.ok or not quiet):
        say(text)
    if result.ok and first:
        say(result.summary(language))
    elif result.ok:
        say(tr(language, "rebuilt in {seconds} s: {written} files written, {removed} removed",
               seconds=f"{seconds:.2f}", written=result.written, removed=result.removed))
    else:
        say(tr(language, "build failed in {seconds} s: the browser shows the problems until they are fixed",
               seconds=f"{seconds:.2f}"))
    if verbose:
        say("\n".join(f"  {name:<14} {s:7.3f} s" for name, s in result.timings.items()))
    return result, language
