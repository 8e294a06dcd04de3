"""One article file's text to an `Article`: front matter, checks, Markdown body.

Pure: the caller reads the file. Every mistake becomes a Problem with its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any

from . import dates, desk, notices, yamlfile, yamlfix
from .bodies import Body
from .config import Config, TaxonomyConfig
from .markup import Renderer, relative_images, summarize
from .model import Article, Name, PhotoRef, PrintRef
from .names import is_text, normalize
from .problems import Problem, Report, error, errors, unknown_field, unknown_field_said, warning
from .registry import Registry
from .slugs import clean_slug, slugify

FIELDS = {"title", "date", "updated", "slug", "draft", "summary", "photos", "print"}

_NO_SLUGS: Mapping[str, str] = MappingProxyType({})


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter, body, line the body starts on); ValueError (with a line) if malformed."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise _FrontMatterError(1, "missing front matter: the file must start with a line '---'")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise _FrontMatterError(1, "front matter is not closed: no second '---' line")


class _FrontMatterError(ValueError):
    def __init__(self, line: int, message: str, **params: object):
        super().__init__(message.format(**params) if params else message)
        self.line = line
        self.template = message
        self.params = params


def parse(text: str, source: str, config: Config, renderer: Renderer,
          slugs: Mapping[str, str] = _NO_SLUGS) -> tuple[Article | None, list[Problem]]:
    """Parse one article; `source` is its path relative to the archive root; `slugs`: file
    names' pinyin made already (content.py), else made here."""
    try:
        doc, data, body, body_line = _front_matter(text)
    except _FrontMatterError as exc:
        return None, [error(source, exc.line, exc.template, **exc.params)]
    problems: list[Problem] = []

    def err(message: str, *path: object, **params: object) -> None:
        problems.append(error(source, doc.line(*path), message, **params))

    def warn(message: str, *path: object, **params: object) -> None:
        problems.append(warning(source, doc.line(*path), message, **params))

    title = _title(data, err)
    date = _date(data, "date", config, err, required=True)
    updated = _date(data, "updated", config, err, required=False)

    slug, slug_line = _slug(data, source, doc, err, slugs)
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        err("'draft' must be true or false", "draft")
        draft = False

    terms: dict[str, tuple[Name, ...]] = {}
    for tax in config.taxonomies:
        if tax.key in data:
            terms[tax.key] = names_for(tax, data[tax.key], config, lambda m, *p, k=tax.key, **kw: err(m, k, *p, **kw),
                                       lambda m, *p, k=tax.key, **kw: warn(m, k, *p, **kw))

    photos = _photos(data.get("photos"), err, doc)
    prints = _prints(data.get("print"), date, err, doc)
    record = notices.parse(data, doc, date, config, err)
    desk_fields = desk.parse(data, config, err)

    problems += _reminders(data, doc, source, config, draft, not body.strip(), body_line, errors(problems))
    body_html, links = renderer.render(body)
    problems += [error(source, line, "image '{src}': nothing is published there, so it would show broken — list "
                       "the photo under 'photos:' (shown resized, with its caption) or give its full address",
                       src=src) for src, line in _link_lines(body, relative_images(body_html), body_line)]
    summary = _text_field(data, "summary", err) or summarize(body_html, config.summary_length)
    link_lines = _link_lines(body, links, body_line)

    # An article with errors still goes on to the cross-file checks (its photos, its links)
    # so that one run reports everything; the errors fail the build before anything is written.
    if date is None:
        return None, problems
    return Article(
        source=source, slug=slug, title=title, date=date, updated=updated,
        body=Body(body_html.encode("utf-8")), summary=summary, terms=terms, photos=photos,
        draft=draft, links=link_lines, slug_line=slug_line,
        date_line=doc.line("date"), prints=prints, aliases=record.aliases, corrections=record.corrections,
        withdrawn=record.withdrawn, origin=desk_fields.origin, editor=desk_fields.editor,
        dateline=desk_fields.dateline, featured=desk_fields.featured,
    ), problems


def _reminders(data: dict, doc: yamlfile.YamlDoc, source: str, config: Config, draft: bool, empty: bool,
               body_line: int, failed: bool) -> list[Problem]:
    """Unknown fields (with a did-you-mean), a missing byline, an empty body: warnings."""
    known = FIELDS | notices.FIELDS | desk.FIELDS | {t.key for t in config.taxonomies}
    found = [unknown_field(source, doc.line(key), key, known) for key in data if key not in known]
    # A reminder for a story about to be published: not for a draft, nor beside errors to fix first.
    if "reporter" in known and "reporter" not in data and not draft and not failed:
        found.append(warning(source, body_line - 1, "no reporter: add a line such as 'reporter: 张鹏' "
                             "(a 本报讯 story without a byline: 'reporter: []')"))
    if empty:
        found.append(warning(source, body_line, "the article has no body text"))
    return found


