"""Site settings (site.yaml) and the taxonomies it configures."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import editions, registry, textfiles, yamlfile
from .i18n import N_
from .problems import Problem, error, unknown_field
from .taxonomysettings import TaxonomyConfig
from .taxonomysettings import parse as _taxonomies
from .taxonomysettings import unknown_roles as _unknown_roles

# Video players an editor may embed by default (markdown.embed_hosts in site.yaml replaces it).
EMBED_HOSTS = ("www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com",
               "player.bilibili.com", "v.qq.com")

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

@dataclass(frozen=True)
class ImageConfig:
    widths: tuple[int, ...] = (480, 960, 1600)
    formats: tuple[str, ...] = ("webp", "jpeg")
    quality: tuple[tuple[str, int], ...] = (("jpeg", 82), ("webp", 80), ("avif", 60))
    max_pixels: int = 100_000_000
    background: str = "#ffffff"

    def quality_for(self, fmt: str) -> int:
        return dict(self.quality).get(fmt, 80)


@dataclass(frozen=True)
class Config:
    root: Path
    output: Path
    title: str = "新闻档案"
    description: str = ""
    base_url: str = ""
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    organization: str = ""
    page_size: int = 10
    photo_page_size: int = 24
    feed_size: int = 20
    summary_length: int = 120
    images: ImageConfig = ImageConfig()
    taxonomies: tuple[TaxonomyConfig, ...] = ()
    # The taxonomy whose terms sign an article (its byline) and the one that is its section
    # (breadcrumbs, list items, article:section): the default theme reads these, not keys.
    byline: str = "reporter"
    section: str = "street"
    registries: dict[str, registry.Registry] = field(default_factory=dict, compare=False)
    paper: editions.Paper | None = None   # editions.yaml: the printed paper, if the archive records it
    paper_unread: bool = False            # editions.yaml is there but unreadable (its error says why)
    raw_html: str = "sanitize"
    embed_hosts: tuple[str, ...] = EMBED_HOSTS
    publish_originals: bool = False
    search: bool = True           # false: no search index (the search page says search is off)
    publish_target: str = ""      # `publish:` in site.yaml: where `python build.py publish` sends the site
    publish_max_deletes: int = 256
    drafts: bool = False
    future: bool = False
    file_urls: bool = False

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def photos_dir(self) -> Path:
        return self.root / "photos"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def taxonomy(self, key: str) -> TaxonomyConfig | None:
        return next((t for t in self.taxonomies if t.key == key), None)

    @property
    def credit_taxonomy(self) -> str:
        """The key of the taxonomy photo credits name (`credits: true`), or ''."""
        return next((t.key for t in self.taxonomies if t.credits), "")

    def with_options(self, **options: Any) -> Config:
        return replace(self, **options)


def load(root: Path, output: Path | None = None) -> tuple[Config, list[Problem]]:
    """Read site.yaml (optional) and the registries it names."""
    root = root.resolve()
    doc, data, problems = _site_file(root / "site.yaml")

    get = _getter(data, doc, problems)
    problems += [unknown_field("site.yaml", doc.line(key), key, SITE_FIELDS) for key in data if key not in SITE_FIELDS]

    timezone = _timezone(get("timezone", str, "Asia/Shanghai"), doc, problems)

    base_url = _base_url(get("base_url", str, ""), doc, problems)

    raw_html, embed_hosts = _markdown(data.get("markdown") or {}, doc, problems)

    images, image_problems = _images(data.get("images") or {}, doc)
    problems += image_problems
    roles = {role: get(role, str, default) for role, default in (("byline", "reporter"), ("section", "street"))}
    taxonomies, tax_problems = _taxonomies(data.get("taxonomies"), doc, roles["byline"])
    problems += tax_problems
    problems += _unknown_roles(roles, taxonomies, data, doc)
    publish, publish_problems = _publish(data.get("publish") or {}, doc)
    problems += publish_problems

    registries: dict[str, registry.Registry] = {}
    for tax in taxonomies:
        if tax.registry:
            file = root / tax.registry
            if file.exists():
                reg, reg_problems = registry.load(file, tax.registry)
                problems += reg_problems
                registries[tax.key] = reg
    paper, paper_problems = editions.read_paper(root)
    problems += paper_problems
    config = Config(
        root=root,
        paper=paper,
        paper_unread=paper is None and (root / editions.PAPER_FILE).exists(),
        output=(output or root / "site").resolve(),
        title=get("title", str, Config.title),
        description=get("description", str, ""),
        base_url=base_url,
        language=_language(get("language", str, "zh-CN"), doc, problems),
        timezone=timezone,
        organization=get("organization", str, ""),
        page_size=get("page_size", int, 10),
        photo_page_size=get("photo_page_size", int, 24),
        feed_size=get("feed_size", int, 20),
        summary_length=get("summary_length", int, 120),
        images=images,
        taxonomies=taxonomies,
        byline=roles["byline"],
        section=roles["section"],
        registries=registries,
        raw_html="allow" if raw_html == "allow" else "sanitize",
        embed_hosts=tuple(h.strip().lower() for h in embed_hosts),
        publish_originals=get("publish_originals", bool, False),
        search=get("search", bool, True),
        **publish,
    )
    return config, problems


def _getter(data: dict[str, Any], doc: yamlfile.YamlDoc, problems: list[Problem]) -> Callable[[str, type, Any], Any]:
    """get(key, kind, default): a setting of site.yaml, checked (a wrong kind is an error at its line)."""
    def get(key: str, kind: type, default: Any) -> Any:
        value = data.get(key, default)
        if value is None:
            return default
        if kind is int and isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        if kind is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if kind is bool and isinstance(value, bool):
            return value
        problems.append(error("site.yaml", doc.line(key), _MUST_BE[kind], key=key))
        return default
    return get


def _timezone(timezone: str, doc: yamlfile.YamlDoc, problems: list[Problem]) -> str:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(error("site.yaml", doc.line("timezone"), "unknown timezone '{timezone}'", timezone=timezone))
        return "Asia/Shanghai"
    return timezone


# A BCP 47 language tag as pages write it (zh-CN, en, zh-Hant-TW): <html lang> and og:locale are
# made from it, and screen readers, browsers and search engines go by them.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _language(language: str, doc: yamlfile.YamlDoc, problems: list[Problem]) -> str:
    if _LANGUAGE_TAG.fullmatch(language):
        return language
    fixed = language.strip().replace("_", "-")
    if _LANGUAGE_TAG.fullmatch(fixed):   # zh_CN, a locale's spelling: <html lang="zh_CN"> is no language
        problems.append(error("site.yaml", doc.line("language"), "'language' must be a language tag: write "
                              "language: {fixed}", fixed=fixed))
        return fixed
    problems.append(error("site.yaml", doc.line("language"), "'language' must be a language tag such as zh-CN "
                          "or en, not '{language}'", language=language))
    return Config.language


def _publish(data: Any, doc: yamlfile.YamlDoc) -> tuple[dict[str, Any], list[Problem]]:
    """`publish: {target: ..., max_deletes: ...}`; credentials never (they would be committed)."""
    if not isinstance(data, dict):
        return {}, [error("site.yaml", doc.line("publish"), "'publish' must be a mapping (target, max_deletes)")]
    problems, settings = [], {}
    for key, value in data.items():
        line = doc.line("publish", key)
        if key == "target" and isinstance(value, str) and value.strip():
            settings["publish_target"] = value.strip()
        elif key == "max_deletes" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            settings["publish_max_deletes"] = value
        elif key == "target":
            problems.append(error("site.yaml", line, "'publish.target' must be a folder or a URL"))
        elif key == "max_deletes":
            problems.append(error("site.yaml", line, "'publish.max_deletes' must be a whole number"))
        elif any(word in str(key).lower() for word in ("key", "secret", "password", "token", "credential")):
            problems.append(error("site.yaml", line, "'publish.{key}': credentials never go in site.yaml (it is "
                                  "committed); use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE, "
                                  "or an SSH key", key=key))
        else:
            problems.append(error("site.yaml", line, "unknown setting 'publish.{key}' (target, max_deletes)",
                                  key=key))
    return settings, problems


def _site_file(file: Path) -> tuple[yamlfile.YamlDoc, dict[str, Any], list[Problem]]:
    """site.yaml's settings (none when it is missing), and what is wrong with it."""
    problems: list[Problem] = []
    data: Any = {}
    doc = yamlfile.YamlDoc({})
    if file.exists():
        read, problem = textfiles.read_yaml(file, "site.yaml")
        if read is None:
            problems.append(problem)
        else:
            doc, data = read, read.data or {}
        if not isinstance(data, dict):
            problems.append(error("site.yaml", 1, "site.yaml must be a mapping of settings"))
            data = {}
    return doc, data, problems


