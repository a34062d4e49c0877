"""AsyncMergedPager: :class:`batchkit.MergedPager`'s twin for ``async for``.

Both derive from :class:`batchkit._merge.MergeCore`, the sans-I/O state of a listing over
several queues (each queue's head, the newest-first pick, the one combined token,
``max_items``): only reading a queue's head (``AsyncJobPager.peek(1)``) is awaited here.
So the combined tokens are interchangeable between the sync and the async merged listing.

Cancellation: cancel the task (or time it out) while a queue's page is awaited and that
request is abandoned; every queue stays where it was -- heads already read stay read --
so iterating again, or a new listing from :attr:`~batchkit._merge.MergeCore.resume_token`,
yields exactly the jobs not yet yielded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

from batchkit._errors import BatchKitError
from batchkit._merge import MergeCore
from batchkit._pager import _check_count
from batchkit.aio._closing import AsyncClosing
from batchkit.aio._pager import AsyncJobPager, lossless_take_async, read_ahead_async

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AsyncMergedPager"]

T = TypeVar("T")


class AsyncMergedPager(MergeCore[T, AsyncJobPager[T]], AsyncClosing, AsyncIterator[T]):
    """A lazy ``AsyncIterator[T]`` over several queues' listings, newest first across them.

    Made by ``AsyncBatchClient.list_jobs([queue, ...])``: :class:`batchkit.MergedPager`'s
    rules and interface, awaited -- ``first``, ``take``, ``to_list``, ``to_pandas``,
    ``peek``, ``resume_token`` (valid after every job, error and cancellation), ``done``,
    ``requests_made``, :meth:`aclose` and ``async with``.  One task at a time.

    >>> async def failed(batch):                                   # doctest: +SKIP
    ...     async with batch.list_jobs(["cpu", "gpu"], status="FAILED") as jobs:
    ...         async for job in jobs:
    ...             print(job.job_queue, job.job_name)
    """

    _consumer = "task"

    def __aiter__(self) -> AsyncMergedPager[T]:
        return self

    async def __anext__(self) -> T:
        with self._guard():
            if self._ahead:
                return self._ahead.popleft()[1]
            return await self._read()

    async def aclose(self) -> None:
        """End the listing: iteration stops, nothing is left running, and
        :attr:`resume_token` still says where it was."""
        self.close()

    async def first(self) -> T | None:
        """The next job, or None (each queue's first page: one job)."""
        with self._wanting(1):
            try:
                return await self.__anext__()
            except StopAsyncIteration:
                return None

    async def peek(self, n: int) -> list[T]:
        """Up to ``n`` next jobs without consuming them."""
        return await read_ahead_async(self, n)

    async def take(self, n: int, *, progress: bool = False) -> list[T]:
        """The next ``n`` jobs (fewer if the listing ends first); lossless on failure and
        on cancellation: the jobs read by this call go back in front, an error's
        ``resume_token`` is where the call started."""
        _check_count("take", n)
        with self._wanting(n):
            return await lossless_take_async(self, n, progress, start=lambda: self.resume_token)

    async def to_list(self, *, progress: bool = False) -> list[T]:
        """Every remaining job (reads every queue to the end: prefer ``async for``)."""
        return await self.take(2**63, progress=progress)

    async def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """Every remaining job as a DataFrame (the columns of one queue's listing)."""
        from batchkit._display import to_pandas

        return to_pandas(cast(Any, await self.to_list(progress=progress)), model=self._model)

    async def _read(self) -> T:
        """The next job of the merge (StopAsyncIteration at the end)."""
        if self._ended():
            raise StopAsyncIteration
        for index in self._wanted():
            pager = self._pagers[index]
            try:
                with pager._wanting(self._needed()):  # a queue's first page: what the call needs
                    self._set_head(index, await pager.peek(1))
            except BatchKitError as error:
                self._failed(error)
                raise
        best = self._best()
        if best is None:
            raise StopAsyncIteration
        item = await self._pagers[best].__anext__()  # the peeked head: no request
        self._took(best)
        return item
