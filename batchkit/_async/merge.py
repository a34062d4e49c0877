"""AsyncMergedPager: :class:`batchkit.MergedPager`'s twin for ``async for``.

Both derive from :class:`batchkit._core.merge.MergeCore`, the sans-I/O state of a listing over
several queues (each queue's head, the newest-first pick, the one combined token,
``max_items``): only reading a queue's head (``AsyncJobPager.peek(1)``) is awaited here.
So the combined tokens are interchangeable between the sync and the async merged listing.

Cancellation: cancel the task (or time it out) while a queue's page is awaited and that
request is abandoned; every queue stays where it was -- heads already read stay read --
so iterating again, or a new listing from :attr:`~batchkit._core.merge.MergeCore.resume_token`,
yields exactly the jobs not yet yielded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from batchkit._async.pager import AsyncJobPager, AsyncListing
from batchkit._core.errors import BatchKitError
from batchkit._core.merge import MergeCore

if TYPE_CHECKING:
    pass

__all__ = ["AsyncMergedPager"]

T = TypeVar("T")


class AsyncMergedPager(MergeCore[T, AsyncJobPager[T]], AsyncListing[T]):
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
