"""PEPit worst-case certificates for Euclidean first-order methods: the worst-case referee.

A *certificate* is the exact worst case of a performance-estimation problem (PEP; Drori and
Teboulle 2014; Taylor, Hendrickx, Glineur 2017), solved with PEPit (>= 0.5): over every function
of a class and every start with ‖x_0 − x*‖ ≤ 1,

    value = max ‖x_N − x*‖ / ‖x_0 − x*‖ = √τ,    τ = PEPit's worst case of ‖x_N − x*‖².

The PEP is a semidefinite program (SDP) in the Gram matrix of (x*, x_0, ∇f(x_0), …, ∇f(x_{N−1})).
Its dual solution is a proof of ‖x_N − x*‖² ≤ τ; its primal solution is a worst-case instance.

Reliability. Every SDP is solved twice through PEPit's CVXPY wrapper, by CLARABEL (interior
point) and by SCS (operator splitting); no commercial solver. A certificate is ``reliable`` only
when all of these hold:

1. both solvers return a solution: CVXPY status "optimal" or "optimal_inaccurate" (CLARABEL's
   "almost solved"; the checks below decide). Another status or an exception is a failure.
2. They agree: |v_CLARABEL − v_SCS| ≤ AGREEMENT_RTOL · max(v) on the value √τ.
3. ``gap`` ≤ GAP_TOL. ``gap`` is the largest, over both solvers, of three relative errors on τ:
   - the duality gap |τ_dual − τ_primal| / τ_dual;
   - the proof residual / τ_dual. The dual multipliers, combined with the constraints, must
     give τ_dual − ‖x_N − x*‖² as a sum of non-positive terms. What the combination leaves
     over (a linear form in the Gram entries and function values), and the sign violations of
     the multipliers (negative multipliers of inequalities, negative eigenvalues of the PSD
     duals), are bounded at the leaf magnitudes max(found by either solver, natural), with
     the natural magnitudes 1 for x* and x_0 (‖x_0 − x*‖ ≤ 1), L for a gradient and L/2 for a
     function value;
   - the primal infeasibility (most negative eigenvalue of the Gram matrix and of the class
     matrices, largest constraint violation) over the largest squared leaf magnitude.

A worst case of 0 has no relative gap and is never reliable. A failed solver, a disagreement
or a large gap is named in ``reason``; ``value`` is then the
largest value a solver returned (NaN when none did) and must not be used as a verdict. When
reliable, ``value`` is the larger of the two solvers' values.

Why these tolerances (measured, below): on every solve that was right (closed form known) the
gap was at most 2.1e-3 and the solvers agreed within 8e-5; on every wrong solve the gap was
at least 0.9 (CLARABEL, unscaled κ = 10, N = 8; otherwise 2 or more). GAP_TOL = 1e-2 sits
between the two; AGREEMENT_RTOL = 1e-3 is ten times the largest agreement of right solves.

Measured facts (PEPit 0.5.1, CVXPY 1.9.3, CLARABEL 0.11.1, SCS 3.3.1; two busy CPU cores):

- PEPit's own proof reconstruction (``PEP.check_feasibility``) reads the dual of a class LMI
  as the symmetric dual of the PSD cone. For ``SmoothStronglyConvexQuadraticFunction`` the
  class matrix T_ij = (L + μ)⟨g_i, x_j − x*⟩ − ⟨g_i, g_j⟩ − μL⟨x_i − x*, x_j − x*⟩ is not
  symmetric as an expression, so its reported error was 1e1–1e4 on solves exact to 1e-9.
  The duals of the entrywise equalities M_ij = T_ij (used here) reconstruct the proof to
  1e-8. Those equalities also repeat the class's symmetry constraints, so the equality
  system is rank deficient; with the symmetry constraints left out, CLARABEL solved κ = 100,
  N = 9–12 ("optimal_inaccurate", within 5e-5) where it fails below. This module keeps
  PEPit's class unchanged.
- Scaling matters. Every method here is invariant under f → f/L with the step times L, so the
  SDP is solved with L = 1 (``rescale=True``, the default). Unscaled (``rescale=False``),
  heavy ball with Polyak's parameters reproduces the failures an earlier user reported:
  κ = 10, N = 8: CLARABEL 0.068662 ("optimal_inaccurate"), SCS 0.025702 ("optimal"), true
  0.069786; κ = 100, N = 5: CLARABEL fails, SCS 0.699966 ("optimal"), true 3.699810. Both
  are flagged (disagreement; failure; proof residual 0.9 and 18, and 3.6 for SCS at κ = 100,
  found without the other solver because a gradient's natural magnitude is then L = 100).
  Rescaled, both are reliable and exact to 1e-6.
- Long horizons break the SDP even when rescaled: the worst ‖x_N − x*‖² becomes small against
  Gram entries of order one. Heavy ball with Polyak's parameters on quadratics, μ = 1, L = κ,
  measured with ``heavy_ball_quadratic`` against the closed form (1 + (1 + ρ)N)ρ^N
  (:func:`polyak_transient`); seconds for both solves and the checks:

  ===  ==  =========  =========  =========  ==============================  =======  ===  ====
  κ    N   true       CLARABEL   SCS        status (CLARABEL / SCS)         gap      ok   s
  ===  ==  =========  =========  =========  ==============================  =======  ===  ====
  10   1   1.308862   1.308862   1.308862   optimal / optimal               7.0e-08  yes  0.04
  10   3   0.779287   0.779287   0.779289   optimal / optimal               7.5e-06  yes  0.06
  10   5   0.325291   0.325291   0.325291   optimal_inaccurate / optimal    8.5e-06  yes  0.26
  10   7   0.118818   0.118817   0.118818   optimal_inaccurate / optimal    1.5e-03  yes  0.31
  10   8   0.069786   0.069785   0.069786   optimal / optimal               2.2e-04  yes  0.25
  10   9   0.040440   fails      0.040440   SolverError / optimal           2.3e-04  no   0.43
  10   10  0.023184   0.021271   0.023184   optimal_inaccurate / optimal    2.3e+01  no   1.03
  10   11  0.013174   0.010589   0.011392   optimal_inaccurate / optimal    7.8e+01  no   3.59
  10   12  0.007431   fails      0.003285   SolverError / optimal           1.2e+02  no   1.03
  100  1   2.305785   2.305785   2.305785   optimal / optimal               4.6e-08  yes  0.04
  100  3   3.535209   3.535209   3.535209   optimal / optimal               1.1e-06  yes  0.12
  100  5   3.699810   3.699809   3.699810   optimal_inaccurate / optimal    4.8e-06  yes  0.21
  100  8   3.121778   3.121722   3.121778   optimal_inaccurate / optimal    4.4e-04  yes  0.32
  100  9   2.852917   fails      2.852912   SolverError / optimal           3.3e-05  no   0.36
  100  10  2.578624   fails      2.578622   SolverError / optimal           1.7e-04  no   0.54
  100  11  2.309763   2.309588   2.309763   optimal_inaccurate / optimal    2.1e-03  yes  0.57
  100  12  2.053425   fails      2.053398   SolverError / optimal           1.1e-04  no   0.73
  ===  ==  =========  =========  =========  ==============================  =======  ===  ====

  Every N from 1 to 8 was reliable and exact to 2e-5 at both κ (rows left out above). SCS
  alone would have certified the wrong 0.003285 at κ = 10, N = 12 (and 0.001114 against
  0.002322 at N = 14); its own proof residual flags it. RELIABLE_HORIZONS holds the horizons
  to use by default.
- Other settings: gradient descent on the general class (κ = 10, 100; N ≤ 10) and heavy ball
  with μ = 1, L = 25, α = 1/9, β = 4/9 on the general class (N ≤ 12; the value grows, 5.02 at
  N = 10, against 0.306 on quadratics) were reliable, 0.03–1.1 s each.
- Not expressible: a step whose length depends on ‖∇f‖ (normalized or clipped gradient). A
  PEPit point is a combination of leaf points with constant coefficients, and ⟨g, d⟩ = ‖g‖
  is not linear in the Gram matrix. PEPit's relative inexact gradient step
  (‖d − ∇f(x)‖ ≤ ε‖∇f(x)‖, ``inexact_gradient_step(..., notion="relative")``) bounds every
  step γd with d = s∇f(x), s ∈ [1 − ε, 1 + ε], so it covers clipping only while the clip
  factor stays in such a band, and it also allows rotated directions: an upper bound, not the
  method. Measured: μ = 0.1, L = 1, γ = 2/(L + μ), N = 5, ε = 0.1 and 0.3 gave 1.000001 and
  4.715120, equal to the worst fixed step in the band (1.000000, 4.715121); at ε = 0 the
  constraint ‖d − ∇f‖² ≤ 0 has no interior and the certificate was flagged (gap 1.3).
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ratecheck.errors import UsageError

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

PEPIT_MISSING = "PEPit not installed (pip install '.[pepit]')"
SOLVERS = ("CLARABEL", "SCS")
AGREEMENT_RTOL = 1e-3  # on the value √τ, between the two solvers
GAP_TOL = 1e-2  # on τ: duality gap, proof residual and primal infeasibility, each relative
SOLVED = ("optimal", "optimal_inaccurate")
DIMENSION_REDUCTION_RTOL = 1e-5  # the trace heuristic keeps τ ≥ τ_worst·(1 − this)
RANK_RTOL = 1e-3  # Gram eigenvalues below this times the largest count as zero (as in PEPit)
# Horizons N at which heavy ball with Polyak's parameters on quadratics gave reliable certificates,
# exact to 2e-5 (measured, N = 1 … 8 at both κ; see the table above). Use them by default.
RELIABLE_HORIZONS: dict[int, tuple[int, ...]] = {10: (1, 2, 3, 5, 8), 100: (1, 2, 3, 5, 8)}


@dataclass(frozen=True)
class Certificate:
    """A worst case of ‖x_N − x*‖/‖x_0 − x*‖ over a function class, cross-checked by two
    solvers. Use ``value`` only when ``reliable`` is true; ``reason`` says why it is not."""

    value: float
    by_solver: dict[str, float]
    status: dict[str, str]
    gap: float
    reliable: bool
    reason: str
    seconds: float
    horizon: int
    setting: str


@dataclass(frozen=True)
class QuadraticWorstCase:
    """A low-dimensional worst case on quadratics: f(x) = ½ Σ_i λ_i (x_i − x*_i)², started at
    x_0 − x* = ``initial_error`` (unit norm) in the eigenbasis. ``fit_residual`` is the relative
    misfit of one symmetric Hessian to the PEP's gradients; ``gram_rank`` the rank of the
    Gram matrix after PEPit's trace heuristic."""

    eigenvalues: tuple[float, ...]
    initial_error: tuple[float, ...]
    value: float
    gram_rank: int
    fit_residual: float


