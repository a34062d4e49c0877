"""JobPager: a lazy, typed, resumable iterator over a paginated AWS listing.

Why not just hand out boto3's paginator: its items are untyped dicts, its ``resume_token``
exists only at page boundaries, and a failure mid-listing leaves nothing to resume from.
A :class:`JobPager` reads typed pages from a page source (:mod:`batchkit._wire.pages`, where
every failure becomes a :class:`~batchkit.BatchKitError`), and only tracks *where it is*:
the page, the item within it, client-side checks.  It can tell at any moment -- after any
item, or after any error -- the token from which exactly the remaining items follow.

Tokens are botocore's format (``TokenEncoder``), interchangeable with a boto3 paginator's.
A token taken inside a page counts the items to skip from that page's start; resuming with
a smaller ``page_size`` than the token was taken with skips on into the next page, so it is
still exact.  A listing made of several sub-listings (one per status, say) also records
which one.

>>> from batchkit import BatchClient
>>> from botocore.stub import Stubber
>>> batch = BatchClient(region_name="us-east-1")                    # doctest: +SKIP
>>> pager = batch.list_jobs("q", status="FAILED", page_size=2)       # doctest: +SKIP
>>> first_three = pager.take(3)                                      # doctest: +SKIP
>>> rest = batch.list_jobs("q", status="FAILED", page_size=2,
...                        starting_token=pager.resume_token)        # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from botocore.paginate import TokenDecoder, TokenEncoder
from typing_extensions import Self

from batchkit._core.errors import BatchKitError, InvalidParameterError, TokenCycleError

if TYPE_CHECKING:
    import pandas as pd

    from batchkit._wire.pages import RawPage

__all__ = ["JobPager", "Page", "PageFetcher", "PagerCore", "Results", "StopRule", "decode_token"]

log = logging.getLogger("batchkit")

T = TypeVar("T")
S = TypeVar("S")

_TRUNCATE = "boto_truncate_amount"
_SEGMENT = "batchkit_segment"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One response page: its (filtered, typed) items and the token that follows it."""

    items: tuple[T, ...]
    next_token: str | None
    """Pass as ``starting_token=`` to continue after this page; None when nothing follows."""


class PageFetcher(Protocol[T]):
    """What the pager reads pages from (:class:`batchkit._wire.pages.PageSource`)."""

    def fetch(self, token: str | None, page_size: int | None) -> RawPage[T]: ...


class StopRule(Protocol):
    """Told each page of a sub-listing; True when no later page can hold a match."""

    def after_page(self, items: Sequence[Any]) -> bool: ...


@dataclass(frozen=True)
class _Position:
    segment: int = 0
    token: str | None = None  # the service's token of the page (None: the first page)
    skip: int = 0  # items from that page's start already consumed


def decode_token(
    value: object, token_key: str, segments: int = 1, name: str = "starting_token"
) -> _Position:
    """Check a ``starting_token`` before any request; InvalidParameterError if forged."""
    if value is None:
        return _Position()
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(
            f"{name}: expected a token string (a pager's resume_token or a page's next_token), "
            f"got {type(value).__name__ if not isinstance(value, str) else 'an empty string'}"
        )
    try:
        decoded = TokenDecoder().decode(value)
    except Exception as error:
        raise InvalidParameterError(
            f"{name}: not a token from this operation (use a pager's resume_token or "
            "a page's next_token)"
        ) from error
    if not isinstance(decoded, dict) or not set(decoded) <= {
        token_key,
        _TRUNCATE,
        _SEGMENT,
    }:
        raise InvalidParameterError(
            f"{name}: a token from a different operation (expected one holding {token_key!r})"
        )
    token = decoded.get(token_key)
    skip = decoded.get(_TRUNCATE, 0)
    segment = decoded.get(_SEGMENT, 0)
    if token is not None and (not isinstance(token, str) or not token):
        raise InvalidParameterError(f"{name}: the {token_key} inside it is not a string")
    for field, number, low, high in (
        ("item offset", skip, 0, 1_000_000),
        ("sub-listing", segment, 0, segments - 1),
    ):
        if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
            raise InvalidParameterError(
                f"{name}: its {field} {number!r} is out of range (a forged or damaged token)"
            )
    return _Position(segment, token, skip)


