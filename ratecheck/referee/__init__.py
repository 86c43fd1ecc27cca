"""The worst-case referee: PEPit certificates of ‖x_N − x*‖/‖x_0 − x*‖ for Euclidean
first-order methods, each solved by two open SDP solvers and marked reliable only when they
agree and the dual proof checks out (see :mod:`ratecheck.referee.pep`). PEPit is imported only
when a certificate is asked for (extra ``pepit``)."""

from ratecheck.referee.pep import (
    AGREEMENT_RTOL,
    GAP_TOL,
    PEPIT_MISSING,
    RELIABLE_HORIZONS,
    SOLVERS,
    Certificate,
    QuadraticWorstCase,
    gradient_descent,
    gradient_descent_rate,
    heavy_ball_distance_ratio,
    heavy_ball_quadratic,
    heavy_ball_quadratic_worst_case,
    heavy_ball_smooth_strongly_convex,
    polyak_parameters,
    polyak_transient,
)

__all__ = [
    "AGREEMENT_RTOL",
    "GAP_TOL",
    "PEPIT_MISSING",
    "RELIABLE_HORIZONS",
    "SOLVERS",
    "Certificate",
    "QuadraticWorstCase",
    "gradient_descent",
    "gradient_descent_rate",
    "heavy_ball_distance_ratio",
    "heavy_ball_quadratic",
    "heavy_ball_quadratic_worst_case",
    "heavy_ball_smooth_strongly_convex",
    "polyak_parameters",
    "polyak_transient",
]
