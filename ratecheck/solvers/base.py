"""A method is a small pure pair (init, step), as in optax.

    state = method.init(x0)
    x, state = method.step(x, state, oracle)

``x`` is a tuple of parameter blocks with a leading seed axis; ``oracle`` is a counting
``ratecheck.problems.Oracle``. Steps never mutate their inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from ratecheck.problems.base import Blocks, Oracle

State = Any


class Method(NamedTuple):
    name: str
    init: Callable[[Blocks], State]
    step: Callable[[Blocks, State, Oracle], tuple[Blocks, State]]
    params: dict[str, Any]
