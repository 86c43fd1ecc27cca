"""The HCM claims in quick mode: each passes, its control fails, the comparison is paired."""

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.problems import noisy_matrix
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.seeding import Streams
from ratecheck.verify.experiments.hcm import current_point_bias, monte_carlo_z, quadrature_error
from ratecheck.verify.store import read_results

IDS = ["hcm-lmo-rate", "hcm-unbiased", "hcm-relaxed-smoothness"]
XP = namespace("numpy")


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


@pytest.fixture(scope="module")
def folder(verdicts, quick_verdicts):
    return quick_verdicts.folders["hcm-lmo-rate"]


@pytest.mark.parametrize("cid", ["hcm-lmo-rate", "hcm-relaxed-smoothness"])
def test_every_geometry_and_variant_is_judged(verdicts, cid):
    labels = [p.label for p in verdicts[cid].result.points]
    for geometry in ("l2", "linf", "spectral"):
        for variant in ("hcm-current", "hcm-interpolated"):
            assert any(lb.startswith(f"{geometry}/{variant}: slope") for lb in labels)
            assert any(lb.startswith(f"{geometry}/{variant} − momentum") for lb in labels)
    for p in verdicts[cid].control.points:  # every geometry's β = 0 run fails on its own
        assert abs(p.measured - p.predicted) > p.tolerance


def test_rows_carry_all_four_methods_on_the_same_seeds(verdicts, folder):
    rows = [r for r in read_results(folder)[0] if r["claim"] == "hcm-lmo-rate"]
    methods = {r["method"] for r in rows}
    assert {"l2/momentum", "l2/hcm-current", "l2/hcm-interpolated", "l2/uncorrected"} <= methods
    seeds = {m: {r["seed"] for r in rows if r["method"] == m} for m in methods}
    assert len({frozenset(s) for s in seeds.values()}) == 1


@pytest.mark.parametrize("build", [noisy_matrix, cosh_problem])
def test_monte_carlo_unbiasedness_of_the_interpolated_correction(build):
    """Unit-level check of the estimator: V2 is unbiased (|z| small), V1 is not at ‖Δ‖ = 1,
    the quadrature identity holds, and the V1 bias scales like ‖Δ‖²."""
    streams = Streams("hcm-test", 0, 3)
    p = build(4, 4, streams, XP, noise="none", sigma=0.0, sigma_hessian=0.5)
    rng = np.random.default_rng(0)
    x, u = rng.standard_normal((3, 4, 4)), rng.standard_normal((3, 4, 4))
    u /= np.linalg.norm(u, axis=(1, 2), keepdims=True)
    assert abs(monte_carlo_z(p, x, u, "interpolated", 3000, streams.method)) < 4
    assert monte_carlo_z(p, x, u, "current", 3000, streams.method) > 20
    assert quadrature_error(p, x, u) < 1e-10
    ratio = current_point_bias(p, x, 1e-3 * u) / current_point_bias(p, x, 1e-2 * u)
    np.testing.assert_allclose(ratio, 1e-2, rtol=0.05)