def _slug(data: dict, source: str, doc: yamlfile.YamlDoc, err, slugs: Mapping[str, str]) -> tuple[str, int]:
    """(the slug: given, else the file name's, else its pinyin; the 'slug:' line or 1)."""
    stem = PurePosixPath(source).stem
    if "slug" not in data:
        return clean_slug(stem) or slugs.get(stem) or slugify(stem), 1
    given = clean_slug(str(data["slug"])) if is_text(data["slug"]) else None
    if not is_text(data["slug"]):   # (not said as Python spells a list: slug '['x']')
        err("'{key}' must be text", "slug", key="slug")
    elif given is None:
        err("slug '{slug}' must be lower-case ASCII letters, digits and hyphens", "slug", slug=data["slug"])
    return given or clean_slug(stem) or slugs.get(stem) or slugify(stem), doc.line("slug")


def _front_matter(text: str) -> tuple[yamlfile.YamlDoc, dict, str, int]:
    """(the front matter's YAML, its fields, the body, the body's first line); _FrontMatterError
    when there is no usable front matter."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _FrontMatterError(1, "the file is empty (an article needs front matter and a body)")
    front, body, body_line = split_front_matter(text)
    if "\t" in front:
        lines = front.split("\n")
        index = front[: front.index("\t")].count("\n")
        found = yamlfix.near(lines, index, yamlfile.parses) or (index, yamlfix.corrected(lines[index])[0])
        raise _FrontMatterError(2 + found[0], "front matter contains a tab: indent YAML with spaces — write "
                                "the line as: {fixed}", fixed=found[1])
    try:
        doc = yamlfile.load(front, first_line=2)
    except yamlfile.YamlError as exc:
        raise _FrontMatterError(exc.line, exc.template, **exc.params) from exc
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        found = yamlfix.near(front.split("\n"), 0, yamlfile.parses)
        if found:
            raise _FrontMatterError(2 + found[0], "front matter must be a mapping of fields (title: …, date: …) "
                                    "— write the line as: {fixed}", fixed=found[1])
        raise _FrontMatterError(2, "front matter must be a mapping of fields (title: …, date: …)")
    return doc, data, body, body_line


_NAME_FIELDS = frozenset({"name", "role"})   # of a name given as a mapping ({name: 张鹏, role: 首席记者})


def names_for(tax: TaxonomyConfig, value: Any, config: Config, err: Report,
              warn: Report | None = None) -> tuple[Name, ...]:
    """A taxonomy field (a name, a list of names, or a list of {name, role}) as canonical names.

    Names typed in one text with Chinese (or ASCII) punctuation between them (张鹏，陈涛) are
    split; `warn(message, *path, **params)` (if given) is told the list form to write instead,
    and hears of old names (renamed in the registry).
    """
    items = _split(value)
    if warn is not None and len(items) > (len(value) if isinstance(value, list) else 1):
        names = ", ".join(str(item) for item, _ in items)
        texts = [text for text in (value if isinstance(value, list) else [value]) if isinstance(text, str)]
        marks = " ".join(dict.fromkeys(mark for text in texts for mark in _SEPARATORS.findall(text)))
        warn("'{key}' has several names in one text, split at {marks}: read as the list {key}: [{names}] "
             "(write it that way)", key=tax.key, marks=marks, names=names)
    registry = config.registries.get(tax.key)
    result: list[Name] = []
    for item, path in items:
        role = ""
        if isinstance(item, dict):
            if item.get("role") is not None and not is_text(item["role"]):
                err("'{key}' must be text", *path, "role", key="role")
            if warn is not None:   # (a misspelt role was dropped without a word)
                for field in sorted(item.keys() - _NAME_FIELDS, key=str):
                    message, params = unknown_field_said(field, _NAME_FIELDS)
                    warn(message, *path, field, **params)
            role = normalize(item["role"]) if is_text(item.get("role")) else ""
            item = item.get("name")
            if item is None:
                err("each {key} needs a 'name'", *path, key=tax.key)
                continue
        if not isinstance(item, str) or not normalize(item):
            if tax.key == config.byline:   # (roles are a byline's: 首席记者, 通讯员)
                err("'{key}' must be a name, a list of names, or a list of {{name, role}}", *path, key=tax.key)
            else:
                err("'{key}' must be a name or a list of names", *path, key=tax.key)
            continue
        name = normalize(item)
        if registry is None or registry.unread:
            name = _join_cjk(name)
        else:
            entry = registry.lookup(name)
            if entry is None:
                unknown(tax.key, name, registry, lambda m, p=path, **kw: err(m, *p, **kw))
                continue
            if warn is not None and registry.renamed(name):
                warn("{key} '{name}' is now called '{new}' ({file}): write '{new}'", *path,
                     key=tax.key, name=name, new=entry.name, file=registry.path)
            name = entry.name
        if name not in (n.name for n in result):
            result.append(Name(name, role))
    return tuple(result)


def unknown(key: str, name: str, registry: Registry, err: Report) -> None:
    """A name not in its registry: a hint when one is close, else the line that would register it."""
    hint = registry.suggest(name)
    if hint:
        err("unknown {key} '{name}' not in {file} — did you mean '{hint}'?",
            key=key, name=name, file=registry.path, hint=hint)
    else:
        err("unknown {key} '{name}' not in {file} — if it is new, add it to {file}: {entry}",
            key=key, name=name, file=registry.path, entry=registry.entry_line(name))


_SEPARATORS = re.compile(r"[，、；,;]")


def _split(value: Any) -> list[tuple[Any, tuple]]:
    """Each name of a field, with its path in the YAML (for its line); '张鹏，陈涛' gives two."""
    items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    found = []
    for i, item in items:
        path = () if i is None else (i,)
        if isinstance(item, str) and _SEPARATORS.search(item):
            found += [(normalize(part), path) for part in _SEPARATORS.split(item) if normalize(part)]
        else:
            found.append((item, path))
    return found


# Chinese is written without spaces: a space next to a Chinese character is a slip of the
# keyboard ('疫情 防控', '疫情　防控'), so free names (tags) drop it and stay one term.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) +| +(?=[{_CJK}])")


def _join_cjk(name: str) -> str:
    return _CJK_SPACE.sub("", name)


def _photos(value: Any, err, doc: yamlfile.YamlDoc) -> tuple[PhotoRef, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    refs: list[PhotoRef] = []
    for i, item in enumerate(items):
        caption = credit = ""
        if isinstance(item, dict):
            for key in ("caption", "credit"):   # (a credit written as a mapping was dropped without a word)
                if item.get(key) is not None and not is_text(item[key]):
                    err("'{key}' must be text", "photos", i, key, key=key)
            caption, credit = _text(item.get("caption")), _text(item.get("credit"))
            item = item.get("file")
        if not isinstance(item, str) or not item.strip():
            err("each photo needs a 'file' (a path under photos/)", "photos", i)
            continue
        file = item.strip().replace("\\", "/")
        parts = PurePosixPath(file).parts
        if file.startswith("/") or ".." in parts or ":" in file.split("/")[0]:
            err("photo '{file}' must be a path inside photos/ (no '..', not absolute)", "photos", i, file=file)
            continue
        refs.append(PhotoRef(file=str(PurePosixPath(file)), caption=caption, credit=credit,
                             line=doc.line("photos", i)))
    return tuple(refs)


def _prints(value: Any, default: datetime | None, err, doc: yamlfile.YamlDoc) -> tuple[PrintRef, ...]:
    """`print: {date, page, position}`, or a list of them (a story that ran on several pages)."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    refs = []
    for i, item in enumerate(items):
        path = ("print", i) if isinstance(value, list) else ("print",)
        if isinstance(item, (int, str)) and not isinstance(item, bool):
            item = {"page": item}      # print: 3 — page 3 of the article's own day
        if not isinstance(item, dict) or item.get("page") in (None, "") or not is_text(item.get("page")):
            # (a list of pages is a list of placements: print: [{page: 3}, {page: 4}])
            err("'print' must be {date: YYYY-MM-DD, page: N} (or a list of them); date defaults to the "
                "article's", *path)
            continue
        day = default.date() if default else None
        if item.get("date") is not None:
            try:
                day = dates.parse(item["date"], default.tzinfo if default else None).date()
            except dates.DateError as exc:
                err(exc.template, *path, "date", value=exc.value)
                continue
        position = item.get("position", 0)
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            err("'position' must be a whole number (1 = first on the page)", *path, "position")
            position = 0
        if day is not None:
            refs.append(PrintRef(date=day, page=normalize(item["page"]), position=position, line=doc.line(*path)))
    return tuple(refs)


