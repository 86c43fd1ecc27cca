"""HCM-LMO: the correction transports momentum exactly where it should, β = 0 is Polyak momentum,
HVP calls are counted apart from gradient calls, and runs are reproducible."""

import numpy as np
import pytest

from ratecheck.backend import namespace, to_host
from ratecheck.problems import noisy_matrix, quadratic
from ratecheck.problems.base import Oracle
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm
from ratecheck.solvers import uscg
from ratecheck.solvers.hcm import hcm
from ratecheck.verify.runner import run

XP = namespace("numpy")


def _momentum_error(method, problem, steps):
    """max_k ‖d_k − ∇f(x_k)‖/‖∇f(x_k)‖ along a run (exact oracles)."""
    oracle, x = Oracle(problem), problem.x0
    state = method.init(x)
    worst = 0.0
    for _ in range(steps):
        x, state = method.step(x, state, oracle)
        d, g = state[1][0], problem.grad(state[2])[0]  # d_k and ∇f(x_k) of the step just taken
        worst = max(
            worst, float(np.max(np.linalg.norm(d - g, axis=-1) / np.linalg.norm(g, axis=-1)))
        )
    return worst


@pytest.mark.parametrize("variant", ["current", "interpolated"])
def test_on_a_quadratic_the_corrected_momentum_is_the_gradient(variant):
    """H constant ⇒ HΔ_k = ∇f(x_k) − ∇f(x_{k−1}), so from d_0 = ∇f(x_0) every d_k = ∇f(x_k)
    whatever α: the correction transports the average exactly (reference §5, SGDHess check)."""
    streams = Streams("hcm", 0, 3)
    problem = quadratic(50.0, 6, streams, XP)
    method = hcm(nm.L2(matrix=False), 0.05, 0.1, variant, rngs=streams.method, stochastic=False)
    assert _momentum_error(method, problem, 40) < 1e-12


def test_without_the_correction_the_momentum_lags():
    """β = 0 on the same quadratic: the average lags behind the gradient (the control's drift)."""
    problem = quadratic(50.0, 6, Streams("hcm", 0, 3), XP)
    method = hcm(nm.L2(matrix=False), 0.05, 0.1, "current", beta=0.0, stochastic=False)
    assert _momentum_error(method, problem, 40) > 1e-2


def test_variants_differ_off_quadratics():
    """On the cos problem the Hessian varies, so the two variants give different iterates."""

    def final(variant):
        streams = Streams("hcm", 1, 2)
        problem = noisy_matrix(4, 4, streams, XP, noise="none", sigma=0.0)
        m = hcm(nm.Frobenius(), 0.05, 0.1, variant, rngs=streams.method, stochastic=False)
        return to_host(run(m, problem, 30, {"x": lambda x: x[0][:, 0, 0]}).metrics["x"])[:, -1]

    assert np.max(np.abs(final("current") - final("interpolated"))) > 1e-8


@pytest.mark.parametrize("norm", [nm.Frobenius(), nm.Sign(False), nm.Spectral()])
def test_beta_zero_is_polyak_momentum(norm):
    """β = 0 reproduces uSCG with d_0 = g_0 (same noise, same LMO) up to round-off: uSCG's
    first step computes (1 − α)g_0 + αg_0 where HCM takes g_0."""

    def trace(method_of):
        streams = Streams("hcm", 2, 2)
        problem = noisy_matrix(4, 3, streams, XP, noise="skewed", sigma_hessian=1.0)
        return run(method_of(), problem, 25, {"x": lambda x: x[0].reshape(2, -1)[:, 0]}).metrics

    a = trace(lambda: hcm(norm, 0.03, 0.2, "current", beta=0.0))
    b = trace(lambda: uscg(norm, 0.03, 0.2, init="first_grad"))
    np.testing.assert_allclose(a["x"], b["x"], rtol=1e-12, atol=1e-15)


def test_hvp_calls_are_counted_apart_from_gradient_calls():
    streams = Streams("hcm", 3, 2)
    problem = noisy_matrix(3, 3, streams, XP, sigma_hessian=0.5)
    tr = run(hcm(nm.Frobenius(), 0.01, 0.3, "interpolated", rngs=streams.method), problem, 10)
    assert tr.grad_calls[-1] == 10 and tr.hvp_calls[-1] == 9  # no correction at k = 0
    tr0 = run(hcm(nm.Frobenius(), 0.01, 0.3, beta=0.0, rngs=streams.method), problem, 10)
    assert tr0.hvp_calls[-1] == 0  # β = 0 never asks for a Hessian


def test_same_seed_same_numbers():
    def once():
        streams = Streams("hcm", 4, 3)
        problem = noisy_matrix(4, 4, streams, XP, sigma_hessian=1.0)
        m = hcm(nm.Spectral(), 0.02, 0.1, "interpolated", rngs=streams.method)
        return run(m, problem, 50).metrics["grad_norm"]

    np.testing.assert_array_equal(once(), once())


def test_bad_arguments():
    with pytest.raises(ValueError, match="valid: current, interpolated"):
        hcm(nm.Frobenius(), 0.1, 0.1, "midpoint")
    with pytest.raises(ValueError, match="rngs"):
        hcm(nm.Frobenius(), 0.1, 0.1, "interpolated")
