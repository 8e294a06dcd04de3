"""The command line: `python build.py [build|check|serve|new] [options]`.

`build` is the default: `python build.py --root DIR --output OUT` builds without naming it.
The shared options are accepted before or after the command.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from pathlib import Path

from . import argwords, builder, i18n, interrupts, lock
from . import config as config_mod
from .i18n import N_, tr
from .problems import Problem, errors, failed, report, shown

COMMANDS = ("build", "check", "serve", "new", "publish", "cache")


# The shared options each command shows in its --help (all are accepted before the command).
OPTIONS = {
    "check": {"root", "drafts", "future", "strict", "jobs", "quiet", "verbose", "lang", "wait"},
    "serve": {"root", "output", "strict", "jobs", "quiet", "verbose", "lang", "wait"},
    "new": {"root", "quiet", "lang"},
    # What publishes the site as built: no options that change what a build makes.
    "publish": {"root", "output", "strict", "jobs", "quiet", "lang", "wait"},
    "cache": {"root", "output", "lang", "wait"},
}
DESCRIPTIONS = {
    "build": N_("Build the archive (content/, photos/) into a static site (ROOT/site), all at once or "
                "not at all: with any error the existing site is left as it was."),
    "check": N_("Report every problem in the archive, as path:line: severity: message, and write nothing."),
    "serve": N_("Preview the site on http://127.0.0.1:PORT/ with drafts and scheduled articles: "
                "rebuilt on every save, and the open pages reloaded."),
    "new": N_("Start an article: write content/articles/YYYY/MM/<slug>.md, dated now, with its "
              "front matter filled in and draft: true, and print its path."),
    "cache": N_("Show what ROOT/.cache holds, part by part, and how much of it no current build uses; "
                "--prune removes that."),
    "publish": N_("Send the last good build to a folder, an SSH host or an S3-compatible store: only "
                  "what changed, media first, deletions last."),
}


def _shared(lang: str, suppress: bool, only: set[str] | None = None) -> argparse.ArgumentParser:
    """The options every command takes (`only`: those named). Sub-commands use SUPPRESS defaults
    so that an option given before the command (`--root X check`) is not reset by the sub-parser's."""
    p = argparse.ArgumentParser(add_help=False, formatter_class=argwords.Formatter)

    def add(*names: str, **kw) -> None:
        if only is not None and names[-1].lstrip("-").replace("-", "_") not in only:
            return
        if suppress:
            kw["default"] = argparse.SUPPRESS
        p.add_argument(*names, **kw)

    add("--root", type=Path, default=Path.cwd(), help=tr(lang, "the archive folder (default: here)"))
    add("--output", type=Path, help=tr(lang, "where to write the site (default: ROOT/site; serve: ROOT/.preview)"))
    add("--drafts", action="store_true", default=False, help=tr(lang, "include articles marked draft: true"))
    add("--future", action="store_true", default=False, help=tr(lang, "include articles dated in the future"))
    add("--strict", action="store_true", default=False, help=tr(lang, "treat warnings as errors"))
    add("-j", "--jobs", type=argwords.named(count, tr(lang, "count")), default=0,
        help=tr(lang, "worker processes (default: one per core)"))
    add("--executor", metavar="tcp://HOST:8786", default=None,
        help=tr(lang, "make image renditions on a Dask cluster (needs newsroom[cluster])"))
    add("--file-urls", action="store_true", default=False,
        help=tr(lang, "links end in index.html, to browse from disk"))
    add("-q", "--quiet", action="store_true", default=False, help=tr(lang, "print only problems"))
    add("-v", "--verbose", action="store_true", default=False, help=tr(lang, "print per-stage timings"))
    add("--lang", choices=("zh", "en"), default=None,
        help=tr(lang, "language of messages (default: site.yaml's language; $NEWSROOM_LANG)"))
    add("--wait", type=argwords.named(float, tr(lang, "number")), metavar="SECONDS", default=None,
        help=tr(lang, "how long to wait while another build of the archive runs, saying so every 30 s "
                "(default: an hour; serve: no limit)"))
    return p


