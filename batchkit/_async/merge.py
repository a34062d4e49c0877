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

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from batchkit._async.pager import AsyncListing, AsyncPager
from batchkit._core.errors import BatchKitError
from batchkit._core.merge import MergeCore
from batchkit._core.pager import RawPage

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MERGED_PAGE", "AsyncMergedPager", "AsyncMergedSource", "merge_pagers"]

T = TypeVar("T")


class AsyncMergedPager(MergeCore[T, AsyncPager[T]], AsyncListing[T]):
    """A lazy ``AsyncIterator[T]`` over several queues' listings, newest first across them.

    Made by ``list_jobs([queue, ...])``.  The interface is the pager's where it makes sense
    for a stream without pages: ``first``, ``take``, ``to_list``, ``to_pandas``, ``peek``,
    ``resume_token`` (valid after every job and after every error), ``done``,
    ``requests_made``, ``aclose`` and ``async with`` -- and ``queue_of(job)``: which queue
    a job came from (``to_pandas`` adds it as a ``queue`` column).  One consumer at a time.

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

    async def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """Every remaining job as a DataFrame (as the pager's), with a ``queue`` column: the
        queue each job came from (:meth:`queue_of`)."""
        from batchkit._spec.display import to_pandas

        jobs = await self.to_list(progress=progress)
        frame = to_pandas(cast(Any, jobs), model=self._model)
        frame.insert(0, "queue", [self.queue_of(job) for job in jobs])
        return frame

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


#: Items of one page of a merged source when the pager asks for no size.
MERGED_PAGE = 100


class AsyncMergedSource(Generic[T]):
    """The pages of one listing made of several sub-listings merged newest first (a queue's
    listing of several statuses: one ``jobStatus`` sub-listing each): what an
    :class:`~batchkit._async.pager.AsyncPager` reads as its only page source, so several
    statuses read like one listing -- with one resume token, ``take(4)`` the 4 newest.

    Each page is the next items of an :class:`AsyncMergedPager` over the sub-listings; its
    token is that merge's resume token, so resuming is exact, and the pager around it keeps
    every rule of a listing (position, peeks, ``max_items``, deduplication).  The live merge
    is continued while the pages asked for are the ones it stands at; any other token (a
    resume, or a page cut short by a cancel or Ctrl-C) starts a merge from that token.  A
    failure after some items of a page were read returns them as a short page (nothing
    read is lost); the next page retries the failed request.
    """

    #: A page is the live merge's next items: the pager around it never fetches one ahead
    #: (the sub-listings under the merge fetch ahead themselves, all at once).
    stateful = True

    def __init__(self, make: Callable[[str | None], AsyncMergedPager[T]]) -> None:
        self._make = make
        self._merge: AsyncMergedPager[T] | None = None
        self._at: str | None = None  # the token the live merge stands at
        self._requests = 0  # requests of the merges dropped so far
        self._dropped_skipped: tuple[Any, ...] = ()  # what the merges dropped so far skipped
        self._dropped_skipped_count = 0

    @property
    def requests_made(self) -> int:
        """Requests made by the sub-listings so far."""
        live = 0 if self._merge is None else self._merge.requests_made
        return self._requests + live

    @property
    def skipped(self) -> tuple[Any, ...]:
        """Items the sub-listings skipped as untypable (``on_invalid="skip"``)."""
        live = () if self._merge is None else self._merge.skipped
        return self._dropped_skipped + live

    @property
    def skipped_count(self) -> int:
        """How many items the sub-listings skipped."""
        live = 0 if self._merge is None else self._merge.skipped_count
        return self._dropped_skipped_count + live

    def drop_ahead(self) -> None:
        """Abandon the pages the live merge's sub-listings fetch ahead (the listing around
        it is closed, or was interrupted); the merge itself stays where it was."""
        if self._merge is not None:
            self._merge._drop_ahead()

    def _drop(self, merge: AsyncMergedPager[T]) -> None:
        merge.close()  # nothing of a merge given up keeps running
        self._requests += merge.requests_made
        self._dropped_skipped += merge.skipped
        self._dropped_skipped_count += merge.skipped_count

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[T]:
        """The next ``page_size`` items of the merge from ``token`` (its resume token)."""
        merge = self._merge
        if merge is None or token != self._at:
            if merge is not None:
                self._drop(merge)
            merge = self._merge = self._make(token)
            self._at = token
        size = page_size or MERGED_PAGE
        items: list[T] = []
        try:
            with merge._wanting(page_size):  # a sub-listing's first page: what the page needs
                while len(items) < size:
                    items.append(await merge.__anext__())
        except StopAsyncIteration:
            pass
        except BatchKitError:
            if not items:
                raise  # the merge is where it was: the next fetch retries
        except BaseException:
            # cut short (a cancel, Ctrl-C): the items taken are not in a page, so the live
            # merge is past them; the next fetch starts a merge from the page's token
            self._drop(merge)
            self._merge = None
            raise
        self._at = merge.resume_token  # None: the merge ended
        return RawPage(tuple(items), self._at)


def merge_pagers(
    pagers: Sequence[AsyncPager[T]], names: Sequence[str], *, label: str, model: Any
) -> AsyncMergedPager[T]:
    """A merge of ``pagers`` (named ``names`` in its token), newest first."""
    return AsyncMergedPager(
        list(pagers), list(names), label=label, model=model, remember_queues=False
    )
