"""``ratecheck.verify``: run claims' experiments and judge them.

>>> import ratecheck
>>> [v.checked for v in ratecheck.verify(["hb-polyak-transient"], quick=True)]
[True]
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Real
from typing import Any

from ratecheck.backend import namespace
from ratecheck.errors import UsageError
from ratecheck.verify.cache import TaskCache, claim_fingerprint, is_builtin, task_key
from ratecheck.verify.executors import Task, TaskFailed, pool
from ratecheck.verify.experiment import (
    Outcome,
    PieceKept,
    PiecesNeeded,
    Settings,
    merge_outcomes,
)
from ratecheck.verify.registry import all_claims, get_claim, get_experiment
from ratecheck.verify.store import ResultStore
from ratecheck.verify.verdict import ALPHA, Verdict

# An undecided claim's seeds double up to this factor of its mode's: quick mode 2× (2 looks, so
# that the quick suite stays within minutes), full mode 8× (4 looks). Each look is judged at
# ALPHA / looks.
MAX_SEED_FACTOR = {True: 2, False: 8}


def looks_allowed(quick: bool) -> int:
    """1 + log2 of the mode's seed factor: how many looks a claim may take."""
    return MAX_SEED_FACTOR[quick].bit_length()


def undecided(outcome: Outcome) -> bool:
    """More seeds could decide it: the claim is inconclusive, or it holds and its control is
    inconclusive (a refuted claim is decided)."""
    result, control = outcome.result.outcome, outcome.control.outcome
    return result == "inconclusive" or (result == "holds" and control == "inconclusive")


def resolve(ids: Sequence[str] | str | None) -> list[str]:
    """Claim ids to run, each once, in the order first named: all of them for None or an empty
    list (except those whose optional modules are not installed, see :func:`unavailable`);
    UsageError for an unknown id or a named claim whose optional modules are missing."""
    if not ids:
        return [c.id for c in all_claims() if not c.missing]
    if isinstance(ids, str):
        ids = [ids]
    if not all(isinstance(i, str) for i in ids):
        raise UsageError(
            f"ids must be claim ids (strings), e.g. ['hb-acceleration'], got {list(ids)!r}"
        )
    claims = [get_claim(i) for i in dict.fromkeys(ids)]
    for c in claims:
        if c.missing:
            raise UsageError(
                f"claim {c.id} needs {', '.join(c.missing)} (pip install 'ratecheck[torch]')"
            )
    return [c.id for c in claims]


def repeated(ids: Sequence[str]) -> dict[str, int]:
    """The ids named more than once, with how often (they run once)."""
    counts = Counter(ids)
    return {i: n for i, n in counts.items() if n > 1}


