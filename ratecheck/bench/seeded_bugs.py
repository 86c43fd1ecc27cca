"""Power, measured: seed plausible bugs into the solvers and problems, see which claims notice.

A claim that holds says little about the code that produced it unless the claim would have
failed had that code been wrong. This module measures that directly. :data:`CATALOGUE` lists
realistic one-token-ish mistakes in solver and problem code — a momentum weight swapped, a
damping factor dropped, an LMO scale inverted, a schedule off by one, oracle calls miscounted,
Newton–Schulz coefficients in the wrong order, a sign slip, a wrong dual norm, ... — each as a
:class:`Bug`: the function it lives in (``"module.path:function"`` or
``"module.path:Class.method"``) and a ``find`` → ``replace`` edit of that function's source.

Applying a bug (:func:`applied`) happens in memory only, never on disk: the target's source
(``inspect.getsource``, dedented) must contain ``find`` exactly once; the edited source is
compiled (under a pseudo file name whose text is registered with ``linecache``, so tracebacks
show the mutated line) and the new code object of the function replaces the target's
``__code__`` until the ``with`` block ends, whatever happens inside it. Swapping ``__code__``
rather than rebinding a name makes every reference see the bug: names already imported
elsewhere (``from ratecheck.solvers import heavy_ball``), bound methods, dictionaries of
functions. Solvers are factories whose step is a closure; the closure's code object is a
constant of the factory's code, so editing the factory's source reaches the step. The new code
must have the same free variables as the old one (checked: ValueError otherwise). The edited
source is compiled, not executed, so decorators (``@staticmethod``, ``@cache``) are not re-run;
the function keeps its defaults, closure and globals.

:func:`run_bug` applies one bug and verifies the theorem claims in quick mode, one claim at a
time, in this process (no worker processes: a worker would import the unmutated code; no result
cache: a cached outcome would hide the bug). A claim *catches* the bug when its verdict's
outcome (checked, refuted, inconclusive, unchecked) differs from the same claim's outcome
without any bug (:func:`baseline`, computed once per claim selection and seed count), or when
it raises with the bug in place although it did not without it (the exception's first line is
recorded). :func:`benchmark` runs every bug of the catalogue and reports the detection rate,
caught / bugs. An uncaught bug is a finding about the claims, not about the bug: no claim
exercises that code path sharply enough — a gap in the catalogue of claims.

    python -m ratecheck.bench.seeded_bugs [--seeds N] [--claims id,id] [--bugs name,name]
                                          [--json FILE]

The whole benchmark runs the quick suite once per bug plus once for the baseline (single
process); ``--bugs`` and ``--claims`` restrict it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import json
import linecache
import sys
import textwrap
import time
import types
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Bug:
    """A seeded bug: in the function ``target`` ("module.path:function" or
    "module.path:Class.method"), the source text ``find`` (exactly once) becomes ``replace``."""

    name: str
    description: str
    target: str
    find: str
    replace: str


CATALOGUE: tuple[Bug, ...] = (
    # --- solvers: momentum methods ---------------------------------------------------------
    Bug(
        "hb-momentum-sign",
        "heavy ball adds β(w_{t−1} − w_t) instead of β(w_t − w_{t−1}): the momentum term's "
        "sign is flipped, so the method brakes instead of accelerating",
        "ratecheck.solvers.heavy_ball:heavy_ball",
        "beta * (w_i - w_prev_i)",
        "beta * (w_prev_i - w_i)",
    ),
    Bug(
        "hb-state-not-shifted",
        "heavy ball stores the new iterate w_{t+1} as its state instead of w_t, so the next "
        "step's w_t − w_{t−1} is always 0: plain gradient descent under a heavy-ball name",
        "ratecheck.solvers.heavy_ball:heavy_ball",
        "return w_next, w\n",
        "return w_next, w_next\n",
    ),
    Bug(
        "gd-half-step",
        "gradient descent steps by η/2 instead of η (a stray ½ from differentiating ½xᵀAx "
        "twice): it still converges, at 1 − 1/(2κ) instead of 1 − 1/κ",
        "ratecheck.solvers.gd:gd",
        "x_i - eta * g_i",
        "x_i - eta / 2 * g_i",
    ),
    Bug(
        "momentum-missing-damping",
        "averaged momentum drops the damping factor α on the new gradient, d ← (1 − α)d + g "
        "(PyTorch's dampening = 0 mixed into the EMA form): the step is 1/α times too long",
        "ratecheck.solvers.momentum:momentum_gd",
        "(1 - alpha) * d_i + alpha * g_i",
        "(1 - alpha) * d_i + g_i",
    ),
    Bug(
        "transported-coefficient-inverted",
        "transported Scion extrapolates with c = α/(1 − α) instead of β/(1 − β) = (1 − α)/α "
        "(α and β = 1 − α confused)",
        "ratecheck.solvers.transported:scion_heavy_tail",
        "c = (1 - a) / a",
        "c = a / (1 - a)",
    ),
    # --- solvers: LMO methods ----------------------------------------------------------------
    Bug(
        "uscg-momentum-weights-swapped",
        "uSCG's averaged momentum weights the old buffer by α and the new gradient by 1 − α, "
        "d ← αd + (1 − α)g: the momentum weight swapped",
        "ratecheck.solvers.lmo_methods:uscg",
        "(1 - a) * d_i + a * g_i",
        "a * d_i + (1 - a) * g_i",
    ),
    Bug(
        "uscg-schedule-off-by-one",
        "uSCG reads its step-size schedule at k + 1 instead of k (1-based vs 0-based "
        "iteration counter): γ_{k+1} is used at step k",
        "ratecheck.solvers.lmo_methods:uscg",
        "at(gamma, k)",
        "at(gamma, k + 1)",
    ),
    Bug(
        "hcm-correction-weight",
        "HCM scales the Hessian correction by α_k instead of β_k = 1 − α_k (the two momentum "
        "weights confused)",
        "ratecheck.solvers.hcm:hcm",
        "b = (1 - a) if beta is None",
        "b = a if beta is None",
    ),
    Bug(
        "hcm-stale-previous-iterate",
        "HCM stores x_{k+1} as 'the previous iterate' instead of x_k, so Δ_k = x_k − x_{k−1} is "
        "always 0 and the Hessian correction vanishes (HCM silently becomes Polyak momentum)",
        "ratecheck.solvers.hcm:hcm",
        "(k + 1, d, x)",
        "(k + 1, d, x_next)",
    ),
    Bug(
        "ggnc-dual-sign",
        "GGNC reads the dual norm as +⟨d, lmo(d)⟩ instead of −⟨d, lmo(d)⟩ (a wrong sign), so "
        "min{ρ, ‖d‖_*} is negative and the step goes uphill",
        "ratecheck.solvers.clipping:ggnc",
        "dual = -inner_blocks(norm, d, v)",
        "dual = inner_blocks(norm, d, v)",
    ),
    Bug(
        "ucg-missing-radius",
        "uCG steps by γ instead of γρ: the radius ρ is missing from the step length",
        "ratecheck.solvers.clipping:ucg",
        "length = at(gamma, k) * at(rho, k)",
        "length = at(gamma, k)",
    ),
    Bug(
        "s3cg-norm-not-squared",
        "S3CG variant 1 divides the gap by ‖v_k‖ instead of ‖v_k‖² (a missing square)",
        "ratecheck.solvers.clipping:s3cg",
        "norm.norm(v) ** 2",
        "norm.norm(v)",
    ),
    # --- solvers: Schatten / Schattor ----------------------------------------------------------
    Bug(
        "schattor-regularized-lambda",
        "the regularized Schatten oracle multiplies by λ instead of dividing: "
        "D* = λ‖G‖_{S_q}·lmo_p(G) instead of (‖G‖_{S_q}/λ)·lmo_p(G) (a wrong LMO scale)",
        "ratecheck.solvers.schattor:regularized_oracle",
        "norm.dual(G) / lam",
        "norm.dual(G) * lam",
    ),
    Bug(
        "schattor-l2-regularized-weight",
        "the ℓ2-regularized multi-block rule steps n_k/c_k² instead of n_k/c_k (the ℓ1 rule's "
        "squared weight copied into the ℓ2 rule)",
        "ratecheck.solvers.schattor:_lengths",
        "return [n_k / w_k for",
        "return [n_k / w_k**2 for",
    ),
    # --- solvers: norms and LMOs ---------------------------------------------------------------
    Bug(
        "schatten-lmo-exponent",
        "the Schatten-p LMO raises the singular values to p − 1 instead of q − 1 (the "
        "exponent of the wrong one of the conjugate pair)",
        "ratecheck.solvers.norms:Schatten.lmo",
        "** (self.q - 1)",
        "** (self.p - 1)",
    ),
    Bug(
        "linf-dual-is-max",
        "the ℓ∞ norm's dual is computed as max|d_i| (ℓ∞ again) instead of Σ|d_i| (ℓ1): a "
        "wrong norm dual",
        "ratecheck.solvers.norms:Linf.dual",
        "xp.sum(xp.abs(d), axis=-1)",
        "xp.max(xp.abs(d), axis=-1)",
    ),
    Bug(
        "product-dual-inverse-radii",
        "the product (layer-wise) dual norm weights block l by 1/r_l instead of r_l",
        "ratecheck.solvers.norms:Product.dual",
        "r * n.dual(b)",
        "n.dual(b) / r",
    ),
    Bug(
        "spectral-rms-scale-inverted",
        "the RMS→RMS spectral shape factor is √(d_in/d_out) instead of √(d_out/d_in): a wrong "
        "LMO scale on every non-square layer",
        "ratecheck.solvers.norms:shape_factor",
        '"rms_rms": math.sqrt(d_out / d_in)',
        '"rms_rms": math.sqrt(d_in / d_out)',
    ),
    Bug(
        "ns-tall-coefficients-swapped",
        "Newton–Schulz (tall matrices) applies b to A² and c to A, X ← aX + X(cA + bA²): the "
        "quintic's coefficients b and c in the wrong order",
        "ratecheck.solvers.norms:_ns_iterate",
        "X @ (b * A + c * (A",
        "X @ (c * A + b * (A",
    ),
    Bug(
        "ns-wide-coefficients-swapped",
        "Newton–Schulz (wide and square matrices) applies b to A² and c to A, "
        "X ← aX + (cA + bA²)X: the quintic's coefficients b and c in the wrong order",
        "ratecheck.solvers.norms:_ns_iterate",
        "a * X + (b * A + c * (A",
        "a * X + (c * A + b * (A",
    ),
    # --- problems ----------------------------------------------------------------------------
    Bug(
        "quadratic-rotation-not-transposed",
        "the quadratic's Hessian is built as QΛQ instead of QΛQᵀ (an einsum index in the wrong "
        "order): after symmetrization its spectrum is no longer the prescribed one",
        "ratecheck.problems.quadratic:quadratic",
        '"sij,sj,skj->sik"',
        '"sij,sj,sjk->sik"',
    ),
    Bug(
        "quadratic-grad-ignores-minimizer",
        "the quadratic's gradient is A x instead of A(x − x*): right only when x* = 0",
        "ratecheck.problems.quadratic:Quadratic.grad",
        "self.A @ (x[0] - self.x_star[0])[..., None]",
        "self.A @ x[0][..., None]",
    ),
    Bug(
        "cosh-hvp-sinh",
        "the cosh problem's Hessian-vector product uses sinh (the first derivative) instead of "
        "cosh as the curvature",
        "ratecheck.problems.l0l1:CoshProblem.hvp",
        "curvature = self.scale * xp.cosh(",
        "curvature = self.scale * xp.sinh(",
    ),
    Bug(
        "matrix-grad-sign",
        "the nonconvex matrix problem's gradient is X − T − λ sin X instead of X − T + λ sin X "
        "(a sign slip in d/dx (1 − cos x))",
        "ratecheck.problems.matrix:NoisyMatrixProblem.grad",
        "+ self.lam * xp.sin(",
        "- self.lam * xp.sin(",
    ),
    Bug(
        "hard-oracle-unweighted",
        "the probability-q oracle of the hard chain instance forgets the importance weight 1/q "
        "(a missing factor): the stochastic gradient is biased low on the frontier",
        "ratecheck.problems.hard:ChannelInstance.stochastic_grad",
        "axis=1) / self.q",
        "axis=1)",
    ),
    Bug(
        "oracle-batch-counted-once",
        "the counting oracle counts a mini-batch stochastic gradient as one call instead of "
        "``batch`` calls (miscounted oracle calls)",
        "ratecheck.problems.base:Oracle.stochastic_grad",
        "self.grad_calls += batch",
        "self.grad_calls += 1",
    ),
)


# --- applying a bug ----------------------------------------------------------------------------


def resolve_target(target: str) -> types.FunctionType:
    """The function object named by ``target``: "module.path:function" or
    "module.path:Class.method" (a plain function stored on the class; staticmethod and
    classmethod wrappers are unwrapped)."""
    module_name, sep, qualname = target.partition(":")
    if not sep or not qualname:
        raise ValueError(f"target '{target}' must be 'module.path:function' or 'module:Class.fn'")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        owner = obj
        static = inspect.isclass(owner)  # the class's own attribute, not a bound method
        obj = inspect.getattr_static(owner, part) if static else getattr(owner, part)
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if not isinstance(obj, types.FunctionType):
        raise ValueError(f"target '{target}' is not a Python function ({type(obj).__name__})")
    return obj


def _find_code(code: types.CodeType, name: str) -> types.CodeType | None:
    """The code object of the function ``name`` defined at the top of compiled ``code``."""
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and const.co_name == name:
            return const
    return None


def mutated_code(bug: Bug) -> tuple[types.FunctionType, types.CodeType]:
    """(target function, the code object of its bug-seeded version); ValueError naming the bug
    when ``find`` does not occur exactly once in the function's source, the edit does not
    compile, or the free variables change."""
    fn = resolve_target(bug.target)
    if getattr(fn.__code__, "co_filename", "").startswith("<seeded bug"):
        raise ValueError(f"bug {bug.name}: {bug.target} already has a seeded bug applied")
    source = textwrap.dedent(inspect.getsource(fn))
    count = source.count(bug.find)
    if count != 1:
        raise ValueError(
            f"bug {bug.name}: {bug.find!r} occurs {count} times in {bug.target}, not exactly once"
        )
    new_source = source.replace(bug.find, bug.replace)
    first_line = fn.__code__.co_firstlineno
    filename = f"<seeded bug {bug.name}: {bug.target}>"
    padded = "\n" * (first_line - 1) + new_source  # line numbers as in the real file
    try:
        module_code = compile(padded, filename, "exec")
    except SyntaxError as exc:
        message = f"bug {bug.name}: the edited {bug.target} does not compile: {exc}"
        raise ValueError(message) from exc
    code = _find_code(module_code, fn.__name__)
    if code is None:
        raise ValueError(f"bug {bug.name}: no function {fn.__name__} in the edited source")
    if code.co_freevars != fn.__code__.co_freevars:
        raise ValueError(
            f"bug {bug.name}: the edit changes the free variables of {bug.target} "
            f"({fn.__code__.co_freevars} → {code.co_freevars})"
        )
    if sys.version_info >= (3, 11):
        code = code.replace(co_qualname=fn.__code__.co_qualname)
    lines = padded.splitlines(keepends=True)
    linecache.cache[filename] = (len(padded), None, lines, filename)
    return fn, code


@contextlib.contextmanager
def applied(bug: Bug) -> Iterator[types.FunctionType]:
    """Within the block, the target function runs the bug-seeded code (everywhere it is
    referenced); its original ``__code__`` is restored on exit, also when the block raises.
    Yields the target function."""
    fn, code = mutated_code(bug)
    original = fn.__code__
    fn.__code__ = code
    _ACTIVE.add(bug.name)
    try:
        yield fn
    finally:
        fn.__code__ = original
        _ACTIVE.discard(bug.name)


_ACTIVE: set[str] = set()  # names of the bugs applied right now


# --- running the claims ------------------------------------------------------------------------


def theorem_claims() -> list[str]:
    """Every claim that is not a comparison and whose optional modules are installed."""
    import ratecheck

    return [c.id for c in ratecheck.all_claims() if c.kind != "comparison" and not c.missing]


def _verify_one(claim_id: str, seeds: int | None) -> tuple[str, str | None]:
    """(outcome, None) of one claim in quick mode, or ("raised", message) when it raises."""
    import ratecheck

    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            (verdict,) = ratecheck.verify([claim_id], quick=True, seeds=seeds)
    except Exception as exc:  # a bug may make a claim's code raise: that is a detection
        first = (str(exc).splitlines() or [""])[0]
        return "raised", f"{type(exc).__name__}: {first}"
    return verdict.outcome, None


_BASELINES: dict[tuple[tuple[str, ...], int | None], dict[str, str]] = {}


def baseline(claim_ids: Sequence[str] | None = None, seeds: int | None = None) -> dict[str, str]:
    """{claim id: outcome} without any bug ("raised" for a claim that raises), computed once
    per (claims, seeds) in this process."""
    if _ACTIVE:
        raise RuntimeError(f"baseline with a seeded bug applied: {', '.join(sorted(_ACTIVE))}")
    ids = tuple(claim_ids) if claim_ids else tuple(theorem_claims())
    key = (ids, seeds)
    if key not in _BASELINES:
        _BASELINES[key] = {i: _verify_one(i, seeds)[0] for i in ids}
    return dict(_BASELINES[key])


def run_bug(
    bug: Bug,
    claim_ids: Sequence[str] | None = None,
    seeds: int | None = None,
    reference: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Apply ``bug`` and verify the claims (default: :func:`theorem_claims`) in quick mode.

    Returns {"bug": name, "caught_by": [claim ids whose outcome differs from ``reference``
    (default: :func:`baseline`) or that raised], "raised": {claim id: message}, "outcomes":
    {claim id: outcome with the bug}, "wall_s": seconds}. A claim that raises without the
    bug too does not count as catching it.
    """
    ids = list(claim_ids) if claim_ids else theorem_claims()
    ref = dict(reference) if reference is not None else baseline(ids, seeds)
    start = time.perf_counter()
    caught, raised, outcomes = [], {}, {}
    with applied(bug):
        for claim_id in ids:
            outcome, message = _verify_one(claim_id, seeds)
            outcomes[claim_id] = outcome
            if message is not None:
                raised[claim_id] = message
            if outcome != ref.get(claim_id):
                caught.append(claim_id)
    return {
        "bug": bug.name,
        "caught_by": caught,
        "raised": raised,
        "outcomes": outcomes,
        "wall_s": time.perf_counter() - start,
    }


