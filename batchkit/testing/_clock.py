"""ManualClock: time that passes only when told to -- for watches, waits and FakeAWS.

Why: a watch sleeps between polls; a test must not.  Give the same clock to
``FakeAWS(now=clock.now)`` (whose job lifecycle follows it) and to
``batch.watch(..., clock=clock)`` (whose sleeps advance it at once): a two-hour watch then
runs in milliseconds and every sleep is recorded.

>>> from datetime import timedelta
>>> clock = ManualClock()
>>> clock.sleep(5)
>>> clock.advance(timedelta(minutes=1))
>>> clock.monotonic(), clock.sleeps
(65.0, [5.0])
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

__all__ = ["ManualClock"]

#: Where a ManualClock starts by default (any fixed, aware time would do).
START = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


class ManualClock:
    """A clock for tests (satisfies :class:`batchkit.Clock`); thread-safe.

    ``sleep(s)`` records ``s`` in :attr:`sleeps` and advances the time by ``s`` without
    waiting; ``on_sleep`` (called with the seconds, before advancing) lets a test act at a
    given sleep: press Ctrl-C (raise ``KeyboardInterrupt``), close a watch, change jobs.
    """

    def __init__(
        self,
        start: datetime = START,
        *,
        on_sleep: Callable[[float], None] | None = None,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("start: give a timezone-aware datetime")
        self._start = start
        self._elapsed = 0.0
        self._lock = threading.Lock()
        self.on_sleep = on_sleep
        self.sleeps: list[float] = []
        """Every sleep, in seconds, in order."""

    def now(self) -> datetime:
        """The current (manual) time."""
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        """Seconds since the clock was made (plus every advance)."""
        with self._lock:
            return self._elapsed

    def sleep(self, seconds: float) -> None:
        """Record the sleep and advance by ``seconds`` at once."""
        if seconds < 0:
            raise ValueError(f"sleep: negative seconds {seconds}")
        with self._lock:
            self.sleeps.append(float(seconds))
        if self.on_sleep is not None:
            self.on_sleep(seconds)
        self.advance(seconds)

    def advance(self, seconds: float | timedelta) -> None:
        """Move the time forward."""
        step = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
        if step < 0:
            raise ValueError(f"advance: time does not go back ({step} s)")
        with self._lock:
            self._elapsed += step