def parser(lang: str = i18n.ENGLISH) -> argparse.ArgumentParser:
    """The command line, its help in `lang` (argparse's own words too: argwords.speaking)."""
    p = argparse.ArgumentParser(
        prog="python build.py",
        description=tr(lang, "Build a news and photo archive into a static site."),
        epilog=tr(lang, "Commands: build (default), check, serve, new, publish, cache. "
                  "Run `python build.py COMMAND --help` for a command's options."),
        parents=[_shared(lang, False)],
        formatter_class=argwords.Formatter,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[_shared(lang, True, OPTIONS.get(name))], help=summary,
                              description=tr(lang, DESCRIPTIONS[name]), formatter_class=argwords.Formatter)

    command("build", tr(lang, "build the site (the default)"))
    command("check", tr(lang, "report every problem, write nothing"))
    serve = command("serve", tr(lang, "build, serve on 127.0.0.1 and rebuild on every change (drafts shown)"))
    serve.add_argument("--port", type=argwords.named(int, tr(lang, "whole number")), default=8000,
                       help=tr(lang, "port on 127.0.0.1 (default: 8000; 0: any free)"))
    new = command("new", tr(lang, "start a new article file"))
    new.add_argument("title", help=tr(lang, "the headline"))
    new.add_argument("--reporter", action="append", default=[], help=tr(lang, "a reporter's name (repeatable)"))
    new.add_argument("--street", action="append", default=[], help=tr(lang, "a street's name (repeatable)"))
    new.add_argument("--tag", action="append", default=[], help=tr(lang, "a tag (repeatable)"))
    new.add_argument("--slug", help=tr(lang, "the URL name (default: the title's pinyin, shortened)"))
    publish = command("publish", tr(lang, "send the last good build to a host: only what changed, deletions last"))
    publish.add_argument("target", nargs="?", help=tr(lang, "a folder, ssh://user@host/path or s3://bucket/prefix "
                                                      "(default: publish.target in site.yaml)"))
    publish.add_argument("--dry-run", action="store_true",
                         help=tr(lang, "print what would be sent and deleted, change nothing"))
    publish.add_argument("--max-deletes", type=argwords.named(count, tr(lang, "count")), metavar="N",
                         help=tr(lang, "stop if more files would be deleted (default: publish.max_deletes, or 256)"))
    cache = command("cache", tr(lang, "the cache's size, part by part; --prune removes what no build uses"))
    cache.add_argument("--prune", action="store_true",
                       help=tr(lang, "remove what no current build uses (renditions, search years and build "
                               "states of outputs gone, stale compiled templates, killed builds' files)"))
    return p


def main(argv: list[str] | None = None, keep: list | None = None) -> int:
    """Run one command. `keep`: where a build's result (and the records it holds) is parked
    by a caller that exits at once, so they are never freed one by one (entry)."""
    argv = sys.argv[1:] if argv is None else argv
    lang = argwords.language(argv)
    with argwords.speaking(lang):
        args = parser(lang).parse_args(argv)
    command = args.command or "build"
    if not args.root.is_dir():
        print(tr(lang, "error: archive folder {root} does not exist", root=args.root),
              file=sys.stderr)
        return 1
    if command == "build":
        return run_build(args, write=True, keep=keep)
    if command == "check":
        return run_build(args, write=False, keep=keep)
    if command == "new":
        return run_new(args)
    if command == "publish":
        return run_publish(args)
    if command == "cache":
        from . import prune

        cfg, _ = load_config(args)
        return prune.command(cfg, args.prune, lang, _wait(args))
    return run_serve(args)


