"""Heavy-tailed generators: closed-form moments and tail index."""

import numpy as np
import pytest

from ratecheck.errors import UsageError
from ratecheck.problems.noise import (
    hill_tail_index,
    matrix_noise,
    pareto_moment,
    pareto_scale,
    symmetric_pareto,
)
from ratecheck.theory.heavy_tail import moment_error


def test_scale_gives_the_nominal_moment():
    assert moment_error() == 0
    s0 = pareto_scale(2.0, 1.5, 2.0)
    assert pareto_moment(1.5, 2.0, s0) == pytest.approx(2.0**1.5, rel=1e-14)
    assert pareto_moment(2.0, 2.0, s0) == np.inf


def test_pareto_draws_are_symmetric_with_the_right_tail():
    rng = np.random.default_rng(1)
    x = symmetric_pareto(rng, (400_000,), 3.0, 0.5)
    assert abs(np.mean(np.sign(x))) < 0.01 and np.min(np.abs(x)) >= 0.5
    assert hill_tail_index(x, 4000) == pytest.approx(3.0, abs=0.15)
    assert np.mean(x**2) == pytest.approx(pareto_moment(2.0, 3.0, 0.5), rel=0.1)


def test_spiky_noise_has_equal_schatten_norms():
    z = matrix_noise("spiky", 1.0, 1.5, 2.0)(np.random.default_rng(2), (50, 6, 4))
    s = np.linalg.svd(z, compute_uv=False)
    np.testing.assert_allclose(s[:, 1:], 0, atol=1e-12)  # rank one: nuclear = Frobenius = op


def test_bad_parameters():
    with pytest.raises(UsageError, match="a > p > 1"):
        pareto_scale(1.0, 1.5, 1.2)
    with pytest.raises(UsageError, match="valid: spiky"):
        matrix_noise("cauchy", 1.0, 1.5, 2.0)
