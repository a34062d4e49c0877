"""AsyncWatch: follow any number of Batch jobs with one ``DescribeJobs`` per 100 jobs a poll.

Every rule -- which jobs are pending, the events of a poll, the adaptive interval, failed
polls, the deadline -- is the sans-I/O :class:`~batchkit._core.watch.WatchCore`'s; here only
the poll (``describe_jobs`` of the client, through :class:`AsyncJobReader`) is awaited, and
the wait between polls is the runtime's :class:`~batchkit._async.runtime.Waker` (woken at
once by :meth:`AsyncWatch.aclose`).

Cancellation: cancel the consuming task (or time it out) and the poll in flight is cancelled
with it (the describe result cancels its requests), the wait ends at once, and nothing keeps
running; iterating again goes on where the watch was.

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

import threading
from collections import deque
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from batchkit._async.runtime import CONSUMER, AsyncSystemClock, Closing, Waker
from batchkit._core.errors import BatchKitError, WaitTimeoutError
from batchkit._core.watch import DEFAULT_VISIBILITY_GRACE, StatusChange, WatchCore

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
    ``timeout``, :class:`~batchkit.JobNotFoundError` for ids AWS does not know (after the
    visibility grace), :class:`~batchkit.JobGoneError` for a job AWS stopped returning, and
    a failed poll's error after ``MAX_FAILED_POLLS`` failed polls in a row.

    Interrupted (a cancelled task, a ``wait_for`` timeout, Ctrl-C) during a poll or the wait
    between polls, it stays where it was: iterating again finishes the wait (or makes the
    poll again) and goes on reporting changes.  After the timeout it raises the same
    :class:`~batchkit.WaitTimeoutError` again; after another error it polls again.
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
        visibility_grace: float = DEFAULT_VISIBILITY_GRACE,
    ) -> None:
        super().__init__(
            ids,
            until=until,
            timeout=timeout,
            interval=interval,
            progress=progress,
            visibility_grace=visibility_grace,
        )
        self._batch = batch
        self._max_concurrency = max_concurrency
        self._clock: Clock | AsyncClock = clock if clock is not None else AsyncSystemClock()
        self._waker = Waker()
        self._ready: deque[StatusChange] = deque()  # a poll's changes not yielded yet
        self._started = False
        self._after: tuple[BatchKitError | None, bool, float] | None = None  # a poll's outcome
        self._next_poll: float | None = None  # when the next poll is due (monotonic)
        self._timed_out_error: WaitTimeoutError | None = None
        self._busy = threading.Lock()

    def __aiter__(self) -> AsyncWatch:
        return self

    async def __anext__(self) -> StatusChange:
        if not self._busy.acquire(blocking=False):
            raise BatchKitError(
                f"watch: being iterated elsewhere (another {CONSUMER}); a watch is for one "
                "consumer at a time"
            )
        try:
            while not self._ready:
                if not self.pending_ids or self._waker.stopped:
                    raise StopAsyncIteration
                await self._step()
            return self._ready.popleft()
        finally:
            self._busy.release()

    async def aclose(self) -> None:
        """Stop following the jobs; iteration ends.  Safe from anywhere: a waiting watch
        wakes at once, a poll in progress finishes first."""
        self._waker.stop()
        self._ready.clear()

    async def _drain(self) -> list[JobDetail]:
        async for _change in self:
            pass
        if not self.done:  # closed from elsewhere
            raise BatchKitError(f"the watch was closed with {len(self.pending_ids)} job(s) left")
        return list(self.jobs)

    # ---------------------------------------------------------------- the loop

    async def _step(self) -> None:
        """One step of the loop: the wait that is due (or what is left of it), then a poll.

        Each piece of state changes only once its step is complete, so an interruption
        anywhere leaves the watch able to go on: an interrupted wait is finished by the next
        step, an interrupted poll is made again."""
        clock = self._clock
        if self._timed_out_error is not None:
            raise self._timed_out_error
        if not self._started:
            self._start(clock.monotonic())
            self._started = True
        if self._after is not None:
            error, changed, started = self._after
            self._after = None
            now = clock.monotonic()
            try:
                delay = self._next_delay(error, changed, started, now)
            except WaitTimeoutError as timed_out:
                self._timed_out_error = timed_out
                raise
            self._next_poll = now + delay
        if self._next_poll is not None:
            left = self._next_poll - clock.monotonic()
            if left > 0:
                await self._waker.sleep(clock, left)
            self._next_poll = None
            if self._waker.stopped:
                return
        started = clock.monotonic()
        seen, error = await self._poll()
        changes, changed = self._changes(seen, clock.now())
        self._ready.extend(changes)
        if self.pending_ids and not self._waker.stopped:
            self._after = (error, changed, started)

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
        self._end_poll(seen, missing, self._clock.monotonic())
        return seen, error
