"""The benchmark's arithmetic and plumbing (never its timings)."""

import numpy as np

from ratecheck.backend import namespace
from ratecheck.bench.lmo import measure, ns_flops, targets
from ratecheck.cli import main


def test_ns_flop_count_on_the_short_side():
    assert ns_flops((4, 3), steps=1) == 4 * 9 * 4 + 2 * 27
    assert ns_flops((3, 4), steps=5) == ns_flops((4, 3), steps=5)
    assert ns_flops((2048, 2048)) == 5 * 6 * 2048**3
    # a 4096×1024 input has 3× the arithmetic of 1024×1024 (4m²n + 2m³ with n = 4m)
    assert ns_flops((4096, 1024)) == 3 * ns_flops((1024, 1024))


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
    assert "NS efficiency" in out and out.count("PASS") + out.count("FAIL") == 3
    assert (tmp_path / "b.json").stat().st_size > 100


def test_bench_without_gpu_is_a_one_line_error(capsys):
    try:
        import cupy  # noqa: F401

        return
    except ImportError:
        pass
    assert main(["bench", "--backend", "cupy"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
