"""Workloads: offline data, twice-differentiable models, budget accounting, and the comparison
claims' plumbing (ratecheck/claims/workloads; skipped without the torch extra)."""

import math
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

import ratecheck  # noqa: E402
from ratecheck.workloads import WORKLOADS, digits, stdlib_text, train  # noqa: E402
from ratecheck.workloads.data import char_tokens, digits_validation  # noqa: E402
from ratecheck.workloads.train import first_gradient, initial_model, minibatches  # noqa: E402

NN_CLAIMS = [c.id for c in ratecheck.all_claims() if c.family == "workloads"]


def test_data_is_offline_real_and_deterministic():
    X, y = digits(1000)
    assert X.shape == (1000, 64) and 0 <= X.min() and X.max() <= 1 and set(y) == set(range(10))
    Xv, yv = digits_validation(1000)
    assert Xv.shape == (797, 64) and set(yv) == set(range(10))
    assert not {r.tobytes() for r in X[:50]} & {r.tobytes() for r in Xv}  # a disjoint split
    text = stdlib_text()
    assert text == stdlib_text() and len(text) > 100_000
    codes, alphabet = char_tokens(text)
    assert "".join(alphabet[i] for i in codes[:200]) == text[:200]


@pytest.mark.parametrize(
    "device", ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)], ids=["cpu", "cuda"]
)
@pytest.mark.parametrize("name", list(WORKLOADS))
def test_models_are_twice_differentiable(name, device):
    """Hessian-vector products (HCM-LMO's oracle) through every model; on CUDA too, where the
    LSTM must run without cuDNN, whose kernel has no double backward."""
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("PyTorch sees no CUDA device")
    workload = WORKLOADS[name]
    model = initial_model(workload, 0, 8 if name != "transformer" else 16, device)
    xb, yb = next(minibatches(workload, 0, device=device))
    params = list(model.parameters())
    grads = torch.autograd.grad(workload.loss(model, xb, yb), params, create_graph=True)
    v = [torch.randn_like(p) for p in params]
    hv = torch.autograd.grad(grads, params, grad_outputs=v, allow_unused=True)
    assert any(h is not None and float(h.abs().sum()) > 0 for h in hv)


def test_same_seed_same_model_and_batches_other_stream_other_batches():
    w = WORKLOADS["mlp"]
    a, b = initial_model(w, 3), initial_model(w, 3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    (xa, _), (xb, _) = next(minibatches(w, 3)), next(minibatches(w, 3, stream=29))
    assert not torch.equal(xa, xb)
    g1, g2 = first_gradient(w, 3), first_gradient(w, 3)
    assert all(torch.equal(p, q) for p, q in zip(g1, g2))


def test_budget_is_counted_in_oracle_calls():
    from ratecheck.torch import HCMLMO

    w = WORKLOADS["mlp"]
    curves = train(
        w,
        lambda ps: HCMLMO(ps, lr=0.03, momentum=0.1),
        40,
        0,
        calls_per_step=2,
        closure=True,
        checkpoints=4,
    )
    assert curves.calls[-1] == 40 and list(curves.calls) == [0, 10, 20, 30, 40]
    assert math.isfinite(curves.loss[-1]) and curves.loss[-1] < curves.loss[0]
    assert curves.val_loss.shape == curves.calls.shape and curves.val_loss[-1] < curves.val_loss[0]
    assert np.all((0 <= curves.val_accuracy) & (curves.val_accuracy <= 1))
    assert not curves.diverged


def test_nn_claims_require_torch():
    assert len(NN_CLAIMS) == 5
    kinds = {cid: ratecheck.get_claim(cid).kind for cid in NN_CLAIMS}
    assert sorted(kinds.values()) == ["comparison"] * 4 + ["exponent"]
    for cid in NN_CLAIMS:
        claim = ratecheck.get_claim(cid)
        assert "torch" in claim.requires and not claim.missing


def test_claim_modules_import_without_torch_and_report_it_missing():
    """The five claims are listed where torch cannot be imported (PyTorch is imported only
    when a claim runs), each saying that torch is missing."""
    code = (
        "import sys; sys.modules['torch'] = None; import ratecheck; "
        "cs = [c for c in ratecheck.all_claims() if c.family == 'workloads']; "
        "print(sorted(c.id for c in cs), {c.missing for c in cs}, "
        "'ratecheck.workloads' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (
        out.stdout.split()
        == (
            "['nn-clipped-scion-vs-scion', 'nn-hcm-vs-momentum-lstm', 'nn-hcm-vs-momentum-mlp', "
            "'nn-lr-transfer', 'nn-transported-vs-batched-scion'] {('torch',)} False"
        ).split()
    )


def test_workloads_run_on_the_cpu_for_numpy_and_refuse_a_missing_gpu():
    from ratecheck.backend import torch_device
    from ratecheck.errors import UsageError

    assert torch_device("numpy") == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(UsageError, match="valid choices here: numpy"):
            torch_device("cupy")


def _short_mlp_run(**device):
    from ratecheck.torch import Scion

    optimizer = lambda ps: Scion(ps, lr=2.0**-5, momentum=0.5, unconstrained=True)  # noqa: E731
    return train(WORKLOADS["mlp"], optimizer, 20, 1, checkpoints=4, **device)


@pytest.mark.parametrize("name", ["mlp", "lstm"])
def test_a_final_only_run_ends_where_a_run_with_checkpoints_ends(name):
    """Tuning trials evaluate only the held-out set at the end: evaluations never change the
    training, so that value is bit for bit the one a run with checkpoints ends with."""
    from ratecheck.torch import Scion

    optimizer = lambda ps: Scion(ps, lr=2.0**-5, momentum=0.5, unconstrained=True)  # noqa: E731
    w, width = WORKLOADS[name], 8
    full = train(w, optimizer, 12, 2, width=width, checkpoints=4)
    tuned = train(w, optimizer, 12, 2, width=width, final_only=True)
    assert list(tuned.calls) == [12] and math.isnan(tuned.loss[0])
    assert tuned.val_loss[-1] == full.val_loss[-1]
    assert tuned.val_accuracy[-1] == full.val_accuracy[-1] and not tuned.diverged


def test_a_final_only_run_that_blows_up_is_diverged():
    def optimizer(ps):  # the weights overflow to inf, the logits to NaN
        return torch.optim.SGD(ps, lr=1e38)

    curves = train(WORKLOADS["mlp"], optimizer, 20, 0, final_only=True)
    assert curves.diverged and not math.isfinite(curves.val_loss[-1])
    assert train(WORKLOADS["mlp"], optimizer, 20, 0, checkpoints=4).diverged  # as with checkpoints


def test_a_run_on_an_explicit_cpu_device_is_the_default_run():
    a, b = _short_mlp_run(device="cpu"), _short_mlp_run()
    assert list(a.loss) == list(b.loss) and list(a.grad_norm) == list(b.grad_norm)


@pytest.mark.gpu
def test_training_on_cuda_follows_the_cpu():
    """float32 on two devices: the same initial model and batches, curves equal to 1e-3 relative
    over 20 Scion steps (kernels differ in summation order, not in arithmetic)."""
    if not torch.cuda.is_available():
        pytest.skip("PyTorch sees no CUDA device")
    cpu, cuda = _short_mlp_run(device="cpu"), _short_mlp_run(device="cuda")
    assert cpu.loss[0] == pytest.approx(cuda.loss[0], rel=1e-5)
    for a, b in zip(cpu.loss, cuda.loss):
        assert b == pytest.approx(a, rel=1e-3)
