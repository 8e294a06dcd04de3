"""The photos new stories show, put into the kept archive (additions.py puts the stories in).

A story that shows a photo is one of the photo's users (index.build): the photo is filed
under the story's streets, people and tags, dated by its first story if it has no date of
its own (which may move it in the photo archive), and its page lists the stories showing it.
This puts those in place in the kept archive's objects as index.build would make them: the
story's figures, the photo's users (in file order, as the stories are read), the photos'
order and each term's photos in it. additions.put_in then makes the photo pages and the
lists of every term whose photos changed again.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from . import references
from .config import Config
from .index import Archive
from .model import Article, Photo
from .problems import Problem


def refusal(stories: Sequence[Article], photo_by_id: Mapping[str, Photo], config: Config) -> str | None:
    """Why the photos the stories show cannot be put in (None: they can): a photo not found
    or a credit not resolved is an error (the build fails, as a plan made afresh finds)."""
    problems: list[Problem] = []
    for story in stories:
        references.figures(story, photo_by_id, config, problems)
    return "its photos have errors" if any(p.severity == "error" for p in problems) else None


def show(archive: Archive, stories: Sequence[Article], config: Config, problems: list[Problem]) -> set[int]:
    """Put the photos `stories` (in the archive now) show in place, adding to `problems` what
    index.build finds of them (a photo shown with no credit …); the ids of the terms whose
    photos changed (their first pages show them)."""
    photos: set[str] = set()
    for story in stories:
        archive.figures[story.id] = references.figures(story, archive.photo_by_id, config, problems)
        for figure in archive.figures[story.id]:
            users = list(archive.photo_users.get(figure.photo, ()))
            bisect.insort(users, story.id)   # (content.py reads the files in order: ids are files)
            archive.photo_users[figure.photo] = tuple(users)
            photos.add(figure.photo)
    return refresh(archive, photos, config)


def refigure(archive: Archive, photo: Photo) -> None:
    """The figures of the stories showing the photo: its caption and credit where the story
    gives none of its own (references.figures; the story's first use of it is shown)."""
    for story_id in archive.photo_users.get(photo.id, ()):
        story = archive.article_by_id.get(story_id)
        ref = next((r for r in story.photos if r.file == photo.id), None) if story is not None else None
        if ref is None or story_id not in archive.figures:
            continue
        archive.figures[story_id] = tuple(
            dataclasses.replace(f, caption=ref.caption or photo.caption, credit=f.credit if ref.credit else photo.credit)
            if f.photo == photo.id else f for f in archive.figures[story_id])


def hide(archive: Archive, stories: Sequence[Article]) -> set[str]:
    """Take the stories (their figures still in the archive) out of the users of the photos
    they showed; those photos' ids (for `refresh`)."""
    photos = set()
    for story in stories:
        for figure in archive.figures.get(story.id, ()):
            users = tuple(u for u in archive.photo_users.get(figure.photo, ()) if u != story.id)
            if users:
                archive.photo_users[figure.photo] = users
            else:
                archive.photo_users.pop(figure.photo, None)   # (index.build lists only photos with users)
            photos.add(figure.photo)
    return photos


def refresh(archive: Archive, photos: set[str], config: Config) -> set[int]:
    """After the users of `photos` changed (or their names): the photo archive in its order
    and each term's photos as index.build makes them; the ids of the terms whose photos changed."""
    key = photo_order(archive, config)
    object.__setattr__(archive, "photos", tuple(sorted(archive.photos, key=key, reverse=True)))
    rank = {photo.id: i for i, photo in enumerate(archive.photos)}
    terms = set()
    for tax in archive.taxonomies:
        named = {p: set(names(archive, tax, archive.photo_by_id[p])) for p in photos}
        for term in tax.terms:
            was = set(term.photos)
            mine = (was - photos) | {p for p in photos if term.name in named[p]}
            if (was | mine) & photos:
                object.__setattr__(term, "photos", tuple(sorted(mine, key=rank.__getitem__)))
                terms.add(id(term))
    return terms


def photo_order(archive: Archive, config: Config) -> Any:
    """index.build's key of the photo archive's order (newest first, reversed): a photo's
    date, or its first story's, then its file."""
    epoch = datetime.min.replace(tzinfo=config.tz)
    by_id = archive.article_by_id

    def key(photo: Photo) -> tuple:
        users = archive.photo_users.get(photo.id, ())
        when = photo.date or (min(by_id[u].date for u in users) if users else None)
        return when or epoch, photo.file
    return key


def names(archive: Archive, tax: Any, photo: Photo) -> Iterable[str]:
    """The names of `tax` a photo is filed under (index._photo_terms)."""
    if tax.config.credits:
        return [photo.credit.name] if photo.credit and photo.credit.name else []
    found = [n.name for n in photo.names(tax.key)]
    for user in archive.photo_users.get(photo.id, ()):
        found += [n.name for n in archive.article_by_id[user].names(tax.key)]
    return found
