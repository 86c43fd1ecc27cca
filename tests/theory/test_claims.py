import pytest

from ratecheck import all_claims, get_claim
from ratecheck.errors import UsageError
from ratecheck.theory.claim import KINDS, Claim, Provenance

POLYAK_IDS = ["hb-quadratic-rate", "hb-acceleration", "hb-polyak-transient", "hb-not-global"]


def test_registry_holds_the_polyak_claims():
    ids = [c.id for c in all_claims()]
    for cid in POLYAK_IDS:
        assert cid in ids


def test_unknown_claim_names_valid_ids():
    with pytest.raises(UsageError, match="hb-acceleration"):
        get_claim("no-such-claim")


@pytest.mark.parametrize("cid", POLYAK_IDS)
def test_every_claim_states_provenance_and_control(cid):
    claim = get_claim(cid)
    assert claim.kind in KINDS
    assert claim.provenance and claim.control and claim.source
    assert claim.derived  # each of these has a [derived] or [unknown] item (reference §2-§6)


def test_derived_items_are_labelled_as_such():
    """The reference marks C₀ as [derived]: reporting it as the paper's is a test failure."""
    labels = {p.item: p.label for p in get_claim("hb-quadratic-rate").provenance}
    assert labels["C₀ = 2(β+1)/√h_min"] == "derived"
    with pytest.raises(ValueError):
        Provenance("x", "folklore")


def test_bad_kind_rejected():
    with pytest.raises(ValueError):
        Claim("x", "vibes", "f", "s", "st", lambda: 0, "", 0.1, "", "", ())
