"""ratecheck's Scion and Muon reproduce the public implementations iterate by iterate (float64).

The reference side is a NumPy float64 transcription, written for this test (no file is copied),
of the update rules in

- LIONS-EPFL/scion, commit f58a393e010395a5913176be5673d8839caa6285, ``scion.py``:
  ``ColNorm.lmo``, ``RowNorm.lmo``, ``BiasRMS.lmo``, ``Sign.lmo``, ``Spectral.lmo``,
  ``zeropower_via_newtonschulz5`` and ``Scion.step``;
- KellerJordan/Muon, commit 857d1adc159e098212f828d927460782d3da59e9, ``muon.py``:
  ``zeropower_via_newtonschulz5``, ``muon_update`` and ``SingleDeviceMuon.step`` (``Muon.step``
  is the same per-parameter rule behind an all_gather).

Their conventions are kept in the transcription: ``Norm.lmo`` returns the direction *aligned*
with g and the step subtracts ``lr * scale * Norm.lmo(buf)`` (ratecheck's lmo is its negative,
reference/conventions.md §2); Scion's ``momentum`` m is the weight on the new gradient
(α = m), Muon's ``momentum`` β the weight on the old buffer (α = 1 − β) (conventions.md §3).
The eps constants are theirs: 1e-8 in the ColNorm/RowNorm/BiasRMS denominators and 1e-7 in the
Newton–Schulz pre-normalization.

What cannot be reproduced: both implementations cast to bfloat16 inside Newton–Schulz
(``X = G.bfloat16()``). NumPy has no bfloat16, so the transcription runs NS in float64, and
ratecheck is compared with ``method="ns5"`` (the same iteration, also in float64).

Tolerances. Sign and Spectral have no eps on either side: rtol 1e-10. ratecheck's exact
ColNorm/RowNorm/BiasRMS omit the 1e-8, which changes each LMO by a relative 1e-8/rms(buffer);
with momentum 0.1 the zero-initialized buffer starts at 0.1·g, so the change is ~10× larger
early on, and 20 steps of lr·scale = 0.15 accumulate it to at most ~5e-7 on O(1) iterates. The
faithful comparison therefore uses rtol 1e-6, atol 2e-6; a wrong scaling, sign or momentum
mapping moves the iterates by 1e-3 or more (the controls below). The same comparison with the
transcription's eps set to 0 agrees to rtol 1e-10, so eps is the only difference. Each test
records its max abs and max (Frobenius-)relative iterate difference with ``record_property``
(``pytest --junitxml=...`` shows them).

The transcription was checked once, outside this repository, against the real ``scion.py`` and
``muon.py`` run in torch float64 with the bfloat16 cast patched out, on the problems of this
file: the iterates agreed to 1.2e-13 or better.
"""

import builtins
import math

import numpy as np
import pytest

from ratecheck.solvers import muon, scion, uscg
from ratecheck.solvers import norms as nm

STEPS = 20
SEEDS = 2
EXACT = {"rtol": 1e-10, "atol": 1e-12}  # same arithmetic up to round-off
EPS_LEVEL = {"rtol": 1e-6, "atol": 2e-6}  # the public 1e-8 denominators vs ratecheck's exact ones


# --- reference: float64 transcription of the public code ---------------------------------------


def zeropower_via_newtonschulz5(G, steps=5):
    """scion.py / muon.py ``zeropower_via_newtonschulz5`` (identical bar batching), in float64.

    Their first line is ``X = G.bfloat16()``; here X stays float64.
    """
    a, b, c = (3.4445, -4.7750, 2.0315)
    X = G
    if G.shape[-2] > G.shape[-1]:
        X = X.T
    X = X / (np.linalg.norm(X) + 1e-7)  # Frobenius norm
    for _ in range(steps):
        A = X @ X.T
        B = b * A + c * A @ A
        X = a * X + B @ X
    if G.shape[-2] > G.shape[-1]:
        X = X.T
    return X


