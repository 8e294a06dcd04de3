"""The image stage on a Dask distributed cluster (`--executor tcp://HOST:8786`).

Workers share no disk with the build: each RenditionJob goes out with its photo's bytes and
each Rendition comes back with its encoded files. Jobs are sent a window at a time, so a
million photos never sit in memory at once. Needs the optional extra newsroom[cluster].
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path

from . import images

WINDOW = 32     # jobs in flight: enough to keep a few dozen workers busy
TIMEOUT = 10    # seconds to wait for the scheduler


class ClusterError(Exception):
    """The cluster cannot be used (package missing, scheduler unreachable)."""


def connect(address: str, timeout: float | None = None) -> tuple[Executor, Callable[[], None]]:
    """An Executor on the scheduler at `address`, and how to close the connection."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError("--executor needs the 'distributed' package: pip install 'newsroom[cluster]'") from exc
    try:
        client = Client(address, timeout=timeout or TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    return client.get_executor(), client.close


def with_data(job: images.RenditionJob) -> images.RenditionJob:
    """The job with the photo's bytes inside, for a worker that cannot read our disk."""
    if job.data is not None:
        return job
    return dataclasses.replace(job, data=Path(job.source).read_bytes(), source="")


def run(executor: Executor, jobs: list[images.RenditionJob]) -> Iterator:
    """images.render(job) for every job on the cluster, in order (Rendition or Problem)."""
    pending: deque[Future] = deque()
    todo = iter(jobs)
    for job in todo:
        pending.append(executor.submit(images.render, with_data(job)))
        if len(pending) >= WINDOW:
            break
    while pending:
        result = pending.popleft().result()
        for job in todo:
            pending.append(executor.submit(images.render, with_data(job)))
            break
        yield result
