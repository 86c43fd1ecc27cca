"""schatten-oracles: the Schatten-p ball LMO and regularized oracle satisfy their identities."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy as sp

from ratecheck.backend import asarray, like, to_host
from ratecheck.claims._shared import oracle_inputs, schatten_lmo_wrong_exponent
from ratecheck.solvers import norms as nm
from ratecheck.solvers.schattor import regularized_oracle
from ratecheck.theory import schattor as th
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.verify.context import Context, claim

P_VALUES = (2.0, 3.0, 4.0, 8.0, math.inf)
LAM = 0.7  # λ of the regularized oracle
SHAPE = (6, 4)
COMPETITORS = 20_000


def oracle_violation(p: float, G: Any, lmo: Any = None) -> float:
    """Largest relative violation over: ‖lmo‖_{S_p} = 1, ⟨G, lmo⟩ = −‖G‖_{S_q}, D* = (‖G‖_q/λ)
    lmo (by its objective value −‖G‖²_q/(2λ)), and the special cases p = 2 and p = ∞."""
    norm = nm.Schatten(p)
    lmo = norm.lmo(G) if lmo is None else lmo
    dual = to_host(norm.dual(G))
    worst = [
        np.max(np.abs(to_host(norm.norm(lmo)) - 1)),
        np.max(np.abs(to_host(nm.inner(G, lmo, True)) + dual) / dual),
    ]
    D = like(dual / LAM, lmo)[:, None, None] * lmo  # D* = (‖G‖_q/λ)·lmo(G)
    value = to_host(nm.inner(G, D, True)) + LAM / 2 * to_host(norm.norm(D)) ** 2
    worst.append(np.max(np.abs(value + dual**2 / (2 * LAM)) / (dual**2 / (2 * LAM))))
    H = to_host(G)
    if p == 2:
        frob = np.sqrt(np.sum(H * H, axis=(1, 2)))[:, None, None]
        worst.append(np.max(np.abs(to_host(lmo) + H / frob)) / np.max(np.abs(H / frob)))
        sgd = to_host(regularized_oracle(norm, G, LAM))
        worst.append(np.max(np.abs(sgd + H / LAM)) / np.max(np.abs(H / LAM)))
    if p == math.inf:
        U, s, Vt = np.linalg.svd(H, full_matrices=False)
        keep = s > max(H.shape[1:]) * np.finfo(float).eps * s[:, :1]
        muon = -(U * keep[:, None, :]) @ Vt
        worst.append(np.max(np.abs(to_host(lmo) - muon)))
    return float(max(worst))


def brute_force_gap(p: float, G: np.ndarray, lmo: np.ndarray, rng: np.random.Generator) -> float:
    """How much 2·10⁴ feasible competitors beat ``lmo``: max(0, −min_D (⟨G, D⟩ − ⟨G, lmo⟩))
    relative to ‖G‖_{S_q}, over D = (lmo + δW)/‖lmo + δW‖_{S_p} with Gaussian W and δ
    log-uniform in [1e-4, 1] (random directions alone are too far from the optimum to test it)."""
    norm = nm.Schatten(p)
    W = rng.standard_normal((COMPETITORS, *G.shape))
    W /= np.sqrt(np.sum(W * W, axis=(1, 2), keepdims=True))
    delta = 10.0 ** rng.uniform(-4, 0, COMPETITORS)[:, None, None]
    D = lmo + delta * W
    D /= np.asarray(norm.norm(D))[:, None, None]
    best = np.sum(D * G, axis=(1, 2)).min()
    return float(max(0.0, np.sum(G * lmo) - best) / float(norm.dual(G[None])[0]))


@claim(
    id="schatten-oracles",
    kind="identity",
    source=th.SOURCE + " §1; F. L. Cesista, Steepest Descent Under Schatten-p Norms",
    statement="ball LMO −U diag(s^{q−1})Vᵀ/‖s‖_q^{q−1} has unit S_p norm and value −‖G‖_{S_q};"
    " the regularized oracle is its ‖G‖_{S_q}/λ multiple with value −‖G‖²_{S_q}/(2λ); p = 2 "
    "gives normalized SGD / SGD, p = ∞ gives −UVᵀ (Muon)",
    prediction=lambda: sp.Integer(0),
    prediction_text="largest relative violation of the identities = 0",
    predictions={
        "brute-force": Prediction(
            sp.Integer(0),
            kind="identity",
            text="relative improvement of 2·10⁴ perturbed feasible D over the oracle: 0",
        )
    },
    tolerance=1e-10,
    experiment="random, rank-deficient and ill-conditioned 6×4 matrices (float64), p ∈ {2, 3,"
    " 4, 8, ∞}; the regularized oracle checked by its objective value; 2·10⁴ feasible "
    "perturbations of the LMO never beat it",
    control="a mutated exponent s^q instead of s^{q−1}; the Frobenius LMO used for p = 4",
    seeds=(4, 16),
    provenance=(
        Provenance("both oracles and their special cases", "derived", "§1"),
        th.UNKNOWN,
    ),
)
def schatten_oracles(ctx: Context) -> None:
    """The identities of the Schatten-p ball LMO and regularized oracle, exactly, on 6×4 inputs.

    Setting: per p ∈ {2, 3, 4, 8, ∞}, S random, S rank-2 and S ill-conditioned (σ over 10
    decades) 6×4 float64 matrices G. Estimator: the largest relative violation of ‖lmo(G)‖_{S_p}
    = 1, ⟨G, lmo(G)⟩ = −‖G‖_{S_q}, the value −‖G‖²_{S_q}/(2λ) of D* = (‖G‖_{S_q}/λ)·lmo(G)
    (λ = 0.7), and the special cases (p = 2: −G/‖G‖_F and −G/λ; p = ∞: −UVᵀ on the numerical
    rank), over the random and rank-2 inputs (and the ill-conditioned ones at p = 2 and ∞),
    judged against 0. Also judged against 0: how much 2·10⁴ feasible perturbations
    (lmo + δW)/‖lmo + δW‖_{S_p} (δ log-uniform in [1e-4, 1]) beat the LMO on the first seed's
    random input, the worst over p, relative to ‖G‖_{S_q}. Control: the LMO with the mutated
    exponent s^q (2 < p < ∞) in the identities, and the Frobenius LMO rescaled to the S_4 ball
    against the same perturbation test at p = 4, on its own random input; both must fail.
    """
    worst_brute = 0.0
    for p in P_VALUES:
        where = {"p": p}
        streams = ctx.streams(where)
        inputs = oracle_inputs(streams, ctx.xp, SHAPE)  # random, rank-2, ill-conditioned
        ctx.judge(
            max(oracle_violation(p, G) for G in inputs[:2]),
            method="schatten-lmo",
            where=where,
            label=f"p = {p:g}: identities (random and rank-deficient inputs)",
        )
        if p in (2.0, math.inf):
            ctx.judge(
                oracle_violation(p, inputs[2]),
                method="schatten-lmo",
                where=where,
                label=f"p = {p:g}: identities (σ over 10 decades)",
            )
        G = to_host(inputs[0])[0]
        lmo = to_host(nm.Schatten(p).lmo(asarray(G[None], ctx.xp)))[0]
        worst_brute = max(worst_brute, brute_force_gap(p, G, lmo, streams.method[0]))
        if 2 < p < math.inf:
            mutated = schatten_lmo_wrong_exponent(p)
            ctx.judge(
                oracle_violation(p, inputs[0], mutated(inputs[0])),
                method="mutated-exponent",
                where=where,
                role="control",
                label=f"p = {p:g}: mutated exponent s^q",
            )
    ctx.judge(
        worst_brute,
        method="schatten-lmo",
        where={},
        prediction="brute-force",
        label="brute force: how much 2·10⁴ perturbed feasible D beat the LMO (relative, every p)",
    )
    where = {"p": 4.0, "oracle": "frobenius-lmo"}
    streams = ctx.streams(where)
    G = to_host(oracle_inputs(streams, ctx.xp, SHAPE)[0])[0]
    frobenius_lmo = -G / np.linalg.norm(G)
    frobenius_lmo /= float(nm.Schatten(4.0).norm(frobenius_lmo[None])[0])
    ctx.judge(
        brute_force_gap(4.0, G, frobenius_lmo, streams.method[0]),
        method="frobenius-lmo",
        where=where,
        prediction="brute-force",
        role="control",
        label="p = 4 with the Frobenius LMO: how much perturbed feasible D beat it",
    )
    ctx.note(f"largest brute-force improvement over the LMO: {worst_brute:.3g} (relative)")
