"""Ctrl-C, a full disk, a bad output path: one line and an exit status, never a traceback."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from archive_gen import make_archive, tree

from newsroom import interrupts, output

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def ctrl_c_raises() -> Iterator[None]:
    """These tests press Ctrl-C. A test run started with SIGINT ignored (in the background:
    `cmd &`, nohup) would let every press pass unseen, here and in the builds it starts."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def _ctrl_c_as_in_a_terminal() -> None:
    # A child inherits an ignored SIGINT, and Python then leaves it ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", "2", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


NOT_CHANGED = "interrupted: the site was not changed"
IN_PLACE = "interrupted: the new site was already in place"


def start(root: Path) -> subprocess.Popen:
    """A build in its own session: SIGINT to its group is what Ctrl-C in a terminal sends."""
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", "2"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)


def until(condition: Callable[[], bool], proc: subprocess.Popen, within: float = 60) -> bool:
    """Whether `condition` came true while the build still ran."""
    deadline = time.monotonic() + within
    while not condition():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the build neither got there nor ended"
        time.sleep(0.001)
    return proc.poll() is None


def holds_lock(root: Path, proc: subprocess.Popen) -> Callable[[], bool]:
    lock = root / ".cache" / "lock"
    return lambda: lock.is_file() and f'"pid": {proc.pid},' in lock.read_text()


def beside(root: Path, kind: str) -> Callable[[], bool]:
    """The build's patch (journal written) or staging folder exists beside the site."""
    files = {"patch": "journal.json", "staging": output.MARKER}
    return lambda: any(p.name.startswith(f".site.{kind}-") and (p / files[kind]).is_file() for p in root.iterdir())


def site_changed(root: Path) -> Callable[[], bool]:
    """The site's manifest is another file: the new site is in place, the build still finishing."""
    before = output.identity(root / "site")
    return lambda: output.identity(root / "site") != before


def interrupted(root: Path, moment: float | str) -> tuple[int, list[str], float]:
    """A build, Ctrl-C'd `moment` seconds after it took the lock or when it gets to a step
    ("patch", "staging", "published"): its status, its stderr, and how long it ran."""
    proc = start(root)
    try:
        assert until(holds_lock(root, proc), proc), proc.communicate()
        began = time.monotonic()
        if isinstance(moment, float):
            until(lambda: time.monotonic() >= began + moment, proc, within=moment + 60)
        else:
            until(site_changed(root) if moment == "published" else beside(root, moment), proc)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        err = proc.communicate(timeout=60)[1]
        return proc.returncode, err.splitlines(), time.monotonic() - began
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def edit_one(root: Path, n: int) -> None:
    """One story's text: an edit build, which patches the published site in place."""
    story = root / "content/articles/2021/01/story-0000.md"
    text = story.read_text(encoding="utf-8").rsplit("\n改动", 1)[0]
    story.write_text(f"{text}\n改动{n}。\n", encoding="utf-8")


def edit_theme(root: Path, n: int) -> None:
    """The theme: every page rendered again and a whole new site staged and swapped in."""
    theme = root / "templates" / "base.html"
    theme.parent.mkdir(exist_ok=True)
    theme.write_text((REPO / "templates" / "base.html").read_text(encoding="utf-8") + f"{{# {n} #}}\n",
                     encoding="utf-8")


def ctrl_c_at(root: Path, change: Callable[[Path, int], None], moments: list[float | str], first: int = 0) -> set[str]:
    """Ctrl-C at each moment, after a new change (the `first`th, …) each time: what the build says must be true."""
    said = set()
    for n, moment in enumerate(moments, first):
        change(root, n)
        before = tree(root / "site")
        status, lines, _ = interrupted(root, moment)
        if status == 0:   # it ended before the moment came (or Ctrl-C was swallowed, with a traceback)
            assert lines == [], (moment, lines)
            said.add("finished")
            continue
        assert status == 130 and len(lines) == 1, (moment, status, lines)
        if lines == [NOT_CHANGED]:
            assert tree(root / "site") == before, f"Ctrl-C at {moment}: {NOT_CHANGED!r}, but it was"
        else:
            assert lines == [IN_PLACE], (moment, lines)
            assert tree(root / "site") != before, f"Ctrl-C at {moment}: {IN_PLACE!r}, but it was not changed"
            # ... and whole: the same sources built again change nothing.
            now = tree(root / "site")
            assert build(root).returncode == 0 and tree(root / "site") == now, f"Ctrl-C at {moment}"
        said.add(f"{moment if isinstance(moment, str) else 'clock'}: {lines[0]}")
    return said


