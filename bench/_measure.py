"""What every benchmark shares: one client configuration for both sides, the live heap, the
figures of a set of interleaved rounds, and the machine's load while they ran.

Standard library only at import (botocore is imported when a ``Config`` is made), so any
benchmark process can use it without loading what it measures.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from typing import Any

__all__ = [
    "RETRIES",
    "aio_config",
    "check_same_config",
    "config",
    "live_heap",
    "load",
    "machine",
    "spread",
]

#: The retry configuration of *every* client of every benchmark, raw and batchkit alike:
#: batchkit's default (botocore's ``adaptive`` mode, 10 attempts; ``batchkit._core.config``),
#: given to raw boto3 explicitly -- raw boto3's own default is ``standard``, 3 attempts.
RETRIES: dict[str, Any] = {"mode": "adaptive", "total_max_attempts": 10}

#: The ``Config`` options two clients of a benchmark must agree on (all but the user agent,
#: which batchkit extends with its name).
_COMPARED = (
    "retries",
    "connect_timeout",
    "read_timeout",
    "max_pool_connections",
    "tcp_keepalive",
    "parameter_validation",
    "signature_version",
    "region_name",
)


def config(**options: Any) -> Any:
    """The botocore ``Config`` both sides get (``options`` added), e.g. ``config()``."""
    from botocore.config import Config

    return Config(retries=dict(RETRIES), **options)  # type: ignore[arg-type]


def aio_config() -> Any:
    """The same for aiobotocore clients (an ``AioConfig``)."""
    from aiobotocore.config import AioConfig

    return AioConfig(retries=dict(RETRIES))


def _options(client: Any) -> dict[str, Any]:
    cfg = client.meta.config
    options = {name: getattr(cfg, name, None) for name in _COMPARED}
    retries = dict(options["retries"] or {})
    # botocore spells the attempts either way: compare the count, not the spelling
    if "max_attempts" in retries:
        retries["total_max_attempts"] = retries.pop("max_attempts") + 1
    options["retries"] = retries
    return options


def check_same_config(raw: Any, typed: Any) -> None:
    """Fail unless the two botocore clients are configured alike (retry mode and attempts,
    timeouts, pool size...): a benchmark compares code, not configurations."""
    a, b = _options(raw), _options(typed)
    if a != b:
        raise AssertionError(f"the clients are configured differently: raw {a}, batchkit {b}")
    if a["retries"] != RETRIES:
        raise AssertionError(f"retries {a['retries']} are not the benchmarks' {RETRIES}")


def live_heap(n: int = 200_000) -> list[Any]:
    """What a real program holds while it lists jobs: ``3 * n`` small tracked objects
    (a dict, a list and a tuple each), so every full collection has a heap to walk."""
    return [{"id": i, "tags": [i], "pair": (i, str(i))} for i in range(n)]


def load() -> float:
    """The machine's 1-minute load average (0.0 where the OS does not tell)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return 0.0


def machine() -> dict[str, Any]:
    """The machine as the figures saw it: cores, this process's niceness, the load now."""
    return {
        "cpus": os.cpu_count(),
        "nice": os.nice(0) if hasattr(os, "nice") else 0,
        "load": load(),
    }


def spread(values: Sequence[float], digits: int = 2) -> dict[str, float]:
    """Median, minimum, maximum and quartiles of ``values`` (a figure and its spread)."""
    ordered = sorted(values)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return {
        "median": round(statistics.median(ordered), digits),
        "min": round(ordered[0], digits),
        "q1": round(q1, digits),
        "q3": round(q3, digits),
        "max": round(ordered[-1], digits),
    }
