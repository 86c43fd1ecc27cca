"""``python -m ratecheck``: the ``ratecheck`` command, for machines where the package is on
PYTHONPATH rather than installed (the device machine's check script, DEVELOPERS.md)."""

import sys

from ratecheck.cli import main

sys.exit(main())
