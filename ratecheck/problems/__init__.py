"""Problem generators with exact constants, optima and counted oracles."""

from ratecheck.problems.base import Blocks, Oracle, Problem
from ratecheck.problems.lrp import lrp_function, scalar_quadratic
from ratecheck.problems.matrix import NoisyMatrixProblem, noisy_matrix
from ratecheck.problems.quadratic import Quadratic, quadratic

__all__ = [
    "Blocks",
    "NoisyMatrixProblem",
    "Oracle",
    "Problem",
    "Quadratic",
    "lrp_function",
    "noisy_matrix",
    "quadratic",
    "scalar_quadratic",
]
