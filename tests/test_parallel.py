"""Both cores: reading and rendering on worker processes give the same site as one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import corpus
from newsroom import builder, config, depends, forked, parallel


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_jobs_2_builds_the_same_bytes_as_jobs_1(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "archive"
    corpus.make(root, articles=160, photos=0, seed=7)
    chunks: list[int] = []
    real_ordered = parallel.ordered

    def counting(task, items, jobs, state, min_chunks=2):
        chunks.append(len(items))
        yield from real_ordered(task, items, jobs, state, min_chunks)

    monkeypatch.setattr(parallel, "ordered", counting)
    sites = {}
    for jobs in (1, 2):
        cfg, problems = config.load(root, tmp_path / f"site-{jobs}")
        result = builder.build(cfg, problems, builder.Options(jobs=jobs, incremental=False))
        assert result.ok, [str(p) for p in result.problems]
        sites[jobs] = site_files(tmp_path / f"site-{jobs}")
    # the work really was split: 160 articles in 3 read chunks, ~400 pages in 7 render chunks
    assert chunks[0] >= 3 and chunks[1] >= 4
    assert sites[1].keys() == sites[2].keys() and len(sites[1]) > 300
    assert sites[1] == sites[2]
    html = sites[2]["index.html"].decode()
    assert "<title>" in html and "story-" in html


def test_ordered_keeps_order_and_runs_in_other_processes() -> None:
    import os

    results = list(parallel.ordered(_pid_and_value, list(range(20)), 2, {}, min_chunks=2))
    assert [value for _, value in results] == list(range(20))
    assert any(pid != os.getpid() for pid, _ in results)


def _pid_and_value(value: int) -> tuple[int, int]:
    import os

    return os.getpid(), value


def test_aside_runs_its_task_on_a_worker_while_the_other_runs_here() -> None:
    """The build saves its state while a worker writes the plan (memory._save_with_plan):
    the task runs in another process, at the same time, and its result comes back."""
    import os
    import time

    here: list[tuple[int, float]] = []

    def meanwhile() -> None:
        here.append((os.getpid(), time.monotonic()))
        time.sleep(0.3)
        here.append((os.getpid(), time.monotonic()))

    pid, started, ended = parallel.aside(_slow_pid, meanwhile, jobs=2)
    assert pid != os.getpid() and here[0][0] == os.getpid()
    assert started < here[1][1] and here[0][1] < ended   # they overlapped
    assert parallel.aside(_slow_pid, lambda: None, jobs=1)[0] == os.getpid()


def test_started_runs_its_task_in_another_process_until_its_result_is_asked_for() -> None:
    """The plan for the next build is written so (memory.start_writing_plan): the task runs
    while this process goes on; its result or its error comes back; cancel stops it at once."""
    import os
    import time

    begun = time.monotonic()
    task = forked.Started(_slow_pid)
    here = time.monotonic()   # not held up by the task's 0.3 s
    pid, started, ended = task.result()
    assert pid == task.pid != os.getpid() and here - begun < 0.2 and ended - started >= 0.3
    assert task.result()[0] == pid   # asked again: the same

    def fails() -> None:
        raise OSError(28, "No space left on device", "plan")
    with pytest.raises(OSError, match="No space left"):
        forked.Started(fails).result()

    forever = forked.Started(lambda: time.sleep(60))
    begun = time.monotonic()
    forever.cancel()
    assert time.monotonic() - begun < 5 and forever.result() is None
    with pytest.raises(ProcessLookupError):
        os.kill(forever.pid, 0)   # gone, and reaped
    here = forked.Started(_slow_pid, jobs=1)   # -j 1: no other process
    assert here.pid is None and here.result()[0] == os.getpid()


def _slow_pid() -> tuple[int, float, float]:
    import os
    import time

    started = time.monotonic()
    time.sleep(0.3)
    return os.getpid(), started, time.monotonic()


def test_a_page_failing_on_a_worker_leaves_the_site_and_no_staging_folder(tmp_path: Path) -> None:
    """The workers write the pages they render into the staging folder: a template error
    on a late page fails the build with its template's line, the published site stays as it
    was, and the staging folder is gone (the workers finished before it was removed)."""
    root = tmp_path / "archive"
    corpus.make(root, articles=160, photos=0, seed=7)
    site = tmp_path / "site"
    cfg, problems = config.load(root, site)
    assert builder.build(cfg, problems, builder.Options(jobs=2, incremental=False)).ok
    before = site_files(site)
    stories = sorted(path.removesuffix("index.html") for path in before
                     if path.count("/") == 4 and path.endswith("/index.html") and not path.startswith("editions/"))
    late = stories[len(stories) * 3 // 4]
    default = (Path(__file__).resolve().parent.parent / "templates" / "article.html").read_text(encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "article.html").write_text(
        default.replace("{% block description %}",
                        f'{{% block description %}}{{% if page_path == "{late}" %}}{{{{ no_such_value }}}}{{% endif %}}', 1),
        encoding="utf-8")
    cfg, problems = config.load(root, site)
    result = builder.build(cfg, problems, builder.Options(jobs=2, incremental=False))
    assert not result.ok
    assert any(p.path == "templates/article.html" and p.line > 0 and late in str(p) for p in result.problems), \
        [str(p) for p in result.problems]
    assert site_files(site) == before
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name] == []


def test_an_edit_that_moves_a_story_fingerprints_pages_on_workers_as_here(tmp_path: Path, monkeypatch) -> None:
    # A new date makes the plan again and the pages it can reach are fingerprinted
    # (rebuild.RECHECK; dated before every other story, it renumbers every later issue of the
    # paper: most print pages), on two workers here, in tasks of 64 pages: the same digests as
    # in one process, the same pages rendered again, and the site a clean build makes.
    monkeypatch.setattr(parallel, "FINGERPRINTS", 64)
    root = tmp_path / "archive"
    made = corpus.make(root, articles=120, photos=0, seed=3)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: false\n")
    cfg, problems = config.load(root, root / "site")
    assert builder.build(cfg, problems, builder.Options(jobs=2)).ok
    story = made.articles[60]
    text = story.read_text(encoding="utf-8")
    date = text.split("\ndate: ", 1)[1][:10]
    story.write_text(text.replace(f"\ndate: {date}", "\ndate: 2009-01-02", 1), encoding="utf-8")
    tasks: list[tuple[str, int]] = []
    real_ordered = parallel.ordered

    def counting(task, items, jobs, state, min_chunks=2):
        tasks.append((task.__name__, len(items)))
        yield from real_ordered(task, items, jobs, state, min_chunks)
    monkeypatch.setattr(parallel, "ordered", counting)
    result = builder.build(cfg, problems, builder.Options(jobs=2))
    assert result.ok and result.records["decision"].case == "recheck"
    assert any(name == "_fingerprint_range" and chunks >= 3 for name, chunks in tasks), tasks
    planned, archive = result.records["planned"], result.records["archive"]
    assert len(planned) > 4 * 64
    here = [depends.Values(archive).context(page) for page in planned]
    assert result.records["decision"].contexts == here
    assert 1 <= result.rendered < len(planned)
    cfg_clean, problems = config.load(root, tmp_path / "clean")
    assert builder.build(cfg_clean, problems, builder.Options(jobs=1, incremental=False)).ok
    assert site_files(root / "site") == site_files(tmp_path / "clean")