def schedule(root: Path, change: Callable[[Path, int], None], rng: random.Random, clock: int) -> list[float | str]:
    """`clock` moments spread over the build's run (timed once, uninterrupted, on this machine),
    each in its own slice."""
    change(root, -1)
    status, _, seconds = interrupted(root, 120.0)   # never interrupted: it ends first
    assert status == 0
    return [seconds * (i + rng.random()) / clock for i in range(clock)]


def met(root: Path, change: Callable[[Path, int], None], step: str, outcome: str, tries: int = 20) -> set[str]:
    """Ctrl-C at `step` until once it finds the build still there to say `outcome` (on a busy
    machine the build may be done before the test sees the step)."""
    said: set[str] = set()
    for n in range(tries):
        said |= ctrl_c_at(root, change, [step], first=1000 + n)
        if f"{step}: {outcome}" in said:
            break
    return said


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 150, photos=False)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: false\n")
    assert build(root).returncode == 0
    rng = random.Random(130)
    started = time.monotonic()
    said = ctrl_c_at(root, edit_one, schedule(root, edit_one, rng, 16))
    # A patch of a few files is applied within a millisecond or two, which the test's polling
    # (every millisecond) catches about one build in ten: enough tries that it is caught.
    said |= met(root, edit_one, "patch", IN_PLACE, tries=60) | met(root, edit_one, "published", IN_PLACE)
    said |= ctrl_c_at(root, edit_theme, schedule(root, edit_theme, rng, 3))
    said |= met(root, edit_theme, "staging", NOT_CHANGED) | met(root, edit_theme, "published", IN_PLACE, tries=2)
    assert time.monotonic() - started < 240
    # Each kind of moment was met at least once: Ctrl-C while reading or rendering, as a patch
    # is applied, as the new site is staged, and once it is in place.
    assert f"clock: {NOT_CHANGED}" in said and f"staging: {NOT_CHANGED}" in said, said
    assert {f"patch: {IN_PLACE}", f"published: {IN_PLACE}"} <= said, said
    done = build(root)
    assert done.returncode == 0, done.stderr
    assert build(root, "--output", str(tmp_path / "clean")).returncode == 0
    assert tree(root / "site") == tree(tmp_path / "clean")
    assert not [p.name for p in root.iterdir() if ".staging-" in p.name or ".patch-" in p.name]


def test_ctrl_c_in_a_held_section_is_acted_on_after_it() -> None:
    went_on = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts.held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)   # the handler has run by now
            went_on.append(True)
    assert went_on == [True]


def test_ctrl_c_that_python_drops_is_kept_for_the_next_check(capsys) -> None:
    class Thing:
        pass

    def goes(_: object) -> None:   # a weakref callback: what it raises, Python cannot propagate
        signal.raise_signal(signal.SIGINT)

    with interrupts.noticed():
        thing = Thing()
        ref = weakref.ref(thing, goes)
        del thing
        assert ref() is None   # the callback ran, its KeyboardInterrupt dropped, and we went on
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
        interrupts.check()     # once
    assert "Traceback" not in capsys.readouterr().err