def _pepit() -> Any:
    try:
        import PEPit
    except ImportError as exc:
        raise UsageError(PEPIT_MISSING) from exc
    return PEPit


def _check_class(mu: float, L: float, N: int) -> None:
    if not (0 <= mu <= L and L > 0):
        raise UsageError(f"need 0 <= mu <= L and L > 0, got mu={mu}, L={L}")
    if int(N) != N or N < 1:
        raise UsageError(f"the horizon N must be an integer >= 1, got {N}")


# ---------------------------------------------------------------- closed forms (for tests)


def gradient_descent_rate(mu: float, L: float, gamma: float, N: int) -> float:
    """Tight worst case of ‖x_N − x*‖/‖x_0 − x*‖ for x_{t+1} = x_t − γ∇f(x_t) on L-smooth
    μ-strongly convex functions: max(|1 − γμ|, |1 − γL|)^N (attained by f = μx²/2 or Lx²/2)."""
    return max(abs(1 - gamma * mu), abs(1 - gamma * L)) ** N


def polyak_parameters(mu: float, L: float) -> tuple[float, float]:
    """Polyak's heavy-ball parameters α* = 4/(√L + √μ)², β* = ρ², ρ = (√L − √μ)/(√L + √μ)."""
    rho = (math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))
    return 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rho**2


