"""``ratecheck.verify``: run claims' experiments and judge them.

>>> import ratecheck
>>> [v.expected for v in ratecheck.verify(["hb-polyak-transient"], quick=True)]
[True]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from ratecheck.backend import namespace
from ratecheck.errors import UsageError
from ratecheck.theory import all_claims, get_claim
from ratecheck.verify.cache import TaskCache, task_key
from ratecheck.verify.experiments import Settings, get_experiment
from ratecheck.verify.store import ResultStore
from ratecheck.verify.verdict import Verdict


def resolve(ids: Sequence[str] | None) -> list[str]:
    """Claim ids to run: all of them for None or an empty list; UsageError for an unknown id."""
    if not ids:
        return [c.id for c in all_claims()]
    return [get_claim(i).id for i in ids]


def verify(
    ids: Sequence[str] | None = None,
    *,
    quick: bool = False,
    backend: str = "numpy",
    seeds: int | None = None,
    grid: dict[str, tuple[float, ...]] | None = None,
    out: str | None = None,
    on_verdict: Callable[[Verdict], None] | None = None,
    cache: TaskCache | None = None,
) -> list[Verdict]:
    """Verify claims; return one Verdict each (claim passed? control failed?).

    ``grid`` overrides a grid parameter (e.g. {"kappa": (10, 100)}) for every claim that has
    it. ``out`` writes rows.csv and verdicts.json after each claim (figures: ratecheck plot).
    ``cache`` (a TaskCache) reuses finished outcomes with the same content key and stores new
    ones once they finish.
    """
    claim_ids = resolve(ids)
    if seeds is not None and seeds < 1:
        raise UsageError(f"--seeds must be a whole number ≥ 1, got {seeds}")
    xp = namespace(backend)
    experiments = [get_experiment(i) for i in claim_ids]
    known = sorted({g.name for e in experiments for g in e.grid})
    for name in grid or {}:
        if name not in known:
            raise UsageError(
                f"no selected claim has the grid parameter '{name}'; "
                f"valid: {', '.join(known) or 'none'}"
            )
    store = ResultStore(out, backend) if out is not None else None
    verdicts = []
    for claim_id, experiment in zip(claim_ids, experiments):
        claim = get_claim(claim_id)
        n_seeds = seeds or (experiment.seeds_quick if quick else experiment.seeds_full)
        own = {k: v for k, v in (grid or {}).items() if k in {g.name for g in experiment.grid}}
        settings = Settings(quick=quick, seeds=n_seeds, xp=xp, backend=backend, overrides=own)
        values = experiment.values(settings)
        start = time.perf_counter()
        key = task_key(claim_id, values, n_seeds, quick, backend) if cache else None
        outcome = cache.load(key) if cache else None
        if outcome is None:
            outcome = experiment.run(claim, settings, values)
            if cache:
                cache.store(key, outcome)
        outcome.result.kind = outcome.control.kind = claim.kind
        verdict = Verdict(
            claim,
            outcome.result,
            outcome.control,
            backend,
            n_seeds,
            quick,
            time.perf_counter() - start,
            {"grid": values, **outcome.extra},
        )
        if store is not None:
            store.add(verdict.record(), outcome.rows)
        if on_verdict is not None:
            on_verdict(verdict)
        verdicts.append(verdict)
    return verdicts
