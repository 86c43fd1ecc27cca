"""Gradient descent.

    x_{t+1} = x_t − η ∇f(x_t)

On an L-smooth μ-strongly convex quadratic with η = 1/L, ‖x_t − x*‖ contracts at 1 − 1/κ
(shared/reference/polyak-momentum.md §4).
"""

from ratecheck.solvers.base import Method


def gd(eta: float) -> Method:
    """Gradient descent with constant step η."""

    def init(x):
        return ()

    def step(x, state, oracle):
        g = oracle.grad(x)
        x_next = tuple(x_i - eta * g_i for x_i, g_i in zip(x, g))
        return x_next, state

    return Method("gd", init, step, {"eta": eta})