def polyak_transient(mu: float, L: float, N: int) -> float:
    """Exact worst case of ‖x_N − x*‖/‖x_0 − x*‖ for heavy ball with Polyak's parameters on
    μ-strongly convex L-smooth quadratics, x_{−1} = x_0: (1 + (1 + ρ)N)·ρ^N, attained at λ = L
    (shared/reference/polyak-momentum.md §3, [derived])."""
    rho = (math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))
    return (1 + (1 + rho) * N) * rho**N


def heavy_ball_distance_ratio(
    eigenvalues: tuple[float, ...] | np.ndarray,
    initial_error: tuple[float, ...] | np.ndarray,
    alpha: float,
    beta: float,
    N: int,
) -> float:
    """‖e_N‖/‖e_0‖ of heavy ball e_{t+1} = e_t − α Λ e_t + β(e_t − e_{t−1}), e_{−1} = e_0, on
    the diagonal quadratic f(x) = ½ Σ λ_i (x_i − x*_i)² (e_t = x_t − x*, NumPy on the host)."""
    lam = np.asarray(eigenvalues, dtype=float)
    e_prev = e = np.asarray(initial_error, dtype=float)
    for _ in range(N):
        e_prev, e = e, e - alpha * lam * e + beta * (e - e_prev)
    return float(np.linalg.norm(e) / np.linalg.norm(initial_error))


