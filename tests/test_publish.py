"""`python build.py publish FOLDER`: only what changed, in a safe order, deletions last and
bounded, a dry run, refusals, and a stopped publish completed by the next one."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from publishing import (
    EDITED,
    PUBLISHED,
    SITE_MARKER,
    broken_links,
    build,
    built_archive,
    digests,
    edit_one_article,
    expected_changes,
    publish_an_edit,
    stamps,
    touched,
)

from newsroom import deploy, headers, lock
from newsroom.cli import main
from newsroom.deploy import make_plan, plan_for, publish, site_files
from newsroom.target_folder import FolderTarget

pytestmark = pytest.mark.usefixtures("clear_of_midnight")   # each builds, then publishes


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return built_archive(tmp_path)


def publish_cli(root: Path, *args: str) -> int:
    return main(["--root", str(root), "publish", *args])


def test_publish_edit_publish_sends_and_deletes_exactly_what_changed(root: Path, tmp_path: Path, capsys) -> None:
    web = tmp_path / "www"
    assert publish_cli(root, str(web)) == 0
    first = capsys.readouterr().out
    assert digests(web, PUBLISHED) == digests(root / "site", SITE_MARKER)
    count = len(digests(root / "site", SITE_MARKER))
    assert f"sent {count} files (" in first and "deleted 0, unchanged 0, in " in first

    stamped = stamps(web)
    sent, deleted, after = publish_an_edit(root, str(web), capsys)
    assert touched(stamped, stamps(web)) - {PUBLISHED} == sent
    assert digests(web, PUBLISHED) == after
    assert not any((web / path).exists() for path in deleted)
    assert not (web / "tags" / "yuan-dan").exists(), "an emptied folder is removed too"

    assert publish_cli(root, str(web)) == 0   # nothing changed: nothing sent, nothing touched
    assert capsys.readouterr().out.startswith("sent 0 files (0.0 MB), deleted 0")


def test_manifest_records_digest_size_and_headers(root: Path, tmp_path: Path) -> None:
    web = tmp_path / "www"
    assert publish_cli(root, str(web), "-q") == 0
    files = json.loads((web / PUBLISHED).read_text(encoding="utf-8"))["files"]
    site = root / "site"
    media = next(p for p in files if p.startswith("media/") and p.endswith(".webp"))
    page = next(p for p in files if p.endswith("/index.html") and p[:4].isdigit())
    assert files[media][:4] == [digests(site, SITE_MARKER)[media], (site / media).stat().st_size,
                                "image/webp", "public, max-age=31536000, immutable"]
    assert files[page][2:4] == ["text/html; charset=utf-8", "public, max-age=300"]
    assert files["feed.xml"][2] == "application/atom+xml; charset=utf-8"
    assert files["static/style.css"][2:4] == ["text/css; charset=utf-8", "public, max-age=300"]


def test_dry_run_prints_the_plan_and_changes_nothing(root: Path, tmp_path: Path, capsys) -> None:
    web = tmp_path / "www"
    assert publish_cli(root, str(web), "--dry-run") == 0
    out = capsys.readouterr().out
    assert not web.exists()
    lines = out.splitlines()
    kinds = [line.split()[1] for line in lines if line.strip().startswith("send ")]
    assert kinds == [k for k in headers.KINDS if k in kinds] and kinds[0] == "media"
    assert any("media/" in line for line in lines if " media " in line)
    assert "nothing was changed (--dry-run)" in out

    assert publish_cli(root, str(web), "-q") == 0
    before = digests(root / "site", SITE_MARKER)
    edit_one_article(root)
    build(root)
    sent, deleted = expected_changes(before, digests(root / "site", SITE_MARKER))
    stamped = stamps(web)
    assert publish_cli(root, str(web), "--dry-run") == 0
    out = capsys.readouterr().out
    counts = [int(n) for n in re.findall(r"(?m)^  send \w+ +(\d+) files", out)]
    assert sum(counts) == len(sent)
    assert re.search(rf"(?m)^  delete +{len(deleted)} files: \S+", out)
    assert stamps(web) == stamped


def test_a_dry_run_shows_the_whole_plan_that_the_limit_on_deletions_would_stop(root: Path, tmp_path: Path,
                                                                              capsys) -> None:
    web = tmp_path / "www"
    assert publish_cli(root, str(web), "-q") == 0
    edit_one_article(root)
    build(root)
    assert publish_cli(root, str(web), "--dry-run", "--max-deletes", "0") == 1
    captured = capsys.readouterr()
    assert re.search(r"(?m)^  delete +\d+ files: \S+", captured.out) and "nothing was changed" in captured.out
    assert "more than --max-deletes 0" in captured.err
    with pytest.raises(SystemExit):   # a negative limit is no limit anyone means
        publish_cli(root, str(web), "--max-deletes", "-1")
    assert "invalid count value: '-1'" in capsys.readouterr().err


def test_more_deletions_than_max_deletes_stop_before_anything_is_sent(root: Path, tmp_path: Path, capsys) -> None:
    web = tmp_path / "www"
    assert publish_cli(root, str(web), "-q") == 0
    before = digests(root / "site", SITE_MARKER)
    edit_one_article(root)
    build(root)
    after = digests(root / "site", SITE_MARKER)
    deleted = len(expected_changes(before, after)[1])
    stamped = stamps(web)
    assert publish_cli(root, str(web), "--max-deletes", str(deleted - 1)) == 1
    err = capsys.readouterr().err
    assert f"{deleted} files would be deleted from the target" in err
    assert f"more than --max-deletes {deleted - 1}" in err and f"again with --max-deletes {deleted}" in err
    assert stamps(web) == stamped
    assert publish_cli(root, str(web), "-q", "--max-deletes", str(deleted)) == 0
    assert digests(web, PUBLISHED) == after


def test_an_archive_with_errors_is_refused(root: Path, tmp_path: Path, capsys) -> None:
    article = root / "content/articles/2022/02/henggang.md"
    article.write_text(article.read_text(encoding="utf-8").replace("date: 2022-02-19 18:30", "date: 2022-02-30"),
                       encoding="utf-8")
    assert publish_cli(root, str(tmp_path / "www")) == 1
    err = capsys.readouterr().err
    assert "henggang.md:3: error:" in err and "publish refused" in err
    assert not (tmp_path / "www").exists()


def test_an_archive_with_warnings_is_refused_with_strict_as_such(root: Path, tmp_path: Path, capsys) -> None:
    (root / "content/articles/2022/03/empty.md").write_text("---\ntitle: 空\ndate: 2022-03-05\n---\n",
                                                            encoding="utf-8")
    build(root)
    assert publish_cli(root, str(tmp_path / "www"), "--strict") == 1
    err = capsys.readouterr().err
    assert "warning: the article has no body text" in err and "the archive has warnings (--strict" in err
    assert "has errors" not in err and not (tmp_path / "www").exists()


def test_a_site_changed_after_its_build_or_never_built_is_refused(root: Path, tmp_path: Path, capsys) -> None:
    (root / "site/index.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    assert publish_cli(root, str(tmp_path / "www")) == 1
    assert "index.html was changed after the build" in capsys.readouterr().err
    shutil.rmtree(root / "site")
    assert publish_cli(root, str(tmp_path / "www")) == 1
    assert "build it first" in capsys.readouterr().err
    assert not (tmp_path / "www").exists()


def test_target_and_max_deletes_from_site_yaml(root: Path, capsys) -> None:
    settings = root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "publish:\n  target: ../www\n  max_deletes: 0\n",
                        encoding="utf-8")
    build(root)
    assert publish_cli(root, "-q") == 0
    assert (root.parent / "www" / "index.html").is_file()
    edit_one_article(root)
    build(root)
    assert publish_cli(root) == 1
    assert "more than --max-deletes 0" in capsys.readouterr().err


def test_credentials_in_site_yaml_are_an_error(root: Path, capsys) -> None:
    settings = root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + "publish:\n  target: s3://bucket/news\n  aws_secret_access_key: abc\n", encoding="utf-8")
    assert publish_cli(root, "--dry-run") == 1
    err = capsys.readouterr().err
    assert re.search(r"site\.yaml:\d+: error: 'publish\.aws_secret_access_key': credentials never go in site\.yaml",
                     err), err


def test_the_site_itself_is_no_target(root: Path, capsys) -> None:
    assert publish_cli(root, str(root / "site")) == 1
    assert "is, holds or is inside the built site" in capsys.readouterr().err


class Stopping(FolderTarget):
    """A folder target whose publish is stopped (Ctrl-C, a dropped line) after `limit` files."""

    def __init__(self, folder: Path, site: Path, limit: int) -> None:
        super().__init__(folder, site)
        self.left = limit

    def send(self, site, files, sent) -> None:
        for item in files:
            if self.left == 0:
                raise KeyboardInterrupt
            self.left -= 1
            super().send(site, [item], sent)


def test_a_stopped_publish_leaves_a_consistent_site_and_the_next_completes_it(root: Path, tmp_path: Path) -> None:
    site = root / "site"
    published = tmp_path / "published"
    publish(site, FolderTarget(published, site))
    old = digests(published, PUBLISHED)
    edit_one_article(root)
    # A new story with a new photo: a stop must never leave a page showing a missing picture.
    (root / "content/articles/2022/03/photo-story.md").write_text(
        "---\ntitle: 港口新图\ndate: 2022-03-05\nphotos: [2022/portrait.jpg]\n---\n港口。\n", encoding="utf-8")
    build(root)
    new = digests(site, SITE_MARKER)
    plan = make_plan(site_files(site), {})
    count = len(expected_changes(old, new)[0])
    assert count > 5 and len(plan.files) == len(new)
    for limit in sorted({0, 1, count // 3, count // 2, count - 2, count - 1}):
        web = tmp_path / f"stopped-{limit}"
        shutil.copytree(published, web)
        with pytest.raises(KeyboardInterrupt):
            publish(site, Stopping(web, site, limit))
        assert broken_links(web) == [], f"stopped after {limit} files"
        served = digests(web, PUBLISHED)
        assert all(served[p] in (old.get(p), new.get(p)) for p in served)   # whole files, old or new
        report = publish(site, FolderTarget(web, site))
        assert digests(web, PUBLISHED) == new, f"stopped after {limit} files, then completed"
        assert report.sent <= count - limit + 1
        assert publish(site, FolderTarget(web, site)).sent == 0


def test_strays_of_a_stopped_publish_are_removed_when_the_site_changed_since(root: Path, tmp_path: Path) -> None:
    site = root / "site"
    web = tmp_path / "www"
    publish(site, FolderTarget(web, site))
    edit_one_article(root)
    build(root)
    almost = len(plan_for(site, FolderTarget(web, site)).sending) - 1   # all but the sitemap
    with pytest.raises(KeyboardInterrupt):
        publish(site, Stopping(web, site, almost))
    stray = [p for p in digests(web, PUBLISHED) if "xin-nian" in p]
    assert stray, "the stopped publish sent the new tag's pages"
    article = root / "content/articles/2021/12/new-year.md"
    article.write_text(article.read_text(encoding="utf-8").replace("tags: 新年", "tags: 春节"), encoding="utf-8")
    build(root)
    publish(site, FolderTarget(web, site))
    assert digests(web, PUBLISHED) == digests(site, SITE_MARKER)


def test_a_stopped_publish_then_the_site_as_it_was_leaves_no_page_of_the_stopped_one(root: Path,
                                                                                   tmp_path: Path) -> None:
    """Stop the publish of a mistake, revert it, publish again: the host must serve the site
    as it was. The files the stop had replaced were still listed with their old digests, so
    the next publish took them for unchanged and sent nothing."""
    site, web = root / "site", tmp_path / "www"
    publish(site, FolderTarget(web, site))
    before = digests(site, SITE_MARKER)
    article = root / EDITED
    text = article.read_text(encoding="utf-8")
    edit_one_article(root)
    build(root)
    plan = plan_for(site, FolderTarget(web, site))
    replaced = len(plan.sending) - len(plan.added)   # (sent after the new files)
    assert replaced > 3
    with pytest.raises(KeyboardInterrupt):
        publish(site, Stopping(web, site, len(plan.added) + replaced // 2))
    article.write_text(text, encoding="utf-8")   # the mistake reverted
    build(root)
    assert digests(site, SITE_MARKER) == before
    publish(site, FolderTarget(web, site))
    assert digests(web, PUBLISHED) == before
    assert broken_links(web) == []


def test_what_a_killed_publish_was_writing_is_removed_by_the_next(root: Path, tmp_path: Path) -> None:
    """kill -9 while a file is written leaves its temporary copy in the web root, served to
    anyone who asks for it: the next publish removes it (its writer is gone)."""
    site, web = root / "site", tmp_path / "www"
    publish(site, FolderTarget(web, site))
    edit_one_article(root)
    build(root)
    plan = plan_for(site, FolderTarget(web, site))
    changed = [p for p in plan.sending if p not in plan.added]
    with pytest.raises(KeyboardInterrupt):
        publish(site, Stopping(web, site, len(plan.added)))   # stopped before the changed pages
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()   # a process id no one has now: the killed publish's
    page = web / changed[0]
    stray = page.with_name(f".{page.name}.publishing-{child.pid}")
    stray.write_bytes(b"half a page")
    live = page.with_name(f".{page.name}.publishing-{os.getppid()}")   # another publish writing it now: kept
    live.write_bytes(b"being written")
    publish(site, FolderTarget(web, site))
    assert not stray.exists() and live.exists()
    live.unlink()
    assert digests(web, PUBLISHED) == digests(site, SITE_MARKER)


def test_a_site_not_built_from_the_archive_as_it_is_now_is_refused(root: Path, tmp_path: Path, capsys) -> None:
    web = tmp_path / "www"
    # An edit not built yet: it would never be published, without a word
    edit_one_article(root)
    assert publish_cli(root, str(web)) == 1
    assert "changed since" in capsys.readouterr().err and not web.exists()
    # A build with drafts and scheduled stories (or file:// links) is not the site to publish
    (root / "content/articles/2022/03/draft.md").write_text(
        "---\ntitle: 还没写完\ndate: 2022-03-06\ndraft: true\n---\n草稿。\n", encoding="utf-8")
    assert main(["--root", str(root), "-q", "--drafts"]) == 0
    assert publish_cli(root, str(web)) == 1
    assert "--drafts" in capsys.readouterr().err and not web.exists()
    build(root)
    assert publish_cli(root, str(web), "-q") == 0
    assert not list(web.rglob("*还没写完*")) and "还没写完" not in (web / "index.html").read_text(encoding="utf-8")


def test_a_folder_in_the_archive_s_sources_is_no_target(root: Path, capsys) -> None:
    # The next build would take what was published into photos/ for photos of its own
    for folder in ("photos/www", "content/www", ".cache/www"):
        assert publish_cli(root, str(root / folder)) == 1
        assert "cannot publish into" in capsys.readouterr().err
        assert not (root / folder).exists()


def test_no_build_changes_the_site_while_it_is_published(root: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The archive is locked from the publish's check to its last file: a build meanwhile
    would put pages of two builds on the host."""
    class Watching(FolderTarget):
        held: list[bool] = []

        def send(self, site, files, sent) -> None:
            try:
                with lock.hold_archive(root / ".cache", wait=0):
                    self.held.append(False)
            except lock.LockError:
                self.held.append(True)
            super().send(site, files, sent)

    edit_one_article(root)
    build(root)
    monkeypatch.setattr(deploy, "open_target",
                        lambda spec, site, base_url="", archive=None: Watching(Path(spec), site, archive))
    assert publish_cli(root, str(tmp_path / "www"), "-q") == 0
    assert Watching.held and all(Watching.held)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_of_files_and_megabytes_on_a_terminal(root: Path, tmp_path: Path) -> None:
    site = root / "site"
    screen = Terminal()
    report = publish(site, FolderTarget(tmp_path / "www", site), progress=screen)
    count = len(digests(site, SITE_MARKER))
    last = screen.getvalue().rstrip("\n").split("\r")[-1]
    megabytes = f"{report.sent_bytes / 1e6:.1f}"
    assert re.match(rf"\[#+\] +{count}/{count} files +{megabytes}/{megabytes} MB", last), last
    assert report.summary().startswith(f"sent {count} files ({megabytes} MB), deleted 0, unchanged 0, in ")


