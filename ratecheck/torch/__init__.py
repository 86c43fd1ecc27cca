"""PyTorch optimizers that run the update rules of ``ratecheck.solvers`` on torch tensors
(extra ``torch``).

The math lives once, in ``solvers/`` (array-API code, which PyTorch tensors support through
array-api-compat); the classes here only adapt parameter groups and state to it:

- each parameter group becomes the blocks of one solver: every parameter is viewed with a
  leading seed axis of length 1, tensors with more than two dimensions as (d_out, rest);
- an oracle hands the solver the gradients autograd left in ``p.grad``; methods that need a
  gradient or a Hessian-vector product at another point (transported Scion, HCM-LMO) call the
  ``closure`` there. Such a closure recomputes and returns the loss on the current minibatch
  and does **not** call ``backward`` (the optimizer differentiates it itself);
- ``lr`` is read from the group at every step, so torch's LR schedulers work.

    opt = Scion(model.parameters(), lr=0.1, momentum=0.1, norm="spectral")
    loss.backward(); opt.step()
"""

from __future__ import annotations

from ratecheck.torch.optimizers import (
    HCMLMO,
    ClippedScion,
    Gluon,
    LMOOptimizer,
    Muon,
    Schattor,
    Scion,
    TransportedScion,
)

__all__ = [
    "HCMLMO",
    "ClippedScion",
    "Gluon",
    "LMOOptimizer",
    "Muon",
    "Schattor",
    "Scion",
    "TransportedScion",
]
