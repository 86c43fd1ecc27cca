"""The Newton–Schulz dtype benchmark's arithmetic, its PyTorch reference and its targets (never
its timings)."""

import importlib.util

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.bench import ns_dtypes
from ratecheck.solvers.norms import newton_schulz


@pytest.mark.parametrize("shape", [(1, 6, 9), (1, 9, 6), (3, 5, 5)])
def test_the_pytorch_reference_computes_our_newton_schulz(shape):
    """The timed reference is the same computation as ours (wide, tall, batched), so their time
    ratio compares implementations, not algorithms: equal to round-off in float64."""
    torch = pytest.importorskip("torch")
    G = np.random.default_rng(1).standard_normal(shape)
    reference = ns_dtypes.torch_newton_schulz(torch.tensor(G)).numpy()
    np.testing.assert_allclose(reference, newton_schulz(G), rtol=1e-10, atol=1e-12)


def test_a_row_is_consistent():
    row = ns_dtypes.measure((32, 32), "float32", namespace("numpy"))
    assert np.isclose(row["efficiency"], row["ns_tflops"] / row["matmul_tflops"])
    assert row["ns_tflops"] == ns_dtypes.ns_flops((32, 32)) / row["ns_s"] / 1e12


def test_without_pytorch_the_reference_is_marked_unavailable(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    row = ns_dtypes.measure_torch((8, 8), "numpy")
    assert np.isnan(row["ns_s"]) and "unavailable" in row["note"]
    assert ns_dtypes.comparisons([{"dtype": "float32", "ns_s": 1.0}, row]) == [
        "PyTorch reference unavailable: PyTorch is not installed"
    ]


def test_gpu_targets_pass_and_fail_on_the_numbers():
    def rows(efficiency, ours, theirs):
        return [
            {"shape": "4096x4096", "dtype": "float16", "ns_s": ours, "efficiency": efficiency},
            {"shape": "4096x4096", "dtype": "torch bfloat16", "ns_s": theirs},
        ]

    assert [t["passed"] for t in ns_dtypes.targets(rows(0.85, 1.2, 1.0), "cupy")] == [True, True]
    assert [t["passed"] for t in ns_dtypes.targets(rows(0.7, 1.3, 1.0), "cupy")] == [False, False]
    assert ns_dtypes.targets(rows(0.7, 1.3, 1.0), "numpy") == []
    assert ns_dtypes.compute_dtypes("numpy") == ("float32",)
