"""Publishing the last good build to a host, sending only what changed, in a safe order.

The target keeps a manifest of what was published (path -> sha256, size, content type, cache
headers, redirect). Publishing compares the built site with it and sends the new and changed
files kind by kind (headers.KINDS: media first, the sitemap last; see make_plan), then the
manifest, then deletes what is gone. Before sending anything, the manifest is rewritten with
each file the target never had listed as `leftover` and each changed file without a digest,
so a publish stopped at any point is completed (and its strays removed) by the next one,
whichever site that one sends.

A target is one of the `target_*` modules; each has read_manifest, send, write_manifest,
delete and prune (empty folders), and knows nothing of plans.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import posixpath
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import urlsplit

from . import headers, output, urls
from .i18n import ENGLISH, Explained, tr
from .progress import Bar

MANIFEST = ".newsroom-publish.json"
MAX_DELETES = 256
FORMAT = 1


class PublishError(Explained):
    """Publishing cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Entry:
    """One published file, as the manifest records it."""
    sha256: str
    size: int
    type: str
    cache: str
    redirect: str = ""   # an old URL's file: where it leads (a site path, or a URL); S3 makes it a redirect

    def row(self) -> list[str | int]:
        return [self.sha256, self.size, self.type, self.cache, self.redirect]


Sent = Callable[[str, int], None]   # a target calls it with (path, bytes) as each file is up


class Target(Protocol):
    def read_manifest(self) -> bytes | None: ...
    def send(self, site: Path, files: list[tuple[str, Entry]], sent: Sent) -> None: ...
    def write_manifest(self, data: bytes) -> None: ...
    def delete(self, paths: list[str]) -> None: ...
    def prune(self, folders: list[str]) -> None: ...


@dataclass(frozen=True)
class Plan:
    files: dict[str, Entry]                          # the new manifest
    send: tuple[tuple[str, tuple[str, ...]], ...]    # (kind, paths) in the order to send them
    delete: tuple[str, ...]
    added: tuple[str, ...]                           # sent paths the target never had
    old: dict[str, Entry]                            # the target's manifest
    leftover: frozenset[str] = frozenset()           # its strays of a stopped publish

    @property
    def sending(self) -> list[str]:
        return [path for _, paths in self.send for path in paths]

    @property
    def unchanged(self) -> int:
        return len(self.files) - len(self.sending)


@dataclass(frozen=True)
class Report:
    sent: int
    sent_bytes: int
    deleted: int
    unchanged: int
    seconds: float

    def summary(self, lang: str = ENGLISH) -> str:
        return tr(lang, "sent {sent} files ({megabytes} MB), deleted {deleted}, unchanged {unchanged}, in {seconds} s",
                  sent=self.sent, megabytes=f"{self.sent_bytes / 1e6:.1f}", deleted=self.deleted,
                  unchanged=self.unchanged, seconds=f"{self.seconds:.1f}")


def site_files(site: Path, base_url: str = "", known: dict[str, list] | None = None) -> dict[str, Entry]:
    """Every file of the built site with its digest and headers; refuses a folder that is not
    exactly what the last good build wrote (missing, or changed by hand since).

    `known`: digests of earlier publishes by path, with the size, mtime and inode they were
    taken at; a file that still has them is not read again (updated in place)."""
    built = output.manifest(site)
    if not built:
        raise PublishError("{site} holds no built site (no {marker}): build it first with `python build.py`",
                           site=site, marker=output.MARKER)
    moved = redirects(site, built, base_url)
    files: dict[str, Entry] = {}
    wrong: list[Explained] = []
    known = {} if known is None else known
    for path, digest in sorted(built.items()):
        try:
            sha, size = _sha256(site / path, path, known)
        except OSError:
            wrong.append(Explained("{path} is missing", path=path))
            continue
        if len(digest) == 64 and digest != sha:
            wrong.append(Explained("{path} was changed after the build", path=path))
        files[path] = Entry(sha, size, headers.content_type(path), headers.cache_control(path),
                            moved.get(path, ""))
    if wrong:
        detail = wrong[0]
        for more in wrong[1:5]:
            detail = Explained("{a}; {b}", a=detail, b=more)
        if len(wrong) > 5:
            detail = Explained("{a} (and {n} more)", a=detail, n=len(wrong) - 5)
        raise PublishError("{site} is not as the last build left it: {detail}; build again with `python build.py`",
                           site=site, detail=detail)
    return files


def _sha256(file: Path, path: str, known: dict[str, list]) -> tuple[str, int]:
    st = file.stat()
    stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
    if known.get(path, [])[:3] == stamp:
        return known[path][3], st.st_size
    with open(file, "rb") as f:
        sha = hashlib.file_digest(f, "sha256").hexdigest()
    known[path] = [*stamp, sha]
    return sha, st.st_size


