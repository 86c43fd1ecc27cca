"""The contract every built-in claim gets for free (optax's and benchopt's style: one table of
claims, every claim gets every test).

- its module is ``ratecheck/claims/<family>/<claim_id>.py`` and defines that one claim;
- its record declares a source, a statement, provenance with valid labels, an experiment and a
  control in words, and its run function has a docstring;
- every prediction (the claim's, each named one, the control's) evaluates to a finite number at
  every quick and full grid point, and a ``--grid`` override moves it accordingly;
- its random streams are distinct across all grid points, and adding a grid value leaves the
  other points' streams as they were;
- in quick mode, every judged point names its method and its grid point, and its predicted value
  is the declared prediction evaluated there (no literal predictions).
"""

from __future__ import annotations

import inspect
import itertools
import math

import numpy as np
import pytest
import sympy as sp

import ratecheck
from ratecheck.theory.claim import LABELS
from ratecheck.verify.context import Context, predicted_at
from ratecheck.verify.experiment import Settings
from ratecheck.verify.registry import get_experiment

BUILTIN = [c for c in ratecheck.all_claims() if c.family != "user"]
IDS = [c.id for c in BUILTIN]
CURVE_SYMBOL = "t"  # the one symbol a prediction may have beyond the grid: the iteration of a curve


def expressions(claim) -> dict[str, sp.Basic]:
    """Every prediction of a claim by the name a judged point records."""
    out = {"": claim.predicted}
    out.update({name: p.expr for name, p in claim.predictions})
    if claim.control_prediction is not None:
        out["control"] = claim.control_prediction
    return out


def grid_points(claim, quick: bool) -> list[dict]:
    experiment = get_experiment(claim.id)
    values = experiment.values(Settings(quick, 1, None, "numpy"))
    names = list(values)
    return [dict(zip(names, combo)) for combo in itertools.product(*values.values())]


def evaluate(expression: sp.Basic, where: dict, **symbols) -> list[float]:
    """The entries of a prediction (a number, or a matrix of numbers) at a grid point."""
    if isinstance(expression, sp.MatrixBase):
        return [float(predicted_at(e, where, **symbols)) for e in expression]
    return [float(predicted_at(expression, where, **symbols))]


@pytest.mark.parametrize("cid", IDS)
def test_one_module_per_claim(cid):
    claim = ratecheck.get_claim(cid)
    run = inspect.unwrap(get_experiment(cid).run)
    assert run.__module__ == f"ratecheck.claims.{claim.family}.{cid.replace('-', '_')}"
    module = inspect.getmodule(run)
    defined = [v for v in vars(module).values() if isinstance(v, ratecheck.Claim)]
    assert [c.id for c in defined] == [cid]


@pytest.mark.parametrize("cid", IDS)
def test_record_declares_provenance_control_and_a_documented_run(cid):
    claim = ratecheck.get_claim(cid)
    assert claim.source and claim.statement and claim.experiment and claim.control
    assert claim.provenance and all(p.label in LABELS for p in claim.provenance)
    doc = inspect.getdoc(inspect.unwrap(get_experiment(cid).run)) or ""
    assert len(doc.split()) >= 20, f"{cid}: the run function's docstring tells too little"


@pytest.mark.parametrize("quick", [True, False], ids=["quick", "full"])
@pytest.mark.parametrize("cid", IDS)
def test_every_prediction_evaluates_at_every_grid_point(cid, quick):
    """Symbols beyond the grid's axes are a curve's t or declared with the claim (``symbols``,
    supplied by the run when it judges): at every grid point the rest substitutes, and a
    prediction in the grid's symbols (and t) alone evaluates to finite numbers."""
    claim = ratecheck.get_claim(cid)
    axes = {a.name for a in get_experiment(cid).grid}
    declared = {name for name, _ in claim.symbols}
    for name, expression in expressions(claim).items():
        extra = {s.name for s in expression.free_symbols} - axes - {CURVE_SYMBOL}
        assert extra <= declared, f"{cid} prediction {name!r} needs undeclared {extra}"
        for where in grid_points(claim, quick):
            if extra:
                numeric = {k: v for k, v in where.items() if not isinstance(v, str)}
                rest = sp.sympify(expression).subs(numeric).free_symbols
                assert {s.name for s in rest} <= extra | {CURVE_SYMBOL}, (cid, name, where)
                continue
            values = evaluate(expression, where, **{CURVE_SYMBOL: 10.0})
            assert all(math.isfinite(v) for v in values), (cid, name, where, values)