# ---------------------------------------------------------------- the PEPs


@dataclass(frozen=True)
class _Pep:
    pep: Any
    function: Any
    x0: Any
    x_star: Any


def _heavy_ball_pep(
    class_name: str, mu: float, L: float, alpha: float, beta: float, N: int
) -> Callable[[], _Pep]:
    """The PEP of x_{t+1} = x_t − α∇f(x_t) + β(x_t − x_{t−1}), x_{−1} = x_0: maximize
    ‖x_N − x*‖² subject to ‖x_0 − x*‖² ≤ 1 (β = 0 is gradient descent)."""

    def build() -> _Pep:
        _pepit()
        from PEPit import PEP, functions

        pep = PEP()
        f = pep.declare_function(getattr(functions, class_name), mu=mu, L=L)
        x_star = f.stationary_point()
        x0 = pep.set_initial_point()
        pep.set_initial_condition((x0 - x_star) ** 2 <= 1)
        x_prev, x = x0, x0
        for _ in range(N):
            x_prev, x = x, x - alpha * f.gradient(x) + beta * (x - x_prev)
        pep.set_performance_metric((x - x_star) ** 2)
        return _Pep(pep, f, x0, x_star)

    return build


def heavy_ball_quadratic(
    mu: float, L: float, alpha: float, beta: float, N: int, *, rescale: bool = True
) -> Certificate:
    """Heavy ball on smooth strongly convex quadratics.

    Class: f(x) = ½(x − x*)ᵀH(x − x*) + f*, μI ⪯ H ⪯ LI (PEPit's
    ``SmoothStronglyConvexQuadraticFunction``, interpolation conditions of Bousselmi, Hendrickx,
    Glineur 2023, Thm 3.9).

    Algorithm: x_{t+1} = x_t − α∇f(x_t) + β(x_t − x_{t−1}), x_{−1} = x_0.

    Guarantee: ‖x_N − x*‖ ≤ value·‖x_0 − x*‖, tight. With Polyak's parameters (α*, β*) the
    value is (1 + (1 + ρ)N)ρ^N (:func:`polyak_transient`).
    """
    setting = "heavy ball, μ-strongly convex L-smooth quadratics"
    quadratics = "SmoothStronglyConvexQuadraticFunction"
    return _heavy_ball_certificate(quadratics, mu, L, alpha, beta, N, rescale, setting)


