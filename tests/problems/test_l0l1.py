"""Conformance of the (L0, L1)-smooth cosh problems: derivatives, stated constants, noise."""

import numpy as np
import pytest

from ratecheck.backend import namespace, to_host
from ratecheck.errors import UsageError
from ratecheck.problems import noisy_matrix
from ratecheck.problems.l0l1 import cosh_problem
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm

XP = namespace("numpy")


@pytest.mark.parametrize("structure", ["entrywise", "spectral"])
def test_gradient_and_hvp_match_finite_differences(structure):
    p = cosh_problem(4, 3, Streams("c", 0, 2), XP, structure=structure, noise="none")
    rng = np.random.default_rng(0)
    X, V = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3))
    h = 1e-6
    fd = (p.value((X + h * V,)) - p.value((X - h * V,))) / (2 * h)
    np.testing.assert_allclose(fd, np.sum(p.grad((X,))[0] * V, axis=(1, 2)), rtol=1e-7)
    fd_h = (p.grad((X + h * V,))[0] - p.grad((X - h * V,))[0]) / (2 * h)
    np.testing.assert_allclose(fd_h, p.hvp((X,), (V,))[0], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("structure", ["entrywise", "spectral"])
def test_minimizer_and_optimal_value(structure):
    p = cosh_problem(5, 3, Streams("c", 1, 3), XP, structure=structure)
    np.testing.assert_allclose(p.grad(p.x_star)[0], 0, atol=1e-12)
    np.testing.assert_allclose(p.value(p.x_star), p.f_star, rtol=1e-14)
    assert np.all(p.value(p.x0) > p.f_star)


CASES = [
    ("entrywise", "l2", nm.Frobenius()),
    ("entrywise", "linf", nm.Sign(False)),
    ("spectral", "spectral", nm.Spectral()),
    ("spectral", "l2", nm.Frobenius()),
]


@pytest.mark.parametrize("structure,geometry,norm", CASES)
def test_stated_l0_l1_holds_on_samples(structure, geometry, norm):
    """‖∇f(x) − ∇f(y)‖_* ≤ (L0 + L1‖∇f(x)‖_*)‖x − y‖ for ‖x − y‖ ≤ 1/L1 (first-order form)."""
    p = cosh_problem(4, 4, Streams("c", 2, 2), XP, structure=structure)
    L0, L1 = p.constants[f"L0_{geometry}"], p.constants[f"L1_{geometry}"]
    rng = np.random.default_rng(2)
    worst = 0.0
    for _ in range(300):
        X = 2 * rng.standard_normal((2, 4, 4))
        D = rng.standard_normal((2, 4, 4))
        D *= (rng.uniform(0.01, 1.0) / L1) / to_host(norm.norm(D))[:, None, None]
        gx = p.grad((X,))[0]
        lhs = norm.dual(gx - p.grad((X + D,))[0])
        rhs = (L0 + L1 * norm.dual(gx)) * norm.norm(D)
        worst = max(worst, float(np.max(lhs / rhs)))
    assert worst <= 1.0


def test_not_globally_lipschitz():
    """The Hessian grows with the gradient: no L bounds ‖∇²f‖ everywhere."""
    p = cosh_problem(2, 2, Streams("c", 3, 1), XP, noise="none")
    X = p.x_star[0] + 10.0
    V = np.ones_like(X)
    assert float(np.max(p.hvp((X,), (V,))[0])) > 1e3 * p.constants["L0_l2"]  # cosh(10)


@pytest.mark.parametrize("build", [noisy_matrix, cosh_problem])
def test_stochastic_hvp_is_unbiased_with_stated_variance(build):
    """E H(x; ζ)[v] = ∇²f(x)[v] and E‖H(x; ζ)[v] − ∇²f(x)[v]‖² = σ_H²‖v‖² (Monte Carlo)."""
    p = build(3, 3, Streams("c", 4, 2), XP, noise="none", sigma=0.0, sigma_hessian=0.7)
    rng = np.random.default_rng(4)
    X, V = rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 3, 3))
    exact = p.hvp((X,), (V,))[0]
    samples = np.stack([p.stochastic_hvp((X,), (V,))[0] for _ in range(4000)])
    err = samples - exact
    assert np.all(np.abs(err.mean(axis=0)) <= 5 * err.std(axis=0) / np.sqrt(4000))
    sq = np.mean(np.sum(err**2, axis=(2, 3)), axis=0)
    np.testing.assert_allclose(sq, 0.49 * np.sum(V**2, axis=(1, 2)), rtol=0.08)


def test_hessian_noise_is_independent_of_gradient_noise():
    """Drawing Hessian samples does not change the gradient-noise sequence."""
    a = noisy_matrix(2, 2, Streams("c", 5, 2), XP, sigma_hessian=1.0)
    b = noisy_matrix(2, 2, Streams("c", 5, 2), XP, sigma_hessian=1.0)
    for _ in range(5):
        a.stochastic_hvp(a.x0, a.x0)
    np.testing.assert_array_equal(a.stochastic_grad(a.x0)[0], b.stochastic_grad(b.x0)[0])


def test_bad_input_is_a_usage_error():
    with pytest.raises(UsageError, match="valid: entrywise, spectral"):
        cosh_problem(2, 2, Streams("c", 0, 1), XP, structure="diagonal")
    with pytest.raises(UsageError, match="σ_H"):
        cosh_problem(2, 2, Streams("c", 0, 1), XP, sigma_hessian=-1.0)
