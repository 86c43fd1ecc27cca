import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ratecheck.theory import polyak as th
from ratecheck.theory.schedules import Schedule
from ratecheck.theory.symbols import L, kappa, mu


@given(st.floats(1.0, 1e8))
def test_lambdified_schedule_matches_sympy(k):
    sched = Schedule(th.beta_hb, (kappa,))
    assert sched(kappa=k) == pytest.approx(float(th.beta_hb.subs(kappa, k)), rel=1e-12)


def test_vectorized_and_missing_argument():
    sched = Schedule(th.alpha_polyak, (L, mu))
    assert sched(L=25.0, mu=1.0) == pytest.approx(1 / 9)
    np.testing.assert_allclose(sched(L=np.array([1.0, 25.0]), mu=1.0), [1.0, 1 / 9])
    with pytest.raises(TypeError, match="mu"):
        sched(L=1.0)
