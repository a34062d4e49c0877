"""How many examples each property test (fuzzer) runs.

All of them by default.  ``BATCHKIT_FUZZ_SCALE=k`` runs a k-th of them (at least 10): nox
runs every fuzzer in full on 3.13 and in the async session, and a quarter of each on the
other Pythons (under coverage tracing on 3.11), which keeps CI within its time budget while
every fuzzer still runs on every Python (noxfile.py).
"""

from __future__ import annotations

import os

__all__ = ["examples"]

SCALE = max(int(os.environ.get("BATCHKIT_FUZZ_SCALE", "1") or "1"), 1)


def examples(n: int) -> int:
    """``n`` examples, scaled by ``BATCHKIT_FUZZ_SCALE``."""
    return max(n // SCALE, min(n, 10))
