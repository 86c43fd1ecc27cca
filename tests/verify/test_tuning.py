"""The tuning protocol as functions of scores (ratecheck/verify/tuning.py): search spaces,
selection and its edges, the refined argmin, the probability of improvement, the reading."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ratecheck.errors import UsageError
from ratecheck.verify.estimators import Estimate
from ratecheck.verify.tuning import (
    EXTEND_BY,
    SearchSpace,
    check_spaces,
    on_edge,
    probability_of_improvement,
    reading,
    refined_argmin,
    score,
    select,
)


@given(
    st.integers(-12, 0),
    st.integers(1, 9),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=3, unique=True),
)
def test_a_space_has_lr_times_momentum_trials_and_extends_beyond_its_edges(first, n, momenta):
    space = SearchSpace(tuple(float(first + i) for i in range(n)), tuple(momenta))
    assert len(space.trials) == n * len(momenta) == len(set(space.trials))
    low, high = space.extended(-1), space.extended(+1)
    assert low.lr_log2 == tuple(float(first - EXTEND_BY + i) for i in range(EXTEND_BY))
    assert high.lr_log2[0] == space.lr_log2[-1] + 1 and len(high.lr_log2) == EXTEND_BY
    assert low.momentum == high.momentum == space.momentum


def test_spaces_must_be_nonempty_even_and_of_equal_size():
    good = SearchSpace((-3.0, -2.0), (0.9,))
    check_spaces({"a": good, "b": SearchSpace((0.0, 1.0), (0.5,))})
    with pytest.raises(UsageError, match="search space of b is empty"):
        check_spaces({"a": good, "b": SearchSpace((), (0.9,))})
    with pytest.raises(UsageError, match="search space of b is empty"):
        check_spaces({"a": good, "b": SearchSpace((-1.0,), ())})
    with pytest.raises(UsageError, match="same number of trials; got a 2, b 3"):
        check_spaces({"a": good, "b": SearchSpace((0.0, 1.0, 2.0), (0.5,))})
    with pytest.raises(UsageError, match="evenly spaced"):
        check_spaces({"a": SearchSpace((0.0, 1.0, 3.0), (0.5,))})


def test_select_takes_the_lowest_finite_score_and_names_its_edge():
    scores = {(-3.0, 0.9): 2.0, (-2.0, 0.9): 1.0, (-1.0, 0.9): math.nan, (0.0, 0.9): 1.5}
    chosen = select(scores)
    assert (chosen.lr_log2, chosen.momentum, chosen.score, chosen.edge) == (-2.0, 0.9, 1.0, 0)
    assert chosen.trials == 4 and chosen.lr == 0.25 and chosen.trial == (-2.0, 0.9)
    assert select({**scores, (0.0, 0.9): 0.5}).edge == 1
    assert select({**scores, (-3.0, 0.9): 0.5}).edge == -1
    diverged = select({(-1.0, 0.9): math.inf, (0.0, 0.9): math.nan})
    assert diverged.score == math.inf and diverged.edge == -1


@given(st.floats(-6.0, -1.0), st.floats(0.1, 5.0))
def test_refined_argmin_recovers_a_parabolas_vertex(vertex, curvature):
    x = np.arange(-8.0, 1.0)
    y = curvature * (x - vertex) ** 2 + 1.0
    assert refined_argmin(x, y) == pytest.approx(vertex, abs=1e-6)


def test_refined_argmin_falls_back_to_the_argmin_and_skips_diverged_points():
    x = np.arange(5.0)
    assert refined_argmin(x, [5.0, 4.0, 3.0, 2.0, 1.0]) == 4.0  # monotone: the vertex is outside
    assert refined_argmin(x, [3.0, 1.0, 2.0, np.inf, np.nan]) == pytest.approx(1.0 + 1 / 6)
    assert math.isnan(refined_argmin(x, [np.nan] * 5))
    assert refined_argmin([0.0, 1.0], [2.0, 1.0]) == 1.0
    assert on_edge(4.0, x) and on_edge(-0.5, x) and not on_edge(2.2, x)


@given(st.lists(st.floats(0.01, 10.0), min_size=2, max_size=20))
def test_probability_of_improvement_counts_paired_wins_with_an_interval(values):
    a = np.array(values)
    assert probability_of_improvement(a * 0.5, a).value == 1.0
    assert probability_of_improvement(a * 2.0, a).value == 0.0
    tie = probability_of_improvement(a, a)
    assert tie.value == 0.5 and 0 <= tie.ci_low <= 0.5 <= tie.ci_high <= 1
    assert math.isnan(probability_of_improvement(a * np.nan, a).value)


def test_reading_is_three_way_at_zero():
    assert reading(Estimate(-0.2, -0.3, -0.1), "A", "B") == "A significantly better"
    assert reading(Estimate(0.2, 0.1, 0.3), "A", "B") == "B significantly better"
    assert reading(Estimate(0.0, -0.1, 0.1), "A", "B") == "no significant difference"
    assert reading(Estimate(math.nan, math.nan, math.nan), "A", "B") == "no significant difference"


def test_a_trials_score_is_its_seed_mean_and_a_divergence_makes_it_infinite():
    assert score([1.0, 2.0, 4.0]) == pytest.approx(7 / 3)
    assert score([1.0, math.nan]) == score([math.inf, 1.0]) == math.inf
