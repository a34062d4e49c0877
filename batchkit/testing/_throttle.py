"""Throttling like AWS, and time that passes without waiting.

:class:`RateLimit` is FakeAWS's request-rate limit: beyond ``per_second`` requests in one
second of its clock, per operation, a request is answered with HTTP 429
``TooManyRequestsException`` -- DescribeJobs throttling is what large accounts meet first.

:class:`SimulatedClock` is a clock that only moves when something sleeps on it.  Inside
:meth:`SimulatedClock.patch_botocore`, botocore's retry backoff (``endpoint.time.sleep``)
and its ``adaptive`` retry mode's client-side rate limiter (the token bucket's clock and
its waits) run on it: a test of botocore retrying throttled requests, at any scale, takes
no real time.  Give the same clock to :meth:`FakeAWS.set_rate_limit` and the fake's
seconds are botocore's seconds.

>>> from batchkit.testing import FakeAWS, SimulatedClock
>>> clock = SimulatedClock()
>>> fake = FakeAWS()
>>> limit = fake.set_rate_limit(5, operation="DescribeJobs", clock=clock)
>>> [limit.exceeded("DescribeJobs") for _ in range(6)]
[False, False, False, False, False, True]
>>> clock.sleep(1.0)
>>> limit.exceeded("DescribeJobs"), limit.throttled
(False, 1)
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["RateLimit", "SimulatedClock"]


class RateLimit:
    """At most ``per_second`` accepted requests per second of ``clock``, per operation.

    Fixed one-second windows (``floor(clock())``): deterministic, and what "N requests a
    second" means to a reader.  A throttled request does not count towards the window.
    """

    def __init__(
        self,
        per_second: int,
        *,
        operation: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not isinstance(per_second, int) or isinstance(per_second, bool) or per_second < 1:
            raise ValueError(f"per_second: an int >= 1, got {per_second!r}")
        self.per_second = per_second
        self.operation = operation
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}  # operation -> (second, accepted)
        self.requests = 0
        """Requests seen by the limit (throttled ones included)."""
        self.throttled = 0
        """Requests answered with 429."""

    def exceeded(self, operation: str) -> bool:
        """Count one request of ``operation``; True if it must be throttled."""
        if self.operation not in (None, operation):
            return False
        second = math.floor(self._clock())
        with self._lock:
            self.requests += 1
            window, accepted = self._windows.get(operation, (second, 0))
            if window != second:
                window, accepted = second, 0
            if accepted >= self.per_second:
                self.throttled += 1
                self._windows[operation] = (window, accepted)
                return True
            self._windows[operation] = (window, accepted + 1)
            return False


class SimulatedClock:
    """Seconds that pass when something sleeps on this clock, never for real.

    Thread-safe.  Every sleep advances the one shared time, so with several threads time
    runs faster than it would for real (sleeps add up instead of overlapping): a rate
    limiter on this clock is, if anything, more lenient -- never stricter -- than on a
    real one.
    """

    def __init__(self, start: float = 1_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self.slept = 0.0
        """Total seconds slept on this clock."""
        self.sleeps = 0
        """How many times something slept on it."""

    def __call__(self) -> float:
        return self.time()

    def time(self) -> float:
        """The current simulated time (seconds)."""
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        """Advance the time by ``seconds`` (at once)."""
        if seconds <= 0:
            return
        with self._lock:
            self._now += seconds
            self.slept += seconds
            self.sleeps += 1

    @contextmanager
    def patch_botocore(self) -> Iterator[SimulatedClock]:
        """Within the block, botocore's retry sleeps and the ``adaptive`` retry mode's rate
        limiter run on this clock -- aiobotocore's too, when it is installed.  Create the
        clients inside the block: the adaptive limiter takes its clock when a client is
        created.  (The ``batchkit_fake`` pytest fixture does this for its test.)"""
        import botocore.endpoint
        from botocore.retries import bucket

        clock = self

        class _BotocoreClock(bucket.Clock):
            def sleep(self, amount: float) -> None:
                clock.sleep(amount)

            def current_time(self) -> float:
                return clock.time()

        class _Condition(threading.Condition):
            def wait(self, timeout: float | None = None) -> bool:
                # The token bucket waits for tokens to refill: let that time pass at once
                # (at least a microsecond: a shorter step could vanish in float rounding,
                # and the bucket would wait for ever).
                clock.sleep(max(timeout or 0.0, 1e-6))
                return True

        threading_shim = types.SimpleNamespace(Lock=threading.Lock, Condition=_Condition)
        time_shim = types.SimpleNamespace(sleep=self.sleep, time=self.time)
        patches: list[tuple[Any, str, Any]] = [
            (bucket, "Clock", _BotocoreClock),
            (bucket, "threading", threading_shim),
            (botocore.endpoint, "time", time_shim),
        ]
        patches += self._aiobotocore_patches(_BotocoreClock)
        saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
        for module, name, value in patches:
            setattr(module, name, value)
        try:
            yield self
        finally:
            for module, name, value in saved:
                setattr(module, name, value)

    def _aiobotocore_patches(self, clock_class: type[Any]) -> list[tuple[Any, str, Any]]:
        """The same for aiobotocore's clients, when it is installed: its endpoint's retry
        sleep and its adaptive mode's token bucket (clock and waits) are its own."""
        import importlib.util

        if importlib.util.find_spec("aiobotocore") is None:
            return []
        import aiobotocore.endpoint
        import aiobotocore.retries.bucket as aio_bucket

        clock = self

        async def sleep(_endpoint: Any, amount: float) -> None:
            clock.sleep(amount)
            await asyncio.sleep(0)  # still a point where the task can be cancelled

        async def wait_for_new_fill_rate(_bucket: Any, amount: float) -> None:
            clock.sleep(max(amount, 1e-6))
            await asyncio.sleep(0)

        patches: list[tuple[Any, str, Any]] = [(aio_bucket, "Clock", clock_class)]
        for name in ("AioEndpoint", "AnyioEndpoint"):
            endpoint = getattr(aiobotocore.endpoint, name, None)
            if endpoint is not None and "_sleep" in vars(endpoint):
                patches.append((endpoint, "_sleep", sleep))
        for name in ("AsyncTokenBucket", "AnyioTokenBucket"):
            token_bucket = getattr(aio_bucket, name, None)
            if token_bucket is not None and "_wait_for_new_fill_rate" in vars(token_bucket):
                patches.append((token_bucket, "_wait_for_new_fill_rate", wait_for_new_fill_rate))
        return patches