def colnorm_lmo(g, normalized=False, transpose=False, eps=1e-8):
    """scion.py ``ColNorm.lmo``."""
    if transpose:
        g = g.T
    rms_values = 1 / math.sqrt(g.shape[0]) * np.sqrt(np.sum(g**2, axis=0, keepdims=True))
    if normalized:
        rms_values = rms_values * g.shape[1]
    g = g / (rms_values + eps)
    return g.T if transpose else g


def rownorm_lmo(g, normalized=True, transpose=False, eps=1e-8):
    """scion.py ``RowNorm.lmo``."""
    if transpose:
        g = g.T
    rms_values = np.sqrt(np.sum(g**2, axis=-1, keepdims=True))
    if normalized:
        rms_values = rms_values * math.sqrt(g.shape[-1])
    g = g / (rms_values + eps)
    return g.T if transpose else g


def biasrms_lmo(g, eps=1e-8):
    """scion.py ``BiasRMS.lmo`` (a 1-D bias)."""
    rms_values = np.sqrt(np.mean(g**2, axis=0, keepdims=True))
    return g / (rms_values + eps)


def sign_lmo(g, normalized=True, eps=None):
    """scion.py ``Sign.lmo`` (no eps; ``zero_init`` only affects ``init``)."""
    _d_out, d_in = g.shape
    return (1 / d_in) * np.sign(g) if normalized else np.sign(g)


def spectral_lmo(g, max=False, normalized=True, steps=5, eps=None):  # ``max``: their keyword
    """scion.py ``Spectral.lmo``."""
    g = zeropower_via_newtonschulz5(g.reshape(len(g), -1), steps=steps).reshape(g.shape)
    d_out, d_in = g.shape
    scale = (d_out / d_in) ** 0.5 if normalized else d_out**0.5
    if max:
        scale = builtins.max(1, scale)
    return g * scale


NORM_DICT = {  # scion.py ``norm_dict``
    "ColNorm": colnorm_lmo,
    "RowNorm": rownorm_lmo,
    "BiasRMS": biasrms_lmo,
    "Sign": sign_lmo,
    "Spectral": spectral_lmo,
}


def scion_reference(x0, grad, groups, lr, momentum, unconstrained, steps=STEPS, eps=1e-8):
    """scion.py ``Scion.step`` applied ``steps`` times to one seed's parameters.

    ``groups[i] = (norm, norm_kwargs, scale)`` is parameter i's group; ``grad(k, params)`` the
    k-th gradient. ``eps`` replaces the 1e-8 of ColNorm/RowNorm/BiasRMS (0: the exact LMO).
    """
    params = [p.copy() for p in x0]
    state = [{} for _ in params]
    trajectory = [[p.copy() for p in params]]
    for k in range(steps):
        grads = grad(k, params)
        for i, (p, g, (norm, norm_kwargs, scale)) in enumerate(zip(params, grads, groups)):
            if momentum != 1:
                if "momentum_buffer" not in state[i]:
                    state[i]["momentum_buffer"] = np.zeros_like(g)
                buf = state[i]["momentum_buffer"]
                buf *= 1 - momentum
                buf += momentum * g
                g = buf
            update = scale * NORM_DICT[norm](g, **norm_kwargs, eps=eps)
            if not unconstrained:
                p *= 1 - lr
            p -= lr * update
        trajectory.append([p.copy() for p in params])
    return trajectory


def muon_update(grad, momentum, beta=0.95, ns_steps=5, nesterov=True):
    """muon.py ``muon_update``; ``momentum`` is the buffer, updated in place as in torch.

    torch's ``grad.lerp_(momentum, beta)`` also overwrites p.grad; the gradient here is fresh
    each step (as after ``zero_grad``), so that side effect cannot change the iterates.
    """
    momentum += (1 - beta) * (grad - momentum)  # momentum.lerp_(grad, 1 - beta)
    update = grad + beta * (momentum - grad) if nesterov else momentum  # grad.lerp_(m, beta)
    update = zeropower_via_newtonschulz5(update, steps=ns_steps)
    return update * max(1, grad.shape[-2] / grad.shape[-1]) ** 0.5


