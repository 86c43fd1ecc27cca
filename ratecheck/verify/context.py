"""The run context: the bookkeeping of one claim's experiment, done once for every claim.

A claim is a record, a SymPy prediction in the grid's named symbols, and a run function that
receives a :class:`Context`::

    @claim(id="...", kind="linear-rate", prediction="1 - 1/kappa", control_prediction=...,
           grid=[Axis("kappa", quick=(10, 100), full=(10, 100, 1000), minimum=1)], ...)
    def my_claim(ctx):
        for where in ctx.points("kappa"):
            problem = quadratic(where["kappa"], 16, ctx.streams(where), ctx.xp)
            trace = ctx.run(gd(1.0), problem, steps, where=where)  # rows name gd.name
            ctx.judge(linear_rate(...), method="gd", where=where)

- ``ctx.points(*axes)`` iterates the product of the named grid axes as {axis: value} dicts.
- ``ctx.streams(where)`` gives the random streams of a grid point, keyed by the claim and the
  (axis, value) pairs: two points never share streams, and adding a grid value never changes
  another point's numbers.
- ``ctx.run(...)`` runs the batched runner, keeps the run's status and stores its metrics as
  flat rows (role, method, grid point) for figures.
- ``ctx.judge(estimate, ...)`` evaluates the claim's prediction at the grid point itself (no
  literal predictions) and records a judged point with structured ``method`` and ``where``;
  where the claim declares a ``control_prediction`` (a statement the same measurement must
  refute), the same estimate is judged against it as the control. ``role="control"`` judges a
  control run (another method, another setting) against the claim's own prediction.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sympy as sp

from ratecheck.seeding import Streams
from ratecheck.theory.claim import Claim, Provenance
from ratecheck.verify.experiments.base import GridParam, Outcome, Settings, trace_rows
from ratecheck.verify.runner import Trace, run
from ratecheck.verify.verdict import Judgement, Point

Where = Mapping[str, float]


Axis = GridParam  # a named grid axis: name, quick and full values, minimum, description


def predicted_at(expression: sp.Expr, where: Where) -> float:
    """A SymPy expression evaluated at a grid point (its symbols matched by name)."""
    values = {s: where[s.name] for s in expression.free_symbols if s.name in where}
    missing = sorted(s.name for s in expression.free_symbols if s.name not in where)
    if missing:
        raise ValueError(f"the prediction {expression} needs grid values for {missing}")
    return float(expression.subs(values))


class Context:
    """One claim's run: its settings, grid, streams, rows, judged points and run status."""

    def __init__(
        self,
        claim: Claim,
        settings: Settings,
        grid: Mapping[str, tuple[float, ...]],
        control_prediction: sp.Expr | None = None,
    ) -> None:
        self.claim, self.settings, self.grid = claim, settings, dict(grid)
        self.xp, self.seeds, self.quick = settings.xp, settings.seeds, settings.quick
        self.control_prediction = control_prediction
        self.rows: list[dict[str, Any]] = []
        self.points_judged: dict[str, list[Point]] = {"claim": [], "control": []}
        self.traces: list[Trace] = []

    def points(self, *axes: str) -> Iterator[dict[str, float]]:
        """The grid points over ``axes`` (all axes when none are named), in grid order."""
        names = axes or tuple(self.grid)
        for values in itertools.product(*(self.grid[n] for n in names)):
            yield dict(zip(names, values))

    def streams(self, where: Where) -> Streams:
        return Streams(self.claim.id, dict(where), self.seeds)

    def run(
        self,
        method: Any,
        problem: Any,
        steps: int,
        *,
        where: Where,
        role: str = "claim",
        metrics: Mapping[str, Callable] | None = None,
        **options: Any,
    ) -> Trace:
        """:func:`ratecheck.verify.runner.run`, with its metrics stored as rows."""
        trace = run(method, problem, steps, metrics, **options)
        self.traces.append(trace)
        param = ",".join(where)
        x = float(next(iter(where.values()))) if len(where) == 1 else math.nan
        for metric, values in trace.metrics.items():
            self.rows += trace_rows(
                self.claim.id, role, method.name, param, x, trace.steps, values, metric
            )
        return trace

    def judge(
        self,
        estimate: Any,
        *,
        method: str,
        where: Where,
        role: str = "claim",
        label: str | None = None,
        note: str = "",
    ) -> Point:
        """Judge ``estimate`` (value and CI) against the claim's prediction at ``where``; with a
        declared control prediction, judge it against that as the control too."""
        place = ", ".join(f"{k} = {v:g}" for k, v in where.items())
        text = label or f"{method}, {place}"
        tolerance = self.claim.tolerance
        predicted = predicted_at(self.claim.predicted, where)
        point = Point.of(text, self.claim.kind, predicted, estimate, tolerance, note)
        point.method, point.where = method, dict(where)
        self.points_judged[role].append(point)
        if role == "claim" and self.control_prediction is not None:
            wrong = predicted_at(self.control_prediction, where)
            control = Point.of(
                f"{text} against {self.control_prediction}",
                point.kind,
                wrong,
                estimate,
                tolerance,
                note,
            )
            control.method, control.where = method, dict(where)
            self.points_judged["control"].append(control)
        return point

    def outcome(self) -> Outcome:
        status = "diverged" if any(tr.diverged for tr in self.traces) else "ok"
        return Outcome(
            Judgement(self.points_judged["claim"], status),
            Judgement(self.points_judged["control"], status),
            self.rows,
        )