def heavy_ball_smooth_strongly_convex(
    mu: float, L: float, alpha: float, beta: float, N: int, *, rescale: bool = True
) -> Certificate:
    """Heavy ball on L-smooth μ-strongly convex functions (not only quadratics).

    Class: PEPit's ``SmoothStronglyConvexFunction`` (Taylor, Hendrickx, Glineur 2017).

    Algorithm: x_{t+1} = x_t − α∇f(x_t) + β(x_t − x_{t−1}), x_{−1} = x_0.

    Guarantee: ‖x_N − x*‖ ≤ value·‖x_0 − x*‖, tight. With μ = 1, L = 25, α = 1/9, β = 4/9
    (Polyak's parameters; Lessard, Recht, Packard 2016) heavy ball cycles on a piecewise
    quadratic, so the value does not fall below 1 however large N is.
    """
    setting = "heavy ball, L-smooth μ-strongly convex functions"
    functions = "SmoothStronglyConvexFunction"
    return _heavy_ball_certificate(functions, mu, L, alpha, beta, N, rescale, setting)


def gradient_descent(
    mu: float, L: float, gamma: float, N: int, *, rescale: bool = True
) -> Certificate:
    """Gradient descent on L-smooth μ-strongly convex functions.

    Class: PEPit's ``SmoothStronglyConvexFunction``.

    Algorithm: x_{t+1} = x_t − γ∇f(x_t).

    Guarantee: ‖x_N − x*‖ ≤ max(|1 − γμ|, |1 − γL|)^N·‖x_0 − x*‖, tight
    (:func:`gradient_descent_rate`).
    """
    setting = "gradient descent (heavy ball with β = 0), L-smooth μ-strongly convex functions"
    functions = "SmoothStronglyConvexFunction"
    return _heavy_ball_certificate(functions, mu, L, gamma, 0.0, N, rescale, setting)


@functools.lru_cache(maxsize=256)  # a certificate is a function of its inputs: solve once
def _heavy_ball_certificate(
    function_class: str,
    mu: float,
    L: float,
    alpha: float,
    beta: float,
    N: int,
    rescale: bool,
    setting: str,
) -> Certificate:
    """Heavy ball's certificate over ``function_class``, solved with L scaled to 1 (f → f/L,
    α → αL: the same iterates) when ``rescale``."""
    _check_class(mu, L, N)
    scale = L if rescale else 1.0
    return _certify(
        _heavy_ball_pep(function_class, mu / scale, L / scale, alpha * scale, beta, N),
        L / scale,
        N,
        f"{setting}, μ={mu:g}, L={L:g}, α={alpha:.6g}, β={beta:.6g}, N={N}",
    )


