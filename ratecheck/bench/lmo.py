"""Spectral LMO benchmark: exact SVD against Newton–Schulz (ns5, 5 steps).

For an input with short side m and long side n (NS works on the short side), per matrix:

    NS FLOPs      = steps · (4m²n + 2m³)      (X Xᵀ: 2m²n, A·A: 2m³, B·X: 2m²n)
    matmul rate   = (4m²n + 2m³) / t_mm, where t_mm is the time of the three bare products of
                    one step, X Xᵀ, A·Aᵀ, (A·Aᵀ)·X, on the same shapes, dtype and batch, in the
                    same run (written as in newton_schulz, so NumPy runs the two symmetric ones
                    as BLAS syrk in both: the rate counts nominal, not executed, FLOPs)
    efficiency    = (NS FLOPs / t_NS) / matmul rate  = steps · t_mm / t_NS

so an efficiency of 1 means NS costs exactly its matrix products. Timing: time.perf_counter around
each call (synchronized on CuPy), after a warm-up call on the first matrix of the batch (same
shape, dtype and code path, but 1/batch of the cost); the median of REPEATS timed calls, or a
single timed call when that call takes at least LONG_CALL_S seconds (the large batched SVDs), so
the full run stays within minutes on two cores. All ratios come from one run on one machine.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ratecheck.backend import array_namespace, asarray, name_of, namespace
from ratecheck.solvers.norms import Spectral, newton_schulz

FULL_SIZES = ((256, 256), (1024, 1024), (2048, 2048), (4096, 1024))
QUICK_SIZES = ((64, 64), (128, 128), (256, 64))
NS_STEPS = 5
REPEATS = 3
LONG_CALL_S = 5.0


def ns_flops(shape: tuple[int, int], steps: int = NS_STEPS) -> float:
    """FLOPs of ``steps`` Newton–Schulz steps on one matrix of ``shape`` (short side m)."""
    m, n = min(shape), max(shape)
    return steps * (4 * m * m * n + 2 * m**3)


def _sync(xp: Any) -> None:
    if name_of(xp) == "cupy":
        import cupy

        cupy.cuda.Device().synchronize()


def _time(
    fn: Callable[[Any], Any], G: Any, xp: Any, repeats: int = REPEATS, sync: Callable | None = None
) -> float:
    """Median seconds of ``fn(G)`` over ``repeats`` calls (one call if it takes ≥ LONG_CALL_S),
    after a warm-up call on ``G[:1]``; each clock read waits for ``sync()`` (default: the
    device of namespace ``xp``)."""
    wait = sync if sync is not None else lambda: _sync(xp)
    fn(G[:1])  # warm-up: BLAS/LAPACK threads, allocator, code paths
    wait()
    times: list[float] = []
    while len(times) < repeats and not (times and times[0] >= LONG_CALL_S):
        start = time.perf_counter()
        fn(G)
        wait()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _bare_products(X: Any) -> Any:
    """The three products of one NS step, without the NS arithmetic around them, written exactly
    as in newton_schulz (so NumPy runs the two symmetric ones as BLAS syrk in both):
    wide or square X: A = X Xᵀ, A2 = A Aᵀ, A2 X;  tall X: A = Xᵀ X, A2 = A Aᵀ, X A2."""
    xp = array_namespace(X)
    if X.shape[-2] > X.shape[-1]:
        A = xp.matrix_transpose(X) @ X
        return X @ (A @ xp.matrix_transpose(A))
    A = X @ xp.matrix_transpose(X)
    return (A @ xp.matrix_transpose(A)) @ X


def measure(
    shape: tuple[int, int], dtype: str, batch: int, xp: Any, repeats: int = REPEATS
) -> dict:
    """One row of the benchmark table: SVD LMO, NS and bare-product times on a Gaussian input of
    shape (batch, *shape) (seed 0), and the ratios defined in the module docstring."""
    rng = np.random.default_rng(0)
    G = asarray(rng.standard_normal((batch, *shape)).astype(dtype), xp)
    t_svd = _time(Spectral().lmo, G, xp, repeats)
    t_ns = _time(newton_schulz, G, xp, repeats)
    t_mm = _time(_bare_products, G, xp, repeats)
    flops = ns_flops(shape) * batch
    return {
        "shape": f"{shape[0]}x{shape[1]}",
        "dtype": dtype,
        "batch": batch,
        "svd_s": t_svd,
        "ns_s": t_ns,
        "mm_s": t_mm,
        "svd_over_ns": t_svd / t_ns,
        "ns_gflops": flops / t_ns / 1e9,
        "matmul_gflops": flops / NS_STEPS / t_mm / 1e9,
        "efficiency": NS_STEPS * t_mm / t_ns,
    }


def environment(backend: str) -> dict:
    """Where the numbers were measured: date, CPU, core count, NumPy and its BLAS."""
    info = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "backend": backend,
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "numpy": np.__version__,
    }
    try:
        with open("/proc/cpuinfo") as fh:
            names = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        info["cpu"] = names[0] if names else info["cpu"]
    except OSError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # show_config's layout is not a stable API
        info["blas"] = "unknown"
    if backend == "cupy":
        try:
            import cupy

            props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
            info["gpu"] = props["name"].decode()
        except Exception:  # informational only
            pass
    return info


def run_lmo_benchmark(
    quick: bool = False, backend: str = "numpy", report: Callable[[dict], None] | None = None
) -> dict:
    """All rows plus the target checks; ``report`` is called after each row."""
    xp = namespace(backend)
    env = environment(backend)
    sizes = QUICK_SIZES if quick else FULL_SIZES
    rows = []
    for shape in sizes:
        for dtype in ("float32", "float64"):
            for batch in (1, 8):
                row = measure(shape, dtype, batch, xp)
                rows.append(row)
                if report is not None:
                    report(row)
    return {"environment": env, "rows": rows, "targets": targets(rows, quick)}


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
