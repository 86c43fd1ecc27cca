"""Quick verdicts shared by the claim-test modules: each claim is verified once per session."""

import pytest

import ratecheck


class QuickVerdicts:
    """``quick_verdicts(ids)``: {id: Verdict} in quick mode, each claim run once per session,
    its results written under a session folder (``folders[id]``: the results folder)."""

    def __init__(self, root):
        self.root, self.verdicts, self.folders = root, {}, {}

    def __call__(self, ids):
        missing = [i for i in ids if i not in self.verdicts]
        if missing:
            folder = self.root / f"batch-{len(set(self.folders.values()))}"
            for v in ratecheck.verify(missing, quick=True, out=folder):
                self.verdicts[v.claim.id], self.folders[v.claim.id] = v, folder
        return {i: self.verdicts[i] for i in ids}


@pytest.fixture(scope="session")
def quick_verdicts(tmp_path_factory):
    return QuickVerdicts(tmp_path_factory.mktemp("quick-verdicts"))