def muon_reference(x0, grad, lr, weight_decay, beta, nesterov, steps=STEPS, decay_first=True):
    """muon.py ``SingleDeviceMuon.step`` (= ``Muon.step`` on one rank) applied ``steps`` times.

    ``Muon.step`` calls ``muon_update`` without ``nesterov``, so the optimizer class is always
    Nesterov; ``nesterov=False`` is ``muon_update``'s keyword. ``decay_first=False`` is a
    deliberately wrong variant (decay after the update), used only as a control.
    """
    params = [p.copy() for p in x0]
    bufs = [np.zeros_like(p) for p in params]
    trajectory = [[p.copy() for p in params]]
    for k in range(steps):
        grads = grad(k, params)
        for p, g, buf in zip(params, grads, bufs):
            update = muon_update(g, buf, beta=beta, nesterov=nesterov)
            if decay_first:
                p *= 1 - lr * weight_decay  # p.mul_(1 - lr * weight_decay)
                p -= lr * update.reshape(p.shape)  # p.add_(update, alpha=-lr)
            else:
                p -= lr * update.reshape(p.shape)
                p *= 1 - lr * weight_decay
        trajectory.append([p.copy() for p in params])
    return trajectory


# --- a small smooth problem with a fixed, pre-drawn noise sequence ----------------------------


class NoisyLeastSquares:
    """f(W) = Σ_l ½‖A_l W_l − B_l‖_F² per seed (½‖b_l − c_l‖² for a vector block), S = 2.

    ``stochastic_grad`` returns ∇f plus the next entry of a noise sequence drawn once up front,
    so ratecheck (batched over seeds) and the reference (one seed at a time, unbatched blocks as
    in torch) see the same gradients at their own iterates.
    """

    def __init__(self, shapes, steps=STEPS, seed=0, noise=0.3):
        rng = np.random.default_rng(seed)
        self.A, self.B = [], []
        for shape in shapes:
            rows = shape[0] + 2
            if len(shape) == 2:
                self.A.append(rng.standard_normal((SEEDS, rows, shape[0])) / math.sqrt(rows))
                self.B.append(rng.standard_normal((SEEDS, rows, shape[1])))
            else:
                self.A.append(None)
                self.B.append(rng.standard_normal((SEEDS, *shape)))
        self.noise = [
            tuple(noise * rng.standard_normal((SEEDS, *shape)) for shape in shapes)
            for _ in range(steps)
        ]
        self.x0 = tuple(0.5 * rng.standard_normal((SEEDS, *shape)) for shape in shapes)
        self.calls = 0

    def _grad(self, blocks, seed=None):
        pick = (lambda a: a) if seed is None else (lambda a: a[seed])
        out = []
        for A, W, B in zip(self.A, blocks, self.B):
            if A is None:
                out.append(W - pick(B))
            else:
                A = pick(A)
                out.append(np.swapaxes(A, -1, -2) @ (A @ W - pick(B)))
        return out

    def grad(self, x):
        return tuple(self._grad(x))

    def stochastic_grad(self, x):
        g = tuple(gi + ni for gi, ni in zip(self._grad(x), self.noise[self.calls]))
        self.calls += 1
        return g

    def seed_grad(self, s):
        """The reference's gradient sequence for seed s: grad(k, params) → list of blocks."""

        def grad(k, params):
            return [gi + ni[s] for gi, ni in zip(self._grad(params, s), self.noise[k])]

        return grad


def run_ratecheck(method, problem, steps=STEPS):
    problem.calls = 0
    x = problem.x0
    state = method.init(x)
    trajectory = [x]
    for _ in range(steps):
        x, state = method.step(x, state, problem)
        trajectory.append(x)
    return trajectory


