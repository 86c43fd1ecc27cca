"""A CPU stand-in for the GPU parity tests: array_api_strict with every array the experiments
create on a second device ("device1"), as CuPy puts them on the current GPU.

An array made on the default device inside the computation (an index array without
``device=``), or a host NumPy array mixed into it, makes the operation fail; a move to the host
must be an explicit ``to_host``. Claims and solvers that run here are free of the mistakes that
break CuPy runs, and their numbers must equal NumPy's (array_api_strict computes with NumPy).

Two relaxations make the stand-in behave like CuPy rather than like the letter of the standard:
NumPy scalars (np.float64 from SciPy or SymPy) combine with arrays as Python scalars do, and
NumPy operands defer to the array (``__array_ufunc__ = None``) instead of converting it.
"""

import numpy as np
import pytest

xs = pytest.importorskip("array_api_strict")

from array_api_strict._array_object import Array  # noqa: E402

from ratecheck.backend import to_host  # noqa: E402
from ratecheck.verify.experiment import Settings  # noqa: E402
from ratecheck.verify.registry import get_claim, get_experiment  # noqa: E402
from ratecheck.verify.runner import run  # noqa: E402
from tests.backend_cases import solver_cases  # noqa: E402

# one claim or more per problem family and solver family, each a few seconds here
CLAIMS = [
    "ggnc-descent",  # (L0, L1)-smooth problems, GGNC
    "ggnc-euclidean-is-clipping",  # GGNC against clipping
    "lmo-identities",  # every norm's LMO
    "newton-schulz-accuracy",
    "hcm-unbiased",  # stochastic HVPs, the interpolated point
    "heavy-tail-noise",
    "hb-polyak-transient",  # quadratics, heavy ball
    "relu-gram",  # wide ReLU nets
    "relu-hb-rate",  # labels built from the initial network (equally_excited)
    "deeplinear-hb-rate",  # deep linear nets, the same label construction
    "schatten-oracles",  # Schatten-p oracles
]
DEVICE = xs.Device("device1")


class OnDevice:
    """array_api_strict whose array-creation functions default to ``device``."""

    CREATORS = ("asarray", "zeros", "ones", "empty", "full", "eye", "arange", "linspace")

    def __init__(self, device):
        self.device = device

    def __getattr__(self, name):
        attr = getattr(xs, name)
        if name not in self.CREATORS:
            return attr

        def create(*args, device=None, **kwargs):
            return attr(*args, device=device or self.device, **kwargs)

        return create


@pytest.fixture
def on_device(monkeypatch):
    strict_check = Array._check_type_device

    def check(self, other):
        if not (isinstance(other, np.generic) and np.ndim(other) == 0):
            strict_check(self, other)

    monkeypatch.setattr(Array, "_check_type_device", check)
    monkeypatch.setattr(Array, "__array_ufunc__", None, raising=False)
    return OnDevice(DEVICE)


def test_the_stand_in_rejects_what_cupy_rejects(on_device):
    x = on_device.zeros(3)
    assert x.device == DEVICE
    with pytest.raises(ValueError, match="different devices"):
        x + xs.arange(3.0)  # made on the default device
    with pytest.raises(TypeError):
        x + np.ones(3)  # a host array
    with pytest.raises(RuntimeError):
        np.asarray(x)  # an implicit move to the host
    np.testing.assert_array_equal(to_host(x + np.float64(2.0)), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("case", list(solver_cases(np)))
def test_solver_trajectories_equal_numpy(on_device, case):
    traces = []
    for xp in (np, on_device):
        method, build = solver_cases(xp)[case]
        first = lambda x, xp=xp: xp.reshape(x[0], (x[0].shape[0], -1))[:, 0]  # noqa: E731
        traces.append(run(method, build(), 100, {"x0": first}))
    np.testing.assert_allclose(traces[1].metrics["x0"], traces[0].metrics["x0"], rtol=1e-12)


@pytest.mark.parametrize(
    "claim_id", [pytest.param(c, marks=pytest.mark.quick_claims(c)) for c in CLAIMS]
)
def test_claim_numbers_equal_numpy(on_device, quick_verdicts, claim_id):
    experiment = get_experiment(claim_id)
    settings = Settings(True, experiment.seeds_quick, on_device, "numpy", {})
    outcome = experiment.run(get_claim(claim_id), settings, experiment.values(settings))
    reference = quick_verdicts([claim_id])[claim_id]
    for got, expected in (
        (outcome.result.points, reference.result.points),
        (outcome.control.points, reference.control.points),
    ):
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            np.testing.assert_allclose(
                [a.measured, a.ci_low, a.ci_high], [b.measured, b.ci_low, b.ci_high], rtol=1e-9
            )