def test_remembered_digests_do_not_hide_a_file_changed_since(root: Path, tmp_path: Path, capsys) -> None:
    """Publishing remembers each file's digest (ROOT/.cache/publish/) by size, mtime and inode;
    a file edited by hand afterwards, even to the same size, is still found."""
    assert publish_cli(root, str(tmp_path / "www"), "-q") == 0
    assert list((root / ".cache" / "publish").glob("*.json"))
    page = root / "site/index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("<html", "<HTML", 1), encoding="utf-8")
    assert publish_cli(root, str(tmp_path / "www")) == 1
    assert "index.html was changed after the build" in capsys.readouterr().err


def test_publish_takes_no_option_that_changes_the_build(root: Path, tmp_path: Path, capsys) -> None:
    """It sends the site as built: --drafts or --file-urls would say otherwise, so they are refused."""
    for option in ("--drafts", "--future", "--file-urls"):
        with pytest.raises(SystemExit) as stop:
            publish_cli(root, str(tmp_path / "www"), option)
        assert stop.value.code == 2 and f"unrecognized arguments: {option}" in capsys.readouterr().err
    assert not (tmp_path / "www").exists()


def test_the_preview_is_never_published(root: Path, tmp_path: Path, capsys) -> None:
    preview = root / ".preview"
    assert main(["--root", str(root), "--output", str(preview), "-q"]) == 0   # a site built there
    assert publish_cli(root, "--output", str(preview), str(tmp_path / "www")) == 1
    assert "is the preview" in capsys.readouterr().err
    assert not (tmp_path / "www").exists()


def test_a_site_built_the_day_before_is_refused_as_a_new_day(root: Path) -> None:
    """Past midnight (the site's time) the home page's 历史上的今天 is the day before's: said
    so, not as a scheduled story due (there is none)."""
    from datetime import datetime, timedelta

    from newsroom import config as config_mod
    from newsroom import freshness

    assert main(["--root", str(root), "-q"]) == 0
    cfg, _ = config_mod.load(root)
    now = datetime.now(cfg.tz)
    assert freshness.stale(cfg, now) is None
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), cfg.tz)
    said = freshness.stale(cfg, midnight + timedelta(minutes=1))
    assert said is not None and str(said).startswith("a new day began since")
