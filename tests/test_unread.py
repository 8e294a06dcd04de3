"""Parsed articles kept unread in the build cache: an edit reads a few of them, and every
article it reads is the one it parsed."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from archive_gen import make_archive

from newsroom import builder, cache, config, unread
from newsroom.model import Article


def build(root: Path) -> builder.BuildResult:
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(jobs=1))
    assert result.ok, result.problems
    return result


def is_unread(article: Article) -> bool:
    return "_later" in vars(article)


def whole(article: Article) -> dict:
    """Every field, as read (an unread article is filled in)."""
    return {f.name: getattr(article, f.name) for f in dataclasses.fields(article)}


def test_articles_load_unread_and_read_as_they_were_parsed(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 120, photos=False)
    parsed = {a.source: whole(a) for a in build(root).records["articles"]}
    state = cache.Store(cache.state_folder(config.load(root)[0])).load()
    loaded = {source: entry.value for source, entry in state.articles.items()}
    assert loaded.keys() == parsed.keys()
    assert all(is_unread(a) and set(vars(a)) == {*unread.EAGER, "_later"} for a in loaded.values())
    first = loaded["content/articles/2021/01/story-0000.md"]
    assert first.date == parsed[first.source]["date"] and is_unread(first)   # kept at hand
    assert first.title == "第0号报道"
    assert not is_unread(first)
    # Only the articles pickled with it were read: the others wait.
    assert 0 < sum(not is_unread(a) for a in loaded.values()) < len(loaded) // 4
    assert {source: whole(a) for source, a in loaded.items()} == parsed
    assert not any(map(is_unread, loaded.values()))


def test_an_unread_article_pickles_whole(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 10, photos=False)
    build(root)
    state = cache.Store(cache.state_folder(config.load(root)[0])).load()
    article = next(entry.value for entry in state.articles.values())
    again = pickle.loads(pickle.dumps(article))
    assert not is_unread(again) and again == article and again.title.endswith("号报道")


def test_an_edit_reads_few_articles_and_shows_the_rest_as_they_were(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 400, photos=False)
    build(root)
    story = root / "content" / "articles" / "2021" / "05" / "story-0100.md"
    story.write_text(story.read_text(encoding="utf-8").replace("走访社区", "回访社区"), encoding="utf-8")
    result = build(root)
    articles = [entry.value for entry in result.records["state"].articles.values()]
    assert sum(not is_unread(a) for a in articles) < len(articles) // 4
    page = next((root / "site").rglob("story-0100/index.html")).read_text(encoding="utf-8")
    assert "第100次回访社区" in page
    # A later build reads the cache this one saved: the edited story, and the others, as parsed.
    story.write_text(story.read_text(encoding="utf-8").replace("回访社区", "再访社区"), encoding="utf-8")
    again = build(root)
    shown = {a.source: a for a in again.records["articles"]}
    assert shown[str(story.relative_to(root))].body_html.count("第100次再访社区") == 1
    assert shown["content/articles/2021/01/story-0012.md"].title == "第12号报道"
