"""What Pagefind writes, made byte-identical from one run to the next.

Pagefind keeps its filters in hash maps, so each run writes a filter's values, and the list
of filters in the language's `pf_meta` file, in another order (Pagefind/pagefind#638): the
same index in other bytes, under other file names (each file is named by a hash of its
bytes), and so a site that differs from one clean build to the next. After Pagefind has
written a bundle, `canonical` sorts what it wrote unordered and names the files anew; the
search page reads the same filters, and two builds of the same pages write the same bytes.

The files are gzip streams of `pagefind_dcd` followed by CBOR, which cbor2 reads and writes
as Pagefind does (tests/test_determinism.py builds twice and compares every file).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"


def read(path: Path) -> object:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind data file")
    return cbor2.loads(data[len(SIGNATURE):])


def _write(folder: Path, pattern: tuple[str, str], old: str, value: object) -> str:
    """`value` as a data file in place of the one named by hash `old` ("zh-cn_1a2b3c4"),
    named `prefix + hash + suffix` in `folder` by a hash of its bytes as long as Pagefind's.
    Returns the new hash."""
    data = SIGNATURE + cbor2.dumps(value)
    language, digits = old.rsplit("_", 1)
    new = f"{language}_{hashlib.sha256(data).hexdigest()[:len(digits)]}"
    prefix, suffix = pattern
    (folder / f"{prefix}{old}{suffix}").unlink()
    (folder / f"{prefix}{new}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return new


def canonical(bundle: Path) -> None:
    """Sort the filters of the Pagefind bundle in `bundle`, in place."""
    entry_file = bundle / ENTRY
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    meta_name, filter_name = ("pagefind.", ".pf_meta"), ("", ".pf_filter")
    for language in entry["languages"].values():
        meta = read(bundle / f"pagefind.{language['hash']}.pf_meta")
        filters = []
        for name, old in meta[3]:
            title, values = read(bundle / "filter" / f"{old}.pf_filter")
            filters.append([name, _write(bundle / "filter", filter_name, old,
                                         [title, sorted(values, key=lambda v: v[0])])])
        meta[3] = sorted(filters)
        language["hash"] = _write(bundle, meta_name, language["hash"], meta)
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
