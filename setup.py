"""Records the git revision of the source tree in the built package (``ratecheck/_build.py``),
so that a non-editable install can name the revision its results came from."""

import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def _revision() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, cwd=here
        ).stdout.strip()
        if not top or Path(top).resolve() != here:
            return None
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=here
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=here,
        ).stdout.strip()
    except OSError:
        return None
    return (rev + ("+dirty" if dirty else "")) if rev else None


class BuildWithRevision(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "ratecheck" / "_build.py"
        target.write_text(
            f'"""Written at build time by setup.py."""\n\nGIT_REVISION = {_revision()!r}\n'
        )


setup(cmdclass={"build_py": BuildWithRevision})