def _encode(token_key: str, position: _Position) -> str | None:
    if position == _Position():
        return None
    payload: dict[str, Any] = {token_key: position.token}
    if position.skip:
        payload[_TRUNCATE] = position.skip
    if position.segment:
        payload[_SEGMENT] = position.segment
    return TokenEncoder().encode(payload)


class Results(Iterator[T]):
    """What every batchkit result (a pager, a describe result) offers besides iteration.

    ``first``, ``take``, ``to_list``, ``to_pandas``, and use as a context manager (leaving the
    block calls :meth:`close`, which ends the result early and releases what it holds).
    """

    _model: type[Any] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """End early: iteration stops and nothing keeps running."""

    def first(self) -> T | None:
        """The next item, or None if there is none (fetching only what one item needs)."""
        return next(self, None)

    def take(self, n: int, *, progress: bool = False) -> list[T]:
        """The next ``n`` items (fewer if the result ends first).

        Args:
            n: how many items (an int >= 0).
            progress: show a ``tqdm.auto`` bar (a widget in a notebook) if tqdm is installed.

        Returns:
            The next items, at most ``n``.

        Raises:
            InvalidParameterError: ``n`` is not an int >= 0.
        """
        _check_count("take", n)
        from batchkit._core.display import with_progress

        out: list[T] = []
        for item in with_progress(self, progress, type(self).__name__):
            out.append(item)
            if len(out) >= n:
                break
        return out

    def to_list(self, *, progress: bool = False) -> list[T]:
        """Every remaining item (reads everything: prefer iterating)."""
        return self.take(2**63, progress=progress)

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """Every remaining item as a DataFrame of flat columns (needs ``batchkit-aws[pandas]``).

        Times are timezone-aware UTC timestamps, enums strings, nested members ``a.b``; the
        columns come from the model, so an empty result has them too.
        """
        from batchkit._core.display import to_pandas

        return to_pandas(cast(Any, self.to_list(progress=progress)), model=self._model)


class Consumed(Generic[T]):
    """The consumer's side of every listing, one queue or a merge, sync or async: how much
    was yielded, ``max_items``, items peeked ahead, ``close``, the one-consumer guard, and
    how many more items the running call needs.

    The need: ``first()`` 1, ``take(n)`` n, a notebook's display 10, ``max_items`` what is
    left; None while iterating.  A listing's first page may then be a small one
    (:meth:`PagerCore._fetch_size`), and a merge over queues passes its need on to each
    queue's first page.  ``peek`` sets none: a merge peeks every queue's head and reads on.
    """

    #: Who else may be using the listing, for the one-consumer error ("thread", "task").
    _consumer = "thread"
    _want: int | None = None

    def _start(self, label: str, max_items: int | None) -> None:
        self._label = label
        self._max_items = max_items
        self._yielded = 0
        self._closed = False
        self._busy = threading.Lock()
        # Items read ahead by peek(), each with the resume token from just before it.
        self._ahead: deque[tuple[str | None, T]] = deque()

    def close(self) -> None:
        """End the listing: iteration stops; :attr:`resume_token` still says where it was."""
        self._closed = True

    def _at_max(self) -> bool:
        return self._max_items is not None and self._yielded >= self._max_items

    def _guard(self) -> _Guard:
        return _Guard(self._busy, self._label, self._consumer)

    def _busy_error(self) -> BatchKitError:
        return busy_error(self._label, self._consumer)

    @contextmanager
    def _wanting(self, n: int | None) -> Iterator[None]:
        self._want = n
        try:
            yield
        finally:
            self._want = None

    def _needed(self) -> int | None:
        want = self._want
        if self._max_items is not None:
            left = self._max_items - self._yielded
            want = left if want is None else min(want, left)
        return want

    def _next_ready(self) -> Any:
        """The next item that needs no request -- a peeked one -- else _END."""
        if self._ahead:
            return self._ahead.popleft()[1]
        return _END


