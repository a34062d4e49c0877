"""AsyncWatch: follow any number of Batch jobs with one ``DescribeJobs`` per 100 jobs a poll.

Every rule -- which jobs are pending, the events of a poll, the adaptive interval, failed
polls, the deadline -- is the sans-I/O :class:`~batchkit._core.watch.WatchCore`'s; here only
the poll (``describe_jobs`` of the client, through :class:`AsyncJobReader`) is awaited, and
the wait between polls is the runtime's :class:`~batchkit._async.runtime.Waker` (woken at
once by :meth:`AsyncWatch.aclose`).

Cancellation: cancel the consuming task (or time it out) and the poll in flight is cancelled
with it (the describe result cancels its requests), the wait ends at once, and nothing keeps
running.

>>> import asyncio
>>> from batchkit.testing import FakeAWS, ManualClock
>>> clock = ManualClock()
>>> fake = FakeAWS(now=clock.now)
>>> job = fake.add_job("q", job_name="etl", status="SUBMITTED")
>>> fake.lifecycle.schedule(job.job_id, [("RUNNABLE", 5), ("RUNNING", 20), ("SUCCEEDED", 90)])
>>> async def main() -> None:
...     async with fake.async_batch_client() as batch:
...         async for change in batch.watch([job.job_id], clock=clock):
...             print(change.old, "->", change.new)
>>> asyncio.run(main())
None -> SUBMITTED
SUBMITTED -> RUNNABLE
RUNNABLE -> RUNNING
RUNNING -> SUCCEEDED
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from batchkit._async.runtime import AsyncSystemClock, Closing, Waker, close_generator
from batchkit._core.errors import BatchKitError
from batchkit._core.watch import StatusChange, WatchCore

if TYPE_CHECKING:
    from batchkit._async.protocols import AsyncJobReader
    from batchkit._core.watch import AsyncClock, Clock
    from batchkit.models import JobDetail, JobStatus

__all__ = ["AsyncWatch"]


class AsyncWatch(WatchCore, Closing, AsyncIterator[StatusChange]):
    """What ``watch()`` returns: :class:`~batchkit.StatusChange` events until every job is
    done, then it ends.

    A context manager: leaving the block or :meth:`aclose` (from anywhere) stops it, and a
    waiting watch wakes at once.  :attr:`jobs` is the last description of every job so far
    (what a live table shows).  Raises :class:`~batchkit.WaitTimeoutError` at the
    ``timeout``, :class:`~batchkit.JobNotFoundError` for ids AWS does not know, and a failed
    poll's error after ``MAX_FAILED_POLLS`` failed polls in a row.
    """

    def __init__(
        self,
        batch: AsyncJobReader,
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
        self._waker = Waker()
        self._iterator: AsyncIterator[StatusChange] = self._run()

    def __aiter__(self) -> AsyncWatch:
        return self

    async def __anext__(self) -> StatusChange:
        return await self._iterator.__anext__()

    async def aclose(self) -> None:
        """Stop following the jobs; iteration ends.  Safe from anywhere: a waiting watch
        wakes at once, a poll in progress finishes first."""
        self._waker.stop()
        await close_generator(self._iterator)

    async def _drain(self) -> list[JobDetail]:
        async for _change in self:
            pass
        if not self.done:  # closed from elsewhere
            raise BatchKitError(f"the watch was closed with {len(self.pending_ids)} job(s) left")
        return list(self.jobs)

    # ---------------------------------------------------------------- the loop

    async def _run(self) -> AsyncIterator[StatusChange]:
        clock = self._clock
        waker = self._waker
        self._start(clock.monotonic())
        while self.pending_ids and not waker.stopped:
            started = clock.monotonic()
            seen, error = await self._poll()
            changes, changed = self._changes(seen, clock.now())
            for change in changes:
                yield change
            if not self.pending_ids or waker.stopped:
                return
            delay = self._next_delay(error, changed, started, clock.monotonic())
            await waker.sleep(clock, delay)

    async def _poll(self) -> tuple[dict[str, JobDetail], BatchKitError | None]:
        """Describe every pending job once; keep what arrived.  A failure after botocore's
        retries is returned (the jobs of other chunks were still read)."""
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