def load_digests(file: Path) -> dict[str, list]:
    """What `site_files` remembered (ROOT/.cache/): the site's photos need not be read on every publish."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_digests(file: Path, known: dict[str, list], files: dict[str, Entry]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".tmp")
    tmp.write_text(json.dumps({p: known[p] for p in files if p in known}), encoding="utf-8")
    tmp.replace(file)


def redirects(site: Path, built: dict[str, str], base_url: str = "") -> dict[str, str]:
    """Old URL's file -> where it leads (a site path, or a URL), from the site's `_redirects`
    (Netlify's format, `/news/old/ /news/new/ 301`, paths from the host's root) that the build
    writes for moved articles and renamed streets (issue 18)."""
    if "_redirects" not in built:
        return {}
    root = urlsplit(base_url).path or "/"
    table: dict[str, str] = {}
    for line in (site / "_redirects").read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) < 2 or not parts[0].startswith(root) or "*" in parts[0]:
            continue
        path = urls.output_file(parts[0][len(root):])
        if path in built:
            new = parts[1]
            table[path] = new[len(root):] if new.startswith(root) else new
    return table


def read_manifest(data: bytes | None) -> tuple[dict[str, Entry], set[str]]:
    """The target's manifest: what it serves, and the strays of a publish that was stopped."""
    if data is None:
        return {}, set()
    try:
        doc = json.loads(data)
        files = {path: Entry(*row) for path, row in doc["files"].items()}
        return files, set(doc.get("leftover", ()))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PublishError("the target's {manifest} cannot be read ({reason}); remove it to publish "
                           "everything again (files it listed are then never deleted)",
                           manifest=MANIFEST, reason=exc) from exc


def manifest_bytes(files: dict[str, Entry], leftover: Iterable[str] = ()) -> bytes:
    doc = {"newsroom-publish": FORMAT, "files": {p: e.row() for p, e in sorted(files.items())},
           "leftover": sorted(leftover)}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def make_plan(new: dict[str, Entry], old: dict[str, Entry], leftover: set[str] = frozenset()) -> Plan:
    """What to send and delete (gone, including strays).

    Media go first. Then the files the target never had, then the changed ones, each by kind:
    a new file is linked to only from new or changed pages, so none of those is up before
    everything it links to is (a new article and its new tag page link to each other; neither
    is reachable from a page being served until a changed list that links to them is sent).
    """
    groups: dict[tuple[int, int], list[str]] = {}
    for path, entry in new.items():
        if old.get(path) != entry:
            kind = headers.kind(path, entry.redirect)
            phase = 0 if kind == "media" else 1 if path not in old else 2
            groups.setdefault((phase, headers.KINDS.index(kind)), []).append(path)
    send = tuple((headers.KINDS[kind], tuple(sorted(groups[phase, kind]))) for phase, kind in sorted(groups))
    added = tuple(p for _, paths in send for p in paths if p not in old)
    return Plan(new, send, tuple(sorted((set(old) | leftover) - set(new))), added, old, frozenset(leftover))


def empty_folders(deleted: Iterable[str], files: Iterable[str]) -> list[str]:
    """Folders that held deleted files and hold no published file any more, deepest first."""
    kept: set[str] = set()
    for folder in {posixpath.dirname(p) for p in files}:
        while folder and folder not in kept:
            kept.add(folder)
            folder = posixpath.dirname(folder)
    gone: set[str] = set()
    for path in deleted:
        folder = posixpath.dirname(path)
        while folder and folder not in kept:
            gone.add(folder)
            folder = posixpath.dirname(folder)
    return sorted(gone, key=lambda f: (-f.count("/"), f))


def publish(site: Path, target: Target, max_deletes: int = MAX_DELETES, progress: TextIO | None = None,
            files: dict[str, Entry] | None = None, lang: str = ENGLISH) -> Report:
    """Bring the target up to the built site at `site` (see the module's docstring);
    `files`: its site_files, if known."""
    started = time.monotonic()
    plan = plan_for(site, target, max_deletes, files)
    interrupted = [path for path, entry in plan.old.items() if not entry.sha256] + sorted(plan.leftover)
    if interrupted and hasattr(target, "tidy"):   # what a killed publish left as it wrote them
        target.tidy(interrupted)
    if plan.sending:   # before any is sent: a stop now leaves each to the next publish
        target.write_manifest(manifest_bytes(in_flight(plan), plan.leftover | set(plan.added)))
    total = sum(plan.files[p].size for p in plan.sending)
    bar = Bar(len(plan.sending), tr(lang, "files"), stream=progress)
    done = [0, 0]

    def sent(path: str, size: int) -> None:
        done[0] += 1
        done[1] += size
        bar.label = f"files  {done[1] / 1e6:.1f}/{total / 1e6:.1f} MB"
        bar(done[0])

    try:
        for _kind, paths in plan.send:
            target.send(site, [(p, plan.files[p]) for p in paths], sent)
    finally:
        bar.close()
    if plan.sending or plan.delete or plan.leftover:
        # The manifest last; while deletions are under way it lists them, so that a stop
        # during them leaves them to the next publish.
        target.write_manifest(manifest_bytes(plan.files, plan.delete))
    if plan.delete:
        target.delete(list(plan.delete))
        target.prune(empty_folders(plan.delete, plan.files))
        target.write_manifest(manifest_bytes(plan.files))
    return Report(done[0], done[1], len(plan.delete), len(plan.files) - done[0], time.monotonic() - started)