@functools.lru_cache(maxsize=64)
def heavy_ball_quadratic_worst_case(
    mu: float, L: float, alpha: float, beta: float, N: int, *, rescale: bool = True
) -> QuadraticWorstCase:
    """A worst-case quadratic for :func:`heavy_ball_quadratic`, as a test problem.

    Solves the PEP with CLARABEL, then again with PEPit's trace heuristic (minimize tr G
    subject to τ ≥ τ_worst·(1 − 1e-5)) for a low-rank Gram matrix. From the worst-case
    vectors e_0 = x_0 − x*, e_t = x_t − x* and g_t = ∇f(x_t) (t < N) it fits one symmetric H
    with H e_t = g_t on the span of (e_0, g_0, …, g_{N−1}) (least squares) and returns H's
    eigenvalues with the components of e_0 along its eigenvectors. Running
    :func:`heavy_ball_distance_ratio` on them should reach the certified value; a test checks
    that (the PEP itself does not return a function).
    """
    _check_class(mu, L, N)
    scale = L if rescale else 1.0
    build = _heavy_ball_pep(
        "SmoothStronglyConvexQuadraticFunction", mu / scale, L / scale, alpha * scale, beta, N
    )
    _pepit()
    problem = None
    for solver in SOLVERS:  # the first that solves both problems
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")  # PEPit prints its gap warnings: kept out
                tau = build().pep.solve(wrapper="cvxpy", solver=solver, verbose=0)
                problem = build()
                problem.pep.solve(
                    wrapper="cvxpy",
                    solver=solver,
                    verbose=0,
                    dimension_reduction_heuristic="trace",
                    tol_dimension_reduction=DIMENSION_REDUCTION_RTOL * abs(tau),
                )
            break
        except Exception:  # CVXPY's SolverError, or PEPit evaluating an unsolved problem
            problem = None
    if problem is None:
        raise UsageError(f"no solver found a worst case ({', '.join(SOLVERS)} failed)")
    gram = np.linalg.eigvalsh(problem.pep.G_value)
    gram_rank = int(np.sum(gram > RANK_RTOL * gram[-1]))
    x_star = problem.x_star
    pairs = [(x, g) for x, g, _ in problem.function.list_of_points if x is not x_star]
    errors = np.column_stack([(x - x_star).eval() for x, _ in pairs])
    gradients = np.column_stack([g.eval() for _, g in pairs])
    e0 = (problem.x0 - x_star).eval()
    span, sing, _ = np.linalg.svd(np.column_stack([e0, gradients]), full_matrices=False)
    basis = span[:, sing**2 > RANK_RTOL * sing[0] ** 2]
    hessian = basis.T @ gradients @ np.linalg.pinv(basis.T @ errors)
    hessian = (hessian + hessian.T) / 2
    fit = np.linalg.norm(hessian @ basis.T @ errors - basis.T @ gradients)
    eigenvalues, vectors = np.linalg.eigh(hessian)
    weights = vectors.T @ basis.T @ e0
    return QuadraticWorstCase(
        eigenvalues=tuple(float(v) for v in eigenvalues * scale),
        initial_error=tuple(float(w) for w in weights / np.linalg.norm(weights)),
        value=math.sqrt(max(problem.pep.objective.eval(), 0.0)),
        gram_rank=gram_rank,
        fit_residual=float(fit / max(np.linalg.norm(gradients), 1e-300)),
    )


# ---------------------------------------------------------------- solving and checking


@dataclass(frozen=True)
class _Solve:
    """One solver's answer, reduced to NumPy data so that the next PEP may reset PEPit."""

    status: str
    seconds: float
    tau_primal: float = math.nan
    tau_dual: float = math.nan
    leftover: tuple[np.ndarray, np.ndarray] | None = None  # (G weights, F weights)
    sign_violations: tuple[tuple[float, np.ndarray, np.ndarray, float], ...] = ()
    primal_infeasibility: float = math.nan
    leaf_norms: np.ndarray | None = None
    value_norms: np.ndarray | None = None

    @property
    def solved(self) -> bool:
        return self.status in SOLVED and math.isfinite(self.tau_dual)


