"""The theme API: the functions a template calls, bound to one build's archive and settings.

docs/themes.md lists them with what each returns. They read the page being rendered from
`page` (render.render sets it), not from Jinja's context: Jinja derives a new context for
every call of a function that asks for it (pass_context) inside a loop, and url() and
once() are called ~50 times a page (7% of rendering).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from . import depends, images, links, seo, signatures, urls
from .config import Config, template_dirs
from .index import Archive
from .markup import ARTICLE_LINK
from .model import Article, Photo

# A body's links to articles and site paths, and its images by site path (markup._LinkCollector).
_MARKED_LINK = re.compile(r'(href|src)="' + re.escape(ARTICLE_LINK) + r'([^"#]*)(#[^"]*)?"')
# once(): fragments kept per process (about 2 KB each: 20 MB). Lists come in turn (home, related,
# streets …, years, months), each walking the stories in the same order; once full, no new one is
# kept. Dropping the oldest instead made every item of a list just longer than this a miss (each
# new item pushed out the next one wanted): at 10,000 stories the year pages' every item.
FRAGMENTS = 10_000
_MARK = "\x1a"   # before and after each site path in a fragment's links
_SPECIAL = re.compile("[&<>\"']").search   # in a link: escaped (most have none of these)


class Theme:
    """One build's template globals and filters (`globals()`, `filters()`)."""

    def __init__(self, config: Config, archive: Archive, firsts: Mapping[str, str] | None = None) -> None:
        self.config = config
        self.archive = archive
        self.firsts = firsts if firsts is not None else {}   # moved stories' first addresses (entry_id)
        self.page = ""        # the path of the page being rendered (render.render sets it)
        self.recorder = depends.Recorder()   # what that page reads (render.render resets it)
        self.linker = urls.Linker({t.key: t.config.path for t in archive.taxonomies})
        self.static = frozenset(map(urls.static_file, signatures.static_names(template_dirs(config))))
        # once(): HTML with marked links, the arguments, the reads, its texts between the links and the links
        self._fragments: dict[tuple, tuple[str, tuple, list, list[str], list[str]]] = {}
        self._marking = 0     # once() fragments being rendered now
        self._marked = 0      # links marked so far
        self._paths_read = 0  # current_path() calls within a fragment: it is the page's own then

    def globals(self) -> dict[str, Any]:
        archive, config = self.archive, self.config
        return {
            "path_of": self.path_of,
            # The site's path on its host (base_url's): server redirect rules are written from it.
            "root_path": urlsplit(config.base_url).path or "/",
            "share_image": self.share_image, "article_ld": self.article_ld, "photo_ld": self.photo_ld,
            "breadcrumbs_ld": self.breadcrumbs_ld,
            "json_ld": seo.json_ld,
            "site": config,
            "archive": archive,
            "url": self.url,
            "once": self.once,
            # For macros imported without the page's context (ours are: importing "with
            # context" makes the macros anew on every page, each a reference cycle).
            "current_path": self.current_path,
            "abs_url": self.abs_url,
            "entry_id": self.entry_id,
            "body": self.body,
            "figures": self.figures,
            "term_for": self.term_for,
            "photo_by_id": self.photo_by_id,
            "srcset": self.srcset,
            "media": urls.media,
            "ext": images.EXTENSIONS,
            "static": lambda: urls.STATIC,
        }

    def filters(self) -> dict[str, Any]:
        return {"zh_date": zh_date, "absolute": self.absolute,
                # HTML carried as text inside XML (Atom <content type="html">) must be escaped once more.
                "as_text": as_text, "iso": iso}

    def current_path(self) -> str:
        if self._marking:
            self._paths_read += 1
        return self.page

    def path_of(self, target: Any) -> str:
        if type(target) is not str:
            self.recorder.url(target)
        elif target.startswith(urls.STATIC) and target.partition("?")[0].partition("#")[0] not in self.static:
            self._no_static_file(target)
        return self.linker.path(target)

    def _no_static_file(self, path: str) -> None:
        """A link to a static file the theme does not have (a typo: 'static/styel.css') would
        be broken on every page that has it: an error, in the template, at its line."""
        close = difflib.get_close_matches(path, sorted(self.static), n=1, cutoff=0.6)
        if close:
            raise urls.NoUrl("url() of '{path}': the theme's static/ folder has no such file "
                             "— did you mean '{hint}'?", path=path, hint=close[0])
        raise urls.NoUrl("url() of '{path}': the theme's static/ folder has no such file", path=path)

    def url(self, target: Any, number: int = 0) -> str:
        path = self.path_of(target)
        if number > 0:
            path = urls.paged(path, number)
        if self._marking:
            self._marked += 1
            return f"{_MARK}{path}{_MARK}"   # made relative to each page that shows the fragment
        return urls.relative(self.page, path, self.config.file_urls)

    def once(self, macro: Any, *args: Any) -> Markup:
        """macro(*args), rendered once per build and reused: for macros that show only their
        arguments (the same on every page), such as an article in a list. A list page is
        mostly its items, and each article is listed on about ten pages. Keyed by the macro's
        name and the arguments (objects by identity: the archive's objects live as long as
        this environment). The links in it are made relative to each page that shows it."""
        key = (macro.name, *(a if isinstance(a, (str, int)) else id(a) for a in args))
        found = self._fragments.get(key)
        reads = self.recorder.reads
        if found is None:
            self._marking += 1
            links, start, paths_read = self._marked, len(reads), self._paths_read
            try:
                text = str(macro(*args))
            finally:
                self._marking -= 1
            if text.count(_MARK) != 2 * (self._marked - links) or self._paths_read != paths_read:
                # The mark is in the text itself (a control character), or the fragment shows
                # the page's own path (current_path()): rendered for each page, not kept.
                return macro(*args)
            # What the fragment read, read again by every page that shows it: collected once
            # (a list's items were most of a page's reads, and collecting them a tenth of its time).
            parts = text.split(_MARK)    # text, path, text, path, …, text: split once, shown on many pages
            found = (text, args, [(depends.collect(reads[start:]), None)], parts[0::2],
                     [html.unescape(p) if "&" in p else p for p in parts[1::2]])
            if len(self._fragments) < FRAGMENTS:
                self._fragments[key] = found
        else:
            reads += found[2]
        if self._marking:
            return Markup(found[0])    # inside another fragment: its links are made relative with it
        texts, paths = found[3], found[4]
        if not paths:
            return Markup(texts[0])
        parts = [*texts, *texts[1:]]   # as long as text, link, …, text: its odd places are the links'
        parts[0::2] = texts
        parts[1::2] = [escape(link) if _SPECIAL(link) else link
                       for link in urls.relative_all(self.page, paths, self.config.file_urls)]
        return Markup("".join(parts))

    def abs_url(self, target: Any) -> str:
        return urls.absolute(self.config.base_url, self.path_of(target))

    def entry_id(self, article: Article) -> str:
        """A feed entry's id: the story's first address, absolute, the same wherever it moves
        (feed readers would show a story whose id changed twice)."""
        self.recorder.lookup("l|first|" + article.id)
        return urls.absolute(self.config.base_url, depends.first_address(self.firsts, article))

    def term_for(self, key: str, name: str) -> Any:
        """The term of taxonomy `key` named `name`, or None."""
        self.recorder.lookup(f"l|term|{key}|{name}")
        return self.archive.term(key, name)

    def photo_by_id(self, photo_id: str) -> Photo | None:
        self.recorder.lookup("l|photo|" + photo_id)
        return self.archive.photo_by_id.get(photo_id)

    def body(self, article: Article) -> Markup:
        """The article's HTML, its links to other articles' files (and to site paths) made links to their pages."""
        archive, recorder = self.archive, self.recorder
        recorder.attribute(article, "body")
        recorder.attribute(article, "source")

        def resolve(m: re.Match) -> str:
            attribute, written = m.group(1), html.unescape(m.group(2))
            if links.kind(written) == links.SITE:       # made relative, so the site works under any path
                path = links.site_path(written)
            else:
                source = links.article_source(article.source, written)
                recorder.lookup("l|link|" + (source or ""))
                target = archive.article_by_id.get(archive.article_by_source.get(source or "", ""))
                if target is None:
                    return f'{attribute}="#"'
                path = urls.article(target)
            link = urls.relative(self.page, path + (m.group(3) or ""), self.config.file_urls)
            return f'{attribute}="{link}"'
        return Markup(_MARKED_LINK.sub(resolve, article.body_html))

    def figures(self, article: Article) -> list[tuple[Any, Photo]]:
        """(figure, photo) of each photo the article shows: the figure has this article's
        caption and credit."""
        self.recorder.lookup("l|figures|" + article.id)
        return [(f, self.archive.photo_by_id[f.photo]) for f in self.archive.figures.get(article.id, ())]

    def srcset(self, photo: Photo) -> images.Srcset:
        self._reads_image(photo)
        return images.srcset(photo, self.config.images)

    def _reads_image(self, photo: Photo) -> None:
        for name in ("digest", "width", "height"):
            self.recorder.attribute(photo, name)

    def share_image(self, photo: Photo) -> dict[str, Any]:
        """The rendition link previews use (a JPEG every crawler reads), absolute, with its size."""
        s = self.srcset(photo)
        return {"url": urls.absolute(self.config.base_url, urls.media(s.key, s.fallback, "jpg")),
                "width": s.fallback, "height": round(s.height * s.fallback / s.width) if s.width else 0}

    def publisher(self) -> dict[str, Any]:
        return seo.publisher(self.config.organization or self.config.title, self.config.base_url)

    def article_ld(self, article: Article, printed: tuple = ()) -> Markup:
        """`printed`: the article's print placements (printing.Placement); the first is described."""
        self.recorder.whole(article)   # seo.news_article reads it all
        authors = []
        byline, section = self.config.byline, self.config.section
        for name in article.names(byline):
            term = self.term_for(byline, name.name)
            if term:
                self.recorder.attribute(term, "role")
            authors.append(seo.person(name.name, name.role or (term.role if term else ""),
                                      self.abs_url(term) if term else ""))
        pictures = [self.share_image(p)["url"] for _, p in self.figures(article)]
        return seo.json_ld(seo.news_article(
            article, url=self.abs_url(article), images=[u for u in pictures if u], authors=authors,
            publisher_data=self.publisher(), sections=[n.name for n in article.names(section)],
            printed=seo.print_fields(printed[0].paper, printed[0].date, printed[0].issue, printed[0].page,
                                     printed[0].name) if printed else None))

    def breadcrumbs_ld(self, items: Sequence[tuple[str, Any]], home: str) -> Markup:
        """A schema.org BreadcrumbList: `home` (the site's root), then each (label, target) of
        `items`, the last of which is this page. Every page has one: built in the template,
        its loop of dicts and absolute links was a tenth of rendering a page."""
        trail = [{"@type": "ListItem", "position": 1, "name": home, "item": self.abs_url("")}]
        last = len(items) - 1
        for i, (label, target) in enumerate(items):
            trail.append({"@type": "ListItem", "position": i + 2, "name": label,
                          "item": self.abs_url(self.page if i == last else target)})
        return seo.json_ld({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": trail})

    def photo_ld(self, photo: Photo) -> Markup:
        self.recorder.whole(photo)   # seo.image_object reads it all
        credit = photo.credit
        term = self.term_for(self.config.credit_taxonomy, credit.name) if credit and credit.name else None
        shared = self.share_image(photo)
        return seo.json_ld(seo.image_object(
            photo, url=self.abs_url(photo), content_url=shared["url"], size=(shared["width"], shared["height"]),
            creator=seo.creator_of(credit, self.abs_url(term) if term else ""), publisher_data=self.publisher()))

    def absolute(self, text: str, story_url: str = "") -> Markup:
        """`text` with its links absolute; `story_url`: where its links within the page lead."""
        return Markup(seo.absolute_links(str(text), urls.absolute(self.config.base_url, self.page), story_url))


def as_text(value: object) -> Markup:
    return Markup(html.escape(str(value), quote=False))


def iso(value: Any) -> str:
    return value.isoformat() if value else ""


def zh_date(value: Any, with_time: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value.year}年{value.month}月{value.day}日"
    if with_time and (value.hour or value.minute):
        text += f" {value:%H:%M}"
    return text
