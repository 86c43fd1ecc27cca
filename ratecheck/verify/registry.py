"""The one registry of claims: each claim's record with the experiment that measures it.

Built-in claims are found by walking the package ``ratecheck.claims`` (one module per claim,
``ratecheck/claims/<family>/<claim_id>.py``); user claims join when their file is loaded
(``ratecheck verify my_claims.py``). Nothing is registered twice under one id.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from ratecheck.errors import UsageError
from ratecheck.theory.claim import Claim
from ratecheck.verify.experiment import Experiment

_REGISTRY: dict[str, Experiment] = {}
_loaded = False


def register(experiment: Experiment) -> Experiment:
    """Add a claim with its experiment; a second definition of the same id is a UsageError
    unless it is the very same Claim object (re-importing a module is harmless)."""
    claim = experiment.claim
    if claim is None or claim.id != experiment.claim_id:
        raise ValueError(f"experiment {experiment.claim_id} carries no matching claim record")
    existing = _REGISTRY.get(claim.id)
    if existing is not None:
        if existing.claim is claim:
            return existing
        raise UsageError(f"claim id '{claim.id}' is already taken; choose another id")
    _REGISTRY[claim.id] = experiment
    return experiment


def unregister(claim_id: str) -> None:
    """Forget a claim (a user claim file that failed to load)."""
    _REGISTRY.pop(claim_id, None)


def load_builtin() -> None:
    """Import every claim module under ``ratecheck.claims`` (once), in sorted order: families
    by name, claims by file name. Modules whose name starts with "_" hold a family's shared
    helpers and define no claim."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import ratecheck.claims as package

    for info in sorted(
        pkgutil.walk_packages(package.__path__, package.__name__ + "."), key=lambda i: i.name
    ):
        if not info.name.rpartition(".")[2].startswith("_"):
            importlib.import_module(info.name)


def all_claims() -> list[Claim]:
    """Every claim: the built-in ones in package order, then user claims in loading order."""
    load_builtin()
    return [e.claim for e in _REGISTRY.values()]


def get_experiment(claim_id: str) -> Experiment:
    """The claim's experiment; a UsageError naming the valid ids otherwise."""
    load_builtin()
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        valid = ", ".join(_REGISTRY)
        raise UsageError(f"unknown claim '{claim_id}'; valid claims: {valid}") from None


def get_claim(claim_id: str) -> Claim:
    """The claim with this id; a UsageError naming the valid ids otherwise."""
    return get_experiment(claim_id).claim


def claim_file(claim_id: str) -> str:
    """Where a claim is written: "ratecheck/claims/<family>/<id>.py" for a built-in claim, the
    file a user claim was loaded from otherwise ("" where it has none, e.g. a C function)."""
    run = inspect.unwrap(get_experiment(claim_id).run)
    try:
        path = Path(inspect.getfile(run)).resolve()
    except TypeError:
        return ""
    root = Path(__file__).resolve().parents[2]  # the folder that holds the ratecheck package
    return str(path.relative_to(root)) if path.is_relative_to(root / "ratecheck") else str(path)


def has_experiment(claim_id: str) -> bool:
    load_builtin()
    return claim_id in _REGISTRY


__all__ = ["all_claims", "get_claim", "get_experiment", "has_experiment", "register"]
