"""Benchmark: build a seeded archive cold, then again after no change, one edit, one new title, one new photo,
one new story, one story moved to another street, the new story deleted, a correction added,
a line added to a story's front matter, the new photo's caption edited, the front page chosen,
a banner given in an edition file, the first story of a new day's edition, a story
dated a day later, a story withdrawn.

    python bench/run.py --articles 10000 --photos 0 --compare-hugo

Every build runs in its own process (as an editor would run it), timed by wall clock, with
its peak resident memory from wait4(). With --compare-hugo (and `hugo` on PATH) the same
corpus is written as a Hugo site (bench/hugo/: taxonomies reporters/streets/tags, paginated,
the same image widths and formats) and built in the same run, so the ratios are fair on a
shared machine even when the absolute times are not.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from bench import corpus as corpus_mod  # noqa: E402

CHILD = """
import gc, json, resource, sys
gc.disable()   # as `python build.py` runs (newsroom.cli.entry)
from pathlib import Path
sys.path.insert(0, {repo!r})
from newsroom import builder, config
cfg, problems = config.load(Path({root!r}))
result = builder.build(cfg, problems, builder.Options(jobs={jobs}))
print(json.dumps({{"ok": result.ok, "seconds": result.seconds, "timings": result.timings,
    "written": result.written, "rendered": result.rendered, "pages": result.pages,
    "renditions_made": result.renditions_made,
    "errors": [str(p) for p in result.problems if p.severity == "error"][:5]}}))
"""


def run(argv: list[str], cwd: Path | None = None,
        env: dict[str, str] | None = None) -> tuple[float, int, str, tuple[float, float]]:
    """(wall seconds, peak RSS in MB of the process and its reaped children, stdout,
    (user, system) CPU seconds of the process and its reaped children)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        # wait4, not wait(): it also returns the child's resource usage (peak RSS).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{argv[0]} failed:\n{err.read().decode(errors='replace')[-2000:]}")
        return seconds, usage.ru_maxrss // 1024, out.read().decode(), (usage.ru_utime, usage.ru_stime)


def ours(root: Path, jobs: int) -> dict:
    """One build of ours in a fresh process; peak RSS from the process's own rusage counters."""
    code = CHILD.format(repo=str(REPO), root=str(root), jobs=jobs)
    wrapper = ("import resource, runpy, sys, json\n"
               f"exec({code!r})\n"
               "s = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
               "c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
               "print(json.dumps({'rss_mb': max(s, c) // 1024}), flush=True)\n"
               # As `python build.py` ends (newsroom.cli.entry): no object-by-object teardown.
               "import os; os._exit(0)\n")
    seconds, rss, out, cpu = run([sys.executable, "-c", wrapper])
    lines = out.strip().splitlines()
    data = json.loads(lines[-2])
    data["rss_mb"] = max(rss, json.loads(lines[-1])["rss_mb"])
    data["wall"] = seconds
    data["user"], data["sys"] = cpu
    if not data["ok"]:
        raise SystemExit(f"build failed: {data['errors']}")
    return data


# A bare Python loop in a fresh process: how fast this shared machine is at that moment.
LOOP = "import time\nt = time.perf_counter()\ns = 0\nfor i in range(10_000_000):\n    s += i\nprint(time.perf_counter() - t)"


def loop_seconds() -> float:
    """The loop's time: runs on other days (other neighbours on the host) are set side by side
    by it, as their seconds are not (the same code took 9.4 s in one run, 16 s three hours later)."""
    return float(subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True, check=True).stdout)


def hugo_site(corpus: corpus_mod.Corpus, target: Path) -> Path:
    """The same articles and photos as a Hugo site (front matter mapped to Hugo's names)."""
    shutil.copytree(BENCH / "hugo", target)
    posts = target / "content" / "posts"
    posts.mkdir(parents=True)
    (target / "content" / "gallery").mkdir()
    (target / "content" / "gallery" / "_index.md").write_text("---\ntitle: 图片\n---\n", encoding="utf-8")
    import yaml

    for path in corpus.articles:
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        data = yaml.safe_load(front)
        hugo = {
            "title": data["title"], "date": str(data["date"]), "slug": data["slug"],
            "reporters": [r["name"] for r in data["reporter"]], "streets": data["street"], "tags": data["tags"],
            "photos": [p["file"] for p in data.get("photos", [])],
        }
        (posts / path.name).write_text("---\n" + yaml.safe_dump(hugo, allow_unicode=True) + "---\n" + body,
                                       encoding="utf-8")
    photos = target / "assets" / "photos"
    for file in corpus.photos:
        dest = photos / file
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.link(corpus.root / "photos" / file, dest)
    return target


