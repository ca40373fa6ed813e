"""`python -m inaproc.seal`: the offline sealing tool (see inaproc/seal/cli.py)."""

import sys

from inaproc.seal.cli import main

sys.exit(main())
