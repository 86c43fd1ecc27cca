"""Batched and transported Scion: oracle accounting, the transport identity and its purpose."""

import numpy as np

from ratecheck.backend import namespace
from ratecheck.problems import noisy_matrix
from ratecheck.problems.base import Oracle
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm
from ratecheck.solvers.transported import scion_heavy_tail
from ratecheck.verify.runner import run

XP = namespace("numpy")


def test_a_batch_of_b_costs_b_calls():
    p = noisy_matrix(4, 4, Streams("tr", 0, 2), XP)
    tr = run(scion_heavy_tail(nm.Spectral(), 0.01, 0.1, batch=4), p, 10)
    assert tr.grad_calls[-1] == 40


class _Recorder:
    """A noiseless oracle that records where gradients are evaluated."""

    def __init__(self, problem):
        self.problem, self.points = problem, []

    def stochastic_grad(self, x, batch=1):
        self.points.append(x[0].copy())
        return self.problem.grad(x)


def test_memory_free_transport_identity():
    """y_{t+1} = y_t + u_t + c(u_t − u_{t−1}), u_t = θ_{t+1} − θ_t, c = β/(1 − β); with c from α
    instead of β the identity breaks."""
    p = noisy_matrix(4, 3, Streams("tr", 1, 1), XP, noise="none", sigma=0.0)
    alpha = 0.2
    method = scion_heavy_tail(nm.Spectral(), 0.05, alpha, transport=True)
    oracle, x = _Recorder(p), p.x0
    state, thetas = method.init(x), [x[0]]
    for _ in range(12):
        x, state = method.step(x, state, oracle)
        thetas.append(x[0])
    y, u = oracle.points, np.diff(np.stack(thetas), axis=0)
    for c, holds in (((1 - alpha) / alpha, True), (alpha / (1 - alpha), False)):
        gap = max(
            np.max(np.abs(y[t + 1] - (y[t] + u[t] + c * (u[t] - u[t - 1])))) for t in range(1, 11)
        )
        assert bool(gap < 1e-12) is holds


def test_transport_cancels_the_first_order_drift():
    """Noiseless, non-quadratic: ‖m_{t+1} − ∇f(θ_t)‖ at fixed β is O(η²) with transport (the
    reference's bound; measured here even faster, ≈ η³) and ∝ η without (reference §3)."""
    p = noisy_matrix(4, 4, Streams("tr", 2, 1), XP, noise="none", sigma=0.0)

    def error(eta, transport):
        method = scion_heavy_tail(nm.Spectral(), eta, 0.1, transport=transport)
        x, state, oracle = p.x0, method.init(p.x0), Oracle(p)
        for _ in range(200):
            x_prev = x
            x, state = method.step(x, state, oracle)
        return float(np.linalg.norm(state[1][0] - p.grad(x_prev)[0]))

    decades = {t: np.log10(error(1e-3, t) / error(1e-4, t)) for t in (True, False)}
    assert decades[True] > 1.8
    assert abs(decades[False] - 1.0) < 0.2