def in_flight(plan: Plan) -> dict[str, Entry]:
    """The target's manifest while `plan` is sent: the files about to change listed with no
    digest, as the host may hold either version of each after a stop. Listed with their old
    digests, a stopped publish's new bytes were taken for the old ones: the next publish of
    the site as it was (a mistake reverted) sent nothing, and left the stopped one's pages."""
    sending = set(plan.sending)
    return {path: dataclasses.replace(entry, sha256="") if path in sending else entry
            for path, entry in plan.old.items()}


def plan_for(site: Path, target: Target, max_deletes: int = MAX_DELETES,
             files: dict[str, Entry] | None = None) -> Plan:
    """The plan, refused when it would delete more than `max_deletes` files."""
    new = site_files(site) if files is None else files
    old, leftover = read_manifest(target.read_manifest())
    plan = make_plan(new, old, leftover)
    refused = too_many_deletes(plan, max_deletes)
    if refused:
        raise refused
    return plan


def too_many_deletes(plan: Plan, max_deletes: int) -> PublishError | None:
    if len(plan.delete) <= max_deletes:
        return None
    first = ", ".join(plan.delete[:5])
    return PublishError("{n} files would be deleted from the target ({first} …), more than --max-deletes "
                        "{max}: is this the right site and target? If so, publish again with --max-deletes {n}",
                        n=len(plan.delete), first=first, max=max_deletes)


def describe(plan: Plan, shown: int = 3, lang: str = ENGLISH) -> str:
    """The --dry-run report: counts and the first files of each kind."""
    by_kind: dict[str, list[str]] = {}
    for kind, paths in plan.send:   # new and changed files of a kind go separately: one line
        by_kind.setdefault(kind, []).extend(paths)
    lines = []
    for kind in headers.KINDS:
        paths = tuple(by_kind.get(kind, ()))
        if paths:
            size = sum(plan.files[p].size for p in paths)
            lines.append(tr(lang, "  send {kind} {n} files ({megabytes} MB): {first}", kind=f"{kind:<9}",
                            n=f"{len(paths):>6}", megabytes=f"{size / 1e6:.1f}", first=_first(paths, shown)))
    if plan.delete:
        lines.append(tr(lang, "  delete         {n} files: {first}", n=f"{len(plan.delete):>6}",
                        first=_first(plan.delete, shown)))
    lines.append(tr(lang, "  unchanged      {n} files", n=f"{plan.unchanged:>6}"))
    return "\n".join(lines)


def _first(paths: tuple[str, ...], shown: int) -> str:
    return ", ".join(paths[:shown]) + (" …" if len(paths) > shown else "")


def open_target(spec: str, site: Path, base_url: str = "", root: Path | None = None) -> Target:
    """The target a TARGET names: a folder, ssh://user@host/path or s3://bucket/prefix;
    `root`: the archive (a folder target must not be in its sources)."""
    scheme = spec.partition("://")[0].lower() if "://" in spec else ""
    if scheme == "ssh":
        from .target_ssh import SshTarget

        return SshTarget(spec)
    if scheme == "s3":
        from .target_s3 import S3Target

        return S3Target(spec, base_url)
    if scheme in ("", "file"):
        from .target_folder import FolderTarget

        return FolderTarget(Path(spec.removeprefix("file://")).expanduser(), site, root)
    raise PublishError("'{spec}' is no kind of target known here: a folder, ssh://user@host/path "
                       "or s3://bucket/prefix", spec=spec)


def command(site: Path, spec: str, base_url: str = "", max_deletes: int = MAX_DELETES,
            dry_run: bool = False, quiet: bool = False, cache: Path | None = None, lang: str = ENGLISH,
            root: Path | None = None) -> int:
    """`python build.py publish`: the exit status, after printing the plan or the summary.
    `cache`: the archive's cache folder, where the site's files' digests are remembered;
    `root`: the archive."""
    target: object = spec
    started = time.monotonic()
    digests = cache / "publish" / f"{hashlib.sha256(os.fsencode(site)).hexdigest()[:16]}.json" if cache else None
    try:
        target = open_target(spec, site, base_url, root)
        known = load_digests(digests) if digests else {}
        files = site_files(site, base_url, known)
        if digests:
            save_digests(digests, known, files)
        if dry_run:   # the whole plan, also one that the limit on deletions would stop
            plan = plan_for(site, target, sys.maxsize, files)
            print(tr(lang, "publishing {site} to {target} would:", site=site, target=target),
                  describe(plan, lang=lang), tr(lang, "nothing was changed (--dry-run)"), sep="\n")
            refused = too_many_deletes(plan, max_deletes)
            if refused:
                raise refused
            return 0
        report = publish(site, target, max_deletes, io.StringIO() if quiet else None, files, lang)
    except PublishError as exc:
        print(tr(lang, "publish failed: {reason}", reason=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(tr(lang, "publish stopped: {target} serves the old or the new version of each page, with all "
                 "they link to; publish again to complete it", target=target), file=sys.stderr)
        return 130
    if not quiet:   # the time of the whole publish, reading the site included
        print(dataclasses.replace(report, seconds=time.monotonic() - started).summary(lang))
    return 0
