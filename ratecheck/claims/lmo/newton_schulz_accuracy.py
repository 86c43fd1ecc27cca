"""newton-schulz-accuracy: Newton–Schulz maps singular values into its band, not onto 1."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from ratecheck.backend import asarray, to_host
from ratecheck.problems.quadratic import haar_orthogonal
from ratecheck.seeding import Streams, draw
from ratecheck.solvers import norms as nm
from ratecheck.theory.claim import Prediction, Provenance
from ratecheck.theory.newton_schulz import band
from ratecheck.verify.context import Context, claim

NS_SOURCE = "Newton–Schulz: KellerJordan/Muon, LIONS-EPFL/scion (ns5), microsoft/dion (dion)"
LO = 0.01  # normalized singular values in [LO, 1]
N_TARGETS = (400, 4000)  # prescribed singular values (quick, full)
PRESCRIBED = (8, 6)
GAUSSIAN = (64, 32)  # the dual-norm bias input
ILL = (256, 256)  # the reported ill-conditioned input
ORACLES = (("ns5", 5), ("ns5", 9), ("dion", 5))  # (coefficient set, steps)


def _edge(coefficients: str, steps: int, edge: int) -> Callable[[], float]:
    """The low (0) or high (1) end of the band of φ^{∘steps} on [LO, 1]."""
    return lambda: band(coefficients, steps, LO)[edge]


def _band_predictions() -> dict[str, Prediction]:
    """ "ns5, 5 steps: low" and so on: the two ends of each oracle's band."""
    out = {}
    for c, k in ORACLES:
        for edge, (side, end) in enumerate((("low", "min"), ("high", "max"))):
            out[f"{c}, {k} steps: {side}"] = Prediction(
                _edge(c, k, edge), text=f"{end} of φ^{{∘{k}}} ({c}) on [0.01, 1]"
            )
    return out


def prescribed(streams: Streams, targets: np.ndarray, shape: tuple[int, int]):
    """Matrices U diag(t, √(1 − t²)) Vᵀ (‖·‖_F = 1, so these are normalized singular values),
    one per target t, drawn round-robin from the seeds' problem streams: (U, s, V)."""
    m, n = shape

    def make(i, r):
        U, V = haar_orthogonal(r, m)[:, :2], haar_orthogonal(r, n)[:, :2]
        s = np.array([targets[i], math.sqrt(max(0.0, 1 - targets[i] ** 2))])
        return U, s, V

    triples = [make(i, streams.problem[i % len(streams.problem)]) for i in range(targets.size)]
    U = np.stack([t[0] for t in triples])
    s = np.stack([t[1] for t in triples])
    V = np.stack([t[2] for t in triples])
    return U, s, V


def measured_band(oracle, U, s, V, xp, lo: float = LO) -> tuple[float, float, np.ndarray]:
    """(min, max) of uᵢᵀ oracle(G) vᵢ over the inputs whose normalized σᵢ lie in [lo, 1]."""
    G = np.einsum("bik,bk,bjk->bij", U, s, V)
    out = to_host(oracle(asarray(G, xp)))
    response = np.einsum("bik,bij,bjk->bk", U, out, V)
    inside = (s >= lo) & (s <= 1)
    return float(response[inside].min()), float(response[inside].max()), response


def tall_and_wide_band(oracle, U, s, V, xp) -> tuple[float, float]:
    """The band over the tall inputs G = U diag(s) Vᵀ and their transposes Gᵀ = V diag(s) Uᵀ,
    which take Newton–Schulz's other branch (X Xᵀ against Xᵀ X)."""
    tall_lo, tall_hi, _ = measured_band(oracle, U, s, V, xp)
    wide_lo, wide_hi, _ = measured_band(oracle, V, s, U, xp)
    return float(np.min([tall_lo, wide_lo])), float(np.max([tall_hi, wide_hi]))  # NaN stays


def _newton_schulz(coefficients: str, steps: int) -> Callable[[Any], Any]:
    return lambda G: nm.newton_schulz(G, coefficients, steps)


