"""AsyncJobDetails: ``describe_jobs``' lazy result on asyncio (hand-written).

Why hand-written: concurrency differs between the faces (here tasks and a semaphore, in
``batchkit/_sync/describe.py`` a thread pool), so the two results are written side by side,
httpx-style; what a DescribeJobs answer yields and how failures are accounted for is
:mod:`batchkit._core.describe`'s, shared.

Cancellation: cancelling the consuming task cancels the requests still running, waits for
them, and keeps the result resumable: iterating again re-sends the requests that were cut
short.  A cancel while the input (an ``AsyncPager``) awaits a page leaves the input where
it was, with the ids already read kept: iterating again reads on.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, TypeAlias

from batchkit._async.runtime import Closing
from batchkit._async.source import AsyncPageSource
from batchkit._core.checks import check_count
from batchkit._core.describe import describe_failure, described, input_failure, taken_back
from batchkit._core.errors import BatchKitError
from batchkit._core.pager import SKIPPED_KEPT, RawPage, SkippedItem
from batchkit._core.plans import item_model
from batchkit._spec.operations import DESCRIBE_JOBS

if TYPE_CHECKING:
    import pandas as pd

    from batchkit.models import JobDetail

__all__ = ["AsyncJobDetails"]


class _Interrupt:
    """A Ctrl-C (or ``SystemExit``) raised inside a request's task, for the consumer."""

    def __init__(self, interrupt: BaseException) -> None:
        self.interrupt = interrupt


_Outcome: TypeAlias = "RawPage[JobDetail] | BatchKitError | _Interrupt"


