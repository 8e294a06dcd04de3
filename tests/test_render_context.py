"""render._Context calls unmarked functions and macros without Jinja's checks: every page
of the sample archive must be byte for byte what Jinja's own context renders."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jinja2
from conftest import copy_sample

from newsroom import config, content, index, pages, render


def _planned(root: Path):
    """The archive at `root` read and planned in this process: (config, archive, pages)."""
    cfg, problems = config.load(root)
    assert not problems
    articles, photos, _ = content.read_all(cfg, jobs=1)
    archive, _ = index.build(articles, photos, cfg, datetime.now(UTC))
    return cfg, archive, pages.plan(archive, cfg)


def test_pages_are_what_jinjas_own_context_renders(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    # A theme of one's own may call what wants the context, or raises StopIteration.
    (root / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<p>{{ here() }}|{{ stop() is undefined }}|{{ where() }}|'
        '{{ ["b", "a"]|sort|join(",") }}|{% for x in range(2) %}{{ here() }}{{ url("") }}{% endfor %}</p>'
        "{% endblock %}\n", encoding="utf-8")
    cfg, archive, planned = _planned(root)

    def environment(context_class: type | None) -> jinja2.Environment:
        env = render.environment(cfg, archive)
        env.globals["here"] = jinja2.pass_context(lambda ctx: ctx["page_path"] or "home")
        env.globals["stop"] = lambda: next(iter(()))
        env.globals["where"] = _Where().path   # a bound method that wants the context
        if context_class is not None:
            env.context_class = context_class
        return env

    ours, jinjas = environment(None), environment(jinja2.runtime.Context)
    assert ours.context_class is not jinja2.runtime.Context
    rendered = [(page, render.render(ours, page), render.render(jinjas, page)) for page in planned]
    assert [page.file for page, a, b in rendered if a != b] == []
    assert len(rendered) > 50 and {page.template for page in planned} >= {"article.html", "term.html", "photo.html"}
    missing = next(a for page, a, _ in rendered if page.template == "404.html").decode()
    assert "<p>404.html|True|at 404.html|a,b|404.html" in missing


class _Where:
    @jinja2.pass_context
    def path(self, ctx: jinja2.runtime.Context) -> str:
        return f"at {ctx['page_path']}"


def test_rendering_leaves_no_reference_cycles(tmp_path: Path) -> None:
    """`python build.py` runs with the cycle collector off (newsroom/cli.py), so a render
    worker frees only what reference counting frees: rendering a page must leave no
    cycles behind. (Importing the macros "with context" made them anew on every page, 55
    objects in cycles: 0.9 GB of a worker's memory at 100,000 articles.)"""
    import gc
    from collections import Counter

    cfg, archive, planned = _planned(copy_sample(tmp_path))
    env = render.environment(cfg, archive)
    for page in planned:   # templates compiled, once() fragments made
        render.render(env, page)
    # The kinds of page an archive has thousands of (one-off pages such as search/ may
    # define a macro of their own: a few objects, once).
    kinds = Counter(page.template for page in planned)
    many = [page for page in planned if kinds[page.template] > 1]
    assert {"article.html", "term.html", "photo.html", "feed.xml"} <= {page.template for page in many}
    gc.collect()
    gc.disable()
    try:
        for page in many:
            render.render(env, page)
        assert gc.collect() == 0
    finally:
        gc.enable()