@claim(
    id="newton-schulz-accuracy",
    kind="tight",
    source=NS_SOURCE + "; band analysis in reference/norms-and-lmos.md §7",
    statement="Newton–Schulz approximates the spectral LMO only up to the singular-value band "
    "of its coefficients: normalized singular values in [0.01, 1] map into the range of "
    "φ^{∘k}; more steps do not shrink it; the dual-norm estimate −⟨D, NS(D)⟩ is biased "
    "accordingly",
    prediction=lambda: sp.Matrix([band(c, k, LO) for c, k in ORACLES]),
    prediction_text="range of φ^{∘k} on [0.01, 1] (ns5: 5 and 9 steps; dion: 5 steps)",
    predictions={
        **_band_predictions(),
        "dual bias: max": Prediction(
            _edge("ns5", 5, 1),
            kind="upper",
            tolerance=0.0,
            text="−⟨D, NS(D)⟩/‖D‖_S1 ≤ the top of the ns5 band",
        ),
        "dual bias: min": Prediction(
            _edge("ns5", 5, 0),
            kind="lower",
            tolerance=0.0,
            text="−⟨D, NS(D)⟩/‖D‖_S1 ≥ the bottom of the ns5 band",
        ),
    },
    tolerance=1e-3,
    experiment="tall matrices with prescribed normalized singular values covering [0.01, 1] "
    "and their wide transposes; "
    "output singular values of the batched NS; −⟨D, NS(D)⟩/‖D‖_S1 on Gaussian 64×32",
    control="the exact SVD LMO judged against the ns5 band (it is exact: band [1, 1])",
    provenance=(
        Provenance("ns5 and dion coefficients, the NS iteration", "paper", "public code"),
        Provenance("the bands and their step-count invariance", "derived"),
    ),
    seeds=(4, 8),
)
def newton_schulz_accuracy(ctx: Context) -> None:
    """The singular-value band of Newton–Schulz, measured on prescribed singular values.

    Setting: 8×6 matrices U diag(σ, √(1 − σ²)) Vᵀ (Haar U, V; ‖·‖_F = 1) with σ on a geometric
    grid of 400 (quick) or 4000 (full) values in [0.01, 1], drawn round-robin from the seeds'
    streams, and their 6×8 transposes (Newton–Schulz's wide branch). Algorithms: the batched
    Newton–Schulz iteration with the ns5 coefficients (5 and 9 steps) and the dion schedule (5
    steps). Estimator: the range of uᵢᵀ NS(G) vᵢ over the inputs' normalized σᵢ in [0.01, 1],
    its two ends judged (relative tolerance) against the range of φ^{∘k} on [0.01, 1] computed
    from the SymPy step polynomials; and the dual-norm bias −⟨D, lmo_NS(D)⟩/‖D‖_S1 = ⟨D,
    NS(D)⟩/‖D‖_S1 on one Gaussian 64×32 D per seed, its largest value judged below the top of
    the ns5 band and its smallest above the bottom (the seeds' range as the interval). Reported,
    not judged: the smallest output singular value of ns5 on a Gaussian 256×256. Control: the
    exact SVD LMO's band on the same inputs ([1, 1]), judged against the ns5 band.
    """
    xp = ctx.xp
    targets = np.geomspace(LO, 1.0, N_TARGETS[0 if ctx.quick else 1])
    U, s, V = prescribed(ctx.streams({"input": "prescribed"}), targets, PRESCRIBED)
    for c, k in ORACLES:
        name = f"{c}, {k} steps"
        got_lo, got_hi = tall_and_wide_band(_newton_schulz(c, k), U, s, V, xp)
        where = {"steps": k}
        for side, got in (("low", got_lo), ("high", got_hi)):
            ctx.judge(
                got,
                method=c,
                where=where,
                prediction=f"{name}: {side}",
                label=f"{name}: band {side}",
            )
        ctx.extra[f"band {name}"] = [got_lo, got_hi]
    # dual-norm bias: −⟨D, lmo_NS(D)⟩ with lmo_NS = −NS(D), over the exact ‖D‖_S1 (the
    # spectral norm's dual)
    where = {"input": "gaussian 64x32"}
    gens = ctx.streams(where).problem
    D = asarray(draw(gens, lambda r: r.standard_normal(GAUSSIAN)), xp)
    ratio = to_host(nm.inner(D, nm.newton_schulz(D), True)) / to_host(nm.Spectral().dual(D))
    lo, hi = float(ratio.min()), float(ratio.max())
    for side, value in (("max", hi), ("min", lo)):
        ctx.judge(
            value,
            method="ns5",
            where=where,
            prediction=f"dual bias: {side}",
            label=f"dual bias, Gaussian 64×32: {side} ratio",
            range=(lo, hi),
        )
    # control: the exact SVD LMO on the same inputs, judged against the ns5 band
    svd_lo, svd_hi = tall_and_wide_band(lambda G: -nm.Spectral().lmo(G), U, s, V, xp)
    for side, got in (("low", svd_lo), ("high", svd_hi)):
        ctx.judge(
            got,
            method="svd",
            where={},
            prediction=f"ns5, 5 steps: {side}",
            role="control",
            label=f"svd: band {side} vs ns5",
        )
    # ill-conditioned input (reported): smallest output singular value for a 256×256 Gaussian
    gens = ctx.streams({"input": "gaussian 256x256"}).problem[:1]
    G = asarray(draw(gens, lambda r: r.standard_normal(ILL)), xp)
    sv = to_host(xp.linalg.svdvals(nm.newton_schulz(G)))
    ctx.extra["ns5 smallest singular value, Gaussian 256x256"] = float(sv.min())
    ctx.extra["dual-norm ratio range, Gaussian 64x32"] = [lo, hi]
    for key, value in ctx.extra.items():
        ctx.note(f"measured {key}: {value}")