class AsyncJobDetails(Closing, AsyncIterator["JobDetail"]):
    """The lazy result of :meth:`AsyncBatchClient.describe_jobs`: ``async for`` over
    ``JobDetail``\\ s, in input order.

    An async context manager: leaving the block (or :meth:`aclose`) cancels the requests
    still running and waits for them, so no task outlives it.  Cancelling the consuming
    task does the same, and keeps it resumable: iterating again re-sends the requests that
    were cut short.
    """

    def __init__(
        self,
        client: Any,
        ids: Iterator[str] | AsyncIterator[str],
        max_concurrency: int,
        *,
        fast: bool = True,
        on_invalid: str = "raise",
    ) -> None:
        self._source: AsyncPageSource[JobDetail] = AsyncPageSource(
            client, DESCRIBE_JOBS, {}, fast=fast, on_invalid=on_invalid
        )
        self._ids = ids
        self._input_done = False
        self._input_error: BaseException | None = None
        # Chunks read from the input but not sent (or sent and cut short by a cancel).
        self._pending: deque[list[str]] = deque()
        # Ids of the next chunk read so far (kept when a cancel interrupts the input).
        self._partial: list[str] = []
        self._concurrency = max_concurrency
        self._widened = False  # the first request has been answered: go side by side
        self._limit: asyncio.Semaphore | None = None
        self._window: deque[tuple[list[str], asyncio.Future[_Outcome]]] = deque()
        self._ready: deque[JobDetail] = deque()
        self._missing: list[str] = []
        self._failed_ids: list[str] = []
        self._skipped: list[SkippedItem] = []  # bounded: SKIPPED_KEPT
        self._first_error: BatchKitError | None = None
        self._closed = False
        self._busy = False

    @property
    def missing_ids(self) -> tuple[str, ...]:
        """Requested ids AWS did not return (so far)."""
        return tuple(self._missing)

    @property
    def skipped(self) -> tuple[SkippedItem, ...]:
        """Jobs AWS returned that could not be typed, left out under ``on_invalid="skip"``
        (their ids are in neither ``missing_ids`` nor ``undescribed_ids``)."""
        return tuple(self._skipped)

    @property
    def undescribed_ids(self) -> tuple[str, ...]:
        """Requested ids whose request failed so far (see ``BatchKitError.undescribed_ids``)."""
        return tuple(self._failed_ids)

    def __aiter__(self) -> AsyncJobDetails:
        return self

    async def __anext__(self) -> JobDetail:
        if self._busy:
            raise BatchKitError(
                "DescribeJobs: these details are being iterated elsewhere (another task); "
                "they are for one consumer at a time"
            )
        self._busy = True
        try:
            while not self._ready:
                if self._closed:
                    raise StopAsyncIteration
                chunk, outcome = await self._next_outcome()
                if chunk is None:
                    error, self._first_error = self._first_error, None
                    self._closed = True
                    if error is not None:
                        raise describe_failure(error, self._failed_ids)
                    raise StopAsyncIteration
                assert outcome is not None
                if isinstance(outcome, BatchKitError):
                    self._first_error = self._first_error or outcome
                    self._failed_ids.extend(chunk)
                    continue
                self._ready.extend(self._described(chunk, outcome))
            return self._ready.popleft()
        finally:
            self._busy = False

    def _described(self, chunk: list[str], page: RawPage[JobDetail]) -> list[JobDetail]:
        room = max(SKIPPED_KEPT - len(self._skipped), 0)
        self._skipped.extend(page.skipped[:room])
        ids = {item.item_id for item in page.skipped}
        return described(chunk, page.items, self._missing, ids)

    async def aclose(self) -> None:
        """Stop: cancel the requests still running (and wait for them), end iteration."""
        self._closed = True
        await self._cancel_window()
        self._ready.clear()

    async def first(self) -> JobDetail | None:
        """The next job, or None."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            return None

    async def take(self, n: int) -> list[JobDetail]:
        """The next ``n`` jobs (fewer if the input ends first).

        Lossless on failure: on an error or a cancelled task, the jobs this call read go
        back in front (iterating again yields them), and an error names their ids first in
        its ``undescribed_ids`` (resuming from the error describes them again)."""
        check_count("take", n)
        out: list[JobDetail] = []
        try:
            while len(out) < n:
                out.append(await self.__anext__())
        except StopAsyncIteration:
            pass
        except BaseException as error:
            self._ready.extendleft(reversed(out))
            taken_back(error, out)
            raise
        return out

    async def to_list(self) -> list[JobDetail]:
        """Every remaining job."""
        return await self.take(2**63)

    async def to_pandas(self) -> pd.DataFrame:
        """The remaining jobs as a DataFrame of flat columns (needs ``batchkit-aws[pandas]``)."""
        from batchkit._spec.display import to_pandas

        return to_pandas(await self.to_list(), model=item_model(DESCRIBE_JOBS))

    # ------------------------------------------------------------------ internals

    async def _attempt(self, chunk: list[str]) -> RawPage[JobDetail] | BatchKitError:
        try:
            page = await self._source.call({DESCRIBE_JOBS.id_key or "jobs": chunk})
        except BatchKitError as error:
            return error
        return page

    async def _limited(self, chunk: list[str]) -> _Outcome:
        assert self._limit is not None
        async with self._limit:
            try:
                return await self._attempt(chunk)
            except (KeyboardInterrupt, SystemExit) as interrupt:
                # Not out of the event loop from a task: to the consumer, where it awaits
                # (as a listing's fetch ahead does, runtime.Ahead).
                return _Interrupt(interrupt)

    async def _next_outcome(
        self,
    ) -> tuple[Any, RawPage[JobDetail] | BatchKitError | None]:
        """The next chunk in input order and its outcome; (None, None) when all are done.

        The input is read only when a request is due (at most ``2 * max_concurrency``
        chunks ahead); an error reading it (an invalid item, a failing listing) comes after
        the details of every chunk already sent, as in the sync client."""
        if (self._concurrency == 1 or not self._widened) and not self._window:
            # The first request goes alone, as the sync client's (which measures its wait
            # there): a ``first()`` reads one chunk of the input, not 2 * max_concurrency.
            await self._fill(1)
            if not self._pending:
                return self._end_of_input()
            chunk = self._pending[0]
            outcome = await self._attempt(chunk)  # cancelled: the chunk stays pending
            self._pending.popleft()
            self._widened = True
            return chunk, outcome
        if self._limit is None:
            self._limit = asyncio.Semaphore(self._concurrency)
        # At most 2 * max_concurrency chunks scheduled (max_concurrency of them running):
        # memory stays bounded however many ids there are.
        try:
            while len(self._window) < 2 * self._concurrency:
                await self._fill(1)
                if not self._pending:
                    break
                chunk = self._pending.popleft()
                self._window.append((chunk, asyncio.ensure_future(self._limited(chunk))))
        except BaseException:
            await self._cancel_window(requeue=True)
            raise
        if not self._window:
            return self._end_of_input()
        chunk, task = self._window[0]
        try:
            answer = await asyncio.shield(task)
            if isinstance(answer, _Interrupt):
                raise answer.interrupt
        except BaseException:
            # Cancelled (or interrupted): nothing may keep running, and iterating again
            # must re-send what was cut short.
            await self._cancel_window(requeue=True)
            raise
        self._window.popleft()
        return chunk, answer

    async def _fill(self, want: int) -> None:
        """Read the input until ``want`` chunks are pending (or it ends, or fails).

        A failure inside a chunk keeps the ids read before it as a (short) chunk, sent like
        any other, and comes after it; a cancel keeps them for the next read."""
        while not self._input_done and len(self._pending) < want:
            try:
                ended = await self._read_chunk()
            except Exception as error:  # deferred; a cancel (a BaseException) is not
                self._input_done, self._input_error = True, error
                ended = True
            if self._partial and (ended or len(self._partial) >= DESCRIBE_JOBS.page_size_max):
                self._pending.append(self._partial)
                self._partial = []
            if ended:
                self._input_done = True
                return

    async def _read_chunk(self) -> bool:
        """Read ids into ``_partial`` until it holds a chunk; True at the input's end."""
        size = DESCRIBE_JOBS.page_size_max
        partial, ids = self._partial, self._ids
        if isinstance(ids, AsyncIterator):
            while len(partial) < size:
                try:
                    partial.append(await ids.__anext__())
                except StopAsyncIteration:
                    return True
            return False
        for job_id in ids:
            partial.append(job_id)
            if len(partial) >= size:
                return False
        return True

    def _end_of_input(self) -> tuple[None, None]:
        error, self._input_error = self._input_error, None
        if error is not None:
            self._closed = True
            input_failure(error, self._failed_ids)
            raise error
        return None, None

    async def _cancel_window(self, *, requeue: bool = False) -> None:
        window, self._window = self._window, deque()
        for _chunk, task in window:
            task.cancel()
        if window:
            await asyncio.gather(*(task for _, task in window), return_exceptions=True)
        if requeue:
            self._pending.extendleft(chunk for chunk, _task in reversed(window))
