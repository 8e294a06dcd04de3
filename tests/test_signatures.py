"""The inputs' scan: the articles it lists are the ones the content walk finds."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from newsroom import content, signatures


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
    _, found = signatures.tree_signature([root / "content", root / "photos", root / "content2"], [], "")
    walked = [str(p) for p in content.article_files(SimpleNamespace(content_dir=root / "content"))]
    listed = signatures.listed(found, root / "content", content.ARTICLE_SUFFIXES)
    assert listed == walked == [str(root / n) for n in sorted(
        ["content/a.md", "content/B.MD", "content/2022/x.markdown", "content/2022/02/y.Md"])]
