"""Batched seeds against sequential runs: S seeds in one array program against S runs of one
seed each, on the inner loop of ``lmo-momentum-rate`` (uSCG with averaged momentum on the
nonconvex matrix problem with skewed gradient noise) in two geometries: spectral (the exact SVD
LMO, one LAPACK call per matrix however the seeds are stacked) and ℓ2 (Frobenius: elementwise
arithmetic and reductions, where stacking seeds pays in full).

Both sides run the same steps through the same runner with the same per-seed random streams
(``Streams(first_seed=s)`` gives the sequential run of seed s exactly the batched run's seed-s
generators), so the benchmark also reports the largest relative difference of the final iterates:
the speed-up is for the same numbers.

    speedup = t_sequential / t_batched      (one run, one machine)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ratecheck.backend import namespace, to_host
from ratecheck.bench.lmo import _sync, environment
from ratecheck.problems.matrix import noisy_matrix
from ratecheck.seeding import Streams
from ratecheck.solvers.lmo_methods import uscg
from ratecheck.solvers.norms import Frobenius, Spectral
from ratecheck.verify.runner import run

SEEDS = 64
QUICK = (((16, 16), 200),)  # (shape, steps): runs as long as the noise chunk (512) or longer
FULL = (((16, 16), 1000), ((128, 128), 100))
GEOMETRIES = {"spectral": Spectral, "l2": Frobenius}  # SVD per matrix; elementwise + reductions
STREAM = "bench-batched-seeds"


def _final_iterate(
    shape: tuple[int, int], steps: int, seeds: int, first: int, xp: Any, geometry: str
):
    problem = noisy_matrix(*shape, Streams(STREAM, 0, seeds, first), xp, sigma=1.0)
    method = uscg(GEOMETRIES[geometry](), gamma=0.5 / steps**0.75, alpha=steps**-0.5)
    tr = run(method, problem, steps, {"x": lambda x: x[0][:, 0, 0]}, checkpoints=[0, steps])
    return tr.metrics["x"][:, -1]


def measure(
    shape: tuple[int, int], steps: int, xp: Any, seeds: int = SEEDS, geometry: str = "spectral"
) -> dict:
    """Seconds for ``seeds`` seeds batched and one at a time, after a one-seed warm-up."""
    _final_iterate(shape, 2, 1, 0, xp, geometry)
    _sync(xp)
    start = time.perf_counter()
    batched = _final_iterate(shape, steps, seeds, 0, xp, geometry)
    _sync(xp)
    t_batched = time.perf_counter() - start
    start = time.perf_counter()
    sequential = np.concatenate(
        [_final_iterate(shape, steps, 1, s, xp, geometry) for s in range(seeds)]
    )
    _sync(xp)
    t_sequential = time.perf_counter() - start
    scale = np.maximum(np.abs(to_host(sequential)), 1e-300)
    return {
        "geometry": geometry,
        "shape": f"{shape[0]}x{shape[1]}",
        "d": shape[0] * shape[1],
        "seeds": seeds,
        "steps": steps,
        "batched_s": t_batched,
        "sequential_s": t_sequential,
        "speedup": t_sequential / t_batched,
        "max_rel_diff": float(np.max(np.abs(to_host(batched) - to_host(sequential)) / scale)),
    }


def run_seeds_benchmark(
    quick: bool = False, backend: str = "numpy", report: Callable[[dict], None] | None = None
) -> dict:
    """Rows (one per size) and the target checks; ``report`` is called after each row."""
    xp = namespace(backend)
    rows = []
    for geometry in GEOMETRIES:
        for shape, steps in QUICK if quick else FULL:
            row = measure(shape, steps, xp, geometry=geometry)
            rows.append(row)
            if report is not None:
                report(row)
    return {"environment": environment(backend), "rows": rows, "targets": targets(rows, backend)}


def targets(rows: list[dict], backend: str) -> list[dict]:
    """Batched ≥ 10× sequential on the CPU at d ≤ 256 (≥ 30× on the GPU); printed, not asserted."""
    goal = 30.0 if backend == "cupy" else 10.0
    small = [r for r in rows if r["d"] <= 256]
    return [
        {
            "target": f"batched/sequential, {r['geometry']} at d = {r['d']} ({r['seeds']} seeds)"
            f" ≥ {goal:g}",
            "measured": r["speedup"],
            "passed": r["speedup"] >= goal,
        }
        for r in small
    ]
