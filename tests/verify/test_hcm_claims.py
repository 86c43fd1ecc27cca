"""The HCM claims in quick mode: each passes, its control fails, the comparison is paired."""

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.claims._shared import GEOMETRIES, MATRIX
from ratecheck.claims.hcm._corrections import (
    current_point_bias,
    monte_carlo_z,
    quadrature_error,
)
from ratecheck.claims.hcm._rates import SIGMA_HESSIAN, VARIANTS, schedule_constants
from ratecheck.problems import noisy_matrix
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.seeding import Streams
from ratecheck.theory import hcm as th
from ratecheck.verify.store import read_results

IDS = ["hcm-lmo-rate", "hcm-unbiased", "hcm-relaxed-smoothness"]
XP = namespace("numpy")


pytestmark = pytest.mark.quick_claims(*IDS)


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


@pytest.fixture(scope="module")
def folder(verdicts, quick_verdicts):
    return quick_verdicts.folders["hcm-lmo-rate"]


def test_every_claim_passes_and_its_control_fails(verdicts):
    for cid in IDS:
        assert verdicts[cid].result.holds, cid
        assert verdicts[cid].control.points and verdicts[cid].control.refuted, cid


@pytest.mark.parametrize("cid", ["hcm-lmo-rate", "hcm-relaxed-smoothness"])
def test_every_geometry_and_variant_is_judged(verdicts, cid):
    points = verdicts[cid].result.points
    labels = [p.label for p in points]
    for geometry in ("l2", "linf", "spectral"):
        for variant in VARIANTS:
            assert any(lb.startswith(f"{geometry}/{variant}: slope") for lb in labels)
            assert any(lb.startswith(f"{geometry}/{variant} − momentum") for lb in labels)
            judged = [p for p in points if p.method == f"{geometry}/{variant}"]
            assert len(judged) == 2 and all(p.where == {"geometry": geometry} for p in judged)
    for p in verdicts[cid].control.points:  # every geometry's β = 0 run fails on its own
        assert p.method.endswith("/uncorrected")
        assert abs(p.measured - p.predicted) > p.tolerance


@pytest.mark.parametrize("cid", ["hcm-lmo-rate", "hcm-relaxed-smoothness"])
def test_each_variant_meets_its_own_exponent_and_beats_momentum(verdicts, cid):
    """The slope of hcm-current is judged against the V1 exponent, hcm-interpolated's against
    V2; the advantage over momentum is the paired slope difference, its interval below 0."""
    exponents = {"hcm-current": th.hcm_v1_exponent(), "hcm-interpolated": th.hcm_exponent()}
    for p in verdicts[cid].result.points:
        variant = p.method.split("/")[1]
        if p.kind == "exponent":
            assert p.prediction == variant
            assert p.predicted == pytest.approx(float(exponents[variant]))
            assert abs(p.measured - p.predicted) <= p.tolerance
        else:
            assert (p.prediction, p.kind, p.predicted, p.tolerance) == ("advantage", "upper", 0, 0)
            assert p.stochastic and p.ci_low <= p.measured <= p.ci_high < 0


def test_rows_carry_all_four_methods_on_the_same_seeds(verdicts, folder):
    rows = [r for r in read_results(folder)[0] if r["claim"] == "hcm-lmo-rate"]
    methods = {r["method"] for r in rows}
    assert {"l2/momentum", "l2/hcm-current", "l2/hcm-interpolated", "l2/uncorrected"} <= methods
    judged = {p.method for p in verdicts["hcm-lmo-rate"].result.points}
    assert judged <= methods
    seeds = {m: {r["seed"] for r in rows if r["method"] == m} for m in methods}
    assert len({frozenset(s) for s in seeds.values()}) == 1


def test_hcm_lmo_rate_measures_on_the_instances_of_lmo_momentum_rate(verdicts):
    """The schedule constants come from lmo-momentum-rate's instance at each geometry (its
    streams), not from instances of hcm-lmo-rate's own."""
    v = verdicts["hcm-lmo-rate"]
    for geometry, (_, theta, rho_bar) in GEOMETRIES.items():
        constants = v.extra["constants"][geometry]
        for owner, same in (("lmo-momentum-rate", True), ("hcm-lmo-rate", False)):
            streams = Streams(owner, {"geometry": geometry}, v.seeds)
            p = noisy_matrix(*MATRIX, streams, XP, noise="skewed", sigma_hessian=SIGMA_HESSIAN)
            delta = schedule_constants(p, theta, rho_bar, p.constants["L2"])["Delta"]
            assert (delta == constants["Delta"]) is same


def test_unbiased_judges_the_z_scores_the_quadrature_and_the_bias_slope(verdicts):
    v = verdicts["hcm-unbiased"]
    for problem in ("cos matrix", "cosh"):
        own = [p for p in v.result.points if p.where["problem"] == problem]
        kinds = sorted((p.method.split("/")[1], p.prediction, p.kind, p.predicted) for p in own)
        assert kinds == [
            ("current", "current-bias-exponent", "exponent", 2.0),
            ("interpolated", "", "identity", 0.0),
            ("interpolated", "quadrature", "identity", 0.0),
        ]
        quadrature = next(p for p in own if p.prediction == "quadrature")
        assert 0 <= quadrature.measured <= quadrature.tolerance < 1e-6
        (control,) = [p for p in v.control.points if p.where["problem"] == problem]
        assert control.method == f"{problem}/current" and control.measured > control.tolerance


@pytest.mark.parametrize("build", [noisy_matrix, cosh_problem])
def test_monte_carlo_unbiasedness_of_the_interpolated_correction(build):
    """Unit-level check of the estimator: V2 is unbiased (|z| small), V1 is not at ‖Δ‖ = 1,
    the quadrature identity holds, and the V1 bias scales like ‖Δ‖²."""
    streams = Streams("hcm-test", {"problem": build.__name__}, 3)
    p = build(4, 4, streams, XP, noise="none", sigma=0.0, sigma_hessian=0.5)
    rng = np.random.default_rng(0)
    x, u = rng.standard_normal((3, 4, 4)), rng.standard_normal((3, 4, 4))
    u /= np.linalg.norm(u, axis=(1, 2), keepdims=True)
    assert abs(monte_carlo_z(p, x, u, "interpolated", 3000, streams.method)) < 4
    assert monte_carlo_z(p, x, u, "current", 3000, streams.method) > 20
    assert quadrature_error(p, x, u) < 1e-10
    ratio = current_point_bias(p, x, 1e-3 * u) / current_point_bias(p, x, 1e-2 * u)
    np.testing.assert_allclose(ratio, 1e-2, rtol=0.05)
