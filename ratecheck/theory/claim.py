"""The Claim record: what a paper (or this project) asserts, symbolically, with its provenance.

A Claim holds no measurement code: a claim module (``ratecheck/claims/<family>/<id>.py``) pairs
it with the experiment that measures it, and ``ratecheck.verify.registry`` holds the pairs.
theory/ never imports an array library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sympy as sp

KINDS = (
    "upper",
    "lower",
    "tight",
    "exponent",
    "linear-rate",
    "identity",
    "counterexample",
    "comparison",
)
LABELS = ("paper", "derived", "unknown")


@dataclass(frozen=True)
class Provenance:
    """One item of a claim (a schedule, a constant, the statement) and where it comes from."""

    item: str
    label: str  # "paper" | "derived" | "unknown", as in shared/reference/README.md
    note: str = ""

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"provenance label '{self.label}' not in {LABELS}")

    def __str__(self) -> str:
        return f"{self.item} [{self.label}{': ' + self.note if self.note else ''}]"


Tolerance = float | tuple[float, float]  # one for both modes, or (quick, full)


def tolerance_in(tolerance: Tolerance, quick: bool) -> float:
    """The tolerance of a mode: a single number, or the quick or full one of a pair."""
    if isinstance(tolerance, tuple):
        return float(tolerance[0] if quick else tolerance[1])
    return float(tolerance)


@dataclass(frozen=True)
class Prediction:
    """A further quantity a claim predicts beside its headline prediction, judged with its own
    assertion: ``expression`` (SymPy, in the grid's symbols; or a zero-argument function that
    builds it, for slow limits), its verdict ``kind`` and ``tolerance`` (the claim's when
    None)."""

    expression: Any = field(repr=False)
    kind: str | None = None
    tolerance: Tolerance | None = None
    text: str = ""

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"prediction kind '{self.kind}' not in {KINDS}")

    @cached_property
    def expr(self) -> sp.Expr:
        e = self.expression
        return sp.sympify(e() if callable(e) else e)


@dataclass(frozen=True)
class Claim:
    """A theoretical statement to be checked by measurement.

    ``prediction`` builds the SymPy expression of the predicted quantity (an exponent, a rate in
    the grid symbols, a bound in t, a set of points); it is evaluated lazily because some limits
    take seconds. ``tolerance`` is absolute for exponents and identities, relative for rates and
    bounds (see ``ratecheck.verify.verdict``).
    """

    id: str
    kind: str
    family: str
    source: str
    statement: str
    prediction: Callable[[], sp.Expr] = field(repr=False)
    prediction_text: str
    tolerance: float
    experiment: str
    control: str
    provenance: tuple[Provenance, ...]
    requires: tuple[str, ...] = ()  # optional modules the experiment imports (e.g. "torch")
    tolerance_full: float | None = None  # full mode's tolerance, where it differs
    predictions: tuple[tuple[str, Prediction], ...] = ()  # named further predictions
    control_prediction: Any = field(default=None, repr=False)  # what the control must refute
    symbols: tuple[tuple[str, str], ...] = ()  # symbols beyond the grid, given by the run

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim kind '{self.kind}' not in {KINDS}")

    @cached_property
    def predicted(self) -> sp.Expr:
        """The SymPy expression of the prediction (cached: limits can be slow)."""
        return self.prediction()

    def tolerance_of(self, quick: bool) -> float:
        """The tolerance of the headline prediction in quick or full mode."""
        return self.tolerance if quick or self.tolerance_full is None else self.tolerance_full

    def prediction_named(self, name: str) -> Prediction:
        """A named further prediction; ValueError naming the declared ones otherwise."""
        named = dict(self.predictions)
        if name not in named:
            raise ValueError(
                f"claim {self.id} declares no prediction '{name}'; declared: "
                f"{', '.join(named) or 'none'}"
            )
        return named[name]

    @property
    def missing(self) -> tuple[str, ...]:
        """The required optional modules that are not installed here."""
        import importlib.util

        return tuple(m for m in self.requires if importlib.util.find_spec(m) is None)

    @property
    def derived(self) -> bool:
        """True when any item of the claim is not from the paper."""
        return any(p.label != "paper" for p in self.provenance)