def _markdown(markdown: Any, doc: yamlfile.YamlDoc, problems: list[Problem]) -> tuple[str, list[str]]:
    """`markdown: {raw_html, embed_hosts}`: (raw_html as given, the embed hosts)."""
    raw_html = str(markdown.get("raw_html", "sanitize")) if isinstance(markdown, dict) else "sanitize"
    if raw_html not in ("sanitize", "allow"):
        problems.append(error("site.yaml", doc.line("markdown", "raw_html"),
                              "'markdown.raw_html' must be sanitize or allow, not '{value}'", value=raw_html))
    embed_hosts = markdown.get("embed_hosts", list(EMBED_HOSTS)) if isinstance(markdown, dict) else []
    if not isinstance(embed_hosts, list) or not all(isinstance(h, str) and h.strip() for h in embed_hosts):
        problems.append(error("site.yaml", doc.line("markdown", "embed_hosts"),
                              "'markdown.embed_hosts' must be a list of host names (www.youtube.com …)"))
        embed_hosts = list(EMBED_HOSTS)
    return raw_html, embed_hosts


# Every setting site.yaml may give (README: Settings); any other is a slip, said with the nearest.
SITE_FIELDS = {"title", "description", "base_url", "language", "timezone", "organization", "page_size",
               "photo_page_size", "feed_size", "summary_length", "images", "taxonomies", "byline", "section",
               "markdown", "publish_originals", "search", "publish"}