class PagerCore(Consumed[T], Generic[T, S]):
    """The sans-I/O state of a listing: position, resume tokens, keep/dedupe/stop, peeked items.

    Why a class of its own: the sync :class:`JobPager` and ``batchkit.aio.AsyncJobPager``
    share every rule of *where a listing is* and differ only in how a page is fetched.
    :meth:`_next_request` says which page to fetch (or None at the end), :meth:`_accept`
    takes it, :meth:`_take_from_page` hands out the next kept item; a subclass does the I/O
    in between.

    ``end_on_repeated_token=True`` is for services that end a listing by sending back the
    token they were given (CloudWatch Logs ``GetLogEvents``) rather than no token: such a
    page is the last one, and following its token again would only ask for it again.  The
    end of such a listing is open -- new items can arrive after it -- so there
    :attr:`resume_token` is not None: it points just past the last item, and a listing
    started from it later yields only what arrived since.
    """

    def __init__(
        self,
        sources: Sequence[S],
        *,
        label: str,
        token_key: str,
        keep: Callable[[T], bool] | None = None,
        stop: Callable[[], StopRule] | None = None,
        starting_token: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        dedupe: Callable[[T], object] | None = None,
        model: type[Any] | None = None,
        end_on_repeated_token: bool = False,
    ) -> None:
        self._start(label, max_items)
        self._sources = tuple(sources)
        self._token_key = token_key
        self._keep = keep
        self._new_stop = stop
        self._stop_rule = stop() if stop is not None else None
        self._page_size = page_size
        self._dedupe = dedupe
        # No client-side rule decides which items of a page are yielded: iteration may
        # hand out the page's items by index (JobPager.__next__).
        self._plain = keep is None and dedupe is None and max_items is None
        self._seen_keys: set[object] = set()
        self._model = model
        self._origin = decode_token(starting_token, token_key, len(self._sources))
        self._page: RawPage[T] | None = None
        self._page_position = self._origin
        self._pos = 0
        self._carry = 0
        self._last_page = False  # the stop rule says no later page of this segment matters
        self._end_on_repeat = end_on_repeated_token
        self._tail = False  # the current page's next token is its own: the end, for now
        self._followed: set[tuple[int, str]] = set()  # service tokens followed (cycles)
        self._requests = 0

    # ------------------------------------------------------------------ public API

    @property
    def done(self) -> bool:
        """True when nothing is left to yield: the listing is exhausted, closed, or
        ``max_items`` were yielded (then :attr:`resume_token` still points at the rest)."""
        if self._ahead:
            return False
        return self._closed or self._at_max() or (self._page_exhausted() and self._at_end())

    @property
    def requests_made(self) -> int:
        """How many pages have been received so far."""
        return self._requests

    @property
    def resume_token(self) -> str | None:
        """Where the remaining items start; None when the listing is exhausted, or when
        nothing was read yet and the pager started at the beginning.  (A listing with an
        open end, ``end_on_repeated_token``, has a token at its end too: for what comes later.)"""
        return self._resume_token()

    def __repr__(self) -> str:
        state = "done" if self.done else f"{self._yielded} yielded"
        return f"<{type(self).__name__} {self._label}: {state}, {self._requests} request(s)>"

    # ------------------------------------------------------------------ internals

    def _fetch_size(self, position: _Position) -> int | None:
        """The page size to ask for.

        The caller's ``page_size`` when given.  Otherwise the service's default -- up to
        1,000 jobs a page for ListJobs without a filter, the fewest round trips -- except for
        a listing's *first* page when the running call needs only a few items: ``first()``
        on a queue of 100,000 jobs then asks for 1 job, not 1,000, and ``take(5)`` or
        ``max_items=5`` for 5 (plus the items a resume token skips).
        """
        if self._page_size is not None or self._requests:
            return self._page_size
        want = self._needed()
        if want is None:
            return None
        size = max(want - len(self._ahead), 1) + position.skip
        return size if size <= SMALL_FIRST_PAGE else None

    def _resume_token(self) -> str | None:
        if self._ahead:
            return self._ahead[0][0]
        return self._frontier_token()

    def _frontier_token(self) -> str | None:
        """The token after the last item read from the pages (peeked ones included)."""
        if self._page is None:
            return _encode(self._token_key, self._origin)
        if not self._page_exhausted():
            position = self._page_position
            assert self._page is not None
            if position.token is None and self._page.anchor is not None:
                token, skip = self._page.anchor(self._pos)  # a page that cannot be re-asked
                return _encode(self._token_key, _Position(position.segment, token, skip))
            return _encode(self._token_key, _Position(position.segment, position.token, self._pos))
        following = self._following()
        if following is None and self._tail:
            # An open end: the tail page again, past every item it held.
            position = self._page_position
            tail = _Position(position.segment, position.token, self._pos + self._carry)
            return _encode(self._token_key, tail)
        if following is None:
            return None
        if following.token is not None and (following.segment, following.token) in self._followed:
            # The page's next token is one this listing followed (a cycle, not yet refused):
            # resume by asking for this page again past its items, as _refuse_cycle does --
            # a transient glitch then heals, a persistent one is refused by the next pager.
            position = self._page_position
            assert self._page is not None
            skip = len(self._page.items) + self._carry
            following = _Position(position.segment, position.token, skip)
        return _encode(self._token_key, following)

    def _following(self) -> _Position | None:
        """Where the page after the current (exhausted) one starts; None at the end."""
        assert self._page is not None
        segment = self._page_position.segment
        if self._page.next_token is not None and not self._last_page and not self._tail:
            return _Position(segment, self._page.next_token, self._carry)
        if segment + 1 < len(self._sources):
            return _Position(segment + 1)
        return None

    def _page_exhausted(self) -> bool:
        return self._page is not None and self._pos >= len(self._page.items)

    def _at_end(self) -> bool:
        return self._page is not None and self._following() is None

    def _take_from_page(self) -> Any:
        """The next kept item of the current page, or _END."""
        page = self._page
        while page is not None and self._pos < len(page.items):
            if self._closed or self._at_max():
                break
            item = page.items[self._pos]
            self._pos += 1
            if self._keep is not None and not self._keep(item):
                continue
            if self._dedupe is not None:
                key = self._dedupe(item)
                if key in self._seen_keys:
                    continue
                self._seen_keys.add(key)
            self._yielded += 1
            return item
        return _END

    def _next_ready(self) -> Any:
        """The next item that needs no request -- a peeked one, or the current page's next
        kept one -- else _END.  Iteration's hot path: without client-side rules (keep,
        dedupe, max_items) an index bump instead of :meth:`_take_from_page`'s checks."""
        if self._ahead:
            return self._ahead.popleft()[1]
        page = self._page
        if self._plain and page is not None and not self._closed:
            pos = self._pos
            if pos < len(page.items):
                self._pos = pos + 1
                self._yielded += 1
                return page.items[pos]
            return _END
        return self._take_from_page()

    def _page_in_hand(self) -> Page[T] | None:
        """For ``pages()``: what is already read and not yielded -- peeked items and the rest
        of the current page -- as one page, or None when nothing is."""
        if self._ahead:
            peeked = tuple(item for _, item in self._ahead)
            self._ahead.clear()
            if not self._page_exhausted():
                peeked += tuple(self._rest_of_page())
            return Page(peeked, self._frontier_token())
        if self._page is not None and not self._page_exhausted():
            return self._rest_as_page()
        return None

    def _rest_as_page(self) -> Page[T]:
        return Page(tuple(self._rest_of_page()), self._frontier_token())

    def _rest_of_page(self) -> Iterator[T]:
        while (item := self._take_from_page()) is not _END:
            yield item

    def _next_request(self) -> _Position | None:
        """Where the next page starts (sans I/O); None at the end of the listing."""
        if self._closed or self._at_max():
            return None
        if self._page is not None:
            following = self._following()
            if following is None:
                return None
            if following.token is not None and (following.segment, following.token) in (
                self._followed
            ):
                self._refuse_cycle()
            if following.segment != self._page_position.segment:
                self._stop_rule = self._new_stop() if self._new_stop is not None else None
            self._origin = following
        return self._origin

    def _refuse_cycle(self) -> None:
        """The current page's next token was followed before (A -> B -> A).  Following it
        would repeat items forever.  Resume by asking for the current page again, past its
        items: a transient glitch then heals, a persistent one raises again."""
        assert self._page is not None
        position = self._page_position
        # past its items, and past the items a larger-page token still had to skip (carry)
        skip = len(self._page.items) + self._carry
        self._origin = _Position(position.segment, position.token, skip)
        self._followed.discard((position.segment, position.token or ""))
        self._page = None
        error = TokenCycleError(
            f"{self._label}: the service sent a pagination token this listing already "
            f"followed (after {self._requests} page(s)); following it would repeat items"
        )
        error.resume_token = self._resume_token()
        raise error

    def _accept(self, position: _Position, page: RawPage[T]) -> None:
        """Take the page fetched for ``position`` (sans I/O)."""
        self._requests += 1
        if position.token is not None:
            self._followed.add((position.segment, position.token))
        self._page = page
        self._page_position = _Position(position.segment, position.token)
        self._pos = min(position.skip, len(page.items))
        # A token taken with a larger page size can skip past this page: on into the next.
        self._carry = position.skip - self._pos
        self._tail = (
            self._end_on_repeat and position.token is not None and page.next_token == position.token
        )
        self._last_page = self._stop_rule is not None and self._stop_rule.after_page(page.items)
        log.debug(
            "%s: page %d, %d items, %s",
            self._label,
            self._requests,
            len(page.items),
            "more to come"
            if page.next_token and not (self._last_page or self._tail)
            else "last page",
        )


