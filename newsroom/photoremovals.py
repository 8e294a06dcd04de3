"""Photos deleted since the last build taken out of its plan, instead of indexing and planning
every page again.

A photographer deletes a photo uploaded in error. One that no story shows and no edition
uses as its scan leaves a few pages of the kept plan: the photo archive (and the photo's
own page), the first pages of the lists of its terms (its photographer's, its streets' …)
and of the home page (the newest photos), and the sitemap; additions.Remade makes those
again from the kept archive with the photo taken out, as it does when one is put in
(additions.put_photos_in). A photo a story shows (the story's figure would be an error), a
scan, a term left with nothing, or a photo a problem names are refused (`refusal`), and
the build plans afresh; tests/test_photoremovals.py compares the plan with one made afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from . import additions, front
from .config import Config
from .model import Photo


def refusal(made: dict[str, Any], gone: Sequence[Photo]) -> str | None:
    """Why the photos `gone` (their last parses) cannot be taken out of the kept plan `made`
    (None: they can)."""
    if not gone or len(gone) > additions.LIMIT:
        return "none or too many"
    archive = made["archive"]
    ids = {photo.id for photo in gone}
    scans = {page.scan for edition in made["printed"].editions for page in edition.pages}
    for photo in gone:
        if archive.photo_by_id.get(photo.id) is not photo or archive.photo_users.get(photo.id) or photo.id in scans:
            return "not in the photo archive, shown by a story or a scan"
        for tax, name in additions.photo_names(archive, photo):
            term = tax.term(name)
            if term is None or not (term.articles or set(term.photos) - ids):
                return "a term left with nothing"
        if additions.named_by_problem(made, photo.slug, photo.file, but_its_own=True):
            return "named by a problem"
    return None


def take_out(made: dict[str, Any], counted: dict[str, Any], gone: Sequence[Photo], config: Config,
             today: date, picks: front.Picks) -> None:
    """Take `gone` (which `refusal` accepts) out of the kept plan `made` and its counts."""
    archive = made["archive"]
    ids = {photo.id for photo in gone}
    terms = set()
    for photo in gone:
        for tax, name in additions.photo_names(archive, photo):
            term = tax.term(name)
            object.__setattr__(term, "photos", tuple(i for i in term.photos if i != photo.id))
            terms.add(id(term))
        del archive.photo_by_id[photo.id]
    object.__setattr__(archive, "photos", tuple(p for p in archive.photos if p.id not in ids))
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0], set())
    additions.replan(made, counted, remade, archive.articles, set(), terms, photos=True)
    sources = {photo.source for photo in gone}   # (their own problems go with them)
    made["plan_problems"] = [p for p in made["plan_problems"] if p.path not in sources]
    counted["photos"] -= len(gone)
