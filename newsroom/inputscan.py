"""The check stage's look at every input file: whether any changed since the last good build.

In a big archive the stat of every input (0.45 s at 100,000 articles) runs in a forked
process while the build loads the state it needs if any input changed (0.8 s). The load
stops, between two of its files, as soon as the scan says nothing changed. The stats come
back marshalled, quicker to send and read than pickled (0.01 s + 0.05 s). A scan process
killed on its way (the OOM killer) is made again here. In a small archive, starting a
process costs more than the scan.

Tried and dropped: the same process reading the site's manifest ahead for the decide stage
(317,000 files, 0.3 s of JSON). Made again from marshal here, its 634,000 strings cost
nearly what parsing them did, and the process then ended after the state's load: an edit
at 100,000 articles took 4.05-4.10 s against 3.56-3.71 s.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import cache, moved, signatures
from .config import template_dirs

if TYPE_CHECKING:
    from .records import Run

# Inputs (articles and photos, as the last build counted them) from which their stat is
# worth a process of its own: 10,000 take 0.05 s, a process 0.02-0.03 s.
SCAN_APART = 20_000


@dataclass
class Scan:
    unchanged: bool                        # no input changed since the last good build
    inputs: str                            # their signature (signatures.inputs_signature)
    stats: dict[str, tuple[int, int]]      # (size, mtime) of every input file, by path
    links: list[str]                       # the symbolic links among them (confine.py)


def scan_and_load(run: Run, head: dict) -> tuple[Scan, cache.State | None]:
    """The scan of the inputs against the last good build (`head`: its record) and, if any
    changed, what it remembered (None: not loaded yet)."""
    if sum(head.get("summary", {}).get(kind, 0) for kind in ("articles", "photos")) < SCAN_APART:
        return _scanned(run, head), None
    from . import forked

    apart = forked.Started(lambda: _sent(_scanned(run, head)), run.options.jobs)
    try:
        state = run.store.load(until=lambda: apart.ready() and (apart.result() or b"")[:1] == b"=")
    except BaseException:
        apart.cancel()
        raise
    sent = apart.result()
    return (_received(sent) if sent is not None else _scanned(run, head)), state


def _scanned(run: Run, head: dict) -> Scan:
    config, options = run.config, run.options
    inputs, stats, links = signatures.inputs_signature(config, template_dirs(config),
                                                       f"{run.settings}|{options.serve}|{options.strict}")
    unchanged = (head.get("signature") == signatures.site_signature(inputs, config)
                 and head.get("moved") == signatures.stat_key(config.root / moved.RECORD)
                 and run.now.timestamp() < head.get("valid_until", 0))
    return Scan(unchanged, inputs, stats, links)


def _sent(scan: Scan) -> bytes:
    """`scan` as the process sends it: b"=" alone when nothing changed."""
    if scan.unchanged:
        return b"=" + scan.inputs.encode()
    return b"+" + marshal.dumps((scan.inputs, scan.stats, scan.links))


def _received(sent: bytes) -> Scan:
    if sent[:1] == b"=":
        return Scan(True, sent[1:].decode(), {}, [])
    inputs, stats, links = marshal.loads(sent[1:])
    return Scan(False, inputs, stats, links)
