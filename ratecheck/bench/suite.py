"""The scaling record of the whole suite: ``ratecheck bench --suite`` (issue 20's targets).

One command runs every claim (quick or full mode) on several executors — in this process, on
local worker processes, and on a Dask ``LocalCluster`` of worker processes — each with a fresh
cache folder (so every task is computed), and records:

- the per-task durations (``verify``'s ``on_task``): a task is a claim at one value of its
  independent axes for one look (seeds per grid point), as :func:`ratecheck.verify.api.split`
  makes them, or, on the parallel executors, one piece of such a part (a training run of a
  network claim: ``Context.prepare``) or one run of the part between its rounds of pieces;
- the total CPU time of each run (this process and every worker it waited for:
  ``getrusage`` of self and children);
- the wall time of each run;
- a schedule simulation (:func:`simulate`) of the measured durations on 8, 32 and 128 workers.

A kept record (``keep``: a folder, one executor) is the same run spread over as many sittings as
it takes: the finished tasks stay in the folder's cache, each computed task's duration is
appended to its ``tasks.jsonl`` as it finishes (with ``at``: seconds since its sitting began)
and each sitting's wall and CPU to its ``runs.jsonl`` (an interrupted sitting too), so a run
started again computes only what is missing, and the record is built from every sitting's lines
(the wall and CPU are their sums; a part run again after an interruption counts once more). A
sitting killed outright (SIGKILL: its ``runs.jsonl`` line never written) is *cut off*: its wall
is known only to be at least its last task's ``at`` and its CPU not at all, so the record's wall
is a lower bound and the 2-worker target is judged only where that bound exceeds the limit.

Targets (ratios, never asserted by tests; BENCHMARKS.md): wall on 2 workers ≤ 1.15 × (sum of
the first run's task durations / 2); the longest task of a parallel run ≤ 5% of the sum of its
task durations; the simulated 32-worker wall ≤ 5 minutes (full mode).
"""

from __future__ import annotations

import contextlib
import datetime
import heapq
import json
import resource
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

TWO_WORKER_RATIO = 1.15  # wall on 2 workers / (task seconds / 2)
LONGEST_SHARE = 0.05  # longest task / task seconds
SIMULATED_32_WALL_S = 300.0  # full mode
SIMULATED_WORKERS = (8, 32, 128)


Stage = tuple[float, ...]  # durations of tasks that run side by side
Part = tuple[Stage, ...]  # stages one after another: a part's runs and its pieces' rounds


@dataclass(frozen=True)
class Look:
    """One look of one claim: its parts (a claim at one value of its independent axes), run
    side by side. A part is a sequence of stages: one run of the part's task, or, where it fans
    out (``Context.prepare``), its run, then its pieces side by side, then its run again, …"""

    claim_id: str
    seeds: int
    parts: tuple[Part, ...]

    @property
    def seconds(self) -> tuple[float, ...]:
        """Every task's duration."""
        return tuple(s for part in self.parts for stage in part for s in stage)


def simulate(claims: Sequence[Sequence[Look]], workers: int) -> float:
    """Wall seconds of the measured tasks on ``workers`` identical workers, scheduled as
    ``verify`` does: a claim's looks one after another (a look's parts start when the previous
    look has been judged), a part's stages one after another, every task that is ready goes to
    the first free worker, the longest ready task first. Transfer and start-up costs are not
    modelled."""
    ready: list[tuple[float, int, int, int, int]] = []  # (−seconds, claim, look, part, stage)
    left: dict[tuple, int] = {}  # tasks left in a part's stage, parts left in a claim's look

    def start_stage(c: int, look: int, part: int, stage: int) -> None:
        durations = claims[c][look].parts[part][stage]
        left[(c, look, part)] = len(durations)
        for s in durations:
            heapq.heappush(ready, (-s, c, look, part, stage))

    def start_look(c: int, look: int) -> None:
        left[(c, look)] = len(claims[c][look].parts)
        for part in range(len(claims[c][look].parts)):
            start_stage(c, look, part, 0)

    for c, looks in enumerate(claims):
        if looks:
            start_look(c, 0)
    running: list[tuple[float, int, int, int, int]] = []  # (finish time, claim, look, part, stage)
    free, now = workers, 0.0
    while ready or running:
        while ready and free:
            s, c, look, part, stage = heapq.heappop(ready)
            heapq.heappush(running, (now - s, c, look, part, stage))
            free -= 1
        now, c, look, part, stage = heapq.heappop(running)
        free += 1
        left[(c, look, part)] -= 1
        if left[(c, look, part)]:
            continue
        if stage + 1 < len(claims[c][look].parts[part]):
            start_stage(c, look, part, stage + 1)
            continue
        left[(c, look)] -= 1
        if not left[(c, look)] and look + 1 < len(claims[c]):
            start_look(c, look + 1)
    return now


