"""Where tasks run: in this process (default), on local processes (``workers``), or on a Dask
distributed cluster (``scheduler``). Every executor is a :class:`Pool` that runs the same function,
:func:`run_task`, on the same :class:`Task` values and yields ``(index, result)`` pairs as tasks
finish, so the three paths give the same numbers (bit for bit on NumPy).

A task is one claim at one value of each of its independent axes (``Axis.independent``: a
geometry, a moment order p, a depth), or the claim with its whole grid when it has none: the
experiments fit a rate across their other axes and often serve several grid points from one run
(a horizon grid read off one trajectory's checkpoints). ``ratecheck.verify.api`` merges a
claim's tasks into one outcome (``merge_outcomes``) before judging it.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ratecheck.errors import UsageError


class TaskFailed(RuntimeError):
    """A worker died or raised while running a task; the message names the task.
    ``user_claim``: the task was a claim defined outside the package (bad input, exit 2)."""

    def __init__(self, message: str, user_claim: bool = False) -> None:
        super().__init__(message, user_claim)

    def __str__(self) -> str:
        return str(self.args[0])

    @property
    def user_claim(self) -> bool:
        return bool(self.args[1])


@dataclass(frozen=True)
class Task:
    """One claim to run: everything a worker needs, in plain values (picklable)."""

    claim_id: str
    quick: bool
    seeds: int
    backend: str
    grid: tuple[tuple[str, tuple[float, ...]], ...]
    module: str  # the experiment's module, or the claim file it was loaded from (a path)
    cache: str | None = None  # the cache folder where the task keeps finished pieces, if any
    fan_out: bool = False  # may hand the missing pieces of a Context.prepare back as tasks
    piece: tuple[int, int] | None = None  # (batch, item): compute this prepared piece only


def run_task(task: Task) -> tuple[Any, float]:
    """Run one task's experiment; returns (result, wall seconds). The result is the Outcome,
    or, under ``task.fan_out``, the :class:`PiecesNeeded` of a prepared batch with missing
    pieces, or for a piece task (``task.piece``) its :class:`PieceKept`."""
    from ratecheck.backend import namespace
    from ratecheck.verify.experiment import Settings, Stop
    from ratecheck.verify.registry import get_claim, get_experiment, has_experiment

    if not has_experiment(task.claim_id):  # a user-defined claim, in a fresh worker
        if task.module.endswith(".py"):
            from ratecheck.user import load_claim_file

            load_claim_file(task.module)
        else:
            importlib.import_module(task.module)
    claim = get_claim(task.claim_id)
    keep_freed_memory()
    grid = dict(task.grid)
    xp = namespace(task.backend)
    settings = Settings(
        task.quick, task.seeds, xp, task.backend, grid, task.cache, task.fan_out, task.piece
    )
    start = time.perf_counter()
    try:
        outcome = get_experiment(task.claim_id).run(claim, settings, grid)
    except Stop as stop:
        outcome = stop.result
    except UsageError:
        raise
    except Exception as exc:  # a bug in the claim's code: named in one line, chained
        first = (str(exc).splitlines() or [""])[0]
        message = f"claim {task.claim_id} raised {type(exc).__name__}: {first}"
        from ratecheck.verify.cache import is_builtin

        raise TaskFailed(message, user_claim=not is_builtin(task.module)) from exc
    return outcome, time.perf_counter() - start


# glibc malloc's thresholds, set once per process by keep_freed_memory (mallopt's parameters)
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024  # glibc's largest: 4 * 1024 * 1024 * sizeof(long)
TRIM_THRESHOLD_BYTES = 128 * 1024 * 1024


@functools.cache
def keep_freed_memory() -> bool:
    """Let glibc keep the memory of freed arrays for the next ones instead of handing every
    large array back to the kernel (which then faults each page in again on the next step).

    glibc serves an allocation above its mmap threshold (128 KiB at start) with a fresh
    ``mmap`` and returns it at ``free``, and trims the heap's top above its trim threshold. A
    long-lived process raises both by itself as it frees large blocks; a fresh worker does not,
    and Dask's nanny fixes the trim threshold at 64 KiB (``MALLOC_TRIM_THRESHOLD_``), which
    stops that. A step that allocates megabyte temporaries then spends more time in page faults
    than in arithmetic: relu-hb-rate (quick) took 9.6 s in a fresh process (5.7 s of it system
    time) and 3.8 s with these thresholds, at the same peak memory. Arrays up to 32 MiB come
    from the heap, and up to 128 MiB of freed heap is kept per process. Numbers do not change
    (where an array lives does not enter the arithmetic). False where this is not glibc."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )


