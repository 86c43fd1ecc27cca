"""The Claim record and the registry of every claim `ratecheck` knows.

A Claim states what a paper (or this project) asserts, symbolically, with its provenance. It holds
no measurement code: the experiment that measures it lives in ``ratecheck.verify.experiments``
and is looked up by the claim's id. theory/ never imports an array library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from ratecheck.errors import UsageError

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

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim kind '{self.kind}' not in {KINDS}")

    @cached_property
    def predicted(self) -> sp.Expr:
        """The SymPy expression of the prediction (cached: limits can be slow)."""
        return self.prediction()

    @property
    def missing(self) -> tuple[str, ...]:
        """The required optional modules that are not installed here."""
        import importlib.util

        return tuple(m for m in self.requires if importlib.util.find_spec(m) is None)

    @property
    def derived(self) -> bool:
        """True when any item of the claim is not from the paper."""
        return any(p.label != "paper" for p in self.provenance)


_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry (ids are unique)."""
    if claim.id in _REGISTRY:
        raise ValueError(f"claim '{claim.id}' registered twice")
    _REGISTRY[claim.id] = claim
    return claim


def all_claims() -> list[Claim]:
    """Every registered claim, in registration order."""
    return list(_REGISTRY.values())


def get_claim(claim_id: str) -> Claim:
    """The claim with this id; a UsageError naming the valid ids otherwise."""
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        valid = ", ".join(_REGISTRY)
        raise UsageError(f"unknown claim '{claim_id}'; valid claims: {valid}") from None
