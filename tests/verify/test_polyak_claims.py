"""Each Polyak claim's quick verification, run once per module: the claim passes, its control
fails, and the measured values meet the foundation issue's acceptance figures."""

import numpy as np
import pytest

import ratecheck

IDS = ["hb-quadratic-rate", "hb-acceleration", "hb-polyak-transient", "hb-not-global"]


pytestmark = pytest.mark.quick_claims(*IDS)


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_heavy_ball_rate_matches_sqrt_beta(verdicts):
    v = verdicts["hb-quadratic-rate"]
    rates = [p for p in v.result.points if p.kind == "linear-rate"]
    assert len(rates) == 3
    for p in rates:
        assert abs(p.measured - p.predicted) <= 1e-3 * p.predicted
    # the envelope C₀β^{t/2} is judged at the step where the stacked error comes closest to it
    envelopes = [p for p in v.result.points if p.kind == "upper"]
    assert len(envelopes) == 3 and all(0 < p.measured <= p.predicted for p in envelopes)
    # control: GD is judged against √β and the envelope and must fail at every κ
    assert not any(p.outcome() == "holds" for p in v.control.points)
    assert all(p.measured > p.predicted for p in v.control.points if p.kind == "upper")


def _rows(quick_verdicts, claim_id):
    """The stored rows of a claim verified by ``quick_verdicts``."""
    from ratecheck.verify.store import read_results

    rows, _ = read_results(quick_verdicts.folders[claim_id])
    return [r for r in rows if r["claim"] == claim_id]


def test_envelope_curve_bounds_every_step(verdicts, quick_verdicts):
    """The predicted rows drawn from the SymPy envelope lie above heavy ball's stacked error
    at every stored step, and below GD's somewhere."""
    rows = _rows(quick_verdicts, "hb-quadratic-rate")
    bound = {(r["x"], r["t"]): r["value"] for r in rows if r["role"] == "predicted"}
    assert {r["method"] for r in rows if r["role"] == "predicted"} == {"C0*beta^(t/2)"}
    hb = [r for r in rows if r["method"] == "heavy-ball" and r["metric"] == "stacked_error"]
    gd = [r for r in rows if r["method"] == "gd" and r["metric"] == "stacked_error"]
    assert hb and gd and {r["role"] for r in gd} == {"control"}
    assert all(r["value"] <= bound[r["x"], r["t"]] for r in hb)
    assert any(r["value"] > bound[r["x"], r["t"]] for r in gd)


def test_acceleration_slopes(verdicts):
    hb, gd = verdicts["hb-acceleration"].result.points
    assert abs(hb.measured - 0.5) <= 0.05 and hb.predicted == 0.5
    assert abs(gd.measured - 1.0) <= 0.05 and gd.predicted == 1.0
    assert hb.ci_low <= hb.measured <= hb.ci_high


def test_polyak_transient_exact(verdicts, quick_verdicts):
    v = verdicts["hb-polyak-transient"]
    assert len(v.result.points) == len(v.control.points) == 2
    for p in v.result.points:  # judged at the step farthest from the prediction
        assert p.predicted > 0 and abs(p.measured / p.predicted - 1) <= 1e-6
    assert all(p.measured / p.predicted > 100 for p in v.control.points)  # ρ^t misses (1+(1+ρ)t)
    # at every stored step the worst direction equals the predicted curve (1 + (1+ρ)t)ρ^t
    rows = _rows(quick_verdicts, "hb-polyak-transient")
    curve = {(r["x"], r["t"]): r["value"] for r in rows if r["method"] == "(1+(1+rho)t)rho^t"}
    measured = [r for r in rows if r["role"] == "claim"]
    assert measured and all(abs(r["value"] / curve[r["x"], r["t"]] - 1) <= 1e-6 for r in measured)


def test_lrp_cycle_reached(verdicts, quick_verdicts):
    v = verdicts["hb-not-global"]
    assert v.result.points[0].measured < 1e-4 and v.result.points[0].predicted == 0
    assert v.control.points[0].measured > 1  # the quadratic converges: far from the cycle
    np.testing.assert_allclose(sorted(v.extra["cycle"]), [-1.8024, 0.6465, 2.1159], atol=1e-4)
    rows = _rows(quick_verdicts, "hb-not-global")  # |x_t| for t ≤ 300, every early step
    for role in ("claim", "control"):
        steps = {r["t"] for r in rows if r["role"] == role and r["metric"] == "abs_x"}
        assert set(range(50)) <= steps and max(steps) == 300
        starts = [
            r["value"] for r in rows if (r["role"], r["metric"], r["t"]) == (role, "abs_x", 0)
        ]
        assert len(starts) == 4 and all(3.07 <= x <= 3.46 for x in starts)
    assert {(r["param"], r["x"]) for r in rows} == {("start", 0.0)}


def test_same_seed_same_numbers_bit_for_bit():
    a = ratecheck.verify(["hb-quadratic-rate"], quick=True, seeds=2, grid={"kappa": (10.0,)})
    b = ratecheck.verify(["hb-quadratic-rate"], quick=True, seeds=2, grid={"kappa": (10.0,)})
    ra, rb = a[0].record(), b[0].record()
    for key in ("points", "control_points"):
        assert ra[key] == rb[key]  # exact equality of every measured float


def test_more_seeds_keep_the_first_seeds(tmp_path):
    """Seed i sees the same problem whether 2 or 4 seeds run (streams spawned by index)."""
    from ratecheck.verify.store import read_results

    for n in (2, 4):
        ratecheck.verify(
            ["hb-polyak-transient"],
            quick=True,
            seeds=n,
            grid={"kappa": (100.0,)},
            out=tmp_path / str(n),
        )
    rows2 = [r for r in read_results(tmp_path / "2")[0] if r["role"] == "claim"]
    rows4 = [r for r in read_results(tmp_path / "4")[0] if r["role"] == "claim" and r["seed"] < 2]
    assert rows2 == rows4


def test_records_are_json(verdicts, tmp_path):
    from ratecheck.verify.store import write_verdicts

    write_verdicts(tmp_path / "v.json", [v.record() for v in verdicts.values()], {})
    assert (tmp_path / "v.json").stat().st_size > 100
