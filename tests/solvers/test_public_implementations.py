"""ratecheck's Scion and Muon reproduce the public implementations iterate by iterate.

The reference side is a NumPy float64 transcription of
- LIONS-EPFL/scion ``scion.py`` (commit f58a393): ``ColNorm``, ``RowNorm``, ``BiasRMS``,
  ``Spectral``, ``Sign`` ``.lmo`` (each returns the direction *aligned* with g) and
  ``Scion.step`` (buf ← (1 − momentum)·buf + momentum·g, skipped when momentum = 1;
  p ← (1 − lr)·p unless unconstrained; p ← p − lr·scale·lmo(buf));
- KellerJordan/Muon ``muon.py`` (commit 857d1ad): ``zeropower_via_newtonschulz5``,
  ``muon_update`` (m ← lerp(m, g, 1 − β); u = lerp(g, m, β) if nesterov else m;
  NS(u)·√max(1, d_out/d_in)) and the step p ← (1 − lr·wd)·p − lr·update.

Both run Newton–Schulz in bfloat16 on GPU; NumPy has no bfloat16, so the transcription runs
it in float64 (reference/conventions.md §1). Scion's column/row/bias norms carry eps = 1e-8 in
their denominators, which ratecheck's exact norms omit: the iterate comparisons run the
transcription with eps = 0 (agreement to 1e-10), and one test bounds the effect of the public
eps (≤ 1e-6 over 20 steps).
"""

import math

import numpy as np
import pytest

from ratecheck.solvers import muon, scion
from ratecheck.solvers import norms as nm

# --- reference transcription -----------------------------------------------------------------


def ref_zeropower(G, steps=5):
    a, b, c = (3.4445, -4.7750, 2.0315)
    X = G
    tall = G.shape[-2] > G.shape[-1]
    if tall:
        X = np.swapaxes(X, -1, -2)
    X = X / (np.linalg.norm(X, axis=(-2, -1), keepdims=True) + 1e-7)
    for _ in range(steps):
        A = X @ np.swapaxes(X, -1, -2)
        B = b * A + c * A @ A
        X = a * X + B @ X
    return np.swapaxes(X, -1, -2) if tall else X


def ref_lmo(kind, g, eps=1e-8, **kw):
    """scion.py Norm.lmo on one (unbatched) block: aligned with g (eps as in the code)."""
    if kind == "ColNorm":
        if kw.get("transpose"):
            g = g.T
        rms = np.sqrt(np.sum(g**2, axis=0, keepdims=True)) / math.sqrt(g.shape[0])
        if kw.get("normalized"):
            rms = rms * g.shape[1]
        out = g / (rms + eps)
        return out.T if kw.get("transpose") else out
    if kind == "RowNorm":
        if kw.get("transpose"):
            g = g.T
        rms = np.sqrt(np.sum(g**2, axis=-1, keepdims=True))
        if kw.get("normalized", True):
            rms = rms * math.sqrt(g.shape[-1])
        out = g / (rms + eps)
        return out.T if kw.get("transpose") else out
    if kind == "BiasRMS":
        return g / (np.sqrt(np.mean(g**2, axis=0, keepdims=True)) + eps)
    if kind == "Sign":
        return np.sign(g) / (g.shape[1] if kw.get("normalized", True) else 1)
    if kind == "Spectral":
        d_out, d_in = g.shape
        scale = math.sqrt(d_out / d_in) if kw.get("normalized", True) else math.sqrt(d_out)
        if kw.get("max"):
            scale = max(1, scale)
        return ref_zeropower(g) * scale
    raise ValueError(kind)


def ref_scion(params, grads, groups, lr, momentum, unconstrained, steps, eps=0.0):
    """Scion.step applied ``steps`` times to one seed's blocks; grads(k, params) → list."""
    bufs = [np.zeros_like(p) for p in params]
    trajectory = [list(params)]
    for k in range(steps):
        g = grads(k, params)
        new = []
        for i, (p, gi, (kind, kw, scale)) in enumerate(zip(params, g, groups)):
            if momentum != 1:
                bufs[i] = bufs[i] * (1 - momentum) + momentum * gi
                gi = bufs[i]
            update = scale * ref_lmo(kind, gi, eps=eps, **kw)
            if not unconstrained:
                p = p * (1 - lr)
            new.append(p - lr * update)
        params = new
        trajectory.append(list(params))
    return trajectory