def looks_of(verdicts: Sequence[Any], events: Sequence[tuple[Any, float]]) -> list[list[Look]]:
    """Each claim's looks from the tasks a run computed (``verify``'s ``on_task``: the task,
    its wall seconds, in finishing order): a part's runs and the pieces between them become
    its stages."""
    from ratecheck.verify.api import split

    stages: dict[tuple, list[list[float]]] = {}
    kinds: dict[tuple, bool] = {}  # the kind of each part's last stage: pieces or not
    for task, seconds in events:
        key = (task.claim_id, task.seeds, task.grid)
        pieces = task.piece is not None
        if key in stages and pieces and kinds[key]:
            stages[key][-1].append(seconds)
        else:
            stages.setdefault(key, []).append([seconds])
        kinds[key] = pieces
    out = []
    for v in verdicts:
        grid = tuple((name, tuple(values)) for name, values in v.extra["grid"].items())
        looks = []
        for seeds in v.extra["seeds_per_look"]:
            parts = []
            for part in split(_task(v, seeds, grid)):
                runs = stages.get((part.claim_id, seeds, part.grid), [[float("nan")]])
                parts.append(tuple(tuple(stage) for stage in runs))
            looks.append(Look(v.claim.id, seeds, tuple(parts)))
        out.append(looks)
    return out


def _task(verdict: Any, seeds: int, grid: tuple) -> Any:
    """The task of a verdict's claim at one look, with the grid it ran."""
    from ratecheck.verify.api import plan

    (task,) = plan([verdict.claim.id], verdict.quick, verdict.backend, seeds, None)
    return replace(task, grid=grid)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class TaskLine(NamedTuple):
    """A computed task as a kept record's ``tasks.jsonl`` holds it: what :func:`looks_of`
    reads of a task."""

    claim_id: str
    seeds: int
    grid: tuple[tuple[str, tuple[Any, ...]], ...]
    piece: tuple[int, int] | None


def _task_line(task: Any, seconds: float, sitting: str, at: float) -> str:
    grid = [
        [name, [v if isinstance(v, str) else float(v) for v in values]]
        for name, values in task.grid
    ]
    return json.dumps(
        {
            "sitting": sitting,
            "claim": task.claim_id,
            "seeds": task.seeds,
            "grid": grid,
            "piece": list(task.piece) if task.piece is not None else None,
            "seconds": seconds,
            "at": at,
        }
    )