def test_output_under_a_file_is_one_line(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 3, photos=False)
    (tmp_path / "plain").write_text("a file")
    done = build(root, "--output", str(tmp_path / "plain" / "site"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{tmp_path / 'plain'} is a file, not a folder" in done.stderr.splitlines()[0]
    assert len(done.stderr.splitlines()) == 3   # the problem, the count, "build failed"


def test_a_folder_where_a_page_must_go_names_that_page(tmp_path: Path) -> None:
    """Not the patch folder's numbered copy (.site.patch-PID/0), which no editor has seen."""
    root = make_archive(tmp_path / "archive", 6, photos=False)
    assert build(root).returncode == 0
    page = next((root / "site").rglob("story-0003/index.html"))
    page.unlink()
    page.mkdir()
    story = next((root / "content").rglob("story-0003.md"))
    story.write_text(story.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    done = build(root, "--lang", "en")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].endswith(f"cannot write the site: Is a directory ({page})"), done.stderr


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `folder` (needs the right to mount: root in a container, say)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here to fill it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_one_line_for_cache_staging_and_output(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "1500k") as disk:
        root = make_archive(tmp_path / "source", 20)
        shutil.copytree(root, disk / "archive")    # the photos fill most of it; the renditions cannot fit
        done = build(disk / "archive")
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "No space left on device" in done.stderr.splitlines()[0], done.stderr
        assert len(done.stderr.splitlines()) == 3, done.stderr
        assert not (disk / "archive" / "site").exists()
        # The archive and its cache on the big disk, the site on the full one.
        done = build(root, "--output", str(disk / "site"))
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "No space left on device" in done.stderr.splitlines()[0], done.stderr
        assert len(done.stderr.splitlines()) == 3, done.stderr
        assert not [p for p in disk.iterdir() if ".staging-" in p.name or ".patch-" in p.name]


def test_a_cache_that_fills_up_after_the_site_is_written_says_so_without_a_traceback(tmp_path: Path) -> None:
    """The cache on a nearly full disk, the site elsewhere, a template edited (every page is
    rendered): at each amount of room left, one clean message, and it says truly whether
    the new site was put in place (the save comes after it); the next build, with room
    again, ends with the site a clean build makes."""
    with small_disk(tmp_path / "disk", "6m") as disk:
        root = shutil.copytree(make_archive(tmp_path / "source", 12, photos=False), disk / "archive")
        site = tmp_path / "site"
        assert build(root, "--output", str(site)).returncode == 0
        told = set()
        for room in (4, 16, 64, 256):
            fill = disk / "fill"
            fill.unlink(missing_ok=True)
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize // 1024
            fill.write_bytes(b"\0" * max(0, free - room) * 1024)
            mark = f"<!-- room {room} -->"
            (root / "templates").mkdir(exist_ok=True)
            (root / "templates" / "base.html").write_text(
                '{% extends "default/base.html" %}{% block theme_head %}' + mark + "{% endblock %}", encoding="utf-8")
            done = build(root, "--output", str(site), "--lang", "en")
            assert "Traceback" not in done.stderr, done.stderr
            if done.returncode:
                written = mark in (site / "index.html").read_text(encoding="utf-8")
                last = done.stderr.splitlines()[-1]
                assert last.startswith("build failed after the new site was put in place" if written
                                       else "build failed: the site was not changed"), (room, done.stderr)
                told.add(written)
        fill.unlink()
        assert build(root, "--output", str(site)).returncode == 0
        assert build(root, "--output", str(tmp_path / "clean")).returncode == 0
        pages = [tree(folder) for folder in (site, tmp_path / "clean")]
        assert [{k: v for k, v in t.items() if not k.startswith(("pagefind/", ".newsroom"))} for t in pages][0] == \
            [{k: v for k, v in t.items() if not k.startswith(("pagefind/", ".newsroom"))} for t in pages][1]
        assert told, "no build met the full disk"


def test_a_search_index_a_full_disk_cut_short_is_made_by_the_next_build(tmp_path: Path) -> None:
    """Pagefind's files cut short in a full cache: a warning that says so, and once there is
    room again the next build makes the index, though no input changed since (it was stale:
    the edit's words were not in it)."""
    import gzip

    with small_disk(tmp_path / "disk", "16m") as disk:
        root = shutil.copytree(make_archive(tmp_path / "source", 12, photos=False), disk / "archive")
        site = tmp_path / "site"
        assert build(root, "--output", str(site)).returncode == 0
        story = next((root / "content").rglob("story-0003.md"))
        for n, room in enumerate((40, 80, 160, 320, 640)):
            fill = disk / "fill"
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize // 1024
            fill.write_bytes(b"\0" * max(0, free - room) * 1024)
            token = f"zqxtoken{n}x"
            with story.open("a", encoding="utf-8") as f:
                f.write(f"\n{token} 段落。\n")
            done = build(root, "--output", str(site), "--lang", "en")
            assert "Traceback" not in done.stderr, done.stderr
            fill.unlink()
            again = build(root, "--output", str(site), "--lang", "en")
            assert again.returncode == 0 and "search index not built" not in again.stderr, (room, again.stderr)
            found = [p for p in (site / "pagefind").rglob("*.pf_fragment") if token.encode() in gzip.decompress(p.read_bytes())]
            assert found, (room, done.stderr)


def test_ctrl_c_while_a_task_is_handed_to_the_workers_leaves_no_hang() -> None:
    # Ctrl-C pressed just as submit() queues a task (after the pool has recorded it): the
    # KeyboardInterrupt comes once the task is queued, so the pool's shutdown does not wait
    # for a task that no worker would ever get (builds hung after such a Ctrl-C).
    import multiprocessing
    import threading

    from newsroom import lifeline

    pool = lifeline.pool(1, multiprocessing.get_context("fork"))
    ids = pool._work_ids   # CPython's ProcessPoolExecutor: its queue of task ids, read by its manager
    put = ids.put

    def pressed_here(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)
        put(*args, **kwargs)

    ids.put = pressed_here
    with pytest.raises(KeyboardInterrupt):
        pool.submit(int)
    ended = threading.Thread(target=pool.shutdown, daemon=True)
    ended.start()
    ended.join(30)
    if ended.is_alive():   # let the stuck pool go, so that the test run itself ends
        pool._pending_work_items.clear()
        pool._executor_manager_thread_wakeup.wakeup()
    assert not ended.is_alive(), "the pool waited for a task no worker got"


class _Interrupting:
    """A class attribute whose __set_name__ meets a Ctrl-C: the moment Python 3.11 wraps it."""

    def __set_name__(self, owner: type, name: str) -> None:
        raise KeyboardInterrupt


def _class_made_during_ctrl_c() -> None:
    class Record:   # noqa: F841 (made for its __set_name__)
        field = _Interrupting()


def test_ctrl_c_while_a_class_is_made_is_still_a_ctrl_c() -> None:
    with pytest.raises(BaseException) as caught:
        _class_made_during_ctrl_c()
    assert isinstance(interrupts.unwrapped(caught.value), KeyboardInterrupt)
    assert interrupts.unwrapped(RuntimeError("a real error")) is None


def test_ctrl_c_while_a_module_loads_mid_build_is_one_line(tmp_path: Path, monkeypatch) -> None:
    from newsroom import builder, config, stages

    root = make_archive(tmp_path / "archive", 3, photos=False)
    cfg, problems = config.load(root)

    def loads_a_module(run: object) -> bool:
        _class_made_during_ctrl_c()
        return True

    monkeypatch.setattr(stages, "STAGES", (("load", loads_a_module),) + stages.STAGES)
    with pytest.raises(KeyboardInterrupt):
        builder.build(cfg, problems, builder.Options(jobs=1))
    assert not (root / "site").exists()
    # The command line: one line and 130, whichever part of it the Ctrl-C met.
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import test_clean_exits as t; "
              "from newsroom import cli; cli.main = lambda *a: t._class_made_during_ctrl_c(); cli.entry()")
    done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.strip()) == (130, NOT_CHANGED)


