"""Which search bundles a build makes: a year's whole bundle, or a small one of recent changes.

Pagefind has no incremental mode: a bundle is made from all its pages, ~2 ms of CPU a page.
So an edit does not re-index its year. The pages changed since their year's bundle was made
(edited, new, moved to another year) go into one bundle of recent changes, which the search
page merges first; the year bundles' entries of those pages (`superseded`) are hidden by the
search page, so a search never shows a page twice, nor an old version. A year is made anew,
whole, on a cold build, when it has no bundle yet, when a page left the search (deleted,
withdrawn, made a draft: its text must leave the published index files, not only the
results; a story moved to another address, redated, has not left: its old entry is hidden
as an edited page's is), and when the pages pending against the bundles pass `RECENT_MAX` (the years with
most pending first, until the rest fits): the recent bundle is made anew at every edit,
and costs ~2 ms a page it holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

# Pages pending (changed, or moved out) against the year bundles before years are made anew.
# Measured on the benchmark's pages (bench/README.md, "Search: the bundle of recent
# changes"): Pagefind takes ≈2.3 ms of CPU a page, ≈0.24 s for 100 pages against ≈2.2 s for
# a year of 1,000. At 100 an edit's bundle stays a fraction of a second, and the cost of
# making a year anew, spread over the ≈100 edits between, is as small as the bundle's.
RECENT_MAX = 100


@dataclass(frozen=True)
class Plan:
    years: dict[str, dict[str, str]]      # every year with searchable pages: page file -> entry
    remake: tuple[str, ...]               # years whose bundle is made from all their pages
    recent: dict[str, str]                # page file -> entry: the bundle of recent changes
    superseded: dict[str, tuple[str, ...]]   # year -> the pages its bundle shows stale or gone


# Searchable pages in one bundle at most, where months allow: Pagefind's memory grows with
# the pages of a run (≈0.3 MB each here: a year of 10,000 took 2.8 GB), so a bigger year is
# split into parts by months, and two parts are indexed at a time.
BIG = 2000


def shard(entry: str) -> str:
    """The bundle of an entry ("2021:hash of the page", or "2021-07:…" in a year split into
    parts by months), 'all' for pages without a date."""
    return entry.split(":", 1)[0]


def shards(entries: Iterable[str]) -> set[str]:
    """The bundles of `entries` (shard of each), found in C: 100,000 entries at every edit."""
    return set(map(itemgetter(0), map(str.partition, entries, repeat(":"))))


def split(months: Counter[str], big: int | None = None) -> dict[str, tuple[int, ...]]:
    """Years of over `big` pages (BIG by default; `months`: pages by "YYYY-MM"), each as the
    months its parts start at: the fewest equal parts (2, 3, 4, 6 or 12) of which none holds
    over `big`."""
    big = big or BIG
    years: dict[str, dict[int, int]] = {}
    for key, count in months.items():
        year, _, month = key.partition("-")
        if month:
            years.setdefault(year, {})[int(month)] = count
    starts = {}
    for year, counts in years.items():
        if sum(counts.values()) > big:
            for parts in (2, 3, 4, 6, 12):
                size = 12 // parts
                if all(sum(counts.get(m, 0) for m in range(first, first + size)) <= big
                       for first in range(1, 13, size)):
                    break
            starts[year] = tuple(range(1, 13, 12 // parts))
    return starts


def starts_of(known: dict[str, str]) -> dict[str, tuple[int, ...]]:
    """The parts of split years that `known`'s entries are filed under (see split)."""
    found: dict[str, set[int]] = {}
    for name in shards(known.values()):
        year, _, month = name.partition("-")
        if month:
            found.setdefault(year, set()).add(int(month))
    return {year: tuple(sorted(months)) for year, months in found.items()}


def shard_of(year: str, month: int, starts: dict[str, tuple[int, ...]]) -> str:
    """The bundle a page of `year` and `month` goes into: its year's, or the part of it that
    holds the month (the last part starting at or before it; else the first)."""
    parts = starts.get(year)
    if not parts:
        return year
    first = max((m for m in parts if m <= month), default=parts[0])
    return f"{year}-{first:02d}"


def plan(known: dict[str, str], made: dict[str, dict[str, str] | None], cold: bool,
         limit: int = RECENT_MAX, moved: dict[str, str] | None = None) -> Plan:
    """`known`: every searchable page now (page file -> entry); `made`: for each year, the
    pages its usable cached bundle was made from (None: no usable bundle); `cold`: a build
    that renders every page, which makes every year's bundle from its pages; `moved`: page
    files that redirect to another page file now (a story's old addresses)."""
    years: dict[str, dict[str, str]] = {}
    for path, entry in known.items():   # (in no order: a bundle's pages are sorted where it is made)
        years.setdefault(shard(entry), {})[path] = entry
    moved = moved or {}
    # A page left the search: one its bundle was made from that is not searchable now, nor
    # redirects to a searchable page (only those not in the year now are looked at).
    remake = {year for year in years if cold or made.get(year) is None
              or any(path not in known and moved.get(path) not in known
                     for path in (made[year] or {}).keys() - years[year].keys())}
    pending: dict[str, tuple[set[str], set[str]]] = {}
    for year in sorted(set(years) - remake):
        now, then = years[year], made[year] or {}
        if now == then:   # most years at an edit: compared in C
            continue
        changed = {path for path, entry in now.items() if then.get(path) != entry}
        gone = {path for path, entry in then.items() if now.get(path) != entry}
        if changed or gone:
            pending[year] = (changed, gone)
    size = sum(len(changed | gone) for changed, gone in pending.values())
    for year in sorted(pending, key=lambda y: (-len(pending[y][0] | pending[y][1]), y)):
        if size <= limit:
            break
        size -= len(pending[year][0] | pending[year][1])
        remake.add(year)
        del pending[year]
    recent = {path: years[year][path] for year, (changed, _) in pending.items() for path in changed}
    superseded = {year: tuple(sorted(gone)) for year, (_, gone) in pending.items() if gone}
    # A year whose bundle is not used any more (no page left in it) hides nothing: it is dropped.
    return Plan(years, tuple(sorted(remake, reverse=True)), dict(sorted(recent.items())), superseded)