class Listing(Consumed[T], Results[T]):
    """What a queue's :class:`JobPager` and a merge's ``MergedPager`` offer alike, on top of
    their cores: iteration (the one-consumer guard inline: it runs once per item), ``first``,
    ``peek``, ``take`` (lossless), the notebook display.  A subclass says how the next item
    is read when none is ready (``_read``)."""

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        busy = self._busy
        if not busy.acquire(blocking=False):
            raise self._busy_error()
        try:
            item = self._next_ready()
            return cast(T, item) if item is not _END else self._read()
        finally:
            busy.release()

    @property
    def resume_token(self) -> str | None:  # pragma: no cover - each core defines it
        raise NotImplementedError

    def _read(self) -> T:  # pragma: no cover - each listing defines it
        raise NotImplementedError

    def _title(self) -> str:
        """What the notebook display calls the listing."""
        return self._label

    def first(self) -> T | None:
        """The next item, or None if there is none (a first page of one item, if it is the
        listing's first request)."""
        with self._wanting(1):
            return next(self, None)

    def peek(self, n: int) -> list[T]:
        """Up to ``n`` next items *without consuming them*: iteration still yields them.

        This is what a notebook's display of a pager uses: it fetches only the pages those
        rows need, and ``resume_token`` still points before the peeked items.  If a request
        fails, what was peeked stays peeked (never yielded twice).

        Args:
            n: how many items to look at (an int >= 0).

        Returns:
            The next items, at most ``n``.

        Raises:
            InvalidParameterError: ``n`` is not an int >= 0.
            BatchKitError: a request failed (``resume_token`` set).
        """
        return read_ahead(self, n)

    def take(self, n: int, *, progress: bool = False) -> list[T]:
        """The next ``n`` items (fewer if the listing ends first).

        Lossless on failure: if a request fails (or you press Ctrl-C) nothing read by this
        call is lost -- the items go back in front of the pager, and the error's
        ``resume_token`` is where the call started.

        Args:
            n: how many items (an int >= 0).
            progress: show a ``tqdm.auto`` bar (a widget in a notebook) if tqdm is installed.

        Returns:
            The next items, at most ``n``.

        Raises:
            InvalidParameterError: ``n`` is not an int >= 0.
            BatchKitError: a request failed (``resume_token``: where this call started).
        """
        _check_count("take", n)
        with self._wanting(n):
            return lossless_take(self, n, progress, start=lambda: self.resume_token)

    def _repr_html_(self) -> str:
        """Notebook display: the next rows, fetching only the pages they need."""
        from batchkit._core.display import html_table

        with self._wanting(10):
            rows = self.peek(10)
        more = "" if self.done else "; the rest is not fetched yet"
        return html_table(cast(Any, rows), f"{self._title()}: first {len(rows)} rows{more}")

    @property
    def done(self) -> bool:  # pragma: no cover - each core defines it
        raise NotImplementedError


