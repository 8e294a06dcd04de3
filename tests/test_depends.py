"""depends.py's declared lists, proven by recording what the code really reads: the fields
of an article the planner (index.build, pages.plan) reads, and the fields each property
and method of the archive's objects reads."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import copy_sample

from newsroom import config, content, depends, index, pages
from newsroom.index import Archive, Month, Taxonomy, Term, Year
from newsroom.model import Article, Photo


def _recording(cls: type, reads: set[str]) -> type:
    """A subclass of `cls` whose instances add the name of every field read to `reads`."""
    fields = set(depends.FIELDS[cls])

    def __getattribute__(self, name):  # noqa: N807 - the hook being recorded
        if name in fields:
            reads.add(name)
        return object.__getattribute__(self, name)
    return type(f"Recording{cls.__name__}", (cls,), {"__getattribute__": __getattribute__})


def _as(cls: type, obj, reads: set[str]):
    return _recording(cls, reads)(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("depends"))
    cfg, _ = config.load(root)
    articles, photos, _ = content.read_all(cfg, jobs=1)
    return cfg, articles, photos


def test_the_planner_reads_only_placing_and_copied_fields(sample) -> None:
    cfg, articles, photos = sample
    reads: set[str] = set()
    recording = [_as(Article, a, reads) for a in articles]
    archive, _ = index.build(recording, photos, cfg, datetime.now(UTC))
    planned = pages.plan(archive, cfg)
    for page in planned:   # related stories are found when first used: use them
        list(page.context.get("related", ()))
    assert reads, "nothing recorded: the test would prove nothing"
    assert reads <= set(depends.PLACING) | set(depends.COPIED), reads - set(depends.PLACING) - set(depends.COPIED)


def test_each_property_and_method_reads_only_the_fields_declared(sample) -> None:
    cfg, articles, photos = sample
    archive, _ = index.build(articles, photos, cfg, datetime.now(UTC))
    calls = {Article: {"id": lambda a: a.id, "body_html": lambda a: a.body_html, "names": lambda a: a.names("street"),
                       "modified": lambda a: a.modified},
             Photo: {"id": lambda p: p.id, "title": lambda p: p.title, "names": lambda p: p.names("street")},
             Taxonomy: {"key": lambda t: t.key, "term": lambda t: t.term("坂田街道"),
                        "_by_name": lambda t: t._by_name},
             Archive: {"taxonomy": lambda a: a.taxonomy("street"), "term": lambda a: a.term("street", "坂田街道")},
             Year: {"count": lambda y: y.count}}
    samples = {Article: articles[0], Photo: photos[0], Taxonomy: archive.taxonomies[0], Archive: archive,
               Year: archive.years[0]}
    assert {cls: set(names) for cls, names in calls.items()} == {
        cls: set(names) for cls, names in depends.DERIVED.items() if names}
    for cls, named in calls.items():
        for name, call in named.items():
            reads: set[str] = set()
            call(_as(cls, samples[cls], reads))
            assert reads and reads <= set(depends.DERIVED[cls][name]), (cls.__name__, name, reads)
    assert depends.DERIVED[Term] == depends.DERIVED[Month] == {}


def test_a_page_depends_on_what_its_template_read(tmp_path: Path) -> None:
    """Reads through any variable name are recorded, with the fields read."""
    from newsroom import render

    root = copy_sample(tmp_path)
    cfg, _ = config.load(root)
    articles, photos, _ = content.read_all(cfg, jobs=1)
    archive, _ = index.build(articles, photos, cfg, datetime.now(UTC))
    env = render.environment(cfg, archive)
    page = pages.Page("x/", "probe.html", {})
    template = env.from_string("{% set a = archive %}{% set t = a.taxonomies[0].terms[0] %}"
                               "{{ a.articles[0].title }} {{ t.articles|length }} {{ term_for('street', 'x') }}")
    env.theme.recorder.reads = []
    template.render()
    deps = depends.collect(env.theme.recorder.reads, page)
    first = archive.articles[0]
    term = archive.taxonomies[0].terms[0]
    bits = {name: 1 << i for i, name in enumerate(depends.FIELDS[Article])}
    assert deps["a|" + first.source] == bits["title"]
    assert deps[depends.key_of(term)] == 1 << depends.FIELDS[Term].index("articles")
    assert "l|term|street|x" in deps and "archive" in deps


def test_a_year_and_a_month_are_in_a_context_by_key_and_their_fields_are_read_values(sample) -> None:
    """A year's later list pages hold the year (for its number): a story added to the year
    must not change their context, only the value of what a page read of it (its months)."""
    cfg, articles, photos = sample
    archive, _ = index.build(articles, photos, cfg, datetime.now(UTC))
    year = archive.years[0]
    month = year.months[0]
    grown = dataclasses.replace(year, months=(dataclasses.replace(month, articles=(*month.articles, "x.md")),
                                              *year.months[1:]))
    bigger = dataclasses.replace(archive, years=(grown, *archive.years[1:]))
    page = pages.Page(f"{year.year}/page/1/", "year.html", {"year": year, "month": month})
    later = pages.Page(page.path, page.template, {"year": grown, "month": grown.months[0]})
    assert depends.Values(archive).context(page) == depends.Values(bigger).context(later)
    key, stories = depends.key_of(month), depends.bits_of(month, "articles")
    assert key == f"m|{month.year}|{month.month}" and depends.Values(bigger).entity(key) == grown.months[0]
    assert depends.Values(archive).digest(key, stories) != depends.Values(bigger).digest(key, stories)
    number = depends.bits_of(year, "year")
    assert depends.Values(archive).digest(f"y|{year.year}", number) == depends.Values(bigger).digest(
        f"y|{year.year}", number)
    # year.count adds up its months' stories: reading it reads each month's.
    recorder = depends.Recorder()
    recorder.attribute(year, "count")
    assert depends.collect(recorder.reads)[key] & stories


def test_each_gives_what_digest_gives_for_every_mask(sample) -> None:
    """A cold build saves the digests Values.each makes (each field's text made once per key);
    the next build compares them with digest()'s, one mask at a time: they must be the same."""
    cfg, articles, photos = sample
    archive, _ = index.build(articles, photos, cfg, datetime.now(UTC))
    term = archive.taxonomies[0].terms[0]
    keys = [depends.key_of(a) for a in archive.articles] + [depends.key_of(p) for p in archive.photos]
    keys += [depends.key_of(term), "l|figures|" + archive.articles[0].id, "a|no-such-article"]
    whole = depends.WHOLE & ((1 << len(depends.FIELDS[Article])) - 1)
    masks = [(key, bits) for key in keys for bits in (1, 0b1010, 0b111000, whole)]
    made = list(depends.Values(archive).each(masks))
    assert [(key, bits) for key, bits, _ in made] == masks
    assert [digest for _, _, digest in made] == [depends.Values(archive).digest(key, bits) for key, bits in masks]
    assert len({digest for key, _, digest in made if key.startswith("a|")}) > len(archive.articles)
