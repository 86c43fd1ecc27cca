"""Random streams: seeds are independent of how many there are; sample buffers keep each seed's
order and bound their memory."""

import numpy as np
import pytest

from ratecheck.seeding import SampleBuffer, Streams


def test_adding_seeds_keeps_existing_streams_and_first_seed_selects_one():
    a, b = Streams("s", 0, 2), Streams("s", 0, 5)
    assert a.oracle[1].random() == b.oracle[1].random()
    assert Streams("s", 0, 1, first_seed=3).init[0].random() == Streams("s", 0, 4).init[3].random()


def test_buffer_order_matches_direct_draws_whatever_the_chunk():
    def normal(r, shape):
        return r.standard_normal(shape)

    direct = np.random.default_rng(1).standard_normal((10, 2, 3))
    for chunk in (1, 3, 512):
        buf = SampleBuffer([np.random.default_rng(1)], normal, (2, 3), chunk=chunk)
        got = np.concatenate([buf.take(2) for _ in range(5)], axis=1)[0]
        np.testing.assert_array_equal(got, direct)


def test_chunk_is_capped_by_memory():
    gens = [np.random.default_rng(i) for i in range(64)]
    buf = SampleBuffer(gens, lambda r, s: r.standard_normal(s), (256, 256))
    assert buf.chunk * 64 * 256 * 256 * 8 <= SampleBuffer.CHUNK_BYTES
    assert SampleBuffer(gens[:2], lambda r, s: r.random(s), (4, 4)).chunk == 512


def test_take_like_gives_the_same_samples_on_the_reference_namespace():
    def normal(r, shape):
        return r.standard_normal(shape)

    plain = SampleBuffer([np.random.default_rng(2)], normal, (3,), chunk=4)
    placed = SampleBuffer([np.random.default_rng(2)], normal, (3,), chunk=4)
    reference = np.zeros(3, dtype=np.float32)
    for count in (1, 3, 2, 4):  # crosses refills, one with leftover samples
        expected = plain.take(count)
        np.testing.assert_array_equal(placed.take(count, like=reference), expected)
    torch = pytest.importorskip("torch")
    mean = placed.mean(2, like=torch.zeros(3, dtype=torch.float32))
    assert isinstance(mean, torch.Tensor) and mean.dtype == torch.float32
    np.testing.assert_allclose(mean.numpy(), plain.take(2).mean(axis=1), rtol=1e-6)
