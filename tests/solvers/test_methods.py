"""Methods as (init, step) pairs: equivalences between forms and known rates."""

import numpy as np
import pytest

from ratecheck.backend import to_host
from ratecheck.problems import Oracle, quadratic
from ratecheck.seeding import Streams
from ratecheck.solvers import gd, heavy_ball, momentum_gd, nesterov


def iterate(method, problem, steps):
    oracle = Oracle(problem)
    x, state = problem.x0, method.init(problem.x0)
    xs = [x]
    for _ in range(steps):
        x, state = method.step(x, state, oracle)
        xs.append(x)
    return [to_host(v[0]) for v in xs], oracle


def test_heavy_ball_equals_averaged_momentum(xp):
    """Two-point heavy ball (η, β) = averaged momentum with α = 1 − β, γ = η/(1 − β)."""
    p = quadratic(50.0, 8, Streams("m", 0, 3), xp)
    eta, beta = 0.9, 0.7
    a, _ = iterate(heavy_ball(eta, beta), p, 60)
    b, _ = iterate(momentum_gd(gamma=eta / (1 - beta), alpha=1 - beta, init="zero"), p, 60)
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


def test_heavy_ball_equals_pytorch_sgd_buffer_form(xp):
    """PyTorch SGD (dampening 0): M_t = β M_{t−1} + g_t, w ← w − η M_t."""
    p = quadratic(20.0, 5, Streams("m", 1, 2), xp)
    eta, beta = 0.5, 0.6
    hb, oracle = iterate(heavy_ball(eta, beta), p, 40)
    w, M = to_host(p.x0[0]), 0.0
    for k in range(40):
        M = beta * M + to_host(p.grad((xp.asarray(w),))[0])
        w = w - eta * M
        np.testing.assert_allclose(hb[k + 1], w, rtol=1e-10, atol=1e-12)
    assert oracle.grad_calls == 40


def test_momentum_alpha_one_is_gd(xp):
    p = quadratic(5.0, 4, Streams("m", 2, 2), xp)
    a, _ = iterate(gd(0.8), p, 10)
    b, _ = iterate(momentum_gd(0.8, 1.0, init="first_grad"), p, 10)
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize(
    "make",
    [
        lambda k: gd(1.0),
        lambda k: heavy_ball(1.0, (1 - 1 / (2 * np.sqrt(k))) ** 2),
        lambda k: nesterov(1.0, (np.sqrt(k) - 1) / (np.sqrt(k) + 1)),
    ],
)
def test_methods_converge_on_a_quadratic(xp, make):
    p = quadratic(10.0, 6, Streams("m", 3, 2), xp)
    xs, _ = iterate(make(10.0), p, 400)
    assert np.linalg.norm(xs[-1] - to_host(p.x_star[0])) < 1e-8 * np.linalg.norm(xs[0])


def test_steps_do_not_mutate_inputs(xp):
    p = quadratic(5.0, 4, Streams("m", 4, 2), xp)
    before = to_host(p.x0[0]).copy()
    iterate(heavy_ball(0.5, 0.5), p, 3)
    np.testing.assert_array_equal(to_host(p.x0[0]), before)


def test_unknown_momentum_init():
    with pytest.raises(ValueError, match="first_grad"):
        momentum_gd(0.1, 0.5, init="ones")
