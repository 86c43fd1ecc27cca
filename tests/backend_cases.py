"""Solver-on-problem cases run on every backend by the parity tests (tests/test_gpu.py on CuPy,
tests/verify/test_emulated_device.py on a second array_api_strict device): deterministic and
noisy oracles, exact and Newton–Schulz spectral LMOs, clipping and Hessian-corrected momentum."""

from ratecheck.problems.matrix import noisy_matrix
from ratecheck.problems.quadratic import quadratic
from ratecheck.seeding import Streams
from ratecheck.solvers import gd, heavy_ball
from ratecheck.solvers.clipping import ggnc
from ratecheck.solvers.hcm import hcm
from ratecheck.solvers.lmo_methods import uscg
from ratecheck.solvers.norms import Spectral


def solver_cases(xp):
    quad = lambda: quadratic(100.0, 32, Streams("gpu", 0, 4), xp, centered=True)  # noqa: E731
    mat = lambda: noisy_matrix(16, 24, Streams("gpu", 1, 4), xp, sigma=1.0)  # noqa: E731
    return {
        "gd/quadratic": (gd(1.0), quad),
        "heavy-ball/quadratic": (heavy_ball(1.0, 0.81), quad),
        "uscg-svd/matrix": (uscg(Spectral(), 0.01, 0.1), mat),
        "uscg-ns5/matrix": (uscg(Spectral(method="ns5"), 0.01, 0.1), mat),
        "ggnc/matrix": (ggnc(Spectral(), 0.01, 1.0, 0.1, stochastic=True), mat),
        "hcm/matrix": (
            hcm(Spectral(), 0.01, 0.1, rngs=Streams("gpu", 2, 4).method),
            lambda: noisy_matrix(16, 24, Streams("gpu", 1, 4), xp, sigma=1.0, sigma_hessian=1.0),
        ),
    }
