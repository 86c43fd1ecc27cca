"""The torch optimizers run the solvers' math: a few steps of each class equal the NumPy solver
on the same numbers (gradients from autograd against the analytic gradient; HVPs by double
backward against the analytic Hessian-vector product)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ratecheck.solvers import norms as nm  # noqa: E402
from ratecheck.solvers.clipping import clipped_scion, unconstrained_clipped_scion  # noqa: E402
from ratecheck.solvers.gluon import gluon  # noqa: E402
from ratecheck.solvers.hcm import hcm  # noqa: E402
from ratecheck.solvers.lmo_methods import uscg  # noqa: E402
from ratecheck.solvers.muon import muon  # noqa: E402
from ratecheck.solvers.schattor import schattor  # noqa: E402
from ratecheck.solvers.transported import scion_heavy_tail  # noqa: E402
from ratecheck.torch import (  # noqa: E402
    HCMLMO,
    ClippedScion,
    Gluon,
    Muon,
    Schattor,
    Scion,
    TransportedScion,
)

LAM = 2.0
RNG = np.random.default_rng(7)
T, C = RNG.standard_normal((6, 4)), RNG.standard_normal(6)
W0, B0 = RNG.standard_normal((6, 4)), RNG.standard_normal(6)
STEPS = 3


def loss(W, b):
    """Σ ½(W − T)² + λ(1 − cos W) + ½‖b − c‖²: a nonconvex loss with a varying Hessian."""
    on = {"device": W.device}
    return (
        0.5 * ((W - torch.as_tensor(T, **on)) ** 2).sum()
        + LAM * (1 - torch.cos(W)).sum()
        + 0.5 * ((b - torch.as_tensor(C, **on)) ** 2).sum()
    )


class AnalyticOracle:
    """The same loss's gradient and HVP in NumPy, on blocks with a seed axis of length 1."""

    def stochastic_grad(self, x, batch=1):
        W, b = x[0], x[1] if len(x) > 1 else None
        g = (W - T + LAM * np.sin(W),)
        return g if b is None else (*g, b - C)

    grad = stochastic_grad

    def stochastic_hvp(self, x, v):
        out = ((1 + LAM * np.cos(x[0])) * v[0],)
        return out if len(x) == 1 else (*out, v[1])

    hvp = stochastic_hvp


def numpy_run(method, with_bias):
    x = (W0[None].copy(), B0[None].copy()) if with_bias else (W0[None].copy(),)
    state, oracle = method.init(x), AnalyticOracle()
    for _ in range(STEPS):
        x, state = method.step(x, state, oracle)
    return x


def torch_steps(make, with_bias, needs_closure, device="cpu"):
    """The parameters after STEPS steps of the optimizer ``make`` builds, all on ``device``."""
    W = torch.tensor(W0, requires_grad=True, device=device)
    b = torch.tensor(B0, requires_grad=True, device=device)
    params = [W, b] if with_bias else [W]
    opt = make(params)
    c = torch.as_tensor(C, device=device)

    def closure():
        return loss(W, b if with_bias else c)

    for _ in range(STEPS):
        opt.zero_grad()
        closure().backward()
        opt.step(closure if needs_closure else None)
    return params


def torch_run(make, with_bias, needs_closure, device="cpu"):
    params = torch_steps(make, with_bias, needs_closure, device)
    return tuple(p.detach().cpu().numpy()[None] for p in params)


SPECTRAL = nm.Spectral((6, 4), "rms_rms")
BOTH = nm.Product((SPECTRAL, nm.BiasRMS()), (2.0, 0.5))

