"""The command line: `python build.py [build|check|serve|new] [options]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import builder
from . import config as config_mod
from .problems import report

COMMANDS = ("build", "check", "serve", "new")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python build.py",
        description="Build a news and photo archive into a static site.",
        epilog="Commands: build (default), check, serve, new. "
               "Run `python build.py COMMAND --help` for a command's options.",
    )
    p.add_argument("command", nargs="?", default="build", choices=COMMANDS, help=argparse.SUPPRESS)
    p.add_argument("--root", type=Path, default=Path.cwd(), help="the archive folder (default: here)")
    p.add_argument("--output", type=Path, help="where to write the site (default: ROOT/site)")
    p.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    p.add_argument("--future", action="store_true", help="include articles dated in the future")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: one per core)")
    p.add_argument("--executor", metavar="tcp://HOST:8786",
                   help="make image renditions on a Dask cluster (needs newsroom[cluster])")
    p.add_argument("--file-urls", action="store_true", help="links end in index.html, to browse from disk")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("-v", "--verbose", action="store_true", help="print per-stage timings")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "build":
        return run_build(args, write=True)
    if args.command == "check":
        return run_build(args, write=False)
    print(f"'{args.command}' is not available yet", file=sys.stderr)
    return 2


def load_config(args: argparse.Namespace):
    root = args.root.resolve()
    cfg, problems = config_mod.load(root, args.output)
    cfg = cfg.with_options(drafts=args.drafts, future=args.future, file_urls=args.file_urls)
    return cfg, problems


def run_build(args: argparse.Namespace, write: bool) -> int:
    if not args.root.is_dir():
        print(f"error: archive folder {args.root} does not exist", file=sys.stderr)
        return 1
    cfg, problems = load_config(args)
    options = builder.Options(strict=args.strict, jobs=args.jobs, write=write, executor=args.executor)
    result = builder.build(cfg, problems, options)
    text = report(result.problems)
    if text:
        print(text, file=sys.stderr)
    if not result.ok:
        print("build failed: the site was not changed" if write else "check failed", file=sys.stderr)
        return 1
    if not args.quiet:
        if write:
            print(result.summary())
            print(f"site written to {cfg.output}; to look at it: python -m http.server -d {cfg.output}")
        else:
            print(f"checked {result.articles} articles and {result.photos} photos")
    if args.verbose:
        for name, seconds in result.timings.items():
            print(f"  {name:<14} {seconds:7.3f} s")
    return 0
