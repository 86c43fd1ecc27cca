"""nn-clipped-scion-vs-scion: unconstrained ClippedScion beats unconstrained Scion on a CNN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ratecheck.claims.workloads._comparison import PREDICTION_TEXT, Method, comparison, grid
from ratecheck.theory import workloads as th
from ratecheck.theory.claim import Provenance
from ratecheck.verify.context import Context, claim

STEP_CLIP, ALPHA_CLIP = 2.0**-5, 0.5


def _scion(workload: Any, seed: int, width: int) -> Callable:
    from ratecheck.torch import Scion

    return lambda ps: Scion(ps, lr=STEP_CLIP, momentum=ALPHA_CLIP, unconstrained=True)


def _clipped(workload: Any, seed: int, width: int) -> Callable:
    """ClippedScion with ρ = the dual norm (product of the per-parameter norms) of the seed's
    first minibatch gradient at initialization."""
    from ratecheck.solvers.norms import Product
    from ratecheck.torch import ClippedScion
    from ratecheck.torch.optimizers import block_of, norm_for
    from ratecheck.workloads.train import first_gradient, initial_model

    params = list(initial_model(workload, seed, width).parameters())
    grads = first_gradient(workload, seed, width)
    norm = Product(tuple(norm_for("auto", p) for p in params))
    rho = float(norm.dual(tuple(block_of(g) for g in grads))[0])
    return lambda ps: ClippedScion(ps, lr=STEP_CLIP, momentum=ALPHA_CLIP, rho=rho)


@claim(
    id="nn-clipped-scion-vs-scion",
    kind="comparison",
    source="Seed 003: Pethick et al., generalized gradient norm clipping (arXiv 2506.01913), "
    "CIFAR-10 Table 2 and NanoGPT Fig. 2",
    statement="with a fixed step, unconstrained ClippedScion reaches a lower training loss and "
    "gradient norm than unconstrained Scion on an image classifier",
    prediction=th.NO_DIFFERENCE,
    prediction_text=PREDICTION_TEXT,
    tolerance=0.0,
    grid=grid(budget=(300, 1500), widths=((16,), (16,))),
    seeds=(6, 8),
    experiment="small CNN on 8×8 digits, α = 0.5 and step 2⁻⁵ (Table 2's unconstrained Scion "
    "value) for both, spectral LMO per weight, bias RMS per bias; clipping threshold ρ = the "
    "dual norm of the first minibatch gradient [derived]; final full-batch loss and gradient "
    "norm, paired over seeds",
    control="Scion against Scion with another minibatch order (A/A): no significant difference",
    provenance=(
        th.STAND_IN,
        Provenance("fixed step: clipping gives a substantial improvement", "paper", "Table 2"),
        Provenance("ρ = ‖∇f_ξ(x₀)‖_* (Table 2's value is illegible)", "derived"),
    ),
    requires=th.REQUIRES,
)
def nn_clipped_scion_vs_scion(ctx: Context) -> None:
    """Unconstrained ClippedScion against unconstrained Scion on the CNN workload, fixed step.

    Setting: the CNN conv3×3(w)–conv3×3(2w)–pool–linear (GELU) on 1,000 8×8 digit images,
    cross-entropy, minibatch 100; per width, one model initialization and minibatch order per
    seed, shared by both methods. Algorithms: unconstrained Scion, d ← (1 − α)d + αg and
    x ← x + γ·lmo(d), with α = 0.5 and step γ = 2⁻⁵, the spectral LMO per weight and the bias
    RMS LMO per bias; unconstrained ClippedScion (generalized gradient norm clipping) with the
    same α, step and norms and threshold ρ = the dual norm of the seed's first minibatch
    gradient at initialization. Both take one minibatch gradient per step. Estimator: the final
    full-batch training loss and gradient norm (mean of the last two of 16 checkpoints), the
    paired difference mean_s log(clipped_s/scion_s) with Student's t CI over seeds, judged
    against the bound 0 (CI's upper end below it). Control: Scion against Scion with another
    minibatch order (A/A), judged the same way; it must show no significant difference.
    """
    comparison(ctx, "cnn", Method("clipped-scion", _clipped), Method("scion", _scion))
