"""What pages read, kept in shards by key: a dict to the build, read and written a shard at a time."""

from __future__ import annotations

import marshal
import random
from pathlib import Path

import pytest
from archive_gen import make_archive

from newsroom import keyshards
from newsroom.cli import main
from newsroom.keyshards import SHARDS, Sharded, shard_of


def keys_in_other_shards(count: int) -> list[str]:
    """`count` keys, each in a shard of its own."""
    found: dict[int, str] = {}
    for n in range(10_000):
        found.setdefault(shard_of(f"article:{n}"), f"article:{n}")
        if len(found) == count:
            break
    return list(found.values())


def saved_and_loaded(values: dict[str, object]) -> Sharded:
    """`values` as a build's state holds it after a save and a load: from marshalled shards."""
    written = Sharded.of(values).to_write()
    return Sharded.loaded([marshal.dumps(written[n]) for n in range(SHARDS)], [f"file-{n}" for n in range(SHARDS)])


def test_it_holds_what_a_dict_holds_through_any_changes() -> None:
    rng = random.Random(7)
    expected = {f"k{n}": {n: str(n)} for n in range(500)}
    mapping = saved_and_loaded(expected)
    for step in range(2000):
        key = f"k{rng.randrange(700)}"
        if rng.random() < 0.3 and key in expected:
            del expected[key], mapping[key]
        else:
            expected[key] = mapping[key] = {step: "x"}
    assert dict(mapping) == expected
    assert sorted(mapping.items()) == sorted(expected.items())
    assert len(mapping) == len(expected)
    assert mapping.get("absent") is None and "absent" not in mapping and 1 not in mapping


def test_a_shard_is_unmarshalled_only_when_one_of_its_keys_is_used() -> None:
    used, unused = keys_in_other_shards(2)
    raw = [b"not marshal data"] * SHARDS   # unmarshalling any of these fails
    raw[shard_of(used)] = marshal.dumps({used: b"read"})
    mapping = Sharded.loaded(raw, ["f"] * SHARDS)
    assert mapping[used] == b"read"
    mapping[used] = b"changed"
    assert mapping.to_write() == {shard_of(used): {used: b"changed"}}
    with pytest.raises(ValueError):   # marshal's "bad marshal data": that shard was never read before
        mapping.get(unused)


def test_a_copy_and_its_original_change_apart() -> None:
    first, second = keys_in_other_shards(2)
    original = saved_and_loaded({first: 1, second: 2})
    copy = original.copy()
    copy[first] = 10
    original[second] = 20
    del copy[second]
    assert dict(original) == {first: 1, second: 20}
    assert dict(copy) == {first: 10}


def test_only_the_shards_changed_since_loading_are_written_and_then_shared() -> None:
    keys = keys_in_other_shards(3)
    mapping = saved_and_loaded({key: n for n, key in enumerate(keys)})
    assert mapping.to_write() == {}
    mapping[keys[1]] = 100
    assert mapping.to_write() == {shard_of(keys[1]): {keys[1]: 100}}
    assert set(mapping.to_write(also=frozenset({shard_of(keys[2])}))) == {shard_of(keys[1]), shard_of(keys[2])}
    mapping.saved({shard_of(keys[1]): "new-file"})
    assert mapping.to_write() == {}
    assert mapping.files[shard_of(keys[1])] == "new-file"
    copy = mapping.copy()
    copy[keys[0]] = -1
    assert mapping[keys[0]] == 0 and mapping[keys[1]] == 100
    assert Sharded.of(mapping) is mapping   # a sharded mapping is saved as it is


def build(root: Path, capsys) -> None:
    status = main(["--root", str(root), "-q", "-j", "1"])
    assert status == 0, capsys.readouterr().err


def shard_files(root: Path, part: str) -> set[str]:
    return {p.name for p in (root / ".cache" / "build").rglob(f"state-{part}-*")}


def test_an_edited_story_rewrites_few_shards_of_what_pages_read(tmp_path: Path, capsys) -> None:
    root = make_archive(tmp_path / "archive", 40)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: false\n")   # (the index is not what this is about)
    build(root, capsys)
    before = {part: shard_files(root, part) for part in ("readers", "values")}
    assert all(len(files) == keyshards.SHARDS for files in before.values())
    story = next((root / "content").rglob("story-0003.md"))
    story.write_text(story.read_text(encoding="utf-8").replace("第3号报道", "第3号报道（更正）"), encoding="utf-8")
    build(root, capsys)
    for part, files in before.items():
        after = shard_files(root, part)
        assert len(after) == keyshards.SHARDS, part   # the replaced shards' files are removed
        assert len(after - files) <= 4, (part, after - files)
    pages = [p for p in (root / "site").rglob("*.html") if "第3号报道（更正）" in p.read_text(encoding="utf-8")]
    assert pages   # the edit is published: its page and the lists that show its title
