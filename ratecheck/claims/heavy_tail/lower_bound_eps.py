"""lower-bound-eps: Scion and momentum SGD both need ε^{−(3p−2)/(p−1)} calls on the hard
instance."""

from __future__ import annotations

from ratecheck.claims.heavy_tail._chain import (
    Sweep,
    chain_axis,
    checked_p,
    eps_sweeps,
    judge_within,
    moment_axis,
    momentum_sgd,
    scion,
)
from ratecheck.theory import heavy_tail as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim
from ratecheck.verify.estimators import loglog_slope

NOISELESS_P = 2.0  # the control's instance and the exponent it is judged against


@claim(
    id="lower-bound-eps",
    kind="exponent",
    source=th.SEED004 + ": Ω(min{m,n}·ε^{−(3p−2)/(p−1)}); Arjevani et al. 2023",
    statement="on the hard instance every implemented gradient method (Scion, momentum SGD) "
    "needs ε^{−(3p−2)/(p−1)} oracle calls",
    prediction=th.batched_exponent,
    prediction_text="(3p−2)/(p−1): 5 at p = 3/2, 4 at p = 2 (within 10%)",
    tolerance=0.1,
    grid=[chain_axis(), moment_axis((1.5,), (1.5, 2.0))],
    seeds=(16, 24),
    experiment="as scion-heavy-tail-complexity with B = 1: Scion (α = 0.1, η = 0.3λ) and "
    "momentum SGD (α = 0.1, γ = 0.1ℓ₁r/L)",
    control="the noiseless chain (q = 1): N ≈ T ∝ ε^{−2}, judged against (3p−2)/(p−1)",
    provenance=(Provenance("the lower bound", "paper", "abstract; Arjevani et al."), th.CHAIN),
)
def lower_bound_eps(ctx: Context) -> None:
    """Oracle calls to ε-stationarity against 1/ε for Scion and momentum SGD (B = 1).

    Setting: the one-channel (r = 1) hard instance of scion-heavy-tail-complexity (σ = 10 at
    p = 2, σ = 2 at p = 3/2), ε = ε(T) for each chain length T of the grid; both methods run on
    the same instances. Algorithms: Scion (exact spectral LMO, α = 0.1, η = 0.3λ) and momentum
    SGD (α = 0.1, γ = 0.1ℓ₁r/L), one oracle call per step, until ‖∇F‖_nuc ≤ ε. Estimator: the
    slope of log N against log(1/ε), bootstrap CI over seeds, judged against (3p−2)/(p−1)
    within 10% of it. Control: Scion on the noiseless chain (q = 1, p = 2), where N ≈ T ∝
    ε^{−2}, judged against the p = 2 exponent 4.
    """
    methods = (("Scion", scion(1)), ("momentum SGD", momentum_sgd))
    sweeps = [
        Sweep(method_of, p, {"p": p}, name)
        for p in checked_p(ctx.values("p"))
        for name, method_of in methods
    ]
    noiseless = {"p": NOISELESS_P, "oracle": "noiseless"}
    *measured, (calls, eps_list) = eps_sweeps(
        ctx, [*sweeps, Sweep(scion(1), NOISELESS_P, noiseless, "Scion", q=1.0)]
    )
    for sweep, (calls_of, eps_of) in zip(sweeps, measured):
        inv = [1 / e for e in eps_of]
        label = f"p = {sweep.p:g}/{sweep.method}"
        judge_within(
            ctx,
            loglog_slope(inv, calls_of),
            method=label,
            where=sweep.where,
            label=f"{label}: slope of log N vs log(1/ε)",
        )
        ctx.rows_at("1/epsilon", inv, calls_of, method=label, metric="oracle_calls")
    where = noiseless
    inv = [1 / e for e in eps_list]
    judge_within(
        ctx,
        loglog_slope(inv, calls),
        method="noiseless/Scion",
        where=where,
        role="control",
        label=f"noiseless chain (q = 1)/Scion judged against p = {NOISELESS_P:g}",
    )
    ctx.rows_at(
        "1/epsilon", inv, calls, method="noiseless/Scion", metric="oracle_calls", role="control"
    )
