"""What every claim's experiment shares: its grid axes, its settings, its outcome, flat rows.

An experiment measures one claim and its control. It declares its grid axes (quick and full
values, what is allowed), runs on a :class:`ratecheck.verify.context.Context`, and returns
judged points plus flat rows (one per claim, role, method, grid value, seed, checkpoint,
metric) from which figures are drawn.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ratecheck.errors import UsageError
from ratecheck.theory.claim import Claim
from ratecheck.verify.runner import geometric_checkpoints
from ratecheck.verify.verdict import Judgement

Value = float | str  # a grid value: a number, or a name on a categorical axis


@dataclass(frozen=True)
class Axis:
    """A grid axis: its values in quick and full mode and what is allowed.

    A numeric axis allows finite numbers ≥ ``minimum`` (and inf with ``allow_infinity``); a
    categorical axis lists its ``choices`` (names such as "spectral") and allows only those.
    ``independent``: the claim's experiment at one value of this axis needs no other value (no
    fit across it, no instance shared with another value's numbers), so each value can run as a
    task of its own and the judged points merge (:func:`merge_outcomes`) into the same numbers.
    """

    name: str
    quick: tuple[Value, ...]
    full: tuple[Value, ...]
    minimum: float = -math.inf
    description: str = ""
    allow_infinity: bool = False
    choices: tuple[str, ...] = ()
    independent: bool = False

    @property
    def categorical(self) -> bool:
        return bool(self.choices)

    def check(self, values: Sequence[Value]) -> tuple[Value, ...]:
        """The values if every one is allowed; a UsageError naming the first that is not."""
        if self.categorical:
            bad = [v for v in values if v not in self.choices]
            if bad:
                raise UsageError(
                    f"{self.name}={bad[0]} is impossible: {self.name} must be one of "
                    f"{', '.join(self.choices)}"
                )
            return tuple(values)

        def ok(v: Value) -> bool:
            if isinstance(v, str):
                return False
            return (math.isfinite(v) or (self.allow_infinity and v == math.inf)) and (
                v >= self.minimum
            )

        bad = [v for v in values if not ok(v)]
        if bad:
            kind = "a number (or inf)" if self.allow_infinity else "a finite number"
            shown = bad[0] if isinstance(bad[0], str) else f"{bad[0]:g}"
            example = ",".join(format(v, "g") for v in self.quick)
            raise UsageError(
                f"{self.name}={shown} is impossible: {self.name} must be {kind} "
                f"≥ {self.minimum:g} ({self.description}), e.g. {self.name}={example}"
            )
        return tuple(values)


@dataclass
class Settings:
    quick: bool
    seeds: int
    xp: Any
    backend: str
    overrides: dict[str, tuple[Value, ...]] = field(default_factory=dict)
    cache: str | None = None  # the cache folder, where a run keeps finished pieces (Context.kept)
    fan_out: bool = False  # Context.prepare may hand its missing pieces back as tasks
    piece: tuple[int, int] | None = None  # (batch, item): compute this one prepared piece only


@dataclass(frozen=True)
class PiecesNeeded:
    """A task's result instead of an Outcome (under ``Settings.fan_out``): the run reached the
    ``batch``-th :meth:`Context.prepare` of its code with these ``items`` missing. Each item runs
    as a task of its own (``Settings.piece``); then the task runs again, reading them back."""

    batch: int
    items: tuple[int, ...]


@dataclass(frozen=True)
class PieceKept:
    """A piece task's result: item ``item`` of batch ``batch`` is computed and kept."""

    batch: int
    item: int


class Stop(BaseException):
    """Ends a run early with a :class:`PiecesNeeded` or :class:`PieceKept` result (a
    BaseException, so that a claim's own ``except Exception`` does not catch it)."""

    def __init__(self, result: PiecesNeeded | PieceKept) -> None:
        super().__init__(result)
        self.result = result


@dataclass
class Outcome:
    result: Judgement
    control: Judgement
    rows: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