def test_ctrl_c_as_pillow_loads_its_plugins_is_not_the_photos_problem(monkeypatch) -> None:
    from newsroom import images, photos

    monkeypatch.setattr(images, "open_image", lambda data, max_pixels: _class_made_during_ctrl_c())
    with pytest.raises(BaseException) as caught:
        photos._image_info(next((REPO / "photos").rglob("*.jpg")).read_bytes(), 10**8)
    assert isinstance(interrupts.unwrapped(caught.value), KeyboardInterrupt)


@pytest.mark.parametrize("reader", ["xmp", "exif"])
def test_ctrl_c_while_a_photos_metadata_is_read_is_not_swallowed(monkeypatch, reader) -> None:
    # Metadata is optional, so a broken block is skipped; a Ctrl-C there must still stop the build.
    from PIL import Image

    from newsroom import embedded, photos

    if reader == "xmp":
        monkeypatch.setattr(embedded, "_xmp", lambda img: _class_made_during_ctrl_c())
    else:
        monkeypatch.setattr(Image.Image, "getexif", lambda img: _class_made_during_ctrl_c())
    photo = next((REPO / "photos").rglob("*.jpg")).read_bytes()
    with pytest.raises(BaseException) as caught:
        photos._image_info(photo, 10**8)
    assert isinstance(interrupts.unwrapped(caught.value), KeyboardInterrupt)
