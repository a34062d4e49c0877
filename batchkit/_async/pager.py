"""AsyncPager: a lazy, typed, resumable ``async for`` over a paginated AWS listing.

Why not just hand out a botocore paginator: its items are untyped dicts, its resume token
exists only at page boundaries, and a failure mid-listing leaves nothing to resume from.
An :class:`AsyncPager` reads typed pages from a page source
(:mod:`batchkit._async.source`, where every failure becomes a
:class:`~batchkit.BatchKitError`) and keeps *where it is* in a sans-I/O
:class:`~batchkit._core.pager.PagerCore`: after any item, any error, an interruption or
:meth:`~batchkit._async.runtime.ListingBase.aclose`, ``resume_token`` is the token from which
exactly the remaining items follow -- interchangeable between the faces and with a boto3
paginator's.

Cancellation: the only I/O is the request awaited inside your task.  Cancel the task (or
time it out) and that request is abandoned with it; the pager stays where it was, so
iterating it again -- or a new listing from its ``resume_token`` -- yields exactly the items
not yet yielded.  ``take``/``to_list`` give back what they had read.

>>> import asyncio
>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> for i in range(5):
...     _ = fake.add_job("q", job_name=f"j{i}", status="FAILED", created_at=1_000 + i)
>>> async def main() -> None:
...     async with fake.async_batch_client() as batch:
...         pager = batch.list_jobs("q", status="FAILED", page_size=2)
...         first = await pager.take(3)
...         rest = batch.list_jobs("q", status="FAILED", starting_token=pager.resume_token)
...         print([j.job_name for j in first], [j.job_name async for j in rest])
>>> asyncio.run(main())
['j4', 'j3', 'j2'] ['j1', 'j0']
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from typing_extensions import Self

from batchkit._async.runtime import CONSUMER, Ahead, Fetching, ListingBase, Stopwatch
from batchkit._core.checks import check_count
from batchkit._core.errors import BatchKitError
from batchkit._core.pager import END, Consumed, Page, PagerCore, RawPage

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AsyncJobPager",
    "AsyncListing",
    "AsyncPageFetcher",
    "AsyncPager",
    "lossless_take",
    "read_ahead",
]

T = TypeVar("T")


class AsyncPageFetcher(Protocol[T]):
    """What a pager reads pages from (:class:`~batchkit._async.source.AsyncPageSource`, or
    the log reader's)."""

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[T]: ...


class AsyncListing(Consumed[T], ListingBase, AsyncIterator[T]):
    """What a queue's :class:`AsyncPager` and a merge's ``AsyncMergedPager`` offer alike, on
    top of their cores: iteration (the one-consumer guard inline: it runs once per item),
    ``first``, ``peek``, ``take`` (lossless on failure and on cancellation), ``to_list``,
    ``to_pandas``.  A subclass says how the next item is read when none is ready
    (``_read``)."""

    _consumer = CONSUMER
    _model: type[Any] | None = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        busy = self._busy
        held = False
        try:
            # taken inside the try: a Ctrl-C right after it cannot leave the pager held
            if not (held := busy.acquire(blocking=False)):
                raise self._busy_error()
            # most items: no page to fetch.  (No call between taking the item and returning
            # it -- not even typing.cast: a Ctrl-C is raised at a call, and the item would
            # be taken but never handed over.)
            item: T = self._next_ready()
            return item if item is not END else await self._read()
        finally:
            if held:
                busy.release()

    @property
    def resume_token(self) -> str | None:  # pragma: no cover - each core defines it
        raise NotImplementedError

    @property
    def done(self) -> bool:  # pragma: no cover - each core defines it
        raise NotImplementedError

    async def _read(self) -> T:  # pragma: no cover - each listing defines it
        raise NotImplementedError

    def _title(self) -> str:
        """What the notebook display calls the listing."""
        return self._label

    async def first(self) -> T | None:
        """The next item, or None if there is none (a first page of one item, if it is the
        listing's first request)."""
        with self._wanting(1):
            try:
                return await self.__anext__()
            except StopAsyncIteration:
                return None

    async def peek(self, n: int) -> list[T]:
        """Up to ``n`` next items *without consuming them*: iteration still yields them.

        This is what a notebook's display uses: it fetches only the pages those rows need,
        and ``resume_token`` still points before the peeked items.  If a request fails, what
        was peeked stays peeked (never yielded twice).

        Args:
            n: how many items to look at (an int >= 0).

        Returns:
            The next items, at most ``n``.

        Raises:
            InvalidParameterError: ``n`` is not an int >= 0.
            BatchKitError: a request failed (``resume_token`` set).
        """
        return await read_ahead(self, n)

    async def take(self, n: int, *, progress: bool = False) -> list[T]:
        """The next ``n`` items (fewer if the listing ends first).

        Lossless on failure: if a request fails (or the call is interrupted: Ctrl-C, a
        cancelled task) nothing read by this call is lost -- the items go back in front of the
        listing, and the error's ``resume_token`` is where the call started.

        Args:
            n: how many items (an int >= 0).
            progress: show a ``tqdm.auto`` bar (a widget in a notebook) if tqdm is installed.

        Returns:
            The next items, at most ``n``.

        Raises:
            InvalidParameterError: ``n`` is not an int >= 0.
            BatchKitError: a request failed (``resume_token``: where this call started).
        """
        check_count("take", n)
        with self._wanting(n):
            return await lossless_take(self, n, progress, start=lambda: self.resume_token)

    async def to_list(self, *, progress: bool = False) -> list[T]:
        """Every remaining item (reads the whole listing: prefer iterating)."""
        return await self.take(2**63, progress=progress)

    async def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """Every remaining item as a DataFrame of flat columns (needs ``batchkit-aws[pandas]``).

        Times are timezone-aware UTC timestamps, enums strings, nested members ``a.b``; the
        columns come from the model, so an empty result has them too.
        """
        from batchkit._spec.display import to_pandas

        return to_pandas(cast(Any, await self.to_list(progress=progress)), model=self._model)


class AsyncPager(PagerCore[T, "AsyncPageFetcher[T]"], AsyncListing[T]):
    """A lazy ``AsyncIterator[T]`` over every item of a listing, one page in memory at a time.

    No request is made until the first item (or page) is asked for.  ``resume_token`` is
    valid at every point, errors included: a new listing started with
    ``starting_token=resume_token`` yields exactly the items this pager has not yielded yet,
    and so does iterating this pager again after an error.  One pager is for one task at a
    time (a second concurrent consumer raises); use it with ``async with`` (or ``aclose()``)
    to end it early.  It pages jobs, service jobs, S3 jobs, queues and log events alike
    (``AsyncJobPager`` is the same class, by its first name).

    While the consumer reads a page, the next one is already being fetched (``ahead``, the
    client's: at most one page ahead per listing, only when the running call will need it --
    never for ``first()`` or a ``take`` the page in hand covers), so a listing read to its
    end waits for the network about once rather than once a page.  ``resume_token`` and
    errors are unchanged by it: a page fetched ahead counts only once the consumer reaches
    it, and its failure is raised there, at the same item as without it.
    """

    def __init__(
        self, sources: Sequence[AsyncPageFetcher[T]], *, ahead: Ahead | None = None, **options: Any
    ) -> None:
        super().__init__(sources, **options)
        self._fetch_ahead_with = ahead
        self._pending: Fetching[RawPage[T]] | None = None
        self._waited: float | None = None  # how long the last request waited (None: unknown)

    def close(self) -> None:
        """End the listing: iteration stops, a page fetched ahead is abandoned;
        :attr:`resume_token` still says where it was."""
        super().close()
        self._drop_ahead()

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

    async def _read(self) -> T:
        """The next kept item from the pages; StopAsyncIteration at the end."""
        while True:
            item: T = self._take_from_page()
            if item is not END:
                return item  # (no call in between: see __anext__)
            if self._closed or self._at_max() or not await self._next_page():
                raise StopAsyncIteration

    async def _next_page(self) -> bool:
        """Load the page that follows (the one fetched ahead, if it is that page); False at
        the end of the listing."""
        position = self._next_request()
        if position is None:
            return False
        size = self._fetch_size(position)
        pending, self._pending = self._pending, None
        try:
            if pending is not None and pending.key == (position.segment, position.token, size):
                page = await pending.result()
                self._waited = pending.waited
            else:
                if pending is not None:
                    pending.cancel()
                sources: Sequence[AsyncPageFetcher[T]] = self._sources
                watch = Stopwatch()
                page = await sources[position.segment].fetch(position.token, size)
                self._waited = watch.waited()
        except BatchKitError as error:
            error.resume_token = self._resume_token()
            raise
        self._accept(position, page)
        self._fetch_ahead()
        return True

    def _fetch_ahead(self) -> None:
        """Start fetching the page the running call will need next, if any (one at most)."""
        ahead = self._fetch_ahead_with
        if ahead is None or self._pending is not None or not ahead.pays(self._waited):
            return  # (a request that did not wait: overlapping would cost more than it hides)
        position = self._upcoming()
        if position is None:
            return
        size = self._fetch_size(position)
        source: AsyncPageFetcher[T] = self._sources[position.segment]
        if getattr(source, "stateful", False):
            return  # its pages come from state it keeps: only one fetch at a time
        token = position.token
        self._pending = ahead.start(
            (position.segment, token, size), lambda: source.fetch(token, size)
        )

    def _fetch_soon(self) -> None:
        """When no item is in hand: start fetching the next page now (a merge asks each of
        its listings at once, then reads their heads one by one)."""
        if self._ahead or (self._page is not None and self._pos < len(self._page.items)):
            return
        self._fetch_ahead()

    def _drop_ahead(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.cancel()
        for source in self._sources:  # a merged source's sub-listings fetch ahead too
            drop = getattr(source, "drop_ahead", None)
            if drop is not None:
                drop()


#: The name ``AsyncPager`` had first (it pages more than jobs): kept for existing code.
AsyncJobPager = AsyncPager


async def read_ahead(listing: Any, n: int) -> list[Any]:
    """``peek`` for a listing with ``_ahead``, ``_frontier_token()``, ``_read()`` and
    ``_guard()`` (:class:`AsyncPager`, ``AsyncMergedPager``): read until ``n`` items wait in
    front, each with the resume token from just before it; a failure keeps what was read
    (never yielded twice)."""
    check_count("peek", n)
    with listing._guard():
        while len(listing._ahead) < n:
            token = listing._frontier_token()
            try:
                item = await listing._read()
            except StopAsyncIteration:
                break
            listing._ahead.append((token, item))
        return [item for _, item in list(listing._ahead)[:n]]


async def lossless_take(
    listing: Any, n: int, progress: bool, *, start: Callable[[], str | None]
) -> list[Any]:
    """``take`` for a listing with peeked items (``_ahead``), ``_frontier_token()``,
    ``_read()``, ``_guard()`` and ``_label`` (:class:`AsyncPager`, ``AsyncMergedPager``): on
    any failure -- an interruption included -- the items read go back in front, and a
    :class:`~batchkit.BatchKitError`'s ``resume_token`` is ``start()`` taken when the call
    began."""
    check_count("take", n)
    from batchkit._spec.display import with_progress

    read: list[tuple[str | None, Any]] = []
    with listing._guard():
        begin = start()
        bar: Any = with_progress(cast(Any, None), progress, listing._label)
        try:
            while len(read) < n:
                if listing._ahead:
                    read.append(listing._ahead.popleft())
                else:
                    token = listing._frontier_token()
                    read.append((token, await listing._read()))
                if bar is not None:
                    bar.update(1)
        except StopAsyncIteration:
            pass
        except BaseException as error:  # CancelledError and KeyboardInterrupt included
            listing._ahead.extendleft(reversed(read))
            if isinstance(error, BatchKitError):
                error.resume_token = begin
            raise
        finally:
            if bar is not None:
                bar.close()
    return [item for _, item in read]
