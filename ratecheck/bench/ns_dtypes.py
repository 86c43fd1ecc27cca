"""Newton–Schulz by compute dtype, against the hardware's matmul rate and PyTorch's Muon.

For one square input (4096² in the full run, 256² in the quick one; Gaussian, seed 0, batch 1)
and each compute dtype d (float32, TF32 — CuPy only, float32 storage with TF32 tensor-core
products —, float16 — CuPy only: NumPy has no float16 BLAS):

    ns_s          time of ``newton_schulz(G, compute_dtype=d)`` (5 steps, normalization included)
    efficiency    = 5 · t_mm / ns_s, t_mm the three bare products of one step in d (bench/lmo.py)
    matmul TFLOP/s of those products in d, in the same run

and one reference row, PyTorch's Newton–Schulz as the public Muon code writes it
(``zeropower_via_newtonschulz5``: the same quintic coefficients, X = G.bfloat16(), X/(‖X‖_F +
1e-7), five steps of A = X Xᵀ, B = b·A + c·A·A, X = a·X + B·X), run in bfloat16 on the GPU
(float32 on the CPU, where bfloat16 products are emulated). PyTorch is an optional reference:
without it the row is marked unavailable. The ratios printed: ns_s(float16) / torch_s (GPU;
float32 on the CPU), and on CuPy the NumPy float32 time over the CuPy float32 time, measured in
the same process.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ratecheck.backend import asarray, name_of, namespace
from ratecheck.bench.lmo import NS_STEPS, _bare_products, _time, ns_flops
from ratecheck.solvers.norms import NS_COEFFICIENTS, newton_schulz

FULL_SHAPE, QUICK_SHAPE = (4096, 4096), (256, 256)
TF32, DEFAULT = 7, 1  # CuPy's COMPUTE_TYPE_TF32 and COMPUTE_TYPE_DEFAULT


def compute_dtypes(backend: str) -> tuple[str, ...]:
    return ("float32", "tf32", "float16") if backend == "cupy" else ("float32",)


@contextlib.contextmanager
def _tf32(on: bool) -> Iterator[None]:
    """CuPy float32 products on TF32 tensor cores inside the block (what CUPY_TF32=1 selects
    for a whole process), restored after."""
    if not on:
        yield
        return
    from cupy._core import _routines_linalg as linalg

    linalg.set_compute_type(np.float32, getattr(linalg, "COMPUTE_TYPE_TF32", TF32))
    try:
        yield
    finally:
        linalg.set_compute_type(np.float32, getattr(linalg, "COMPUTE_TYPE_DEFAULT", DEFAULT))


def measure(shape: tuple[int, int], dtype: str, xp: Any) -> dict:
    """One row: our Newton–Schulz in compute dtype ``dtype`` and its bare products in it."""
    storage = "float32" if dtype == "tf32" else dtype
    G = asarray(np.random.default_rng(0).standard_normal((1, *shape)).astype("float32"), xp)
    with _tf32(dtype == "tf32"):
        t_ns = _time(lambda X: newton_schulz(X, compute_dtype=storage), G, xp)
        t_mm = _time(_bare_products, xp.astype(G, getattr(xp, storage)), xp)
    flops = ns_flops(shape)
    return {
        "shape": f"{shape[0]}x{shape[1]}",
        "dtype": dtype,
        "ns_s": t_ns,
        "mm_s": t_mm,
        "ns_tflops": flops / t_ns / 1e12,
        "matmul_tflops": flops / NS_STEPS / t_mm / 1e12,
        "efficiency": NS_STEPS * t_mm / t_ns,
    }


def torch_newton_schulz(G: Any, steps: int = NS_STEPS, dtype: Any = None) -> Any:
    """Muon's ``zeropower_via_newtonschulz5`` (public code, rewritten here as the reference):
    cast to ``dtype`` (bfloat16 there), wide orientation, Frobenius normalization, ns5 steps."""
    a, b, c = NS_COEFFICIENTS["ns5"][0]
    X = G.to(dtype) if dtype is not None else G
    tall = G.size(-2) > G.size(-1)
    if tall:
        X = X.mT
    X = X / (X.norm(dim=(-2, -1), keepdim=True) + 1e-7)
    for _ in range(steps):
        A = X @ X.mT
        B = b * A + c * A @ A
        X = a * X + B @ X
    return X.mT if tall else X


def measure_torch(shape: tuple[int, int], backend: str) -> dict:
    """PyTorch's Newton–Schulz on the backend's device: bfloat16 on CUDA, float32 on the CPU."""
    row = {"shape": f"{shape[0]}x{shape[1]}", "dtype": "torch", "ns_s": float("nan")}
    if importlib.util.find_spec("torch") is None:
        return {**row, "note": "unavailable: PyTorch is not installed"}
    import torch

    on_gpu = backend == "cupy"
    if on_gpu and not torch.cuda.is_available():
        return {**row, "note": "unavailable: PyTorch sees no CUDA device"}
    device, dtype = ("cuda", torch.bfloat16) if on_gpu else ("cpu", torch.float32)
    rng = np.random.default_rng(0)
    G = torch.tensor(rng.standard_normal((1, *shape)).astype("float32"), device=device)

    def sync() -> None:
        if on_gpu:
            torch.cuda.synchronize()

    t = _time(lambda X: torch_newton_schulz(X, dtype=dtype), G, None, sync=sync)
    return {**row, "dtype": f"torch {str(dtype).removeprefix('torch.')}", "ns_s": t}


def run_ns_dtype_benchmark(
    quick: bool = False, backend: str = "numpy", report: Callable[[dict], None] | None = None
) -> dict:
    """Rows for every compute dtype, the PyTorch reference, and (on CuPy) NumPy float32."""
    xp = namespace(backend)
    shape = QUICK_SHAPE if quick else FULL_SHAPE
    rows = [measure(shape, d, xp) for d in compute_dtypes(backend)]
    rows.append(measure_torch(shape, backend))
    if name_of(xp) == "cupy":
        rows.append({**measure(shape, "float32", namespace("numpy")), "dtype": "numpy float32"})
    for row in rows:
        if report is not None:
            report(row)
    return {"rows": rows, "targets": targets(rows, backend)}


def _by_dtype(rows: list[dict]) -> tuple[dict[str, dict], dict | None]:
    """The rows by dtype, and the PyTorch reference row (None if there is none)."""
    return {r["dtype"]: r for r in rows}, next(
        (r for r in rows if r["dtype"].startswith("torch")), None
    )


def targets(rows: list[dict], backend: str) -> list[dict]:
    """GPU only: float16 efficiency ≥ 0.8 and float16 NS within 1.25× of PyTorch bfloat16 (the
    CPU has no target here; ``comparisons`` prints its ratio to PyTorch without a bound)."""
    by, reference = _by_dtype(rows)
    out = []
    if backend == "cupy":
        half = by["float16"]
        out.append(
            {
                "target": f"{half['shape']} float16: NS efficiency ≥ 0.8",
                "measured": half["efficiency"],
                "passed": half["efficiency"] >= 0.8,
            }
        )
        if reference is not None and np.isfinite(reference["ns_s"]):
            ratio = half["ns_s"] / reference["ns_s"]
            out.append(
                {
                    "target": f"{half['shape']}: NS float16 / PyTorch bfloat16 ≤ 1.25",
                    "measured": ratio,
                    "passed": ratio <= 1.25,
                }
            )
    return out


def comparisons(rows: list[dict]) -> list[str]:
    """The ratios that are reported without a target (printed lines)."""
    by, reference = _by_dtype(rows)
    lines = []
    ours = by.get("float16", by["float32"])
    if reference is not None and np.isfinite(reference["ns_s"]):
        lines.append(
            f"NS {ours['dtype']} / {reference['dtype']} Newton–Schulz: "
            f"{ours['ns_s'] / reference['ns_s']:.3g}"
        )
    elif reference is not None:
        lines.append(f"PyTorch reference {reference['note']}")
    if "numpy float32" in by:
        ratio = by["numpy float32"]["ns_s"] / by["float32"]["ns_s"]
        lines.append(f"NumPy / CuPy, NS float32: {ratio:.3g}")
    return lines
