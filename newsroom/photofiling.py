"""Photos filed anew (another credit, street, tag or date in the sidecar) in the kept plan,
instead of indexing and planning every page again.

A photo's credit files it under its photographer, its sidecar's names and its stories'
file it under theirs, and its date places it in the photo archive. Of the kept plan only
the photo archive and the photo pages, the first pages of the terms whose photos changed
(they show the newest), the home page (its newest photos) and the figures of the stories
showing it without a credit of their own change: shown.refresh puts the photo in its place
and in its terms' lists as index.build makes them, and additions.Remade makes those pages
again. A name no term has yet, or a term left with nothing, changes the archive's terms:
`refusal` leaves those to a plan made afresh (tests/test_plancache.py compares).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from . import additions, front, shown
from .config import Config
from .model import Photo


def refusal(made: dict[str, Any], photos: Sequence[tuple[Photo, Photo]], config: Config) -> str | None:
    """Why the photos (each as last parsed, and now) cannot be filed anew in the kept plan
    `made` (None: they can)."""
    if not photos or len(photos) > additions.LIMIT:
        return "none or too many"
    archive = made["archive"]
    moving = {new.id for _, new in photos}
    for old, new in photos:
        if archive.photo_by_id.get(new.id) is not new:
            return "not in the archive"
        for tax in archive.taxonomies:
            registry = config.registries.get(tax.key)
            after = set(shown.names(archive, tax, new))
            for name in set(shown.names(archive, tax, old)) | after:
                term = tax.term(name)
                if term is None:
                    return "a new name"
                entry = registry.lookup(name) if registry else None
                if entry is not None and (entry.old_names or entry.old_slugs):
                    return "a renamed term"
                if name not in after and not term.articles and not set(term.photos) - moving:
                    return "a term left with nothing"
    return None


def refile(made: dict[str, Any], counted: dict[str, Any], photos: Sequence[tuple[Photo, Photo]],
           config: Config, today: date, picks: front.Picks) -> None:
    """File the photos (which `refusal` accepts) anew in the kept plan `made` and its counts."""
    archive = made["archive"]
    for _, photo in photos:
        shown.refigure(archive, photo)
    terms = shown.refresh(archive, {photo.id for _, photo in photos}, config)
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0], set())
    additions.replan(made, counted, remade, archive.articles, set(), terms, photos=True)