def _moved_value(axis, value):
    """Another allowed value of a numeric axis near ``value``."""
    for candidate in (value * 1.5, value + 0.5, value * 2 + 1):
        try:
            axis.check((candidate,))
            if candidate != value:
                return candidate
        except ratecheck.errors.UsageError:
            continue
    return None


GRID_DEPENDENT = [
    (c.id, a.name)
    for c in BUILTIN
    for a in get_experiment(c.id).grid
    if not a.categorical
    and any(s.name == a.name for e in expressions(c).values() for s in e.free_symbols)
]


@pytest.mark.parametrize(("cid", "axis_name"), GRID_DEPENDENT)
def test_a_grid_override_moves_the_prediction(cid, axis_name):
    """--grid NAME=V: the run's Context evaluates every prediction at V (checked against SymPy's
    own substitution), and at least one of them differs from its value at the default grid."""
    claim, experiment = ratecheck.get_claim(cid), get_experiment(cid)
    axis = next(a for a in experiment.grid if a.name == axis_name)
    default = axis.quick[0]
    moved = _moved_value(axis, default)
    settings = Settings(True, 1, None, "numpy", overrides={axis_name: (moved,)})
    ctx = Context(claim, settings, experiment.values(settings))
    where = next(ctx.points())
    assert where[axis_name] == moved
    symbols = {CURVE_SYMBOL: 10.0}
    moves = []
    for name, expression in expressions(claim).items():
        if isinstance(expression, sp.MatrixBase) or axis_name not in {
            s.name for s in expression.free_symbols
        }:
            continue
        values = {**where, **symbols}
        direct = float(expression.subs({s: values[s.name] for s in expression.free_symbols}))
        if name == "control":
            got = predicted_at(ctx.control_prediction, where, **symbols)
        else:
            got = ctx.predicted(where, name or None, **symbols)
        assert got == pytest.approx(direct, rel=1e-12)
        before = predicted_at(expression, {**where, axis_name: default}, **symbols)
        moves.append(not math.isclose(got, before, rel_tol=1e-12))
    assert any(moves), f"{cid}: moving {axis_name} from {default} to {moved} moved nothing"


@pytest.mark.parametrize("cid", IDS)
def test_streams_are_distinct_across_grid_points_and_stable_under_new_values(cid):
    claim = ratecheck.get_claim(cid)
    experiment = get_experiment(cid)
    for quick in (True, False):
        settings = Settings(quick, 2, None, "numpy")
        ctx = Context(claim, settings, experiment.values(settings))
        first = [ctx.streams(where).problem[0].random() for where in ctx.points()]
        assert len(set(first)) == len(first)
    numeric = [a for a in experiment.grid if not a.categorical]
    if numeric:  # one more value on an axis: the old points keep their numbers
        axis = numeric[0]
        extra = _moved_value(axis, max(v for v in axis.quick))
        settings = Settings(True, 2, None, "numpy")
        wider = Settings(True, 2, None, "numpy", overrides={axis.name: (*axis.quick, extra)})
        old = Context(claim, settings, experiment.values(settings))
        new = Context(claim, wider, experiment.values(wider))
        before = {str(w): old.streams(w).init[1].random() for w in old.points()}
        after = {str(w): new.streams(w).init[1].random() for w in new.points()}
        assert all(after[k] == v for k, v in before.items())


# the network claims' points are checked in tests/test_comparisons.py and
# tests/claims/test_nn_lr_transfer.py, on tiny grids
THEOREM_CLAIMS = [c.id for c in BUILTIN if not c.missing and c.family != "workloads"]


@pytest.mark.parametrize(
    "cid", [pytest.param(c, marks=pytest.mark.quick_claims(c)) for c in THEOREM_CLAIMS]
)
def test_every_judged_point_names_its_method_and_its_declared_prediction(quick_verdicts, cid):
    verdict = quick_verdicts([cid])[cid]
    claim = verdict.claim
    declared = expressions(claim)
    points = verdict.result.points + verdict.control.points
    assert points
    for p in points:
        assert p.method, f"{cid}: the point {p.label!r} names no method"
        assert p.prediction in declared, f"{cid}: {p.label!r} judged against {p.prediction!r}"
        expression = declared[p.prediction]
        if {s.name for s in expression.free_symbols} - set(p.where):
            continue  # evaluated along an array of a further symbol (a curve's t)
        values = evaluate(expression, p.where)
        assert np.any(np.isclose(p.predicted, values, rtol=1e-12, atol=0)), (cid, p.label)
