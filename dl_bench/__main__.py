"""``python -m dl_bench``: run the benchmark (see :mod:`dl_bench.bench`)."""

import sys

from .bench import main

sys.exit(0 if main() else 1)
