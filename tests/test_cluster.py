"""The image stage on a Dask cluster gives byte-identical renditions, with no shared disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsroom import builder, config, images
from newsroom import cluster as cluster_mod

distributed = pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parent.parent


def archive(root: Path) -> Path:
    shutil.copytree(REPO / "photos", root / "photos")
    for name in ("site.yaml", "streets.yaml", "reporters.yaml"):
        shutil.copy(REPO / name, root / name)
    return root


def media(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "site" / "media").iterdir()}


def test_cluster_renditions_equal_local_ones(tmp_path: Path, monkeypatch) -> None:
    local = archive(tmp_path / "local")
    remote = archive(tmp_path / "remote")
    cfg, problems = config.load(local)
    assert builder.build(cfg, problems, builder.Options(jobs=1)).ok

    sent: list[images.RenditionJob] = []
    real_with_data = cluster_mod.with_data

    def spy(job: images.RenditionJob) -> images.RenditionJob:
        sent.append(real_with_data(job))
        return sent[-1]

    monkeypatch.setattr(cluster_mod, "with_data", spy)
    # tcp, not in-process queues: every job and rendition is serialised over a socket.
    with distributed.LocalCluster(n_workers=1, processes=False, host="127.0.0.1", protocol="tcp",
                                  dashboard_address=None) as cluster:
        cfg, problems = config.load(remote)
        result = builder.build(cfg, problems, builder.Options(executor=cluster.scheduler_address))
    assert result.ok, [str(p) for p in result.problems]
    assert result.renditions_made == 8 * 3 * 2   # files: every width in both formats
    # every job travelled with its photo's bytes and without a path to read them from
    assert len(sent) == 8 and all(job.data and job.source == "" for job in sent)
    assert media(remote) == media(local)
    assert len(media(local)) == 8 * 3 * 2


def test_unreachable_scheduler_is_a_problem_not_a_traceback(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cluster_mod, "TIMEOUT", 1)
    root = archive(tmp_path / "archive")
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(executor="tcp://127.0.0.1:1"))
    assert not result.ok
    assert any(p.path == "--executor" and "127.0.0.1:1" in p.message for p in result.problems)
    assert not (root / "site").exists()
