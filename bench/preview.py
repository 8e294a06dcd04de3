"""Benchmark: how long from saving an article until the open browser tab shows the change.

    python bench/preview.py --saves 9

Starts `python build.py serve` on a copy of the sample archive, opens an article in
Debian's Chromium (driven by Playwright: /usr/bin/chromium, never a downloaded browser),
then saves the article again and again with a new marker in its title, each time timing
from the write to the moment the tab's title carries the marker (the serve's watcher,
rebuild, reload event, reload and render, all of it). Prints each time and the median.
The issue's target: a median under 0.3 s (Hugo's server: 0.47 s on this machine).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CHROMIUM = "/usr/bin/chromium"
ARTICLE = "content/articles/2022/02/party-volunteers.md"
PAGE = "2022/02/21/party-volunteers/"


def copy_sample(folder: Path) -> Path:
    root = folder / "archive"
    root.mkdir()
    for name in ("content", "photos", "templates"):
        shutil.copytree(REPO / name, root / name)
    for settings in REPO.glob("*.yaml"):          # site.yaml, the registries, editions.yaml …
        shutil.copy(settings, root / settings.name)
    return root


class Serve:
    """`python build.py serve --port 0` in a subprocess; its lines, and its address once it says it."""

    def __init__(self, root: Path, jobs: int) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NEWSROOM_LANG": "en"}
        self.proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                                      "--port", "0", "-j", str(jobs)], env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()

    def url(self, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.lines.get(timeout=deadline - time.monotonic())
            m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if m:
                return m.group(1)
        raise TimeoutError("serve did not start")

    def drain(self) -> list[str]:
        found = []
        while not self.lines.empty():
            found.append(self.lines.get_nowait())
        return found

    def rebuild_times(self) -> list[float]:
        found = []
        while not self.lines.empty():
            m = re.match(r"rebuilt in ([\d.]+) s", self.lines.get_nowait())
            if m:
                found.append(float(m.group(1)))
        return found

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def measure(saves: int, jobs: int, pause: float) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = copy_sample(Path(tmp))
        article = root / ARTICLE
        original = article.read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", original, re.M).group(1)
        serve = Serve(root, jobs)
        try:
            base = serve.url()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                page.goto(base + PAGE)
                times = []
                page.wait_for_load_state("load")
                for n in range(saves):
                    time.sleep(pause)   # let the last reload settle, as between an editor's saves
                    marker = f"bench{n}x"
                    text = original.replace(f"title: {title}", f"title: {title}{marker}", 1)
                    started = time.perf_counter()
                    article.write_text(text, encoding="utf-8")
                    try:
                        times.append(_until_shown(page, marker, started))
                    except TimeoutError:
                        print("".join(serve.drain()), file=sys.stderr)
                        raise
                browser.close()
            return times, serve.rebuild_times()
        finally:
            serve.stop()


def _until_shown(page, marker: str, started: float, timeout: float = 30) -> float:
    """Seconds from `started` until the tab's title holds `marker` (polled every 5 ms)."""
    while time.perf_counter() - started < timeout:
        try:
            if marker in page.title():
                return time.perf_counter() - started
        except Exception:  # noqa: BLE001 - the page is between documents while it reloads
            pass
        time.sleep(0.005)
    raise TimeoutError(f"the change ({marker}) never reached the browser")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=9)
    parser.add_argument("--jobs", "-j", type=int, default=1, help="serve's worker processes (default 1)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between saves")
    args = parser.parse_args()
    times, rebuilds = measure(args.saves, args.jobs, args.pause)
    print("save to browser:", " ".join(f"{t:.3f}" for t in times), "s")
    if rebuilds:
        print("serve's rebuilds:", " ".join(f"{t:.3f}" for t in rebuilds), "s")
    print(f"median save to browser: {statistics.median(times):.3f} s (target: under 0.3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
