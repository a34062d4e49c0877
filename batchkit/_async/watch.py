"""AsyncWatch: :class:`batchkit.Watch`'s twin for ``async for``.

Both derive from :class:`batchkit._core.watch.WatchCore`, the sans-I/O rules of a watch (which
jobs are pending, the events of a poll, the adaptive interval, failed polls, the deadline):
only the poll (``AsyncBatchClient.describe_jobs``) is awaited here, and the wait between
polls is ``await clock.sleep(...)`` -- :func:`asyncio.sleep` by default.

Cancellation: cancel the consuming task (or time it out) and the poll in flight is
cancelled with it (``AsyncJobDetails`` cancels its requests), the sleep ends at once, and
nothing keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from batchkit._async.runtime import AsyncClosing
from batchkit._core.errors import BatchKitError
from batchkit._core.watch import Clock, StatusChange, SystemClock, WatchCore

if TYPE_CHECKING:
    from batchkit._async.client import AsyncBatchClient
    from batchkit.models import JobDetail, JobStatus

__all__ = ["AsyncClock", "AsyncSystemClock", "AsyncWatch"]


class AsyncClock(Protocol):
    """A :class:`batchkit.Clock` whose ``sleep`` is awaited."""

    def now(self) -> datetime:
        """The current time, timezone-aware (stamps :attr:`StatusChange.at`)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (intervals and timeouts)."""
        ...

    def sleep(self, seconds: float) -> Awaitable[None]:
        """Wait ``seconds`` without blocking the event loop."""
        ...


class AsyncSystemClock(SystemClock):
    """The real clock for asyncio (the default): :func:`asyncio.sleep`."""

    async def sleep(self, seconds: float) -> None:  # type: ignore[override]
        await asyncio.sleep(seconds)


class AsyncWatch(WatchCore, AsyncClosing, AsyncIterator[StatusChange]):
    """What :meth:`AsyncBatchClient.watch` returns: ``async for`` over
    :class:`batchkit.StatusChange` events until every job is done.

    The same rules as :class:`batchkit.Watch` (one DescribeJobs per 100 pending jobs a poll,
    the adaptive interval, ``until``, ``timeout``, unknown ids, failed polls).  An async
    context manager: leaving the block or :meth:`aclose` stops it (a sleeping watch wakes
    at once); :attr:`jobs` is the last description of every job so far.
    """

    def __init__(
        self,
        batch: AsyncBatchClient,
        ids: list[tuple[str, str]],
        *,
        until: frozenset[JobStatus],
        timeout: float | None,
        interval: tuple[float, float],
        max_concurrency: int,
        progress: bool,
        clock: Clock | AsyncClock | None,
    ) -> None:
        super().__init__(ids, until=until, timeout=timeout, interval=interval, progress=progress)
        self._batch = batch
        self._max_concurrency = max_concurrency
        self._clock: Clock | AsyncClock = clock if clock is not None else AsyncSystemClock()
        self._stopped = False
        self._wake: asyncio.Event | None = None
        self._iterator: AsyncIterator[StatusChange] = self._run()

    def __aiter__(self) -> AsyncWatch:
        return self

    async def __anext__(self) -> StatusChange:
        return await self._iterator.__anext__()

    async def aclose(self) -> None:
        """Stop following the jobs; iteration ends (a sleeping watch wakes at once)."""
        self._stopped = True
        if self._wake is not None:
            self._wake.set()
        # RuntimeError: another task is inside the loop; it sees the flag and ends
        with contextlib.suppress(RuntimeError):
            await self._iterator.aclose()  # type: ignore[attr-defined]

    async def _drain(self) -> list[JobDetail]:
        async for _change in self:
            pass
        if not self.done:  # closed by another task
            raise BatchKitError(f"the watch was closed with {len(self.pending_ids)} job(s) left")
        return list(self.jobs)

    # ---------------------------------------------------------------- the loop

    async def _run(self) -> AsyncIterator[StatusChange]:
        clock = self._clock
        self._start(clock.monotonic())
        while self.pending_ids and not self._stopped:
            started = clock.monotonic()
            seen, error = await self._poll()
            changes, changed = self._changes(seen, clock.now())
            for change in changes:
                yield change
            if not self.pending_ids or self._stopped:
                return
            await self._sleep(self._next_delay(error, changed, started, clock.monotonic()))

    async def _sleep(self, seconds: float) -> None:
        if type(self._clock) is AsyncSystemClock:
            # aclose() from another task wakes it
            self._wake = self._wake or asyncio.Event()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), seconds)
            return
        outcome = self._clock.sleep(seconds)
        if inspect.isawaitable(outcome):  # a sync Clock (ManualClock) just advances
            await outcome

    async def _poll(self) -> tuple[dict[str, JobDetail], BatchKitError | None]:
        seen: dict[str, JobDetail] = {}
        error: BatchKitError | None = None
        async with self._batch.describe_jobs(
            self._begin_poll(), max_concurrency=self._max_concurrency
        ) as details:
            try:
                async for job in details:
                    seen[job.job_id] = job
            except BatchKitError as failure:
                error = failure
            missing = details.missing_ids
        self._end_poll(seen, missing)
        return seen, error
