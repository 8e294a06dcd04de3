"""Build output for people: a one-line summary, warnings listed, -q quiet, -v stage timings."""

from __future__ import annotations

import re
from pathlib import Path

from newsroom.cli import main

SUMMARY = re.compile(r"(\d+) articles, (\d+) photos, (\d+) pages, (\d+) renditions \((\d+) new\), "
                     r"(\d+) files written in \d+\.\d\d s(?:; left out: .+)?")


def test_one_line_summary_then_nothing_new(fresh_sample: Path, capsys) -> None:
    assert main(["--root", str(fresh_sample), "-j", "1"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    first = SUMMARY.fullmatch(out.splitlines()[0])
    assert first, out
    articles, photos, pages, renditions, new, _ = map(int, first.groups())
    # Every published story has its page; every photo file is counted.
    assert articles == len(list((fresh_sample / "site").glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html")))
    assert photos == sum(1 for p in (fresh_sample / "photos").rglob("*") if p.suffix.lower() in (".jpg", ".png"))
    # Renditions are files: every photo in every width and format (site.yaml: 3 widths; webp + jpeg).
    assert renditions == new == len(list((fresh_sample / "site/media").iterdir())) == photos * 3 * 2
    # Pages are the rendered files: HTML, feeds, robots.txt and the hosts' redirect files.
    assert pages == sum(1 for p in (fresh_sample / "site").rglob("*") if (p.suffix in (".html", ".xml", ".txt", ".map")
                        or p.name == "_redirects") and p.parts[-2:] != ("static",))
    assert main(["--root", str(fresh_sample), "-j", "1"]) == 0
    again = SUMMARY.fullmatch(capsys.readouterr().out.splitlines()[0])
    assert again and again.group(4, 5, 6) == (str(renditions), "0", "0")


def test_warnings_are_listed_quiet_prints_only_problems_verbose_prints_timings(sample_root: Path, capsys) -> None:
    later = sample_root / "content/articles/2999/01/later.md"
    later.parent.mkdir(parents=True)
    later.write_text("---\ntitle: 以后\ndate: 2999-01-01\nreporter: []\n---\n正文。\n", encoding="utf-8")
    warning = ("content/articles/2999/01/later.md:3: warning: dated in the future: scheduled for "
               "2999-01-01 00:00 (left out until then; --future includes it)")

    assert main(["--root", str(sample_root), "-j", "1"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [warning, "0 errors, 1 warning"]
    built = SUMMARY.fullmatch(out.splitlines()[0])
    assert built
    articles, photos = built.group(1, 2)

    assert main(["--root", str(sample_root), "-j", "1", "-q"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [warning, "0 errors, 1 warning"]

    assert main(["build", "--root", str(sample_root), "-j", "1", "-v"]) == 0
    out, _ = capsys.readouterr()
    stages = dict(re.findall(r"^  (\S+) +(\d+\.\d{3}) s$", out, re.M))
    assert set(stages) == {"check"}, out    # nothing changed: the build stops after looking

    later.write_text("---\ntitle: 以后\ndate: 2999-01-01\nreporter: []\n---\n改过的正文。\n", encoding="utf-8")
    assert main(["build", "--root", str(sample_root), "-j", "1", "-v"]) == 0
    out, _ = capsys.readouterr()
    stages = dict(re.findall(r"^  (\S+) +(\d+\.\d{3}) s$", out, re.M))
    assert {"read", "index", "plan", "images", "render+write"} <= set(stages), out

    assert main(["check", "--root", str(sample_root), "-v"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"checked {articles} articles and {photos} photos in ")
    assert {"read", "index", "plan"} <= set(re.findall(r"^  (\S+) +\d+\.\d{3} s$", out, re.M))


def test_the_closing_hint_names_the_archive_serve_previews(sample_root: Path, capsys) -> None:
    """serve previews ROOT, not the folder written: built with --root, the hint says --root."""
    assert main(["--root", str(sample_root), "--lang", "en", "-j", "1"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == (f"site written to {sample_root / 'site'}; to look at it: python -m http.server -d "
                    f"{sample_root / 'site'} (a preview with drafts: python build.py --root {sample_root} serve)")
