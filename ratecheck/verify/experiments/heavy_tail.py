"""Experiments for heavy-tailed noise (Seed 004)."""

from __future__ import annotations

import numpy as np

from ratecheck.problems.noise import hill_tail_index, matrix_noise
from ratecheck.seeding import Streams
from ratecheck.theory.claim import Claim
from ratecheck.verify.experiments.base import (
    Experiment,
    GridParam,
    Outcome,
    Settings,
    register_experiment,
)
from ratecheck.verify.verdict import Judgement, Point

SHAPE = (8, 8)
MOMENT_TOLERANCE = 0.25  # |R|^p has infinite variance for a < 2p: slow Monte Carlo


def nuclear_norms(samples: np.ndarray) -> np.ndarray:
    return np.linalg.svd(samples, compute_uv=False).sum(axis=-1)


def heavy_tail_noise(claim: Claim, settings: Settings, grid) -> Outcome:
    n, k = int(grid["samples"][0]), int(grid["hill_k"][0])
    points, control, notes = [], [], []
    for j, p in enumerate(float(v) for v in grid["p"]):
        a, sigma = p + 0.5, 1.0
        rng = Streams(claim.id, j, 1).oracle[0]
        spiky = nuclear_norms(matrix_noise("spiky", sigma, p, a)(rng, (n, *SHAPE)))
        moment = float(np.mean(spiky**p) / sigma**p - 1)
        hill = hill_tail_index(spiky, k)
        points += [
            Point(
                f"p = {p:g}, a = {a:g}: E‖Z‖_nuc^p/σ^p − 1 (Monte Carlo, n = {n})",
                "identity",
                float(claim.predicted),
                moment,
                MOMENT_TOLERANCE,
            ),
            Point(
                f"p = {p:g}: Hill tail index − a (k = {k})",
                "identity",
                0.0,
                hill - a,
                claim.tolerance,
                note=f"Hill {hill:.3f}, standard error ≈ {a / np.sqrt(k):.3f}",
            ),
        ]
        gaussian = nuclear_norms(matrix_noise("gaussian", sigma, p, a)(rng, (n, *SHAPE)))
        g_hill = [hill_tail_index(gaussian, kk) for kk in (4 * k, k, k // 4)]
        control.append(
            Point(
                f"p = {p:g}: Gaussian judged heavy-tailed, Hill − a (k = {k})",
                "identity",
                0.0,
                g_hill[1] - a,
                claim.tolerance,
            )
        )
        spread = nuclear_norms(matrix_noise("spread", sigma, p, a)(rng, (n // 10, *SHAPE)))
        notes.append(
            f"p = {p:g}: Gaussian Hill estimates at k = {4 * k}, {k}, {k // 4}: "
            f"{np.round(g_hill, 2)} (no stable tail index); spread heavy-tailed noise "
            f"E‖Z‖_nuc^p = {np.mean(spread**p):.3g} for entrywise moment σ^p/(mn)"
        )
    return Outcome(Judgement(points, notes=notes), Judgement(control), [])


register_experiment(
    Experiment(
        "heavy-tail-noise",
        heavy_tail_noise,
        (
            GridParam("p", (1.25, 1.5, 1.75, 2.0), (1.25, 1.5, 1.75, 2.0), 1.01, "moment order p"),
            GridParam("samples", (100_000,), (400_000,), 1000, "Monte Carlo draws"),
            GridParam("hill_k", (2000,), (4000,), 10, "order statistics in the Hill estimate"),
        ),
        1,
        1,
    )
)
