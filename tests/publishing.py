"""Helpers for the publishing tests: a small built archive, one editor's edit, and what a
target holds, compared with site/ byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from conftest import copy_site
from html_dom import load, resolve, urls

from newsroom.cli import main

SITE_MARKER = ".newsroom-site.json"      # the build's own manifest: stays in site/
PUBLISHED = ".newsroom-publish.json"     # the target's manifest: only on the target
EDITED = "content/articles/2021/12/new-year.md"


def built_archive(tmp: Path) -> Path:
    """tests/sites/basic, built into ROOT/site; returns ROOT."""
    root = copy_site("basic", tmp)
    build(root)
    return root


def build(root: Path) -> None:
    assert main(["--root", str(root), "-q"]) == 0


def edit_one_article(root: Path) -> None:
    """A new headline and a new tag for the only article with the tag 元旦: its page, lists
    and feeds change, a tag page and feed appear, and 元旦's page and feed are gone."""
    article = root / EDITED
    text = article.read_text(encoding="utf-8")
    assert "tags: 元旦" in text
    article.write_text(text.replace("tags: 元旦", "tags: 新年").replace("title: ", "title: 更正：", 1),
                       encoding="utf-8")


def publish_an_edit(root: Path, target: str, capsys) -> tuple[set[str], set[str], dict[str, str]]:
    """Edit one article, build, publish to `target`; the summary counts what must change.
    Returns the files that had to be sent, those to be deleted, and the site's digests after."""
    before = digests(root / "site", SITE_MARKER)
    edit_one_article(root)
    build(root)
    after = digests(root / "site", SITE_MARKER)
    sent, deleted = expected_changes(before, after)
    assert sent and deleted   # the edit must move something, and take a tag page away
    assert main(["--root", str(root), "publish", target]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary.startswith(f"sent {len(sent)} files (")
    assert f"deleted {len(deleted)}, unchanged {len(after) - len(sent)}, in " in summary
    return sent, deleted, after


def digests(folder: Path, skip: str) -> dict[str, str]:
    """Every file under `folder` but `skip`: path -> sha256 of its bytes."""
    found = {}
    for file in folder.rglob("*"):
        path = file.relative_to(folder).as_posix()
        if file.is_file() and path != skip:
            found[path] = hashlib.sha256(file.read_bytes()).hexdigest()
    return found


def expected_changes(before: dict[str, str], after: dict[str, str]) -> tuple[set[str], set[str]]:
    """What a publish must send and delete to go from one build (digests) to the next."""
    sent = {path for path, digest in after.items() if before.get(path) != digest}
    return sent, set(before) - set(after)


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """path -> (inode, ctime): a file written again (or replaced) gets a new one."""
    found = {}
    for file in folder.rglob("*"):
        if file.is_file():
            st = file.stat()
            found[file.relative_to(folder).as_posix()] = (st.st_ino, st.st_ctime_ns)
    return found


def touched(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    return {path for path, stamp in after.items() if before.get(path) != stamp}


def broken_links(folder: Path) -> list[str]:
    """What a reader of the host serving `folder` could find broken: on any page, a picture,
    stylesheet or script that is not there; on a page reached from the home page, any link
    to no file there."""
    pages = {page: load(page) for page in folder.rglob("*.html") if page.name != "404.html"}
    broken, seen, todo = [], set(), [folder / "index.html"]
    for page, doc in pages.items():   # (404.html's links start at the site's address: <base>)
        for attr, url, target in _links(folder, page, doc):
            if target.relative_to(folder).parts[0] in ("media", "static") and not target.is_file():
                broken.append(f"{page.relative_to(folder)}: {attr} {url}")
    while todo:
        page = todo.pop()
        if page in seen or page not in pages:
            continue
        seen.add(page)
        for attr, url, target in _links(folder, page, pages[page]):
            if not target.is_file():
                broken.append(f"{page.relative_to(folder)}: {attr} {url}")
            todo.append(target)
    return sorted(set(broken))


def _links(folder: Path, page: Path, doc) -> list[tuple[str, str, Path]]:
    return [(attr, url, resolve(folder, page, url)) for attr, url in urls(doc) if not urlsplit(url).scheme]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def same_files(target: dict[str, str], site: Path) -> None:
    assert target == digests(site, SITE_MARKER)