def merge_outcomes(parts: Sequence[Outcome]) -> Outcome:
    """One outcome from the outcomes of a claim's tasks (one per value of its independent axes,
    in grid order): judged points, rows and notes concatenated (a note repeated by several
    tasks kept once), the worst run status (diverged, then censored), extras united
    (:func:`_unite`)."""
    if len(parts) == 1:
        return parts[0]

    def judgement(side: str) -> Judgement:
        judgements = [getattr(p, side) for p in parts]
        statuses = {j.status for j in judgements}
        status = next((s for s in ("diverged", "censored") if s in statuses), "ok")
        notes = list(dict.fromkeys(n for j in judgements for n in j.notes))
        return Judgement([pt for j in judgements for pt in j.points], status, notes)

    extra: dict[str, Any] = {}
    for p in parts:
        _unite(extra, p.extra)
    rows = [row for p in parts for row in p.rows]
    return Outcome(judgement("result"), judgement("control"), rows, extra)


def _unite(into: dict[str, Any], extra: dict[str, Any]) -> None:
    """Add ``extra`` to ``into``: mappings merged key by key (one entry per geometry, say),
    equal values kept once; two different values under one key are a ValueError (the axis a
    claim declared independent is not). ``extra`` is left as it was: a part's outcome is cached
    after the merge, and must not carry the other parts' entries."""
    for key, value in extra.items():
        if key not in into:
            into[key] = copy.deepcopy(value)
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _unite(into[key], value)
        elif into[key] != value:
            raise ValueError(
                f"extra {key!r} differs between a claim's tasks: an axis declared independent "
                "is not"
            )


@dataclass(frozen=True)
class Experiment:
    """A claim with the experiment that measures it: ``run(claim, settings, grid)``."""

    claim_id: str
    run: Callable[[Claim, Settings, dict[str, tuple[Value, ...]]], Outcome]
    grid: tuple[Axis, ...] = ()
    seeds_quick: int = 4
    seeds_full: int = 16
    claim: Claim | None = field(default=None, compare=False)

    def values(self, settings: Settings) -> dict[str, tuple[Value, ...]]:
        """The grid of this run: quick or full values, replaced by the user's overrides."""
        names = {g.name: g for g in self.grid}
        for name in settings.overrides:
            if name not in names:
                valid = ", ".join(names) or "none"
                raise UsageError(
                    f"claim {self.claim_id} has no grid parameter '{name}'; valid: {valid}"
                )
        return {
            g.name: g.check(settings.overrides.get(g.name, g.quick if settings.quick else g.full))
            for g in self.grid
        }


def trace_rows(
    claim: str,
    role: str,
    method: str,
    param: str,
    x: float,
    steps: np.ndarray,
    values: np.ndarray,
    metric: str,
    max_points: int = 150,
) -> list[dict[str, Any]]:
    """Flat rows for a (S, n) trace, thinned to about ``max_points`` geometric checkpoints."""
    steps = np.asarray(steps)
    keep = np.isin(steps, geometric_checkpoints(int(steps[-1]), max_points))
    return [
        {
            "claim": claim,
            "role": role,
            "method": method,
            "param": param,
            "x": float(x),
            "seed": seed,
            "t": int(k),
            "metric": metric,
            "value": float(v),
        }
        for seed in range(values.shape[0])
        for k, v in zip(steps[keep], values[seed, keep])
    ]


def predicted_rows(
    claim: str,
    method: str,
    param: str,
    x: float,
    steps: np.ndarray,
    values: np.ndarray,
    metric: str,
) -> list[dict[str, Any]]:
    """Rows of a predicted curve (seed −1, role "predicted")."""
    return trace_rows(claim, "predicted", method, param, x, steps, np.asarray(values)[None], metric)


def point_rows(
    claim: str,
    role: str,
    method: str,
    param: str,
    xs: Sequence[float],
    values: np.ndarray,
    metric: str,
) -> list[dict[str, Any]]:
    """Rows for a per-grid-point statistic (e.g. hitting times), values shaped (S, n_grid)."""
    return [
        {
            "claim": claim,
            "role": role,
            "method": method,
            "param": param,
            "x": float(x),
            "seed": seed,
            "t": -1,
            "metric": metric,
            "value": float(values[seed, j]),
        }
        for seed in range(values.shape[0])
        for j, x in enumerate(xs)
    ]
