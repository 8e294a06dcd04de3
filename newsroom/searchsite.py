"""Which search bundles the published site holds as they are, so an edit passes their files
to the writer as output.KEEP instead of copying or comparing them.

The build that publishes the bundles records, beside the searchable copies, which bundle
(by digest) it published under each name, the identity of the manifest it wrote, and the
mtime of each of the bundle's folders in the site. While the manifest is that one (nothing
else published since) and no folder's mtime moved (a file removed or added by hand changes
its folder's), the site holds each recorded bundle as it was published: at 100,000 articles
this is a few hundred stats where finding it out from the manifest and the folders' listings
was a third of a second of every edit. Without a usable record the manifest and the folders
are looked at (`Published._from_site`), as the record is only a shortcut.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import output, urls
from .searchbundle import Bundle

BUNDLE = urls.SEARCH_INDEX
RECORD = "published.json"


def _folders(name: str, bundle: Bundle) -> list[str]:
    """The site folders of bundle `name`'s files (its top and the folders in it)."""
    return sorted({urls.search_file(name, rel.rpartition("/")[0]).rstrip("/") for rel in bundle.sums})


def _mtimes(site: Path, folders: Iterable[str]) -> dict[str, int] | None:
    try:
        return {folder: os.stat(site / folder).st_mtime_ns for folder in folders}
    except OSError:
        return None


def record(file: Path, site: Path, bundles: dict[str, Bundle], known: dict[str, list] | None = None) -> None:
    """Note that `site`, as just written, holds `bundles` (name -> bundle) as they are.
    Called only once the write is complete: a build killed before leaves the last record,
    which names another manifest and is not used. `known`: the record the site held before
    (Published.recorded): a bundle under the digest it gives has the folders it lists
    (finding them from the bundle's 217,000 files was 0.03 s of an edit at 100,000 articles)."""
    def folders(name: str, bundle: Bundle) -> Iterable[str]:
        digest, mtimes = (known or {}).get(name) or ["", None]
        return mtimes if digest == bundle.digest and mtimes else _folders(name, bundle)
    shown = {name: [bundle.digest, _mtimes(site, folders(name, bundle))] for name, bundle in bundles.items()}
    text = json.dumps({"site": output.identity(site), "bundles": shown}, sort_keys=True)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, file)
    except OSError:   # a lost shortcut: the next edit looks at the site instead
        tmp.unlink(missing_ok=True)
        file.unlink(missing_ok=True)


class Files:
    """The site paths of a bundle's files, made when first listed: an edit that keeps the
    bundles' folders whole lists none of them (100,000 paths at 100,000 articles)."""

    def __init__(self, name: str, bundle: Bundle) -> None:
        self.name, self.bundle = name, bundle

    def __iter__(self) -> Iterator[str]:
        return (urls.search_file(self.name, rel) for rel in self.bundle.sums)


class Published:
    """The bundles the site holds as they are: `live(name, bundle)` gives the site paths of the
    bundle's files (to iterate) if the site holds it as it is, else None."""

    def __init__(self, file: Path | None, site: Path, manifest: dict[str, str]) -> None:
        self.site, self.manifest = site, manifest
        self.recorded: dict[str, list] | None = None   # None: no usable record, look at the site
        self._in_site: dict[str, set[str]] | None = None
        identity = getattr(manifest, "identity", "")
        try:
            found = json.loads(file.read_text(encoding="utf-8")) if file is not None else None
            if identity and isinstance(found, dict) and found.get("site") == identity:
                # Entries not of the shape written (a file edited by hand) are as if absent.
                self.recorded = {name: entry for name, entry in dict(found["bundles"]).items()
                                 if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], dict)}
        except (OSError, ValueError, KeyError, TypeError):
            self.recorded = None

    def live(self, name: str, bundle: Bundle) -> Iterable[str] | None:
        if self.recorded is not None:
            digest, mtimes = self.recorded.get(name) or ["", None]
            if digest != bundle.digest or not mtimes:
                return None   # the site holds another bundle under this name, or none
            if _mtimes(self.site, mtimes) == mtimes:
                return Files(name, bundle)
            return self._from_site(name, bundle)   # touched by hand: look
        return self._from_site(name, bundle)

    def _from_site(self, name: str, bundle: Bundle) -> set[str] | None:
        """By the site's manifest and the names in its folders: nothing missing or besides
        (a file removed by hand is published again)."""
        if self._in_site is None:
            self._in_site = _in_site(self.manifest)
        expected = {urls.search_file(name, rel): digest for rel, digest in bundle.as_published().items()}
        in_site = self._in_site.get(name)
        if expected and in_site == expected.keys() and all(self.manifest[p] == d for p, d in expected.items()) \
                and _in_folders(self.site, name) == expected.keys():
            return in_site
        return None


def _in_site(published: dict[str, str]) -> dict[str, set[str]]:
    """The paths of each bundle's files in the site's manifest: bundle name -> paths."""
    in_site: dict[str, set[str]] = {}
    for path in published:
        if path.startswith(BUNDLE):
            in_site.setdefault(path[len(BUNDLE):].partition("/")[0], set()).add(path)
    return in_site


def _in_folders(site: Path, name: str) -> set[str]:
    """The site paths of bundle `name`'s files in the site's folders (their names, not stat'ed)."""
    published = Bundle(site / urls.search_file(name, ""))
    return {urls.search_file(name, rel) for rel, _ in published.names()}