def _kept_lines(path: Path, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The JSON lines of a kept record's log; a line that is not one (a write cut short) is a
    UsageError naming it."""
    from ratecheck.errors import UsageError

    lines = []
    for number, line in enumerate(path.read_text().splitlines() if path.exists() else [], 1):
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or any(f not in record for f in fields):
                raise ValueError
        except ValueError:
            raise UsageError(
                f"{path} line {number} is not a record of {', '.join(fields)}; "
                "delete that line (a write cut short) or keep the record in a new folder"
            ) from None
        lines.append(record)
    return lines


def _check_environment(runs: Path) -> None:
    """A kept record is one code on one set of libraries (its cache keys name them): a sitting
    on another is a UsageError naming what differs."""
    from ratecheck.errors import UsageError
    from ratecheck.verify.cache import key_environment

    here = key_environment()
    for record in _kept_lines(runs, ("wall_s", "cpu_s")):
        kept = record.get("environment", here)
        differ = sorted(
            name for name in here.keys() | kept.keys() if here.get(name) != kept.get(name)
        )
        if differ:
            raise UsageError(
                f"{runs.parent} was kept by sitting {record.get('sitting')} on another "
                f"{', '.join(differ)}; run that code and those libraries, or keep this record in a "
                "new folder"
            )


_TASK_FIELDS = ("claim", "seeds", "grid", "piece", "seconds", "sitting")  # of a tasks.jsonl line


def _cut_off(tasks: list[dict[str, Any]], sittings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sittings with task lines and no line in ``runs.jsonl`` (killed before they could
    write it), each with the wall it is known to have had at least: its last task's ``at`` (0
    for a task line from before ``at`` was recorded)."""
    written = {r.get("sitting") for r in sittings}
    walls: dict[str, float] = {}
    for r in tasks:
        if r["sitting"] not in written:
            walls[r["sitting"]] = max(walls.get(r["sitting"], 0.0), r.get("at", 0.0))
    return [{"sitting": name, "wall_at_least_s": wall} for name, wall in walls.items()]


def _kept_events(tasks: list[dict[str, Any]]) -> list[tuple[TaskLine, float]]:
    """Every sitting's computed tasks (``tasks.jsonl``'s lines), in the order they finished."""
    events = []
    for r in tasks:
        grid = tuple((name, tuple(values)) for name, values in r["grid"])
        piece = tuple(r["piece"]) if r["piece"] is not None else None
        events.append((TaskLine(r["claim"], r["seeds"], grid, piece), r["seconds"]))
    return events


@contextlib.contextmanager
def _folder(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="ratecheck-suite-") as folder:
        yield Path(folder)


def run_once(
    quick: bool,
    workers: int = 1,
    dask_workers: int = 0,
    ids: Sequence[str] | None = None,
    keep: Path | None = None,
) -> dict[str, Any]:
    """Verify ``ids`` (all claims) once on one executor, uncached, or, with ``keep``, as one more
    sitting of the kept record in that folder (module docstring); returns its wall and CPU
    seconds (a kept record's: the sums over its sittings), outcomes and per-look task
    durations."""
    import ratecheck
    from ratecheck.verify.cache import TaskCache, key_environment

    events: list[tuple[Any, float]] = []
    with _folder(keep) as folder:
        if keep is not None:  # a damaged or foreign log stops the sitting before it computes
            _kept_lines(folder / "tasks.jsonl", _TASK_FIELDS)
            _check_environment(folder / "runs.jsonl")
        cache = TaskCache(folder / "cache" if keep is not None else folder)
        sitting = datetime.datetime.now().isoformat(timespec="microseconds")  # a sitting's name
        log = (folder / "tasks.jsonl").open("a") if keep is not None else None

        def on_task(task: Any, seconds: float, _running: int) -> None:
            events.append((task, seconds))
            if log is not None:
                at = time.perf_counter() - start
                log.write(_task_line(task, seconds, sitting, at) + "\n")
                log.flush()

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
        finished = False
        try:
            verdicts = ratecheck.verify(
                ids,
                quick=quick,
                cache=cache,
                workers=workers,
                scheduler=cluster.scheduler_address if cluster else None,
                on_task=on_task,
            )
            finished = True
        finally:
            if cluster is not None:
                cluster.close()
            wall = time.perf_counter() - start
            cpu = _cpu_seconds() - cpu
            if log is not None:
                log.close()
                with (folder / "runs.jsonl").open("a") as runs:
                    line = {
                        "sitting": sitting,
                        "wall_s": wall,
                        "cpu_s": cpu,
                        "finished": finished,
                        "environment": key_environment(),
                    }
                    runs.write(json.dumps(line) + "\n")
        sittings, cut_off = [{"wall_s": wall, "cpu_s": cpu}], []
        if keep is not None:
            sittings = _kept_lines(folder / "runs.jsonl", ("wall_s", "cpu_s"))
            tasks = _kept_lines(folder / "tasks.jsonl", _TASK_FIELDS)
            cut_off = _cut_off(tasks, sittings)
            events = _kept_events(tasks)
        claims = looks_of(verdicts, events)
    executor = f"dask {dask_workers} processes" if dask_workers else f"{workers} workers"
    return {
        "executor": executor,
        "parallel": bool(dask_workers) or workers > 1,
        "wall_s": sum(r["wall_s"] for r in sittings) + sum(r["wall_at_least_s"] for r in cut_off),
        "cpu_s": sum(r["cpu_s"] for r in sittings),
        "sittings": len(sittings) + len(cut_off),
        "cut_off_sittings": cut_off,
        "outcomes": {v.claim.id: v.outcome for v in verdicts},
        "looks": [
            [{"seeds": k.seeds, "seconds": list(k.seconds), "parts": k.parts} for k in looks]
            for looks in claims
        ],
        "claims": [v.claim.id for v in verdicts],
        "_looks": claims,
    }


def two_worker_target(wall_s: float, task_seconds: float, cut_off: bool) -> dict[str, Any]:
    """The 2-worker target: wall / (task seconds / 2) ≤ 1.15. Where a sitting was cut off the
    wall is a lower bound, so the ratio is one too: a bound above the limit is a miss, one
    below it judges nothing (``passed`` None)."""
    ratio = wall_s / (task_seconds / 2)
    return {
        "target": "wall on 2 workers / (task seconds / 2)",
        "measured": ratio,
        "limit": TWO_WORKER_RATIO,
        "passed": None if cut_off and ratio <= TWO_WORKER_RATIO else ratio <= TWO_WORKER_RATIO,
    }


def run_suite_benchmark(
    quick: bool = False,
    ids: Sequence[str] | None = None,
    executors: Sequence[tuple[int, int]] = ((1, 0), (2, 0), (0, 2)),
    report: Callable[[dict[str, Any]], None] | None = None,
    keep: Path | None = None,
) -> dict[str, Any]:
    """Run the suite on each executor ((workers, Dask processes): (1, 0) this process, (2, 0)
    two local workers, (0, 2) a 2-process Dask LocalCluster). The tasks of the first parallel
    run (its parts fanned out into pieces) feed the simulation and the longest-task target; the
    2-worker wall is set against the first run's task seconds (so that the cost of fanning out
    counts against it). ``keep``: a kept record in that folder (one executor; module
    docstring)."""
    if keep is not None and len(executors) != 1:
        raise ValueError("a kept record runs on one executor")
    runs = []
    for workers, dask_workers in executors:
        result = run_once(quick, max(workers, 1), dask_workers, ids, keep)
        if report is not None:
            report(result)
        runs.append(result)
    # the tasks of the first parallel run (where parts fan out into pieces), else the first run's
    reference = next((r for r in runs if r["parallel"]), runs[0])
    tasks = [s for looks in reference["_looks"] for look in looks for s in look.seconds]
    total = sum(tasks)
    simulated = {w: simulate(reference["_looks"], w) for w in SIMULATED_WORKERS}
    first = sum(s for looks in runs[0]["_looks"] for look in looks for s in look.seconds)
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
    targets += [
        two_worker_target(run["wall_s"], first, bool(run["cut_off_sittings"]))
        for run in runs
        if run["executor"] == "2 workers"
    ]
    for run in runs:
        run.pop("_looks")
    return {
        "mode": "quick" if quick else "full",
        "tasks_of": reference["executor"],
        "task_seconds": total,
        "first_run_task_seconds": first,
        "tasks": len(tasks),
        "longest_task_s": max(tasks),
        "simulated_wall_s": simulated,
        "runs": runs,
        "targets": targets,
    }


__all__ = [
    "Look",
    "TaskLine",
    "looks_of",
    "run_once",
    "run_suite_benchmark",
    "simulate",
    "two_worker_target",
]
