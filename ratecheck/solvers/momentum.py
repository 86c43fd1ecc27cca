"""Momentum gradient descent in the testbed's averaged (EMA) convention.

    d_t = (1 − α) d_{t−1} + α g_t,    x_{t+1} = x_t − γ d_t

α ∈ (0, 1] is the weight on the new gradient (α = 1: no momentum). ``init="zero"`` starts from
d_{−1} = 0; ``init="first_grad"`` from d_{−1} = g_0 (DESIGN.md, Momentum; reference/conventions.md
§3). Heavy ball (η, β) is α = 1 − β, γ = η/(1 − β), ``init="zero"``. ``stochastic=True`` draws
g_t from the problem's stochastic gradient oracle instead of the exact gradient.
"""

from ratecheck.solvers.base import Method

MOMENTUM_INITS = ("zero", "first_grad")


def momentum_gd(gamma: float, alpha: float, init: str = "zero", stochastic: bool = False) -> Method:
    """Averaged-momentum gradient descent; the state is the buffer d (None before step 0)."""
    if init not in MOMENTUM_INITS:
        raise ValueError(f"unknown momentum init '{init}'; valid: {', '.join(MOMENTUM_INITS)}")

    def init_state(x):
        return None

    def step(x, d, oracle):
        g = oracle.stochastic_grad(x) if stochastic else oracle.grad(x)
        if d is None:
            d = g if init == "first_grad" else tuple(0 * g_i for g_i in g)
        d = tuple((1 - alpha) * d_i + alpha * g_i for d_i, g_i in zip(d, g))
        x_next = tuple(x_i - gamma * d_i for x_i, d_i in zip(x, d))
        return x_next, d

    return Method("momentum-gd", init_state, step, {"gamma": gamma, "alpha": alpha, "init": init})