def ref_muon(p, grads, lr, beta, nesterov, wd, steps):
    m = np.zeros_like(p)
    trajectory = [p]
    for k in range(steps):
        g = grads(k, [p])[0]
        m = m + (1 - beta) * (g - m)  # lerp(m, g, 1 − β)
        u = g + beta * (m - g) if nesterov else m  # lerp(g, m, β)
        update = ref_zeropower(u) * max(1, p.shape[-2] / p.shape[-1]) ** 0.5
        p = p * (1 - lr * wd) - lr * update
        trajectory.append(p)
    return trajectory


# --- a small problem with a fixed noise sequence -----------------------------------------------


class Problem:
    """f = Σ_l ½‖A_l W_l − B_l‖_F² per seed, plus a pre-drawn noise sequence; S = 2 seeds."""

    def __init__(self, shapes, steps, seed=0):
        rng = np.random.default_rng(seed)
        self.A = [rng.standard_normal((2, s[0], s[0])) / math.sqrt(s[0]) for s in shapes]
        self.B = [rng.standard_normal((2, *s)) for s in shapes]
        self.noise = [[0.3 * rng.standard_normal((2, *s)) for s in shapes] for _ in range(steps)]
        self.x0 = tuple(0.1 * rng.standard_normal((2, *s)) for s in shapes)
        self.k = 0

    def exact(self, blocks):
        return [
            np.swapaxes(A, -1, -2) @ (A @ W - B) if W.ndim == 3 else W - B
            for A, W, B in zip(self.A, blocks, self.B)
        ]

    def stochastic_grad(self, x):
        g = [gi + ni for gi, ni in zip(self.exact(x), self.noise[self.k])]
        self.k += 1
        return tuple(g)

    def seed_grads(self, s):
        def grads(k, params):
            batched = [p[None].repeat(2, axis=0) for p in params]
            return [gi[s] + ni[s] for gi, ni in zip(self.exact(batched), self.noise[k])]

        return grads


def run_ours(method, problem, steps):
    x, state = problem.x0, method.init(problem.x0)
    traj = [x]
    for _ in range(steps):
        x, state = method.step(x, state, problem)
        traj.append(x)
    return traj


def bias_problem(steps):
    """A vector (bias) block: f = ½‖b − c‖², for BiasRMS."""
    p = Problem([(4,)], steps, seed=7)
    return p


SCION_CASES = [
    ("ColNorm", {}, nm.ColNorm(), (6, 4)),
    ("ColNorm", {"normalized": True}, nm.ColNorm(True), (6, 4)),
    ("ColNorm", {"transpose": True}, nm.ColNorm(transpose=True), (6, 4)),
    ("RowNorm", {}, nm.RowNorm(), (6, 4)),
    ("RowNorm", {"normalized": False}, nm.RowNorm(False), (4, 6)),
    ("RowNorm", {"transpose": True}, nm.RowNorm(transpose=True), (6, 4)),
    ("Sign", {}, nm.Sign(), (6, 4)),
    ("Sign", {"normalized": False}, nm.Sign(False), (6, 4)),
    ("Spectral", {}, nm.Spectral((6, 4), "rms_rms", "ns5"), (6, 4)),
    ("Spectral", {"normalized": False}, nm.Spectral((6, 4), "two_rms", "ns5"), (6, 4)),
    ("Spectral", {"max": True}, nm.Spectral((4, 6), "rms_rms_max", "ns5"), (4, 6)),
]
STEPS = 20


@pytest.mark.parametrize("kind,kw,ours,shape", SCION_CASES, ids=lambda v: str(v))
@pytest.mark.parametrize("momentum", [1.0, 0.1])
@pytest.mark.parametrize("unconstrained", [False, True])
def test_scion_single_block(kind, kw, ours, shape, momentum, unconstrained):
    problem = Problem([shape], STEPS)
    lr, scale = 0.05, 3.0
    mine = run_ours(scion((ours,), (scale,), lr, momentum, unconstrained), problem, STEPS)
    for s in range(2):
        ref = ref_scion(
            [problem.x0[0][s]],
            problem.seed_grads(s),
            [(kind, kw, scale)],
            lr,
            momentum,
            unconstrained,
            STEPS,
        )
        for k in range(STEPS + 1):
            np.testing.assert_allclose(mine[k][0][s], ref[k][0], rtol=1e-10, atol=1e-12)


