"""relu-gram: the infinite-width ReLU Gram matrix H̄ has the closed form c(π − arccos c)/(2π)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ratecheck.backend import to_host
from ratecheck.claims.polyak._nets import RELU_D, RELU_N
from ratecheck.problems.relu import gram_closed_form, relu_net
from ratecheck.theory import polyak as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim

MC_SAMPLES = 200_000  # Monte Carlo draws w ~ N(0, I) per estimate
THETA = 0.3  # angle of the closest input pair
WIDTH = 2  # the net only carries the dataset here


@claim(
    id="relu-gram",
    kind="identity",
    source="Du, Zhai, Poczos, Singh 2019 (arXiv 1810.02054) definition; reference §7.2",
    statement="the infinite-width Gram matrix H̄_ij = E_w[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}] "
    "has the closed form x_iᵀx_j (π − arccos x_iᵀx_j)/(2π)",
    prediction=0,
    prediction_text="max |H̄_closed − H̄_MC| = 0 within 5/√N (N Monte Carlo samples)",
    tolerance=5 / math.sqrt(MC_SAMPLES),
    seeds=(2, 8),
    experiment="unit inputs (n = 12, d = 8), Monte Carlo over N = 2·10⁵ draws w ~ N(0, I)",
    control="the kernel without the arccos term, x_iᵀx_j/2",
    provenance=(
        Provenance("definition of H̄", "paper", "Du et al. 2019"),
        Provenance("closed form", "derived", "Monte Carlo and public NTK code agree"),
    ),
)
def relu_gram(ctx: Context) -> None:
    """The closed-form Gram matrix against independent Monte Carlo estimates of its definition.

    Setting: n = 12 unit inputs in R^8 (one random dataset, its closest pair at angle 0.3),
    cosines c_ij = x_iᵀx_j. Estimator: per seed, H̄_MC = c ⊙ (AᵀA)/N with A_ri = 1{w_rᵀx_i ≥ 0}
    over N = 2·10⁵ draws w_r ~ N(0, I); the measured value is the largest max_ij |H̄ − H̄_MC|
    over the seeds (the interval spans the seeds' smallest and largest), judged against 0
    within 5/√N. The closed form is theory's SymPy expression (ratecheck.theory.polyak),
    checked against the problem's own implementation. Control: the kernel without the arccos
    term, c/2, judged the same way.
    """
    streams = ctx.streams({})
    net = relu_net(RELU_N, RELU_D, WIDTH, THETA, streams, ctx.xp)
    X = to_host(net.X)[0]
    c = np.clip(X @ X.T, -1, 1)
    kernels = {
        "closed-form": sp.lambdify(th.cosine, th.relu_gram_entry, modules="numpy"),
        "without-arccos": sp.lambdify(th.cosine, th.relu_gram_wrong, modules="numpy"),
    }
    np.testing.assert_allclose(kernels["closed-form"](c), gram_closed_form(X), rtol=1e-12)
    errors = {name: [] for name in kernels}
    for rng in streams.oracle:
        w = rng.standard_normal((MC_SAMPLES, RELU_D))
        A = (w @ X.T >= 0).astype(float)
        mc = c * (A.T @ A) / MC_SAMPLES
        for name, kernel in kernels.items():
            errors[name].append(np.max(np.abs(kernel(c) - mc)))
    note = f"{ctx.seeds} independent Monte Carlo estimates of N = {MC_SAMPLES}"
    for (name, e), role in zip(errors.items(), ("claim", "control")):
        ctx.judge(
            float(max(e)),
            method=name,
            where={},
            role=role,
            label=f"max |H̄ − H̄_MC| ({role})",
            note=note,
            range=(float(min(e)), float(max(e))),
        )
