"""The run context: the bookkeeping of one claim's experiment, done once for every claim.

A claim is a record, a SymPy prediction in the grid's named symbols, and a run function that
receives a :class:`Context`. Built-in claims (``ratecheck/claims/<family>/<id>.py``) and user
claims are written the same way::

    @claim(id="...", kind="linear-rate", prediction="1 - 1/kappa", control_prediction=...,
           grid=[Axis("kappa", quick=(10, 100), full=(10, 100, 1000), minimum=1)], ...)
    def my_claim(ctx):
        for where in ctx.points("kappa"):
            problem = quadratic(where["kappa"], 16, ctx.streams(where), ctx.xp)
            trace = ctx.run(gd(1.0), problem, steps, where=where)  # rows name gd.name
            ctx.judge(linear_rate(...), method="gd", where=where)

- ``ctx.points(*axes)`` iterates the product of the named grid axes as {axis: value} dicts;
  values are numbers, or names on a categorical axis (``geometry="spectral"``).
- ``ctx.streams(where)`` gives the random streams of a grid point, keyed by the claim and the
  (axis, value) pairs: two points never share streams, and adding a grid value never changes
  another point's numbers.
- ``ctx.run(...)`` runs the batched runner, keeps the run's status and stores its metrics as
  flat rows (role, method, grid point) for figures; ``ctx.rows_at`` stores per-point statistics
  and ``ctx.curve`` a predicted curve evaluated from the claim's SymPy expression.
- ``ctx.judge(estimate, ...)`` evaluates the claim's prediction (or a named further prediction
  declared with the claim, with its own kind and tolerance) at the grid point itself: no
  literal predictions in run functions. It records a judged point with structured ``method``
  and ``where``; where the claim declares a ``control_prediction`` (a statement the same
  measurement must refute), the same estimate is judged against it as the control.
  ``role="control"`` judges a control run (another method, another setting) against the
  claim's own prediction.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from ratecheck.seeding import Streams
from ratecheck.theory.claim import Claim, Prediction, Provenance, Tolerance, tolerance_in
from ratecheck.verify.experiment import (
    Axis,
    Experiment,
    Outcome,
    PieceKept,
    PiecesNeeded,
    Settings,
    Stop,
    Value,
    point_rows,
    predicted_rows,
    trace_rows,
)
from ratecheck.verify.runner import Trace, run
from ratecheck.verify.verdict import Judgement, Point

Where = Mapping[str, Value]
ROLES = ("claim", "control")


def predicted_at(expression: sp.Expr, where: Where, **symbols: Any) -> Any:
    """A SymPy expression evaluated at a grid point (its symbols matched by name), with further
    symbols (say ``t``) given as numbers or arrays: a float, or an array for array symbols."""
    values = {**{k: v for k, v in where.items() if not isinstance(v, str)}, **symbols}
    missing = sorted(s.name for s in expression.free_symbols if s.name not in values)
    if missing:
        raise ValueError(f"the prediction {expression} needs grid values for {missing}")
    free = sorted(expression.free_symbols, key=lambda s: s.name)
    if any(np.ndim(values[s.name]) > 0 for s in free):
        function = sp.lambdify(free, expression, "numpy")
        shape = np.broadcast(*(np.asarray(values[s.name]) for s in free)).shape
        return np.broadcast_to(function(*(values[s.name] for s in free)), shape).astype(float)
    return float(expression.subs({s: values[s.name] for s in free}))


def describe(where: Where) -> str:
    """ "kappa = 10, geometry = spectral": a grid point in words."""
    return ", ".join(
        f"{k} = {v if isinstance(v, str) else format(v, 'g')}" for k, v in where.items()
    )


class Context:
    """One claim's run: its settings, grid, streams, rows, judged points and run status."""

    def __init__(
        self,
        claim: Claim,
        settings: Settings,
        grid: Mapping[str, tuple[Value, ...]],
        control_prediction: sp.Expr | None = None,
    ) -> None:
        self.claim, self.settings, self.grid = claim, settings, dict(grid)
        self.xp, self.seeds, self.quick = settings.xp, settings.seeds, settings.quick
        self.control_prediction = (
            claim.control_prediction if control_prediction is None else control_prediction
        )
        self.rows: list[dict[str, Any]] = []
        self.points_judged: dict[str, list[Point]] = {role: [] for role in ROLES}
        self.notes: dict[str, list[str]] = {role: [] for role in ROLES}
        self.extra: dict[str, Any] = {}
        self.traces: list[Trace] = []
        self.censored = False
        self.diverged = False  # a kept seed block (:meth:`seedwise`) had a diverged run
        self._pieces: Any = None  # the TaskCache of kept pieces, opened on first use
        self._block: tuple[int, int] | None = None  # (first seed, seeds) inside seedwise
        self._batches = 0  # calls of prepare so far (a piece task's batch is counted the same)

    # --- the grid and its random streams ---------------------------------------------------
    def points(self, *axes: str) -> Iterator[dict[str, Value]]:
        """The grid points over ``axes`` (all axes when none are named), in grid order."""
        names = axes or tuple(self.grid)
        for values in itertools.product(*(self.grid[n] for n in names)):
            yield dict(zip(names, values))

    def values(self, axis: str) -> tuple[Value, ...]:
        """The values of one grid axis in this run."""
        return self.grid[axis]

    def streams(self, where: Where, *, claim: str | None = None) -> Streams:
        """The random streams of a grid point (a fresh copy each call: methods compared on one
        point see the same problem and noise). ``claim``: another claim's id, to measure on the
        very instances that claim draws at the same point."""
        first = self._block[0] if self._block else 0
        return Streams(claim or self.claim.id, dict(where), self.seeds, first_seed=first)

    def probe_streams(self, where: Where, *, claim: str | None = None) -> Streams:
        """The streams of the first look's seeds at a grid point (:meth:`first_look_seeds`),
        the same at every look: for constants of an experiment taken from draws (say Δ ≥
        f(x₀) − f* as the largest over seeds), which must not change with the seeds a look
        runs."""
        return Streams(claim or self.claim.id, dict(where), self.first_look_seeds())

    def first_look_seeds(self) -> int:
        """S₀, the claim's seeds in this mode, where this run's seeds are S₀·2^k (a look of
        the adaptive procedure); otherwise all of this run's seeds."""
        from ratecheck.verify.registry import get_experiment

        experiment = get_experiment(self.claim.id)
        first = experiment.seeds_quick if self.quick else experiment.seeds_full
        ratio = self.settings.seeds // first if self.settings.seeds % first == 0 else 0
        return first if ratio >= 1 and not ratio & (ratio - 1) else self.settings.seeds

    def seed_blocks(self) -> list[tuple[int, int]]:
        """(first seed, seeds) of each block of this run's seeds: the looks' blocks [0, S₀),
        [S₀, 2S₀), [2S₀, 4S₀), … (S₀ = :meth:`first_look_seeds`), so that a later look finds
        its earlier looks' blocks kept. (Blocks of S₀ seeds each, which a parallel run could
        compute side by side, cost more than they gain on two workers: ucg-plateau's full
        looks took 398 task seconds instead of 228, its steps being Python dispatch around
        arrays batched over the seeds; BENCHMARKS.md.)"""
        blocks, end = [(0, self.first_look_seeds())], self.first_look_seeds()
        while end < self.settings.seeds:
            blocks.append((end, end))
            end *= 2
        return blocks

    def seedwise(
        self, kind: str, inputs: Mapping[str, Any], compute: Callable[[], Mapping[str, Any]]
    ) -> dict[str, np.ndarray]:
        """Per-seed measurements, computed one seed block (:meth:`seed_blocks`) at a time
        and kept per block where the run has a cache folder: a later look with twice the seeds
        reads its earlier looks' blocks back and computes only its new seeds; on a parallel run
        several missing blocks (a run that starts at a later look) are tasks of their own
        (:meth:`prepare`).

        ``compute()`` measures, and only measures: it draws from :meth:`streams` (which give
        the block's seeds while it runs; ``ctx.seeds`` is the block's size), runs methods,
        counts their runs with :meth:`track` or :meth:`run` (``rows=False``), and returns
        {name: array whose leading axis is the block's seeds}. Rows, notes and judgements
        belong outside it (a kept block would skip them): compute() that makes any is a
        ValueError. The blocks are concatenated along the seed axis. They give the numbers of
        one run over all seeds only when each seed's numbers depend on that seed's streams
        alone (nothing such as a maximum over seeds): the claim's test of this is
        tests/verify/test_seedwise.py. ``inputs`` (JSON values) name what the numbers depend
        on beyond the claim, its grid, the mode, the backend and the block."""
        (measured,) = self.seedwise_each(kind, [inputs], lambda _: compute())
        return measured

    def seedwise_each(
        self,
        kind: str,
        items: Sequence[Mapping[str, Any]],
        compute: Callable[[Mapping[str, Any]], Mapping[str, Any]],
        *,
        by_look: bool = True,
        seeds_per_piece: int | None = None,
    ) -> list[dict[str, np.ndarray]]:
        """:meth:`seedwise` for measurements that do not depend on one another (a grid point
        each, a method each): ``compute(item)`` measures ``items[k]`` (JSON values, its
        inputs). Every (item, seed block) is one piece of one :meth:`prepare` batch, so that a
        parallel run computes each missing one as a task of its own. Returns one
        {name: array over all seeds} per item, in order. ``by_look=False``: one block of all
        this run's seeds (a look reuses nothing of the previous one), for measurements that
        share a constant taken over all the run's seeds (say a largest L over seeds).
        ``seeds_per_piece``: each block cut further into pieces of at most that many seeds, for
        measurements whose cost grows with the seeds (LAPACK matrix by matrix, a run stopped
        when its slowest seed hits) rather than with the steps' Python dispatch; the numbers
        are those of whole blocks wherever each seed's depend on its own streams alone."""
        if self._block is not None:
            raise ValueError("seedwise: compute() called seedwise again (blocks do not nest)")
        claim_code = _claim_code(self.claim.id)
        keys = [
            [
                {
                    "claim": self.claim.id,
                    "grid": {name: list(values) for name, values in self.grid.items()},
                    "quick": self.quick,
                    "backend": self.settings.backend,
                    "kind": kind,
                    "inputs": dict(item),
                    "seeds": [first, count],
                    "claim_code": claim_code,
                }
                for first, count in _cut(
                    self.seed_blocks() if by_look else [(0, self.seeds)], seeds_per_piece
                )
            ]
            for item in items
        ]

        def measure(key: Mapping[str, Any]) -> dict[str, Any]:
            return self._measure(tuple(key["seeds"]), lambda: compute(key["inputs"]))

        self.prepare("seed-block", [key for blocks in keys for key in blocks], measure)
        measured = []
        for blocks in keys:
            pieces = [self.kept("seed-block", key, lambda key=key: measure(key)) for key in blocks]
            self.diverged = self.diverged or any(piece["diverged"] for piece in pieces)
            names = list(pieces[0]["arrays"])
            measured.append(
                {
                    n: np.concatenate([np.asarray(p["arrays"][n], dtype=float) for p in pieces])
                    for n in names
                }
            )
        return measured

    def _measure(self, block: tuple[int, int], compute: Callable) -> dict[str, Any]:
        """One block of :meth:`seedwise`: compute() on the block's seeds, as a JSON object."""
        saved = (self.seeds, self.traces, len(self.rows), self.censored)
        made = (sum(map(len, self.points_judged.values())), sum(map(len, self.notes.values())))
        self._block, self.seeds, self.traces = block, block[1], []
        try:
            arrays = {name: np.asarray(a, dtype=float) for name, a in compute().items()}
            diverged = any(tr.diverged for tr in self.traces)
        finally:
            seeds, traces, rows, censored = saved
            self._block, self.seeds, self.traces = None, seeds, traces
        after = (sum(map(len, self.points_judged.values())), sum(map(len, self.notes.values())))
        if len(self.rows) != rows or after != made or self.censored != censored:
            raise ValueError(
                "seedwise: compute() stored rows, notes or judgements, or censored the run; "
                "it must only measure (store and judge outside it)"
            )
        bad = [n for n, a in arrays.items() if a.ndim == 0 or a.shape[0] != block[1]]
        if bad:
            raise ValueError(
                f"seedwise: compute() returned {bad[0]!r} without a leading axis of the "
                f"block's {block[1]} seeds"
            )
        return {"arrays": {n: a.tolist() for n, a in arrays.items()}, "diverged": diverged}

    # --- running and storing rows ------------------------------------------------------------
    def kept(
        self, kind: str, inputs: Mapping[str, Any], compute: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """``compute()`` (a JSON object, NaN allowed), kept in the run's cache folder under
        (``kind``, ``inputs``) where the run has one: an interrupted or repeated run reads each
        finished piece back instead of recomputing it. ``inputs`` (JSON values) must name
        everything the result depends on beyond the package's code and the installed versions
        (the key adds those). A computed piece passes through the same JSON text as a stored
        one, so both give the same numbers, bit for bit."""
        from ratecheck.verify.cache import piece_key

        if self.settings.cache is None:
            return json.loads(json.dumps(compute(), allow_nan=True))
        key = piece_key(kind, dict(inputs))
        piece = self._piece_cache().load_piece(key)
        if piece is None:
            piece = json.loads(json.dumps(compute(), allow_nan=True))
            self._piece_cache().store_piece(key, piece)
        return piece

    def prepare(
        self,
        kind: str,
        inputs: Sequence[Mapping[str, Any]],
        compute: Callable[[Mapping[str, Any]], dict[str, Any]],
    ) -> None:
        """Keep the pieces (``kind``, ``inputs[k]``) for every k, computed as ``compute(inputs[k])``
        where missing, so that the :meth:`kept` calls that follow read them back: pieces that
        do not depend on one another (say every tuning run of a comparison). Where the run may
        fan out (``Settings.fan_out``: a parallel executor) and two or more are missing, the run
        stops here with :class:`PiecesNeeded`; each missing piece then runs as a task of its own
        (``Settings.piece``: the run's code is followed up to this call, which computes that one
        piece), and the run starts again once all are kept. The numbers are those of computing
        the pieces here, one after another. Without a cache folder it can write this does
        nothing (each kept() call computes its own piece)."""
        from ratecheck.verify.cache import piece_key

        batch, self._batches = self._batches, self._batches + 1
        if self.settings.cache is None or not self._piece_cache().writable:
            return  # nothing could be kept: each kept() computes its own piece
        piece = self.settings.piece
        if piece is not None and piece[0] == batch:
            self.kept(kind, inputs[piece[1]], lambda: compute(inputs[piece[1]]))
            raise Stop(PieceKept(*piece))
        cache = self._piece_cache()
        missing = tuple(
            k for k, x in enumerate(inputs) if not cache.has_piece(piece_key(kind, dict(x)))
        )
        if self.settings.fan_out and piece is None and len(missing) > 1:
            raise Stop(PiecesNeeded(batch, missing))
        for k in missing:
            self.kept(kind, inputs[k], lambda x=inputs[k]: compute(x))

    def _piece_cache(self) -> Any:
        """The TaskCache of this run's kept pieces (opened once; it warns once if it cannot
        write)."""
        from ratecheck.verify.cache import TaskCache

        if self._pieces is None:
            self._pieces = TaskCache(self.settings.cache)
        return self._pieces

    def run(
        self,
        method: Any,
        problem: Any,
        steps: int,
        *,
        where: Where,
        role: str = "claim",
        name: str | None = None,
        metrics: Mapping[str, Callable] | None = None,
        rows: bool = True,
        **options: Any,
    ) -> Trace:
        """:func:`ratecheck.verify.runner.run`; its status counts towards the claim's, and its
        metrics are stored as rows under ``name`` (the method's own name by default) unless
        ``rows`` is false (a run judged by a per-point statistic: see :meth:`rows_at`)."""
        trace = run(method, problem, steps, metrics, **options)
        self.track(trace)
        if rows:
            self.trace_rows(trace, where=where, method=name or method.name, role=role)
        return trace

    def hitting_times(
        self,
        method: Any,
        problem: Any,
        budget: int,
        *,
        metric: tuple[str, Callable],
        target: Any,
        checkpoints: Sequence[int] = (0,),
    ) -> tuple[np.ndarray, Trace]:
        """Steps until ``metric`` = (name, function) is ≤ ``target`` (a number or one per
        seed), per seed: a run stopped when every seed has hit or after ``budget`` steps, its
        status counted. Returns ((S,) float steps, NaN where a seed never hit; the trace)."""
        name, function = metric
        trace = run(
            method,
            problem,
            budget,
            {name: function},
            checkpoints=np.asarray(checkpoints),
            hit=(name, target),
            stop_when_hit=True,
        )
        self.track(trace)
        return trace.hitting_steps, trace

    def track(self, *traces: Trace) -> None:
        """Count runs made without :meth:`run` towards the run status (diverged or not)."""
        self.traces += traces

    def trace_rows(
        self,
        trace: Trace,
        *,
        where: Where,
        method: str,
        role: str = "claim",
        metrics: Sequence[str] | None = None,
    ) -> None:
        """Store a trace's metrics (all, or those named) as rows at a grid point."""
        param, x = abscissa(where)
        for metric in metrics or trace.metrics:
            self.rows += trace_rows(
                self.claim.id, role, method, param, x, trace.steps, trace.metrics[metric], metric
            )

    def series(
        self,
        steps: Any,
        values: Any,
        *,
        method: str,
        metric: str,
        where: Where | None = None,
        role: str = "claim",
        param: str | None = None,
        x: float | None = None,
        max_points: int = 150,
    ) -> None:
        """Store a per-step series derived from runs (S, len(steps)) as rows, thinned to about
        ``max_points`` geometric checkpoints; placed at the grid point's first numeric axis, or
        at ``param`` = ``x`` where given (a claim without grid axes, one panel per setting)."""
        at_param, at_x = abscissa(where or {})
        self.rows += trace_rows(
            self.claim.id,
            role,
            method,
            at_param if param is None else param,
            at_x if x is None else x,
            np.asarray(steps),
            np.asarray(values, dtype=float),
            metric,
            max_points,
        )

    def rows_at(
        self,
        axis: str,
        xs: Sequence[float],
        values: Any,
        *,
        method: str,
        metric: str,
        role: str = "claim",
    ) -> None:
        """Store a per-point statistic (hitting times, slopes): ``values`` (S, len(xs))."""
        values = np.asarray(values, dtype=float)
        self.rows += point_rows(self.claim.id, role, method, axis, xs, values, metric)

    def curve(
        self,
        where: Where,
        steps: Any,
        *,
        method: str,
        metric: str,
        prediction: str | None = None,
        symbol: str = "t",
        **symbols: Any,
    ) -> np.ndarray:
        """The predicted curve over ``steps`` (the claim's expression, or a named prediction,
        in the symbol ``symbol``), stored as "predicted" rows beside the method's rows."""
        values = self.predicted(where, prediction, **{symbol: np.asarray(steps), **symbols})
        param, x = abscissa(where)
        self.rows += predicted_rows(self.claim.id, method, param, x, steps, values, metric)
        return values

    # --- predictions and judging -------------------------------------------------------------
    def expression(self, prediction: str | None = None) -> sp.Expr:
        """The claim's SymPy prediction, or a named further prediction of it."""
        if prediction is None:
            return self.claim.predicted
        return self.claim.prediction_named(prediction).expr

    def predicted(self, where: Where, prediction: str | None = None, **symbols: Any) -> Any:
        """The prediction evaluated at a grid point (and at further symbols such as ``t``)."""
        return predicted_at(self.expression(prediction), where, **symbols)

    def judge(
        self,
        estimate: Any,
        *,
        method: str,
        where: Where,
        prediction: str | None = None,
        role: str = "claim",
        label: str | None = None,
        note: str = "",
        range: tuple[float, float] | None = None,
        **symbols: Any,
    ) -> Point:
        """Judge ``estimate`` (an Estimate with value and interval, or a number: a deterministic
        measurement, decided by the exact test) against the claim's prediction, or the named
        one, at ``where``; with a declared control prediction, judge a claim point against that
        as the control too. ``range``: (low, high) of what the value was taken from (say, its
        seeds' range at the worst step), stored beside it, never read as an interval."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        kind, tolerance = self._assertion(prediction)
        at = {**where, **{k: float(v) for k, v in symbols.items() if np.ndim(v) == 0}}
        text = label or f"{method}, {describe(where)}"
        point = self._point(
            text,
            kind,
            self.predicted(where, prediction, **symbols),
            estimate,
            tolerance,
            note,
            method,
            at,
        )
        point.prediction = prediction or ""
        if range is not None:
            point.range_low, point.range_high = (float(v) for v in range)
        self.points_judged[role].append(point)
        if point.drifting:
            self.note(
                f"observed order at {text}: local slopes "
                + ", ".join(
                    f"{v:.3g} [{lo:.3g}, {hi:.3g}]"
                    for v, lo, hi in zip(point.local_slopes, point.local_low, point.local_high)
                )
                + f" move away from the prediction {point.predicted:.4g} as the parameter "
                "grows: a pre-asymptotic trend that the global fit hides",
                role,
            )
        if role == "claim" and prediction is None and self.control_prediction is not None:
            wrong = predicted_at(self.control_prediction, where, **symbols)
            control = self._point(
                f"{text} against {self.control_prediction}",
                kind,
                wrong,
                estimate,
                tolerance,
                note,
                method,
                at,
            )
            control.prediction = "control"
            control.range_low, control.range_high = point.range_low, point.range_high
            self.points_judged["control"].append(control)
        return point

    def _assertion(self, prediction: str | None) -> tuple[str, float]:
        if prediction is None:
            return self.claim.kind, self.claim.tolerance_of(self.quick)
        named = self.claim.prediction_named(prediction)
        tolerance = named.tolerance
        if tolerance is None:
            return named.kind or self.claim.kind, self.claim.tolerance_of(self.quick)
        return named.kind or self.claim.kind, tolerance_in(tolerance, self.quick)

    @staticmethod
    def _point(label, kind, predicted, estimate, tolerance, note, method, where) -> Point:
        if isinstance(estimate, (int, float, np.floating, np.integer)):
            point = Point(label, kind, float(predicted), float(estimate), tolerance, note=note)
        else:
            point = Point.of(label, kind, float(predicted), estimate, tolerance, note)
        point.method, point.where = method, dict(where)
        return point

    # --- notes, status and the outcome ------------------------------------------------------
    def note(self, text: str, role: str = "claim") -> None:
        """A line for the report beside the claim's (or the control's) verdict."""
        self.notes[role].append(text)

    def censor(self, text: str) -> None:
        """Mark the run "censored" (some runs never reached their target), saying how."""
        self.censored = True
        self.note(text)

    def outcome(self) -> Outcome:
        if self.diverged or any(tr.diverged for tr in self.traces):
            status = "diverged"
        else:
            status = "censored" if self.censored else "ok"
        return Outcome(
            Judgement(self.points_judged["claim"], status, self.notes["claim"]),
            Judgement(self.points_judged["control"], status, self.notes["control"]),
            self.rows,
            self.extra,
        )


def _cut(blocks: list[tuple[int, int]], size: int | None) -> list[tuple[int, int]]:
    """(first seed, seeds) blocks cut into pieces of at most ``size`` seeds (None: whole)."""
    if size is None:
        return blocks
    if size < 1:
        raise ValueError(f"seeds_per_piece must be a positive number of seeds, not {size}")
    return [
        (start, min(size, first + count - start))
        for first, count in blocks
        for start in range(first, first + count, size)
    ]


def _claim_code(claim_id: str) -> str | None:
    """The fingerprint of a user claim's code (None for a built-in claim: the package's
    fingerprint, part of every key, covers it)."""
    from ratecheck.verify.cache import claim_fingerprint
    from ratecheck.verify.registry import get_claim, get_experiment

    return claim_fingerprint(get_claim(claim_id), get_experiment(claim_id))


def abscissa(where: Where) -> tuple[str, float]:
    """The axis name and value of a grid point's first numeric axis (rows' param and x); 0 for
    a point without one (figures group rows by x, and NaN would never group)."""
    for name, value in where.items():
        if not isinstance(value, str):
            return name, float(value)
    return ",".join(where), 0.0


def claim(
    *,
    id: str,
    kind: str,
    statement: str,
    source: str,
    prediction: str | sp.Expr | float | Callable[[], sp.Expr],
    tolerance: Tolerance,
    grid: Sequence[Axis] | Mapping[str, tuple[Sequence[Value], Sequence[Value]]] = (),
    control: str,
    control_prediction: str | sp.Expr | None = None,
    predictions: Mapping[str, Prediction] | None = None,
    prediction_text: str | None = None,
    experiment: str | None = None,
    seeds: tuple[int, int] = (4, 16),
    provenance: Sequence[Provenance] = (),
    requires: Sequence[str] = (),
    symbols: Mapping[str, str] | None = None,
    family: str | None = None,
) -> Callable[[Callable[[Context], None]], Claim]:
    """Declare a claim whose experiment is the decorated function ``run(ctx)``; returns the
    registered :class:`Claim`.

    ``grid``: :class:`Axis` objects, or {name: (quick values, full values)}. ``prediction`` and
    ``control_prediction``: SymPy expressions (or their text) in the grid's axis names, or a
    zero-argument function building one (then give ``prediction_text``). ``predictions``:
    further named quantities the experiment judges (``ctx.judge(..., prediction=name)``), each
    with its own kind and tolerance. ``tolerance``: one number, or (quick, full). ``seeds``:
    (quick, full) seeds per grid point. ``symbols``: {name: meaning} of the symbols a
    prediction has beyond the grid's axes, whose values the run supplies when it judges (a
    measured instance constant such as κ′, a setting fixed by the experiment). ``family``:
    the claim's family, by default the package a built-in claim module sits in ("user" for
    user claims).
    """
    if isinstance(grid, Mapping):  # {name: (quick values, full values)}
        grid = [Axis(name, tuple(q), tuple(f)) for name, (q, f) in grid.items()]
    names = {a.name: sp.Symbol(a.name) for a in grid}
    lazy = callable(prediction) and not isinstance(prediction, sp.Basic)
    if lazy and prediction_text is None:
        raise ValueError(f"claim {id}: a prediction given as a function needs prediction_text")
    expr = None if lazy else sp.sympify(prediction, locals=names)
    wrong = None if control_prediction is None else sp.sympify(control_prediction, locals=names)
    quick_tolerance = tolerance_in(tolerance, True)
    full_tolerance = tolerance_in(tolerance, False)

    def register(run_function: Callable[[Context], None]) -> Claim:
        def experiment_run(
            the_claim: Claim, settings: Settings, values: dict[str, tuple[Value, ...]]
        ) -> Outcome:
            ctx = Context(the_claim, settings, values)
            run_function(ctx)
            return ctx.outcome()

        experiment_run.__module__ = run_function.__module__  # its source is fingerprinted
        experiment_run.__wrapped__ = run_function  # inspect.unwrap finds the claim's file
        experiment_run.__doc__ = run_function.__doc__
        words = (run_function.__doc__ or "").strip().split("\n\n")[0]
        record = Claim(
            id=id,
            kind=kind,
            family=family or _family_of(run_function),
            source=source,
            statement=statement,
            prediction=prediction if lazy else (lambda: expr),
            prediction_text=prediction_text or str(expr),
            tolerance=quick_tolerance,
            tolerance_full=None if full_tolerance == quick_tolerance else full_tolerance,
            experiment=experiment or " ".join(words.split()),
            control=control if wrong is None else f"{control} (judged against {wrong})",
            provenance=tuple(provenance) or (Provenance("the claim", "paper", source),),
            requires=tuple(requires),
            predictions=tuple((predictions or {}).items()),
            control_prediction=wrong,
            symbols=tuple((symbols or {}).items()),
        )
        from ratecheck.verify.registry import register as add

        add(Experiment(id, experiment_run, tuple(grid), seeds[0], seeds[1], record))
        return record

    return register


def _family_of(run_function: Callable) -> str:
    """The family of a built-in claim: the package under ``ratecheck.claims`` it sits in."""
    parts = run_function.__module__.split(".")
    if parts[:2] == ["ratecheck", "claims"] and len(parts) > 3:
        return parts[2]
    return "user"


__all__ = ["Axis", "Context", "Prediction", "abscissa", "claim", "describe", "predicted_at"]