def claim(
    *,
    id: str,
    kind: str,
    statement: str,
    source: str,
    prediction: str | sp.Expr,
    tolerance: float,
    grid: Sequence[Axis] | Mapping[str, tuple[Sequence[float], Sequence[float]]],
    control: str,
    control_prediction: str | sp.Expr | None = None,
    experiment: str | None = None,
    seeds: tuple[int, int] = (4, 16),
    provenance: Sequence[Provenance] = (),
    family: str = "user",
) -> Callable[[Callable[[Context], None]], Claim]:
    """Declare a claim whose experiment is the decorated function ``run(ctx)``; returns the
    registered :class:`Claim`. ``grid``: :class:`Axis` objects, or {name: (quick values, full
    values)}. ``prediction`` and ``control_prediction`` are SymPy expressions (or their text) in
    the grid's axis names; ``seeds`` = (quick, full) seeds per grid point."""
    from ratecheck.user import define_claim

    if isinstance(grid, Mapping):  # {name: (quick values, full values)}
        grid = [Axis(name, tuple(q), tuple(f)) for name, (q, f) in grid.items()]
    names = {a.name: sp.Symbol(a.name) for a in grid}
    expr = sp.sympify(prediction, locals=names)
    wrong = None if control_prediction is None else sp.sympify(control_prediction, locals=names)

    def register(run_function: Callable[[Context], None]) -> Claim:
        def experiment_run(
            the_claim: Claim, settings: Settings, values: dict[str, tuple[float, ...]]
        ) -> Outcome:
            ctx = Context(the_claim, settings, values, wrong)
            run_function(ctx)
            return ctx.outcome()

        experiment_run.__module__ = run_function.__module__  # its source is fingerprinted
        experiment_run.__wrapped__ = run_function  # inspect.unwrap finds the claim's file
        record = Claim(
            id=id,
            kind=kind,
            family=family,
            source=source,
            statement=statement,
            prediction=lambda: expr,
            prediction_text=str(expr),
            tolerance=tolerance,
            experiment=experiment or (run_function.__doc__ or "").strip(),
            control=control if wrong is None else f"{control} (judged against {wrong})",
            provenance=tuple(provenance) or (Provenance("the claim", "paper", source),),
        )
        return define_claim(
            record,
            run=experiment_run,
            grid=tuple(grid),
            seeds_quick=seeds[0],
            seeds_full=seeds[1],
        )

    return register


__all__ = ["Axis", "Context", "claim", "predicted_at"]
