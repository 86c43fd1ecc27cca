"""The heavy-tail claims: their SymPy exponents, the claim modules' records and helpers, and
their quick verification (run once per module)."""

import numpy as np
import pytest
import sympy as sp

import ratecheck
from ratecheck.claims.heavy_tail._chain import NOISE_LEVEL, checked_p, judge_within
from ratecheck.claims.heavy_tail.heavy_tail_noise import nuclear_norms
from ratecheck.claims.heavy_tail.transported_scion_complexity import drift_rate
from ratecheck.errors import UsageError
from ratecheck.theory import heavy_tail as th
from ratecheck.verify.context import Context, predicted_at
from ratecheck.verify.experiment import Settings
from ratecheck.verify.registry import get_claim, get_experiment

IDS = [
    "heavy-tail-noise",
    "lower-bound-dimension",
    "scion-heavy-tail-complexity",
    "lower-bound-eps",
    "transported-scion-complexity",
]


pytestmark = pytest.mark.quick_claims(*IDS)


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_exponents_are_sympy_functions_of_p():
    assert th.exponent_at(th.batched_exponent, 1.5) == 5
    assert th.exponent_at(th.batched_exponent, 2) == 4
    assert th.exponent_at(th.transported_exponent, 1.5) == 4.5
    assert th.exponent_at(th.transported_exponent, 2) == 3.5
    assert th.dimension_exponent(False) == 1 and th.dimension_exponent(True) == 0


def test_transported_schedules_reproduce_the_known_cases():
    """p = 2: batched 1 − β = K^{−1/2}, η ∝ K^{−3/4} (NSGD-M); transported K^{−4/7}, K^{−5/7}
    (NIGT); rates −1/4 and −2/7."""
    K = th.K_sym
    for transported, expected in (
        (False, (K ** sp.Rational(-1, 2), K ** sp.Rational(-3, 4))),
        (True, (K ** sp.Rational(-4, 7), K ** sp.Rational(-5, 7))),
    ):
        got = [sp.simplify(e.subs(th.p_sym, 2)) for e in th.schedule_in_K(transported)]
        assert all(sp.simplify(g - x) == 0 for g, x in zip(got, expected))
    assert th.rate_in_K(th.transported_exponent).subs(th.p_sym, 2) == sp.Rational(-2, 7)


def test_claim_modules_carry_the_records():
    for cid in IDS:
        c = get_claim(cid)
        module = get_experiment(cid).run.__module__
        assert module == f"ratecheck.claims.heavy_tail.{cid.replace('-', '_')}"
        assert c.family == "heavy_tail"  # the package (the theory records wrote "heavy-tail")
    # predictions in the grid symbol p, evaluated at the grid point
    eps_claim = get_claim("lower-bound-eps")
    assert predicted_at(eps_claim.predicted, {"p": 1.5}) == 5
    assert predicted_at(eps_claim.predicted, {"p": 2.0}) == 4
    tr = get_claim("transported-scion-complexity")
    assert predicted_at(tr.predicted, {"p": 1.5}) == pytest.approx(-2 / 9)
    assert predicted_at(tr.prediction_named("batched").expr, {"p": 2.0}) == -0.25
    assert th.exponent_at(drift_rate, 2) == pytest.approx(-1 / 7)
    assert get_claim("heavy-tail-noise").predicted == 0
    assert get_claim("lower-bound-dimension").predicted == 1


def test_exponents_are_judged_within_ten_percent():
    """|slope − e| ≤ 0.1·e: 5.4 holds against 5 (p = 3/2), 5.6 does not; against p = 2's
    exponent 4 the tolerance is 0.4."""
    c = get_claim("lower-bound-eps")
    ctx = Context(c, Settings(True, 1, np, "numpy"), {"p": (1.5,), "chain": (8,)})
    ok = judge_within(ctx, 5.4, method="m", where={"p": 1.5})
    bad = judge_within(ctx, 5.6, method="m", where={"p": 1.5})
    other = judge_within(ctx, 4.3, method="m", where={"p": 1.5}, role="control", p=2.0)
    assert (ok.kind, ok.predicted, ok.tolerance, ok.outcome()) == ("exponent", 5.0, 0.5, "holds")
    assert bad.outcome() == "refuted"
    assert (
        other.predicted == 4.0
        and other.tolerance == pytest.approx(0.4)
        and other.outcome() == "holds"
    )
    assert len(ctx.points_judged["claim"]) == 2 and len(ctx.points_judged["control"]) == 1