def compare(mine, references, tol, record=None):
    """Assert ratecheck's batched trajectory equals the per-seed references; return the gaps.

    max abs: over iterates, blocks, entries and seeds; max rel: ‖Δ‖_F/‖ref‖_F per iterate/block.
    """
    worst_abs = worst_rel = 0.0
    for s, ref in enumerate(references):
        for k, (ours_k, ref_k) in enumerate(zip(mine, ref, strict=True)):
            for layer, (a, b) in enumerate(zip(ours_k, ref_k, strict=True)):
                err = np.abs(a[s] - b)
                worst_abs = max(worst_abs, float(err.max()))
                worst_rel = max(
                    worst_rel, float(np.linalg.norm(a[s] - b) / (np.linalg.norm(b) or 1.0))
                )
                np.testing.assert_allclose(
                    a[s], b, **tol, err_msg=f"seed {s}, iterate {k}, block {layer}"
                )
    if record is not None:
        record("max_abs_diff", f"{worst_abs:.3e}")
        record("max_rel_diff", f"{worst_rel:.3e}")
    return worst_abs, worst_rel


# --- Scion ------------------------------------------------------------------------------------

# (id, their norm name, their norm_kwargs, ratecheck norm, block shape, eps matters)
SCION_CASES = [
    ("ColNorm", "ColNorm", {}, nm.ColNorm(), (6, 4), True),
    ("ColNorm-normalized", "ColNorm", {"normalized": True}, nm.ColNorm(True), (6, 4), True),
    ("ColNorm-transpose", "ColNorm", {"transpose": True}, nm.ColNorm(transpose=True), (6, 4), True),
    ("RowNorm", "RowNorm", {}, nm.RowNorm(), (6, 4), True),
    ("RowNorm-unnormalized", "RowNorm", {"normalized": False}, nm.RowNorm(False), (4, 6), True),
    ("RowNorm-transpose", "RowNorm", {"transpose": True}, nm.RowNorm(transpose=True), (6, 4), True),
    ("Sign", "Sign", {}, nm.Sign(), (6, 4), False),
    ("Sign-unnormalized", "Sign", {"normalized": False}, nm.Sign(False), (6, 4), False),
    ("Spectral-tall", "Spectral", {}, nm.Spectral((6, 4), "rms_rms", "ns5"), (6, 4), False),
    ("Spectral-wide", "Spectral", {}, nm.Spectral((4, 6), "rms_rms", "ns5"), (4, 6), False),
    (
        "Spectral-unnormalized",
        "Spectral",
        {"normalized": False},
        nm.Spectral((6, 4), "two_rms", "ns5"),
        (6, 4),
        False,
    ),
    (  # max(1, √(4/6)) = 1: the max is active
        "Spectral-max-wide",
        "Spectral",
        {"max": True},
        nm.Spectral((4, 6), "rms_rms_max", "ns5"),
        (4, 6),
        False,
    ),
    (
        "Spectral-max-tall",
        "Spectral",
        {"max": True},
        nm.Spectral((6, 4), "rms_rms_max", "ns5"),
        (6, 4),
        False,
    ),
    ("BiasRMS", "BiasRMS", {}, nm.BiasRMS(), (5,), True),
]
CASE_IDS = [c[0] for c in SCION_CASES]
LR, SCALE = 0.05, 3.0


def _scion_pair(case, momentum, unconstrained, eps=1e-8, ours_momentum=None, lr=LR):
    _, name, kwargs, ours, shape, _ = case
    problem = NoisyLeastSquares([shape])
    ours_m = momentum if ours_momentum is None else ours_momentum
    mine = run_ratecheck(scion((ours,), (SCALE,), lr, ours_m, unconstrained), problem)
    refs = [
        scion_reference(
            [b[s] for b in problem.x0],
            problem.seed_grad(s),
            [(name, kwargs, SCALE)],
            lr,
            momentum,
            unconstrained,
            eps=eps,
        )
        for s in range(SEEDS)
    ]
    return mine, refs