class Pool:
    """Where tasks run. ``submit`` hands a task over under a caller's index (any sortable
    value); ``finished`` yields ``(index, (Outcome, wall seconds))`` as tasks finish, until
    none is pending, tasks submitted while it yields included (a claim's next look starts as
    soon as its previous look is judged: no round waits for the slowest claim).
    ``close(failed)`` ends the pool; with ``failed`` the running tasks are abandoned."""

    def submit(self, index: Any, task: Task) -> None:
        raise NotImplementedError

    def finished(self) -> Iterator[tuple[Any, tuple[Any, float]]]:
        raise NotImplementedError

    def close(self, failed: bool) -> None:
        """Nothing to release by default."""

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(failed=kind is not None)


class InProcess(Pool):
    """This process, one task at a time, in submission order."""

    def __init__(self) -> None:
        self._queue: deque[tuple[Any, Task]] = deque()

    def submit(self, index: Any, task: Task) -> None:
        self._queue.append((index, task))

    def finished(self) -> Iterator[tuple[Any, tuple[Any, float]]]:
        while self._queue:
            index, task = self._queue.popleft()
            yield index, run_task(task)


# Thread pools of the numerical libraries; each of ``workers`` processes gets its share of
# the cores unless the user set the variable (oversubscribed BLAS and PyTorch threads cost
# more than they gain: a torch comparison ran 4.7x slower on 2 workers with default threads).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class LocalProcesses(Pool):
    """``workers`` spawned processes (spawn: safe with BLAS threads and CUDA), each with
    cores/workers threads for BLAS and PyTorch (:data:`THREAD_VARIABLES`).

    A run that stops before every task finished (an interruption, SIGTERM turned into one by
    the command line, a failed task) kills the workers rather than letting them finish tasks
    whose results nobody collects; workers end by themselves when this process dies
    (:func:`_exit_with_parent`)."""

    def __init__(self, workers: int) -> None:
        threads = str(max(1, (os.cpu_count() or 1) // workers))
        self._environ = {name: os.environ.get(name) for name in THREAD_VARIABLES}
        for name, value in self._environ.items():
            if value is None:
                os.environ[name] = threads  # inherited by the workers spawned from here
        self._workers = workers
        self._pool = self._start()
        self._futures: dict[Any, tuple[Any, Task]] = {}
        self._attempts: dict[Any, int] = {}

    def _start(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )

    def submit(self, index: Any, task: Task) -> None:
        self._futures[self._pool.submit(run_task, task)] = (index, task)

    def finished(self) -> Iterator[tuple[Any, tuple[Any, float]]]:
        """As tasks finish. A worker that dies breaks the pool: every task then in flight
        runs again once on a fresh pool; one in flight at a second death is lost, and after
        the others finish a TaskFailed names the lost ones."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        lost: list[Task] = []
        while self._futures:
            done, _ = wait(self._futures, return_when=FIRST_COMPLETED)
            broken = []
            for future in sorted(done, key=lambda f: self._futures[f][0]):
                index, task = self._futures.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append((index, task))
                    continue
                yield index, result
            if broken:  # every other future of the broken pool fails too
                broken += list(self._futures.values())
                self._futures.clear()
                _stop(self._pool, terminate=True)
                self._pool = self._start()
                for index, task in broken:
                    self._attempts[index] = self._attempts.get(index, 0) + 1
                    if self._attempts[index] > 1:
                        lost.append(task)
                    else:
                        self.submit(index, task)
        if lost:
            names = ", ".join(sorted(t.claim_id for t in lost))
            raise TaskFailed(
                f"a worker process died while running one of: {names} (run twice; the other "
                "tasks finished)"
            )

    def close(self, failed: bool) -> None:
        _stop(self._pool, terminate=failed or bool(self._futures))
        for name, value in self._environ.items():
            if value is None:
                os.environ.pop(name, None)


def _stop(pool: Any, terminate: bool) -> None:
    """Shut ``pool`` down and wait for its workers to end; with ``terminate``, kill them first
    (SIGKILL: nothing they still compute is collected). shutdown(cancel_futures=True) alone
    drops only the queued tasks: running ones would go on, and the interpreter's exit would
    wait for them. Waiting here also keeps the pool's own thread from closing its pipes while
    the interpreter exits ("Exception ignored ... Bad file descriptor" on stderr)."""
    if terminate:
        for p in list((getattr(pool, "_processes", None) or {}).values()):  # 3.8 to 3.14
            p.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(parent: int) -> None:
    """Initializer of the local-process workers. Ctrl-C at a terminal reaches the whole
    process group: the parent handles it and ends the workers, which ignore SIGINT (no
    traceback of their own). A worker ends when its parent dies (:func:`_exit_with_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """End this worker when ``parent`` (the process that started it) dies, e.g. by SIGKILL,
    since nobody is left to collect its results. On Linux the kernel sends the worker SIGKILL
    at the parent's death (prctl PR_SET_PDEATHSIG: immediate, and it works while the worker is
    inside a long C call holding the GIL); elsewhere a daemon thread checks the parent's id
    twice a second (an orphan's parent becomes init or a subreaper)."""
    if _kill_at_parent_death():
        if os.getppid() != parent:  # the parent died before prctl was called
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="ratecheck-parent-watch", daemon=True).start()


def _kill_at_parent_death() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) on Linux; False where it is not available. The signal
    comes when the parent's thread that spawned this worker ends: ProcessPoolExecutor spawns
    its workers in the thread that submits the first task, the one that consumes the results
    here, so that thread outlives the pool."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


class DaskCluster(Pool):
    """The tasks on the Dask distributed scheduler at ``scheduler`` (extra ``cluster``);
    ``close`` cancels what is still pending and closes the client."""

    def __init__(self, scheduler: str) -> None:
        try:
            from distributed import Client, as_completed
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
        self._attach(client, as_completed)

    @classmethod
    def on(cls, client: Any) -> DaskCluster:
        """A pool over an existing client (which it closes)."""
        from distributed import as_completed

        pool = cls.__new__(cls)
        pool._attach(client, as_completed)
        return pool

    def _attach(self, client: Any, as_completed: Any) -> None:
        self._client = client
        self._pending: dict[str, tuple[Any, Task, Any]] = {}
        self._completed = as_completed([], loop=client.loop)

    def submit(self, index: Any, task: Task) -> None:
        future = self._client.submit(run_task, task, pure=False, retries=1)
        self._pending[future.key] = (index, task, future)
        self._completed.add(future)

    def finished(self) -> Iterator[tuple[Any, tuple[Any, float]]]:
        """As tasks finish; a task the cluster loses (a dead worker, a lost connection; the
        scheduler retries it once) is named in a TaskFailed after the others finish."""
        from distributed import KilledWorker

        lost = []
        while self._pending:
            future = next(self._completed)
            index, task, _ = self._pending.pop(future.key)
            try:
                result = future.result()
            except (KilledWorker, OSError) as exc:
                lost.append(f"{task.claim_id} ({type(exc).__name__})")
                continue
            yield index, result
        if lost:
            raise TaskFailed(f"the cluster lost task {', '.join(lost)}; the other tasks finished")

    def close(self, failed: bool) -> None:
        self._client.cancel([future for _, _, future in self._pending.values()])
        self._pending.clear()
        self._client.close()


def pool(workers: int = 1, scheduler: str | None = None) -> Pool:
    """The executor for these options: a Dask cluster, local processes, or this process."""
    if scheduler is not None:
        return DaskCluster(scheduler)
    if workers > 1:
        return LocalProcesses(workers)
    return InProcess()


__all__ = ["Pool", "Task", "TaskFailed", "pool", "run_task"]
