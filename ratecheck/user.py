"""User claims: ``ratecheck.claim`` (the run-context API, ``ratecheck.verify.context``) is
the way to write one — see ``examples/gd_linear_rate.py``; ``load_claim_file`` imports a file of
them for ``ratecheck verify my_claims.py``. ``define_claim`` is the lower-level registration both
use: a Claim record with a ``run(claim, settings, grid) -> Outcome`` experiment.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ratecheck.errors import UsageError
from ratecheck.theory.claim import Claim
from ratecheck.verify.experiment import Axis, Experiment
from ratecheck.verify.registry import all_claims, get_experiment, has_experiment, register


def define_claim(
    claim: Claim,
    run: Callable,
    grid: Sequence[Axis] = (),
    seeds_quick: int = 4,
    seeds_full: int = 16,
) -> Claim:
    """Register ``claim`` with its experiment ``run(claim, settings, grid) -> Outcome``; a
    second definition of the same id is an error unless it is the very same Claim object
    (re-importing a module is harmless)."""
    all_claims()  # the built-in claims first: their ids are taken
    register(Experiment(claim.id, run, tuple(grid), seeds_quick, seeds_full, claim))
    return claim


_CLAIM_FILES: dict[str, str] = {}  # module name → the file it was loaded from


def load_claim_file(path: str) -> list[str]:
    """Import a Python file of claims (``ratecheck verify my_claims.py``); return the ids of the
    claims it defines. Loading the same file again returns the same ids. UsageError (one line)
    for a missing file, a file that fails to import (naming the exception) or defines no claim,
    and a claim id that is already taken."""
    file = Path(path).resolve()
    if not file.is_file():
        raise UsageError(f"claim file '{path}' does not exist")
    name = "ratecheck_claims_" + hashlib.sha256(str(file).encode()).hexdigest()[:12]
    loaded = [c.id for c in all_claims() if _file_of(c.id) == file]  # imported already
    if loaded:
        return loaded
    before = {c.id for c in all_claims()}
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    _CLAIM_FILES[name] = str(file)
    try:
        spec.loader.exec_module(module)
    except UsageError as exc:
        _forget(name, before)
        raise UsageError(f"claim file '{path}': {exc}") from None
    except Exception as exc:
        _forget(name, before)
        first = (str(exc).splitlines() or [""])[0]
        raise UsageError(
            f"claim file '{path}' failed to import: {type(exc).__name__}: {first}"
        ) from None
    ids = [c.id for c in all_claims() if c.id not in before]
    if not ids:
        _forget(name, before)
        raise UsageError(
            f"claim file '{path}' defines no claim; define one with @ratecheck.claim(...) "
            "(see examples/gd_linear_rate.py)"
        )
    return ids


def claim_source(module: str) -> str:
    """Where a fresh worker finds a claim's experiment: its claim file, or its module name."""
    return _CLAIM_FILES.get(module, module)


def _file_of(claim_id: str) -> Path | None:
    """The source file of the module that defines a claim's experiment, where it has one."""
    if not has_experiment(claim_id):
        return None
    try:
        return Path(inspect.getfile(inspect.unwrap(get_experiment(claim_id).run))).resolve()
    except TypeError:  # a built-in or C function
        return None


def _forget(name: str, before: set[str]) -> None:
    """Undo a failed load: the module and any claim it registered before failing."""
    from ratecheck.verify.registry import unregister

    sys.modules.pop(name, None)
    _CLAIM_FILES.pop(name, None)
    for claim_id in [c.id for c in all_claims() if c.id not in before]:
        unregister(claim_id)
