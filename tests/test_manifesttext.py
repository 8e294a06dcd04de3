"""manifesttext.patched: the manifest edited as text is the manifest encoded anew."""

from __future__ import annotations

import json
import random

from newsroom import manifesttext

# Paths that sort and escape in every way the text can meet: non-ASCII (\\u escapes),
# quotes and backslashes, one a prefix of another.
PARTS = ["a", "b", "龙岗", "x/y", '"q', "\\", "index.html", " "]
DIGESTS = ["0" * 64, "f" * 64, "file:photo-640.jpg:12345"]


def _patched(text: str, old: dict[str, str], changed: dict[str, str], gone: set[str]) -> str | None:
    pieces = manifesttext.patched(text.encode(), old, changed, gone)
    return None if pieces is None else b"".join(pieces).decode()


def _path(rng: random.Random) -> str:
    return "".join(rng.choice(PARTS) for _ in range(rng.randint(1, 3)))


def test_every_edit_gives_the_text_a_whole_encoding_gives() -> None:
    rng = random.Random(20261205)
    tried = 0
    for _ in range(5000):
        old = dict(sorted({_path(rng): rng.choice(DIGESTS) for _ in range(rng.randint(1, 9))}.items()))
        changed = {_path(rng): rng.choice(DIGESTS) for _ in range(rng.randint(0, 4))}
        changed.update({path: rng.choice(DIGESTS) for path in old if rng.random() < 0.2})
        gone = {path for path in old if rng.random() < 0.3} - changed.keys()
        new = {**{p: d for p, d in old.items() if p not in gone}, **changed}
        got = _patched(manifesttext.encoded(old), old, changed, gone)
        assert got == manifesttext.encoded(dict(sorted(new.items()))), (old, changed, gone)
        tried += bool(changed.keys() - old.keys()) and bool(gone)
    assert tried > 500   # additions and removals in one edit, often


def test_every_entry_removed_and_others_added() -> None:
    old = {"a.html": DIGESTS[0], "b.html": DIGESTS[1]}
    text = manifesttext.encoded(old)
    assert _patched(text, old, {}, set(old)) == '{"files": {}}'
    assert _patched(text, old, {"0.html": DIGESTS[2], "c.html": DIGESTS[2]}, set(old)) == \
        manifesttext.encoded({"0.html": DIGESTS[2], "c.html": DIGESTS[2]})


def test_a_text_not_laid_out_as_encoded_is_not_patched() -> None:
    """Then the caller encodes the manifest whole (output._update)."""
    old = {"a.html": DIGESTS[0], "b.html": DIGESTS[1]}
    changed = {"b.html": DIGESTS[2]}
    indented = json.dumps({"files": old}, indent=2)
    assert _patched(indented, old, changed, set()) is None
    unsorted = manifesttext.encoded({"b.html": DIGESTS[1], "a.html": DIGESTS[0]})
    assert _patched(unsorted, old, {"a.html": DIGESTS[2], **changed}, set()) is None
    assert _patched(manifesttext.encoded(old), {}, changed, set()) is None


ASCII_PARTS = ["a", "b", "x/", "index.html", "pagefind/", "pagefind/2020/", " ", "-", ":", ","]


def test_a_manifest_read_finds_every_entry_a_decoded_one_has() -> None:
    """Read looks entries up by searching the text (plain ASCII) or in the decoded whole
    (escapes): either way, what json.loads gives."""
    rng = random.Random(20261206)
    for round_ in range(3000):
        parts = PARTS if round_ % 3 == 0 else ASCII_PARTS
        files = dict(sorted({"".join(rng.choice(parts) for _ in range(rng.randint(1, 4))): rng.choice(DIGESTS)
                             for _ in range(rng.randint(0, 12))}.items()))
        read = manifesttext.Read(manifesttext.encoded(files).encode())
        probes = [*files, *("".join(rng.choice(parts) for _ in range(rng.randint(0, 4))) for _ in range(8))]
        for path in probes:
            assert (path in read) == (path in files), (files, path)
            assert read.get(path) == files.get(path), (files, path)
        assert len(read) == len(files) and bool(read) == bool(files)
        for prefix in ("pagefind/", "x/", "a", "龙"):
            assert read.under(prefix) == {p: d for p, d in files.items() if p.startswith(prefix)}, (files, prefix)
            but = ["pagefind/2020/", "pagefind/a", "x/b", "x/", "pagefind/2020/a"][:rng.randint(0, 5)]
            assert read.under(prefix, but) == {p: d for p, d in files.items()
                                               if p.startswith(prefix) and not p.startswith(tuple(but))}, (files, but)
        assert list(read) == list(files)


def test_a_manifest_read_by_search_is_patched_as_a_decoded_one() -> None:
    rng = random.Random(6)
    searched = 0
    for _ in range(2000):
        old = dict(sorted({"".join(rng.choice(ASCII_PARTS) for _ in range(rng.randint(1, 3))): rng.choice(DIGESTS)
                           for _ in range(rng.randint(1, 9))}.items()))
        changed = {"".join(rng.choice(ASCII_PARTS) for _ in range(rng.randint(1, 3))): rng.choice(DIGESTS)
                   for _ in range(rng.randint(0, 4))}
        gone = {path for path in old if rng.random() < 0.3} - changed.keys()
        data = manifesttext.encoded(old).encode()
        read = manifesttext.Read(data)
        searched += read.searched   # (not when a path is ', ' itself: then decoded)
        pieces = manifesttext.patched(data, read, changed, gone)
        new = {**{p: d for p, d in old.items() if p not in gone}, **changed}
        assert b"".join(pieces).decode() == manifesttext.encoded(dict(sorted(new.items())))
    assert searched > 1500


def test_a_manifest_looked_up_page_by_page_is_decoded_once() -> None:
    """A build that asks about every page (rebuild.decide) pays for one decoding, not for a
    search per page."""
    files = {f"{n:06d}/index.html": DIGESTS[n % 2] for n in range(3000)}
    read = manifesttext.Read(manifesttext.encoded(files).encode())
    assert read.searched
    assert all(path in read for path in files)
    assert not read.searched
