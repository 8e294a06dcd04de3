"""One photo file to a `Photo`: its sidecar caption/credit, size, and content digest."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from PIL import UnidentifiedImageError

from . import dates, embedded, images, interrupts, yamlfile
from .articles import names_for
from .config import Config
from .i18n import Explained
from .model import Credit, Photo
from .names import is_text, normalize
from .problems import Problem, Report, error, failed, unknown_field, warning
from .slugs import slugify

# .pdf: a scan of a printed page as the press makes it (its first page is shown, as a photo).
EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".heic", ".heif", ".avif", ".pdf"}
COURTESY_MARKS = ("供图", "提供", "图片来源", "来源", "courtesy")
SIDECAR_FIELDS = {"caption", "credit", "date"}   # (and the taxonomies: street …)


def photo_slug(file: str, slug_of: Callable[[str], str] = slugify) -> str:
    """'2022/02/night-testing.jpg' -> '2022-02-night-testing'; `slug_of`: each part's slug."""
    path = PurePosixPath(file)
    return "-".join(slug_of(part) for part in (*path.parent.parts, path.stem))


def parse(file: str, data: bytes, sidecar: str | None, config: Config,
          sidecar_source: str = "", slug_of: Callable[[str], str] = slugify) -> tuple[Photo | None, list[Problem]]:
    """A photo from its bytes and its sidecar's text (None if it has none); `sidecar_source`
    names the sidecar in messages (default: photos/NAME.yaml)."""
    source = f"photos/{file}"
    problems: list[Problem] = []
    info, reason = _image_info(data, config.images.max_pixels)
    if info is None:
        return None, [failed(source, 0, reason)]
    width, height, meta = info

    side_source = sidecar_source or str(PurePosixPath(source).with_suffix(".yaml"))
    doc, broken = _sidecar(sidecar, side_source)
    if broken is not None:   # nothing more about this photo: its caption and credit are in the broken file
        return None, [broken]
    fields: dict[str, Any] = doc.data or {}

    def err(message: str, *path: object, **params: object) -> None:
        problems.append(error(side_source, doc.line(*path), message, **params))

    if fields.get("caption") is not None and not isinstance(fields["caption"], (str, int, float)):
        err("'caption' must be text", "caption")
        fields.pop("caption")
    caption = normalize(fields.get("caption") or meta.get("caption") or "")
    credit_value = fields.get("credit") or meta.get("credit") or ""
    # A credit read from the photo's own metadata (EXIF Artist, IPTC By-line) is the photo's
    # mistake: named at the photo, not at a sidecar line that may not exist.
    embedded_credit = not fields.get("credit")
    credit = resolve_credit(credit_value, config,
                            lambda m, **kw: problems.append(error(source, 0, m, **kw)) if embedded_credit
                            else err(m, "credit", **kw),
                            None if embedded_credit else
                            lambda m, **kw: problems.append(warning(side_source, doc.line("credit"), m, **kw)))
    if not caption:
        problems.append(warning(source, 0, "photo has no caption (add a sidecar .yaml with 'caption:')"))
    if credit is None and not credit_value:
        problems.append(warning(source, 0, "photo has no credit (add 'credit:' to its sidecar)"))

    date = None
    if fields.get("date") is not None:
        try:
            date = dates.parse(fields["date"], config.tz)
        except dates.DateError as exc:
            err(exc.template, "date", value=exc.value)
    terms = {}
    for tax in config.taxonomies:
        if tax.key in fields and not tax.credits:
            terms[tax.key] = names_for(tax, fields[tax.key], config, lambda m, *p, k=tax.key, **kw: err(m, k, *p, **kw),
                                       lambda m, *p, k=tax.key, **kw: problems.append(
                                           warning(side_source, doc.line(k, *p), m, **kw)))
    known = SIDECAR_FIELDS | {t.key for t in config.taxonomies}
    for key in fields:
        if key not in known:
            problems.append(unknown_field(side_source, doc.line(key), key, known))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Photo(
        file=file, source=source, slug=photo_slug(file, slug_of), caption=caption, credit=credit,
        width=width, height=height, digest=hashlib.sha256(data).hexdigest(), date=date, terms=terms,
    ), problems


def _sidecar(text: str | None, source: str) -> tuple[yamlfile.YamlDoc, Problem | None]:
    """The sidecar's settings (none without one), or why they cannot be read."""
    if text is None:
        return yamlfile.YamlDoc({}), None
    try:
        doc = yamlfile.load(text.lstrip("\ufeff"))
    except yamlfile.YamlError as exc:
        return yamlfile.YamlDoc({}), error(source, exc.line, exc.template, **exc.params)
    if doc.data and not isinstance(doc.data, dict):
        return doc, error(source, 1, "a photo sidecar must be a mapping (caption: …, credit: …)")
    return doc, None


def resolve_credit(value: Any, config: Config, err: Report, warn: Report | None = None) -> Credit | None:
    """A registered photographer (linked to their page) or a courtesy line (plain text);
    `warn` (if given) hears of an old name (renamed in the registry), as a byline's does."""
    role, key = "", "credit"
    if isinstance(value, dict):
        if value.get("role") is not None and not is_text(value["role"]):
            err("'{key}' must be text", key="role")
        role = normalize(value["role"]) if is_text(value.get("role")) else ""
        value, key = value.get("name") or "", "name"
    if value is not None and value != "" and not is_text(value):
        # (a list was taken for no credit at all: "photo has no credit", where one was written)
        err("'{key}' must be text", key=key)
        return None
    text = normalize(value) if is_text(value) else ""
    if not text:
        return None
    if any(mark in text.lower() for mark in COURTESY_MARKS):
        return Credit(text=text)
    tax = next((t for t in config.taxonomies if t.credits), None)
    registry = config.registries.get(tax.key) if tax else None
    if registry is None or registry.unread:
        return Credit(text=text)
    entry = registry.lookup(text)
    if entry is None:
        hint = registry.suggest(text)
        if hint:
            err("unknown photographer '{name}' not in {file} — did you mean '{hint}'?",
                name=text, file=registry.path, hint=hint)
        else:
            err("unknown photographer '{name}' not in {file} — add them to {file} ({entry}), or write a "
                "courtesy line such as 'XX供图'", name=text, file=registry.path, entry=registry.entry_line(text))
        return None
    if warn is not None and registry.renamed(text):
        warn("{key} '{name}' is now called '{new}' ({file}): write '{new}'", key=tax.key, name=text,
             new=entry.name, file=registry.path)
    return Credit(text=entry.name, name=entry.name, role=role or entry.role)


def _image_info(data: bytes, max_pixels: int) -> tuple[tuple[int, int, dict] | None, Explained | None]:
    """(displayed width, height, embedded caption/credit), or None and why it is unusable.

    Reads the header and metadata only: pixels are decoded once, by images.render, and not
    at all when the photo's renditions are cached.
    """
    if not data:
        return None, Explained("the photo file is empty (0 bytes)")
    try:
        with warnings.catch_warnings(), images.open_image(data, max_pixels) as img:
            warnings.simplefilter("ignore")   # about broken metadata, naming no file: not useful
            width, height = images.displayed_size(img)
            meta = embedded.caption_and_credit(img)
    except images.TooLarge as exc:
        return None, exc
    except UnidentifiedImageError:
        return None, Explained(images.UNREADABLE)
    except Exception as exc:  # noqa: BLE001 - whatever a broken header does, it is this photo's problem
        if interrupts.unwrapped(exc):   # Ctrl-C as Pillow loaded its plugins (their enums)
            raise
        return None, Explained("cannot read the photo: {reason}", reason=exc)
    return (width, height, meta), None