def _date(data: dict, key: str, config: Config, err, required: bool) -> datetime | None:
    if key not in data or data[key] is None:
        if required:
            err("missing '{key}'", key, key=key)
        return None
    try:
        return dates.parse(data[key], config.tz)
    except dates.DateError as exc:
        err(exc.template, key, value=exc.value)
        return None


def _title(data: dict, err: Report) -> str:
    title = _text(data.get("title"))
    if not title:
        if "title" not in data:
            err("missing 'title'", "title")
        elif is_text(data["title"]) or data["title"] is None:
            err("'title' is empty: write the headline", "title")
        else:
            err("'title' must be text", "title")
    return title


def _text_field(data: dict, key: str, err: Report) -> str:
    """A field that is text (a list or mapping there is an error, not Python's repr of it)."""
    if data.get(key) is not None and not is_text(data[key]):
        err("'{key}' must be text", key, key=key)
    return _text(data.get(key))


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return normalize(value)
    return ""


def _link_lines(body: str, targets: list[str], body_line: int) -> tuple[tuple[str, int], ...]:
    """Each link target with the file line it is written on (links come in document order)."""
    found, start = [], 0
    for target in targets:
        index = body.find(target, start)
        if index < 0:
            index = body.find(target)      # written differently (%-escaped): best effort
        if index >= 0:
            start = index + len(target)
        found.append((target, body_line + body[:index].count("\n") if index >= 0 else body_line))
    return tuple(found)
