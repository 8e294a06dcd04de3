"""What copying files from the cache into the site costs, against hard-linking them (issue 15).

    python bench/copying.py --articles 3000 --photos 30

A build takes two kinds of files from ROOT/.cache: renditions (site/media/) and the search
index's files (site/pagefind/). It used to hard-link them, so damage to the cache reached
the site; it now copies them (output.copy: a reflink where the file system has them, else
a copy). This builds the seeded corpus once (bench/corpus.py, the same as bench/run.py),
then puts those files into a fresh folder, each way in turn, `--rounds` times, alternating:
os.link, and output.copy. Folders are made beforehand (the build makes them either way),
and each round ends with os.sync(), timed apart: a copy's bytes must reach the disk too.
The fastest round of each is reported, beside the cold build's own time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench import corpus as corpus_mod  # noqa: E402
from bench.run import ours  # noqa: E402
from newsroom import output  # noqa: E402

FROM_CACHE = ("media", "pagefind")   # the site's folders whose files come from .cache


def sources(site: Path) -> list[Path]:
    return sorted(p for folder in FROM_CACHE for p in (site / folder).rglob("*") if p.is_file())


def put(files: list[Path], site: Path, target: Path, how: Callable[[Path, Path], None]) -> tuple[float, float]:
    """(seconds to put every file into `target`, seconds of the sync after)."""
    names = [target / f.relative_to(site) for f in files]
    for folder in sorted({n.parent for n in names}):
        folder.mkdir(parents=True, exist_ok=True)
    os.sync()
    started = time.perf_counter()
    for source, name in zip(files, names, strict=True):
        how(source, name)
    done = time.perf_counter()
    os.sync()
    return done - started, time.perf_counter() - done


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=3000)
    p.add_argument("--photos", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--jobs", type=int, default=0)
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-copying-"))
    try:
        corpus = corpus_mod.make(tmp / "archive", args.articles, args.photos)
        cold = ours(corpus.root, args.jobs)
        site = corpus.root / "site"
        files = sources(site)
        size = sum(f.stat().st_size for f in files)
        print(f"{args.articles} articles, {args.photos} photos: cold build {cold['wall']:.2f} s wall, "
              f"{cold['written']} files written; from the cache: {len(files)} files, {size / 1e6:.1f} MB "
              f"({sum(f.is_relative_to(site / 'media') for f in files)} renditions)")
        ways = {"link": os.link, "copy": output.copy}
        best: dict[str, tuple[float, float]] = {}
        for n in range(args.rounds):
            for name, how in (ways.items() if n % 2 == 0 else reversed(ways.items())):
                target = tmp / f"put-{name}-{n}"
                seconds, synced = put(files, site, target, how)
                print(f"  round {n + 1} {name}: {seconds:.3f} s, then sync {synced:.3f} s", flush=True)
                if name not in best or seconds + synced < sum(best[name]):
                    best[name] = (seconds, synced)
                shutil.rmtree(target)
        for name, (seconds, synced) in best.items():
            print(f"{name:>5}: {seconds:.3f} s + sync {synced:.3f} s = {seconds + synced:.3f} s "
                  f"({(seconds + synced) / len(files) * 1e6:.0f} µs a file)")
        extra = sum(best["copy"]) - sum(best["link"])
        print(f"copying costs {extra:+.3f} s more than linking: {extra / cold['wall'] * 100:+.1f}% of the "
              f"cold build's {cold['wall']:.2f} s; {extra / max(size / 1e6, 1e-9) * 1000:.1f} ms a MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