def _certify(build: Callable[[], _Pep], L: float, N: int, setting: str) -> Certificate:
    _pepit()
    start = time.perf_counter()
    solves = {solver: _solve(build, solver, L) for solver in SOLVERS}
    values = {
        s: math.sqrt(max(r.tau_dual, 0.0)) if r.solved else math.nan for s, r in solves.items()
    }
    solved = {s: r for s, r in solves.items() if r.solved}
    problems = [f"{s} failed ({r.status})" for s, r in solves.items() if not r.solved]
    value = max((values[s] for s in solved), default=math.nan)
    if len(solved) == len(SOLVERS):
        low = min(values.values())
        if value - low > AGREEMENT_RTOL * value:
            listed = ", ".join(f"{s} {v:.6g}" for s, v in values.items())
            problems.append(
                f"solvers disagree: {listed} (relative difference "
                f"{(value - low) / value:.1e} > {AGREEMENT_RTOL:g})"
            )
    gap = math.nan
    if solved:
        gaps = _relative_gaps(solved)
        gap = max(max(parts.values()) for parts in gaps.values())
        problems += [
            f"{s}: {name} {size:.1e} > {GAP_TOL:g}"
            for s, parts in gaps.items()
            for name, size in parts.items()
            if not size <= GAP_TOL
        ]
    return Certificate(
        value=value,
        by_solver=values,
        status={s: r.status for s, r in solves.items()},
        gap=gap,
        reliable=not problems,
        reason="; ".join(problems)
        or f"both solvers agree within {AGREEMENT_RTOL:g} and the gap {gap:.1e} <= {GAP_TOL:g}",
        seconds=time.perf_counter() - start,
        horizon=N,
        setting=setting,
    )


def _relative_gaps(solves: dict[str, _Solve]) -> dict[str, dict[str, float]]:
    """Per solver: duality gap, proof residual and primal infeasibility, each relative to τ (the
    last to the largest squared leaf magnitude), at the largest magnitudes any solver found."""
    leaf = np.maximum.reduce([r.leaf_norms for r in solves.values()])
    value = np.maximum.reduce([r.value_norms for r in solves.values()])
    gaps = {}
    for solver, r in solves.items():
        tau = max(abs(r.tau_dual), 1e-300)
        leftover = _bound(*r.leftover, 0.0, leaf, value)
        signs = sum(w * _bound(Q, q, c, leaf, value) for w, Q, q, c in r.sign_violations)
        gaps[solver] = {
            "duality gap": abs(r.tau_dual - r.tau_primal) / tau,
            "proof residual": (leftover + signs) / tau,
            "primal infeasibility": r.primal_infeasibility / float(np.max(leaf) ** 2),
        }
    return gaps


def _bound(Q: np.ndarray, q: np.ndarray, c: float, leaf: np.ndarray, value: np.ndarray) -> float:
    """Upper bound of |⟨Q, G⟩ + qᵀF + c| when |G_ij| ≤ leaf_i·leaf_j and |F_k| ≤ value_k."""
    return float(leaf @ np.abs(Q) @ leaf + np.abs(q) @ value + abs(c))


def _solve(build: Callable[[], _Pep], solver: str, L: float) -> _Solve:
    problem = build()
    pep = problem.pep
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pep.solve(wrapper="cvxpy", solver=solver, verbose=0)
    except Exception as exc:  # CVXPY's SolverError, or PEPit evaluating an unsolved problem
        status = getattr(getattr(pep.wrapper, "prob", None), "status", None)
        return _Solve(f"{status or 'error'}: {type(exc).__name__}", time.perf_counter() - start)
    seconds = time.perf_counter() - start
    status = pep.wrapper.prob.status
    if status not in SOLVED or pep.G_value is None:
        return _Solve(status, seconds)
    try:
        return _check(problem, status, seconds, L)
    except Exception as exc:  # PEPit's internals changed: the proof cannot be checked
        return _Solve(f"{status}, unchecked: {type(exc).__name__}: {exc}", seconds)