def describe(result: Mapping[str, Any]) -> str:
    """One line: the bug and the claims that caught it (or that none did)."""
    caught = result["caught_by"]
    who = ", ".join(caught) if caught else "NOT CAUGHT — a gap in the catalogue of claims"
    return f"{result['bug']}: {who} ({result['wall_s']:.1f} s)"


def benchmark(
    bugs: Sequence[Bug] = CATALOGUE,
    claim_ids: Sequence[str] | None = None,
    seeds: int | None = None,
    report: Callable[[str], Any] | None = print,
) -> dict[str, Any]:
    """Run every bug against the claims; {"baseline": {id: outcome}, "bugs": [run_bug
    results], "detection_rate": caught/total, "uncaught": [bug names]}. ``report`` gets one
    line per bug as it finishes (None: silent)."""
    ids = list(claim_ids) if claim_ids else theorem_claims()
    ref = baseline(ids, seeds)
    results = []
    for bug in bugs:
        result = run_bug(bug, ids, seeds, reference=ref)
        results.append(result)
        if report is not None:
            report(describe(result))
    uncaught = [r["bug"] for r in results if not r["caught_by"]]
    rate = (len(results) - len(uncaught)) / len(results) if results else float("nan")
    return {"baseline": ref, "bugs": results, "detection_rate": rate, "uncaught": uncaught}


