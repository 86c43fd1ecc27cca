"""Polyak's heavy ball, two-point form (Polyak 1964; Wang, Lin, Abernethy 2021).

    w_{t+1} = w_t − η ∇f(w_t) + β (w_t − w_{t−1}),    w_{−1} = w_0

In the testbed's averaged-momentum convention this is d_t = (1 − α) d_{t−1} + α ∇f(w_t),
w_{t+1} = w_t − γ d_t with α = 1 − β, γ = η/(1 − β), d_{−1} = 0 (identical iterates; see
:func:`ratecheck.solvers.momentum.momentum_gd` and shared/reference/polyak-momentum.md §1).
PyTorch SGD (dampening 0, no Nesterov) with lr = η and momentum = β gives the same iterates.
"""

from ratecheck.solvers.base import Method


def heavy_ball(eta: float, beta: float) -> Method:
    """Heavy ball with step η and momentum β; the state is the previous iterate w_{t−1}."""

    def init(w):
        return w  # w_{−1} = w_0

    def step(w, w_prev, oracle):
        g = oracle.grad(w)
        w_next = tuple(
            w_i - eta * g_i + beta * (w_i - w_prev_i) for w_i, g_i, w_prev_i in zip(w, g, w_prev)
        )
        return w_next, w

    return Method("heavy-ball", init, step, {"eta": eta, "beta": beta})
