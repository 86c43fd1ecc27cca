"""The LMO-layer claims in quick mode: each passes and its control fails; their oracle checks
catch wrong oracles directly."""

import numpy as np
import pytest

import ratecheck
from ratecheck.claims.lmo.lmo_identities import (
    identity_norms,
    mutated_norms,
    operator_norm,
    worst_violation,
)
from ratecheck.claims.lmo.newton_schulz_accuracy import measured_band, prescribed
from ratecheck.seeding import Streams
from ratecheck.solvers import norms as nm

IDS = ["lmo-identities", "newton-schulz-accuracy", "lmo-momentum-rate"]


pytestmark = pytest.mark.quick_claims(*IDS)


@pytest.fixture(scope="module")
def verdicts(quick_verdicts):
    return quick_verdicts(IDS)


def test_identities_at_machine_precision_and_every_mutation_caught(verdicts):
    v = verdicts["lmo-identities"]
    assert len(v.result.points) == len(identity_norms())
    assert max(p.measured for p in v.result.points) <= 1e-12
    assert {p.where["mutation"] for p in v.control.points} == set(mutated_norms())
    assert all(p.measured > 1e-3 for p in v.control.points)  # each mutation is detected


def test_identity_checks_reject_each_mutation_directly():
    """One seed, outside the claim run: the exact oracles hold, every mutated one fails."""
    streams = Streams("test-lmo-identities", {"case": "direct"}, 1)
    for name in ("l1", "nuclear", "product(spectral[rms_rms,svd], colnorm, sign)"):
        assert worst_violation(*identity_norms()[name][:2], streams, np) <= 1e-12, name
    for name, (norm, shape, definition) in mutated_norms().items():
        assert worst_violation(norm, shape, streams, np, definition) > 1e-3, name
    inverted, shape, rms_rms = mutated_norms()["spectral scale inverted throughout"]
    assert worst_violation(inverted, shape, streams, np) <= 1e-12  # consistent: only its
    assert worst_violation(inverted, shape, streams, np, rms_rms) > 0.1  # definition fails


@pytest.mark.parametrize(
    ("domain", "codomain"),
    [(a, b) for a in ("1", "2", "rms") for b in ("2", "rms", "inf")],
)
def test_operator_norms_are_the_supremum_of_their_definition(domain, codomain):
    """sup_{‖z‖_a = 1} ‖Wz‖_b: no sampled z exceeds the value, and a maximizer attains it."""
    rng = np.random.default_rng(0)
    for W in (rng.standard_normal((5, 3)), rng.standard_normal((3, 5))):  # tall and wide
        _check_supremum(W, domain, codomain, rng)


def _check_supremum(W, domain, codomain, rng):
    value = operator_norm(W[None], domain, codomain)[0]
    norm_a = {"1": lambda z: np.abs(z).sum(), "2": np.linalg.norm}
    norm_a["rms"] = lambda z: np.linalg.norm(z) / np.sqrt(z.size)
    norm_b = {**norm_a, "inf": lambda z: np.abs(z).max()}
    probes = [*rng.standard_normal((4000, W.shape[1])), *np.eye(W.shape[1])]
    ratios = [norm_b[codomain](W @ z) / norm_a[domain](z) for z in probes]
    assert max(ratios) <= value * (1 + 1e-12)
    if domain == "1":  # the supremum is attained at a vertex ±e_j
        assert max(ratios) == pytest.approx(value, rel=1e-12)
    else:  # attained at the top right singular vector, or along the largest row
        largest_row = W[np.argmax(np.linalg.norm(W, axis=1))]
        top = np.linalg.svd(W)[2][0] if codomain != "inf" else largest_row
        assert norm_b[codomain](W @ top) / norm_a[domain](top) == pytest.approx(value, rel=1e-12)


def test_an_operator_norm_outside_the_implemented_ones_is_an_error():
    with pytest.raises(ValueError, match="operator norm inf→2 is not implemented; domains: 1, 2"):
        operator_norm(np.eye(2)[None], "inf", "2")


