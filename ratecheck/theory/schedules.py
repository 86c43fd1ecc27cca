"""Schedules and predictions: SymPy expressions lambdified for the runner.

A claim's parameters (η, β, α(K), γ(K), ...) are written once as SymPy expressions; the runner
evaluates them through :class:`Schedule`, and the report prints the same expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp


@dataclass(frozen=True)
class Schedule:
    """A SymPy expression in named symbols, callable with keyword values.

    >>> from ratecheck.theory.symbols import kappa
    >>> Schedule(1 - 1 / kappa, (kappa,))(kappa=10.0)
    0.9
    """

    expr: sp.Expr
    args: Sequence[sp.Symbol]
    _fn: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fn", sp.lambdify(tuple(self.args), self.expr, modules="numpy"))

    def __call__(self, **values: Any) -> Any:
        missing = [s.name for s in self.args if s.name not in values]
        if missing:
            raise TypeError(f"schedule {self.expr} needs values for {missing}")
        return self._fn(*(values[s.name] for s in self.args))

    def __str__(self) -> str:
        return sp.sstr(self.expr)