@pytest.mark.parametrize("unconstrained", [False, True], ids=["constrained", "unconstrained"])
@pytest.mark.parametrize("momentum", [1.0, 0.1])
@pytest.mark.parametrize("case", SCION_CASES, ids=CASE_IDS)
def test_scion_matches_public_code(case, momentum, unconstrained, record_property):
    """ratecheck ``scion`` vs the faithful transcription (their eps) of ``Scion.step``."""
    mine, refs = _scion_pair(case, momentum, unconstrained)
    compare(mine, refs, EPS_LEVEL if case[5] else EXACT, record_property)


@pytest.mark.parametrize("unconstrained", [False, True], ids=["constrained", "unconstrained"])
@pytest.mark.parametrize("momentum", [1.0, 0.1])
@pytest.mark.parametrize("case", [c for c in SCION_CASES if c[5]], ids=lambda c: c[0])
def test_scion_matches_public_code_without_eps(case, momentum, unconstrained, record_property):
    """With the 1e-8 removed from the transcription the agreement is round-off level."""
    mine, refs = _scion_pair(case, momentum, unconstrained, eps=0.0)
    compare(mine, refs, EXACT, record_property)


# One-hot-input recommendation (Scion Rec. 3.1): ColNorm → Spectral → Sign, plus a bias, each
# group with its own scale (radius), one lr and momentum for all groups.
MODEL_SHAPES = [(8, 5), (8,), (8, 8), (3, 8)]
MODEL_GROUPS = [
    ("ColNorm", {}, 1.0),
    ("BiasRMS", {}, 0.5),
    ("Spectral", {}, 4.0),
    ("Sign", {}, 64.0),
]
MODEL_NORMS = (nm.ColNorm(), nm.BiasRMS(), nm.Spectral((8, 8), "rms_rms", "ns5"), nm.Sign())


@pytest.mark.parametrize("unconstrained", [False, True], ids=["constrained", "unconstrained"])
@pytest.mark.parametrize("momentum", [1.0, 0.1])
def test_scion_multi_block_model(momentum, unconstrained, record_property):
    lr = 2**-6
    problem = NoisyLeastSquares(MODEL_SHAPES, seed=3)
    radii = tuple(g[2] for g in MODEL_GROUPS)
    mine = run_ratecheck(scion(MODEL_NORMS, radii, lr, momentum, unconstrained), problem)
    refs = [
        scion_reference(
            [b[s] for b in problem.x0],
            problem.seed_grad(s),
            MODEL_GROUPS,
            lr,
            momentum,
            unconstrained,
        )
        for s in range(SEEDS)
    ]
    compare(mine, refs, EPS_LEVEL, record_property)


@pytest.mark.parametrize(
    "case",
    [c for c in SCION_CASES if c[0] in ("ColNorm", "Sign", "Spectral-tall")],
    ids=lambda c: c[0],
)
def test_control_scion_momentum_is_not_one_minus(case, record_property):
    """Control (must fail): Scion's momentum m read as Muon's β, i.e. α = 1 − m.

    Scion(momentum=0.1) is α = 0.1 (heavy averaging); ratecheck ``scion(momentum=0.9)`` is
    α = 0.9. The same comparison that passes above must raise.
    """
    mine, refs = _scion_pair(case, 0.1, False, ours_momentum=1 - 0.1)
    with pytest.raises(AssertionError):
        compare(mine, refs, EPS_LEVEL)
    gap = np.abs(mine[-1][0][0] - refs[0][-1][0]).max()
    record_property("final_gap_seed0", f"{gap:.3e}")
    assert gap > 1e-3


def test_scion_default_spectral_is_not_the_public_oracle(record_property):
    """ratecheck's default Spectral method is the exact SVD, which the public code never runs:
    the gap to the NS transcription is the NS band, far above round-off."""
    problem = NoisyLeastSquares([(6, 4)])
    mine = run_ratecheck(scion((nm.Spectral((6, 4), "rms_rms"),), (SCALE,), LR, 0.1), problem)
    refs = [
        scion_reference(
            [problem.x0[0][s]], problem.seed_grad(s), [("Spectral", {}, SCALE)], LR, 0.1, False
        )
        for s in range(SEEDS)
    ]
    with pytest.raises(AssertionError):
        compare(mine, refs, EPS_LEVEL)
    gap = np.abs(mine[-1][0][0] - refs[0][-1][0]).max()
    record_property("final_gap_seed0", f"{gap:.3e}")
    assert 1e-6 < gap < 1.0