def test_newton_schulz_band_is_measured_not_assumed(verdicts):
    v = verdicts["newton-schulz-accuracy"]
    lows = [p for p in v.result.points if p.label.endswith("band low")]
    assert [p.method for p in lows] == ["ns5", "ns5", "dion"]
    assert all(abs(p.measured / p.predicted - 1) < 1e-3 for p in lows)
    assert lows[0].predicted == lows[1].predicted  # more steps do not shrink the band
    bias = [p for p in v.result.points if p.label.startswith("dual bias")]
    assert {p.kind for p in bias} == {"upper", "lower"}
    svd = v.control.points[0]
    assert svd.method == "svd" and abs(svd.measured - 1) < 1e-12  # exact, hence rejected


def test_exact_svd_band_is_one_on_prescribed_inputs():
    targets = np.geomspace(0.01, 1.0, 20)
    U, s, V = prescribed(Streams("test-ns", {"case": "band"}, 2), targets, (8, 6))
    lo, hi, _ = measured_band(lambda G: -nm.Spectral().lmo(G), U, s, V, np)
    assert lo == pytest.approx(1, abs=1e-12) and hi == pytest.approx(1, abs=1e-12)
    lo, hi, _ = measured_band(nm.newton_schulz, U, s, V, np)
    assert 0.6 < lo < 0.99 and 1.01 < hi < 1.2  # ns5 is not the exact oracle


def test_the_band_covers_the_wide_branch_and_keeps_its_nan():
    """The transposed (wide) inputs take Newton–Schulz's other branch: an oracle that fails
    only on wide matrices makes the band NaN (inconclusive), never the tall inputs' band."""
    from ratecheck.claims.lmo.newton_schulz_accuracy import tall_and_wide_band

    targets = np.geomspace(0.01, 1.0, 20)
    U, s, V = prescribed(Streams("test-ns", {"case": "band"}, 2), targets, (8, 6))
    tall, wide = (
        measured_band(nm.newton_schulz, U, s, V, np),
        measured_band(nm.newton_schulz, V, s, U, np),
    )
    assert tall[0] == pytest.approx(wide[0], rel=1e-9) and tall[1] == pytest.approx(wide[1])

    def tall_only(G):
        out = nm.newton_schulz(G)
        return out if G.shape[-2] >= G.shape[-1] else np.full_like(out, np.nan)

    assert all(np.isnan(tall_and_wide_band(tall_only, U, s, V, np)))


def test_momentum_slope_and_no_momentum_floor(verdicts):
    v = verdicts["lmo-momentum-rate"]
    assert {p.where["geometry"] for p in v.result.points} == {"l2", "linf", "spectral"}
    assert {p.method.split("/")[1] for p in v.result.points} == {"momentum"}  # quick: no det.
    assert {p.method.split("/")[1] for p in v.control.points} == {"no-momentum"}
    assert any(abs(p.measured - p.predicted) > p.tolerance for p in v.control.points)
    linf = next(p for p in v.control.points if p.where["geometry"] == "linf")
    assert abs(linf.measured) < 0.1  # the ℓ∞ run without momentum stalls at its floor


def test_full_mode_judges_the_deterministic_schedule_against_its_own_exponent():
    (v,) = ratecheck.verify(
        ["lmo-momentum-rate"], quick=False, seeds=2, grid={"K": (1000, 3162), "geometry": ("l2",)}
    )
    (det,) = [p for p in v.result.points if p.method == "l2/deterministic"]
    assert det.predicted == pytest.approx(-0.5) and det.kind == "exponent"
    assert np.isfinite(det.measured) and det.measured < -0.3
    named = v.claim.prediction_named("deterministic")
    assert float(named.expr) == pytest.approx(-0.5)


def test_records_are_json(verdicts, tmp_path):
    from ratecheck.verify.store import write_verdicts

    write_verdicts(tmp_path / "v.json", [v.record() for v in verdicts.values()], {})
    assert (tmp_path / "v.json").stat().st_size > 100