def entry() -> None:
    """`python build.py` and the `newsroom` command: main(), then a quick exit."""
    # A build turns the cyclic collector off while it runs (builder.build); turned back on,
    # it would walk the build's millions of objects once more (0.12 s at 10,000 articles)
    # just before the process ends. `serve` runs on, and turns it back on (run_serve).
    gc.disable()
    kept: list = []
    try:
        with interrupts.noticed():
            code = main(None, kept)
            # Done, and said: a Ctrl-C from now on could only add a traceback to what was said.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (KeyboardInterrupt, RuntimeError) as exc:
        stopped = interrupts.unwrapped(exc)
        if stopped is None:
            raise
        # Nothing is published until the very end, and that last step is not interrupted
        # (output.py); once it is done, the build says so (builder.build). The workers
        # ignore Ctrl-C and end with the pool.
        lang = argwords.language(sys.argv[1:])
        print(tr(lang, "interrupted: the new site was already in place")
              if isinstance(stopped, interrupts.InterruptedAfterWriting)
              else tr(lang, "interrupted: the site was not changed"), file=sys.stderr)
        code = 130
    # A big archive is millions of small objects; freeing them one by one at exit takes
    # longer (0.2 s at 10,000 articles) than the system takes to reclaim the whole process.
    # Nothing is left to clean up by then: files are closed and worker pools joined.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def load_config(args: argparse.Namespace, **overrides: object) -> tuple[config_mod.Config, list[Problem]]:
    root = args.root.resolve()
    cfg, problems = config_mod.load(root, args.output)
    options = {"drafts": args.drafts, "future": args.future, "file_urls": args.file_urls, **overrides}
    return cfg.with_options(**options), problems


def run_build(args: argparse.Namespace, write: bool, keep: list | None = None) -> int:
    cfg, problems = load_config(args)
    lang = i18n.choose(args.lang, cfg.language)
    options = builder.Options(strict=args.strict, jobs=args.jobs, write=write, executor=args.executor,
                              wait=_wait(args), lang=lang)
    result = None
    try:
        result = builder.build(cfg, problems, options)
        if keep is not None:
            keep.append(result)
        return tell(args, cfg, result, write, lang)
    except KeyboardInterrupt:
        if result is not None and write and result.ok and (result.written or result.removed):
            raise interrupts.InterruptedAfterWriting from None   # Ctrl-C during the report: the site is new
        raise


def tell(args: argparse.Namespace, cfg: config_mod.Config, result: builder.BuildResult, write: bool, lang: str) -> int:
    """What the build did, and its exit status."""
    for note in result.notes:   # an article's address changed: recorded in moved.yaml (build) or not yet (check)
        print(note.text(lang))
    text = report(result.problems, lang)
    if text:
        print(text, file=sys.stderr)
    if not result.ok:
        if result.site_changed:
            said = tr(lang, "build failed after the new site was put in place: the site is updated, but what the "
                            "next build starts from was not saved (the next build works it out again)")
        else:
            said = tr(lang, "build failed: the site was not changed") if write else tr(lang, "check failed")
        print(said, file=sys.stderr)
        return 1
    if not args.quiet:
        if write:
            print(result.summary(lang))
            # serve previews the archive (drafts too) in ROOT/.preview, not this folder: named apart.
            here = cfg.root == Path.cwd().resolve()
            print(tr(lang, "site written to {output}; to look at it: python -m http.server -d {output}"
                     " (a preview with drafts: {serve})", output=cfg.output,
                     serve="python build.py serve" if here else f"python build.py --root {cfg.root} serve"))
        else:
            print(tr(lang, "checked {articles} articles and {photos} photos in {seconds} s",
                     articles=result.articles, photos=result.photos, seconds=f"{result.seconds:.2f}")
                  + result.left_out(lang) + ("" if text else tr(lang, ": no problems")))
    if args.verbose:
        print(timings(result))
    return 0


def _wait(args: argparse.Namespace) -> float:
    """--wait, else an hour: a build never waits for another one without end."""
    return lock.WAIT if args.wait is None else max(args.wait, 0.0)


def timings(result: builder.BuildResult) -> str:
    return "\n".join(f"  {name:<14} {seconds:7.3f} s" for name, seconds in result.timings.items())