# Whole messages, not a kind's name put into one: a translation can then say each its own way.
_MUST_BE = {int: N_("'{key}' must be a positive whole number"), str: N_("'{key}' must be text"),
            bool: N_("'{key}' must be true or false")}


def _base_url(value: str, doc: yamlfile.YamlDoc, problems: list[Problem]) -> str:
    """The site's address, ending in '/'. Feeds, the sitemap and canonical links are made
    from it, so one without http(s):// or with a space would publish links that lead nowhere."""
    url = value.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in url) \
            and not parts.query and not parts.fragment:
        return url if url.endswith("/") else url + "/"
    if not parts.scheme and not any(c.isspace() for c in url) and "." in url.split("/")[0]:
        problems.append(error("site.yaml", doc.line("base_url"), "base_url '{url}' needs its scheme: "
                              "write https://{url}", url=url))
    else:
        problems.append(error("site.yaml", doc.line("base_url"), "base_url '{url}' must be the site's full "
                              "address, such as https://news.example.org/ (no spaces, no ? or #)", url=url))
    return url   # (unused: the error fails the build; not "" either, which would warn of no base_url)


def _images(data: Any, doc: yamlfile.YamlDoc) -> tuple[ImageConfig, list[Problem]]:
    problems: list[Problem] = []
    default = ImageConfig()
    if not isinstance(data, dict):
        return default, [error("site.yaml", doc.line("images"), "'images' must be a mapping")]
    widths = data.get("widths", list(default.widths))
    if not (isinstance(widths, list) and widths
            and all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 10000 for w in widths)):
        problems.append(error("site.yaml", doc.line("images", "widths"),
                              "'images.widths' must be a list of pixel widths (16–10000)"))
        widths = list(default.widths)
    formats = data.get("formats", list(default.formats))
    known = {"jpeg", "webp", "avif"}
    if not (isinstance(formats, list) and formats and all(f in known for f in formats)):
        problems.append(error("site.yaml", doc.line("images", "formats"),
                              "'images.formats' must list some of: jpeg, webp, avif"))
        formats = list(default.formats)
    if "avif" in formats and not _avif_supported():
        problems.append(error("site.yaml", doc.line("images", "formats"),
                              "this Pillow cannot write AVIF (features.check('avif') is false); "
                              "remove avif from 'images.formats' or install a Pillow with AVIF"))
        formats = [f for f in formats if f != "avif"]
    if "jpeg" not in formats:
        formats = [*formats, "jpeg"]  # the <img> fallback every browser can show
    quality = dict(default.quality)
    given = data.get("quality") or {}
    if isinstance(given, dict):
        for fmt, q in given.items():
            if fmt in known and isinstance(q, int) and 1 <= q <= 100:
                quality[fmt] = q
            else:
                problems.append(error("site.yaml", doc.line("images", "quality", fmt),
                                      "bad image quality '{format}: {quality}' (a format and 1–100)",
                                      format=fmt, quality=q))
    max_pixels = data.get("max_pixels", default.max_pixels)
    if not isinstance(max_pixels, int) or max_pixels <= 0:
        problems.append(error("site.yaml", doc.line("images", "max_pixels"), "'max_pixels' must be a number"))
        max_pixels = default.max_pixels
    background = str(data.get("background", default.background))
    order = {"avif": 0, "webp": 1, "jpeg": 2}  # best first: <picture> offers them in this order
    return ImageConfig(
        widths=tuple(sorted(set(widths))),
        formats=tuple(sorted(set(formats), key=order.__getitem__)),
        quality=tuple(sorted(quality.items())),
        max_pixels=max_pixels,
        background=background,
    ), problems


def _avif_supported() -> bool:
    from PIL import features

    return bool(features.check("avif"))


def site_language(root: Path) -> str:
    """site.yaml's `language` (its default when the file is missing or unreadable), read alone:
    the command line needs it to speak before it has parsed its options."""
    _doc, data, _problems = _site_file(root / "site.yaml")
    language = data.get("language", Config.language)
    return language if isinstance(language, str) else Config.language


def template_dirs(config: Config) -> list[Path]:
    """Where templates are looked up: the archive's own folder, then the default theme's."""
    own = config.root / "templates"
    return [d for d in (own, DEFAULT_TEMPLATES) if d.is_dir()]
