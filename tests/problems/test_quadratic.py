"""Conformance of the generators: gradients, optima, stated constants, seed streams."""

import numpy as np
import pytest

from ratecheck.backend import to_host
from ratecheck.errors import UsageError
from ratecheck.problems import lrp_function, quadratic
from ratecheck.seeding import Streams


def test_spectrum_has_both_ends_and_stated_constants(xp):
    p = quadratic(100.0, 12, Streams("t", 0, 3), xp)
    lam = to_host(p.eigvals)
    np.testing.assert_allclose(lam[:, 0], 0.01)
    np.testing.assert_allclose(lam[:, -1], 1.0)
    assert p.constants == {"L": 1.0, "mu": 0.01, "kappa": 100.0}
    # sampled ‖∇f(x) − ∇f(y)‖/‖x − y‖ never exceeds L and never falls below μ
    rng = np.random.default_rng(0)
    for _ in range(20):
        x, y = (rng.standard_normal((3, 12)) for _ in range(2))
        gx, gy = (to_host(p.grad((xp.asarray(v),))[0]) for v in (x, y))
        ratio = np.linalg.norm(gx - gy, axis=1) / np.linalg.norm(x - y, axis=1)
        assert np.all(ratio <= 1.0 + 1e-12) and np.all(ratio >= 0.01 - 1e-12)


def test_gradient_matches_finite_differences(xp):
    p = quadratic(10.0, 6, Streams("t", 1, 2), xp)
    x = p.x0
    g = to_host(p.grad(x)[0])
    h = 1e-6
    for i in range(6):
        e = np.zeros((2, 6))
        e[:, i] = h
        fd = (
            to_host(p.value((x[0] + xp.asarray(e),))) - to_host(p.value((x[0] - xp.asarray(e),)))
        ) / (2 * h)
        np.testing.assert_allclose(fd, g[:, i], rtol=1e-6, atol=1e-8)


def test_optimum_and_value(xp):
    p = quadratic(10.0, 5, Streams("t", 2, 2), xp)
    np.testing.assert_allclose(to_host(p.value(p.x_star)), to_host(p.f_star), atol=1e-14)
    np.testing.assert_allclose(to_host(p.grad(p.x_star)[0]), 0, atol=1e-14)


def test_adding_seeds_keeps_existing_streams(xp):
    a = quadratic(10.0, 5, Streams("t", 3, 2), xp)
    b = quadratic(10.0, 5, Streams("t", 3, 4), xp)
    np.testing.assert_array_equal(to_host(a.A), to_host(b.A)[:2])
    np.testing.assert_array_equal(to_host(a.x0[0]), to_host(b.x0[0])[:2])


def test_noise_is_zero_mean_with_stated_level(xp):
    p = quadratic(10.0, 4, Streams("t", 4, 2), xp, noise="additive", sigma=0.5)
    g = to_host(p.grad(p.x0)[0])
    draws = np.stack([to_host(p.stochastic_grad(p.x0)[0]) - g for _ in range(4000)])
    assert abs(draws.mean()) < 0.02
    assert draws.std() == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize("kappa", [-1.0, 0.5, float("nan"), float("inf")])
def test_impossible_kappa_rejected(kappa):
    from ratecheck.backend import namespace

    with pytest.raises(UsageError, match="kappa"):
        quadratic(kappa, 4, Streams("t", 0, 1), namespace("numpy"))


def test_lrp_gradient_and_constants(xp):
    p = lrp_function(Streams("t", 0, 3), xp)
    v = np.array([[-1.0], [0.5], [1.5], [2.5], [3.3]])
    g = to_host(p.grad((xp.asarray(v),))[0])[:, 0]
    np.testing.assert_allclose(g, [-25, 12.5, 25.5, 38.5, 58.5])
    f = to_host(p.value((xp.asarray(v),)))
    np.testing.assert_allclose(
        f, [12.5, 3.125, 1.125 + 36 - 12, 78.125 - 60 + 36, 136.125 - 79.2 + 36]
    )
    starts = to_host(p.x0[0])
    assert np.all((starts >= 3.07) & (starts <= 3.46))
