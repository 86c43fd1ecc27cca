"""LMO methods: the update rules, their special cases, Gluon's step, Muon's pieces."""

import math

import numpy as np

from ratecheck.backend import namespace
from ratecheck.problems import Oracle, noisy_matrix
from ratecheck.seeding import Streams
from ratecheck.solvers import gluon, muon, normalized_sgd, scion, uscg
from ratecheck.solvers import norms as nm

XP = namespace("numpy")


def iterate(method, problem, steps):
    oracle = Oracle(problem)
    x, state = problem.x0, method.init(problem.x0)
    xs = [x]
    for _ in range(steps):
        x, state = method.step(x, state, oracle)
        xs.append(x)
    return xs, oracle


def test_uscg_step_matches_its_formula():
    p = noisy_matrix(4, 3, Streams("l", 0, 2), XP, noise="none")
    xs, _ = iterate(uscg(nm.Spectral(), 0.1, 0.5, stochastic=False), p, 2)
    g0 = p.grad(xs[0])[0]
    d0 = 0.5 * g0  # zero-initialized buffer
    np.testing.assert_allclose(xs[1][0], xs[0][0] + 0.1 * nm.Spectral().lmo(d0), atol=1e-14)
    d1 = 0.5 * d0 + 0.5 * p.grad(xs[1])[0]
    np.testing.assert_allclose(xs[2][0], xs[1][0] + 0.1 * nm.Spectral().lmo(d1), atol=1e-14)


def test_scg_stays_in_the_ball():
    p = noisy_matrix(5, 5, Streams("l", 1, 2), XP)
    radius = 0.3
    xs, _ = iterate(scion((nm.Spectral(),), (radius,), lr=0.2, momentum=0.3), p, 50)
    assert all(np.all(nm.Spectral().norm(x[0]) <= radius + 1e-12) for x in xs)
    xs_u, _ = iterate(scion((nm.Spectral(),), (radius,), lr=0.2, unconstrained=True), p, 50)
    assert np.max(nm.Spectral().norm(xs_u[-1][0])) > radius  # uSCG leaves it


def test_lmo_methods_are_invariant_to_buffer_scale():
    """Pure LMO steps depend only on α: a 10× larger gradient gives the same iterates."""
    p = noisy_matrix(3, 4, Streams("l", 2, 2), XP, noise="none")

    class Scaled:
        def __init__(self, s):
            self.s = s

        def grad(self, x):
            return (self.s * p.grad(x)[0],)

        stochastic_grad = grad

    m = uscg(nm.Sign(), 0.05, 0.2)
    x1, st1, x2, st2 = p.x0, m.init(p.x0), p.x0, m.init(p.x0)
    for _ in range(20):
        x1, st1 = m.step(x1, st1, Scaled(1.0))
        x2, st2 = m.step(x2, st2, Scaled(10.0))
    np.testing.assert_allclose(x1[0], x2[0], atol=1e-12)


def test_normalized_sgd_is_uscg_in_l2():
    p = noisy_matrix(3, 3, Streams("l", 3, 2), XP, noise="none")
    a, _ = iterate(normalized_sgd(0.1), p, 5)
    b, _ = iterate(uscg(nm.L2(matrix=True), 0.1), p, 5)
    np.testing.assert_allclose(a[-1][0], b[-1][0], atol=1e-14)


def test_gluon_step_size_uses_the_dual_norm():
    p = noisy_matrix(4, 4, Streams("l", 4, 2), XP, noise="none")
    xs, oracle = iterate(gluon([nm.Spectral()], [1.0], [0.5]), p, 1)
    g = p.grad(p.x0)[0]
    dual = nm.Spectral().dual(g)
    t = dual / (1.0 + 0.5 * dual)
    np.testing.assert_allclose(xs[1][0], p.x0[0] + t[:, None, None] * nm.Spectral().lmo(g))
    assert oracle.grad_calls == 1


def test_muon_with_svd_is_scaled_spectral_lmo_step():
    p = noisy_matrix(6, 3, Streams("l", 5, 2), XP, noise="none")
    xs, _ = iterate(muon(0.02, momentum=0.9, nesterov=False, method="svd", stochastic=False), p, 1)
    m = 0.1 * p.grad(p.x0)[0]
    expected = p.x0[0] + 0.02 * math.sqrt(6 / 3) * nm.Spectral().lmo(m)
    np.testing.assert_allclose(xs[1][0], expected, atol=1e-14)


def test_lmo_methods_reach_stationarity_on_a_noiseless_problem():
    """Deterministic uSCG with t_k ∝ 1/√k drives ‖∇f‖_* down (the problem is nonconvex, so
    stationarity, not the value, is what the method guarantees)."""
    p = noisy_matrix(4, 4, Streams("l", 6, 2), XP, noise="none")
    for norm in (nm.Frobenius(), nm.Sign(False), nm.Spectral()):
        xs, _ = iterate(uscg(norm, lambda k: 0.5 / math.sqrt(k + 1), 1.0, stochastic=False), p, 300)
        start, end = (norm.dual(p.grad(x)[0]) for x in (xs[0], xs[-1]))
        assert np.all(end < 0.1 * start)
        assert np.all(p.value(xs[-1]) < p.value(xs[0]))
