"""The image stage on a Dask distributed cluster (`--executor tcp://HOST:8786`).

Workers share no disk with the build: each RenditionJob goes out with its photo's bytes and
each Rendition comes back with its encoded files. Jobs are sent a window at a time, so a
million photos never sit in memory at once. Needs the optional extra newsroom[cluster].
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path

from . import images
from .i18n import Explained

TIMEOUT = 10    # seconds to wait for the scheduler


class ClusterError(Explained):
    """The cluster cannot be used (package missing, scheduler unreachable)."""


def connect(address: str, timeout: float | None = None) -> tuple[Executor, Callable[[], None]]:
    """An Executor on the scheduler at `address` (its jobs carry their bytes), and how to close it."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError("--executor needs the 'distributed' package: pip install 'newsroom[cluster]'") from exc
    try:
        client = Client(address, timeout=timeout or TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError("cannot reach the Dask scheduler at {address}: {reason}", address=address,
                           reason=exc) from exc
    return _Remote(client.get_executor()), client.close


def with_data(job: images.RenditionJob) -> images.RenditionJob:
    """The job with the photo's bytes inside, for a worker that cannot read our disk."""
    if job.data is not None:
        return job
    return dataclasses.replace(job, data=Path(job.source).read_bytes(), source="")


class _Remote(Executor):
    """Sends each job with its photo's bytes, read only as it is submitted: renditions.run
    keeps a bounded window of jobs in flight, so a million photos never sit in memory."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self._executor.submit(fn, *(with_data(a) if isinstance(a, images.RenditionJob) else a
                                           for a in args), **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=cancel_futures)