def select(names: Sequence[str] | None) -> tuple[Bug, ...]:
    """The catalogue's bugs with these names (all for None); ValueError for an unknown name."""
    if not names:
        return CATALOGUE
    by_name = {b.name: b for b in CATALOGUE}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"unknown bug(s) {', '.join(unknown)}; valid: {', '.join(by_name)}")
    return tuple(by_name[n] for n in names)


def _names(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ratecheck.bench.seeded_bugs``: run the benchmark, print one line per bug,
    the detection rate and the uncaught bugs."""
    parser = argparse.ArgumentParser(
        prog="python -m ratecheck.bench.seeded_bugs",
        description="Seed plausible bugs in memory and report which quick-suite claims catch them.",
    )
    parser.add_argument("--seeds", type=int, default=None, help="seeds per grid point (fixed)")
    parser.add_argument("--claims", default="", help="comma-separated claim ids (default: all)")
    parser.add_argument("--bugs", default="", help="comma-separated bug names (default: all)")
    parser.add_argument("--json", metavar="FILE", help="write the whole result as JSON")
    parser.add_argument("--list", action="store_true", help="list the catalogue and exit")
    args = parser.parse_args(argv)
    if args.list:
        for b in CATALOGUE:
            print(f"{b.name}  [{b.target}]  {b.description}")
        return 0
    try:
        bugs = select(_names(args.bugs))
    except ValueError as exc:
        parser.error(str(exc))
    claims = _names(args.claims) or None
    result = benchmark(bugs, claims, args.seeds, report=lambda line: print(line, flush=True))
    n, caught = len(result["bugs"]), len(result["bugs"]) - len(result["uncaught"])
    print(f"detection rate: {caught}/{n} = {result['detection_rate']:.0%}")
    for name in result["uncaught"]:
        print(f"uncaught: {name} — a gap in the catalogue of claims")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