class JobPager(PagerCore[T, PageFetcher[T]], Listing[T]):
    """A lazy ``Iterator[T]`` over every item of a listing, one page in memory at a time.

    No request is made until the first item (or page) is asked for.  ``resume_token``
    is valid at every point, errors included: a new listing started with
    ``starting_token=resume_token`` yields exactly the items this pager has not yielded
    yet, and so does iterating this pager again after an error.  One pager is for one
    thread at a time (concurrent use raises); use it as a context manager or call
    :meth:`close` to end it early.
    """

    def pages(self) -> Iterator[Page[T]]:
        """The remaining items page by page (one AWS response each, after filtering).

        If iteration stopped inside a page, the first page holds the rest of that page.
        """
        with self._guard():
            ready = self._page_in_hand()
        if ready is not None:
            yield ready
        while True:
            with self._guard():
                if not self._next_page():
                    return
                page = self._rest_as_page()
            yield page

    def _read(self) -> T:
        """The next kept item from the pages; StopIteration at the end."""
        while True:
            item = self._take_from_page()
            if item is not _END:
                return item  # type: ignore[no-any-return]
            if self._closed or self._at_max() or not self._next_page():
                raise StopIteration

    def _next_page(self) -> bool:
        """Load the page that follows; False at the end of the listing."""
        position = self._next_request()
        if position is None:
            return False
        try:
            page = self._sources[position.segment].fetch(position.token, self._fetch_size(position))
        except BatchKitError as error:
            error.resume_token = self._resume_token()
            raise
        self._accept(position, page)
        return True


