"""The benchmark's arithmetic and plumbing (never its timings)."""

import json

import numpy as np

from ratecheck.backend import namespace
from ratecheck.bench.lmo import measure, ns_flops, targets
from ratecheck.cli import main
from ratecheck.solvers.norms import Spectral, newton_schulz
from ratecheck.theory.newton_schulz import band


def test_ns_flop_count_on_the_short_side():
    assert ns_flops((4, 3), steps=1) == 4 * 9 * 4 + 2 * 27
    assert ns_flops((3, 4), steps=5) == ns_flops((4, 3), steps=5)
    assert ns_flops((2048, 2048)) == 5 * 6 * 2048**3
    # a 4096×1024 input has 3× the arithmetic of 1024×1024 (4m²n + 2m³ with n = 4m)
    assert ns_flops((4096, 1024)) == 3 * ns_flops((1024, 1024))


def test_timed_ns_matches_the_svd_lmo_up_to_the_ns5_band():
    """The two oracles the benchmark times agree up to the band: with G = U diag(s) Vᵀ,
    −NS(G) = −U diag(φ⁵(s/‖G‖_F)) Vᵀ and the SVD LMO is −U Vᵀ, so Uᵀ(−NS(G))V is diagonal
    with entries in −[lo, hi] = −band("ns5") and ‖NS(G) + lmo(G)‖₂ ≤ max(1 − lo, hi − 1)."""
    rng = np.random.default_rng(5)
    s = np.array([1.0, 0.7, 0.4, 0.2])  # s/‖s‖_F ≥ 0.15, inside the band's range [0.01, 1]
    U = np.linalg.qr(rng.standard_normal((2, 6, 4)))[0]
    V = np.linalg.qr(rng.standard_normal((2, 4, 4)))[0]
    G = (U * s) @ np.swapaxes(V, 1, 2)
    for X in (G, np.swapaxes(G, 1, 2)):  # tall and wide inputs
        ns, svd = -newton_schulz(X), Spectral().lmo(X)
        assert ns.shape == svd.shape == X.shape
        Ux, _, Vtx = np.linalg.svd(X, full_matrices=False)
        core = np.swapaxes(Ux, 1, 2) @ ns @ np.swapaxes(Vtx, 1, 2)
        diag = np.diagonal(core, axis1=1, axis2=2)
        np.testing.assert_allclose(core - diag[..., None] * np.eye(4), 0, atol=1e-12)
        svd_core = np.swapaxes(Ux, 1, 2) @ svd @ np.swapaxes(Vtx, 1, 2)
        np.testing.assert_allclose(
            svd_core, -np.broadcast_to(np.eye(4), svd_core.shape), atol=1e-12
        )
        lo, hi = band("ns5")
        assert np.all((-diag >= lo - 1e-9) & (-diag <= hi + 1e-9))
        gap = np.linalg.norm(ns - svd, ord=2, axis=(1, 2))
        assert np.all(gap <= max(1 - lo, hi - 1) + 1e-9) and np.all(gap > 1e-3)


def test_a_row_is_consistent():
    row = measure((32, 16), "float64", 2, namespace("numpy"), repeats=1)
    assert row["svd_over_ns"] == row["svd_s"] / row["ns_s"]
    assert np.isclose(row["efficiency"], row["ns_gflops"] / row["matmul_gflops"])


def test_targets_are_reported_not_asserted():
    rows = [
        {
            "shape": s,
            "dtype": "float32",
            "batch": 1,
            "svd_s": 1.0,
            "ns_s": ns,
            "svd_over_ns": 1 / ns,
            "efficiency": 0.5,
        }
        for s, ns in (("128x128", 0.5), ("64x64", 0.1), ("256x64", 0.5))
    ]
    checks = targets(rows, quick=True)
    assert [c["passed"] for c in checks] == [False, False, False]


def test_quick_bench_runs_end_to_end(capsys, tmp_path):
    assert main(["bench", "--quick", "--json", str(tmp_path / "b.json")]) == 0
    out = capsys.readouterr().out
    assert "NS efficiency" in out and "speed-up" in out
    assert out.count("PASS") + out.count("FAIL") == 5  # three LMO targets, two batched-seeds
    doc = json.loads((tmp_path / "b.json").read_text())
    assert doc["batched_seeds"]["rows"][0]["max_rel_diff"] <= 1e-12
    assert "Newton–Schulz by compute dtype" in out
    assert doc["ns_dtypes"]["rows"][0]["dtype"] == "float32"


def test_bench_without_gpu_is_a_one_line_error(capsys):
    try:
        import cupy  # noqa: F401

        return
    except ImportError:
        pass
    assert main(["bench", "--backend", "cupy"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
