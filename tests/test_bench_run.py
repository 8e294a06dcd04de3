"""bench/run.py shows each figure as it is measured, so a run that dies late keeps them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_figures_are_printed_before_a_late_failure(tmp_path: Path) -> None:
    # Writing the JSON is the last step; a folder that does not exist makes it fail there.
    run = subprocess.run([sys.executable, "bench/run.py", "--articles", "12", "--settle", "0", "--cold-runs", "1", "--no-search",
                          "--json", str(tmp_path / "missing" / "figures.json")],
                         cwd=REPO, capture_output=True, text=True, timeout=300,
                         env={"PATH": "/usr/bin:/bin", "NEWSROOM_BENCH_CACHE": str(tmp_path / "cache")})
    assert run.returncode != 0 and "figures.json" in run.stderr
    shown = dict(re.findall(r"^  ours, (.+?): ([\d.]+) s wall", run.stdout, re.M))
    assert set(shown) == {"cold build 1", "no-change rebuild", "one article edited", "one title edited",
                          "one photo added", "one story added", "one story moved", "one story deleted",
                          "one correction added", "front matter line", "one caption edited", "front page chosen",
                          "edition file edited", "new day's edition", "story dated next day",
                          "one story withdrawn"}
    # The table at the end repeats the same figures.
    table = dict(re.findall(r"^(cold build|no-change rebuild|one article edited|one title edited|one photo added"
                            r"|one story added|one story moved|one story deleted|one correction added"
                            r"|front matter line|one caption edited|front page chosen|edition file edited|new day's edition"
                            r"|story dated next day|one story withdrawn)\s+([\d.]+)",
                            run.stdout, re.M))
    # How fast the machine was, before the builds and after, to compare runs of other days.
    before = re.search(r"^machine: a bare Python loop of 10,000,000 additions took ([\d.]+) s$", run.stdout, re.M)
    both = re.search(r"^machine: the bare loop took ([\d.]+) s before the builds, ([\d.]+) s after", run.stdout, re.M)
    assert before and both and before[1] == both[1] and float(both[2]) > 0
    assert table["cold build"] == shown["cold build 1"] and table["one article edited"] == shown["one article edited"]
    assert table["one title edited"] == shown["one title edited"]
    assert table["one story added"] == shown["one story added"]
    assert table["one story deleted"] == shown["one story deleted"] and table["one story moved"] == shown["one story moved"]
    assert all(table[name] == shown[name] for name in ("one correction added", "front matter line",
                                                        "one caption edited", "front page chosen",
                                                        "edition file edited", "new day's edition",
                                                        "story dated next day", "one story withdrawn"))
