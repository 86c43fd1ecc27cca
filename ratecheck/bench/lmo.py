"""Spectral LMO benchmark: exact SVD against Newton–Schulz (ns5, 5 steps).

For an input with short side m and long side n (NS works on the short side), per matrix:

    NS FLOPs      = steps · (4m²n + 2m³)      (X Xᵀ: 2m²n, A·A: 2m³, B·X: 2m²n)
    matmul rate   = (4m²n + 2m³) / t_mm, where t_mm is the time of the three bare products
                    X Xᵀ, A·Aᵀ, A·X on the same shapes, dtype and batch, in the same run
                    (written as in newton_schulz, so NumPy uses syrk for the symmetric two)
    efficiency    = (NS FLOPs / t_NS) / matmul rate  = steps · t_mm / t_NS

so an efficiency of 1 means NS costs exactly its matrix products. Times are medians of repeats
after a warm-up call; all ratios come from one run on one machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ratecheck.backend import asarray, name_of, namespace
from ratecheck.solvers.norms import Spectral, newton_schulz

FULL_SIZES = ((256, 256), (1024, 1024), (2048, 2048), (4096, 1024))
QUICK_SIZES = ((64, 64), (128, 128), (256, 64))
NS_STEPS = 5


def ns_flops(shape: tuple[int, int], steps: int = NS_STEPS) -> float:
    """FLOPs of ``steps`` Newton–Schulz steps on one matrix of ``shape`` (short side m)."""
    m, n = min(shape), max(shape)
    return steps * (4 * m * m * n + 2 * m**3)


def _sync(xp: Any) -> None:
    if name_of(xp) == "cupy":
        import cupy

        cupy.cuda.Device().synchronize()


def _time(fn: Callable[[], Any], xp: Any, repeats: int) -> float:
    fn()  # warm-up
    _sync(xp)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        _sync(xp)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _bare_products(X: Any, xp: Any) -> Callable[[], Any]:
    """The three products of one NS step, without the NS arithmetic around them."""
    tall = X.shape[-2] > X.shape[-1]
    Y = xp.matrix_transpose(X) if tall else X

    def products():
        A = Y @ xp.matrix_transpose(Y)
        A2 = A @ xp.matrix_transpose(A)  # as in newton_schulz: lets NumPy use syrk
        return A2 @ Y

    return products


def measure(shape: tuple[int, int], dtype: str, batch: int, xp: Any, repeats: int) -> dict:
    """One row of the benchmark table."""
    rng = np.random.default_rng(0)
    host = rng.standard_normal((batch, *shape)).astype(dtype)
    G = asarray(host, xp)
    svd_lmo = Spectral().lmo
    svd_repeats = 1 if max(shape) >= 1024 else repeats
    t_svd = _time(lambda: svd_lmo(G), xp, svd_repeats)
    t_ns = _time(lambda: newton_schulz(G), xp, repeats)
    t_mm = _time(_bare_products(G, xp), xp, repeats)
    flops = ns_flops(shape) * batch
    return {
        "shape": f"{shape[0]}x{shape[1]}",
        "dtype": dtype,
        "batch": batch,
        "svd_s": t_svd,
        "ns_s": t_ns,
        "svd_over_ns": t_svd / t_ns,
        "ns_gflops": flops / t_ns / 1e9,
        "matmul_gflops": flops / NS_STEPS / t_mm / 1e9,
        "efficiency": NS_STEPS * t_mm / t_ns,
    }


def run_lmo_benchmark(
    quick: bool = False, backend: str = "numpy", report: Callable[[dict], None] | None = None
) -> dict:
    """All rows plus the target checks; ``report`` is called after each row."""
    xp = namespace(backend)
    sizes = QUICK_SIZES if quick else FULL_SIZES
    repeats = 3
    rows = []
    for shape in sizes:
        for dtype in ("float32", "float64"):
            for batch in (1, 8):
                row = measure(shape, dtype, batch, xp, repeats)
                rows.append(row)
                if report is not None:
                    report(row)
    return {"rows": rows, "targets": targets(rows, quick)}


def _row(rows, shape, dtype, batch):
    return next(
        r for r in rows if r["shape"] == shape and r["dtype"] == dtype and r["batch"] == batch
    )


def targets(rows: list[dict], quick: bool) -> list[dict]:
    """The issue's targets as measured ratios (printed as PASS/FAIL, never asserted in tests)."""
    big, square, wide = (
        ("128x128", "64x64", "256x64") if quick else ("2048x2048", "1024x1024", "4096x1024")
    )
    r = _row(rows, big, "float32", 1)
    ns_wide = _row(rows, wide, "float32", 1)["ns_s"] / _row(rows, square, "float32", 1)["ns_s"]
    return [
        {
            "target": f"{big} float32: SVD/NS ≥ 2.5",
            "measured": r["svd_over_ns"],
            "passed": r["svd_over_ns"] >= 2.5,
        },
        {
            "target": f"{big} float32: NS efficiency ≥ 0.85",
            "measured": r["efficiency"],
            "passed": r["efficiency"] >= 0.85,
        },
        {
            "target": f"NS time {wide} / {square} (float32) ≤ 4",
            "measured": ns_wide,
            "passed": ns_wide <= 4,
        },
    ]