def _check(problem: _Pep, status: str, seconds: float, L: float) -> _Solve:
    """Rebuild the proof from the duals; measure what it leaves over and the primal's
    infeasibility; record the leaf magnitudes of the worst case."""
    from PEPit.constraint import Constraint
    from PEPit.point import Point
    from PEPit.tools.expressions_to_matrices import expression_to_matrices

    pep, wrapper = problem.pep, problem.pep.wrapper
    G, F = pep.G_value, pep.F_value
    leaves = Point.list_of_leaf_points
    x_star, x0 = problem.x_star, problem.x0

    # The proof: objective − τ_dual = −⟨S, G⟩ − Σ⟨Y_m, T_m⟩ + Σ λ_c·c + leftover.
    objective = expression_to_matrices(pep.objective)
    combined = [np.array(pep.residual, dtype=float), np.zeros_like(F), 0.0]
    sign_violations = [
        (
            max(0.0, -float(np.min(np.linalg.eigvalsh(pep.residual)))),
            np.eye(len(leaves)),
            np.zeros_like(F),
            0.0,
        )
    ]
    constraints = wrapper._list_of_solver_constraints
    index = 1  # constraints[0] is G ⪰ 0
    lmi_terms = []
    primal = [max(0.0, -float(np.min(np.linalg.eigvalsh(G))))]
    for item in wrapper._list_of_constraints_sent_to_solver:
        if isinstance(item, Constraint):
            Q, q, c = expression_to_matrices(item.expression)
            multiplier = float(constraints[index].dual_value)
            combined[0] -= multiplier * Q
            combined[1] -= multiplier * q
            combined[2] -= multiplier * c
            value = float(np.sum(Q * G) + q @ F + c)
            if item.equality_or_inequality == "inequality":
                sign_violations.append((max(0.0, -multiplier), Q, q, c))
                primal.append(max(0.0, value))
            else:
                primal.append(abs(value))
            index += 1
        else:  # a class LMI, sent as M ⪰ 0 and one equality M_ij = T_ij per entry
            n = item.shape[0]
            entry_duals = np.array(
                [float(constraints[index + 1 + k].dual_value) for k in range(n * n)]
            ).reshape(n, n)
            entries = [[expression_to_matrices(item[i, j]) for j in range(n)] for i in range(n)]
            lmi_terms.append((entry_duals, entries))
            T = np.array([[np.sum(Q * G) + q @ F + c for Q, q, c in row] for row in entries])
            primal.append(max(0.0, -float(np.min(np.linalg.eigvalsh((T + T.T) / 2)))))
            index += 1 + n * n
    if index != len(constraints):
        raise RuntimeError(f"{len(constraints)} solver constraints, {index} matched")

    # CVXPY's sign convention for the equality duals is fixed by taking the sign that leaves
    # less over (the wrong one leaves about twice the LMI's contribution). Either sign is a
    # valid proof when what it leaves over and its sign violations are small.
    best = None
    for sign in (1.0, -1.0):
        Q_left = objective[0] + combined[0]
        q_left = objective[1] + combined[1]
        constant = objective[2] + combined[2]
        lmi_signs = []
        for entry_duals, entries in lmi_terms:
            Y = sign * entry_duals
            for i, row in enumerate(entries):
                for j, (Q, q, c) in enumerate(row):
                    Q_left = Q_left + Y[i, j] * Q
                    q_left = q_left + Y[i, j] * q
                    constant += Y[i, j] * c
            diagonal = [entries[i][i] for i in range(len(entries))]
            trace = (
                sum(Q for Q, _, _ in diagonal),
                sum(q for _, q, _ in diagonal),
                sum(c for _, _, c in diagonal),
            )
            negative = max(0.0, -float(np.min(np.linalg.eigvalsh((Y + Y.T) / 2))))
            lmi_signs.append((negative, *trace))
        size = float(np.sum(np.abs(Q_left)) + np.sum(np.abs(q_left)))
        if best is None or size < best[0]:
            best = (size, constant, (Q_left, q_left), lmi_signs)
    _, tau_dual, leftover, lmi_signs = best

    natural = np.array([1.0 if p is x_star or p is x0 else L for p in leaves])
    return _Solve(
        status=status,
        seconds=seconds,
        tau_primal=float(pep.objective.eval()),
        tau_dual=float(tau_dual),
        leftover=leftover,
        sign_violations=tuple(sign_violations + lmi_signs),
        primal_infeasibility=max(primal),
        leaf_norms=np.maximum(natural, np.sqrt(np.maximum(np.diag(G), 0.0))),
        value_norms=np.maximum(L / 2, np.abs(F)),
    )
