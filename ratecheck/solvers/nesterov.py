"""Nesterov's accelerated gradient, constant-momentum form for strongly convex problems.

    y_t = x_t + β (x_t − x_{t−1}),    x_{t+1} = y_t − η ∇f(y_t),    x_{−1} = x_0

Usual parameters: η = 1/L, β = (√κ − 1)/(√κ + 1) (Nesterov 2004, §2.2).
"""

from ratecheck.solvers.base import Method


def nesterov(eta: float, beta: float) -> Method:
    """Nesterov's method with step η and extrapolation β; the state is x_{t−1}."""

    def init(x):
        return x  # x_{−1} = x_0

    def step(x, x_prev, oracle):
        y = tuple(x_i + beta * (x_i - x_prev_i) for x_i, x_prev_i in zip(x, x_prev))
        g = oracle.grad(y)
        x_next = tuple(y_i - eta * g_i for y_i, g_i in zip(y, g))
        return x_next, x

    return Method("nesterov", init, step, {"eta": eta, "beta": beta})