def hugo(site: Path, copy: int = 1) -> tuple[float, int, tuple[float, float]]:
    """One Hugo build into public-<copy>/, with that copy's own caches (resized images
    included), so a second copy is as cold as the first."""
    env = {**os.environ, "HUGO_RESOURCEDIR": str(site / f"resources-{copy}")}
    seconds, rss, _, cpu = run(["hugo", "--quiet", "-s", str(site), "-d", str(site / f"public-{copy}"),
                                "--cacheDir", str(site / f".hugo-cache-{copy}")], env=env)
    return seconds, rss, cpu


def pagefind_on(site: Path, copy: int = 1) -> tuple[float, int]:
    """Pagefind (the same extended binary as ours) over Hugo's output public-<copy>/, as a
    Hugo site gets its search index: (wall seconds, peak RSS in MB)."""
    from newsroom import search

    binary = search.executable()
    if binary is None:
        raise SystemExit("pagefind is not installed: pip install 'pagefind[extended]'")
    seconds, rss, _, _ = run([str(binary), "--site", str(site / f"public-{copy}"),
                              "--output-path", str(site / f"pagefind-{copy}"), "--silent"])
    return seconds, rss


def arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--photos", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=0, help="worker processes for our build (default: one per core)")
    p.add_argument("--compare-hugo", action="store_true")
    p.add_argument("--no-search", action="store_true",
                   help="build without the search index (site.yaml search: false): the same work as Hugo's")
    p.add_argument("--cold-runs", type=int, default=2, choices=(1, 2),
                   help="cold builds of each tool, interleaved; the faster is reported (default 2)")
    p.add_argument("--settle", type=float, default=400,
                   help="seconds to wait, after syncing the disk, before the first build (default 400: "
                        "ext4 without a journal skips inodes freed in the last 360 s)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument("--json", type=Path, help="also write the figures here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    # Builds run from compiled modules, as an editor's do: with PYTHONDONTWRITEBYTECODE set (as
    # in this machine's shells), a module changed since its .pyc was written was compiled again
    # by every build measured (10-20 ms here).
    compileall.compile_dir(REPO / "newsroom", quiet=1)

    tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    try:
        t = time.perf_counter()
        corpus = corpus_mod.make(tmp / "archive", args.articles, args.photos, args.seed)
        if args.no_search:
            with (corpus.root / "site.yaml").open("a", encoding="utf-8") as f:
                f.write("search: false\n")
        print(f"corpus: {args.articles} articles, {args.photos} photos in {time.perf_counter() - t:.1f} s ({tmp}); "
              f"search index {'off' if args.no_search else 'on'}", flush=True)
        figures: dict = {"articles": args.articles, "photos": args.photos, "search": not args.no_search}
        compare = args.compare_hugo and shutil.which("hugo") is not None
        if args.compare_hugo and not compare:
            print("hugo is not installed (apt-get install hugo): skipping the comparison")
        # File creation on this VM's disk slows down for minutes after many files were
        # deleted (ext4 without a journal passes over inodes freed in the last 60 s, or 360 s
        # while their table is unwritten; folders far more than files), whoever builds then:
        # an earlier run's cleanup doubled our cold build's time (bench/README.md). So the
        # disk is synced and left to settle first, and each cold build runs twice, on two
        # copies, interleaved with Hugo's; the faster of each tool's two is kept.
        roots = [corpus.root]
        if args.cold_runs == 2:
            roots.append(tmp / "archive-2")
            shutil.copytree(corpus.root, roots[1], copy_function=os.link)
        # Hugo's copy of the corpus as it is before the edit and the new photo.
        site = (hugo_site(corpus_mod.make(tmp / "again", args.articles, args.photos, args.seed), tmp / "hugo")
                if compare else None)
        os.sync()
        time.sleep(args.settle)
        figures["loop"] = [loop_seconds()]
        print(f"machine: a bare Python loop of 10,000,000 additions took {figures['loop'][0]:.2f} s", flush=True)
        figures |= cold_builds(roots, site, args)
        figures["nochange"] = shown("no-change rebuild", ours(corpus.root, args.jobs))
        figures |= edits(corpus, args.jobs)
        if site is not None:
            figures["hugo_nochange"], _, _ = shown_hugo("no-change rebuild", hugo(site))
            edited = corpus.articles[len(corpus.articles) // 2].name
            corpus_mod.edit_article(site / "content" / "posts" / edited)
            figures["hugo_edit"], _, _ = shown_hugo("one article edited", hugo(site))
        figures["loop"].append(loop_seconds())
        report(figures)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def cold_builds(roots: list[Path], site: Path | None, args: argparse.Namespace) -> dict:
    """A cold build of each copy in `roots`, each followed by Hugo's on `site` (and Pagefind's
    on its pages, with the index) if given: the figures, each tool's faster build kept."""
    colds, hugo_colds, indexed = [], [], []
    for copy, root in enumerate(roots, 1):
        colds.append(shown(f"cold build {copy}", ours(root, args.jobs)))
        if site is not None:
            hugo_colds.append(shown_hugo(f"cold build {copy}", hugo(site, copy)))
            if not args.no_search:   # Hugo makes no index: Pagefind on its pages, as one would
                indexed.append(pagefind_on(site, copy))
                print(f"pagefind on hugo's pages {copy}: {indexed[-1][0]:.2f} s, {indexed[-1][1]} MB", flush=True)
    figures = {"cold": min(colds, key=lambda r: r["wall"]), "cold_runs": [r["wall"] for r in colds]}
    return figures | (hugo_figures(hugo_colds, indexed) if site is not None else {})


def hugo_figures(colds: list[tuple[float, int, tuple[float, float]]], indexed: list[tuple[float, int]]) -> dict:
    """Hugo's cold builds as figures, the faster kept; with Pagefind's runs on its pages, if any."""
    figures: dict = {}
    figures["hugo_cold"], figures["hugo_cold_rss"], figures["hugo_cold_cpu"] = min(colds)
    figures["hugo_cold_runs"] = [h[0] for h in colds]
    if indexed:
        both = [h[0] + p[0] for h, p in zip(colds, indexed, strict=True)]
        figures["hugo_pagefind_cold"] = min(both)
        figures["hugo_pagefind_runs"] = both
        figures["hugo_pagefind_rss"] = max(p[1] for p in indexed)
        figures["pagefind_on_hugo"] = [p[0] for p in indexed]
    return figures


def edits(corpus: corpus_mod.Corpus, jobs: int) -> dict:
    """Each edit the benchmark makes, in this order, each followed by a build: its figures by key."""
    stories, made = corpus.articles, {}
    n = len(stories)
    steps = [
        ("edit", "one article edited", lambda: corpus_mod.edit_article(stories[n // 2])),
        ("retitle", "one title edited", lambda: corpus_mod.retitle_article(stories[n // 2 + 1])),
        ("photo", "one photo added", lambda: made.update(photo=corpus_mod.add_photo(corpus))),
        ("story", "one story added", lambda: made.update(story=corpus_mod.add_article(corpus))),
        ("move", "one story moved", lambda: corpus_mod.move_article(stories[n // 3])),
        ("delete", "one story deleted", lambda: corpus_mod.delete_article(corpus, made["story"])),
        ("correct", "one correction added", lambda: corpus_mod.correct_article(stories[n // 2 + 2])),
        ("line", "front matter line", lambda: corpus_mod.add_front_matter_line(stories[n // 2 + 3])),
        ("caption", "one caption edited", lambda: corpus_mod.recaption_photo(corpus, made["photo"])),
        ("front", "front page chosen", lambda: corpus_mod.choose_front(corpus, stories[n // 4])),
        ("edition", "edition file edited", lambda: corpus_mod.set_edition_banner(corpus, stories[n // 5])),
        ("opened", "new day's edition", lambda: corpus_mod.open_edition(corpus)),
        ("redated", "story dated next day", lambda: corpus_mod.redate_article(stories[n // 6])),
        ("withdrawn", "one story withdrawn", lambda: corpus_mod.withdraw_article(stories[n // 7])),
    ]
    figures = {}
    for key, name, edit in steps:
        edit()
        figures[key] = shown(name, ours(corpus.root, jobs))
    figures["photo"]["file"] = made["photo"]
    return figures


def shown(name: str, r: dict) -> dict:
    """Each figure on screen as soon as it is measured: a run that fails later keeps them."""
    print(f"  ours, {name}: {r['wall']:.2f} s wall, {r['seconds']:.2f} s build, {r['rendered']} rendered, "
          f"{r['written']} written, {r['rss_mb']} MB peak", flush=True)
    return r


def shown_hugo(name: str, r: tuple[float, int, tuple[float, float]]) -> tuple[float, int, tuple[float, float]]:
    print(f"  hugo, {name}: {r[0]:.2f} s wall, {r[1]} MB peak", flush=True)
    return r


def report(f: dict) -> None:
    rows = [("cold build", f["cold"]), ("no-change rebuild", f["nochange"]),
            ("one article edited", f["edit"]), ("one title edited", f["retitle"]), ("one photo added", f["photo"]),
            ("one story added", f["story"]), ("one story moved", f["move"]), ("one story deleted", f["delete"]),
            ("one correction added", f["correct"]), ("front matter line", f["line"]),
            ("one caption edited", f["caption"]), ("front page chosen", f["front"]),
            ("edition file edited", f["edition"]), ("new day's edition", f["opened"]),
            ("story dated next day", f["redated"]), ("one story withdrawn", f["withdrawn"])]
    hugo = {"cold build": f.get("hugo_cold"), "no-change rebuild": f.get("hugo_nochange"),
            "one article edited": f.get("hugo_edit")}
    print(f"\n{'':<20} {'wall s':>8} {'build s':>8} {'rendered':>9} {'written':>8} {'RSS MB':>7}"
          + (f" {'hugo s':>8} {'ours/hugo':>9}" if f.get("hugo_cold") else ""))
    for name, r in rows:
        line = (f"{name:<20} {r['wall']:8.2f} {r['seconds']:8.2f} {r['rendered']:9d} {r['written']:8d} "
                f"{r['rss_mb']:7d}")
        if hugo.get(name):
            line += f" {hugo[name]:8.2f} {r['wall'] / hugo[name]:9.2f}"
        print(line)
    if f.get("hugo_cold_rss"):
        print(f"peak RSS: ours {f['cold']['rss_mb']} MB, hugo {f['hugo_cold_rss']} MB "
              f"(ratio {f['cold']['rss_mb'] / f['hugo_cold_rss']:.2f})")
    cpu = f"cold build CPU: ours {f['cold']['user']:.1f} s user + {f['cold']['sys']:.1f} s system"
    if f.get("hugo_cold_cpu"):
        cpu += f", hugo {f['hugo_cold_cpu'][0]:.1f} s user + {f['hugo_cold_cpu'][1]:.1f} s system"
    print(cpu)
    runs = f"cold builds (s, the fastest is shown): ours {' and '.join(f'{w:.2f}' for w in f['cold_runs'])}"
    if f.get("hugo_cold_runs"):
        runs += f", hugo {' and '.join(f'{w:.2f}' for w in f['hugo_cold_runs'])}"
    print(runs)
    if f.get("hugo_pagefind_cold"):
        print(f"hugo + pagefind on its pages, cold (s): {' and '.join(f'{w:.2f}' for w in f['hugo_pagefind_runs'])} "
              f"(pagefind {' and '.join(f'{w:.2f}' for w in f['pagefind_on_hugo'])}; peak RSS "
              f"{f['hugo_pagefind_rss']} MB); ours/(hugo + pagefind) {f['cold']['wall'] / f['hugo_pagefind_cold']:.2f}")
    print(f"machine: the bare loop took {f['loop'][0]:.2f} s before the builds, {f['loop'][1]:.2f} s after "
          "(compare runs of other days by it)")
    print("\nstages of the cold build (s): " + ", ".join(f"{k} {v:.2f}" for k, v in f["cold"]["timings"].items()))
    if f["photos"]:
        rate = f["photos"] / max(f["cold"]["timings"].get("images", 0), 1e-9)
        text = f"photo stage: {rate:.2f} photos/s"
        if f.get("hugo_cold") and f.get("hugo_nochange"):
            hugo_images = max(f["hugo_cold"] - f["hugo_nochange"], 1e-9)
            hugo_rate = f["photos"] / hugo_images
            text += f"; hugo {hugo_rate:.2f} photos/s (cold minus cached run); ratio {rate / hugo_rate:.1f}×"
        print(text)


if __name__ == "__main__":
    sys.exit(main())