def _whole_number(name: str, value: object, flag: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{name} must be a whole number ≥ 1 (e.g. {flag}), got {value!r}")
    return value


def checked_grid(grid: object) -> dict[str, tuple[float, ...]]:
    """A grid override as {name: (v1, v2, ...)} of real numbers, or a UsageError saying which
    argument is wrong and what it should look like."""
    form = "a mapping from parameter names to non-empty sequences of numbers, e.g. "
    form += "{'kappa': (10, 100)}"
    if grid is None:
        return {}
    if not isinstance(grid, Mapping):
        raise UsageError(f"grid must be {form}, got {grid!r}")
    out = {}
    for name, values in grid.items():
        if not isinstance(name, str):
            raise UsageError(f"grid must be {form}; the key {name!r} is not a name")
        sequence = not isinstance(values, (str, bytes)) and isinstance(values, Iterable)
        items = tuple(values) if sequence else ()
        if not items or any(isinstance(v, bool) or not isinstance(v, (Real, str)) for v in items):
            raise UsageError(
                f"grid['{name}'] must be a non-empty sequence of numbers (or names on a "
                f"categorical axis), e.g. (10, 100) or ('spectral',), got {values!r}"
            )
        values = tuple(v if isinstance(v, str) else float(v) for v in items)
        repeated = [v for v in dict.fromkeys(values) if values.count(v) > 1]
        if repeated:  # a value's streams are keyed by it: two points would share them
            shown = repeated[0] if isinstance(repeated[0], str) else format(repeated[0], "g")
            unique = ",".join(
                v if isinstance(v, str) else format(v, "g") for v in dict.fromkeys(values)
            )
            raise UsageError(
                f"grid['{name}'] gives {shown} more than once; give each value once, e.g. "
                f"{name}={unique}"
            )
        out[name] = values
    return out


def unavailable() -> list[str]:
    """Claims that --all leaves out here because their optional modules are missing."""
    return [c.id for c in all_claims() if c.missing]


def verify(
    ids: Sequence[str] | str | None = None,
    *,
    quick: bool = False,
    backend: str = "numpy",
    seeds: int | None = None,
    grid: dict[str, tuple[float, ...]] | None = None,
    out: str | os.PathLike | None = None,
    on_verdict: Callable[[Verdict], None] | None = None,
    cache: TaskCache | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    on_task: Callable[[Task, float, int], None] | None = None,
    durations: Mapping[str, float] | None = None,
) -> list[Verdict]:
    """Verify claims; return one Verdict each (checked, refuted or inconclusive), in claim
    order.

    Seeds: ``seeds`` fixes the seeds per grid point (one look, judged at α = ALPHA). By default
    each claim starts at its mode's seeds and, while it (or, when it holds, its control) is
    inconclusive, is run again with twice the seeds, up to MAX_SEED_FACTOR× (2× in quick mode,
    8× in full mode); every look is judged at α = ALPHA/looks, so the whole procedure keeps
    its false-hold and false-refute rates at most ALPHA (Bonferroni over looks). Seed streams
    are prefix-stable: a look repeats the previous look's seeds exactly and adds new ones. The
    comparison claims keep their declared seeds (a paired protocol fixed in advance). The
    record names the seeds of every look (``seeds_per_look``).

    ``grid`` overrides a grid parameter (e.g. {"kappa": (10, 100)}) for every claim that has
    it. ``out`` writes each finished claim's rows and verdicts.json as it finishes (figures:
    ratecheck plot). ``cache`` (a TaskCache) reuses finished outcomes with the same content key
    and stores new ones once they finish; a claim's tasks keep their finished pieces there (a
    look's seed blocks, :meth:`Context.seedwise`; training runs), or without a cache in a
    temporary folder of this run, so that a later look computes only its new seeds either way.
    ``workers`` > 1 runs claims on that many local processes, ``scheduler`` on a Dask
    distributed cluster; the verdicts are the same.
    ``on_verdict`` is called as each claim finishes (in finishing order); ``on_task`` as each
    task computed (one look at one part of a claim, or one piece of it: ``task.piece``)
    finishes, with the task, its wall seconds and the number of tasks still running. On
    ``workers`` > 1 or a ``scheduler``, a part whose code prepares several missing pieces
    (:meth:`Context.prepare`: a comparison's training runs, a look's seed blocks) runs them as
    tasks of their own and then runs again, reading them back: the same numbers.
    ``durations``: recorded wall seconds by :func:`duration_label`, the parallel executors'
    scheduling hint (default: the cache's; a run without a cache can still read them, as
    ``ratecheck verify --no-cache`` does).
    """
    twice = repeated(list(ids)) if ids and not isinstance(ids, str) else {}
    if twice:
        named = ", ".join(f"{i} ({n}×)" for i, n in twice.items())
        warnings.warn(f"claims named more than once run once: {named}", stacklevel=2)
    claim_ids = resolve(ids)
    if seeds is not None:
        seeds = _whole_number("seeds", seeds, "seeds=8")
    workers = _whole_number("workers", workers, "workers=2")
    if not isinstance(backend, str):
        raise UsageError(f"backend must be a backend's name (valid: numpy, cupy), got {backend!r}")
    namespace(backend)  # an unusable backend is a one-line error before anything runs
    tasks = plan(claim_ids, bool(quick), backend, seeds, checked_grid(grid))
    if cache is not None and not cache.check_writable():
        cache = None
    # tasks keep their finished pieces (a look's seed blocks, training runs) in the cache, or,
    # without one, in a folder of this run's own, so that its later looks still reuse them
    scratch = None if cache is not None else tempfile.TemporaryDirectory(prefix="ratecheck-")
    pieces = str(cache.folder) if cache is not None else scratch.name
    parallel = workers > 1 or scheduler is not None
    tasks = [dataclasses.replace(t, cache=pieces, fan_out=parallel) for t in tasks]
    adaptive = seeds is None
    alpha = ALPHA / looks_allowed(bool(quick)) if adaptive else ALPHA
    store = ResultStore(out, backend, claim_ids) if out is not None else None
    verdicts: dict[int, Verdict] = {}
    looks: dict[int, list[int]] = {i: [] for i in range(len(tasks))}
    spent: dict[int, float] = dict.fromkeys(range(len(tasks)), 0.0)

    def finish(i: int, outcome: Outcome, wall_s: float, from_cache: bool) -> None:
        task = tasks[i]
        claim = get_claim(task.claim_id)
        outcome.result.kind = outcome.control.kind = claim.kind
        extra = {
            "grid": dict(task.grid),
            "from_cache": from_cache,
            "seeds_per_look": looks[i],
            **outcome.extra,
        }
        verdict = Verdict(
            claim, outcome.result, outcome.control, backend, task.seeds, quick, wall_s, extra
        )
        if store is not None:
            store.add(verdict.record(), outcome.rows)
        if on_verdict is not None:
            on_verdict(verdict)
        verdicts[i] = verdict

    def look(i: int, outcome: Outcome, wall_s: float, from_cache: bool) -> bool:
        """Record one look at task i; True when it needs another look with more seeds."""
        outcome.result.alpha = outcome.control.alpha = alpha
        looks[i].append(tasks[i].seeds)
        spent[i] += wall_s
        claim = get_claim(tasks[i].claim_id)
        more = tasks[i].seeds * 2 <= looks[i][0] * MAX_SEED_FACTOR[bool(quick)]
        if adaptive and claim.kind != "comparison" and more and undecided(outcome):
            tasks[i] = dataclasses.replace(tasks[i], seeds=tasks[i].seeds * 2)
            return True
        finish(i, outcome, spent[i], from_cache)
        return False

    parts = [split(task) for task in tasks]
    done: dict[int, dict[int, tuple[Outcome, float, bool]]] = {i: {} for i in range(len(tasks))}

    def part_finished(i: int, j: int, outcome: Outcome, wall_s: float, cached: bool) -> None:
        """Part j of task i is in; once all its parts are, judge the look (and maybe start
        the next one)."""
        done[i][j] = (outcome, wall_s, cached)
        if len(done[i]) < len(parts[i]):
            return
        results = [done[i][k] for k in range(len(parts[i]))]
        try:
            merged = merge_outcomes([outcome for outcome, _, _ in results])
        except ValueError as exc:  # the claim's code: one line, exit 2 for a user claim
            task = tasks[i]
            raise TaskFailed(f"claim {task.claim_id}: {exc}", not is_builtin(task.module)) from None
        if cache:  # only the parts of a look that merged (a broken claim leaves nothing)
            for part, (outcome, _, cached) in zip(parts[i], results):
                if not cached:
                    cache.store(_key(part), outcome)
        seconds = sum(wall for _, wall, _ in results)
        if look(i, merged, seconds, all(cached for _, _, cached in results)):
            parts[i], done[i] = split(tasks[i]), {}
            submit_all([((i, j), part) for j, part in start(i)])

    def start(i: int) -> list[tuple[int, Task]]:
        """Task i's next look: each part judged from the cache when it is there; returns the
        parts to run."""
        to_run = []
        for j, part in enumerate(parts[i]):
            begin = time.perf_counter()
            outcome = cache.load(_key(part)) if cache else None
            if outcome is None:
                to_run.append((j, part))
            else:
                part_finished(i, j, outcome, time.perf_counter() - begin, True)
        return to_run

    running = 0
    if durations is None:
        durations = cache.durations() if cache else {}
    # fanned out parts (a Context.prepare's missing pieces as tasks): the pieces still running,
    # the seconds the part took so far, and its last request (the same request twice means the
    # workers do not share the pieces folder: the part then computes its pieces itself)
    waiting: dict[tuple[int, int], int] = {}
    part_seconds: dict[tuple[int, int], float] = {}
    asked: dict[tuple[int, int], PiecesNeeded] = {}

    def fan_out(i: int, j: int, needed: PiecesNeeded) -> None:
        """Part j of task i stopped at a prepared batch: run its missing pieces as tasks."""
        part = parts[i][j]
        if asked.get((i, j)) == needed:
            parts[i][j] = dataclasses.replace(part, fan_out=False)
            submit_all([((i, j), parts[i][j])])
            return
        asked[(i, j)] = needed
        waiting[(i, j)] = len(needed.items)
        pieces = [dataclasses.replace(part, piece=(needed.batch, k)) for k in needed.items]
        submit_all([((i, j, *p.piece), p) for p in pieces])

    def submit_all(pairs: list[tuple[tuple[int, int], Task]]) -> None:
        """Submit parts keyed (task, part): on parallel executors the longest first."""
        nonlocal running
        for key, part in longest_first(pairs, durations) if parallel else pairs:
            running += 1
            executor.submit(key, part)

    try:
        with pool(workers, scheduler) as executor:
            submit_all([((i, j), part) for i in range(len(tasks)) for j, part in start(i)])
            for (i, j, *piece), (result, wall_s) in executor.finished():
                running -= 1
                part_seconds[(i, j)] = part_seconds.get((i, j), 0.0) + wall_s
                if on_task is not None:
                    task = parts[i][j]
                    on_task(dataclasses.replace(task, piece=tuple(piece) or None), wall_s, running)
                if isinstance(result, PieceKept):
                    waiting[(i, j)] -= 1
                    if not waiting[(i, j)]:
                        submit_all([((i, j), parts[i][j])])
                    continue
                if isinstance(result, PiecesNeeded):
                    fan_out(i, j, result)
                    continue
                seconds = part_seconds.pop((i, j))
                asked.pop((i, j), None)
                if cache:
                    cache.record_duration(duration_label(parts[i][j]), seconds)
                part_finished(i, j, result, seconds, False)
    finally:
        if scratch is not None:
            scratch.cleanup()
    return [verdicts[i] for i in range(len(tasks))]


def plan(
    claim_ids: Sequence[str],
    quick: bool,
    backend: str,
    seeds: int | None,
    grid: dict[str, tuple[float, ...]] | None,
) -> list[Task]:
    """One task per claim, with its seeds and its grid (quick/full values, then overrides)."""
    from ratecheck.user import claim_source

    experiments = [get_experiment(i) for i in claim_ids]
    known = sorted({g.name for e in experiments for g in e.grid})
    for name in grid or {}:
        if name not in known:
            raise UsageError(
                f"no selected claim has the grid parameter '{name}'; "
                f"valid: {', '.join(known) or 'none'}"
            )
    tasks = []
    for claim_id, experiment in zip(claim_ids, experiments):
        n_seeds = seeds or (experiment.seeds_quick if quick else experiment.seeds_full)
        own = {k: v for k, v in (grid or {}).items() if k in {g.name for g in experiment.grid}}
        settings = Settings(quick=quick, seeds=n_seeds, xp=None, backend=backend, overrides=own)
        values = experiment.values(settings)
        module = claim_source(experiment.run.__module__)  # a path for a claim file's claims
        tasks.append(Task(claim_id, quick, n_seeds, backend, tuple(values.items()), module))
    return tasks


def split(task: Task) -> list[Task]:
    """One task per combination of values of the claim's independent axes (grid order); the
    task itself when it has none (``Axis.independent``)."""
    independent = {a.name for a in get_experiment(task.claim_id).grid if a.independent}
    grid = dict(task.grid)
    names = [name for name in grid if name in independent]
    if not names:
        return [task]
    out = []
    for values in itertools.product(*(grid[name] for name in names)):
        one = {**grid, **{name: (value,) for name, value in zip(names, values)}}
        out.append(dataclasses.replace(task, grid=tuple(one.items())))
    return out


def longest_first(parts: Sequence[tuple[Any, Task]], seconds: Mapping[str, float]) -> list:
    """``(key, task)`` pairs in submission order for parallel executors: tasks with no recorded
    duration first (they may be long), those that train networks (their claims need PyTorch:
    the longest of the suite) before the others, claims in the given order and each claim's
    parts last first (the estimate: size axes ascend, so a claim's last width, depth or budget
    is its likeliest longest part); then the tasks with a recorded duration (``seconds``, by
    :func:`duration_label`), longest first."""
    known = [seconds.get(duration_label(task)) for _, task in parts]
    trains = ["torch" in get_claim(task.claim_id).requires for _, task in parts]
    first_of: dict[str, int] = {}
    for k, (_, task) in enumerate(parts):
        first_of.setdefault(task.claim_id, k)
    order = sorted(
        range(len(parts)),
        key=lambda k: (
            known[k] is not None,
            -(known[k] or 0.0),
            not trains[k],
            first_of[parts[k][1].claim_id],
            -k,
        ),
    )
    return [parts[k] for k in order]


def duration_label(task: Task) -> str:
    """The key of a task's recorded duration (``durations.json``): claim, mode, backend, seeds
    and grid, readable."""
    grid = ";".join(f"{name}={','.join(map(str, values))}" for name, values in task.grid)
    mode = "quick" if task.quick else "full"
    return f"{task.claim_id} {mode} {task.backend} seeds={task.seeds} {grid}"


def _key(task: Task) -> str:
    code = claim_fingerprint(get_claim(task.claim_id), get_experiment(task.claim_id))
    grid = dict(task.grid)
    return task_key(task.claim_id, grid, task.seeds, task.quick, task.backend, claim_code=code)