def run_new(args: argparse.Namespace) -> int:
    from . import scaffold

    cfg, problems = load_config(args)
    lang = i18n.choose(args.lang, cfg.language)
    if errors(problems):
        print(report(problems, lang), file=sys.stderr)
        return 1
    path, problems = scaffold.create(cfg, args.title, reporters=args.reporter, streets=args.street,
                                     tags=args.tag, slug=args.slug)
    if path is None:
        print(report(problems, lang), file=sys.stderr)
        return 1
    print(shown(path, cfg.root))
    if not args.quiet:
        print(tr(lang, "it is a draft (draft: true): write the body, check it with `python build.py serve`, "
                 "then set draft: false to publish"), file=sys.stderr)
    return 0


def count(text: str) -> int:
    """A number of things, 0 or more: argparse names the option and this function ("invalid
    count value: '-1'") when it is not."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def run_publish(args: argparse.Namespace) -> int:
    # What is published is site/ as the last good build left it; sources with errors
    # (which that build may predate) are refused, so a mistake is never shipped unnoticed.
    cfg, problems = load_config(args, drafts=False, future=False, file_urls=False)
    lang = i18n.choose(args.lang, cfg.language)
    target = args.target or cfg.publish_target
    if not target:
        print(tr(lang, "error: name a target (python build.py publish ssh://user@host/var/www/news) "
                 "or set publish.target in site.yaml"), file=sys.stderr)
        return 1
    if not args.target and "://" not in target:
        target = str(cfg.root / target)   # a folder in site.yaml is relative to the archive
    try:
        # Held from the check to the last file sent: a build meanwhile would change site/
        # under the copy (pages of two builds on the host, linking to pages of neither).
        with lock.hold_archive(cfg.cache_dir, _wait(args), lang, what="publish"):
            return _publish_checked(args, cfg, problems, target, lang)
    except lock.LockError as exc:
        print(report([failed(".cache", 0, exc)], lang), file=sys.stderr)
        return 1


def _publish_checked(args: argparse.Namespace, cfg: config_mod.Config, problems: list[Problem], target: str,
                     lang: str) -> int:
    from datetime import datetime

    from . import deploy, freshness
    from .serve import PREVIEW

    result = builder.build(cfg, problems, builder.Options(strict=args.strict, jobs=args.jobs, write=False,
                                                          lang=lang, locked=True))
    if not result.ok:
        print(report(result.problems, lang), file=sys.stderr)
        refused = (N_("publish refused: the archive has errors (fix them, build, then publish); nothing was sent")
                   if errors(result.problems) else
                   N_("publish refused: the archive has warnings (--strict: fix them, build, then publish); "
                      "nothing was sent"))
        print(tr(lang, refused), file=sys.stderr)
        return 1
    if cfg.output == cfg.root / PREVIEW:
        print(tr(lang, "publish refused: {output} is the preview (drafts, the reload script); build the site "
                 "with `python build.py` and publish that", output=cfg.output), file=sys.stderr)
        return 1
    stale = freshness.stale(cfg, datetime.now(cfg.tz))
    if stale is not None:
        print(tr(lang, "publish refused: {why}; build it with `python build.py`, then publish; nothing was sent",
                 why=stale), file=sys.stderr)
        return 1
    max_deletes = cfg.publish_max_deletes if args.max_deletes is None else args.max_deletes
    return deploy.command(cfg.output, target, cfg.base_url, max_deletes, args.dry_run, args.quiet, cfg.cache_dir,
                          lang, cfg.root)


def run_serve(args: argparse.Namespace) -> int:
    from . import serve

    gc.enable()   # a long-running process (see entry)

    root = args.root.resolve()
    # Not site/: the preview has drafts, scheduled articles and the reload script, and
    # must never be what gets published.
    output = (args.output or root / serve.PREVIEW).resolve()

    def load():
        cfg, problems = config_mod.load(root, output)   # again on every rebuild: site.yaml may change
        return cfg.with_options(drafts=True, future=True, file_urls=False), problems

    # Its builds wait for another build as long as it takes (saying so): serve runs on anyway.
    options = builder.Options(strict=args.strict, jobs=args.jobs, write=True, serve=True, wait=args.wait,
                              lang=i18n.choose(args.lang, config_mod.site_language(root)))
    return serve.run(load, options, port=args.port, quiet=args.quiet, verbose=args.verbose,
                     lang=args.lang)
