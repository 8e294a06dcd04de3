"""`python build.py new "标题" --reporter 张鹏 --street 坂田街道`: start a new article file.

The file goes where the convention puts it (content/articles/YYYY/MM/<slug>.md), dated now
in the site's timezone, with names checked against the registries exactly as `check`
checks them. It starts as a draft, so an unfinished article never reaches readers.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import yaml

from . import articles, content, i18n
from .config import Config
from .i18n import tr
from .names import normalize
from .problems import Problem, error
from .slugs import clean_slug, slugify

MAX_SLUG = 40   # characters: a URL an editor can still read out on the phone


def short_slug(title: str, limit: int = MAX_SLUG) -> str:
    """The title's slug, cut at a word boundary: 'shen-zhen-shi-long-gang-qu-ban-tian-jie-dao',
    never 'ban-tian-jie' (街道 is one word). Chinese has no spaces between words: jieba finds them."""
    slug = slugify(title, fallback="article")
    if len(slug) <= limit:
        return slug
    import jieba  # imported here: only `new` needs it, and it takes a moment to load

    jieba.setLogLevel(logging.WARNING)   # not its "Building prefix dict…" on every `new`
    words = [w for w in (slugify(word, fallback="") for word in jieba.cut(unicodedata.normalize("NFKC", title)))
             if w]
    cut = ""
    for word in words:
        longer = f"{cut}-{word}" if cut else word
        if len(longer) > limit:
            break
        cut = longer
    return cut or slug[:limit].rsplit("-", 1)[0] or slug[:limit]


def used_slugs(config: Config) -> dict[str, str]:
    """slug -> the file that uses it, for every article file (a 'slug:' line wins over the name)."""
    used: dict[str, str] = {}
    for path in content.article_files(config):
        slug = clean_slug(path.stem) or slugify(path.stem)
        try:
            head = path.read_text(encoding="utf-8-sig", errors="replace")[:4000]
        except OSError:
            head = ""
        m = re.search(r"^slug:\s*['\"]?([A-Za-z0-9_-]+)", head.split("\n---", 1)[0], re.M)
        used.setdefault(m.group(1) if m else slug, path.relative_to(config.root).as_posix())
    return used


def create(config: Config, title: str, reporters: list[str] = (), streets: list[str] = (),
           tags: list[str] = (), slug: str | None = None,
           now: datetime | None = None) -> tuple[Path | None, list[Problem]]:
    """Write the new article; (its path, []) or (None, the problems that stopped it)."""
    problems: list[Problem] = []
    title = normalize(title)
    if not title:
        problems.append(error("title", 0, "the title is empty"))
    fields: dict[str, list[str]] = {}
    for key, given in (("reporter", reporters), ("street", streets), ("tags", tags)):
        tax = config.taxonomy(key)
        if tax is None:
            if given:
                problems.append(error(f"--{_option(key)}", 0, "this archive has no '{key}' taxonomy in site.yaml", key=key))
            continue

        def err(message: str, *path: object, option: str = _option(key), **params: object) -> None:
            problems.append(error(f"--{option}", 0, message, **params))

        fields[key] = [n.name for n in articles.names_for(tax, list(given), config, err)]

    moment = (now or datetime.now(config.tz)).astimezone(config.tz).replace(second=0, microsecond=0)
    folder = config.content_dir / "articles" / f"{moment:%Y}" / f"{moment:%m}"
    used = used_slugs(config)
    if slug is not None:
        given = clean_slug(slug)
        if given is None:
            problems.append(error("--slug", 0, "slug '{slug}' must be lower-case ASCII letters, digits and hyphens", slug=slug))
        elif (folder / f"{given}.md").exists():
            problems.append(_exists(folder / f"{given}.md", config))
        elif given in used:
            problems.append(error("--slug", 0, "slug '{slug}' is already used by {file}", slug=given, file=used[given]))
        slug = given
    else:
        base = slug = short_slug(title)
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
    if problems or slug is None:
        return None, problems

    path = folder / f"{slug}.md"
    text = front_matter(title, moment, fields, config.language)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as f:   # "x": never overwrite
            f.write(text)
    except FileExistsError:   # made since we looked
        return None, [_exists(path, config)]
    except OSError as exc:
        return None, [error(path.relative_to(config.root).as_posix(), 0, "cannot write: {reason}", reason=exc.strerror)]
    return path, []


def _exists(path: Path, config: Config) -> Problem:
    return error(path.relative_to(config.root).as_posix(), 0,
                 "already exists; refusing to overwrite it (choose another --slug)")


def front_matter(title: str, moment: datetime, fields: dict[str, list[str]], language: str = "en") -> str:
    """The new article's front matter; its comments in the archive's `language` (site.yaml's:
    the file is the newsroom's, whoever's terminal made it)."""
    lang = i18n.choose(language, language)
    lines = ["---", f"title: {_scalar(title)}", f"date: {moment.isoformat()}"]
    for key, names in fields.items():
        # One reporter or street reads best bare; tags are a list even when there is one.
        if len(names) == 1 and key != "tags":
            value = _scalar(names[0])
        else:
            value = "[" + ", ".join(_scalar(n) for n in names) + "]"
        lines.append(f"{key}: {value}")
    lines += [
        "photos: []   # - {file: 2022/02/night-testing.jpg, caption: 图说。, credit: 张鹏}",
        "draft: true  # " + tr(lang, "set to false to publish"),
        "---",
        "",
    ]
    return "\n".join(lines) + "\n"


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as this exact text (quoted only when it must be)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6)
    dumped = dumped.removesuffix("\n").removesuffix("\n...").strip()
    if any(ch in dumped for ch in ",[]{}#") and not dumped.startswith(("'", '"')):
        dumped = "'" + dumped.replace("'", "''") + "'"   # safe inside a [flow, list] too
    return dumped


def _option(key: str) -> str:
    return "tag" if key == "tags" else key