# --- Muon -------------------------------------------------------------------------------------


def _muon_pair(shapes, lr, beta, nesterov, wd, decay_first=True):
    problem = NoisyLeastSquares(shapes, seed=11)
    mine = run_ratecheck(muon(lr, beta, nesterov, wd, method="ns5"), problem)
    refs = [
        muon_reference(
            [b[s] for b in problem.x0],
            problem.seed_grad(s),
            lr,
            wd,
            beta,
            nesterov,
            decay_first=decay_first,
        )
        for s in range(SEEDS)
    ]
    return mine, refs


@pytest.mark.parametrize("wd", [0.0, 0.1])
@pytest.mark.parametrize("nesterov", [True, False], ids=["nesterov", "plain"])
@pytest.mark.parametrize("beta", [0.95, 0.9])
@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (6, 6)], ids=["tall", "wide", "square"])
def test_muon_matches_public_code(shape, beta, nesterov, wd, record_property):
    mine, refs = _muon_pair([shape], 0.02, beta, nesterov, wd)
    compare(mine, refs, EXACT, record_property)


def test_muon_multi_block_and_defaults(record_property):
    """Tall, wide and square blocks in one model; ratecheck's defaults (β = 0.95, Nesterov)
    are Muon's (``Muon.step`` is always Nesterov)."""
    lr = 0.05
    problem = NoisyLeastSquares([(12, 4), (4, 12), (7, 7)], seed=5)
    mine = run_ratecheck(muon(lr, weight_decay=0.1, method="ns5"), problem)
    refs = [
        muon_reference([b[s] for b in problem.x0], problem.seed_grad(s), lr, 0.1, 0.95, True)
        for s in range(SEEDS)
    ]
    compare(mine, refs, EXACT, record_property)


@pytest.mark.parametrize("shape", [(8, 5), (5, 8)], ids=["tall", "wide"])
def test_muon_is_uscg_with_alpha_one_minus_beta(shape, record_property):
    """Without Nesterov and weight decay, Muon is uSCG with the spectral LMO, the
    ``muon_shape`` radius and α = 1 − β (conventions.md §3); α = β is the control that fails."""
    lr, beta = 0.02, 0.9
    problem = NoisyLeastSquares([shape], seed=11)
    refs = [
        muon_reference([problem.x0[0][s]], problem.seed_grad(s), lr, 0.0, beta, False)
        for s in range(SEEDS)
    ]
    norm = nm.Spectral(shape, "muon_shape", "ns5")
    right = run_ratecheck(uscg(norm, gamma=lr, alpha=1 - beta), problem)
    compare(right, refs, EXACT, record_property)
    wrong = run_ratecheck(uscg(norm, gamma=lr, alpha=beta), problem)
    with pytest.raises(AssertionError):
        compare(wrong, refs, EXACT)


def test_control_muon_nesterov_and_decay_placement_are_detected(record_property):
    """Controls (must fail): the comparison tells Nesterov from plain momentum, and decay
    before the update (Muon: p·(1 − lr·wd) − lr·u) from decay after it."""
    shape, lr, beta, wd = (8, 5), 0.02, 0.95, 0.1
    mine, _ = _muon_pair([shape], lr, beta, True, wd)
    _, plain = _muon_pair([shape], lr, beta, False, wd)
    with pytest.raises(AssertionError):
        compare(mine, plain, EXACT)
    _, late = _muon_pair([shape], lr, beta, True, wd, decay_first=False)
    with pytest.raises(AssertionError):
        compare(mine, late, EXACT)
    late_gap = max(np.abs(mine[k][0][0] - late[0][k][0]).max() for k in range(STEPS + 1))
    record_property("decay_after_update_gap", f"{late_gap:.3e}")
