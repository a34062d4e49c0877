"""AsyncMergedPager: one lazy, resumable ``async for`` over several queues' listings.

Why: "what failed in the account today" spans every queue, and AWS lists one queue a call.
The merge reads each queue's :class:`~batchkit._async.pager.AsyncPager` lazily (one page of
each in memory), yields the newest job among the queues' next ones, and can say at any
point -- after any job, an error or an interruption -- where *every* queue stands, in one
token.  Every rule (each queue's head, the newest-first pick, the token) is the sans-I/O
:class:`~batchkit._core.merge.MergeCore`'s; only reading a queue's head is awaited here.

Cancellation: cancel the task while a queue's page is awaited and that request is abandoned;
every queue stays where it was -- heads already read stay read -- so iterating again, or a
new listing from ``resume_token``, yields exactly the jobs not yet yielded.
"""

from __future__ import annotations

from typing import TypeVar

from batchkit._async.pager import AsyncListing, AsyncPager
from batchkit._core.errors import BatchKitError
from batchkit._core.merge import MergeCore

__all__ = ["AsyncMergedPager"]

T = TypeVar("T")


class AsyncMergedPager(MergeCore[T, AsyncPager[T]], AsyncListing[T]):
    """A lazy ``AsyncIterator[T]`` over several queues' listings, newest first across them.

    Made by ``list_jobs([queue, ...])``.  The interface is the pager's where it makes sense
    for a stream without pages: ``first``, ``take``, ``to_list``, ``to_pandas``, ``peek``,
    ``resume_token`` (valid after every job and after every error), ``done``,
    ``requests_made``, ``aclose`` and ``async with``.  One consumer at a time.

    >>> async def failed(batch):                                   # doctest: +SKIP
    ...     async with batch.list_jobs(["cpu", "gpu"], status="FAILED") as jobs:
    ...         async for job in jobs:
    ...             print(job.job_queue, job.job_name)
    """

    def _title(self) -> str:
        return f"{self._label} over {len(self._queues)} queues"

    def close(self) -> None:
        """End the listing: iteration stops, pages fetched ahead are abandoned;
        :attr:`resume_token` still says where every queue was."""
        super().close()
        self._drop_ahead()

    def _drop_ahead(self) -> None:
        for pager in self._pagers:
            pager._drop_ahead()

    async def _read(self) -> T:
        """The next job of the merge (StopAsyncIteration at the end)."""
        if self._ended():
            raise StopAsyncIteration
        wanted = self._wanted()
        need = self._needed()  # a queue's first page: what the call needs
        for index in wanted:  # every listing whose head is missing fetches at once...
            pager = self._pagers[index]
            with pager._wanting(need):
                pager._fetch_soon()
        for index in wanted:  # ...and the heads are taken in order
            pager = self._pagers[index]
            try:
                with pager._wanting(need):
                    self._set_head(index, await pager.peek(1))
            except BatchKitError as error:
                self._failed(error)
                raise
            except BaseException:  # cancelled, interrupted: nothing may keep running
                self._drop_ahead()
                raise
        best = self._best()
        if best is None:
            raise StopAsyncIteration
        item = await self._pagers[best].__anext__()  # the peeked head: no request
        self._took(best)
        return item
