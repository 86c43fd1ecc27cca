"""Define your own claims: a SymPy prediction, an experiment (problem, solver, grid, estimator)
and a control, registered next to the built-in ones.

    from ratecheck import Claim, Provenance, define_claim
    from ratecheck.verify.experiments.base import GridParam, Outcome

    define_claim(Claim(...), run=my_experiment, grid=(GridParam(...),))

``run(claim, settings, grid) -> Outcome`` returns judged points for the claim and its control
(``ratecheck.verify.verdict.Point``/``Judgement``) and flat rows for figures. See
``examples/gd_linear_rate.py`` for a complete one, run by the test suite through the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ratecheck.errors import UsageError
from ratecheck.theory.claim import Claim, all_claims, register
from ratecheck.verify.experiments.base import Experiment, GridParam, register_experiment


def define_claim(
    claim: Claim,
    run: Callable,
    grid: Sequence[GridParam] = (),
    seeds_quick: int = 4,
    seeds_full: int = 16,
) -> Claim:
    """Register ``claim`` with its experiment; a second definition of the same id is an error
    unless it is the very same Claim object (re-importing a module is harmless)."""
    existing = {c.id: c for c in all_claims()}
    if claim.id in existing:
        if existing[claim.id] is claim:
            return claim
        raise UsageError(f"claim id '{claim.id}' is already taken; choose another id")
    register(claim)
    register_experiment(Experiment(claim.id, run, tuple(grid), seeds_quick, seeds_full))
    return claim