def test_nuclear_norm_of_a_rank_one_spike_is_its_radius():
    rng = np.random.default_rng(0)
    u, v = rng.standard_normal((2, 8))
    z = np.stack([3.0 * np.outer(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))])
    np.testing.assert_allclose(nuclear_norms(z), [3.0])


def test_only_prepared_moment_orders_are_accepted():
    assert checked_p((2.0, 1.5)) == [2.0, 1.5] and set(NOISE_LEVEL) == {1.5, 2.0}
    with pytest.raises(UsageError, match="no prepared instance"):
        ratecheck.verify(["lower-bound-eps"], quick=True, seeds=1, grid={"p": (1.75,)})
    with pytest.raises(UsageError, match="samples > 4·hill_k"):
        ratecheck.verify(["heavy-tail-noise"], quick=True, grid={"hill_k": (50_000,)})


def test_heavy_tail_noise_tail_index_and_gaussian_control(verdicts):
    v = verdicts["heavy-tail-noise"]
    hill = [p for p in v.result.points if "Hill" in p.label]
    moments = [p for p in v.result.points if "Monte Carlo" in p.label]
    assert len(hill) == len(moments) == 4
    assert all(p.outcome() == "holds" and p.tolerance == 0.15 for p in hill)
    assert all(p.tolerance == 0.25 and p.predicted == 0 for p in moments)
    # the Gaussian has no tail index near a: its Hill estimate is off by more than 10
    assert len(v.control.points) == 4 and all(p.measured > 10 for p in v.control.points)


def test_dimension_slope_and_shared_control(verdicts):
    v = verdicts["lower-bound-dimension"]
    (claim,), (control,) = v.result.points, v.control.points
    assert v.control.refuted  # the claim's own outcome is in test_every_claim (inconclusive)
    assert abs(claim.measured - 1) <= 0.15 and claim.ci_low <= claim.measured <= claim.ci_high
    assert abs(control.measured) < 0.3  # q independent of r: no growth in r


def test_eps_exponents_and_noiseless_control(verdicts):
    v = verdicts["scion-heavy-tail-complexity"]
    assert v.control.refuted  # the claim's own outcome is in test_every_claim (inconclusive)
    assert sorted(p.predicted for p in v.result.points) == [4.0, 5.0]
    for p in v.result.points + v.control.points:
        assert p.kind == "exponent" and p.tolerance == pytest.approx(0.1 * p.predicted)
    v = verdicts["lower-bound-eps"]
    assert v.result.holds and v.control.refuted
    assert {p.method for p in v.result.points} == {"p = 1.5/Scion", "p = 1.5/momentum SGD"}
    (noiseless,) = v.control.points
    assert abs(noiseless.measured - 2) < 0.1  # N ≈ T ∝ ε^{−2} without noise


def test_transported_beats_batched(verdicts):
    """The claim holds; its control (no transport, judged against the transported rate) is
    never supported, and its point estimate lies outside the band. Whether its interval clears
    the band decides refuted or inconclusive, and that differs by machine in quick mode
    (tests/verify/test_every_claim.py, MACHINE_DEPENDENT)."""
    v = verdicts["transported-scion-complexity"]
    assert v.result.holds and not v.control.holds
    (control,) = v.control.points
    assert abs(control.measured - control.predicted) > control.tolerance
    transported, batched, separation = v.result.points
    assert transported.predicted == pytest.approx(-2 / 7) and batched.predicted == -0.25
    assert separation.kind == "upper" and separation.measured < 0
    assert transported.ci_high < batched.ci_low