def test_scion_bias_block():
    problem = bias_problem(STEPS)
    mine = run_ours(scion((nm.BiasRMS(),), (2.0,), 0.05, 0.1, True), problem, STEPS)
    for s in range(2):
        ref = ref_scion(
            [problem.x0[0][s]],
            problem.seed_grads(s),
            [("BiasRMS", {}, 2.0)],
            0.05,
            0.1,
            True,
            STEPS,
        )
        for k in range(STEPS + 1):
            np.testing.assert_allclose(mine[k][0][s], ref[k][0], rtol=1e-10, atol=1e-12)


def test_scion_multi_block_with_different_radii():
    """Sign → Spectral → Sign-style model: three layers, three norms, three scales."""
    shapes = [(8, 5), (8, 8), (3, 8)]
    groups = [("ColNorm", {}, 1.0), ("Spectral", {}, 4.0), ("Sign", {}, 64.0)]
    norms = (nm.ColNorm(), nm.Spectral((8, 8), "rms_rms", "ns5"), nm.Sign())
    problem = Problem(shapes, STEPS, seed=3)
    mine = run_ours(scion(norms, tuple(g[2] for g in groups), 2**-6, 0.1), problem, STEPS)
    for s in range(2):
        ref = ref_scion(
            [b[s] for b in problem.x0], problem.seed_grads(s), groups, 2**-6, 0.1, False, STEPS
        )
        for k in range(STEPS + 1):
            for layer in range(3):
                np.testing.assert_allclose(mine[k][layer][s], ref[k][layer], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind,kw,ours,shape", SCION_CASES[:5], ids=lambda v: str(v))
def test_public_eps_changes_iterates_only_slightly(kind, kw, ours, shape):
    problem = Problem([shape], STEPS)
    mine = run_ours(scion((ours,), (3.0,), 0.05, 0.1), problem, STEPS)
    ref = ref_scion(
        [problem.x0[0][0]],
        problem.seed_grads(0),
        [(kind, kw, 3.0)],
        0.05,
        0.1,
        False,
        STEPS,
        eps=1e-8,
    )
    assert np.max(np.abs(mine[-1][0][0] - ref[-1][0])) < 1e-6


def test_wrong_momentum_mapping_gives_different_iterates():
    """Control: mapping Scion's momentum m to α = 1 − m (Muon's convention) does not reproduce."""
    problem = Problem([(6, 4)], STEPS)
    mine = run_ours(scion((nm.Sign(),), (1.0,), 0.05, 1 - 0.1), problem, STEPS)
    ref = ref_scion(
        [problem.x0[0][0]], problem.seed_grads(0), [("Sign", {}, 1.0)], 0.05, 0.1, False, STEPS
    )
    assert np.max(np.abs(mine[-1][0][0] - ref[-1][0])) > 1e-3


@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (6, 6)])
@pytest.mark.parametrize("beta", [0.95, 0.9])
@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_muon(shape, beta, nesterov, wd):
    problem = Problem([shape], STEPS, seed=11)
    lr = 0.02
    mine = run_ours(muon(lr, beta, nesterov, wd, method="ns5"), problem, STEPS)
    for s in range(2):
        ref = ref_muon(problem.x0[0][s], problem.seed_grads(s), lr, beta, nesterov, wd, STEPS)
        for k in range(STEPS + 1):
            np.testing.assert_allclose(mine[k][0][s], ref[k], rtol=1e-10, atol=1e-12)


def test_muon_with_exact_lmo_differs_by_the_ns_band():
    """The exact-SVD Muon is a different oracle: the gap is reported, not zero."""
    problem = Problem([(8, 5)], STEPS, seed=11)
    exact = run_ours(muon(0.02, method="svd"), problem, STEPS)
    problem.k = 0
    ns = run_ours(muon(0.02, method="ns5"), problem, STEPS)
    gap = np.max(np.abs(exact[-1][0] - ns[-1][0]))
    assert 1e-6 < gap < 0.02 * STEPS * math.sqrt(8)
