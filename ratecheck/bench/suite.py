"""The scaling record of the whole suite: ``ratecheck bench --suite`` (issue 20's targets).

One command runs every claim (quick or full mode) on several executors — in this process, on
local worker processes, and on a Dask ``LocalCluster`` of worker processes — each with a fresh
cache folder (so every task is computed, and the folder's ``durations.json`` records each task's
wall seconds), and records:

- the per-task durations: a task is a claim at one value of its independent axes for one look
  (seeds per grid point), as :func:`ratecheck.verify.api.split` makes them;
- the total CPU time of each run (this process and every worker it waited for:
  ``getrusage`` of self and children);
- the wall time of each run;
- a schedule simulation (:func:`simulate`) of the measured durations on 8, 32 and 128 workers.

Targets (ratios, never asserted by tests; BENCHMARKS.md): wall on 2 workers ≤ 1.15 × (sum of
task durations / 2); the longest task ≤ 5% of the sum of task durations; the simulated
32-worker wall ≤ 5 minutes (full mode).
"""

from __future__ import annotations

import heapq
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

TWO_WORKER_RATIO = 1.15  # wall on 2 workers / (task seconds / 2)
LONGEST_SHARE = 0.05  # longest task / task seconds
SIMULATED_32_WALL_S = 300.0  # full mode
SIMULATED_WORKERS = (8, 32, 128)


@dataclass(frozen=True)
class Look:
    """One look of one claim: its tasks' durations (seconds), run side by side."""

    claim_id: str
    seeds: int
    seconds: tuple[float, ...]


def simulate(claims: Sequence[Sequence[Look]], workers: int) -> float:
    """Wall seconds of the measured tasks on ``workers`` identical workers, scheduled as
    ``verify`` does: a claim's looks one after another (a look's tasks start when the previous
    look has been judged), every task that is ready goes to the first free worker, the longest
    ready task first. Transfer and start-up costs are not modelled."""
    ready: list[tuple[float, int, int, int]] = []  # (−seconds, claim, look, task)
    remaining = {c: len(looks[0].seconds) for c, looks in enumerate(claims) if looks}
    for c in remaining:
        for t, s in enumerate(claims[c][0].seconds):
            heapq.heappush(ready, (-s, c, 0, t))
    running: list[tuple[float, int, int]] = []  # (finish time, claim, look)
    free, now = workers, 0.0
    while ready or running:
        while ready and free:
            s, c, look, _ = heapq.heappop(ready)
            heapq.heappush(running, (now - s, c, look))
            free -= 1
        now, c, look = heapq.heappop(running)
        free += 1
        remaining[c] -= 1
        if remaining[c] == 0 and look + 1 < len(claims[c]):
            remaining[c] = len(claims[c][look + 1].seconds)
            for t, s in enumerate(claims[c][look + 1].seconds):
                heapq.heappush(ready, (-s, c, look + 1, t))
    return now


def looks_of(verdicts: Sequence[Any], durations: dict[str, float]) -> list[list[Look]]:
    """Each claim's looks with its tasks' recorded durations (NaN where none was recorded)."""
    from ratecheck.verify.api import duration_label, plan, split

    out = []
    for v in verdicts:
        grid = {name: tuple(values) for name, values in v.extra["grid"].items()}
        (task,) = plan([v.claim.id], v.quick, v.backend, v.seeds, None)
        task = replace(task, grid=tuple(grid.items()))
        looks = []
        for seeds in v.extra["seeds_per_look"]:
            parts = split(replace(task, seeds=seeds))
            seconds = tuple(durations.get(duration_label(p), float("nan")) for p in parts)
            looks.append(Look(v.claim.id, seeds, seconds))
        out.append(looks)
    return out


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_once(
    quick: bool, workers: int = 1, dask_workers: int = 0, ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """Verify ``ids`` (all claims) once, uncached, on one executor; returns its wall and CPU
    seconds, outcomes and per-look task durations."""
    import ratecheck
    from ratecheck.verify.cache import TaskCache

    with tempfile.TemporaryDirectory(prefix="ratecheck-suite-") as folder:
        cache = TaskCache(folder)
        cluster = None
        if dask_workers:
            from distributed import LocalCluster

            cluster = LocalCluster(
                n_workers=dask_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
        cpu, start = _cpu_seconds(), time.perf_counter()
        try:
            verdicts = ratecheck.verify(
                ids,
                quick=quick,
                cache=cache,
                workers=workers,
                scheduler=cluster.scheduler_address if cluster else None,
            )
        finally:
            if cluster is not None:
                cluster.close()
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
        claims = looks_of(verdicts, cache.durations())
    return {
        "executor": f"dask {dask_workers} processes" if dask_workers else f"{workers} workers",
        "wall_s": wall,
        "cpu_s": cpu,
        "outcomes": {v.claim.id: v.outcome for v in verdicts},
        "looks": [
            [{"seeds": k.seeds, "seconds": list(k.seconds)} for k in looks] for looks in claims
        ],
        "claims": [v.claim.id for v in verdicts],
        "_looks": claims,
    }


def run_suite_benchmark(
    quick: bool = False,
    ids: Sequence[str] | None = None,
    executors: Sequence[tuple[int, int]] = ((1, 0), (2, 0), (0, 2)),
    report: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run the suite on each executor ((workers, Dask processes): (1, 0) this process, (2, 0)
    two local workers, (0, 2) a 2-process Dask LocalCluster); the durations of the first run
    feed the simulation and the targets."""
    runs = []
    for workers, dask_workers in executors:
        result = run_once(quick, max(workers, 1), dask_workers, ids)
        if report is not None:
            report(result)
        runs.append(result)
    reference = runs[0]["_looks"]
    tasks = [s for looks in reference for look in looks for s in look.seconds]
    total = sum(tasks)
    simulated = {w: simulate(reference, w) for w in SIMULATED_WORKERS}
    targets = [
        {
            "target": "longest task / task seconds",
            "measured": max(tasks) / total,
            "limit": LONGEST_SHARE,
            "passed": max(tasks) / total <= LONGEST_SHARE,
        },
        {
            "target": "simulated wall on 32 workers (s)",
            "measured": simulated[32],
            "limit": SIMULATED_32_WALL_S,
            "passed": simulated[32] <= SIMULATED_32_WALL_S,
        },
    ]
    for run in runs:
        if run["executor"] == "2 workers":
            ratio = run["wall_s"] / (total / 2)
            targets.append(
                {
                    "target": "wall on 2 workers / (task seconds / 2)",
                    "measured": ratio,
                    "limit": TWO_WORKER_RATIO,
                    "passed": ratio <= TWO_WORKER_RATIO,
                }
            )
    for run in runs:
        run.pop("_looks")
    return {
        "mode": "quick" if quick else "full",
        "task_seconds": total,
        "tasks": len(tasks),
        "longest_task_s": max(tasks),
        "simulated_wall_s": simulated,
        "runs": runs,
        "targets": targets,
    }


__all__ = ["Look", "looks_of", "run_once", "run_suite_benchmark", "simulate"]
