"""Property tests: the front matter reader, slugs and links hold up on any text."""

from __future__ import annotations

import json
import os
import posixpath
import random
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from newsroom import articles, config, slugs, urls
from newsroom.markup import Renderer
from newsroom.problems import Problem

REPO = Path(__file__).resolve().parent.parent
CONFIG, _ = config.load(REPO)
RENDERER = Renderer()
SOURCE = "content/articles/2022/02/x.md"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# YAML-ish pieces, so generated front matter gets past the first parser error and deep into the checks.
KEYS = ["title", "date", "updated", "slug", "draft", "summary", "photos", "reporter", "street", "tags",
        "file", "caption", "name", "role", "- ", "? ", "!!python/object:os.system", "!!binary", "&a", "*a"]
VALUES = ["2022-02-21", "2022-13-45", "2022-02-21T09:30:00+08:00", "2022-02-21T25:61+99:99", "yesterday",
          "20220221", "张鹏", "坂田街道", " \u3000张鹏\u3000", "[a, b]", "{name: 张鹏}", "{role: x}", "null", "~",
          "true", "yes", "1e999", "-1", "'", '"', "|", ">", "[", "{", "../x.jpg", "/etc/passwd", "<script>"]
yamlish = st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from([": ", ":", " ", "\n  - ", "\t"]),
                             st.one_of(st.sampled_from(VALUES), st.text(max_size=12)),
                             st.sampled_from(["\n", "\n  ", "\r\n", ""])), max_size=8)


def check_parse(text: str) -> None:
    article, problems = articles.parse(text, SOURCE, CONFIG, RENDERER)
    assert all(isinstance(p, Problem) and p.path == SOURCE and p.line >= 0 for p in problems)
    if article is None:
        assert any(p.severity == "error" for p in problems)
    else:
        # An article with errors still comes back (for the cross-file checks), but the
        # errors fail the build; one without errors is complete.
        assert article.date.tzinfo is not None
        if not article.title:
            # Not any error: the one that says the title is missing or wrong, at a line of the file.
            assert any(p.severity == "error" and "title" in p.message and p.line > 0 for p in problems), problems


@FAST
@given(st.text())
@example("---")
@example("---\n---")
@example("\ufeff---\r\ntitle: x\r\n---\r\n")
def test_parse_never_raises_on_any_text(text: str) -> None:
    check_parse(text)


@FAST
@given(yamlish, st.text(max_size=50))
def test_parse_never_raises_on_front_matter(parts: list[tuple[str, str, str, str]], body: str) -> None:
    front = "".join(k + sep + v + end for k, sep, v, end in parts)
    check_parse(f"---\n{front}\n---\n{body}")


@FAST
@given(st.dictionaries(st.sampled_from(["title", "date", "reporter", "street", "tags", "photos", "slug",
                                        "draft", "summary", "updated"]),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                                    lambda inner: st.lists(inner, max_size=3)
                                    | st.dictionaries(st.sampled_from(["name", "role", "file", "caption"]), inner,
                                                      max_size=3), max_leaves=6)))
def test_parse_never_raises_on_any_field_values(fields: dict) -> None:
    import yaml

    check_parse(f"---\n{yaml.safe_dump(fields, allow_unicode=True)}---\n正文\n")


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@FAST
@given(st.text())
@example("坂田街道")
@example("\u3000")
@example("Ⅻ ﬁ ß 𝔘")
def test_slugify_is_always_a_url_safe_slug(text: str) -> None:
    slug = slugs.slugify(text)
    assert SLUG.fullmatch(slug) or slug == "item"
    given_slug = slugs.clean_slug(text)
    assert given_slug is None or re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", given_slug)


def test_slugs_are_the_same_in_every_process() -> None:
    """A slug is a URL: it must not depend on the process (hash seed, import order, cache state)."""
    texts = ["坂田街道", "超2000人次机关党员干部火速下沉抗疫一线", "“02·17”疫情", "Hello World", "Ⅻ ﬁ ß 𝔘",
             "\u3000", "重庆 长沙 行长", "", *(random_text(seed) for seed in range(200))]
    here = [slugs.slugify(t) for t in texts]
    assert here[:3] == ["ban-tian-jie-dao", "chao-2000-ren-ci-ji-guan-dang-yuan-gan-bu-huo-su-xia-chen-kang-yi-yi-xian",
                        "02-17-yi-qing"]
    code = "import json, sys; from newsroom import slugs; print(json.dumps([slugs.slugify(t) for t in json.load(sys.stdin)]))"
    for seed in ("0", "12345"):
        out = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True,
                             check=True, cwd=REPO, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        assert json.loads(out) == here, f"PYTHONHASHSEED={seed}"


def random_text(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.choice([rng.randrange(0x20, 0x7f), rng.randrange(0x4e00, 0x9fa5), rng.randrange(0x3000, 0x3040)]))
                   for _ in range(rng.randrange(1, 20)))


segment = st.text(alphabet="abcz019-_.~:中", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
folder = st.lists(segment, max_size=4).map(lambda parts: "".join(p + "/" for p in parts))
site_path = st.one_of(folder, st.tuples(folder, segment).map("".join))
fragment = st.one_of(st.just(""), st.text(alphabet="abc-1", min_size=1, max_size=4).map(lambda f: "#" + f))


@settings(max_examples=500, deadline=None)
@given(site_path, site_path, fragment, st.booleans())
@example("", "", "", False)
@example("feed.xml", "", "", False)
@example("a/b/", "a/b/", "#x", True)
@example("", "a:b/", "", False)
def test_relative_link_resolves_to_the_target(source: str, target: str, frag: str, file_urls: bool) -> None:
    # A file and a folder of one name cannot both exist: a site never has both 'a' and 'a/…'.
    assume(target.endswith("/") or not ((source + "/").startswith(target + "/")))
    link = urls.relative(source, target + frag, file_urls)
    parts = urlsplit(link)
    assert not parts.scheme and not parts.netloc and not link.startswith("/")   # relative
    # As a browser resolves it, against the page's own URL (or its file, when browsing from disk).
    page = urls.output_file(source) if file_urls else source
    wanted = urls.output_file(target) if file_urls else target
    assert urljoin("http://h/site/" + page, link) == "http://h/site/" + wanted + frag
    # And as a path: from the page's folder, posixpath lands on the target.
    base = posixpath.dirname(urls.output_file(source))
    resolved = posixpath.normpath(posixpath.join(base, link.partition("#")[0]))
    assert resolved == (posixpath.normpath(wanted) if wanted.strip("/") else ".")


@FAST
@given(st.text(), st.text())
def test_relative_never_raises(source: str, target: str) -> None:
    assert isinstance(urls.relative(source, target), str)