class _Guard:
    """Refuse a second thread (or a re-entrant call) while the pager is busy."""

    def __init__(self, lock: threading.Lock, label: str, consumer: str = "thread") -> None:
        self._lock = lock
        self._label = label
        self._consumer = consumer

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            raise busy_error(self._label, self._consumer)

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def busy_error(label: str, consumer: str) -> BatchKitError:
    """The error for a second consumer of a one-consumer pager."""
    return BatchKitError(
        f"{label}: this pager is being iterated elsewhere (another {consumer}); a pager is "
        f"for one consumer at a time -- make one pager per {consumer}"
    )


def read_ahead(pager: Any, n: int) -> list[Any]:
    """``peek`` for a pager with ``_ahead``, ``_frontier_token()``, ``_read()`` and ``_guard()``
    (:class:`JobPager`, ``MergedPager``): read until ``n`` items wait in front, each with the
    resume token from just before it; a failure keeps what was read (never yielded twice)."""
    _check_count("peek", n)
    with pager._guard():
        while len(pager._ahead) < n:
            token = pager._frontier_token()
            try:
                item = pager._read()
            except StopIteration:
                break
            pager._ahead.append((token, item))
        return [item for _, item in list(pager._ahead)[:n]]


def lossless_take(
    pager: Any, n: int, progress: bool, *, start: Callable[[], str | None]
) -> list[Any]:
    """``take`` for a pager with peeked items (``_ahead``), ``_frontier_token()``, ``_read()``,
    ``_guard()`` and ``_label`` (:class:`JobPager`, ``MergedPager``): on any failure the items
    read go back in front, and a :class:`BatchKitError`'s ``resume_token`` is ``start()``
    taken when the call began."""
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
                    read.append((token, pager._read()))
                if bar is not None:
                    bar.update(1)
        except StopIteration:
            pass
        except BaseException as error:
            pager._ahead.extendleft(reversed(read))
            if isinstance(error, BatchKitError):
                error.resume_token = begin
            raise
        finally:
            if bar is not None:
                bar.close()
    return [item for _, item in read]


_END = object()

#: The largest first page :meth:`PagerCore._fetch_size` asks for when a call needs only a few
#: items: every listing operation accepts 100, filtered or not; a call that needs more gets
#: the service's default page, as iteration does.
SMALL_FIRST_PAGE = 100


def _check_count(name: str, n: object) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidParameterError(f"{name}: n must be an int >= 0, got {n!r}")
