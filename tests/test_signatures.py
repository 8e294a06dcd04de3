"""The inputs' scan: the articles it lists are the ones the content walk finds."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from newsroom import confine, content, signatures


def test_the_scanned_articles_are_those_the_walk_finds(tmp_path: Path) -> None:
    """Hidden files and folders are skipped under content/ but not above it; suffixes in any
    case; nothing outside content/ or of another kind."""
    root = tmp_path / ".archives" / "paper"   # (a hidden folder above the archive does not hide it)
    files = ["content/a.md", "content/B.MD", "content/2022/x.markdown", "content/2022/02/y.Md",
             "content/.hidden.md", "content/.git/c.md", "content/sub/.d/e.md", "content/note.txt",
             "content/md", "photos/p.md", "content.md", "content2/z.md"]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("---\ntitle: t\n---\n", encoding="utf-8")
    _, found, _ = signatures.tree_signature([root / "content", root / "photos", root / "content2"], [], "")
    walked = [str(p) for p in content.article_files(SimpleNamespace(content_dir=root / "content"))]
    listed = signatures.listed(found, root / "content", content.ARTICLE_SUFFIXES)
    assert listed == walked == [str(root / n) for n in sorted(
        ["content/a.md", "content/B.MD", "content/2022/x.markdown", "content/2022/02/y.Md"])]


def test_the_links_the_scan_finds_refuse_what_the_walk_refuses(tmp_path: Path) -> None:
    """Links to files and folders, inside and out, and one inside a linked folder (not
    walked into, by either)."""
    root, outside = tmp_path / "archive", tmp_path / "elsewhere"
    (root / "content" / "2022").mkdir(parents=True)
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.txt").write_text("s", encoding="utf-8")
    (outside / "deep" / "x.md").write_text("x", encoding="utf-8")
    (root / "content" / "2022" / "a.md").write_text("a", encoding="utf-8")
    (root / "content" / "in.md").symlink_to(root / "content" / "2022" / "a.md")
    (root / "content" / "2022" / "out.md").symlink_to(outside / "secret.txt")
    (root / "content" / "folder").symlink_to(outside / "deep")
    (root / "content" / "inner").symlink_to(root / "content" / "2022")
    (root / "photos").mkdir()
    (root / "photos" / "p.jpg").symlink_to(outside / "secret.txt")
    _, _, links = signatures.tree_signature([root / "content", root / "photos"], [], "")
    walked = confine.escaping(root / "content")
    assert confine.escaping(root / "content", links) == walked == [
        root / "content" / "2022" / "out.md", root / "content" / "folder"]
    assert confine.escaping(root / "photos", links) == confine.escaping(root / "photos") == [root / "photos" / "p.jpg"]
