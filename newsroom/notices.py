"""The living record in an article's front matter: `corrections:`, `withdrawn:`, `aliases:`.

Pure: articles.parse hands over the parsed front matter; every mistake is a Problem with
the line it is on, so an editor sees all of them in one run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import dates
from .config import Config
from .i18n import N_
from .model import Correction, Withdrawal
from .names import is_text, normalize
from .slugs import site_path
from .yamlfile import YamlDoc

FIELDS = {"corrections", "withdrawn", "aliases"}

Report = Callable[..., None]   # report(message, *path in the front matter)


@dataclass(frozen=True)
class Notices:
    corrections: tuple[Correction, ...] = ()
    withdrawn: Withdrawal | None = None
    aliases: tuple[tuple[str, int], ...] = ()


def parse(data: dict[str, Any], doc: YamlDoc, published: datetime | None, config: Config,
          err: Report) -> Notices:
    """The three fields of one article; `published` is its date (None when it is invalid)."""
    return Notices(corrections=_corrections(data.get("corrections"), doc, published, config, err),
                   withdrawn=_withdrawn(data.get("withdrawn"), published, config, err),
                   aliases=_aliases(data.get("aliases"), doc, err))


def _corrections(value: Any, doc: YamlDoc, published: datetime | None, config: Config,
                 err: Report) -> tuple[Correction, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    found = []
    for i, item in enumerate(items):
        path = ("corrections", i) if isinstance(value, list) else ("corrections",)
        if not isinstance(item, dict):
            err("each correction is {date: 2022-02-23, text: 更正的内容}", *path)
            continue
        when = _date(item, "date", published, config, err, path, "correction")
        text = _text(item.get("text"))
        if not text:
            err("a correction needs its 'text' (what was wrong and what is right)", *path, "text")
        if when is not None and text:
            found.append(Correction(when, text, doc.line(*path)))
    # Newest first, as readers see them; stable, so two on one day keep the order written.
    return tuple(sorted(found, key=lambda c: c.date, reverse=True))


def _withdrawn(value: Any, published: datetime | None, config: Config, err: Report) -> Withdrawal | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        err("'withdrawn' is {date: 2022-03-01, reason: 撤稿的原因}", "withdrawn")
        return None
    when = _date(value, "date", published, config, err, ("withdrawn",), "withdrawal")
    reason = _text(value.get("reason"))
    if not reason:
        err("'withdrawn' needs a 'reason' (shown to readers in place of the story)", "withdrawn", "reason")
    return Withdrawal(when, reason) if when is not None and reason else None


def _aliases(value: Any, doc: YamlDoc, err: Report) -> tuple[tuple[str, int], ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    found = []
    for i, item in enumerate(items):
        path = ("aliases", i) if isinstance(value, list) else ("aliases",)
        clean = site_path(item) if isinstance(item, str) else None
        if clean is None and not is_text(item):   # (not said as Python spells a list: alias '['/a/']')
            err("each alias is one path on this site, such as /2022/02/21/old-slug/, not a list or a mapping",
                *path)
            continue
        if clean is None:
            err("alias '{alias}' must be a path on this site, such as /2022/02/21/old-slug/", *path, alias=item)
            continue
        found.append((clean, doc.line(*path)))
    return tuple(found)


# Whole sentences for each notice (a translation says each its own way): (no date, too early).
_DATE_SAYS = {
    "correction": (N_("a correction needs its 'date'"),
                   N_("correction dated {when}, before the article itself ({published})")),
    "withdrawal": (N_("a withdrawal needs its 'date'"),
                   N_("withdrawal dated {when}, before the article itself ({published})")),
}


def _date(item: dict, key: str, published: datetime | None, config: Config, err: Report,
          path: tuple, what: str) -> datetime | None:
    missing, early = _DATE_SAYS[what]
    if item.get(key) is None:
        err(missing, *path)
        return None
    try:
        when = dates.parse(item[key], config.tz)
    except dates.DateError as exc:
        err(exc.template, *path, key, value=exc.value)
        return None
    # Compared by day: a correction of an evening story is often dated that day, without a time.
    if published is not None and when.date() < published.date():
        err(early, *path, key, when=f"{when:%Y-%m-%d}", published=f"{published:%Y-%m-%d}")
        return None
    return when


def _text(value: Any) -> str:
    return normalize(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
