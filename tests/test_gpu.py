"""CuPy parity on a GPU machine (marked ``gpu``; skipped where CuPy or a device is absent).

- every claim gives the same verdict on CuPy as on NumPy, with measurements equal to a stated
  relative tolerance (float64 on both; reductions may sum in a different order);
- solver trajectories on CuPy follow NumPy float64 within 1e-9 relative;
- no device synchronization (no implicit device-to-host copy) inside a solver step.

Random numbers are drawn on the host in chunks and uploaded once per chunk (conventions §1: the
two backends see identical noise), never per step.
"""

import numpy as np
import pytest

import ratecheck
from ratecheck.backend import namespace, to_host
from ratecheck.problems.base import Oracle
from ratecheck.verify.runner import run
from tests.backend_cases import solver_cases

pytestmark = pytest.mark.gpu
MEASURED_RTOL = 1e-6
TRAJECTORY_RTOL = 1e-9


@pytest.mark.parametrize("claim_id", [c.id for c in ratecheck.all_claims()])
def test_claim_verdict_is_the_same_on_cupy(claim_id):
    (a,) = ratecheck.verify([claim_id], quick=True, backend="numpy")
    (b,) = ratecheck.verify([claim_id], quick=True, backend="cupy")
    assert (a.result.outcome, a.control.outcome) == (b.result.outcome, b.control.outcome)
    for pa, pb in zip(a.result.points + a.control.points, b.result.points + b.control.points):
        np.testing.assert_allclose(pb.measured, pa.measured, rtol=MEASURED_RTOL, atol=1e-12)


@pytest.mark.parametrize("case", list(solver_cases(np)))
def test_trajectory_matches_numpy_float64(case):
    traces = []
    for backend in ("numpy", "cupy"):
        method, build = solver_cases(namespace(backend))[case]
        traces.append(
            run(method, build(), 200, {"x0": lambda x: x[0].reshape(x[0].shape[0], -1)[:, 0]})
        )
    np.testing.assert_allclose(
        traces[1].metrics["x0"], traces[0].metrics["x0"], rtol=TRAJECTORY_RTOL, atol=1e-12
    )


@pytest.mark.parametrize("case", list(solver_cases(np)))
def test_no_device_synchronization_inside_a_step(case):
    cupyx = pytest.importorskip("cupyx")
    if not hasattr(cupyx, "allow_synchronize"):
        pytest.skip("this CuPy has no allow_synchronize guard")
    method, build = solver_cases(namespace("cupy"))[case]
    problem = build()
    oracle, x = Oracle(problem), problem.x0
    state = method.init(x)
    x, state = method.step(x, state, oracle)  # first step: noise chunk upload, plan caches
    with cupyx.allow_synchronize(False):
        for _ in range(3):
            x, state = method.step(x, state, oracle)
    assert np.all(np.isfinite(to_host(x[0])))
