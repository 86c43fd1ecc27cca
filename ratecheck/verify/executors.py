"""Where tasks run: in this process (default), on local processes (``workers``), or on a Dask
distributed cluster (``scheduler``). Every executor runs the same function, :func:`run_task`, on
the same :class:`Task` values and yields ``(index, result)`` pairs as tasks finish, so the three
paths give the same numbers (bit for bit on NumPy).

A task is one claim with its whole grid: the experiments fit a rate across their grid points
and often serve several grid points from one run (a horizon grid read off one trajectory's
checkpoints), so the grid is not split further.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ratecheck.errors import UsageError


class TaskFailed(RuntimeError):
    """A worker died or raised while running a task; the message names the task."""


@dataclass(frozen=True)
class Task:
    """One claim to run: everything a worker needs, in plain values (picklable)."""

    claim_id: str
    quick: bool
    seeds: int
    backend: str
    grid: tuple[tuple[str, tuple[float, ...]], ...]
    module: str  # where the claim's experiment is registered (user claims live elsewhere)


def run_task(task: Task) -> tuple[Any, float]:
    """Run one task's experiment; returns (Outcome, wall seconds)."""
    from ratecheck.backend import namespace
    from ratecheck.theory import get_claim
    from ratecheck.verify.experiments import Settings, get_experiment
    from ratecheck.verify.experiments.base import has_experiment

    if not has_experiment(task.claim_id):  # a user-defined claim, in a fresh worker
        importlib.import_module(task.module)
    claim = get_claim(task.claim_id)
    grid = dict(task.grid)
    settings = Settings(task.quick, task.seeds, namespace(task.backend), task.backend, grid)
    start = time.perf_counter()
    outcome = get_experiment(task.claim_id).run(claim, settings, grid)
    return outcome, time.perf_counter() - start


def in_process(tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[Any, float]]]:
    for i, task in enumerate(tasks):
        yield i, run_task(task)


def local_processes(tasks: Sequence[Task], workers: int) -> Iterator[tuple[int, tuple[Any, float]]]:
    """``workers`` spawned processes (spawn: safe with BLAS threads and CUDA)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
    pending = set(futures.values())
    try:
        for future in as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                lost = ", ".join(tasks[j].claim_id for j in sorted(pending))
                raise TaskFailed(f"a worker process died while running one of: {lost}") from None
            pending.discard(i)
            yield i, result
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def dask_cluster(tasks: Sequence[Task], scheduler: str) -> Iterator[tuple[int, tuple[Any, float]]]:
    """The tasks on the Dask distributed scheduler at ``scheduler`` (extra ``cluster``)."""
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            "--scheduler needs Dask distributed (pip install 'ratecheck[cluster]')"
        ) from None
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(
            f"cannot reach the Dask scheduler at '{scheduler}' ({type(exc).__name__}); "
            "give a running scheduler's address, e.g. tcp://127.0.0.1:8786"
        ) from None
    return _dask_results(client, tasks)


def _dask_results(client: Any, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[Any, float]]]:
    from distributed import KilledWorker, as_completed

    futures = client.map(run_task, tasks, pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for future in as_completed(futures, loop=client.loop):
            i = index[future.key]
            try:
                yield i, future.result()
            except (KilledWorker, OSError) as exc:  # a dead worker or a lost connection
                raise TaskFailed(
                    f"the cluster lost task {tasks[i].claim_id} ({type(exc).__name__})"
                ) from None
    finally:
        client.cancel(futures)
        client.close()


def execute(
    tasks: Sequence[Task], workers: int = 1, scheduler: str | None = None
) -> Iterator[tuple[int, tuple[Any, float]]]:
    """Run ``tasks`` on the chosen executor; yields (index into tasks, (Outcome, wall s))."""
    if scheduler is not None:
        return dask_cluster(tasks, scheduler)
    if workers > 1:
        return local_processes(tasks, workers)
    return in_process(tasks)


__all__ = ["Task", "TaskFailed", "execute", "run_task"]
