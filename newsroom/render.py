"""Pages to bytes through Jinja2 (autoescape on, StrictUndefined: a template typo fails loudly)."""

from __future__ import annotations

import html
import re
import types
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from . import images, links, seo, urls
from .config import Config
from .index import Archive
from .markup import ARTICLE_LINK
from .model import Article, Photo
from .pages import Page

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_ARTICLE_HREF = re.compile(r'href="' + re.escape(ARTICLE_LINK) + r'([^"#]*)(#[^"]*)?"')
# once(): fragments kept per process, the oldest dropped first (about 2 KB each: 20 MB). Lists come
# in turn (home, related, streets …, years, months), so items are reused while they are kept.
FRAGMENTS = 10_000
_MARK = "\x1a"   # before and after each site path in a fragment's links
RELOAD_SCRIPT = "<script src=\"/__newsroom/reload.js\"></script>"


class _Context(jinja2.runtime.Context):
    """Jinja's template context, with a shorter road for the calls a page makes most.

    Every call in a template goes through Context.call, which asks the callable whether it
    wants the context, the eval context or the environment (hasattr, three times) before
    calling it; a page makes about sixty calls (url(), macros, helpers), and the asking
    was a tenth of rendering. Functions, builtins and macros that carry no such mark are
    called straight away, as Jinja would call them; anything else goes Jinja's way.
    tests/test_render_context.py renders the sample archive both ways.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        if type(__obj) in _UNMARKED_TYPES and not hasattr(__obj, "jinja_pass_arg"):
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        return super().call(__obj, *args, **kwargs)


_UNMARKED_TYPES = frozenset({jinja2.runtime.Macro, types.FunctionType, types.BuiltinFunctionType,
                             types.MethodType})


def template_dirs(config: Config) -> list[Path]:
    own = config.root / "templates"
    return [d for d in (own, DEFAULT_TEMPLATES) if d.is_dir()]


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds: compiling them is half of a one-edit
    rebuild's rendering (0.06 s). Jinja keys each by its source, so an edit is seen."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:   # a read-only archive still builds, compiling afresh
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def environment(config: Config, archive: Archive) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(config.cache_dir / "jinja"),
    )
    # The page being rendered, set by render(); the helpers below read it here, not from
    # Jinja's context: Jinja derives a new context for every call of a function that asks
    # for it (pass_context) inside a loop, and url() and once() are called ~50 times a page
    # (7% of rendering).
    env.newsroom_page = ""
    env.context_class = _Context
    linker = urls.Linker({t.key: t.config.path for t in archive.taxonomies})
    fragments: dict[tuple, tuple[str, tuple]] = {}   # once(): HTML with marked links, and the arguments
    marking = [0, 0]     # once() fragments being rendered now; links marked so far

    def url(target: Any, number: int = 1) -> str:
        path = linker.path(target)
        if number > 1:
            path = urls.paged(path, number)
        if marking[0]:
            marking[1] += 1
            return f"{_MARK}{path}{_MARK}"   # made relative to each page that shows the fragment
        return urls.relative(env.newsroom_page, path, config.file_urls)

    def once(macro: Any, *args: Any) -> Markup:
        """macro(*args), rendered once per build and reused: for macros that show only their
        arguments (the same on every page), such as an article in a list. A list page is
        mostly its items, and each article is listed on about ten pages. Keyed by the macro's
        name and the arguments (objects by identity: the archive's objects live as long as
        this environment). The links in it are made relative to each page that shows it."""
        key = (macro.name, *(a if isinstance(a, (str, int)) else id(a) for a in args))
        found = fragments.get(key)
        if found is None:
            marking[0] += 1
            links = marking[1]
            try:
                text = str(macro(*args))
            finally:
                marking[0] -= 1
            if text.count(_MARK) != 2 * (marking[1] - links):
                return macro(*args)    # the mark is in the text itself (a control character): not kept
            found = (text, args)
            if fragments and len(fragments) >= FRAGMENTS:
                del fragments[next(iter(fragments))]   # the oldest
            fragments[key] = found
        if marking[0]:
            return Markup(found[0])    # inside another fragment: its links are made relative with it
        page, file_urls = env.newsroom_page, config.file_urls
        parts = found[0].split(_MARK)    # text, path, text, path, …, text
        parts[1::2] = [escape(urls.relative(page, html.unescape(p) if "&" in p else p, file_urls))
                       for p in parts[1::2]]
        return Markup("".join(parts))

    def abs_url(target: Any) -> str:
        return urls.absolute(config.base_url, linker.path(target))

    def body(article: Article) -> Markup:
        def resolve(m: re.Match) -> str:
            written = html.unescape(m.group(1))
            if links.kind(written) == links.SITE:       # made relative, so the site works under any path
                path = links.site_path(written)
            else:
                source = links.article_source(article.source, written)
                target = archive.article_by_id.get(archive.article_by_source.get(source or "", ""))
                if target is None:
                    return 'href="#"'
                path = urls.article(target)
            return f'href="{urls.relative(env.newsroom_page, path + (m.group(2) or ""), config.file_urls)}"'
        return Markup(_ARTICLE_HREF.sub(resolve, article.body_html))

    def figures(article: Article) -> list[tuple[Any, Photo]]:
        return [(f, archive.photo_by_id[f.photo]) for f in archive.figures.get(article.id, ())]

    def share_image(photo: Photo) -> dict[str, Any]:
        """The rendition link previews use (a JPEG every crawler reads), absolute, with its size."""
        s = images.srcset(photo, config.images)
        return {"url": urls.absolute(config.base_url, urls.media(s.key, s.fallback, "jpg")),
                "width": s.fallback, "height": round(s.height * s.fallback / s.width) if s.width else 0}

    def publisher() -> dict[str, Any]:
        return seo.publisher(config.organization or config.title, config.base_url)

    def article_ld(article: Article) -> Markup:
        authors = []
        for name in article.names("reporter"):
            term = archive.term("reporter", name.name)
            authors.append(seo.person(name.name, name.role or (term.role if term else ""),
                                      abs_url(term) if term else ""))
        pictures = [share_image(p)["url"] for _, p in figures(article)]
        return seo.json_ld(seo.news_article(
            article, url=abs_url(article), images=[u for u in pictures if u], authors=authors,
            publisher_data=publisher(), sections=[n.name for n in article.names("street")]))

    def photo_ld(photo: Photo) -> Markup:
        credit = photo.credit
        term = archive.term("reporter", credit.name) if credit and credit.name else None
        shared = share_image(photo)
        return seo.json_ld(seo.image_object(
            photo, url=abs_url(photo), content_url=shared["url"], size=(shared["width"], shared["height"]),
            creator=seo.creator_of(credit, abs_url(term) if term else ""), publisher_data=publisher()))

    def absolute(html: str) -> Markup:
        return Markup(seo.absolute_links(str(html), urls.absolute(config.base_url, env.newsroom_page)))

    env.globals.update(
        path_of=linker.path,
        # The host serves 404.html at any depth: a <base> at the site's root path keeps its links right.
        root_path=urlsplit(config.base_url).path or "/",
        share_image=share_image,
        article_ld=article_ld,
        photo_ld=photo_ld,
        json_ld=seo.json_ld,
        site=config,
        archive=archive,
        url=url,
        once=once,
        # For macros imported without the page's context (ours are: importing "with
        # context" makes the macros anew on every page, each a reference cycle).
        current_path=lambda: env.newsroom_page,
        abs_url=abs_url,
        body=body,
        figures=figures,
        term_for=archive.term,
        photo_by_id=archive.photo_by_id.get,
        srcset=lambda photo: images.srcset(photo, config.images),
        media=urls.media,
        ext=images.EXTENSIONS,
        static=lambda: urls.STATIC,
    )
    env.filters["zh_date"] = zh_date
    env.filters["absolute"] = absolute
    # HTML carried as text inside XML (Atom <content type="html">) must be escaped once more.
    env.filters["as_text"] = _as_text
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    return env


def render(env: jinja2.Environment, page: Page, serve: bool = False) -> bytes:
    env.newsroom_page = page.path
    html = env.get_template(page.template).render(page.context, page_path=page.path)
    if serve and page.template.endswith(".html"):
        html = html.replace("</body>", f"{RELOAD_SCRIPT}\n</body>", 1)
    return html.encode("utf-8")


def _as_text(value: object) -> Markup:
    return Markup(html.escape(str(value), quote=False))


def zh_date(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value.year}年{value.month}月{value.day}日"
    if with_time and (value.hour or value.minute):
        text += f" {value:%H:%M}"
    return text
