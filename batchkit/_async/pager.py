"""AsyncJobPager: :class:`batchkit.JobPager`'s twin for ``async for``.

Both derive from :class:`batchkit._core.pager.PagerCore`, the sans-I/O state of a listing
(position, resume tokens, keep/dedupe/stop rules, peeked items): the rules of *where a
listing is* are shared, only the fetch is awaited here.  So tokens are interchangeable
between the sync and the async pager (and with boto3's paginators).

Cancellation: the only I/O is the request awaited inside your task.  Cancel the task (or
time it out) and that request is abandoned with it; the pager stays where it was, so
iterating it again -- or a new listing from its ``resume_token`` -- yields exactly the
items not yet yielded.  ``take``/``to_list`` give back what they had read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from typing_extensions import Self

from batchkit._async.runtime import AsyncClosing
from batchkit._core.errors import BatchKitError
from batchkit._core.pager import _END, Consumed, Page, PagerCore, _check_count

if TYPE_CHECKING:
    import pandas as pd

    from batchkit._wire.pages import RawPage

__all__ = ["AsyncJobPager", "AsyncPageFetcher", "lossless_take_async"]

T = TypeVar("T")


class AsyncPageFetcher(Protocol[T]):
    """What the async pager reads pages from (:class:`batchkit._async.pages.AsyncPageSource`)."""

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[T]: ...


class AsyncListing(Consumed[T], AsyncClosing, AsyncIterator[T]):
    """What a queue's :class:`AsyncJobPager` and ``AsyncMergedPager`` offer alike: the sync
    ``Listing``'s interface, awaited -- ``async for``, ``first``, ``peek``, ``take``
    (lossless on failure and on cancellation), ``to_list``, ``to_pandas``, :meth:`aclose`.
    A subclass says how the next item is read when none is ready (``_read``)."""

    _consumer = "task"
    _model: type[Any] | None = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        busy = self._busy
        if not busy.acquire(blocking=False):
            raise self._busy_error()
        try:
            item = self._next_ready()  # most items: no page to fetch, no await
            return cast(T, item) if item is not _END else await self._read()
        finally:
            busy.release()

    @property
    def resume_token(self) -> str | None:  # pragma: no cover - each core defines it
        raise NotImplementedError

    async def _read(self) -> T:  # pragma: no cover - each listing defines it
        raise NotImplementedError

    async def aclose(self) -> None:
        """End the listing (``contextlib.aclosing`` works too): iteration stops, nothing is
        left running, and :attr:`resume_token` still says where it was."""
        self.close()

    async def first(self) -> T | None:
        """The next item, or None if there is none (a first page of one item, if it is the
        listing's first request)."""
        with self._wanting(1):
            try:
                return await self.__anext__()
            except StopAsyncIteration:
                return None

    async def peek(self, n: int) -> list[T]:
        """Up to ``n`` next items *without consuming them*: iteration still yields them."""
        return await read_ahead_async(self, n)

    async def take(self, n: int, *, progress: bool = False) -> list[T]:
        """The next ``n`` items (fewer if the listing ends first).

        Lossless on failure and on cancellation: nothing read by this call is lost -- the
        items go back in front of the listing, and an error's ``resume_token`` is where the
        call started.
        """
        _check_count("take", n)
        with self._wanting(n):
            return await lossless_take_async(self, n, progress, start=lambda: self.resume_token)

    async def to_list(self, *, progress: bool = False) -> list[T]:
        """Every remaining item (reads the whole listing: prefer ``async for``)."""
        return await self.take(2**63, progress=progress)

    async def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """Every remaining item as a DataFrame of flat columns (needs ``batchkit-aws[pandas]``)."""
        from batchkit._core.display import to_pandas

        return to_pandas(cast(Any, await self.to_list(progress=progress)), model=self._model)


class AsyncJobPager(PagerCore[T, "AsyncPageFetcher[T]"], AsyncListing[T]):
    """A lazy ``AsyncIterator[T]`` over every item of a listing, one page in memory at a time.

    No request is made until the first item (or page) is awaited.  ``resume_token`` is
    valid at every point -- after any item, any error, a cancelled task, :meth:`aclose`.
    One pager is for one task at a time (a second concurrent consumer raises).

    >>> async def failed(batch):                                   # doctest: +SKIP
    ...     async with batch.list_jobs("q", status="FAILED") as pager:
    ...         async for job in pager:
    ...             print(job.job_name)
    """

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The remaining items page by page (one AWS response each, after filtering).

        If iteration stopped inside a page, the first page holds the rest of that page.
        """
        with self._guard():
            ready = self._page_in_hand()
        if ready is not None:
            yield ready
        while True:
            with self._guard():
                if not await self._next_page():
                    return
                page = self._rest_as_page()
            yield page

    # ------------------------------------------------------------------ I/O

    async def _read(self) -> T:
        """The next kept item from the pages; StopAsyncIteration at the end."""
        while True:
            item = self._take_from_page()
            if item is not _END:
                return cast(T, item)
            if self._closed or self._at_max() or not await self._next_page():
                raise StopAsyncIteration

    async def _next_page(self) -> bool:
        """Load the page that follows; False at the end of the listing."""
        position = self._next_request()
        if position is None:
            return False
        sources: Sequence[AsyncPageFetcher[T]] = self._sources
        try:
            page = await sources[position.segment].fetch(position.token, self._fetch_size(position))
        except BatchKitError as error:
            error.resume_token = self._resume_token()
            raise
        self._accept(position, page)
        return True


async def read_ahead_async(pager: Any, n: int) -> list[Any]:
    """``peek`` for a pager with ``_ahead``, ``_frontier_token()``, an awaitable ``_read()``
    and ``_guard()`` (:class:`AsyncJobPager`, ``AsyncMergedPager``): as the sync
    ``read_ahead``, awaited."""
    _check_count("peek", n)
    with pager._guard():
        while len(pager._ahead) < n:
            token = pager._frontier_token()
            try:
                item = await pager._read()
            except StopAsyncIteration:
                break
            pager._ahead.append((token, item))
        return [item for _, item in list(pager._ahead)[:n]]


async def lossless_take_async(
    pager: Any, n: int, progress: bool, *, start: Callable[[], str | None]
) -> list[Any]:
    """:func:`batchkit._core.pager.lossless_take`'s twin for an async pager with peeked items
    (``_ahead``), ``_frontier_token()``, an awaitable ``_read()``, ``_guard()`` and ``_label``
    (:class:`AsyncJobPager`, ``AsyncMergedPager``): on any failure -- a cancelled task
    included -- the items read go back in front, and a :class:`BatchKitError`'s
    ``resume_token`` is ``start()`` taken when the call began."""
    _check_count("take", n)
    from batchkit._core.display import with_progress

    read: list[tuple[str | None, Any]] = []
    with pager._guard():
        begin = start()
        bar: Any = with_progress(cast(Any, None), progress, pager._label)
        try:
            while len(read) < n:
                if pager._ahead:
                    read.append(pager._ahead.popleft())
                else:
                    token = pager._frontier_token()
                    read.append((token, await pager._read()))
                if bar is not None:
                    bar.update(1)
        except StopAsyncIteration:
            pass
        except BaseException as error:  # CancelledError included
            pager._ahead.extendleft(reversed(read))
            if isinstance(error, BatchKitError):
                error.resume_token = begin
            raise
        finally:
            if bar is not None:
                bar.close()
    return [item for _, item in read]
