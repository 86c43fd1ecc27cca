"""Any torch.optim.Optimizer runs on the testbed's problems through optimizer_method, and gives
the numbers of the matching ratecheck solver."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ratecheck.backend import namespace  # noqa: E402
from ratecheck.problems import quadratic  # noqa: E402
from ratecheck.seeding import Streams  # noqa: E402
from ratecheck.solvers import gd, heavy_ball  # noqa: E402
from ratecheck.torch.adapter import optimizer_method  # noqa: E402
from ratecheck.verify.runner import run  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "torch_optimizer_rate.py"


def _problem():
    return quadratic(30.0, 8, Streams("adapter", {"kappa": 30.0}, 3), namespace("numpy"))


def test_torch_sgd_follows_gradient_descent():
    ours = run(gd(0.5), _problem(), 200, checkpoints="all")
    theirs = run(
        optimizer_method(lambda p: torch.optim.SGD(p, lr=0.5)), _problem(), 200, checkpoints="all"
    )
    np.testing.assert_allclose(theirs.metrics["dist"], ours.metrics["dist"], rtol=1e-12)
    assert list(theirs.grad_calls) == list(ours.grad_calls)


def test_torch_momentum_follows_heavy_ball():
    """torch's v ← βv + g, p ← p − lr·v is heavy ball x − η∇f + β(x − x_prev) with η = lr."""
    ours = run(heavy_ball(0.5, 0.6), _problem(), 200, checkpoints="all")
    make = lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.6)  # noqa: E731
    theirs = run(optimizer_method(make), _problem(), 200, checkpoints="all")
    np.testing.assert_allclose(theirs.metrics["dist"], ours.metrics["dist"], rtol=1e-9)


def test_a_diverging_torch_optimizer_is_recorded_as_diverged():
    tr = run(optimizer_method(lambda p: torch.optim.SGD(p, lr=5.0)), _problem(), 3000)
    assert list(tr.status) == ["diverged"] * 3


def test_the_torch_example_measures_what_gradient_descent_gives(ratecheck_check):
    spec = importlib.util.spec_from_file_location("torch_optimizer_rate", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    verdict = ratecheck_check(module.torch_optimizer_rate, quick=True)
    assert [p.where for p in verdict.result.points] == [{"kappa": 10}, {"kappa": 100}]
    assert {p.method for p in verdict.result.points} == {"PlainSGD"}
    assert verdict.control.refuted
    from ratecheck.verify.estimators import linear_rate

    for point in verdict.result.points:  # the same streams through our own GD solver
        k = point.where["kappa"]
        streams = Streams("example-torch-optimizer-rate", point.where, verdict.seeds)
        problem = quadratic(k, 16, streams, namespace("numpy"), centered=True)
        steps = int(20 * k)
        tr = run(gd(1.0), problem, steps, checkpoints="all")
        direct = linear_rate(tr.steps, tr.metrics["dist"], (steps // 2, steps)).value
        assert point.measured == pytest.approx(direct, rel=1e-9)