CASES = {
    "scion": (
        lambda ps: Scion(ps, lr=0.1, momentum=0.3, scale=(2.0, 0.5)),
        uscg(BOTH, 0.1, 0.3, constrained=True),
        True,
        False,
    ),
    "scion-unconstrained": (
        lambda ps: Scion(ps, lr=0.1, momentum=0.3, scale=(2.0, 0.5), unconstrained=True),
        uscg(BOTH, 0.1, 0.3),
        True,
        False,
    ),
    "muon": (
        lambda ps: Muon(ps, lr=0.05, momentum=0.9),
        muon(0.05, 0.9),
        False,
        False,
    ),
    "gluon": (
        lambda ps: Gluon(ps, L0=(1.0, 2.0), L1=(0.5, 0.1)),
        gluon((SPECTRAL, nm.BiasRMS()), (1.0, 2.0), (0.5, 0.1)),
        True,
        False,
    ),
    "clipped-scion-unconstrained": (
        lambda ps: ClippedScion(ps, lr=0.1, momentum=0.3, rho=0.7, scale=(2.0, 0.5)),
        unconstrained_clipped_scion((SPECTRAL, nm.BiasRMS()), (2.0, 0.5), 0.1, 0.3, 0.7),
        True,
        False,
    ),
    "clipped-scion": (
        lambda ps: ClippedScion(
            ps, lr=0.1, momentum=0.3, rho=0.7, scale=(2.0, 0.5), unconstrained=False
        ),
        clipped_scion((SPECTRAL, nm.BiasRMS()), (2.0, 0.5), 0.1, 0.3, 0.7),
        True,
        False,
    ),
    "schattor": (
        lambda ps: Schattor(ps, lr=0.05, momentum=0.3, p=4.0),
        schattor(4.0, 0.05, 0.3),
        False,
        False,
    ),
    "transported-scion": (
        lambda ps: TransportedScion(ps, lr=0.05, momentum=0.3, scale=(2.0, 0.5)),
        scion_heavy_tail(BOTH, 0.05, 0.3, transport=True),
        True,
        True,
    ),
    "hcm-current": (
        lambda ps: HCMLMO(ps, lr=0.05, momentum=0.3, variant="current", scale=(2.0, 0.5)),
        hcm(BOTH, 0.05, 0.3, "current"),
        True,
        True,
    ),
    "hcm-interpolated": (
        lambda ps: HCMLMO(ps, lr=0.05, momentum=0.3, scale=(2.0, 0.5), seed=11),
        hcm(BOTH, 0.05, 0.3, "interpolated", rngs=[np.random.default_rng(11)]),
        True,
        True,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_steps_equal_the_numpy_solver(case):
    make, method, with_bias, needs_closure = CASES[case]
    expected = numpy_run(method, with_bias)
    got = torch_run(make, with_bias, needs_closure)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
    assert not np.allclose(got[0], W0[None])  # the optimizer moved


@pytest.mark.parametrize("case", list(CASES))
def test_steps_stay_on_the_parameters_device(case):
    """On PyTorch's "meta" device (shapes only, no numbers) any tensor the solvers create on the
    CPU instead of the parameters' device makes the step fail: this is the CPU-side check that
    the optimizers can run on CUDA."""
    make, _, with_bias, needs_closure = CASES[case]
    params = torch_steps(make, with_bias, needs_closure, device="meta")
    assert all(p.device.type == "meta" for p in params)


@pytest.mark.gpu
@pytest.mark.parametrize("case", list(CASES))
def test_steps_on_cuda_equal_the_cpu(case):
    if not torch.cuda.is_available():
        pytest.skip("PyTorch sees no CUDA device")
    make, _, with_bias, needs_closure = CASES[case]
    cpu = torch_run(make, with_bias, needs_closure)
    cuda = torch_run(make, with_bias, needs_closure, device="cuda")
    for a, b in zip(cpu, cuda):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


def test_methods_that_need_a_closure_say_so():
    W = torch.tensor(W0, requires_grad=True)
    opt = HCMLMO([W], variant="current")
    for _ in range(2):
        opt.zero_grad()
        loss(W, torch.as_tensor(C)).backward()
        if _ == 0:
            opt.step()  # the first step only needs the gradient
    from ratecheck.errors import UsageError

    with pytest.raises(UsageError, match="closure"):
        opt.step()


def test_single_group_methods_reject_several_groups_and_bad_norms():
    from ratecheck.errors import UsageError

    W = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    with pytest.raises(UsageError, match="one parameter group"):
        HCMLMO([{"params": [W]}, {"params": [b]}])
    with pytest.raises(UsageError, match="valid: auto, spectral"):
        opt = Scion([W], norm="nonsense")
        loss(W, b).backward()
        opt.step()


def test_lr_scheduler_applies():
    W = torch.tensor(W0, requires_grad=True)
    opt = Scion([W], lr=0.1, momentum=1.0, unconstrained=True)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    moves = []
    for _ in range(2):
        before = W.detach().clone()
        opt.zero_grad()
        loss(W, torch.as_tensor(C)).backward()
        opt.step()
        sched.step()
        moves.append(float(torch.linalg.matrix_norm(W.detach() - before, ord=2)))
    assert moves[1] == pytest.approx(moves[0] / 2, rel=1e-9)  # the LMO step has a fixed size


def test_state_dict_round_trip():
    W = torch.tensor(W0, requires_grad=True)
    opt = Scion([W], lr=0.1, momentum=0.3)
    loss(W, torch.as_tensor(C)).backward()
    opt.step()
    again = Scion([W], lr=0.1, momentum=0.3)
    again.load_state_dict(opt.state_dict())
    assert again.state_dict()["state"].keys() == opt.state_dict()["state"].keys()
